"""Getting a user's file into a table of text, whatever its encoding and however broken.

Every cell is read as text (no type guessing: "007" stays "007", and a
misspelt number is reported rather than silently turned into NaN). CSV is
tried as UTF-8, then cp1252 (what Excel on Windows writes), then Latin-1
(which reads any byte), and the report names the one used. A CSV whose
lines do not all have the header's number of fields is read again line by
line, so that the broken lines can be rejected with their line numbers
instead of failing the whole file.
"""

from __future__ import annotations

import csv
import io
import mmap
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa

from geo.columns import text_series
from geo.errors import DataError

Source = str | Path | bytes | BinaryIO
ENCODINGS: tuple[str, ...] = ("utf-8", "cp1252", "latin-1")


@dataclass
class RawTable:
    """A file's rows as text, the lines that could not be split into its columns, and how."""

    frame: pd.DataFrame  # str cells, original column names (stripped)
    lines: pd.Series | None  # file line of each row; None means "index + 2"
    broken: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, fields)
    encoding: str | None = None


def label_of(source: Source, name: str | None) -> str:
    """The name to show for a source in messages."""
    if name:
        return name
    if isinstance(source, (str, Path)):
        return str(source)
    return "uploaded file"


def suffix_of(source: Source, name: str | None) -> str:
    """Lower-case suffix of the file's name ("" for unnamed bytes)."""
    if name:
        return Path(name).suffix.lower()
    if isinstance(source, (str, Path)):
        return Path(source).suffix.lower()
    return ""


def head_bytes(source: Source, size: int = 65536) -> bytes:
    """The first bytes of the source, leaving a stream where it was."""
    if isinstance(source, bytes):
        return source[:size]
    if isinstance(source, (str, Path)):
        try:
            with open(source, "rb") as fh:
                return fh.read(size)
        except FileNotFoundError as err:
            raise DataError(f"{source}: no such file. Fix: check the path.") from err
    pos = source.tell()
    data = source.read(size)
    source.seek(pos)
    return data


def open_binary(source: Source) -> BinaryIO | str | Path:
    """Something pandas and json can read from (a path stays a path)."""
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, (str, Path)):
        return source
    source.seek(0)
    return source


def read_csv_text(source: Source, label: str) -> RawTable:
    """Read a CSV as text cells, trying UTF-8, then cp1252, then Latin-1.

    pyarrow's multi-threaded reader is used when it is installed (several
    times faster than pandas' own reading every cell as text); lines it
    cannot split send the file to the line-by-line reader.
    """
    for encoding in ENCODINGS:
        try:
            frame = read_arrow_text(source, encoding)
            if frame is None:
                frame = pd.read_csv(
                    open_binary(source),
                    dtype=str,
                    keep_default_na=False,
                    encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                )
        except UnicodeDecodeError:
            continue
        except FileNotFoundError as err:
            raise DataError(f"{label}: no such file. Fix: check the path.") from err
        except pd.errors.EmptyDataError as err:
            raise DataError(f"{label}: the file is empty. Fix: check the export.") from err
        except (pd.errors.ParserError, ValueError) as err:  # pyarrow.ArrowInvalid is a ValueError
            if "invalid UTF8" in str(err):
                continue
            if "Empty CSV file" in str(err):
                raise DataError(f"{label}: the file is empty. Fix: check the export.") from err
            return _read_line_by_line(source, label, encoding)
        frame.columns = [str(c).strip() for c in frame.columns]
        return RawTable(frame.fillna(""), None, [], encoding)
    raise AssertionError("latin-1 reads any byte")  # pragma: no cover


BLOCK_BYTES = 4 << 20
"""Bytes of the file pyarrow parses per block: each column comes out in one chunk per block.

Arrow's default (1 MB) cuts a 470 MB export into ~450 chunks, and every
later step pays per chunk; 4 MB gives ~115, parses as fast, and keeps the
reader's own buffers (~100 MB more at 16 MB) small. The chunks are not
combined into one array per column: that copied the whole file once more."""


