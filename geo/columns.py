"""Text columns kept by arrow: the few operations a big import needs, done without copies.

pandas holds "string" and "str" columns as arrow arrays. A million-row
export is ~700 MB of such text, and here the cost of a step is mostly the
memory it touches: on this project's VMs fresh memory costs ~2.5-5 ms per MB
the first time, more than the work done in it. So these helpers share
arrow's buffers wherever they can (an edge check reads two bytes a row, a
blank becomes a null with a new bitmap and the same text, a few changed cells
are spliced in) and make the one copy a row selection needs. Every function
takes and gives pandas Series, and falls back to plain pandas when a column
is not held by arrow, with the same result.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

SPLICE_MAX = 4096
"""Most changed cells spliced into a column; more are written by pandas (a full copy)."""

SLICES_MAX = 10_000
"""Most stretches of kept rows a selection shares as slices; more are copied (see keep_rows)."""

SLICE_ROWS_MIN = 100
"""Fewest kept rows per stretch, on average, for a selection to share slices rather than copy."""


def cell_text(value: object) -> str:
    """One cell of a table as text: '' for a missing value (None, NaN, NA, NaT)."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def arrow_of(values: pd.Series) -> pa.ChunkedArray | None:
    """The column's arrow strings (shared, not copied), or None when it is not arrow text."""
    dtype = values.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return None
    data = pa.array(values.array)
    return data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])


def text_series(
    data: pa.Array | pa.ChunkedArray, dtype: pd.StringDtype | str = "string"
) -> pd.Series:
    """A Series of ``dtype`` ("string" or "str") over arrow strings, with a fresh index.

    pandas wants 64-bit offsets; ``string`` arrays are widened (the text is shared).
    """
    if isinstance(data, pa.Array):
        data = pa.chunked_array([data])
    if not pa.types.is_large_string(data.type):
        data = data.cast(pa.large_string())
    if isinstance(dtype, pd.StringDtype):
        target = dtype
    elif dtype == "string":
        target = pd.StringDtype("pyarrow")
    else:
        target = pd.StringDtype("pyarrow", na_value=np.nan)  # "str"
    return pd.Series(pd.arrays.ArrowStringArray(data, dtype=target))


def empty_strings(n: int) -> pd.Series:
    """n empty "string" cells: one buffer of zero offsets, no text, no Python objects."""
    offsets = pa.py_buffer(np.zeros(n + 1, dtype=np.int64))
    data = pa.Array.from_buffers(pa.large_string(), n, [None, offsets, pa.py_buffer(b"")])
    return text_series(data)


_EDGE_BYTE = np.zeros(256, dtype=bool)
_EDGE_BYTE[: 0x20 + 1] = True  # controls and the space
_EDGE_BYTE[0x7F:] = True  # DEL and every byte of a multi-byte character


def edge_suspects(data: pa.ChunkedArray) -> np.ndarray:
    """True where a string's first or last byte may start or end whitespace.

    Read from arrow's offsets and bytes: a byte at or below the space, DEL, or
    any byte of a multi-byte character (Unicode's other spaces are all
    multi-byte), so every string with whitespace at an edge is flagged, and
    few others. Slicing every string's first and last character to ask the
    same copies the column twice.
    """
    parts = []
    for chunk in data.chunks:
        n = len(chunk)
        _, offsets, body = chunk.buffers()
        if body is None or body.size == 0 or n == 0:
            parts.append(np.zeros(n, dtype=bool))
            continue
        bounds = _offsets(chunk, offsets)
        data_bytes = np.frombuffer(body, dtype=np.uint8)
        starts, ends = bounds[:-1], bounds[1:]
        # An empty string's "first" and "last" bytes are its neighbours' (or clipped to
        # the body's ends); masked below. np.take is the cheaper gather here.
        edge = np.take(_EDGE_BYTE, np.take(data_bytes, starts, mode="clip"))
        edge |= np.take(_EDGE_BYTE, np.take(data_bytes, ends - 1, mode="clip"))
        edge &= ends > starts
        parts.append(edge)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def stripped(values: pd.Series) -> pd.Series:
    """values as "string" with surrounding whitespace removed (the same as .str.strip()).

    Most columns have none, and stripping copies the column (notes: a few
    hundred MB at a million rows), so look at the edges first: only the rows
    whose edge bytes could be whitespace when arrow holds the text, else every row.
    """
    text = values.astype("string")
    data = arrow_of(text)
    look = text
    if data is not None:
        suspects = edge_suspects(data)
        if not suspects.any():
            return text
        look = text[suspects]
    edges = look.str.slice(0, 1).str.isspace() | look.str.slice(-1).str.isspace()
    return text.str.strip() if edges.fillna(False).any() else text


