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

import bisect
import functools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, Protocol, overload

from geo.geometry import EARTH_RADIUS_KM, haversine_km
from geo.names import fold, quoted
from geo.recognize import ANCHOR_REACH_KM

# The least population a town counts with (see prior).
TOWN_POPULATION_FLOOR = 500
# A town this big may be what "the X region" is named after (see decide).
REGION_TOWN_POPULATION = 100_000
# The least share of its unit's population for a town to take the unit's bare
# name: Sumy holds 24% of Sumy oblast and Oklahoma City 22% of Oklahoma.
TOWN_SHARE_OF_UNIT = 0.05
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
# An admin unit that holds towns the text names is what a bare name of it means
# ("Georgia" beside Atlanta and Savannah, "Victoria" beside Melbourne): at equal
# population it outweighs a country's bonus and an area's penalty by the margin.
CONTAINS_TOWNS = 4.0
NEAR_KM, NEAR_POINTS = 60.0, 1.0
REGIONAL_KM, REGIONAL_POINTS = 200.0, 0.5
SAME_COUNTRY = 0.5
# A close call between namesakes is settled by the towns of the text that lie
# in a candidate's admin-1 within REGIONAL_KM of it: each beyond the first
# counts, up to two. A story that names Windsor, Wolfville and Kentville means
# the Truro of Nova Scotia, where one fellow town alone would not part it from
# the Truro of Cornwall.
BREADTH, BREADTH_MAX_TOWNS = 0.25, 2
_MOST_BREADTH = BREADTH * BREADTH_MAX_TOWNS
# Candidates of the text's still-unresolved names count at this weight: "Reading"
# and "Oxford" in one story settle each other on the English pair.
WEAK_CONTEXT = 0.5
ANCHOR_MAX_KM = ANCHOR_REACH_KM  # a farther stated distance gives no anchor
DIRECTION_TOLERANCE_DEG = 67.5
# A stated distance admits places from half of it to one and a half times it,
# give or take STATED_SLACK_KM ("some 30 km south of Zaporizhzhia": 10 to 50
# km); of those, the ones within STATED_CLOSE of it and STATED_SLACK_KM / 2
# are preferred when there are any ("about 60 km southwest of Odesa": the
# Serhiivka 59 km off, not the one 81 km off).
STATED_LOW, STATED_HIGH, STATED_SLACK_KM, STATED_CLOSE = 0.5, 1.5, 5.0, 0.25

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


class Evidence(NamedTuple):
    """What the text says around a mention (a named tuple, so immutable and quick
    to make: a long text makes one per distinct name and clue in every pass)."""

    cue: str | None = None  # "admin", "unit" (after a dateline's town), "city", "village"...
    parent: PlaceLike | None = None  # a containing country / admin unit
    anchor: PlaceLike | None = None  # "south of <anchor>"
    direction: str | None = None
    distance_km: float | None = None  # stated distance from the anchor ("30 km south of")
    # Without an anchor, the towns named before "X, just north of the town":
    # the direction must hold from one of them.
    towns: Sequence[PlaceLike] = ()
    near: bool = False
    context: Sequence[PlaceLike] = ()
    capitals: frozenset[int] = frozenset()  # indexes of candidates that are national capitals
    alternates: frozenset[int] = frozenset()  # indexes matched only by an unlike alternate name
    weak_context: Sequence[PlaceLike] = ()  # unresolved names' options
    # prior() of each candidate with its capital and alternate flags, when the
    # caller has them (a name's candidates are decided again in every pass).
    priors: Sequence[float] = ()


class Decision(NamedTuple):
    """The resolver's verdict over a candidate list (indexes into it)."""

    chosen: int | None
    ranked: tuple[int, ...]  # candidate indexes best first (after hard filters)
    score: float
    precision: int | None
    reason: str


def prior(place: PlaceLike, is_capital: bool = False, is_alternate: bool = False) -> float:
    """Prominence of a place before any evidence, in log10-population points.
    A town's population counts as at least TOWN_POPULATION_FLOOR: GeoNames
    gives 0 where it does not know it (Ariha in Idlib), and every town of
    cities500 but a seat of government has more than that."""
    population = place.population
    if place.feature == "city" and population < TOWN_POPULATION_FLOOR:
        population = TOWN_POPULATION_FLOOR
    base = math.log10(max(population, 0) + 1)
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


# Cities that are an admin-1 unit of their own inside another one, by GeoNames
# admin-1 codes: (country, the city's unit) -> the unit around it.
# "SEVASTOPOL, Crimea" is a dateline, not a contradiction.
ENCLOSED_BY = {
    ("UA", "20"): "11",  # Sevastopol in Crimea
    ("UA", "12"): "13",  # Kyiv in Kyiv Oblast
    ("RU", "48"): "47",  # Moscow in Moscow Oblast
    ("RU", "66"): "42",  # Saint Petersburg in Leningrad Oblast
    ("DE", "16"): "11",  # Berlin in Brandenburg
    ("AT", "09"): "03",  # Vienna in Lower Austria
}


