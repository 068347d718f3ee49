"""The events table: its schema, its validation and its filters (pure pandas).

One row per event. Column names follow ACLED where ACLED has one, so ACLED
exports load without renaming. Validation never drops a row silently: every
row that cannot be loaded comes back in a *rejected* table with the line,
column and reason, so the user can fix it and load it again.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.columns import (
    Rows,
    arrow_of,
    blank_as_null,
    filled,
    stripped,
    text_series,
)
from geo.errors import DataError
from geo.files import write_atomic
from geo.rawtable import read_arrow_text

DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month")
"""How sure the date is (ACLED time_precision 1, 2, 3)."""

GEO_PRECISIONS: dict[int, str] = {
    1: "the place itself",
    2: "near the place, or part of a region",
    3: "only the region or country",
}
"""ACLED geo_precision codes and what they promise."""

EVENT_TYPES: tuple[str, ...] = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)
"""ACLED's six event types; other values load but are flagged in the report."""

# column -> pandas dtype of the loaded table, in display order.
SCHEMA: dict[str, str] = {
    "event_id": "string",
    "event_date": "datetime64[ns]",
    "date_precision": "category",
    "event_type": "category",
    "sub_event_type": "category",
    "actor1": "string",
    "actor2": "string",
    "location": "string",
    "admin1": "string",
    "country": "string",
    "latitude": "Float64",
    "longitude": "Float64",
    "geo_precision": "Int8",
    "geonameid": "Int64",
    "fatalities": "Int64",
    "notes": "string",
    "tags": "string",
    "source": "string",
    "source_url": "string",
    "source_count": "Int64",
    "article_id": "string",
    "span_start": "Int64",
    "span_end": "Int64",
    "unplaced_reason": "string",
}

REQUIRED: tuple[str, ...] = ("event_id", "event_date", "event_type", "location")
"""Columns without which no row of a file can be understood."""

_DEFAULTS: dict[str, str] = {"date_precision": "day", "geo_precision": "1", "source_count": "1"}

QUIET_OPTIONAL: frozenset[str] = frozenset({"unplaced_reason", "source_count"})
"""Optional columns whose absence is not worth a warning: most files never have them
(an ACLED export has no ``source_count``: each of its rows is one event, one count of 1)."""


@dataclass
class LoadReport:
    """What happened to a file: the rows that loaded, the rows that did not, and why."""

    source: str
    events: pd.DataFrame
    rejected: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.events) + len(self.rejected)

    def summary(self) -> str:
        """One line: rows read = loaded + rejected, with the rejections by reason."""
        line = (
            f"{self.source}: {self.rows_read} rows read, {len(self.events)} loaded, "
            f"{len(self.rejected)} rejected"
        )
        if len(self.rejected):
            counts = self.rejected["problem"].value_counts()
            line += " (" + ", ".join(f"{n} {kind}" for kind, n in counts.items()) + ")"
        return line


def empty_events() -> pd.DataFrame:
    """An events table with no rows and the full schema."""
    return _typed(pd.DataFrame({c: pd.Series(dtype="object") for c in SCHEMA}))


def read_events(source: str | Path | bytes | io.IOBase, name: str | None = None) -> LoadReport:
    """Load an events CSV, keeping every good row and reporting every bad one.

    Raises DataError only when the file as a whole cannot be read (not CSV, or a
    required column missing); row-level problems land in ``report.rejected``.
    """
    label = name or (str(source) if isinstance(source, (str, Path)) else "uploaded file")
    raw = _read_raw(source, label)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise DataError(
            f"{label}: missing required column(s) {', '.join(repr(c) for c in missing)}; "
            f"found {', '.join(repr(c) for c in raw.columns) or 'no columns'}. "
            f"Fix: add the column(s) to the header; an events file needs at least "
            f"{', '.join(REQUIRED)}."
        )
    warnings = []
    absent = [c for c in SCHEMA if c not in raw.columns and c not in REQUIRED]
    shown = [c for c in absent if c not in QUIET_OPTIONAL]
    if shown:
        warnings.append(
            f"{label}: optional column(s) {', '.join(shown)} not in the file; they are left empty."
        )
    for column in absent:
        raw[column] = _DEFAULTS.get(column, "")
    events, rejected = validate(raw, label)
    unknown_types = sorted(set(events["event_type"].dropna()) - set(EVENT_TYPES))
    if unknown_types:
        warnings.append(
            f"{label}: event_type values outside ACLED's six: {', '.join(unknown_types)}"
        )
    return LoadReport(label, events, rejected, warnings)


