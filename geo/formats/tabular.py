"""Any CSV or XLSX of events: columns found by their names, or as the user maps them.

Column names are compared after folding case and turning every run of
spaces, slashes and punctuation into one underscore ("Lat / N" -> "lat_n",
"Event Date" -> "event_date"). Each schema column takes the first of its
known names the file has; ``mapping`` overrides any of them (schema column
-> the file's column, or None to leave a schema column empty). Our own
events CSV is the case where every name matches exactly, so it round-trips.
"""

from __future__ import annotations

import pandas as pd

from geo.errors import DataError
from geo.events import DATE_PRECISIONS
from geo.formats.report import Staged
from geo.formats.staging import (
    fold_name,
    read_date_column,
    read_fatality_column,
    resolve_mapping,
    staged_from,
)
from geo.rawtable import RawTable

# Known names of each schema column, folded, best first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "event_id": (
        "event_id", "event_id_cnty", "id", "incident_id", "incident_no", "incident_number",
        "event_no", "event_number", "uid", "record_id", "ref", "reference",
    ),
    "event_date": (
        "event_date", "date", "incident_date", "date_of_event", "event_day", "day",
        "date_start", "start_date", "when", "reported_date",
    ),
    "date_precision": ("date_precision", "time_precision", "date_prec"),
    "event_type": ("event_type", "type", "incident_type", "category", "event_category"),
    "sub_event_type": ("sub_event_type", "subtype", "sub_type", "event_subtype"),
    "actor1": ("actor1", "actor_1", "actor", "perpetrator", "side_a", "attacker"),
    "actor2": ("actor2", "actor_2", "target", "victim", "side_b"),
    "location": (
        "location", "place", "place_name", "town", "city", "village", "locality", "site",
        "where",
    ),
    "admin1": ("admin1", "admin_1", "adm_1", "region", "province", "oblast", "state",
               "governorate"),
    "country": ("country", "country_name", "nation"),
    "latitude": ("latitude", "lat", "y", "lat_n", "latitude_n", "lat_dd", "latitude_deg"),
    "longitude": ("longitude", "lon", "lng", "long", "x", "lon_e", "longitude_e", "lon_dd",
                  "longitude_deg"),
    "geo_precision": ("geo_precision", "location_precision", "where_prec"),
    "geonameid": ("geonameid", "geoname_id", "geonames_id"),
    "fatalities": (
        "fatalities", "deaths", "killed", "dead", "death_toll", "casualties", "severity",
        "fatalities_reported", "number_killed", "best",
    ),
    "notes": ("notes", "note", "description", "summary", "details", "comment", "comments"),
    "tags": ("tags", "tag", "keywords", "labels"),
    "source": ("source", "sources", "source_name", "reported_by"),
    "source_url": ("source_url", "url", "link", "source_link"),
    "source_count": ("source_count", "sources_count", "n_sources", "number_of_sources"),
    "article_id": ("article_id",),
    "span_start": ("span_start",),
    "span_end": ("span_end",),
    "unplaced_reason": ("unplaced_reason",),
}  # fmt: skip


def detect_columns(columns: list[str]) -> dict[str, str]:
    """Schema column -> the file's column, by known names (each file column used once)."""
    folded: dict[str, str] = {}
    for c in columns:
        folded.setdefault(fold_name(c), c)
    found: dict[str, str] = {}
    used: set[str] = set()
    for ours, names in SYNONYMS.items():
        for name in names:
            theirs = folded.get(name)
            if theirs is not None and theirs not in used:
                found[ours] = theirs
                used.add(theirs)
                break
    for ours, prefixes in (("latitude", ("lat",)), ("longitude", ("lon", "lng"))):
        if ours not in found:
            for key, theirs in folded.items():
                if key.startswith(prefixes) and theirs not in used:
                    found[ours] = theirs
                    used.add(theirs)
                    break
    return found


def stage(
    raw: RawTable,
    label: str,
    mapping: dict[str, str | None] | None = None,
    dayfirst: bool | None = None,
    fmt: str = "csv",
) -> Staged:
    """Read a table of events whose columns are found by name or given by ``mapping``."""
    columns = list(raw.frame.columns)
    found = resolve_mapping(columns, detect_columns(columns), mapping, label)
    if "event_date" not in found:
        raise DataError(
            f"{label}: no date column found among {', '.join(repr(c) for c in columns)}. "
            "Fix: name it 'date' or 'event_date', or map it, e.g. "
            "mapping={'event_date': 'Date of incident'}."
        )
    staged = staged_from(raw, found, label, fmt)
    text = staged.text
    renamed = {o: t for o, t in found.items() if o != t}
    if renamed:
        staged.choices.append(
            "columns matched: " + ", ".join(f"{o} ← {t!r}" for o, t in renamed.items())
        )
    if "latitude" not in found or "longitude" not in found:
        staged.choices.append(
            "no latitude/longitude columns found: events load without coordinates "
            "(map them to place the events)"
        )
    if "event_id" not in found:
        lines = raw.lines if raw.lines is not None else pd.Series(range(2, len(text) + 2))
        text["event_id"] = ("row-" + lines.astype("string")).to_numpy()
        staged.choices.append("no id column: ids made from line numbers (row-2, row-3, …)")
    if "geo_precision" not in found:
        text["geo_precision"] = "1"
        if "latitude" in found:
            staged.choices.append(
                "no geo_precision column: coordinates taken as the place itself (1)"
            )
    month_only = read_date_column(staged, dayfirst, found["event_date"])
    precision = text["date_precision"].str.lower()
    precision = precision.replace({"1": "day", "2": "week", "3": "month"})
    precision = precision.where((precision != "") | ~month_only.to_numpy(), "month")
    text["date_precision"] = precision.where(precision != "", "day")
    if "fatalities" in found:
        read_fatality_column(staged, found["fatalities"])
    return staged


__all__ = ["DATE_PRECISIONS", "SYNONYMS", "detect_columns", "fold_name", "stage"]