def _within(place: PlaceLike, parent: PlaceLike) -> bool:
    if place is parent:
        return False
    if parent.feature == "country":
        return place.country == parent.country and place.feature != "country"
    if parent.feature == "admin1":
        return (
            place.country == parent.country
            and place.feature == "city"
            and (
                place.admin1 == parent.admin1
                or ENCLOSED_BY.get((place.country, place.admin1 or "")) == parent.admin1
            )
        )
    if parent.feature == "region":
        radius = getattr(parent, "radius_km", 0.0) or 0.0
        d = haversine_km(place.latitude, place.longitude, parent.latitude, parent.longitude)
        same_country = not parent.country or place.country == parent.country
        return place.feature == "city" and same_country and d <= radius * 1.5
    return False


def _in_direction(
    place: PlaceLike, anchor: PlaceLike, direction: str | None, stated_km: float | None = None
) -> bool:
    d = haversine_km(anchor.latitude, anchor.longitude, place.latitude, place.longitude)
    if d > ANCHOR_MAX_KM or d < 1.0:
        return False
    if stated_km is not None and not _fits_stated(d, stated_km):
        return False
    want = _BEARINGS.get(direction or "")
    if want is None:
        return True
    got = bearing_deg(anchor.latitude, anchor.longitude, place.latitude, place.longitude)
    diff = abs((got - want + 180.0) % 360.0 - 180.0)
    return diff <= DIRECTION_TOLERANCE_DEG


def _fits_stated(d: float, stated_km: float) -> bool:
    """Whether a great-circle distance d agrees with a distance the text states.
    A reporter's "some 30 km" is rounded and often by road, which is longer than
    the straight line: the window is wide, above all below the figure."""
    low = stated_km * STATED_LOW - STATED_SLACK_KM
    return low <= d <= stated_km * STATED_HIGH + STATED_SLACK_KM


def _how_far(direction: str | None, stated_km: float | None) -> str:
    """How a reason says where a place lies from another: "30 km south of",
    "15 km from", "south of"."""
    far = f"{stated_km:.3g} km " if stated_km is not None else ""
    if direction is not None:
        return f"{far}{direction} of"
    return f"{far}from" if far else "near"


def _close_to_stated(place: PlaceLike, anchor: PlaceLike, stated_km: float) -> bool:
    d = haversine_km(anchor.latitude, anchor.longitude, place.latitude, place.longitude)
    return abs(d - stated_km) <= stated_km * STATED_CLOSE + STATED_SLACK_KM / 2


def _agreement(place: PlaceLike, other: PlaceLike) -> tuple[float, str]:
    """Points one other place of the text gives a candidate, and why (0 for a country)."""
    by_unit = 0.0
    by_distance = 0.0
    note = ""
    if other.admin1 is not None and place.admin1 == other.admin1 and place.country == other.country:
        if place.feature == "admin1" and other.feature == "city":
            by_unit, note = CONTAINS_TOWNS, f"holds {other.name}"
        else:
            by_unit, note = SAME_ADMIN1, f"same admin-1 as {other.name}"
    if other.feature == "city" and place.feature == "city":
        d = haversine_km(place.latitude, place.longitude, other.latitude, other.longitude)
        if d <= NEAR_KM:
            by_distance = NEAR_POINTS
        elif d <= REGIONAL_KM:
            by_distance = REGIONAL_POINTS
        if by_distance and by_distance >= by_unit:
            note = f"{d:.0f} km from {other.name}"
    if by_unit and by_distance:
        both = NEAR_IN_ADMIN1 if by_distance == NEAR_POINTS else REGIONAL_IN_ADMIN1
        return max(by_unit, by_distance) + both, note
    return max(by_unit, by_distance), note


def _context_points(place: PlaceLike, context: Sequence[PlaceLike]) -> tuple[float, str]:
    """Agreement of a candidate with the text's other places, and why."""
    if isinstance(context, Context):
        return context.points(place)
    best = 0.0
    why = ""
    countries = {c.country for c in context if c.country}
    for other in context:
        if other.feature == "country":
            continue
        pts, note = _agreement(place, other)
        if pts > best:
            best, why = pts, note
    if place.country in countries:
        best += SAME_COUNTRY
        why = why or f"in {place.country} like the other places"
    return best, why


# Side of a cell of the grid on the unit sphere: the chord of REGIONAL_KM plus a
# margin, so two towns within REGIONAL_KM always lie in neighbouring cells.
_CELL = 2.0 * math.sin(REGIONAL_KM / (2.0 * EARTH_RADIUS_KM)) * 1.02
_NEIGHBOURS = tuple((a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1))
# Up to this many towns in a text, a candidate's towns within reach are found
# by latitude rather than by the 27 cells around it: quicker for an article's.
_FEW_TOWNS = 200


@functools.lru_cache(maxsize=1 << 16)
def _cell(lat: float, lon: float) -> tuple[int, int, int]:
    """Grid cell of a point, by its position on the unit sphere (no trouble at poles
    or the date line). Kept: every pass of a text files the same towns again."""
    p, la = math.radians(lat), math.radians(lon)
    x, y, z = math.cos(p) * math.cos(la), math.cos(p) * math.sin(la), math.sin(p)
    return (math.floor(x / _CELL), math.floor(y / _CELL), math.floor(z / _CELL))


# A town of a text's context as the scan reads it: its position in the list,
# key, longitude and latitude in radians.
_Town = tuple[int, str, float, float]