def _read_raw(source: str | Path | bytes | io.IOBase, label: str) -> pd.DataFrame:
    fast = _read_fast(source)
    if fast is not None:
        return fast
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        raw = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError as err:
        raise DataError(f"{label}: no such file. Fix: check the path.") from err
    except UnicodeDecodeError as err:
        raise DataError(
            f"{label}: not UTF-8 text ({err.reason} at byte {err.start}). "
            "Fix: save the file as UTF-8 CSV."
        ) from err
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataError(f"{label}: not a readable CSV ({err}). Fix: export it as CSV.") from err
    raw.columns = [str(c).strip() for c in raw.columns]
    return raw


def _read_fast(source: str | Path | bytes | io.IOBase) -> pd.DataFrame | None:
    """The file read by pyarrow's reader (geo.rawtable: both cores on a large file, five
    times pandas' pace on 100,000 events), or None whenever it might differ from pandas'
    reading: then pandas reads it, and words any problem. Same cells, same names."""
    if not isinstance(source, (str, Path, bytes)):
        return None  # a stream read once could not be read again
    try:
        frame = read_arrow_text(source, "utf-8")
    except (ValueError, OSError, pa.ArrowException):  # not UTF-8, ragged, missing, empty
        return None
    if frame is None:
        return None
    names = [str(c) for c in frame.columns]
    if len(set(names)) < len(names) or not all(name.strip() for name in names):
        return None  # pandas renames repeated and blank headers ("a.1", "Unnamed: 3")
    frame.columns = [name.strip() for name in names]
    return frame


