"""What an import did: the loaded events, every rejected row with its reason, the choices made.

Every format module turns its file into a ``Staged`` table: the user's rows
as they came (``original``), the same rows as text in the events schema
(``text``), and the problems it already found. ``finish`` then applies what
is common to all formats (duplicated ids, coordinates outside the named
country, and geo.events' row checks, so that dtypes and rules match
read_events) and builds the ``ImportReport``. Rows read = loaded + rejected
always holds, and is asserted.
"""

from __future__ import annotations

import io
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.columns import Rows, empty_strings, filled
from geo.errors import GazetteerError
from geo.events import SCHEMA, LoadReport, Parsed, check_rows, first_problems
from geo.rawtable import RawTable

META_COLUMNS: tuple[str, ...] = ("line", "column", "problem", "reason")
"""Columns a rejected row gains in front of its original ones."""


@dataclass
class Problem:
    """Rows one check rejects: a mask over the staged rows and the reason for each."""

    mask: np.ndarray
    column: str
    problem: str  # short kind, counted in the summary
    reasons: dict[int, str] | str  # per rejected position, or one text for all


@dataclass
class Staged:
    """A file read into the events schema as text, before the common checks."""

    label: str
    format: str
    raw: RawTable
    text: pd.DataFrame  # one str column per SCHEMA column, same rows as raw.frame
    mapping: dict[str, str]  # schema column -> the file's column (or a description)
    problems: list[Problem] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    parsed: Parsed = field(default_factory=Parsed)  # columns read already, for check_rows

    def reject(
        self, mask: pd.Series | np.ndarray, column: str, problem: str, reasons: object
    ) -> None:
        """Record rows to reject.

        ``reasons`` is one text for all, or a Series of texts indexed by the
        rejected rows' positions (only those: building a text for every row of
        a million-row file to keep a handful would be the slowest step).
        """
        m = np.asarray(mask, dtype=bool)
        if m.any():
            if isinstance(reasons, pd.Series):
                r: dict[int, str] | str = dict(
                    zip(reasons.index.tolist(), reasons.astype(str).tolist(), strict=True)
                )
            else:
                r = str(reasons)
            self.problems.append(Problem(m, column, problem, r))


@dataclass
class ImportReport:
    """The result of ``import_dataset``.

    ``events`` has the events schema and its dtypes (as ``read_events`` gives).
    ``rejected`` holds each rejected row as it came, after ``line`` (the row's
    line in the file, header = 1; for GeoJSON the feature's number, from 1;
    for a spreadsheet its row number), ``column``, ``problem`` (a short kind,
    counted in the summary) and ``reason`` (what was expected, what came,
    how to fix; several joined by "; "). ``choices`` says what was decided
    for the user (date order, text read as counts, columns matched).
    ``mapping`` is schema column -> the file's column, to show and to
    override. ``extras`` holds the file's other columns for the loaded rows,
    aligned with ``events``, so nothing the user gave is lost.
    """

    source: str
    format: str
    events: pd.DataFrame
    rejected: pd.DataFrame
    choices: list[str] = field(default_factory=list)
    encoding: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    extras: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def rows_read(self) -> int:
        """Rows in the file: always loaded + rejected."""
        return len(self.events) + len(self.rejected)

    def reasons(self) -> dict[str, int]:
        """How many rows were rejected for each kind of problem, most first."""
        if self.rejected.empty:
            return {}
        return dict(Counter(self.rejected["problem"].astype(str)).most_common())

    def summary(self) -> str:
        """One line: rows read, loaded, rejected by reason, and the choices made."""
        how = self.format + (f", {self.encoding}" if self.encoding else "")
        line = (
            f"{self.source} ({how}): {self.rows_read} rows read, {len(self.events)} loaded, "
            f"{len(self.rejected)} rejected"
        )
        reasons = self.reasons()
        if reasons:
            line += " (" + ", ".join(f"{n} {kind}" for kind, n in reasons.items()) + ")"
        if self.choices:
            line += "; " + "; ".join(self.choices)
        return line

    def rejected_csv_bytes(self) -> bytes:
        """The rejected rows as UTF-8 CSV: each original row, then line, problem and reason.

        This is the ``<OUT stem>.rejected.csv`` of ``newsmap import``: fix the
        rows in it and import it again.
        """
        original = [c for c in self.rejected.columns if c not in META_COLUMNS]
        table = self.rejected[[*original, "line", "problem", "reason"]]
        buffer = io.StringIO()
        table.to_csv(buffer, index=False)
        return buffer.getvalue().encode("utf-8")

    def as_load_report(self) -> LoadReport:
        """The same result as geo.events.LoadReport, for code written against read_events."""
        return LoadReport(self.source, self.events, self.rejected, list(self.choices))