class _ContextIndex:
    """The places of one text, filed by admin-1 and by grid cell.

    A candidate earns context points only from a place in its own admin-1 or a
    town within REGIONAL_KM, so looking at those few instead of the whole list
    gives the same answer; over a long text with thousands of names this is
    what keeps resolution from growing with the square of the text.
    """

    __slots__ = (
        "by_cell",
        "by_lat",
        "by_unit",
        "countries",
        "fellows",
        "key_countries",
        "key_sizes",
        "keys",
        "lats",
        "nearby_cache",
        "places",
        "scores",
        "towns",
        "unit_bands",
        "unit_towns",
    )

    def __init__(self, entries: Sequence[tuple[str, PlaceLike]]) -> None:
        self.keys = [k for k, _ in entries]
        self.places = [p for _, p in entries]
        self.towns: dict[int, _Town] = {}
        self.by_unit: dict[tuple[str, str], list[int]] = {}
        self.by_cell: dict[tuple[int, int, int], list[int]] = {}
        self.countries: dict[str, int] = {}
        self.key_countries: dict[str, dict[str, int]] = {}
        self.key_sizes: dict[str, int] = {}
        self.nearby_cache: dict[tuple[int, int, int], list[_Town]] = {}
        self.scores: dict[tuple[PlaceLike, str | None], tuple[float, int, bool]] = {}
        self.fellows: dict[tuple[PlaceLike, str | None], int] = {}
        self.unit_towns: dict[tuple[str, str] | None, list[_Town]] = {}
        self.unit_bands: dict[tuple[str, str], tuple[list[float], list[_Town]]] = {}
        for pos, (key, other) in enumerate(entries):
            self.key_sizes[key] = self.key_sizes.get(key, 0) + 1
            lat, lon = other.latitude, other.longitude
            is_city = other.feature == "city"
            if other.country:
                self.countries[other.country] = self.countries.get(other.country, 0) + 1
                mine = self.key_countries.setdefault(key, {})
                mine[other.country] = mine.get(other.country, 0) + 1
            if other.feature == "country":
                continue
            unit = (other.country, other.admin1) if other.admin1 is not None else None
            if unit is not None:
                self.by_unit.setdefault(unit, []).append(pos)
                self.unit_towns.setdefault(unit, [])
            if is_city:
                town = self.towns[pos] = (pos, key, lon, math.radians(lat))
                if unit is not None:
                    self.unit_towns[unit].append(town)
        # How towns_near finds the towns within reach: by latitude among a few
        # (an article's), by grid cell among many.
        self.by_lat: list[_Town] = []
        self.lats: list[float] = []
        if len(self.towns) <= _FEW_TOWNS:
            self.by_lat = sorted(self.towns.values(), key=lambda t: t[3])
            self.lats = [t[3] for t in self.by_lat]
        else:
            for pos in self.towns:
                at = self.places[pos]
                self.by_cell.setdefault(_cell(at.latitude, at.longitude), []).append(pos)

    def unit_band(self, unit: tuple[str, str], p1: float, half: float) -> list[_Town]:
        """The towns of an admin-1 whose latitude lies within half of p1
        (radians): two bisections among its towns sorted by latitude, which
        are made on first use (most units are never asked)."""
        band = self.unit_bands.get(unit)
        if band is None:
            towns = sorted(self.unit_towns.get(unit, ()), key=lambda t: t[3])
            band = self.unit_bands[unit] = ([t[3] for t in towns], towns)
        lats, towns = band
        lo = bisect.bisect_left(lats, p1 - half)
        return towns[lo : bisect.bisect_right(lats, p1 + half, lo)]

    def towns_near(self, lat: float, lon: float) -> list[_Town]:
        """The towns that may lie within REGIONAL_KM of a point, in list order.

        With few towns (an article's), those in the band of latitude it can
        reach (two bisections); with many, those of the point's cell and its
        neighbours, shared by every candidate in that cell. Either list holds
        every town within reach, and the towns further away give nothing, so
        both score the same.
        """
        if len(self.towns) <= _FEW_TOWNS:
            p = math.radians(lat)
            lo = bisect.bisect_left(self.lats, p - _BAND_RAD)
            hi = bisect.bisect_right(self.lats, p + _BAND_RAD, lo)
            return sorted(self.by_lat[lo:hi]) if hi - lo > 1 else self.by_lat[lo:hi]
        cell = _cell(lat, lon)
        hit = self.nearby_cache.get(cell)
        if hit is None:
            found: list[int] = []
            a, b, c = cell
            for da, db, dc in _NEIGHBOURS:
                found.extend(self.by_cell.get((a + da, b + db, c + dc), ()))
            towns = self.towns
            hit = self.nearby_cache[cell] = [towns[pos] for pos in sorted(found)]
        return hit


# No town further apart in latitude than this is within REGIONAL_KM (the
# great-circle distance is at least the difference in latitude); with a margin.
_MAX_DLAT_RAD = REGIONAL_KM / EARTH_RADIUS_KM * 1.001
# The band towns_near takes: wider still, so that rounding cannot leave out a
# town the distance loop's own test would keep.
_BAND_RAD = _MAX_DLAT_RAD * 1.001
# The same for NEAR_KM: the band _near_in_unit reads.
_NEAR_BAND_RAD = NEAR_KM / EARTH_RADIUS_KM * 1.002
# What a town of the same admin-1 gives over either alone: within NEAR_KM, by
# far the strongest agreement a place can give ("Novofedorivka near Saky" in
# Crimea, not its namesake in Kherson oblast); within REGIONAL_KM, a little.
NEAR_IN_ADMIN1 = 0.75
REGIONAL_IN_ADMIN1 = 0.25
# A town of the same admin-1 within REGIONAL_KM; within NEAR_KM, the most any
# place gives.
_TOP_POINTS = max(SAME_ADMIN1, REGIONAL_POINTS) + REGIONAL_IN_ADMIN1
_TOP_NEAR = max(SAME_ADMIN1, NEAR_POINTS) + NEAR_IN_ADMIN1
# The most weak context can give: the best agreement plus the same country, weakened.
_WEAK_CEILING = (_TOP_NEAR + SAME_COUNTRY) * WEAK_CONTEXT
# An admin unit can get more from weak context: CONTAINS_TOWNS.
_WEAK_CEILING_UNIT = (max(_TOP_NEAR, CONTAINS_TOWNS) + SAME_COUNTRY) * WEAK_CONTEXT


