"""UCDP GED as its CSV download has it (id, date_start, date_end, where_prec, best…).

Dates. GED gives each event a period, ``date_start`` to ``date_end``, and a
code ``date_prec`` (1 the exact day ... 5 only the year or a period over a
month). We read the period itself, which the code summarises:

- one day -> ``day``, that day;
- 2 to 7 days -> ``week``, dated at the middle day, so that our window of
  the date plus or minus three days covers the whole period;
- longer, but inside one calendar month -> ``month``, dated at its start;
- longer than that: no precision of ours covers it honestly, so the row is
  rejected with that reason (never stretched to a month it may not be in).

Places. GED ``where_prec`` goes 1 (the exact place) to 7 (international
waters or airspace); ours (ACLED's geo_precision) goes 1 to 3. 1 stays 1
(the place itself); 2 (within about 25 km of a known point) and 3 (only the
second-order unit, e.g. a district, at its centroid) become 2 (near the
place, part of a region); 4 (first-order unit), 5 (a larger or vaguer
area), 6 (only the country) and 7 (at sea or in the air) become 3 (only the
region or country).

Types. GED's ``type_of_violence`` (1 state-based conflict, 2 non-state
conflict, 3 one-sided violence) is not ACLED's taxonomy and is not turned
into it: the event type is GED's own label, and the report says so.
Fatalities are GED's ``best`` estimate; ``low`` and ``high`` go to the notes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.formats.dates import read_dates
from geo.formats.report import Staged
from geo.formats.staging import read_fatality_column, staged_export
from geo.rawtable import RawTable

COLUMNS: dict[str, str] = {
    "event_id": "id",
    "event_date": "date_start",
    "event_type": "type_of_violence",
    "actor1": "side_a",
    "actor2": "side_b",
    "location": "where_coordinates",
    "admin1": "adm_1",
    "country": "country",
    "latitude": "latitude",
    "longitude": "longitude",
    "geo_precision": "where_prec",
    "fatalities": "best",
    "source": "source_original",
}
REQUIRED: tuple[str, ...] = ("id", "date_start", "latitude", "longitude")
VIOLENCE = {"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}
WHERE_PREC = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3", "6": "3", "7": "3"}


def looks_like(columns: list[str]) -> bool:
    """True when a header is UCDP GED's."""
    names = {c.casefold() for c in columns}
    return {"date_start", "where_prec"} <= names or {"type_of_violence", "date_start"} <= names


def stage(
    raw: RawTable,
    label: str,
    mapping: dict[str, str | None] | None = None,
    dayfirst: bool | None = None,
) -> Staged:
    """Read a UCDP GED CSV into the events schema (as text), rejecting what cannot load."""
    staged = staged_export(
        raw,
        label,
        mapping,
        own=_ALL,
        required=REQUIRED,
        columns=COLUMNS,
        name="UCDP GED",
        fmt="ucdp",
    )
    frame, found = raw.frame, staged.mapping
    text = staged.text
    _read_period(staged, frame, dayfirst)

    kind = text["event_type"]
    text["event_type"] = kind.map(VIOLENCE).astype("string").fillna(kind).to_numpy()
    staged.choices.append(
        "event types are UCDP's own (State-based conflict, Non-state conflict, "
        "One-sided violence), not ACLED's"
    )

    prec = text["geo_precision"]
    mapped = prec.map(WHERE_PREC).astype("string")
    bad = prec.ne("") & mapped.isna()
    staged.reject(
        bad, "where_prec", "bad where_prec", "expected where_prec 1 to 7, got '" + prec[bad] + "'"
    )
    text["geo_precision"] = mapped.fillna("").to_numpy()

    parts = []
    for column in ("conflict_name", "dyad_name"):
        if column in frame.columns:
            parts.append(frame[column].astype("string").fillna("").str.strip())
    if {"low", "high"} <= set(frame.columns):
        parts.append(
            "deaths low " + frame["low"].astype("string").fillna("?")
            + ", high " + frame["high"].astype("string").fillna("?")
        )  # fmt: skip
    if parts:
        notes = parts[0]
        for part in parts[1:]:
            notes = notes.where(part == "", notes.where(notes == "", notes + "; ") + part)
        text["notes"] = notes.to_numpy()
    read_fatality_column(staged, found.get("fatalities", "best"))
    return staged


def _read_period(staged: Staged, frame: pd.DataFrame, dayfirst: bool | None) -> None:
    text = staged.text
    start = read_dates(text["event_date"], dayfirst, column="date_start")
    staged.choices.extend(start.choices)
    staged.reject(start.empty, "date_start", "missing date", "expected a date, got nothing")
    staged.reject(
        start.unreadable,
        "date_start",
        "bad date",
        "expected a date such as 2022-03-29, got '" + text["event_date"][start.unreadable] + "'",
    )
    if "date_end" in frame.columns:
        end = read_dates(frame["date_end"], start.dayfirst, column="date_end")
        end_dates = end.dates.where(end.dates.notna(), start.dates)
    else:
        end_dates = start.dates
    days = (end_dates - start.dates).dt.days.to_numpy(dtype=float, na_value=np.nan)
    ok = start.dates.notna().to_numpy()
    backwards = ok & (days < 0)
    staged.reject(backwards, "date_end", "bad date", "date_end is before date_start")
    same_month = (start.dates.dt.to_period("M") == end_dates.dt.to_period("M")).to_numpy()
    day = ok & (days == 0)
    week = ok & (days >= 1) & (days <= 6)
    month = ok & (days > 6) & same_month
    vague = ok & (days > 6) & ~same_month
    staged.reject(
        vague,
        "date_end",
        "date too vague",
        "the period from date_start to date_end spans more than a calendar month; "
        "newsmap's coarsest date precision is one month",
    )
    middle = start.dates + pd.to_timedelta(np.nan_to_num(days) // 2, unit="D")
    dated = start.dates.where(~week, middle)
    text["event_date"] = dated.dt.strftime("%Y-%m-%d").fillna("").to_numpy()
    precision = np.where(month, "month", np.where(week, "week", "day"))
    text["date_precision"] = np.where(day | week | month, precision, "day")
    if week.any() or month.any():
        staged.choices.append(
            f"UCDP periods: {int(day.sum())} single days, {int(week.sum())} of 2-7 days "
            f"(week precision, dated at their middle), {int(month.sum())} within a month "
            "(month precision)"
        )


_ALL = {
    "id", "year", "type_of_violence", "conflict_name", "dyad_name", "side_a", "side_b",
    "source_article", "source_office", "source_original", "where_prec", "where_coordinates",
    "adm_1", "adm_2", "latitude", "longitude", "country", "date_start", "date_end",
    "date_prec", "best", "low", "high",
}  # fmt: skip