def blank_as_null(data: pa.ChunkedArray) -> pa.ChunkedArray:
    """The strings with "" as null, sharing the text: only a validity bitmap is new."""
    chunks = []
    for chunk in data.chunks:
        validity, offsets, body = chunk.buffers()
        bounds = _offsets(chunk, offsets)
        valid = bounds[1:] > bounds[:-1]
        if validity is not None:
            valid &= np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        lead = np.zeros(chunk.offset, dtype=bool)  # the bitmap counts from the buffers' start
        bitmap = pa.py_buffer(np.packbits(np.concatenate([lead, valid]), bitorder="little"))
        chunks.append(
            pa.Array.from_buffers(
                chunk.type, len(chunk), [bitmap, offsets, body], offset=chunk.offset
            )
        )
    return pa.chunked_array(chunks, type=data.type)


def filled(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(holds text, is present) per cell: not "" and not missing; not missing.

    ``values != ""`` with its missing cells read as False, from arrow's
    offsets and validity instead of comparing a million strings.
    """
    data = arrow_of(values)
    if data is None:
        text = values.astype("string")
        return (text != "").fillna(False).to_numpy(dtype=bool), text.notna().to_numpy(dtype=bool)
    has, present = [], []
    for chunk in data.chunks:
        _, offsets, _ = chunk.buffers()
        bounds = _offsets(chunk, offsets)
        valid = (
            np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
            if chunk.null_count
            else np.ones(len(chunk), dtype=bool)
        )
        has.append((bounds[1:] > bounds[:-1]) & valid)
        present.append(valid)
    if not has:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    return np.concatenate(has), np.concatenate(present)


class Rows:
    """A selection of rows (a boolean mask) to apply to many columns of the same table.

    Dropping a few hundred rows of a million by arrow's filter copied every
    column, ~650 MB of fresh memory for an export, slower here than the
    reading. Instead long kept stretches become zero-copy slices of each
    column's arrays (a column of a few hundred chunks, which arrow's kernels
    handle at the same speed), and a few kept rows (rejected ones) are copied
    into one small array. The stretches, and how they fall on a column's
    chunks, are worked out once for all the columns that share a layout.
    """

    def __init__(self, kept: np.ndarray) -> None:
        self.kept = np.asarray(kept, dtype=bool)
        edges = np.diff(np.concatenate(([0], self.kept.view(np.int8), [0])))
        self.starts = np.flatnonzero(edges == 1)
        self.ends = np.flatnonzero(edges == -1)
        self.count = int(self.kept.sum())
        self._pieces: dict[tuple[int, ...], list[tuple[int, int, int]]] = {}
        self._mask: pa.Array | None = None

    def __call__(self, values: pd.Series) -> pd.Series:
        """values[kept] with a fresh index (arrow text shared or copied as above)."""
        if self.count == len(self.kept):
            return values.reset_index(drop=True)
        data = arrow_of(values)
        if data is None:
            return values[self.kept].reset_index(drop=True)
        runs = len(self.starts)
        if runs <= SLICES_MAX and self.count >= runs * SLICE_ROWS_MIN:
            chunks = data.chunks
            pieces = [chunks[c].slice(at, n) for c, at, n in self.pieces(data)]
            return text_series(pa.chunked_array(pieces, type=data.type), values.dtype)
        if self.count <= SLICES_MAX:
            chunks = data.chunks
            pieces = [chunks[c].slice(at, n) for c, at, n in self.pieces(data)]
            copied = pa.concat_arrays(pieces) if pieces else pa.array([], type=data.type)
            return text_series(copied, values.dtype)
        if self._mask is None:
            self._mask = pa.array(self.kept)
        return text_series(data.filter(self._mask), values.dtype)

    def pieces(self, data: pa.ChunkedArray) -> list[tuple[int, int, int]]:
        """(chunk, offset in it, rows) of every kept stretch, split where the chunks are."""
        layout = tuple(len(chunk) for chunk in data.chunks)
        found = self._pieces.get(layout)
        if found is None:
            bounds = np.concatenate(([0], np.cumsum(layout, dtype=np.int64))).tolist()
            found = []
            c = 0
            for start, end in zip(self.starts.tolist(), self.ends.tolist(), strict=True):
                while start < end:
                    while bounds[c + 1] <= start:
                        c += 1
                    stop = min(end, bounds[c + 1])
                    found.append((c, start - bounds[c], stop - start))
                    start = stop
            self._pieces[layout] = found
        return found


def keep_rows(values: pd.Series, kept: np.ndarray | Rows) -> pd.Series:
    """values[kept] with a fresh index; see Rows for how arrow text is selected."""
    return (kept if isinstance(kept, Rows) else Rows(kept))(values)


def spread(per_value: Sequence[str | None] | np.ndarray, codes: np.ndarray) -> pd.Series:
    """A "string" column from one text per distinct value and each row's code (-1: missing).

    The arrow take copies the texts into place; building a million Python
    strings and converting them back, as ``np.array(...)[codes]`` does, cost
    more than the parsing the codes saved.
    """
    dictionary = pa.array(list(per_value), type=pa.large_string())
    indices = pa.array(codes, mask=codes < 0, type=pa.int64())
    return text_series(dictionary.take(indices))


def with_cells(values: pd.Series, where: np.ndarray, new: pd.Series) -> pd.Series:
    """values as "string", with the cells where ``where`` is True replaced by ``new``, in order.

    A few changed cells are spliced in: the column becomes the untouched
    stretches of its own arrays (shared) with one-cell arrays between them,
    so a note added to 200 rows of a million does not copy 200 MB of notes.
    """
    data = arrow_of(values)
    rows = np.flatnonzero(where)
    if data is None or len(rows) > SPLICE_MAX:
        out = values.astype("string").copy()
        out.iloc[rows] = new.astype("string").to_numpy()
        return out
    replacement = pa.array(new.astype("string").tolist(), type=data.type)
    pieces = []
    at = 0
    for k, i in enumerate(rows.tolist()):
        if i > at:
            pieces.extend(data.slice(at, i - at).chunks)
        pieces.append(replacement.slice(k, 1))
        at = i + 1
    if at < len(data):
        pieces.extend(data.slice(at).chunks)
    out = text_series(pa.chunked_array(pieces, type=data.type))
    out.index = values.index
    return out


def _offsets(chunk: pa.Array, offsets: pa.Buffer) -> np.ndarray:
    """The chunk's n + 1 string offsets as NumPy (no copy)."""
    width = np.dtype(np.int64 if pa.types.is_large_string(chunk.type) else np.int32)
    return np.frombuffer(
        offsets, dtype=width, count=len(chunk) + 1, offset=chunk.offset * width.itemsize
    )


__all__ = [
    "arrow_of",
    "blank_as_null",
    "edge_suspects",
    "empty_strings",
    "filled",
    "Rows",
    "keep_rows",
    "spread",
    "stripped",
    "text_series",
    "with_cells",
]
