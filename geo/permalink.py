"""A view of the events as a URL query, and back: what makes a dashboard link shareable.

The query names are short and stable, since links are pasted into reports and
chats and must keep opening the same view:

``type``, ``actor``, ``place`` (repeatable), ``q`` (text), ``from`` / ``to``
(ISO dates), ``near`` (a place name, any spelling) with ``km``, ``event`` (the
selected event), ``view`` (``lat,lon,zoom`` of the map) and ``inview=1`` (only
the events inside that view).

Reading is lenient: a link edited by hand or made from older data may hold
values that no longer parse; those are dropped and named in ``View.problems``,
never an error page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

_T = TypeVar("_T")

DEFAULT_NEAR_KM = 25.0
MAX_NEAR_KM = 500.0


@dataclass(frozen=True)
class MapView:
    lat: float
    lon: float
    zoom: int

    def to_param(self) -> str:
        return f"{self.lat:.4f},{self.lon:.4f},{self.zoom}"

    @classmethod
    def parse(cls, text: str) -> MapView:
        parts = text.split(",")
        if len(parts) != 3:
            raise ValueError(f"view {text!r}: expected lat,lon,zoom")
        lat, lon, zoom = float(parts[0]), float(parts[1]), int(parts[2])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= zoom <= 19):
            raise ValueError(f"view {text!r}: out of range")
        return cls(lat, lon, zoom)


@dataclass(frozen=True)
class View:
    """Everything a link restores."""

    event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    text: str = ""
    start: date | None = None
    end: date | None = None
    near: str = ""
    near_km: float = DEFAULT_NEAR_KM
    event: str = ""
    map_view: MapView | None = None
    in_view: bool = False  # only the events inside the map's view
    problems: tuple[str, ...] = field(default=(), compare=False)

    def to_params(self, full_range: tuple[date, date] | None = None) -> dict[str, list[str] | str]:
        """Query parameters, leaving out what is the default (the whole date range too)."""
        params: dict[str, list[str] | str] = {}
        for name, values in (
            ("type", self.event_types),
            ("actor", self.actors),
            ("place", self.places),
        ):
            if values:
                params[name] = sorted(values)
        if self.text:
            params["q"] = self.text
        if self.start and self.end and (self.start, self.end) != full_range:
            params["from"], params["to"] = self.start.isoformat(), self.end.isoformat()
        if self.near:
            params["near"] = self.near
            if self.near_km != DEFAULT_NEAR_KM:
                params["km"] = f"{self.near_km:g}"
        if self.event:
            params["event"] = self.event
        if self.map_view is not None:
            params["view"] = self.map_view.to_param()
        if self.in_view:
            params["inview"] = "1"
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]]) -> View:
        """Read a query (each name mapped to all its values), skipping what does not parse."""
        problems: list[str] = []

        def one(name: str) -> str:
            values = params.get(name) or ()
            return values[-1].strip() if values else ""

        def parsed(name: str, parse: Callable[[str], _T]) -> _T | None:
            raw = one(name)
            if not raw:
                return None
            try:
                return parse(raw)
            except ValueError:
                problems.append(f"{name}={raw!r} is not understood and was ignored")
                return None

        def many(name: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(v for v in params.get(name) or () if v.strip()))

        start = parsed("from", date.fromisoformat)
        end = parsed("to", date.fromisoformat)
        if (start is None) != (end is None) or (start and end and start > end):
            if start or end:
                problems.append("from/to do not make a date range and were ignored")
            start = end = None
        km = parsed("km", float)
        if km is not None and not (math.isfinite(km) and 0 < km <= MAX_NEAR_KM):
            problems.append(f"km={km:g} is outside 0–{MAX_NEAR_KM:g} and was ignored")
            km = None
        return cls(
            event_types=many("type"),
            actors=many("actor"),
            places=many("place"),
            text=one("q"),
            start=start,
            end=end,
            near=one("near"),
            near_km=km if km is not None else DEFAULT_NEAR_KM,
            event=one("event"),
            map_view=parsed("view", MapView.parse),
            in_view=one("inview") in ("1", "true", "yes"),
            problems=tuple(problems),
        )