class Context(Sequence[PlaceLike]):
    """The other places of a text as the resolver sees them, minus those of one name.

    Behaves as the plain sequence it stands for (same places, same order), but
    ``decide`` scores a candidate against it through a shared index, and making
    one per name costs nothing: the index is built once per pass over a text.
    """

    __slots__ = ("_exclude", "_index", "_items")

    def __init__(self, index: _ContextIndex, exclude: str | None = None) -> None:
        self._index = index
        self._exclude = exclude
        self._items: list[PlaceLike] | None = None

    @classmethod
    def build(cls, entries: Sequence[tuple[str, PlaceLike]]) -> Context:
        """Index (name key, place) pairs once; ``without`` then views it per name."""
        return cls(_ContextIndex(entries))

    def without(self, key: str) -> Context:
        """The same places except those filed under key."""
        return Context(self._index, key)

    def _list(self) -> list[PlaceLike]:
        if self._items is None:
            ix, ex = self._index, self._exclude
            self._items = [p for k, p in zip(ix.keys, ix.places, strict=True) if k != ex]
        return self._items

    def __len__(self) -> int:
        ix = self._index
        return len(ix.places) - (ix.key_sizes.get(self._exclude, 0) if self._exclude else 0)

    @overload
    def __getitem__(self, i: int) -> PlaceLike: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[PlaceLike]: ...
    def __getitem__(self, i: int | slice) -> PlaceLike | Sequence[PlaceLike]:
        return self._list()[i]

    def __iter__(self) -> Iterator[PlaceLike]:
        return iter(self._list())

    def points(self, place: PlaceLike) -> tuple[float, str]:
        """``_context_points`` over this context, from the few places that can agree."""
        best, win, same = self.score(place)
        return best, self.reason(place, win, same)

    def reason(self, place: PlaceLike, win: int, same_country: bool) -> str:
        """Why ``score`` gave its points: the agreeing place, else the country."""
        why = _agreement(place, self._index.places[win])[1] if win >= 0 else ""
        if same_country:
            why = why or f"in {place.country} like the other places"
        return why

    def score(self, place: PlaceLike) -> tuple[float, int, bool]:
        """The points of ``_context_points`` without their reason: the points, the
        position of the place that gave them (the first to reach the best, as
        the plain loop would name it; -1 for none) and whether the same-country
        bonus was added. ``reason`` words them, for the one candidate that needs it.

        Kept per candidate and excluded name: a pass over a long text scores the
        same candidate for several clues of its name (about half the calls).
        """
        pts, (_, win, same) = self.scored(place)
        return pts, win, same

    def scored(self, place: PlaceLike) -> tuple[float, _Why]:
        """``score``'s points, and their reason as ``_word`` words it: (this
        context, winner, same country)."""
        memo = (place, self._exclude)
        hit = self._index.scores.get(memo)
        if hit is None:
            hit = self._index.scores[memo] = self._score(place)
        return hit[0], (self, hit[1], hit[2])

    def _near_in_unit(
        self, unit: tuple[str, str], after: int, p1: float, cos_p1: float, lon: float
    ) -> int:
        """The first town of unit (in list order) after position `after` within
        NEAR_KM of a point at latitude p1 (radians), or -1: read among the unit's
        towns in the band of latitude NEAR_KM can reach (two bisections)."""
        ex = self._exclude
        found = -1
        for pos, key, o_lon, p2 in self._index.unit_band(unit, p1, _NEAR_BAND_RAD):
            if pos <= after or key == ex or (found >= 0 and pos >= found):
                continue
            dp = p2 - p1
            dl = math.radians(o_lon - lon)
            a = math.sin(dp / 2) ** 2 + cos_p1 * math.cos(p2) * math.sin(dl / 2) ** 2
            if 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a))) <= NEAR_KM:
                found = pos
        return found

    def fellow_towns(self, place: PlaceLike) -> int:
        """``_fellow_towns`` over this context: read among the towns of place's
        admin-1 in the band of latitude REGIONAL_KM can reach (two bisections),
        and kept per candidate and excluded name as the scores are."""
        if place.admin1 is None:
            return 0
        memo = (place, self._exclude)
        n = self._index.fellows.get(memo)
        if n is None:
            n = self._index.fellows[memo] = self._count_fellows(place, place.admin1)
        return n

    def _count_fellows(self, place: PlaceLike, admin1: str) -> int:
        lon = place.longitude
        p1 = math.radians(place.latitude)
        cos_p1 = math.cos(p1)
        ex = self._exclude
        n = 0
        for _, key, o_lon, p2 in self._index.unit_band((place.country, admin1), p1, _BAND_RAD):
            if key == ex:
                continue
            dp = p2 - p1
            dl = math.radians(o_lon - lon)
            a = math.sin(dp / 2) ** 2 + cos_p1 * math.cos(p2) * math.sin(dl / 2) ** 2
            if 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a))) <= REGIONAL_KM:
                n += 1
                if n > BREADTH_MAX_TOWNS:
                    break  # as many as _with_breadth reads
        return n

    def _score(self, place: PlaceLike) -> tuple[float, int, bool]:
        """``score`` computed: the loop repeats ``_agreement``'s arithmetic (same
        operations, so the same floats) over the few places that can agree."""
        ix, ex = self._index, self._exclude
        country, admin1 = place.country, place.admin1
        best = 0.0
        win = -1
        unit = (country, admin1) if admin1 is not None else None
        # A town inside an admin unit gives it CONTAINS_TOWNS; otherwise any place
        # of the same admin-1 gives SAME_ADMIN1: the first one names it.
        if unit is not None and place.feature == "admin1":
            for pos, key, _, _ in ix.unit_towns.get(unit, ()):
                if key != ex:
                    best, win = CONTAINS_TOWNS, pos
                    break
        if unit is not None and win < 0:
            for pos in ix.by_unit.get(unit, ()):
                if ix.keys[pos] != ex:
                    best, win = SAME_ADMIN1, pos
                    break
        if place.feature == "city" and ix.towns:
            lat1, lon1 = place.latitude, place.longitude
            p1 = math.radians(lat1)
            cos_p1 = math.cos(p1)
            if win >= 0 and unit is not None:
                # A town of the same admin-1: within NEAR_KM the most a place
                # gives (_TOP_NEAR), else within REGIONAL_KM _TOP_POINTS; the first
                # such town in the list names each.
                for pos, key, o_lon, p2 in ix.unit_towns[unit]:
                    dp = p2 - p1
                    if dp > _MAX_DLAT_RAD or dp < -_MAX_DLAT_RAD or key == ex:
                        continue
                    dl = math.radians(o_lon - lon1)
                    a = math.sin(dp / 2) ** 2 + cos_p1 * math.cos(p2) * math.sin(dl / 2) ** 2
                    d = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
                    if d <= NEAR_KM:
                        best, win = _TOP_NEAR, pos
                        break
                    if d <= REGIONAL_KM:
                        best, win = _TOP_POINTS, pos
                        # A town of the unit within NEAR_KM may come later in the
                        # list: it lies in the unit's narrow band of latitude.
                        near = self._near_in_unit(unit, pos, p1, cos_p1, lon1)
                        if near >= 0:
                            best, win = _TOP_NEAR, near
                        break
            if best < _TOP_POINTS:
                # Distance alone, from towns of other admin-1s (those of this one
                # are all further than REGIONAL_KM): NEAR_POINTS, else
                # REGIONAL_POINTS, named by the first town (in list order) to give it.
                for pos, key, o_lon, p2 in ix.towns_near(lat1, lon1):
                    if best >= NEAR_POINTS and pos > win:
                        break
                    dp = p2 - p1
                    if dp > _MAX_DLAT_RAD or dp < -_MAX_DLAT_RAD or key == ex:
                        continue
                    dl = math.radians(o_lon - lon1)
                    a = math.sin(dp / 2) ** 2 + cos_p1 * math.cos(p2) * math.sin(dl / 2) ** 2
                    d = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
                    if d <= NEAR_KM:
                        best, win = NEAR_POINTS, pos
                        break
                    if d <= REGIONAL_KM and best < REGIONAL_POINTS:
                        best, win = REGIONAL_POINTS, pos
        total = ix.countries.get(country, 0)
        if ex is not None:
            total -= ix.key_countries.get(ex, {}).get(country, 0)
        same = total > 0 and bool(country)
        if same:
            best += SAME_COUNTRY
        return best, win, same