def finish(staged: Staged, gazetteer: object | None, check_countries: bool) -> ImportReport:
    """Apply the checks common to every format and build the report.

    The schema checks of geo.events (the rules read_events applies) run on
    every row; the format's rejections, duplicated ids and the country check
    are added to theirs. Then the rejected rows' original cells are taken
    from the file's table, and each column's kept rows are selected once,
    into the extras or straight into the events table. This consumes
    ``staged``: its text and the file's table are emptied column by column
    as their copies are made, so the import holds about one copy of the
    file at a time, not two (memory first touched is most of its time).
    """
    text = staged.text.reset_index(drop=True)
    raw = staged.raw
    n = len(text)
    lines = raw.lines.to_numpy() if raw.lines is not None else np.arange(2, n + 2, dtype=np.int64)
    # Hashing a million ids is the longest single check and needs nothing else:
    # it runs on the other core while the rows are read (arrow lets go of the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        repeated = pool.submit(_duplicates, text["event_id"], lines)
        # Ids were stripped by staged_from, and repeated ones are rejected here.
        checked = check_rows(text, prechecked=True, parsed=staged.parsed)
        duplicates = repeated.result()
    if duplicates is not None:
        staged.reject(duplicates[0], "event_id", "duplicate id", duplicates[1])
    if check_countries:
        coordinates = (checked.numbers["latitude"], checked.numbers["longitude"])
        _check_countries(staged, text, gazetteer, coordinates)

    bad = np.zeros(n, dtype=bool)
    for p in staged.problems:
        bad |= p.mask
    found = first_problems(checked.problems)
    bad[list(found)] = True

    rejected = _rejected_table(staged, lines, bad, found)
    extras = _extras(staged, ~bad)
    del text
    staged.text = staged.text.iloc[:, :0]
    events = checked.events(~bad)
    report = ImportReport(
        source=staged.label,
        format=staged.format,
        events=events,
        rejected=rejected,
        choices=staged.choices,
        encoding=raw.encoding,
        mapping=staged.mapping,
        extras=extras,
    )
    assert report.rows_read == n + len(raw.broken), "rows read must equal loaded + rejected"
    return report


def _extras(staged: Staged, kept: np.ndarray) -> pd.DataFrame:
    """The file's columns that feed no schema column, for the loaded rows; empties the table.

    Each column is let go once its kept rows are copied, so the copies reuse
    the memory of the columns before them.
    """
    raw = staged.raw
    frame = raw.frame
    raw.frame = frame.iloc[:, :0]
    mapped = set(staged.mapping.values())
    names = frame.columns[[c not in mapped for c in frame.columns]]
    if not frame.columns.is_unique:  # repeated names: select as pandas does
        return _rows(frame[list(names)], kept)
    left: dict[int, pd.Series] = {k: frame[c] for k, c in enumerate(names)}
    del frame
    rows = Rows(kept)
    picked = {k: rows(left.pop(k)) for k in range(len(names))}
    out = pd.DataFrame(picked, index=pd.RangeIndex(int(kept.sum())))
    out.columns = names
    return out


