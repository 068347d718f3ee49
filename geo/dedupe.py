"""One happening reported by several articles → one event with several sources.

Two rows are the same happening when they come from different articles, are
at the same place (the same ``geonameid``; the same location name and
coordinates when there is no id), have the same ``event_type``, and their date
windows (``geo.events.date_windows``: a day, a week either side, a month) all
overlap. Rows of one article are never merged with each other here: the
extractor already made them one per place per happening.

The merged event keeps the row with the most precise date (then the earliest
report) as its face, with its provenance; it gains ``source`` and
``source_url`` joined with "; ", the largest fatality count reported (never a
sum: two outlets counting the same dead), ``source_count`` (the schema's
column: how many distinct sources reported it) and one extra column,
``merged_event_ids`` (the rows it stands for, for the evidence of each).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from geo.events import SCHEMA, date_windows

SEPARATOR = "; "
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2}


@dataclass
class _Cluster:
    rows: list[int]
    first: pd.Timestamp
    last: pd.Timestamp
    articles: set[str] = field(default_factory=set)


def merge_events(tables: pd.DataFrame | Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Events from one or several articles, with the same happening merged.

    Takes one events table or several (in the ``geo.events.SCHEMA`` columns;
    a table without ``source_count`` counts each row as one source); returns
    one table in the schema's columns plus ``merged_event_ids`` (string), in
    the order of the first report of each event.
    """
    frames = [tables] if isinstance(tables, pd.DataFrame) else list(tables)
    events = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(SCHEMA))
    events = events.reset_index(drop=True)
    if "source_count" not in events:
        events["source_count"] = pd.Series(1, index=events.index, dtype="Int64")
    first_schema = [c for c in SCHEMA if c in events] + [c for c in events if c not in SCHEMA]
    events = events[first_schema]
    if events.empty:
        out = events.copy()
        out["merged_event_ids"] = pd.Series(dtype="string")
        return out
    first, last = date_windows(events)
    clusters: list[_Cluster] = []
    by_key: dict[tuple[object, object], list[_Cluster]] = {}
    order = sorted(events.index, key=lambda i: (_rank(events.at[i, "date_precision"]), i))
    for i in order:
        key = (_place_key(events.loc[i]), events.at[i, "event_type"])
        article = str(events.at[i, "article_id"]) if pd.notna(events.at[i, "article_id"]) else ""
        home = None
        for c in by_key.get(key, []):
            if article and article in c.articles:
                continue
            if first[i] <= c.last and c.first <= last[i]:
                home = c
                break
        if home is None:
            home = _Cluster([], first[i], last[i])
            clusters.append(home)
            by_key.setdefault(key, []).append(home)
        else:  # the window all reports agree on
            home.first, home.last = max(home.first, first[i]), min(home.last, last[i])
        home.rows.append(i)
        if article:
            home.articles.add(article)
    merged = [_merge(events, c) for c in clusters]
    out = pd.DataFrame(merged).sort_values("_order", kind="stable").drop(columns="_order")
    out = out.reset_index(drop=True)
    for column, dtype in SCHEMA.items():
        if column in out:
            out[column] = out[column].astype(dtype)
    out["merged_event_ids"] = out["merged_event_ids"].astype("string")
    return out


def _rank(precision: object) -> int:
    return _PRECISION_RANK.get(str(precision), 3)


def _place_key(row: pd.Series) -> object:
    """The same place: the gazetteer id, else the name and (rounded) coordinates."""
    if pd.notna(row.get("geonameid")):
        return ("id", int(row["geonameid"]))
    name = str(row["location"]).casefold() if pd.notna(row["location"]) else ""
    lat, lon = row.get("latitude"), row.get("longitude")
    if pd.notna(lat) and pd.notna(lon):
        return ("name", name, round(float(lat), 3), round(float(lon), 3))
    return ("name", name)


def _joined(values: Iterable[object]) -> str:
    seen = dict.fromkeys(str(v) for v in values if pd.notna(v) and str(v) != "")
    return SEPARATOR.join(seen)


def _merge(events: pd.DataFrame, cluster: _Cluster) -> dict[str, object]:
    rows = events.loc[cluster.rows]
    face = rows.iloc[0].to_dict()  # clusters are filled most precise first
    if len(rows) > 1:
        face["source"] = _joined(rows["source"]) or pd.NA
        face["source_url"] = _joined(rows["source_url"]) or pd.NA
        deaths = rows["fatalities"].dropna()
        face["fatalities"] = deaths.max() if len(deaths) else pd.NA
        tags = [t for cell in rows["tags"].dropna() for t in str(cell).split(";")]
        face["tags"] = ";".join(dict.fromkeys(t for t in tags if t)) or pd.NA
    # Distinct sources; a row merged before brings its own count and its joined sources.
    sources = {
        name
        for s, a in zip(rows["source"], rows["article_id"], strict=True)
        for name in (str(s).split(SEPARATOR) if pd.notna(s) and str(s) else [f"article {a}"])
    }
    counted = rows["source_count"].dropna()
    face["source_count"] = max(len(sources), int(counted.max()) if len(counted) else 1)
    face["merged_event_ids"] = SEPARATOR.join(str(e) for e in rows["event_id"])
    face["_order"] = min(cluster.rows)
    return face