# How decide words a candidate's context points once it needs to: a reason
# already worded, a Context's (context, winner, same country), weak context
# that beat the full one ("weak", full, weak), or either with the fellow towns
# that settled a close call ("breadth", why, towns).
_Why = Any


def _points_by(context: Sequence[PlaceLike]) -> Callable[[PlaceLike], tuple[float, _Why]]:
    """How ``decide`` scores candidates against a context, chosen once per
    decision: ``_context_points`` with the reason left unworded where that is
    cheaper (a Context's index), else the plain loop."""
    if isinstance(context, Context):
        return context.scored
    if not context:
        return _no_points
    return functools.partial(_context_points, context=context)


def _no_points(place: PlaceLike) -> tuple[float, _Why]:
    return 0.0, ""


def _word(place: PlaceLike, why: _Why) -> str:
    """The reason of ``_points_by``'s scorer, worded."""
    if isinstance(why, str):
        return why
    if why[0] == "breadth":
        first = _word(place, why[1])
        more = "" if why[2] <= BREADTH_MAX_TOWNS else " or more"
        fellows = f"{why[2]}{more} towns of the text in its admin-1 nearby"
        return f"{first}; {fellows}" if first else fellows
    if why[0] == "weak":
        full = _word(place, why[1])
        return full or f"fits the text's other names ({_word(place, why[2])})"
    context, win, same = why
    return str(context.reason(place, win, same))