def _rows(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """frame[mask] with a fresh index, selected a column at a time.

    A boolean mask on one column is arrow's filter, chunk by chunk; on a
    whole frame pandas turns it into positions and a take, which on text
    read in chunks was many times slower.
    """
    if mask.all():
        return frame.reset_index(drop=True)
    rows = Rows(mask)
    columns = {k: rows(frame.iloc[:, k]) for k in range(frame.shape[1])}
    out = pd.DataFrame(columns, index=pd.RangeIndex(int(mask.sum())))
    out.columns = frame.columns
    return out


def _duplicates(ids: pd.Series, lines: np.ndarray) -> tuple[np.ndarray, pd.Series] | None:
    """Rows whose id an earlier row has, and for each the line of that row; None if none."""
    codes, uniques = pd.factorize(ids)
    # Count each id, then look only at the rows whose id is counted more than
    # once (a few): a first-row table over every row cost as much as the hashing.
    present = codes >= 0
    counts = np.bincount(codes if present.all() else codes[present], minlength=len(uniques))
    if not len(counts) or counts.max() <= 1:
        return None
    repeated = np.flatnonzero((counts[codes] > 1) & present & filled(ids)[0])
    if not len(repeated):
        return None
    shared = codes[repeated]
    _, first_of = np.unique(shared, return_index=True)  # rows come in order: the first wins
    first = dict(zip(shared[first_of].tolist(), repeated[first_of].tolist(), strict=True))
    where = np.array(
        [r for r, c in zip(repeated.tolist(), shared.tolist(), strict=True) if first[c] != r],
        dtype=np.int64,
    )
    if not len(where):
        return None
    dup = np.zeros(len(ids), dtype=bool)
    dup[where] = True
    reasons = pd.Series(
        [
            f"id {i!r} is already used by line {lines[first[c]]}; fix: give this event its own id"
            for i, c in zip(ids.iloc[where], codes[where].tolist(), strict=True)
        ],
        index=where,
    )
    return dup, reasons


def _check_countries(
    staged: Staged,
    text: pd.DataFrame,
    gazetteer: object | None,
    coordinates: tuple[np.ndarray, np.ndarray],
) -> None:
    """Reject rows placed outside the country they name; ``coordinates`` as read by check_rows."""
    from geo.formats.bounds import check_bounds
    from geo.gazetteer import Gazetteer

    if not (filled(text["country"])[0] & filled(text["latitude"])[0]).any():
        return
    own = gazetteer is None
    try:
        gaz = Gazetteer.open() if gazetteer is None else gazetteer
    except GazetteerError as err:
        staged.choices.append(f"coordinates not checked against countries: {err}")
        return
    assert isinstance(gaz, Gazetteer)
    try:
        latitude, longitude = (pd.Series(c, index=text.index) for c in coordinates)
        check = check_bounds(text["country"], latitude, longitude, gaz)
    finally:
        if own:
            gaz.close()
    staged.reject(check.outside.to_numpy(), "latitude", "outside country", check.reasons)
    staged.choices.extend(check.choices)


def _rejected_table(
    staged: Staged,
    lines: np.ndarray,
    bad: np.ndarray,
    validated: dict[int, tuple[str, str, str]],
) -> pd.DataFrame:
    """The rejected rows as they came, after their line, first problem and every reason."""
    raw = staged.raw
    original = list(raw.frame.columns)
    where = np.flatnonzero(bad)
    first: dict[int, tuple[str, str]] = {}
    reasons: dict[int, list[str]] = {int(i): [] for i in where}
    for p in staged.problems:
        for i in np.flatnonzero(p.mask).tolist():
            first.setdefault(i, (p.column, p.problem))
            why = p.reasons if isinstance(p.reasons, str) else p.reasons[i]
            reasons[i].append(f"{p.column}: {why}")
    for i, (column, problem, why) in validated.items():
        first.setdefault(i, (column, problem))
        reasons[i].append(why)
    table = _rows(raw.frame, bad)
    meta = pd.DataFrame(
        {
            "line": lines[where],
            "column": [first[int(i)][0] for i in where],
            "problem": [first[int(i)][1] for i in where],
            "reason": ["; ".join(reasons[int(i)]) for i in where],
        }
    )
    for name in META_COLUMNS:
        if name in table.columns:
            table = table.rename(columns={name: f"{name} (original)"})
    rejected = pd.concat([meta, table], axis=1)
    if raw.broken:
        rejected = pd.concat([rejected, _broken_rows(raw, original)], ignore_index=True)
        rejected = rejected.sort_values("line", kind="stable").reset_index(drop=True)
    return rejected


def _broken_rows(raw: RawTable, original: list[str]) -> pd.DataFrame:
    rows = []
    width = len(original)
    for line, fields in raw.broken:
        cells = list(fields[:width]) + [""] * max(0, width - len(fields))
        if len(fields) > width and width:
            cells[-1] = ",".join(fields[width - 1 :])
        rows.append(
            {
                "line": line,
                "column": "",
                "problem": "broken line",
                "reason": (
                    f"line has {len(fields)} fields, the header has {width}; "
                    "fix: quote fields that contain commas or line breaks"
                    if fields
                    else "the line cannot be split into fields (an unclosed quote?)"
                ),
                **dict(zip(original, cells, strict=True)),
            }
        )
    return pd.DataFrame(rows)


def empty_text(n: int) -> pd.DataFrame:
    """A staged text table of n rows with every schema column empty (sharing one array)."""
    blank = empty_strings(n)
    return pd.DataFrame({c: blank for c in SCHEMA})
