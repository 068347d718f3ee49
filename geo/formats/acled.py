"""ACLED exports, as ACLED publishes them (its website export and its API).

ACLED's columns map onto ours by name; the ones we have no column for
(disorder_type, assoc_actor_1, inter1, admin2, iso, source_scale, timestamp…)
are kept in the report's ``extras``. ``event_date`` comes as "29 March 2022"
(the export tool) or "2022-03-29" (the API), and messier files are read by
the shared date rules. ``time_precision`` 1/2/3 is day/week/month.

The writer makes an ACLED-compatible CSV of any view: ACLED's column names
and order, our values where we have them, empty cells where we do not, so
ACLED tooling reads it and ``import --format acled`` reads it back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.formats.report import Staged
from geo.formats.staging import (
    read_date_column,
    read_fatality_column,
    staged_export,
)
from geo.rawtable import RawTable

# schema column -> ACLED column
COLUMNS: dict[str, str] = {
    "event_id": "event_id_cnty",
    "event_date": "event_date",
    "date_precision": "time_precision",
    "event_type": "event_type",
    "sub_event_type": "sub_event_type",
    "actor1": "actor1",
    "actor2": "actor2",
    "location": "location",
    "admin1": "admin1",
    "country": "country",
    "latitude": "latitude",
    "longitude": "longitude",
    "geo_precision": "geo_precision",
    "fatalities": "fatalities",
    "notes": "notes",
    "tags": "tags",
    "source": "source",
}
REQUIRED: tuple[str, ...] = ("event_id_cnty", "event_date", "latitude", "longitude")

EXPORT_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
"""ACLED's export columns, in its order."""

TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}


def looks_like(columns: list[str]) -> bool:
    """True when a header is ACLED's."""
    return {"event_id_cnty", "event_date", "event_type"} <= {c.casefold() for c in columns}


def stage(
    raw: RawTable,
    label: str,
    mapping: dict[str, str | None] | None = None,
    dayfirst: bool | None = None,
) -> Staged:
    """Read an ACLED export into the events schema (as text), rejecting what cannot load."""
    staged = staged_export(
        raw,
        label,
        mapping,
        own=EXPORT_COLUMNS,
        required=REQUIRED,
        columns=COLUMNS,
        name="ACLED",
        fmt="acled",
    )
    found = staged.mapping
    text = staged.text
    precision = text["date_precision"]
    # Each distinct code is looked up once: a million rows hold three or four.
    codes, uniques = pd.factorize(precision)
    words = [TIME_PRECISION.get(str(code)) for code in uniques]
    unknown = np.array([w is None and code != "" for w, code in zip(words, uniques, strict=True)])
    bad = np.append(unknown, False)[codes]
    if bad.any():
        reasons = (
            "expected time_precision 1 (day), 2 (week) or 3 (month), got '" + precision[bad] + "'"
        )
        staged.reject(bad, "time_precision", "bad time_precision", reasons)
    # A missing code reads as day, as blank does; unknown ones (rejected above) as day too.
    rows = np.where(codes < 0, len(words), codes)
    staged.parsed.precision = (rows, [w or "day" for w in words] + ["day"])
    read_date_column(staged, dayfirst, found.get("event_date", "event_date"))
    if "geo_precision" not in found:
        text["geo_precision"] = "1"
    read_fatality_column(staged, found.get("fatalities", "fatalities"))
    return staged


def to_acled_frame(events: pd.DataFrame) -> pd.DataFrame:
    """An events table in ACLED's columns; ACLED columns we do not hold are empty."""
    n = len(events)
    out = pd.DataFrame({c: pd.Series([""] * n, dtype="string") for c in EXPORT_COLUMNS})
    out.index = events.index
    for ours, theirs in COLUMNS.items():
        out[theirs] = events[ours].astype("string")
    out["event_date"] = events["event_date"].dt.strftime("%Y-%m-%d")
    out["year"] = events["event_date"].dt.year.astype("Int64").astype("string")
    codes = {word: code for code, word in TIME_PRECISION.items()}
    out["time_precision"] = events["date_precision"].astype("string").map(codes)
    return out.reset_index(drop=True)