def decide(query: str, candidates: Sequence[PlaceLike], ev: Evidence) -> Decision:
    """Pick one candidate, or abstain, from the evidence; see the module docstring.

    The hard filters (cue, parent, anchor) alone decide which candidates are
    ranked; when they leave one, it is chosen without reading the context, so
    a decision ranking a single candidate stands whatever the context.
    """
    if not candidates:
        return Decision(None, (), 0.0, None, f"no place called {quoted(query)} in the gazetteer")
    pool = list(range(len(candidates)))
    hard: list[str] = []

    if ev.cue == "admin":
        kept = [i for i in pool if candidates[i].feature in ("admin1", "region")]
        if kept:
            # "the Sofia region": a big town's region is meant where its
            # country has no unit of the name (Bulgaria's is "Sofiya"), so the
            # town stays beside the units (Sofia in Madagascar) to be weighed.
            # Not for a state's abbreviation ("Va."): the town must be named in it.
            has_unit = {candidates[i].country for i in kept}
            written = fold(query)
            pool = kept + [
                i
                for i in pool
                if candidates[i].feature == "city"
                and candidates[i].population >= REGION_TOWN_POPULATION
                and candidates[i].country not in has_unit
                and fold(candidates[i].name) in written
            ]
            hard.append("named as a region")
    elif ev.cue == "unit":
        # After a dateline's town ("MIDDELBURG, Mpumalanga —"): a state,
        # province or country, not a town.
        kept = [i for i in pool if candidates[i].feature != "city"]
        if kept:
            pool = kept
    elif ev.cue == "city" or ev.cue == "village":
        kept = [i for i in pool if candidates[i].feature == "city"]
        if kept and ev.cue == "village":
            small = [i for i in kept if candidates[i].population < VILLAGE_MAX_POPULATION]
            kept = small or kept
        if kept:
            pool = kept
            hard.append(f"named as a {'village' if ev.cue == 'village' else 'town'}")
    # A country has no parent: "Uzbekistan, Tajikistan and Kyrgyzstan" is a
    # list. But a unit after a name that is also a town of it is the town's:
    # "PALESTINE, Texas".
    if ev.parent is not None and ev.parent.feature in ("country", "admin1", "region"):
        parent = ev.parent
        inside = [i for i in pool if _within(candidates[i], parent)]
        if not any(candidates[i].feature == "country" for i in pool) or (
            inside and parent.feature != "country"
        ):
            pool = inside
            hard.append(f"inside {parent.name}")
    if ev.anchor is not None:
        anchor = ev.anchor
        stated = ev.distance_km
        pool = [i for i in pool if _in_direction(candidates[i], anchor, ev.direction, stated)]
        if stated is not None and len(pool) > 1:
            close = [i for i in pool if _close_to_stated(candidates[i], anchor, stated)]
            pool = close or pool
        hard.append(f"{_how_far(ev.direction, stated)} {anchor.name}")
    elif ev.towns and (ev.direction is not None or ev.distance_km is not None):
        # "Verbivka, just north of the town", "Oleksandrivka, a settlement 15
        # km upriver": the town is one named before, which the text leaves to
        # the reader; only a namesake that lies so from one of them fits. If
        # none does, the clue is not read.
        stated = ev.distance_km
        fits = [
            i
            for i in pool
            if any(_in_direction(candidates[i], t, ev.direction, stated) for t in ev.towns)
        ]
        if fits:
            pool = fits
            hard.append(f"{_how_far(ev.direction, stated)} a town named before it")
    if not pool:
        return Decision(
            None,
            (),
            0.0,
            None,
            f"abstained: no {quoted(query)} fits the text's explicit clue ({'; '.join(hard)})",
        )

    countries = {candidates[i].country for i in pool if candidates[i].feature == "country"}
    if countries and len(pool) > 1:
        # A country's bare name means the country, not a town of it known by
        # that name too ("Mexico" is not Mexico City, "Kuwait" not Kuwait City),
        # even where the text names that town as well.
        spelt = fold(query)
        pool = [
            i
            for i in pool
            if not (
                candidates[i].feature == "city"
                and candidates[i].country in countries
                and fold(candidates[i].name) != spelt
            )
        ]
    if ev.cue is None and any(candidates[i].feature == "admin1" for i in pool):
        # A bare name shared by a town and the unit around it means the town
        # ("New York", "Kyiv"); the unit needs a cue such as "region". Only a
        # town of some weight in its unit: "Maryland" is the state, not
        # Maryland City (16,000), and "Minnesota" not Minneota.
        town_units: dict[tuple[str, str | None], int] = {}
        for i in pool:
            c = candidates[i]
            if c.feature == "city":
                unit = (c.country, c.admin1)
                town_units[unit] = max(town_units.get(unit, 0), c.population)
        pool = [
            i
            for i in pool
            if not (
                candidates[i].feature == "admin1"
                and town_units.get((candidates[i].country, candidates[i].admin1), -1)
                >= candidates[i].population * TOWN_SHARE_OF_UNIT
            )
        ]

    if not query.isascii() and len(pool) > 1:
        # "Münster" as written is the German town, not Munster in Ireland: where
        # a candidate bears the name with its accents, a namesake spelt plain
        # (an ASCII-only name, as GeoNames gives admin-1 units) is not meant.
        spelt = query.casefold()
        if any(candidates[i].name.casefold() == spelt for i in pool):
            pool = [i for i in pool if not candidates[i].name.isascii()]
    basis = "; ".join(hard) if hard else ""
    if len(pool) == 1 and not hard and _weak_claim(candidates, pool[0], ev):
        # A small town known by this name only as an unlike alternate ("James"
        # for Gray, Louisiana; "Yermak" for Aksu) is more likely a person or a
        # thing of that name: it needs a fellow place of the text to be drawn.
        top = pool[0]
        place = candidates[top]
        pts, why = _points_by(ev.context)(place)
        if pts <= 0.0:
            return Decision(
                None,
                (top,),
                0.0,
                None,
                f"abstained: {quoted(query)} is only another name of {_label(place)}, "
                "and nothing else in the text is near it or in its country",
            )
        reason = f"another name of {place.name}; {_word(place, why)}"
        return Decision(top, (top,), 0.75, precision(place, ev.near), reason)
    if len(pool) == 1:
        # The one candidate left wins whatever the context says: nothing to score
        # (most names of a long text have a single candidate).
        top = pool[0]
        reason = f"only candidate{' ' + basis if basis else ''}"
        score = 0.95 if hard else 0.85
        return Decision(top, (top,), score, precision(candidates[top], ev.near), reason)
    scored: list[tuple[float, int, _Why]] = []
    capitals, alternates, priors = ev.capitals, ev.alternates, ev.priors
    points = _points_by(ev.context)
    # Asked once, not per place.
    weak_points = _points_by(ev.weak_context) if len(ev.weak_context) else None
    for i in pool:
        place = candidates[i]
        pts, why = points(place)
        # Weak context counts only when it beats the full context, which it
        # cannot once pts reaches its ceiling: then it is not worth scoring.
        ceiling = _WEAK_CEILING_UNIT if place.feature == "admin1" else _WEAK_CEILING
        if weak_points is not None and pts < ceiling:
            weak, weak_why = weak_points(place)
            if weak * WEAK_CONTEXT > pts:
                pts, why = weak * WEAK_CONTEXT, ("weak", why, weak_why)
        base = priors[i] if priors else prior(place, i in capitals, i in alternates)
        scored.append((base + pts, i, why))
    scored.sort(key=lambda s: -s[0])
    if (
        len(scored) > 1
        and scored[0][0] - scored[1][0] < MARGIN + _MOST_BREADTH
        and len(ev.context) > 1
    ):
        scored = _with_breadth(scored, candidates, ev.context)
    ranked = tuple(i for _, i, _ in scored)
    top_score, top, top_why = scored[0]
    place = candidates[top]
    # The runner-up is the best candidate that is not the top one again:
    # GeoNames files some towns twice a few km apart (Lexington and
    # Lexington-Fayette, Kentucky), and choosing between those is no choice.
    second = next((s for s in scored[1:] if not _same_town(place, candidates[s[1]])), None)
    if second is None:
        parts = [p for p in (basis, _word(place, top_why)) if p]
        parts.append(f"its namesakes lie within {SAME_TOWN_KM:g} km of it")
        return Decision(top, ranked, 0.85, precision(place, ev.near), "; ".join(parts))
    margin = top_score - second[0]
    runner = candidates[second[1]]
    if margin < MARGIN:
        return Decision(
            None,
            ranked,
            round(0.5 * max(margin, 0.0) / MARGIN, 2),
            None,
            f"abstained: {len(scored)} places called {quoted(query)} and nothing in the text "
            f"decides between {_label(place)} and {_label(runner)}",
        )
    # Worded only now: an abstention does not say why the top candidate led.
    parts = [p for p in (basis, _word(place, top_why)) if p]
    if not parts:
        parts.append(f"far more prominent than {_label(runner)}")
    score = min(0.95, 0.6 + 0.15 * min(margin, 2.0) + (0.05 if hard else 0.0))
    return Decision(top, ranked, round(score, 2), precision(place, ev.near), "; ".join(parts))