def read_arrow_text(source: Source, encoding: str) -> pd.DataFrame | None:
    """The CSV read by pyarrow as "str" columns, or None when pyarrow cannot be used.

    Cells are read as ``large_string``, the type pandas keeps text in, so
    the columns become pandas' as they are (reading 32-bit ``string`` and
    widening the offsets for pandas touched ~250 MB more of fresh memory on
    a 470 MB file and took longer overall). A large file is read in pieces
    on both cores (see ``_read_pieces``); where that cannot be trusted, by
    arrow's own reader, which allows line breaks in quoted cells.
    """
    try:
        import pyarrow.csv as pcsv

        convert = pcsv.ConvertOptions(
            default_column_type=pa.large_string(),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
    except (ImportError, TypeError):  # no pyarrow, or one older than 25
        return None
    arrow_encoding = "utf8" if encoding == "utf-8" else encoding
    table = _read_pieces(source, arrow_encoding, convert)
    if table is None:
        table = pcsv.read_csv(
            open_binary(source),
            read_options=pcsv.ReadOptions(encoding=arrow_encoding, block_size=BLOCK_BYTES),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=convert,
        )
    return _to_frame(table)


def _read_pieces(source: Source, encoding: str, convert: object) -> pa.Table | None:
    """A large CSV parsed as pieces of about BLOCK_BYTES, two at a time; None if unsure.

    Arrow's reader, when cells may hold line breaks, finds where its blocks
    end in one serial pass over the file, which took longer than the
    parsing itself (1.4-1.8 s of a 470 MB file, against 0.7 s without it).
    Here the file is cut after the last line break of each stretch of
    BLOCK_BYTES, and each piece is parsed whole by arrow (as one block,
    where line breaks in quoted cells are read as arrow's reader reads
    them). A cut is trusted only if the piece before it ends cleanly: had
    it fallen inside a quoted cell, that piece's last row would be short
    (arrow refuses it) or its last cell would end with the line break. At
    the first doubt (or any error) the pieces are dropped and None returned,
    and the caller reads the file the usual way: the table is always the one
    arrow's reader gives.
    """
    import pyarrow.csv as pcsv

    if isinstance(source, bytes):
        size = len(source)
    elif isinstance(source, (str, Path)):
        size = os.path.getsize(source)
    else:
        return None
    if size <= 2 * BLOCK_BYTES:
        return None

    data = _mapped(source)
    view = memoryview(data)

    def parse(start: int, end: int, names: list[str] | None) -> pa.Table:
        read = pcsv.ReadOptions(
            encoding=encoding,
            use_threads=False,
            block_size=4 * (end - start) + 1024,  # one block, whatever the transcoding adds
            column_names=names,
        )
        table = pcsv.read_csv(
            pa.py_buffer(view[start:end]),
            read_options=read,
            parse_options=pcsv.ParseOptions(newlines_in_values=False),
            convert_options=convert,
        )
        _release(data, start, end)
        return table

    pieces = _pieces(data)
    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            tables = [parse(*next(pieces), None)]
            names = tables[0].column_names
            # Every piece is queued at once (they are views: nothing is copied), so the
            # workers never wait for this thread, which a busy machine may not run for a while.
            futures = [pool.submit(parse, start, end, names) for start, end in pieces]
            for future in futures:  # in order: each piece vouches for the cut before it
                if not _ends_cleanly(tables[-1]):
                    raise ValueError("a piece ends inside a quoted cell")
                tables.append(future.result())
        except ValueError:  # also pyarrow.ArrowInvalid and UnicodeDecodeError
            pool.shutdown(wait=True, cancel_futures=True)
            return None
    return pa.concat_tables(tables)


def _ends_cleanly(table: pa.Table) -> bool:
    """False when the table's last cell ends with a line break (the cut may be in a quote)."""
    if not table.num_rows or not table.num_columns:
        return True
    last = table.column(table.num_columns - 1)[-1].as_py()
    return not str(last).endswith(("\n", "\r"))


def _pieces(data: bytes | mmap.mmap) -> Iterator[tuple[int, int]]:
    """(start, end) of pieces of about BLOCK_BYTES, each cut after its last line break.

    ValueError when a stretch holds no line break at all (a row of megabytes:
    no place to cut).
    """
    start, size = 0, len(data)
    while start < size:
        end = min(start + BLOCK_BYTES, size)
        if end < size:
            cut = data.rfind(b"\n", start, end)
            if cut < 0:
                raise ValueError("no line break to cut at")
            end = cut + 1
        yield start, end
        start = end


def _mapped(source: bytes | str | Path) -> bytes | mmap.mmap:
    """The bytes, or the file mapped read-only (unmapped when the last view of it goes).

    A file is mapped, not read: the pieces are views of the page cache, so
    nothing is copied before arrow parses it.
    """
    if isinstance(source, bytes):
        return source
    with Path(source).open("rb") as stream:
        return mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)


