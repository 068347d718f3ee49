"""GeoJSON points in and out (RFC 7946: positions are [longitude, latitude]).

Reading: each feature is a row; its properties are matched to the events
columns like any table's (tabular.detect_columns), and a Point geometry
gives the coordinates. A feature with no geometry loads without
coordinates, as any unplaced event does. A line or polygon is rejected, with
its geometry kept in the rejected row: turning it into a point (which one?)
is the user's call. A position whose latitude is beyond ±90 while its
longitude would be a valid latitude is reported as probably swapped.

Writing: every event is a feature, the unplaced ones with a null geometry
(allowed by RFC 7946), so a view written and read back is the same table.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.errors import DataError
from geo.events import SCHEMA
from geo.formats import tabular
from geo.formats.report import Staged
from geo.formats.staging import resolve_mapping
from geo.rawtable import RawTable, Source, open_binary

LAT, LON = "latitude", "longitude"
_GEOMETRY = "geometry"


def read_raw(source: Source, label: str) -> RawTable:
    """The features as a table of text: their properties, plus the geometry as columns."""
    stream = open_binary(source)
    try:
        data = (
            json.loads(Path(stream).read_bytes())
            if isinstance(stream, (str, Path))
            else json.load(stream)
        )
    except FileNotFoundError as err:
        raise DataError(f"{label}: no such file. Fix: check the path.") from err
    except (ValueError, UnicodeDecodeError) as err:
        raise DataError(f"{label}: not JSON ({err}). Fix: export it as GeoJSON.") from err
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise DataError(
            f"{label}: expected a GeoJSON FeatureCollection, got "
            f"{type(data).__name__ if not isinstance(data, dict) else data.get('type')!r}. "
            "Fix: export the layer as GeoJSON."
        )
    rows = []
    for feature in data["features"]:
        feature = feature if isinstance(feature, dict) else {}
        props = feature.get("properties") or {}
        row = {str(k): _text(v) for k, v in props.items() if k not in (_GEOMETRY,)}
        geometry = feature.get("geometry")
        row[_GEOMETRY] = json.dumps(geometry) if geometry is not None else ""
        rows.append(row)
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    frame = pd.DataFrame(rows, columns=columns or [_GEOMETRY], dtype=object).fillna("")
    frame = frame.astype(str)
    lines = pd.Series(np.arange(1, len(frame) + 1), dtype="int64")
    return RawTable(frame, lines, [], "utf-8")


def stage(
    raw: RawTable,
    label: str,
    mapping: dict[str, str | None] | None = None,
    dayfirst: bool | None = None,
) -> Staged:
    """Read features into the events schema (as text), rejecting non-points."""
    frame = raw.frame
    geometries = frame[_GEOMETRY].map(lambda g: json.loads(g) if g else None)
    lat = pd.Series("", index=frame.index, dtype="string")
    lon = pd.Series("", index=frame.index, dtype="string")
    kinds = pd.Series("", index=frame.index, dtype="string")
    for i, g in geometries.items():
        if g is None:
            continue
        coords = g.get("coordinates") if isinstance(g, dict) else None
        kind = g.get("type") if isinstance(g, dict) else type(g).__name__
        if kind == "Point" and isinstance(coords, list) and len(coords) >= 2:
            lon[i], lat[i] = _text(coords[0]), _text(coords[1])
        else:
            kinds[i] = str(kind)
    # Properties are the table; the geometry's coordinates win over any lat/lon property.
    props = [c for c in frame.columns if c != _GEOMETRY]
    detected = tabular.detect_columns(props)
    detected.pop(LAT, None)
    detected.pop(LON, None)
    user = dict(mapping or {})
    user.pop(LAT, None)
    user.pop(LON, None)
    frame[f"{_GEOMETRY} {LAT}"] = lat.to_numpy()
    frame[f"{_GEOMETRY} {LON}"] = lon.to_numpy()
    base = resolve_mapping(props, detected, user, label)
    overrides: dict[str, str | None] = {k: v for k, v in base.items()}
    overrides[LAT] = f"{_GEOMETRY} {LAT}"
    overrides[LON] = f"{_GEOMETRY} {LON}"
    for ours in tabular.SYNONYMS:
        overrides.setdefault(ours, None)
    staged = tabular.stage(raw, label, overrides, dayfirst, fmt="geojson")
    raw.frame = frame.drop(columns=[f"{_GEOMETRY} {LAT}", f"{_GEOMETRY} {LON}"])
    staged.mapping = {k: v for k, v in staged.mapping.items() if k not in (LAT, LON)}
    staged.mapping[LAT] = staged.mapping[LON] = _GEOMETRY
    staged.choices = [c for c in staged.choices if not c.startswith("columns matched")]
    staged.choices.append("coordinates from each feature's Point geometry ([lon, lat])")

    not_point = (kinds != "").to_numpy()
    staged.reject(
        not_point,
        _GEOMETRY,
        "not a point",
        "geometry is a " + kinds[not_point] + ", expected a Point; fix: give the event a point "
        "(e.g. the shape's centre) or split it into events",
    )
    la = pd.to_numeric(lat, errors="coerce")
    lo = pd.to_numeric(lon, errors="coerce")
    swapped = ((la.abs() > 90) & (lo.abs() <= 90)).fillna(False).to_numpy()
    staged.reject(
        swapped,
        _GEOMETRY,
        "swapped coordinates",
        "position is [" + lon[swapped] + ", " + lat[swapped] + "]: a latitude beyond ±90 "
        "and a longitude that "
        "would be a valid latitude; GeoJSON positions are [longitude, latitude]",
    )
    return staged


def features(events: pd.DataFrame) -> dict[str, Any]:
    """A FeatureCollection of every event; unplaced ones carry a null geometry."""
    props = [c for c in SCHEMA if c not in (LAT, LON) and c in events.columns]
    table = events[props].copy()
    table["event_date"] = events["event_date"].dt.strftime("%Y-%m-%d")
    records = table.astype(object).where(table.notna(), None).to_dict("records")
    lats = events[LAT].to_numpy(dtype=float, na_value=np.nan)
    lons = events[LON].to_numpy(dtype=float, na_value=np.nan)
    out = []
    for record, la, lo in zip(records, lats, lons, strict=True):
        placed = not (math.isnan(la) or math.isnan(lo))
        out.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lo, la]} if placed else None,
                "properties": {k: _plain(v) for k, v in record.items()},
            }
        )
    return {"type": "FeatureCollection", "features": out}


def to_bytes(events: pd.DataFrame) -> bytes:
    """The events as GeoJSON text (UTF-8)."""
    return json.dumps(features(events), ensure_ascii=False).encode("utf-8")


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _text(value: Any) -> str:
    """A property or coordinate as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
