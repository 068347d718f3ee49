"""Choose between namesakes from evidence (pure functions).

Order of evidence, strongest first (DESIGN.md, "Gazetteer"):

1. explicit parents and cues are hard filters: "Rivne region" keeps only
   admin units, "X, Ukraine" keeps only places in Ukraine, "south of Sumy"
   keeps only places within reach of Sumy in that direction;
2. agreement with the other places of the same text (same admin-1, nearby,
   same country) adds to a candidate's score;
3. prominence (population, national capital, countries over towns) is the
   prior;
4. when the best candidate does not beat the runner-up by a clear margin,
   abstain: a missing dot is better than a wrong one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from geo.geometry import haversine_km

# Score points; one point is a factor of ten in population.
MARGIN = 0.9  # how far the winner must lead the runner-up (about 8x population)
COUNTRY_BONUS = 2.0
CAPITAL_BONUS = 1.0  # a bare capital's name means the capital ("Washington", not the state)
# A GeoNames alternate name unlike the place's own name ("Petropolis" for Saint
# Petersburg, "Victoria" for Hong Kong) is a weak claim: a town whose own name it
# is must be 30x smaller before the alternate wins.
ALTERNATE_PENALTY = 1.5
AREA_PENALTY = 1.0  # an admin unit or region is named by its bare name less often than a town
# Context is weaker than a big gap in prominence: a village next to another
# place of the text must not beat a city of half a million ("Mykolaiv").
SAME_ADMIN1 = 1.0
NEAR_KM, NEAR_POINTS = 60.0, 1.0
REGIONAL_KM, REGIONAL_POINTS = 200.0, 0.5
SAME_COUNTRY = 0.5
# Candidates of the text's still-unresolved names count at this weight: "Reading"
# and "Oxford" in one story settle each other on the English pair.
WEAK_CONTEXT = 0.5
ANCHOR_MAX_KM = 150.0
DIRECTION_TOLERANCE_DEG = 67.5

_BEARINGS = {
    "north": 0.0,
    "northeast": 45.0,
    "east": 90.0,
    "southeast": 135.0,
    "south": 180.0,
    "southwest": 225.0,
    "west": 270.0,
    "northwest": 315.0,
}


class PlaceLike(Protocol):
    """What the resolver needs to know about a candidate."""

    @property
    def name(self) -> str: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...
    @property
    def country(self) -> str: ...
    @property
    def admin1(self) -> str | None: ...
    @property
    def feature(self) -> str: ...
    @property
    def population(self) -> int: ...


@dataclass(frozen=True)
class Evidence:
    """What the text says around a mention."""

    cue: str | None = None  # "admin" or "city"
    parent: PlaceLike | None = None  # a containing country / admin unit
    anchor: PlaceLike | None = None  # "south of <anchor>"
    direction: str | None = None
    near: bool = False
    context: Sequence[PlaceLike] = field(default_factory=tuple)
    capitals: frozenset[int] = frozenset()  # indexes of candidates that are national capitals
    alternates: frozenset[int] = frozenset()  # indexes matched only by an unlike alternate name
    weak_context: Sequence[PlaceLike] = field(default_factory=tuple)  # unresolved names' options


@dataclass(frozen=True)
class Decision:
    """The resolver's verdict over a candidate list (indexes into it)."""

    chosen: int | None
    ranked: tuple[int, ...]  # candidate indexes best first (after hard filters)
    score: float
    precision: int | None
    reason: str


def prior(place: PlaceLike, is_capital: bool = False, is_alternate: bool = False) -> float:
    """Prominence of a place before any evidence, in log10-population points."""
    base = math.log10(max(place.population, 0) + 1)
    if is_alternate:
        base -= ALTERNATE_PENALTY
    if place.feature == "country":
        return base + COUNTRY_BONUS
    if place.feature in ("admin1", "region"):
        return base - AREA_PENALTY
    return base + (CAPITAL_BONUS if is_capital else 0.0)


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial compass bearing from point 1 to point 2, degrees clockwise from north."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(x, y)) + 360.0) % 360.0


def _within(place: PlaceLike, parent: PlaceLike) -> bool:
    if place is parent:
        return False
    if parent.feature == "country":
        return place.country == parent.country and place.feature != "country"
    if parent.feature == "admin1":
        return (
            place.country == parent.country
            and place.admin1 == parent.admin1
            and place.feature == "city"
        )
    if parent.feature == "region":
        radius = getattr(parent, "radius_km", 0.0) or 0.0
        d = haversine_km(place.latitude, place.longitude, parent.latitude, parent.longitude)
        same_country = not parent.country or place.country == parent.country
        return place.feature == "city" and same_country and d <= radius * 1.5
    return False


def _in_direction(place: PlaceLike, anchor: PlaceLike, direction: str | None) -> bool:
    d = haversine_km(anchor.latitude, anchor.longitude, place.latitude, place.longitude)
    if d > ANCHOR_MAX_KM or d < 1.0:
        return False
    want = _BEARINGS.get(direction or "")
    if want is None:
        return True
    got = bearing_deg(anchor.latitude, anchor.longitude, place.latitude, place.longitude)
    diff = abs((got - want + 180.0) % 360.0 - 180.0)
    return diff <= DIRECTION_TOLERANCE_DEG


