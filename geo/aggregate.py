"""Many events -> a bounded number of groups, computed on the server.

A browser cannot draw a million markers, and should not be sent them: past a
limit, events that fall in the same grid cell travel as one group (its count,
its events' types, dates and top places). The grid is the finest power-of-two
grid, in degrees, with no more occupied cells than the limit.

Everything here is vectorised (numpy, pandas): no Python work per event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geo.events import date_windows

BASE_CELLS_PER_DEGREE = 1024
"""The finest grid tried: 1/1024 degree, about 100 m; events this close share a group."""

_LAT_OFFSET = 1 << 17  # > 90 * 1024: cell rows become non-negative
_LON_OFFSET = 1 << 18  # > 180 * 1024
_ROW_SHIFT = 20  # a cell's column fits in 20 bits

_EPOCH_DAY = np.datetime64("1970-01-01", "D")


@dataclass(frozen=True)
class Grid:
    """Which group each point fell in, and the size of the grid's cells."""

    labels: np.ndarray
    """Group index (0..groups-1) of each point, in the points' order."""
    groups: int
    cell_degrees: float


def grid_groups(lat: np.ndarray, lon: np.ndarray, max_groups: int) -> Grid:
    """Group points by grid cell, coarsening the grid until at most ``max_groups`` remain.

    Each coarsening halves the cell size's resolution and works on the
    occupied cells of the level before, not on the points again.
    """
    if max_groups < 1:
        raise ValueError(f"max_groups must be at least 1, got {max_groups}")
    rows = np.floor(np.asarray(lat, dtype=np.float64) * BASE_CELLS_PER_DEGREE).astype(np.int64)
    cols = np.floor(np.asarray(lon, dtype=np.float64) * BASE_CELLS_PER_DEGREE).astype(np.int64)
    keys = ((rows + _LAT_OFFSET) << _ROW_SHIFT) | (cols + _LON_OFFSET)
    cells, labels = np.unique(keys, return_inverse=True)
    level = 0
    while len(cells) > max_groups:
        level += 1
        rows, cols = cells >> _ROW_SHIFT, cells & ((1 << _ROW_SHIFT) - 1)
        coarser = ((rows >> 1) << _ROW_SHIFT) | (cols >> 1)
        cells, parent = np.unique(coarser, return_inverse=True)
        labels = parent[labels]
    return Grid(labels.reshape(-1), len(cells), float(2**level) / BASE_CELLS_PER_DEGREE)


def summarise(
    events: pd.DataFrame,
    labels: np.ndarray,
    groups: int,
    types: list[str],
    *,
    top_places: int = 3,
) -> dict[str, Any]:
    """What a group's circle and popup show, as JSON-ready columns (one entry per group).

    ``types`` names the event types in the order the counts use; an event
    whose type is missing from it counts under the last entry. Columns:
    ``lat``/``lon`` the mean position, ``count``, ``dom`` the index of the
    most frequent type, ``byType`` the counts by type (``len(types)`` per
    group, flattened), ``first``/``last`` the first and last day the events
    may have happened on (days since 1970-01-01, null if unknown), and the top
    places: ``placeStart`` offsets into ``placeName``/``placeCount`` (the
    names stored once in ``places``).
    """
    labels = np.asarray(labels, dtype=np.int64)
    count = np.bincount(labels, minlength=groups)
    safe = np.maximum(count, 1)
    lat = np.bincount(labels, events["latitude"].to_numpy(np.float64), groups) / safe
    lon = np.bincount(labels, events["longitude"].to_numpy(np.float64), groups) / safe

    kinds = len(types)
    codes = type_codes(events["event_type"], types)
    by_type = np.bincount(labels * kinds + codes, minlength=groups * kinds).reshape(groups, kinds)

    first, last = date_windows(events)
    span = pd.DataFrame({"g": labels, "first": first.to_numpy(), "last": last.to_numpy()})
    days = span.groupby("g").agg(first=("first", "min"), last=("last", "max"))
    days = days.reindex(range(groups))

    place_codes, place_names = pd.factorize(events["location"].astype("string"))
    has_place = place_codes >= 0
    n_places = max(len(place_names), 1)
    pairs, pair_count = np.unique(
        labels[has_place] * n_places + place_codes[has_place], return_counts=True
    )
    pair_group, pair_place = pairs // n_places, pairs % n_places
    order = np.lexsort((pair_place, -pair_count, pair_group))
    pair_group, pair_place, pair_count = pair_group[order], pair_place[order], pair_count[order]
    rank = np.arange(len(pair_group)) - np.searchsorted(pair_group, pair_group, side="left")
    top = rank < top_places
    pair_group, pair_place, pair_count = pair_group[top], pair_place[top], pair_count[top]
    used, place_ref = np.unique(pair_place, return_inverse=True)
    starts = np.searchsorted(pair_group, np.arange(groups + 1), side="left")

    return {
        "n": int(groups),
        "lat": np.round(lat, 5).tolist(),
        "lon": np.round(lon, 5).tolist(),
        "count": count.tolist(),
        "dom": by_type.argmax(axis=1).tolist() if groups else [],
        "byType": by_type.reshape(-1).tolist(),
        "first": _day_numbers(days["first"]),
        "last": _day_numbers(days["last"]),
        "places": [str(p) for p in np.asarray(place_names)[used]],
        "placeName": place_ref.reshape(-1).tolist(),
        "placeCount": pair_count.tolist(),
        "placeStart": starts.tolist(),
    }


def type_names(values: pd.Series) -> list[str]:
    """The distinct event types among ``values``, sorted; a missing type is ""."""
    kinds = _as_category(values)
    present = np.unique(kinds.cat.codes.to_numpy())
    names = {"" if code < 0 else str(kinds.cat.categories[code]) for code in present.tolist()}
    return sorted(names)


def type_codes(values: pd.Series, types: list[str]) -> np.ndarray:
    """Each value's index in ``types`` (a missing type is ""); the last index if absent.

    Works on the category codes, so the cost does not grow with the text.
    """
    kinds = _as_category(values)
    index = {name: i for i, name in enumerate(types)}
    last = len(types) - 1
    lookup = np.array(
        [index.get(str(c), last) for c in kinds.cat.categories] + [index.get("", last)],
        dtype=np.int64,
    )
    # A missing value's code is -1: the last entry of lookup.
    return lookup[kinds.cat.codes.to_numpy(np.int64)]


def _as_category(values: pd.Series) -> pd.Series:
    return values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")


def _day_numbers(when: pd.Series) -> list[int | None]:
    """Days since 1970-01-01 (the browser formats them), None where unknown."""
    values = when.to_numpy("datetime64[ns]")
    known = ~np.isnat(values)
    days = (values.astype("datetime64[D]") - _EPOCH_DAY).astype(np.int64)
    return [int(d) if k else None for d, k in zip(days.tolist(), known.tolist(), strict=True)]


def top_groups(labels: np.ndarray, groups: int, keep: int) -> tuple[np.ndarray, int]:
    """Relabel so only the ``keep`` largest groups remain, largest first; -1 marks the rest."""
    count = np.bincount(labels, minlength=groups)
    order = np.lexsort((np.arange(groups), -count))[:keep]
    relabel = np.full(groups, -1, dtype=np.int64)
    relabel[order] = np.arange(len(order))
    return relabel[labels], len(order)


def by_size(labels: np.ndarray, groups: int) -> np.ndarray:
    """Relabel groups largest first, so small groups are drawn last, on top, and stay clickable."""
    new_labels, _ = top_groups(labels, groups, groups)
    return new_labels
