"""Coordinates that cannot be in the country the row names: a cheap, vectorised check.

Each country's box is the extent of the gazetteer's populated places in it,
widened by a margin. A circle around the country's point (its capital, with
an equal-area radius) would be simpler but wrong for long or lopsided
countries: Kerch is about 720 km from Kyiv while Ukraine's radius is 438 km,
and Vladivostok is 6,400 km from Moscow. A box of real places catches what
this check is for (swapped, sign-flipped or mistyped coordinates, or a
wrong country) without rejecting border and coastal events. Countries that
straddle the 180th meridian get their box in 0-360° longitudes.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo import index as idx
from geo.gazetteer import Gazetteer

MARGIN_DEG = 1.0
"""How far outside the box of a country's known places a point may lie (about 110 km)."""


@dataclass(frozen=True)
class Box:
    """Extent of a country's known places; ``wraps`` means longitudes are 0-360."""

    name: str
    south: float
    north: float
    west: float
    east: float
    wraps: bool


@dataclass
class BoundsCheck:
    """Rows whose coordinates fall outside their country, with why, and what went unchecked."""

    outside: pd.Series  # bool per row
    reasons: pd.Series  # text, indexed by the positions of the rows outside
    choices: list[str] = field(default_factory=list)


def country_boxes(gazetteer: Gazetteer, codes: Iterable[str] | None = None) -> dict[str, Box]:
    """Box of each country's places, keyed by ISO 3166 alpha-2 code; only ``codes`` if given.

    Asking for the few countries a file names reads ~1 % of the index's
    places grouped in a small tree; every country's box costs a pass over all
    of them (a fifth of a second, more than the rest of the check).
    """
    stat = gazetteer.path.stat()
    wanted = None if codes is None else tuple(sorted(set(codes)))
    return _boxes(str(gazetteer.path), stat.st_mtime_ns, stat.st_size, wanted)


@functools.lru_cache(maxsize=16)
def _boxes(path: str, mtime_ns: int, size: int, codes: tuple[str, ...] | None) -> dict[str, Box]:
    """Boxes of one index file (keyed by its mtime and size, so a rebuilt index is re-read)."""
    where = "feature = ?"
    params: list[object] = [idx.CITY]
    if codes is not None:
        if not codes:
            return {}
        where += f" AND p.country IN ({', '.join('?' * len(codes))})"
        params.extend(codes)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT p.country, c.name, min(lat), max(lat), min(lon), max(lon), "
            "min((lon + 360) % 360), max((lon + 360) % 360) FROM place p "
            f"JOIN country c ON c.iso = p.country WHERE {where} GROUP BY p.country",
            params,
        ).fetchall()
    finally:
        con.close()
    boxes = {}
    for code, name, south, north, west, east, west360, east360 in rows:
        wraps = (east360 - west360) < (east - west)
        w, e = (west360, east360) if wraps else (west, east)
        boxes[code] = Box(name, south, north, w, e, wraps)
    return boxes


def _floats(text: pd.Series) -> np.ndarray:
    """Numbers of a column, NaN where empty or unreadable; numbers are taken as they are.

    geo.formats hands over the coordinates geo.events has read already.
    pyarrow's parser is several times faster than pd.to_numeric on a million
    coordinates; any column it refuses is read by pandas.
    """
    if pd.api.types.is_float_dtype(text.dtype):
        return text.to_numpy(dtype=float, na_value=np.nan)
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(text.array)
        numbers = pc.cast(pc.if_else(pc.equal(arr, ""), None, arr), pa.float64())
        return np.asarray(numbers.to_numpy(zero_copy_only=False), dtype=float)
    except (ImportError, ValueError, TypeError):  # pyarrow.ArrowInvalid is a ValueError
        pass
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def check_bounds(
    country: pd.Series, latitude: pd.Series, longitude: pd.Series, gazetteer: Gazetteer
) -> BoundsCheck:
    """Flag rows whose (latitude, longitude) lie outside the country they name.

    ``country`` holds names as files write them ("Ukraine"); names the gazetteer
    does not know as a country are not checked, and the report says so.
    """
    codes, uniques = pd.factorize(country.fillna(""), sort=False)
    n = len(uniques)
    names = [str(written).strip() for written in uniques]
    # Each name's countries, best first; then the boxes of those countries only.
    named = {
        name: [p.country for p in gazetteer.candidates(name) if p.feature == "country"]
        for name in set(names)
        if name
    }
    boxes = country_boxes(gazetteer, (code for found in named.values() for code in found))
    box_of: list[Box | None] = []
    unknown: list[str] = []
    for name in names:
        box = None
        if name:
            box = next((boxes[code] for code in named[name] if code in boxes), None)
            if box is None:
                unknown.append(name)
        box_of.append(box)
    known = np.array([b is not None for b in box_of] + [False], dtype=bool)

    def per_name(attr: str, margin: float) -> np.ndarray:
        """Each name's box edge, widened by the margin once per name rather than per row."""
        values = [getattr(b, attr) + margin if b is not None else np.nan for b in box_of]
        return np.array(values + [np.nan], dtype=float)

    # codes of -1 (missing) index the trailing "unknown" entry.
    take = codes if not len(codes) or codes.min() >= 0 else np.where(codes < 0, n, codes)
    south, north = per_name("south", -MARGIN_DEG)[take], per_name("north", MARGIN_DEG)[take]
    west, east = per_name("west", -MARGIN_DEG)[take], per_name("east", MARGIN_DEG)[take]
    wrapping = np.array([bool(b and b.wraps) for b in box_of] + [False])
    wraps = wrapping[take] if wrapping.any() else None
    lat, lon = _floats(latitude), _floats(longitude)

    def inside(la: np.ndarray, lo: np.ndarray) -> np.ndarray:
        if wraps is not None:
            lo = np.where(wraps, (lo + 360) % 360, lo)
        result = la >= south
        result &= la <= north
        result &= lo >= west
        result &= lo <= east
        return result

    with np.errstate(invalid="ignore"):
        checkable = known[take]
        checkable &= np.abs(lat) <= 90  # False where NaN
        checkable &= np.abs(lon) <= 180
        outside = checkable & ~inside(lat, lon)
    texts: dict[int, str] = {}
    if outside.any():
        swapped = outside & inside(lon, lat)
        for i in np.flatnonzero(outside):
            box = box_of[take[i]]
            assert box is not None
            hint = (
                "latitude and longitude look swapped"
                if swapped[i]
                else "check for a typo, a missing minus sign or the wrong country"
            )
            texts[int(i)] = (
                f"({lat[i]}, {lon[i]}) is outside {box.name}, whose known places lie within "
                f"latitude {box.south:.1f} to {box.north:.1f} and longitude "
                f"{box.west:.1f} to {box.east:.1f} (checked with a {MARGIN_DEG:g}° margin); "
                f"{hint}"
            )
    choices = []
    if unknown:
        rows = int(
            np.isin(
                codes, [i for i, b in enumerate(box_of) if b is None and str(uniques[i]).strip()]
            ).sum()
        )
        shown = ", ".join(repr(u) for u in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        choices.append(
            f"coordinates of {rows} rows were not checked against their country: "
            f"the gazetteer does not know {shown} as a country"
        )
    reasons = pd.Series(list(texts.values()), index=list(texts), dtype=object)
    return BoundsCheck(pd.Series(outside, index=country.index), reasons, choices)