def _context_points(place: PlaceLike, context: Sequence[PlaceLike]) -> tuple[float, str]:
    """Agreement of a candidate with the text's other places, and why."""
    best = 0.0
    why = ""
    countries = {c.country for c in context if c.country}
    for other in context:
        if other.feature == "country":
            continue
        by_unit = 0.0
        by_distance = 0.0
        note = ""
        if (
            other.admin1 is not None
            and place.admin1 == other.admin1
            and place.country == other.country
        ):
            by_unit, note = SAME_ADMIN1, f"same admin-1 as {other.name}"
        if other.feature == "city" and place.feature == "city":
            d = haversine_km(place.latitude, place.longitude, other.latitude, other.longitude)
            if d <= NEAR_KM:
                by_distance = NEAR_POINTS
            elif d <= REGIONAL_KM:
                by_distance = REGIONAL_POINTS
            if by_distance and by_distance >= by_unit:
                note = f"{d:.0f} km from {other.name}"
        pts = max(by_unit, by_distance) + (0.25 if by_unit and by_distance else 0.0)
        if pts > best:
            best, why = pts, note
    if place.country in countries:
        best += SAME_COUNTRY
        why = why or f"in {place.country} like the other places"
    return best, why


def decide(query: str, candidates: Sequence[PlaceLike], ev: Evidence) -> Decision:
    """Pick one candidate, or abstain, from the evidence; see the module docstring."""
    if not candidates:
        return Decision(None, (), 0.0, None, f"no place called {query!r} in the gazetteer")
    pool = list(range(len(candidates)))
    hard: list[str] = []

    if ev.cue == "admin":
        kept = [i for i in pool if candidates[i].feature in ("admin1", "region")]
        if kept:
            pool = kept
            hard.append("named as a region")
    elif ev.cue == "city":
        kept = [i for i in pool if candidates[i].feature == "city"]
        if kept:
            pool = kept
            hard.append("named as a town")
    # A country has no parent: "Uzbekistan, Tajikistan and Kyrgyzstan" is a list.
    if (
        ev.parent is not None
        and ev.parent.feature in ("country", "admin1", "region")
        and not any(candidates[i].feature == "country" for i in pool)
    ):
        parent = ev.parent
        pool = [i for i in pool if _within(candidates[i], parent)]
        hard.append(f"inside {parent.name}")
    if ev.anchor is not None:
        anchor = ev.anchor
        pool = [i for i in pool if _in_direction(candidates[i], anchor, ev.direction)]
        hard.append(f"{ev.direction or 'near'} of {anchor.name}")
    if not pool:
        return Decision(
            None,
            (),
            0.0,
            None,
            f"abstained: no {query!r} fits the text's explicit clue ({'; '.join(hard)})",
        )

    if ev.cue is None:
        # A bare name shared by a town and the unit around it means the town
        # ("New York", "Kyiv"); the unit needs a cue such as "region".
        towns = [candidates[i] for i in pool if candidates[i].feature == "city"]
        pool = [
            i
            for i in pool
            if not (
                candidates[i].feature == "admin1"
                and any(
                    t.country == candidates[i].country and t.admin1 == candidates[i].admin1
                    for t in towns
                )
            )
        ]

    scored: list[tuple[float, int, str]] = []
    for i in pool:
        place = candidates[i]
        pts, why = _context_points(place, ev.context)
        if ev.weak_context:
            weak, weak_why = _context_points(place, ev.weak_context)
            if weak * WEAK_CONTEXT > pts:
                pts, why = weak * WEAK_CONTEXT, why or f"fits the text's other names ({weak_why})"
        base = prior(place, i in ev.capitals, i in ev.alternates)
        scored.append((base + pts, i, why))
    scored.sort(key=lambda s: -s[0])
    ranked = tuple(i for _, i, _ in scored)
    top_score, top, why = scored[0]
    place = candidates[top]
    precision = _precision(place, ev)
    basis = "; ".join(hard) if hard else ""
    if len(scored) == 1:
        reason = f"only candidate{' ' + basis if basis else ''}"
        score = 0.95 if hard else 0.85
        return Decision(top, ranked, score, precision, reason)
    margin = top_score - scored[1][0]
    runner = candidates[scored[1][1]]
    if margin < MARGIN:
        return Decision(
            None,
            ranked,
            round(0.5 * max(margin, 0.0) / MARGIN, 2),
            None,
            f"abstained: {len(scored)} places called {query!r} and nothing in the text decides "
            f"between {_label(place)} and {_label(runner)}",
        )
    parts = [p for p in (basis, why) if p]
    if not parts:
        parts.append(f"far more prominent than {_label(runner)}")
    score = min(0.95, 0.6 + 0.15 * min(margin, 2.0) + (0.05 if hard else 0.0))
    return Decision(top, ranked, round(score, 2), precision, "; ".join(parts))


def _precision(place: PlaceLike, ev: Evidence) -> int:
    """ACLED geo_precision: 1 the town itself, 2 near it, 3 only a region or country."""
    if place.feature != "city":
        return 3
    return 2 if ev.near else 1


def _label(place: PlaceLike) -> str:
    admin1 = getattr(place, "admin1_name", place.admin1)
    where = ", ".join(p for p in (admin1, place.country) if p)
    return f"{place.name} ({where}, pop. {place.population:,})" if where else place.name