def _with_breadth(
    scored: list[tuple[float, int, _Why]],
    candidates: Sequence[PlaceLike],
    context: Sequence[PlaceLike],
) -> list[tuple[float, int, _Why]]:
    """A close call's scores with each town candidate's BREADTH points (see
    there), sorted again; the reason of a candidate that gets some says so.
    Only the candidates that could then lead or come within MARGIN of the
    leader are read: the others stay below it by more than MARGIN anyway."""
    out = []
    floor = scored[0][0] - MARGIN - _MOST_BREADTH
    for pts, i, why in scored:
        place = candidates[i]
        if pts >= floor and place.feature == "city" and place.admin1 is not None:
            fellows = _fellow_towns(place, context)
            if fellows > 1:
                pts += BREADTH * min(fellows - 1, BREADTH_MAX_TOWNS)
                why = ("breadth", why, fellows)
        out.append((pts, i, why))
    out.sort(key=lambda s: -s[0])
    return out


def _fellow_towns(place: PlaceLike, context: Sequence[PlaceLike]) -> int:
    """How many towns of context lie in place's admin-1 within REGIONAL_KM of it."""
    if isinstance(context, Context):
        return context.fellow_towns(place)
    unit = (place.country, place.admin1)
    lat, lon = place.latitude, place.longitude
    n = sum(
        1
        for o in context
        if o.feature == "city"
        and o.admin1 == unit[1]
        and o.country == unit[0]
        and haversine_km(lat, lon, o.latitude, o.longitude) <= REGIONAL_KM
    )
    return min(n, BREADTH_MAX_TOWNS + 1)  # as many as _with_breadth reads


