"""Events around a place: the dashboard's place search, vectorised over the table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from geo.geometry import EARTH_RADIUS_KM


def distances_km(events: pd.DataFrame, lat: float, lon: float) -> np.ndarray:
    """Great-circle distance in km from (lat, lon) to each event; NaN where unplaced."""
    phi = np.radians(events["latitude"].to_numpy(dtype="float64", na_value=np.nan))
    lam = np.radians(events["longitude"].to_numpy(dtype="float64", na_value=np.nan))
    p0, l0 = math.radians(lat), math.radians(lon)
    a = np.sin((phi - p0) / 2) ** 2 + math.cos(p0) * np.cos(phi) * np.sin((lam - l0) / 2) ** 2
    result: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return result


def near(
    events: pd.DataFrame, lat: float, lon: float, km: float, geonameid: int | None = None
) -> pd.DataFrame:
    """The events within ``km`` of the point, plus any placed at that very gazetteer entry.

    A region- or country-level event (geo_precision 3) is drawn at its area's
    representative point, often the capital: it says nothing about the town
    there, so it counts only when the searched entry is its own area. A search
    for Kyiv does not bring up every event known only as "in Ukraine".
    """
    close = distances_km(events, lat, lon) <= km
    wide = events["geo_precision"].to_numpy(dtype="float64", na_value=np.nan) >= 3
    same = events["geonameid"].to_numpy(dtype="float64", na_value=np.nan) == (
        geonameid if geonameid is not None else np.nan
    )
    return events[(close & ~wide) | same]


def in_box(
    events: pd.DataFrame, south: float, west: float, north: float, east: float
) -> pd.DataFrame:
    """The events inside a map's view; a view across the antimeridian (west > east) wraps."""
    lat = events["latitude"].to_numpy(dtype="float64", na_value=np.nan)
    lon = events["longitude"].to_numpy(dtype="float64", na_value=np.nan)
    across = (lon >= west) | (lon <= east) if west > east else (lon >= west) & (lon <= east)
    return events[(lat >= south) & (lat <= north) & across]
