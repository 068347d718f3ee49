"""Steps every tabular format shares: copy mapped columns, read dates and counts as text.

A format module decides which of the file's columns feeds which schema
column; these helpers do the reading that is the same for all of them, so
that ACLED, UCDP and any spreadsheet get the same date and severity rules.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

import pandas as pd

from geo.columns import empty_strings, stripped, with_cells
from geo.errors import DataError
from geo.events import SCHEMA, Parsed
from geo.formats.dates import read_dates
from geo.formats.report import Staged, empty_text
from geo.formats.severity import read_fatalities
from geo.rawtable import RawTable


def staged_from(raw: RawTable, mapping: dict[str, str], label: str, fmt: str) -> Staged:
    """A Staged table whose schema columns are the file's mapped columns, as text.

    Cells are used as they are (validate strips them); only ids are stripped
    here, so that " A1" and "A1" count as the same id. The columns share the
    file table's text (nothing is copied unless an id needs stripping).
    """
    frame = raw.frame
    text = empty_text(len(frame))
    for ours, theirs in mapping.items():
        text[ours] = frame[theirs].fillna("")
    text["event_id"] = stripped(text["event_id"])
    parsed = Parsed(stripped=frozenset({"event_id"}))
    return Staged(label, fmt, raw, text, dict(mapping), parsed=parsed)


def staged_export(
    raw: RawTable,
    label: str,
    mapping: dict[str, str | None] | None,
    *,
    own: Collection[str],
    required: Collection[str],
    columns: dict[str, str],
    name: str,
    fmt: str,
) -> Staged:
    """A published format's export (ACLED, UCDP GED) staged by its own column names.

    ``own`` are the format's column names, matched whatever their case;
    ``required`` must be there; ``columns`` maps schema columns to the format's,
    and the user's ``mapping`` overrides it. The result's ``mapping`` says
    which file column each schema column came from.
    """
    frame = raw.frame
    frame.columns = [c.casefold() if c.casefold() in own else c for c in frame.columns]
    require(frame, list(required), label, name)
    detected = {ours: theirs for ours, theirs in columns.items() if theirs in frame.columns}
    found = resolve_mapping(list(frame.columns), detected, mapping, label)
    return staged_from(raw, found, label, fmt)


def read_date_column(staged: Staged, dayfirst: bool | None, source: str) -> pd.Series:
    """Turn ``event_date`` into ISO text; reject blank, unreadable and future dates.

    Returns a bool Series: rows whose text named only a month ("March 2022").
    """
    text = staged.text
    reading = read_dates(text["event_date"], dayfirst, column=source)
    staged.reject(reading.empty, "event_date", "missing date", "expected a date, got nothing")
    if reading.unreadable.any():
        where = reading.unreadable
        reasons = text["event_date"][where].map(reading.reason)
        staged.reject(where, "event_date", "bad date", reasons)
    future = reading.dates > pd.Timestamp(date.today())
    if future.any():
        reasons = text["event_date"][future].map(
            lambda v: f"{v!r} is after today; a mistyped year?"
        )
        staged.reject(future, "event_date", "date in the future", reasons)
    # The dates go to geo.events as they are, not as text to parse again. Its
    # message for a row without a date quotes the text, which was "" there.
    staged.parsed.dates = reading.dates.to_numpy(dtype="datetime64[ns]")
    text["event_date"] = empty_strings(len(text)).array
    staged.choices.extend(reading.choices)
    return reading.month_only


def read_fatality_column(staged: Staged, source: str) -> None:
    """Turn ``fatalities`` text into whole numbers, or empty; keep the given text in notes."""
    text = staged.text
    reading = read_fatalities(text["fatalities"], column=source)
    given = reading.given_as_text
    if given.any():
        said = "fatalities given as '" + text["fatalities"][given] + "'"
        notes = text["notes"][given]
        noted = notes.where(notes == "", notes + " ") + "(" + said + ")"
        text["notes"] = with_cells(text["notes"], given.to_numpy(dtype=bool), noted)
    staged.parsed.numbers["fatalities"] = reading.numbers  # whole numbers >= 0 or NaN
    text["fatalities"] = empty_strings(len(text)).array
    staged.choices.extend(reading.choices)


def require(frame: pd.DataFrame, columns: list[str], label: str, fmt: str) -> None:
    """Raise DataError naming the columns an export of this format must have."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{label}: not a {fmt} file: missing column(s) "
            f"{', '.join(repr(c) for c in missing)}; found "
            f"{', '.join(repr(c) for c in frame.columns) or 'no columns'}. "
            f"Fix: import it with --format csv and a column mapping, or re-export it."
        )


def fold_name(name: str) -> str:
    """A column name compared loosely: "Lat / N " -> "lat_n"."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).casefold()).strip("_")


def resolve_mapping(
    columns: list[str], detected: dict[str, str], mapping: dict[str, str | None] | None, label: str
) -> dict[str, str]:
    """Apply the user's overrides to the detected mapping, checking every name."""
    result = dict(detected)
    if not mapping:
        return result
    folded = {fold_name(c): c for c in columns}
    for ours, theirs in mapping.items():
        if ours not in SCHEMA:
            raise DataError(
                f"{label}: mapping names {ours!r}, which is not an events column; "
                f"expected one of {', '.join(SCHEMA)}."
            )
        if theirs is None or theirs == "":
            result.pop(ours, None)
            continue
        column = theirs if theirs in columns else folded.get(fold_name(theirs))
        if column is None:
            raise DataError(
                f"{label}: mapping sends {theirs!r} to {ours}, but the file has no such "
                f"column; found {', '.join(repr(c) for c in columns)}."
            )
        for other, value in list(result.items()):
            if value == column and other != ours:
                result.pop(other)
        result[ours] = column
    return result