# A namesake within BESIDE_KM of a town named in the same sentence, when every
# other lies at least APART_KM from each town of it, is the one meant: "the
# defenders of Bakhmut were holding Opytne, a village on the city's southern
# edge" (4 km; the other Opytne is 59 km off).
BESIDE_KM, APART_KM = 15.0, 45.0


def _distances(place: PlaceLike, towns: Sequence[PlaceLike]) -> list[float]:
    """The distances from place to each of towns, in km."""
    return [haversine_km(place.latitude, place.longitude, t.latitude, t.longitude) for t in towns]


def beside_a_town(
    candidates: Sequence[PlaceLike], towns: Sequence[PlaceLike]
) -> tuple[int, PlaceLike, float] | None:
    """The one of the first two candidates (the two the scores could not part)
    that is a town within BESIDE_KM of one of towns, while every other
    candidate lies at least APART_KM from all of them and all of towns lie
    within REGIONAL_KM of it: its index, the town beside it and the distance;
    else None."""

    found: tuple[int, PlaceLike, float] | None = None
    found_km: list[float] = []
    for i, place in enumerate(candidates[:2]):
        if place.feature != "city":
            return None
        km = _distances(place, towns)
        nearest = min(km)
        if nearest <= BESIDE_KM:
            if found is not None:
                return None
            found, found_km = (i, towns[km.index(nearest)], nearest), km
    if found is None:
        return None
    for i, place in enumerate(candidates):
        if i != found[0] and (place.feature != "city" or min(_distances(place, towns)) < APART_KM):
            return None
    # Only in a sentence about one area: "firefighters from Perth, Dundee and
    # Stirling" is no reason to draw Stirling beside Perth, Australia.
    return found if max(found_km) <= REGIONAL_KM else None


# Of the two namesakes the scores could not part, the one within REGIONAL_KM
# of every town listed with it ("crews from Tyler, Athens and Jacksonville")
# is the one meant when the other lies at least LIST_APART_KM from each of
# them, and so is the one within NEAR_KM of every town listed with it when the
# other lies at least LIST_APART_NEAR_KM from each ("over Bratske and
# Voznesensk": 38 km against 148 km): a list of towns names one area.
LIST_APART_KM = 300.0
LIST_APART_NEAR_KM = 120.0


def among_listed(
    candidates: Sequence[PlaceLike], listed: Sequence[PlaceLike]
) -> tuple[int, str] | None:
    """Which of the first two candidates the places listed with them point to,
    and why: a town near all the listed towns (see LIST_APART_KM) or, where
    every listed place is a unit or a country, the one candidate of that kind
    ("crews from Arizona and Nevada" are states); else None."""
    if len(candidates) < 2:
        return None
    pair = candidates[:2]
    towns = [p for p in listed if p.feature == "city"]
    if not towns:
        kinds = {(p.feature, p.country if p.feature == "admin1" else "") for p in listed}
        if len(kinds) != 1:
            return None
        ((feature, country),) = kinds
        fits = [
            i
            for i, p in enumerate(pair)
            if p.feature == feature and (not country or p.country == country)
        ]
        what = "states or provinces" if feature == "admin1" else f"{feature} names"
        return (fits[0], f"listed with other {what}") if len(fits) == 1 else None
    km = [_distances(p, towns) for p in pair]
    for reach, apart in ((REGIONAL_KM, LIST_APART_KM), (NEAR_KM, LIST_APART_NEAR_KM)):
        for i in (0, 1):
            if pair[i].feature == "city" and max(km[i]) <= reach and min(km[1 - i]) >= apart:
                return i, f"within {max(km[i]):.0f} km of every town listed with it"
    return None


SAME_TOWN_KM = 10.0
# The largest place "the village of X" may name.
VILLAGE_MAX_POPULATION = 50_000


def _same_town(a: PlaceLike, b: PlaceLike) -> bool:
    """Two towns of one admin-1 within SAME_TOWN_KM: one place filed twice."""
    return (
        a.feature == "city"
        and b.feature == "city"
        and a.country == b.country
        and a.admin1 == b.admin1
        and haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) <= SAME_TOWN_KM
    )


# Below this population, a town named only by an unlike alternate name needs
# support from the text (see decide); renamed towns of the size of Bakhmut
# ("Artemivsk", 73,000) do not.
WEAK_CLAIM_POPULATION = 50_000


def _weak_claim(candidates: Sequence[PlaceLike], i: int, ev: Evidence) -> bool:
    """Whether candidate i is a small town matched only by an unlike alternate."""
    place = candidates[i]
    return (
        i in ev.alternates and place.feature == "city" and place.population < WEAK_CLAIM_POPULATION
    )


def precision(place: PlaceLike, near: bool) -> int:
    """ACLED geo_precision of a mention drawn at place: 1 the town itself, 2
    near it ("near Kharkiv"), 3 only a region or country."""
    if place.feature != "city":
        return 3
    return 2 if near else 1


def _label(place: PlaceLike) -> str:
    admin1 = getattr(place, "admin1_name", place.admin1)
    where = ", ".join(p for p in (admin1, place.country) if p)
    return f"{place.name} ({where}, pop. {place.population:,})" if where else place.name
