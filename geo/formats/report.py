"""What an import did: the loaded events, every rejected row with its reason, the choices made.

Every format module turns its file into a ``Staged`` table: the user's rows
as they came (``original``), the same rows as text in the events schema
(``text``), and the problems it already found. ``finish`` then applies what
is common to all formats (duplicated ids, coordinates outside the named
country, and geo.events.validate, so that dtypes and rules match
read_events) and builds the ``ImportReport``. Rows read = loaded + rejected
always holds, and is asserted.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.errors import GazetteerError
from geo.events import SCHEMA, LoadReport, validate
from geo.formats.reading import RawTable

_BLANKED_ID = "event_id: expected a unique id, got nothing"

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
    """Apply the checks common to every format and build the report."""
    text = staged.text.reset_index(drop=True)
    raw = staged.raw
    n = len(text)
    lines = raw.lines.to_numpy() if raw.lines is not None else np.arange(2, n + 2, dtype=np.int64)
    _check_duplicates(staged, text, lines)
    if check_countries:
        _check_countries(staged, text, gazetteer)

    bad = np.zeros(n, dtype=bool)
    for p in staged.problems:
        bad |= p.mask
    # Rows already rejected go to validate with a blank id, so that it leaves them
    # out of the events with the one row selection it makes anyway (selecting rows
    # here first would copy every column once more); its other findings on them
    # are kept, the blank id it was handed is not.
    ids = text["event_id"]
    handed = text.assign(event_id=ids.where(~bad, "")) if bad.any() else text
    events, vrej = validate(handed, staged.label)
    found: dict[int, tuple[str, str, str]] = {}
    if len(vrej):
        at = vrej["line"].to_numpy(dtype=np.int64) - 2
        reasons = vrej["reason"].astype(str).tolist()
        ours = bad[at] & (ids.iloc[at] != "").to_numpy()
        for k in np.flatnonzero(ours).tolist():
            reasons[k] = reasons[k].replace(_BLANKED_ID + "; ", "").replace(_BLANKED_ID, "")
        found = dict(
            zip(
                at.tolist(),
                zip(
                    vrej["column"].astype(str).tolist(),
                    vrej["problem"].astype(str).tolist(),
                    reasons,
                    strict=True,
                ),
                strict=True,
            )
        )
        bad[at] = True
    loaded = np.flatnonzero(~bad)

    rejected = _rejected_table(staged, lines, bad, found)
    extra_cols = [c for c in raw.frame.columns if c not in set(staged.mapping.values())]
    extras = raw.frame[extra_cols]
    if len(loaded) < n:  # a boolean mask: about twice as fast as positions on arrow text
        extras = extras[~bad].reset_index(drop=True)
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


def _check_duplicates(staged: Staged, text: pd.DataFrame, lines: np.ndarray) -> None:
    ids = text["event_id"]
    codes, uniques = pd.factorize(ids)
    n = len(ids)
    first = np.full(len(uniques) + 1, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(n - 1, -1, -1)  # the last write, i.e. the first row, wins
    dup = (first[codes] != np.arange(n)) & (codes >= 0) & (ids != "").to_numpy()
    if not dup.any():
        return
    where = np.flatnonzero(dup)
    reasons = pd.Series(
        [
            f"id {i!r} is already used by line {f}; fix: give this event its own id"
            for i, f in zip(ids.iloc[where], lines[first[codes[where]]], strict=True)
        ],
        index=where,
    )
    staged.reject(dup, "event_id", "duplicate id", reasons)


def _check_countries(staged: Staged, text: pd.DataFrame, gazetteer: object | None) -> None:
    from geo.formats.bounds import check_bounds
    from geo.gazetteer import Gazetteer

    placed = (text["country"] != "") & (text["latitude"] != "")
    if not placed.any():
        return
    own = gazetteer is None
    try:
        gaz = Gazetteer.open() if gazetteer is None else gazetteer
    except GazetteerError as err:
        staged.choices.append(f"coordinates not checked against countries: {err}")
        return
    assert isinstance(gaz, Gazetteer)
    try:
        check = check_bounds(text["country"], text["latitude"], text["longitude"], gaz)
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
        if why:
            first.setdefault(i, (column, problem))
            reasons[i].append(why)
    table = raw.frame.iloc[where].reset_index(drop=True)
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
    """A staged text table of n rows with every schema column empty."""
    blank = pd.Series([""] * n, dtype="string")
    return pd.DataFrame({c: blank for c in SCHEMA})