def _release(data: bytes | mmap.mmap, start: int, end: int) -> None:
    """Let go of the mapped pages wholly inside [start, end) (parsed already): they stay
    in the page cache, but no longer count in this process's memory (a 470 MB file
    would, whole). A page shared with a piece still being parsed is mapped again."""
    if isinstance(data, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
        first = -(-start // mmap.PAGESIZE) * mmap.PAGESIZE
        last = end - end % mmap.PAGESIZE if end < len(data) else end
        if last > first:
            data.madvise(mmap.MADV_DONTNEED, first, last - first)


def _to_frame(table: pa.Table) -> pd.DataFrame:
    """The table as "str" columns sharing its buffers, handed over a column at a time.

    Any column that is not ``large_string`` is widened for pandas, and its
    original let go before the next is converted.
    """
    names = table.column_names
    rows = table.num_rows
    columns: dict[int, pd.Series] = {}
    for k in range(len(names)):
        column = table.column(0)
        table = table.remove_column(0)
        columns[k] = text_series(column, "str")
        del column
    frame = pd.DataFrame(columns, index=pd.RangeIndex(rows))
    frame.columns = names
    return frame


def _read_line_by_line(source: Source, label: str, encoding: str) -> RawTable:
    """Slow path for CSVs with broken lines: keep the good rows, list the broken ones."""
    stream = open_binary(source)
    raw = Path(stream).read_bytes() if isinstance(stream, (str, Path)) else stream.read()
    text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration as err:
        raise DataError(f"{label}: the file is empty. Fix: check the export.") from err
    except csv.Error as err:
        raise DataError(f"{label}: not a readable CSV ({err}). Fix: export it as CSV.") from err
    rows: list[list[str]] = []
    lines: list[int] = []
    broken: list[tuple[int, list[str]]] = []
    start = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error:
            broken.append((start, []))
            start = reader.line_num + 1
            continue
        if len(fields) == len(header):
            rows.append(fields)
            lines.append(start)
        elif fields:
            broken.append((start, fields))
        start = reader.line_num + 1
    frame = (
        pd.DataFrame(rows, columns=header, dtype=str)
        if rows
        else pd.DataFrame({h: pd.Series(dtype=str) for h in header})
    )
    return RawTable(frame, pd.Series(lines, dtype="int64"), broken, encoding)


def read_excel_text(source: Source, label: str) -> RawTable:
    """Read the first sheet of an XLSX workbook as text cells (needs openpyxl)."""
    try:
        frame = pd.read_excel(open_binary(source), sheet_name=0, dtype=str)
    except ImportError as err:
        raise DataError(
            f"{label}: reading spreadsheets needs the openpyxl package. "
            "Fix: pip install openpyxl, or save the sheet as CSV."
        ) from err
    except FileNotFoundError as err:
        raise DataError(f"{label}: no such file. Fix: check the path.") from err
    except (ValueError, KeyError, OSError) as err:
        raise DataError(
            f"{label}: not a readable workbook ({err}). Fix: save it as XLSX or CSV."
        ) from err
    frame = frame.fillna("")
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame, None, [], None)