def validate(
    raw: pd.DataFrame, label: str = "events", *, prechecked: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split text rows into a typed events table and a table of rejected rows.

    ``raw`` holds strings, one column per schema column. A rejected row keeps
    its original text and gains ``line`` (the line of the CSV file, header = 1),
    ``column``, ``problem`` (a short kind, for counting) and ``reason`` (what was
    expected, what came, how to fix). ``prechecked=True`` is for callers that
    have stripped the ids and rejected duplicated ones themselves
    (geo.formats does): the duplicate check, a hash of every id, is skipped.
    """
    raw = raw.reset_index(drop=True)
    checked = check_rows(raw, prechecked=prechecked)
    rejected = _rejected_table(raw, checked.problems)
    return checked.events(~checked.rejected_mask()), rejected


@dataclass
class CheckedRows:
    """Text rows read and checked against the schema, before they are split.

    ``validate`` is this plus the split; geo.formats uses it directly so that
    it can add its own rejections before the one row selection is made.
    """

    text: dict[str, pd.Series]  # each schema column's text, stripped
    dates: np.ndarray  # datetime64, NaT where unreadable
    precision: tuple[np.ndarray, list[str]]  # per row a code (-1 missing), per code a word
    numbers: dict[str, np.ndarray]  # coordinates and whole-number columns as floats, NaN empty
    problems: list[tuple[int, str, str, str]]  # (position, column, problem, reason)

    def rejected_mask(self) -> np.ndarray:
        """True for the rows that have a problem."""
        bad = np.zeros(len(self.dates), dtype=bool)
        bad[[i for i, *_ in self.problems]] = True
        return bad

    def events(self, kept: np.ndarray) -> pd.DataFrame:
        """The kept rows as a typed events table (the dtypes of SCHEMA, a fresh index).

        Each column is selected and typed in one step, straight from its text
        or its parsed values: selecting rows from a text table and then typing
        it copied every column twice. The text is handed over column by
        column (this empties ``text``), so that a caller holding no other
        reference to it frees each column as its copy is made.
        """
        select = not bool(kept.all())
        rows = Rows(kept)

        def keep(values: np.ndarray) -> np.ndarray:
            return values[kept] if select else values

        columns: dict[str, pd.Series] = {}
        for column, dtype in SCHEMA.items():
            if column == "event_date":
                columns[column] = pd.Series(keep(self.dates)).astype(dtype)
            elif column in self.numbers:
                values = self.numbers[column]
                # One value seen through every row (a blank column's NaN, a default):
                # any rows of it are the kept rows.
                same = values.strides == (0,)
                columns[column] = _nullable(values[: rows.count] if same else keep(values), dtype)
            elif column == "date_precision":
                columns[column] = _category(*self.precision, kept)
            elif dtype == "category":
                columns[column] = _as_string(self.text.pop(column), rows).astype(dtype)
            else:
                columns[column] = _as_string(self.text.pop(column), rows)
        no_place = columns["latitude"].isna() & columns["unplaced_reason"].isna()
        if no_place.any():
            columns["unplaced_reason"] = columns["unplaced_reason"].mask(
                no_place, "no coordinates in the file"
            )
        return pd.DataFrame(columns, copy=False)  # the columns are new: no need to copy them


def _nullable(values: np.ndarray, dtype: str) -> pd.Series:
    """Floats (NaN: missing) as a Series of a nullable dtype, as ``.astype(dtype)`` makes it.

    The masked array is built from the floats and their NaN mask directly:
    astype spent ~0.1 s on a million rows' six number columns checking each
    cast. Integers beyond 2**53 (or not whole) are left to astype, as before.
    """
    missing = np.isnan(values)
    array = pd.arrays.FloatingArray if dtype == "Float64" else pd.arrays.IntegerArray
    if missing.all() and dtype in ("Float64", "Int64", "Int8"):  # zeros cost no fresh memory
        return pd.Series(array(np.zeros(len(values), dtype=dtype.lower()), missing))
    if values.strides == (0,) and dtype in ("Float64", "Int64") and values[0] % 1 == 0:
        return pd.Series(array(np.full(len(values), values[0], dtype=dtype.lower()), missing))
    if dtype == "Float64":
        return pd.Series(pd.arrays.FloatingArray(np.ascontiguousarray(values), missing))
    low, high = np.fmin.reduce(values, initial=0.0), np.fmax.reduce(values, initial=0.0)
    if dtype not in ("Int64", "Int8") or not -(2.0**53) < low <= high < 2.0**53:
        return pd.Series(values).astype(dtype)
    whole = np.where(missing, 0.0, values)
    if not (whole % 1 == 0).all() or (dtype == "Int8" and not -128 <= low <= high <= 127):
        return pd.Series(values).astype(dtype)
    return pd.Series(pd.arrays.IntegerArray(whole.astype(dtype.lower()), missing))


@dataclass
class Parsed:
    """Columns a caller has read already, handed to ``check_rows`` so they are not read twice.

    geo.formats reads dates, date precisions and counts while staging a file
    (from text in many shapes); turning them back into text for check_rows
    to parse again cost more than a tenth of a second on a million rows.
    A column given here is taken as it is: its text in the table is used
    only to quote a value in a message (a date's text where ``dates`` is
    NaT, a precision's where its word is not one of DATE_PRECISIONS).
    """

    dates: np.ndarray | None = None  # event_date as datetime64[ns], NaT where missing or unreadable
    precision: tuple[np.ndarray, list[str]] | None = (
        None  # per row a code (-1 missing), per code a word
    )
    numbers: dict[str, np.ndarray] = field(
        default_factory=dict
    )  # whole numbers >= 0 as floats, NaN empty
    stripped: frozenset[str] = frozenset()  # text columns known to have no surrounding whitespace

    def given(self) -> set[str]:
        """The schema columns this holds."""
        names = set(self.numbers)
        if self.dates is not None:
            names.add("event_date")
        if self.precision is not None:
            names.add("date_precision")
        return names


def check_rows(
    raw: pd.DataFrame, *, prechecked: bool = False, parsed: Parsed | None = None
) -> CheckedRows:
    """Read and check every row of a text table with the schema's columns (see validate).

    Work is done once per distinct value where values repeat (dates, codes,
    counts) and with arrow's parsers where values do not (coordinates), so a
    million rows cost little more than the text they come in. ``parsed``
    holds columns the caller has read already (see Parsed).
    """
    raw = raw.reset_index(drop=True)
    known = parsed or Parsed()
    as_is = known.given() | known.stripped
    text = {
        column: raw[column].astype("string") if column in as_is else stripped(raw[column])
        for column in SCHEMA
    }
    problems: list[tuple[int, str, str, str]] = []

    def flag(mask: pd.Series | np.ndarray, column: str, problem: str, reason: str) -> None:
        if isinstance(mask, pd.Series):
            mask = mask.fillna(False).to_numpy(dtype=bool)
        hits = np.asarray(mask, dtype=bool)
        values = text[column]
        for i in np.flatnonzero(hits).tolist():
            problems.append((i, column, problem, reason.format(value=values.iloc[i])))

    ids = text["event_id"]
    has_id, id_present = filled(ids)
    flag(id_present & ~has_id, "event_id", "missing id", "expected a unique id, got nothing")
    if not prechecked:
        dupes = ids.duplicated(keep="first") & (ids != "")
        flag(
            dupes,
            "event_id",
            "duplicate id",
            "id {value!r} is already used by an earlier row; fix: give this event its own id",
        )

    dates = known.dates
    if dates is None:
        dates = _by_value(
            text["event_date"],
            lambda u: pd.to_datetime(u, format="%Y-%m-%d", errors="coerce"),
        )
    flag(np.isnat(dates), "event_date", "bad date", "expected a date as YYYY-MM-DD, got {value!r}")

    precision = known.precision
    if precision is None:
        codes, uniques = pd.factorize(text["date_precision"])
        words = pd.Series(uniques, dtype="string").str.lower().replace("", "day")
        precision = (codes, words.tolist())
    codes, word_list = precision
    allowed = np.array([w in DATE_PRECISIONS for w in word_list] + [False], dtype=bool)
    flag(
        ~allowed[codes],
        "date_precision",
        "bad date precision",
        "expected day, week or month, got {value!r}",
    )

    numbers: dict[str, np.ndarray] = {}
    for column, bound in (("latitude", 90), ("longitude", 180)):
        values = _numbers(text[column])
        unreadable = np.isnan(values) & filled(text[column])[0]
        flag(unreadable, column, f"bad {column}", "expected a number, got {value!r}")
        with np.errstate(invalid="ignore"):
            outside = np.abs(values) > bound
        flag(
            outside,
            column,
            f"{column} out of range",
            f"expected {column} between -{bound} and {bound} (WGS84 degrees), got {{value}}",
        )
        numbers[column] = values
    half = np.isnan(numbers["latitude"]) ^ np.isnan(numbers["longitude"])
    flag(
        half,
        "latitude",
        "half a coordinate",
        "latitude and longitude must both be given or both be empty",
    )

    for column in WHOLE_NUMBERS:
        if column in known.numbers:
            numbers[column] = known.numbers[column]
            continue
        values, bad = _whole_numbers(text[column])
        if column == "source_count":
            bad |= values == 0
        flag(bad, column, f"bad {column}", _WHOLE_REASONS.get(column, _WHOLE_REASON))
        numbers[column] = values
    numbers["source_count"] = _one_where_blank(numbers["source_count"])
    geo = numbers["geo_precision"]
    flag(
        ~np.isin(geo, [1, 2, 3]) & ~np.isnan(geo),
        "geo_precision",
        "bad geo_precision",
        "expected 1 (the place), 2 (near it) or 3 (region/country), got {value!r}",
    )
    return CheckedRows(text, dates, precision, numbers, problems)


WHOLE_NUMBERS: tuple[str, ...] = (
    "geo_precision",
    "geonameid",
    "fatalities",
    "span_start",
    "span_end",
    "source_count",
)
"""Columns of whole numbers >= 0 (geo_precision is further 1-3, source_count >= 1)."""


_WHOLE_REASON = "expected a whole number of 0 or more, got {value!r}"
_WHOLE_REASONS: dict[str, str] = {
    "source_count": "expected how many sources reported the event, a whole number of 1 or "
    "more, got {value!r}; fix: write the count, or leave the cell empty for 1",
}


def _one_where_blank(counts: np.ndarray) -> np.ndarray:
    """source_count with a blank (or absent) count read as 1.

    Every event has at least the one report it came from; geo.dedupe counts
    more when it merges several reports of one happening. Unreadable counts
    are NaN too, but their rows are rejected.
    """
    if counts.strides == (0,):  # blank throughout (see _whole_numbers)
        return np.broadcast_to(np.float64(1.0), len(counts))
    blank = np.isnan(counts)
    return np.where(blank, 1.0, counts) if blank.any() else counts


def first_problems(problems: list[tuple[int, str, str, str]]) -> dict[int, tuple[str, str, str]]:
    """Per rejected position: its first column, its first problem, and every reason.

    The reasons are "column: reason" joined by "; ", in the order they were found.
    """
    first: dict[int, tuple[str, str, list[str]]] = {}
    for i, column, problem, reason in problems:
        if i not in first:
            first[i] = (column, problem, [])
        first[i][2].append(f"{column}: {reason}")
    return {i: (c, p, "; ".join(r)) for i, (c, p, r) in sorted(first.items())}


def _by_value(text: pd.Series, parse: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """parse(text) as a NumPy array, parsing each distinct value once (missing -> parse(NA)).

    A million dates hold a few thousand distinct ones.
    """
    codes, uniques = pd.factorize(text)
    parsed = parse(pd.Series(uniques, dtype=text.dtype)).to_numpy()
    missing = parse(pd.Series([pd.NA], dtype=text.dtype)).to_numpy()
    return np.concatenate([parsed, missing.astype(parsed.dtype)])[codes]


def _numbers(text: pd.Series) -> np.ndarray:
    """pd.to_numeric(text, errors="coerce") as floats, by arrow's parser when it can.

    Coordinates hardly repeat, and arrow parses a million of them several
    times faster than pandas, to the same floats (both round correctly); a
    column arrow refuses (any text that is not a number) is read by pandas.
    """
    arrow = arrow_of(text)
    if arrow is not None:
        try:
            parsed = pc.cast(blank_as_null(arrow), pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        else:
            return np.asarray(parsed.to_numpy(), dtype=float)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _as_string(values: pd.Series, rows: Rows) -> pd.Series:
    """The kept rows of a text column as "string", "" read as missing, with a fresh index."""
    text = values.astype("string")
    arrow = arrow_of(text)
    if arrow is not None:  # nulls first, on the file's chunks, then the kept stretches
        return rows(text_series(blank_as_null(arrow)))
    return rows(text).replace("", pd.NA)


def _category(codes: np.ndarray, words: list[str], kept: np.ndarray) -> pd.Series:
    """The kept rows' words as a category, as ``.astype("string").astype("category")`` makes it.

    The rows already come as codes of a few words (date precisions), so the
    categories are those words that occur, sorted; nothing is hashed again.
    """
    chosen = codes[kept] if not kept.all() else codes
    present = np.zeros(len(words) + 1, dtype=bool)
    present[chosen] = True  # code -1 marks the last slot
    categories = sorted({words[c] for c in np.flatnonzero(present[:-1]).tolist()})
    position = {word: k for k, word in enumerate(categories)}
    recode = np.array([position.get(w, -1) for w in words] + [-1], dtype=np.int64)
    values = pd.Categorical.from_codes(
        recode[chosen], categories=pd.Index(categories, dtype="string")
    )
    return pd.Series(values)


def _whole_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The column as floats (NaN when empty or unreadable) and where it is not a whole number >= 0.

    pd.to_numeric(text, errors="coerce"), parsing and judging each distinct
    value once: counts and codes repeat (a million rows hold a few hundred
    distinct fatality counts), and columns the file lacks are all blank.
    """
    has_text, _ = filled(text)
    if not has_text.any():  # blank or missing: nothing to read, nothing wrong
        # One NaN seen through a read-only view of every row: no memory per row.
        return np.broadcast_to(np.float64(np.nan), len(text)), np.zeros(len(text), dtype=bool)
    codes, uniques = pd.factorize(text)
    u = pd.Series(uniques, dtype=object)
    parsed = pd.to_numeric(u, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    given = ~np.isnan(parsed)
    with np.errstate(invalid="ignore"):
        bad = (~given & (u != "").to_numpy(dtype=bool)) | (given & (parsed % 1 != 0)) | (parsed < 0)
    # A missing cell (code -1) reads as NaN and is not wrong.
    return np.append(parsed, np.nan)[codes], np.append(bad, False)[codes]


def _rejected_table(raw: pd.DataFrame, problems: list[tuple[int, str, str, str]]) -> pd.DataFrame:
    columns = ["line", "column", "problem", "reason", *raw.columns]
    if not problems:
        return pd.DataFrame(columns=columns)
    rows = [
        {
            "line": i + 2,
            "column": column,
            "problem": problem,
            "reason": reasons,
            **raw.loc[i].to_dict(),
        }
        for i, (column, problem, reasons) in first_problems(problems).items()
    ]
    return pd.DataFrame(rows, columns=columns)


def with_schema(events: pd.DataFrame) -> pd.DataFrame:
    """The table with every SCHEMA column: one it lacks is added with its default
    (source_count 1, date_precision day, geo_precision 1) or empty, typed.

    For tables made before a column joined the schema (source_count did), so
    that writing or combining them needs no special case.
    """
    missing = [c for c in SCHEMA if c not in events.columns]
    if not missing:
        return events
    out = events.copy(deep=False)
    for column in missing:
        text = pd.Series(_DEFAULTS.get(column, ""), index=out.index, dtype="string")
        out[column] = _typed_column(text, SCHEMA[column])
    return out


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for column, dtype in SCHEMA.items():
        out[column] = _typed_column(frame[column], dtype)
    return out


def _typed_column(values: pd.Series, dtype: str) -> pd.Series:
    """One column (text or values) in its schema dtype, "" read as missing."""
    if dtype == "string":
        return values.astype("string").replace("", pd.NA)
    if dtype == "category":
        return values.astype("string").replace("", pd.NA).astype("category")
    if dtype.startswith("datetime"):
        return pd.to_datetime(values).astype(dtype)
    return pd.to_numeric(values).astype(dtype)


def rejection_message(row: pd.Series, label: str) -> str:
    """A one-line message naming file, line, column, and what was expected."""
    return f"{label}, line {row['line']}, column '{row['column']}': {row['reason']}"


@dataclass(frozen=True)
class EventFilter:
    """What the user asked to see. Empty collections mean 'no restriction'."""

    event_types: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    start: date | None = None
    end: date | None = None
    text: str = ""

    @classmethod
    def of(
        cls,
        event_types: Iterable[str] = (),
        actors: Iterable[str] = (),
        places: Iterable[str] = (),
        start: date | None = None,
        end: date | None = None,
        text: str = "",
    ) -> EventFilter:
        return cls(frozenset(event_types), frozenset(actors), frozenset(places), start, end, text)

    def describe(self) -> str:
        """The active filters in words (written on exported maps and file names)."""
        parts = []
        if self.start or self.end:
            parts.append(f"{self.start or '…'} to {self.end or '…'}")
        for label, values in (
            ("type", self.event_types),
            ("actor", self.actors),
            ("place", self.places),
        ):
            if values:
                parts.append(f"{label}: {', '.join(sorted(values))}")
        if self.text:
            parts.append(f"text: {self.text!r}")
        return "; ".join(parts) or "all events"


WEEK_HALF_WIDTH = pd.Timedelta(days=3)


def date_windows(events: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """First and last day each event may have happened on, given its date precision.

    A day-precision event is its day; a week-precision one is its date give or
    take three days; a month-precision one is its calendar month.
    """
    when = events["event_date"]
    precision = events["date_precision"].astype("string")
    week = precision == "week"
    month = precision == "month"
    first = when.where(~week, when - WEEK_HALF_WIDTH)
    last = when.where(~week, when + WEEK_HALF_WIDTH)
    first = first.where(~month, when.dt.to_period("M").dt.start_time)
    last = last.where(~month, when.dt.to_period("M").dt.end_time.dt.normalize())
    return first, last


def filter_events(
    events: pd.DataFrame,
    flt: EventFilter,
    *,
    windows: tuple[pd.Series, pd.Series] | None = None,
    haystack: pd.Series | None = None,
) -> pd.DataFrame:
    """The rows that pass every active filter, in their original order.

    The date range keeps every event that may have happened in it: a
    week- or month-precision event shows across its whole window.
    ``windows`` (from date_windows) and ``haystack`` (from search_text) may be
    passed in when the same table is filtered again and again, as a dashboard
    does: they are the costly parts at a million rows.
    """
    keep = pd.Series(True, index=events.index)
    if flt.event_types:
        keep &= events["event_type"].isin(flt.event_types)
    if flt.actors:
        keep &= events["actor1"].isin(flt.actors) | events["actor2"].isin(flt.actors)
    if flt.places:
        keep &= events["location"].isin(flt.places)
    if flt.start is not None or flt.end is not None:
        first, last = windows if windows is not None else date_windows(events)
        if flt.start is not None:
            keep &= last >= pd.Timestamp(flt.start)
        if flt.end is not None:
            keep &= first <= pd.Timestamp(flt.end)
    if flt.text:
        text = haystack if haystack is not None else search_text(events)
        keep &= text.str.contains(flt.text.casefold(), regex=False)
    return events[keep.fillna(False)]


SEARCHED = ("notes", "location", "actor1", "actor2", "tags")


def search_text(events: pd.DataFrame) -> pd.Series:
    """What the text filter searches, per event: notes, place, actors and tags, casefolded."""
    parts = [events[c].astype("string").fillna("") for c in SEARCHED]
    return parts[0].str.cat(parts[1:], sep=" ").str.casefold()


def actors_of(events: pd.DataFrame) -> list[str]:
    """Every actor named in either actor column, sorted."""
    names = pd.concat([events["actor1"], events["actor2"]]).dropna()
    return sorted(names.unique().tolist())


def combine(base: pd.DataFrame, added: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Append events to a table; rows whose event_id is already there are returned apart.

    Returns (the combined table, the added rows that were left out as duplicates).
    """
    added = with_schema(added)[list(SCHEMA)]
    clash = added["event_id"].isin(base["event_id"]) | added["event_id"].duplicated()
    kept = added[~clash]
    frames = [f for f in (with_schema(base)[list(SCHEMA)], kept) if len(f)]
    combined = pd.concat(frames, ignore_index=True) if frames else empty_events()
    return _typed(combined), added[clash]


def write_events(path: Path, events: pd.DataFrame) -> None:
    """Write an events CSV atomically: a reader sees the old file or the new, never half."""
    write_atomic(path, to_csv_bytes(with_schema(events)[list(SCHEMA)]))


def to_csv_bytes(events: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV with dates as YYYY-MM-DD, as read_events expects."""
    out = events.copy()
    out["event_date"] = out["event_date"].dt.strftime("%Y-%m-%d")
    return out.to_csv(index=False).encode("utf-8")
