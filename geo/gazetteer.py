"""The offline gazetteer: names in, places (or an honest abstention) out.

``Gazetteer.open()`` opens the cached SQLite index (building it on first use,
see geo.index), ``candidates`` lists every place a name may mean,
``geocode`` chooses one from the evidence of a text, and ``places`` finds and
resolves every place mention in a text. Demonyms ("Russian") are recognised
so that they are not mistaken for places, but they are never returned as
mentions.
"""

from __future__ import annotations

import bisect
import dataclasses
import gc
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any

from geo import index as idx
from geo import recognize, resolve
from geo.errors import GazetteerError
from geo.names import fold, quoted, unlike

MAX_ALTERNATIVES = 25
# The smallest town that initials may name ("LA", "NYC"; not Elne for "ELN").
INITIALS_MIN_POPULATION = 1_000_000
# The smallest town that may stand for its government before "said" ("Donetsk
# said"); a smaller one is a person's name ("Stoltenberg said", not the village).
SPEAKER_MIN_POPULATION = 100_000
_WORDS_AHEAD = re.compile(r"\s*([A-Za-z]+)?(?:\s+([A-Za-z]+))?")
# Words that cannot be the noun a modifier such as "US" qualifies: after "the
# US", each says "US" is the country itself ("the US has", "the UK rose").
_NO_HEAD = frozenset([
    "has", "have", "had", "is", "was", "were", "are", "will", "would", "could", "should", "can",
    "may", "might", "must", "did", "does", "do", "said", "says", "say", "rose", "fell", "grew",
    "agreed", "announced", "warned", "also", "still", "now", "again", "already", "then",
    "itself", "on", "in", "at", "for", "from", "to", "by", "with", "since", "after", "before",
    "until", "during", "over", "under", "into", "as", "than", "but", "where", "which", "who",
    "whose", "that", "because", "while", "when", "if", "so", "this", "last", "next", "earlier",
    "later", "yet",
])  # fmt: skip
# Countries named after a river whose name takes no "the": "the Niger" standing
# bare is the river ("where the Bani river meets the Niger"), not the country
# nor Nigeria's Niger state. ("The Gambia" and "the Congo" are countries so
# written.)
_RIVERS_NAMING_COUNTRIES = frozenset(["niger", "jordan", "senegal", "paraguay", "uruguay"])
_CACHE_LIMIT = 100_000
_OPEN_OPTIONS = 3


@dataclass(frozen=True)
class Place:
    """One place of the gazetteer."""

    geonameid: int | None
    name: str
    latitude: float
    longitude: float
    country: str  # ISO 3166 alpha-2; "" for a region spanning several countries
    country_name: str
    admin1: str | None  # admin-1 name where the gazetteer knows it
    feature: str  # "city" | "admin1" | "region" | "country"
    population: int
    radius_km: float  # 0 for towns; extent of an area, for drawing a ring

    def brief(self) -> dict[str, Any]:
        """The fields the CLI shows for an alternative."""
        return {
            "name": self.name,
            "geonameid": self.geonameid,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "country": self.country,
            "admin1": self.admin1,
        }


@dataclass(frozen=True)
class Resolution:
    """The answer for one name: a place, or None with the reason it abstained."""

    query: str
    place: Place | None
    precision: int | None  # ACLED geo_precision 1/2/3
    score: float
    alternatives: tuple[Place, ...]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """CLI contract: null place fields when unresolved."""
        p = self.place
        return {
            "query": self.query,
            "name": p.name if p else None,
            "geonameid": p.geonameid if p else None,
            "latitude": p.latitude if p else None,
            "longitude": p.longitude if p else None,
            "country": p.country if p else None,
            "admin1": p.admin1 if p else None,
            "precision": self.precision,
            "score": self.score,
            "alternatives": [a.brief() for a in self.alternatives],
        }


@dataclass(frozen=True)
class Mention:
    """A place named in a text, with character offsets and its resolution."""

    start: int
    end: int
    text: str
    resolution: Resolution

    def to_dict(self) -> dict[str, Any]:
        """CLI contract for ``places --json``."""
        d = self.resolution.to_dict()
        del d["query"]
        return {"start": self.start, "end": self.end, "text": self.text, **d}


class _Row:
    """A candidate as the resolver sees it: admin1 is a code, unique per country.

    The place's fields are copied onto the row (plain slots, not properties):
    the resolver reads them hundreds of thousands of times over a long text.
    """

    __slots__ = (
        "admin1",
        "admin1_code",
        "admin1_name",
        "alternate",
        "capital",
        "country",
        "feature",
        "latitude",
        "longitude",
        "name",
        "pid",
        "place",
        "population",
        "prior",
        "radius_km",
    )

    def __init__(
        self,
        pid: int,
        place: Place,
        admin1_code: str | None,
        capital: bool,
        alternate: bool = False,  # found only by a GeoNames alternate name unlike its own
    ) -> None:
        self.pid = pid
        self.place = place
        self.admin1_code = self.admin1 = admin1_code
        self.capital = capital
        self.alternate = alternate
        self.name = place.name
        self.latitude = place.latitude
        self.longitude = place.longitude
        self.country = place.country
        self.admin1_name = place.admin1
        self.feature = place.feature
        self.population = place.population
        self.radius_km = place.radius_km
        # Its prominence before any evidence: the order of a name's candidates,
        # and the base of every score it gets.
        self.prior = resolve.prior(self, capital, alternate)

    def __repr__(self) -> str:
        return f"_Row({self.pid}, {self.place!r}, {self.admin1_code!r}, {self.capital})"


_NO_EVIDENCE = resolve.Evidence()  # immutable: one shared by every mention before its pass


class _Resolved:
    """Working state of one recognised mention while a text is resolved (a plain
    class with slots: one per mention, quicker to make than a dataclass)."""

    __slots__ = ("decision", "evidence", "found", "hard", "inherited", "local", "rows")

    def __init__(self, found: recognize.Found, rows: list[_Row]) -> None:
        self.found = found
        self.rows = rows
        self.decision: resolve.Decision | None = None
        self.hard = False  # decided with a parent or an anchor
        self.local = False  # settled by the towns listed with it or of its sentence
        self.inherited: str | None = None
        self.evidence: resolve.Evidence = _NO_EVIDENCE

    @property
    def chosen(self) -> _Row | None:
        d = self.decision
        return self.rows[d.chosen] if d is not None and d.chosen is not None else None


# A name's candidates with the indexes of its national capitals and of those
# matched only by an unlike alternate name, and the prior of each.
_Candidates = tuple[list[_Row], frozenset[int], frozenset[int], tuple[float, ...]]

_SELECT = (
    "SELECT p.pid, p.geonameid, p.name, p.lat, p.lon, p.country, p.admin1, p.feature, "
    "p.population, p.radius, p.capital, n.kind FROM name n JOIN place p ON p.pid = n.pid "
    "WHERE n.key = ?"
)
_SELECT_MANY = (
    "SELECT p.pid, p.geonameid, p.name, p.lat, p.lon, p.country, p.admin1, p.feature, "
    "p.population, p.radius, p.capital, n.kind, n.key FROM name n JOIN place p "
    "ON p.pid = n.pid WHERE n.key IN"
)
_BATCH = 500
_MMAP_BYTES = 256 << 20

_HEAD = "SELECT 1 FROM name WHERE key >= ? AND key < ? LIMIT 1"


class Gazetteer:
    """Read-only view of the place index; cheap to open, safe to share across threads."""

    def __init__(self, con: sqlite3.Connection, path: Path) -> None:
        self._con = con
        self.path = path
        self._admin1 = {(c, code): name for c, code, name in con.execute("SELECT * FROM admin1")}
        self._countries = dict(con.execute("SELECT iso, name FROM country").fetchall())
        self._stops = {k for (k,) in con.execute("SELECT key FROM stop")}
        self._everyday = frozenset(k for (k,) in con.execute("SELECT key FROM everyday"))
        self._demonyms = dict(con.execute("SELECT key, country FROM demonym").fetchall())
        self._kinds: dict[str, recognize.Kind | None] = {}
        self._heads: dict[str, bool] = {}
        # Word-prefixes of the stop words and demonyms of several words (the
        # name table answers for the rest, see _starts).
        self._small_heads = {
            " ".join(words[:n])
            for key in (*self._stops, *self._demonyms)
            for words in [key.split(" ")]
            for n in range(1, len(words))
        }
        self._rows_cache: dict[str, list[tuple[_Row, int]]] = {}
        self._candidate_cache: dict[tuple[str, str | None], _Candidates] = {}
        self._firsts: dict[tuple[str, str, str | None, bool], _Verdict] = {}
        self._words: dict[str, recognize.WordInfo] = {}  # see recognize.find
        # Keys the index surely lacks, without a query (see idx.FILTER_BITS).
        self._filter: bytes = con.execute("SELECT bits FROM keyfilter").fetchone()[0]

    # --- opening -------------------------------------------------------------

    @classmethod
    def open(cls, cache_dir: Path | None = None, *, build: bool = True) -> Gazetteer:
        """Open the index in cache_dir (default: NEWSMAP_CACHE_DIR or ~/.cache/newsmap),
        building it first if it is missing or was made from other sources.

        With ``build=False`` (read-only hosting) nothing is written: a missing
        index is a GazetteerError instead.
        """
        if not build:
            path = idx.index_path(cache_dir)
            if not path.exists():
                raise GazetteerError(
                    f"no gazetteer index at {path} and building is off (read-only); "
                    "build it beforehand with: python -m geo.index"
                )
            return cls._connect(path)
        path = idx.ensure_index(cache_dir)
        try:
            return cls._connect(path)
        except sqlite3.DatabaseError:
            # A damaged file (disk full, killed copy): rebuild it once.
            path.unlink(missing_ok=True)
            path = idx.ensure_index(cache_dir)
            try:
                return cls._connect(path)
            except sqlite3.DatabaseError as err:
                raise GazetteerError(
                    f"the gazetteer index {path} cannot be read ({err}); delete it and "
                    "run again, or set NEWSMAP_CACHE_DIR to another directory"
                ) from err

    @classmethod
    def _connect(cls, path: Path) -> Gazetteer:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        try:
            # Read the index through memory mapping: random look-ups without a
            # system call each (only the pages touched become resident).
            con.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
            row = con.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone()
            if row is None or row[0] != str(idx.SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"schema {row} is not {idx.SCHEMA_VERSION}")
            return cls(con, path)
        except BaseException:
            con.close()
            raise

    def close(self) -> None:
        """Close the index."""
        self._con.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- look-ups --------------------------------------------------------------

    def _place(self, r: tuple[Any, ...]) -> _Row:
        pid, gid, name, lat, lon, cc, a1, feature, pop, radius, capital = r[:11]
        place = Place(
            geonameid=gid,
            name=name,
            latitude=lat,
            longitude=lon,
            country=cc,
            country_name=self._countries.get(cc, ""),
            admin1=self._admin1.get((cc, a1)) if a1 is not None else None,
            feature=idx.FEATURES[feature],
            population=pop,
            radius_km=radius,
        )
        return _Row(pid, place, a1, bool(capital))

    def _lookup(self, key: str) -> list[tuple[_Row, int]]:
        """Every (place, name kind) filed under a folded key, cached."""
        hit = self._rows_cache.get(key)
        if hit is None:
            hit = self._file(key, self._con.execute(_SELECT, (key,)).fetchall())
        return hit

    def _prefetch(self, keys: Iterable[str]) -> None:
        """Look up many keys at once (a query per _BATCH keys, not one each)."""
        todo = sorted({k for k in keys if k not in self._rows_cache})
        for n in range(0, len(todo), _BATCH):
            chunk = todo[n : n + _BATCH]
            by_key: dict[str, list[tuple[Any, ...]]] = {k: [] for k in chunk}
            marks = ", ".join("?" * len(chunk))
            for r in self._con.execute(f"{_SELECT_MANY} ({marks}) ORDER BY n.key, n.pid", chunk):
                by_key[r[12]].append(r)
            for k, rows in by_key.items():
                self._file(k, rows)

    def _file(self, key: str, rows: list[tuple[Any, ...]]) -> list[tuple[_Row, int]]:
        """Make and cache a key's candidates from its index rows (in pid order)."""
        hit = []
        for r in rows:
            row = self._place(r)
            if r[11] == idx.ALTERNATE and unlike(key, row.place.name):
                row = _Row(row.pid, row.place, row.admin1_code, row.capital, True)
            hit.append((row, r[11]))
        hit.sort(key=lambda rk: -rk[0].prior)
        if len(self._rows_cache) > _CACHE_LIMIT:
            self._rows_cache.clear()
        self._rows_cache[key] = hit
        return hit

    def _rows(self, key: str, cue: str | None) -> list[_Row]:
        """Candidates for a key; names that mean a unit only with a cue need the cue.

        Initials ("CAR", "ELN", "CIA" in running text) name a country, a unit or
        a big city ("UAE", "DC", "LA"), never a small town that happens to be
        spelt so: Elne, Apc or Zia Pueblo would be wrong dots for an acronym.
        A speaker ("Tass reported") is a place only if the name has a country,
        a unit, a capital or a city of SPEAKER_MIN_POPULATION or more among its
        candidates. "The X" standing bare ("across the Dnipro to Oleshky") is a
        river or another feature unless a region, unit or country is so named
        ("the Donbas", "the Gambia"): no town is.
        """
        pairs = self._lookup(key)
        if cue == "admin" or cue == "unit":
            return [r for r, _ in pairs]
        plain = [r for r, kind in pairs if kind < idx.CUE_ONLY]
        rows = plain or [r for r, kind in pairs if kind != idx.CUE_REQUIRED]
        if cue == "initials":
            rows = [
                r for r in rows if r.feature != "city" or r.population >= INITIALS_MIN_POPULATION
            ]
        elif cue == "speaker" and not any(
            r.feature != "city" or r.capital or r.population >= SPEAKER_MIN_POPULATION for r in rows
        ):
            rows = []  # all kept otherwise: dropping the small namesakes would decide
        elif cue == "feature":
            rows = (
                [] if key in _RIVERS_NAMING_COUNTRIES else [r for r in rows if r.feature != "city"]
            )
        return rows

    def _classify(self, key: str) -> recognize.Kind | None:
        try:
            return self._kinds[key]  # one look-up on the hit, the common case
        except KeyError:
            pass
        kind: recognize.Kind | None
        if key in self._stops:
            kind = "stop"
        elif key in self._demonyms:
            kind = "demonym"
        elif (
            self._in_filter(key)
            and self._con.execute("SELECT 1 FROM name WHERE key = ? LIMIT 1", (key,)).fetchone()
        ):
            kind = "place"
        else:
            kind = None
        if len(self._kinds) > _CACHE_LIMIT:
            self._kinds.clear()
        self._kinds[key] = kind
        return kind

    def _in_filter(self, entry: str) -> bool:
        """False when the index has no such key (or no key beginning with entry,
        for a word-prefix and a space), by the index's key filter; True when it
        may have one."""
        slot = idx.filter_slot(entry)
        return bool(self._filter[slot >> 3] >> (slot & 7) & 1)

    def _starts(self, head: str) -> bool:
        """Whether some key of several words begins with head and a space.

        Keys sort " " before every other character they hold, so the keys that
        begin with head + " " are exactly those from head + " " up to head + "!".
        """
        hit = self._heads.get(head)
        if hit is None:
            hit = head in self._small_heads or (
                self._in_filter(head + " ")
                and self._con.execute(_HEAD, (head + " ", head + "!")).fetchone() is not None
            )
            if len(self._heads) > _CACHE_LIMIT:
                self._heads.clear()
            self._heads[head] = hit
        return hit

    def _candidates_of(self, key: str, cue: str | None) -> _Candidates:
        """A name's candidates, the indexes of its capitals and unlike alternate
        names, and their priors: the same for every mention of the name, in
        every text, so made once and shared (read-only)."""
        cands = self._candidate_cache.get((key, cue))
        if cands is None:
            rows = self._rows(key, cue)
            cands = (
                rows,
                _capital_indexes(rows),
                _alternate_indexes(rows),
                tuple(r.prior for r in rows),
            )
            if len(self._candidate_cache) > _CACHE_LIMIT:
                self._candidate_cache.clear()
            self._candidate_cache[(key, cue)] = cands
        return cands

    def _first_verdict(
        self, query: str, plain: tuple[str, str | None, bool], cands: _Candidates
    ) -> _Verdict:
        """The verdict on a name before any context (cue, "near" and prominence
        alone): the same in every text for the same words, so kept. The query
        is part of the key, as the reason quotes it."""
        memo = (query, *plain)
        hit = self._firsts.get(memo)
        if hit is None:
            _, cue, near = plain
            rows, capitals, alternates, priors = cands
            ev = resolve.Evidence(
                cue=cue, near=near, capitals=capitals, alternates=alternates, priors=priors
            )
            hit = (ev, resolve.decide(query, rows, ev))
            if len(self._firsts) > _CACHE_LIMIT:
                self._firsts.clear()
            self._firsts[memo] = hit
        return hit

    def candidates(self, name: str) -> list[Place]:
        """All places known by that name or alias, best-known first.

        "Rivne region" style names list only the admin units and regions.
        """
        base, cue = recognize.parse_query(name)
        rows = self._rows(fold(base), cue)
        if cue == "admin":
            rows = [r for r in rows if r.feature in ("admin1", "region")] or rows
        elif cue == "city" or cue == "village":
            rows = [r for r in rows if r.feature == "city"] or rows
        return [r.place for r in rows]

    def by_id(self, geonameid: int) -> Place | None:
        """The place with that GeoNames id, or None."""
        r = self._con.execute(
            "SELECT pid, geonameid, name, lat, lon, country, admin1, feature, population, "
            "radius, capital FROM place WHERE geonameid = ? ORDER BY feature DESC LIMIT 1",
            (int(geonameid),),
        ).fetchone()
        return self._place(r).place if r else None

    def landmarks(
        self, south: float, west: float, north: float, east: float, limit: int = 40
    ) -> list[Place]:
        """The capitals and largest towns inside a box, for a reader's bearings."""
        rows = self._con.execute(
            "SELECT pid, geonameid, name, lat, lon, country, admin1, feature, population, "
            "radius, capital FROM place WHERE feature = ? AND lat BETWEEN ? AND ? "
            "AND lon BETWEEN ? AND ? ORDER BY capital DESC, population DESC LIMIT ?",
            (idx.CITY, south, north, west, east, int(limit)),
        ).fetchall()
        return [self._place(r).place for r in rows]

    def demonym(self, word: str) -> str | None:
        """ISO country code of a demonym ("Ukrainians" -> "UA"), else None."""
        return self._demonyms.get(fold(word))

    # --- resolving -------------------------------------------------------------

    def geocode(self, name: str, context: str | None = None) -> Resolution:
        """Resolve one name; context (an article's text) supplies the evidence.

        Uses what the context says around the same name ("Trostyanets ...,
        south of Sumy") and the other places it names; abstains (place None)
        when nothing decides between namesakes.
        """
        base, cue = recognize.parse_query(name)
        key = fold(base)
        rows = self._rows(key, cue)
        if not rows:
            country = self._demonyms.get(key)
            of = self._countries.get(country, country)
            reason = (
                f"{quoted(name)} is a demonym of {of}, not a place"
                if country
                else f"no place called {quoted(name)} in the gazetteer"
            )
            return Resolution(name, None, None, 0.0, (), reason)
        ev = resolve.Evidence(
            cue=cue, capitals=_capital_indexes(rows), alternates=_alternate_indexes(rows)
        )
        if context:
            work = self._resolve_text(context)
            same = [w for w in work if w.found.key == key and w.found.kind == "place"]
            local = next((w for w in same if w.evidence.parent or w.evidence.anchor), None)
            others = _context_rows(work, exclude=key)
            ev = resolve.Evidence(
                cue=cue or next((w.found.cue for w in same if w.found.cue), None),
                parent=local.evidence.parent if local else None,
                anchor=local.evidence.anchor if local else None,
                direction=local.evidence.direction if local else None,
                distance_km=local.evidence.distance_km if local else None,
                context=others,
                capitals=ev.capitals,
                alternates=ev.alternates,
            )
        decision = resolve.decide(base, rows, ev)
        return _resolution(name, rows, decision)

    def places(self, text: str) -> list[Mention]:
        """Recognise and resolve every place mention in text, in text order.

        Mentions it cannot resolve are kept with place None (they show in a
        table, not on a map); demonyms are not mentions.
        """
        out = []
        # A name repeated with the same verdict gets the same (immutable)
        # Resolution: ordering its alternatives once per text, not per mention.
        # The decision is keyed by identity: every one stays alive in the work list.
        made: dict[tuple[Any, ...], Resolution] = {}
        with _collector_paused():
            for w in self._resolve_text(text):
                f = w.found
                if f.kind != "place" or w.decision is None:
                    continue
                memo = (f.text, f.key, f.cue, id(w.decision), w.inherited)
                res = made.get(memo)
                if res is None:
                    res = _resolution(f.text, w.rows, w.decision)
                    if w.inherited:
                        res = dataclasses.replace(res, reason=w.inherited)
                    made[memo] = res
                out.append(Mention(f.start, f.end, f.text, res))
        return out

    def _resolve_text(self, text: str) -> list[_Resolved]:
        """Recognise names, then resolve in passes: prominence alone, then with
        the text's clues and other places, then one sense per name per text."""
        if len(self._words) > _CACHE_LIMIT:
            self._words.clear()
        found = recognize.find(text, self._classify, self._starts, self._everyday, self._words)
        work: list[_Resolved] = []
        places: list[_Resolved] = []  # the place mentions with candidates, in text order
        # Each name's candidates (see _candidates_of), held for this text: the
        # shared cache may be cleared while the text is resolved.
        shared: dict[tuple[str, str | None], _Candidates] = {}
        self._prefetch(f.key for f in found if f.kind == "place" or f.key in ("us", "uk"))
        # A mention without a parent or an anchor is decided by its key, cue and
        # "near" alone, in every pass: such mentions (most of a text) are
        # decided as one group, represented by the first of them. The others
        # are decided one by one, as their clues depend on other verdicts.
        groups: dict[tuple[Any, ...], list[_Resolved]] = {}
        group_of: dict[int, tuple[Any, ...]] = {}  # work index -> group
        reps: list[tuple[int, tuple[Any, ...] | None, _Resolved]] = []  # text order
        for k, f in enumerate(found):
            if (
                f.kind == "demonym"
                and f.key in ("us", "uk")
                and _standalone(text, f.end, self._demonyms)
            ):
                f = recognize.Found(f.start, f.end, f.text, f.key, "place", f.cue, f.near)
            if f.kind != "place":
                work.append(_Resolved(f, []))
                continue
            cands = shared.get((f.key, f.cue))
            if cands is None:
                cands = shared[(f.key, f.cue)] = self._candidates_of(f.key, f.cue)
            w = _Resolved(f, cands[0])
            work.append(w)
            if not w.rows:
                continue
            places.append(w)
            if f.parent is None and f.anchor is None and f.direction is None and not f.distance_km:
                gk = (f.key, f.cue, f.near)
                members = groups.get(gk)
                if members is None:
                    groups[gk] = [w]
                    reps.append((k, gk, w))
                else:
                    members.append(w)
                group_of[k] = gk
            else:
                reps.append((k, None, w))
        verdicts: dict[tuple[Any, ...], _Verdict] = {}  # per group, as of the last pass
        first: dict[tuple[Any, ...], _Verdict] = {}
        for _, g, w in reps:
            f = w.found
            plain: tuple[Any, ...] = (f.key, f.cue, f.near)
            if plain not in first:
                first[plain] = self._first_verdict(f.text, plain, shared[(f.key, f.cue)])
            if g is None:
                w.evidence, w.decision = first[plain]
            else:
                verdicts[g] = first[plain]

        # A group left with one candidate by its cue (most names of a long text)
        # and chosen has that verdict in every pass: no context changes it (see
        # resolve.decide), so the passes decide only the others. (A single
        # candidate not chosen without context is a weak claim that context
        # may still support.)
        fixed = {
            g: v for g, v in verdicts.items() if len(v[1].ranked) == 1 and v[1].chosen is not None
        }
        live = [rep for rep in reps if rep[1] not in fixed]
        for _ in range(2):
            states = [
                (w.found.key, w.rows, verdicts[g][1] if g is not None else w.decision)
                for _, g, w in reps
            ]
            # A name settled by a clue ("SYDNEY, N.S.") means that place wherever
            # it recurs (see _one_sense_per_name): its other readings are no context.
            sense = {
                w.found.key: w.rows[w.decision.chosen].pid
                for _, g, w in reps
                if g is None and w.hard and w.decision is not None and w.decision.chosen is not None
            }
            # Indexed once per pass; each name sees it without its own entries.
            resolved = resolve.Context.build(_resolved_places(states, sense))
            open_options = resolve.Context.build(_open_options(states, sense))
            # Repeated names with the same clues get the same answer: decide once.
            decided: dict[tuple[Any, ...], _Verdict] = {}
            now: dict[tuple[Any, ...], _Verdict] = dict(fixed)
            seen = (work, group_of, now, verdicts)
            settled = True  # no verdict changed in this pass
            for k, g, w in live:
                f = w.found
                parent = _chosen_then(seen, f.parent, k) if f.parent is not None else None
                anchor = _chosen_then(seen, f.anchor, k) if f.anchor is not None else None
                if anchor is None and f.anchor is not None:
                    # An anchor left undecided by the context still anchors by
                    # its reading without context: in "Oleksandriya, 15 km
                    # northeast of Rivne" the big Oleksandriya, read first,
                    # made Rivne abstain, which lost the clue that places it.
                    anchor = _first_chosen(work[f.anchor], first)
                if parent is not None and parent.feature == "city":
                    parent = None
                distance = f.distance_km
                if distance and anchor is not None and anchor.feature != "city":
                    # "Vovchansk, 5 km from Russia": a distance from a country,
                    # unit or region is from its border, not from the point the
                    # gazetteer keeps for it. A direction alone is read as before.
                    distance = None
                    if f.direction is None:
                        anchor = None
                # "X, just north of the town", "X, 15 km upriver": any town
                # named before X may be meant.
                towns = (
                    _towns_before(seen, k) if f.anchor is None and (f.direction or distance) else ()
                )
                pointed = anchor is not None or bool(towns)
                memo: tuple[Any, ...] = (
                    f.key,
                    f.cue,
                    f.near,
                    parent.pid if parent else None,
                    anchor.pid if anchor else None,
                    f.direction if pointed else None,
                    distance if pointed else None,
                    tuple([t.pid for t in towns]) if towns else (),
                )
                if memo not in decided:
                    cands = shared[(f.key, f.cue)]
                    ev = resolve.Evidence(
                        cue=f.cue,
                        parent=parent,
                        anchor=anchor,
                        direction=f.direction if pointed else None,
                        distance_km=distance if pointed else None,
                        towns=towns,
                        near=f.near,
                        context=resolved.without(f.key),
                        capitals=cands[1],
                        alternates=cands[2],
                        priors=cands[3],
                        weak_context=open_options.without(f.key),
                    )
                    decided[memo] = (ev, resolve.decide(f.text, w.rows, ev))
                verdict = decided[memo]
                if g is not None:
                    now[g] = verdict
                    settled = settled and verdict[1] == verdicts[g][1]
                else:
                    settled = settled and verdict[1] == w.decision
                    w.evidence, w.decision = verdict
                    w.hard = parent is not None or pointed
            verdicts = now
            if settled:
                break  # a pass that changed no verdict would be repeated as it is
        for gk, members in groups.items():
            ev, d = verdicts[gk]
            for w in members:
                w.evidence, w.decision = ev, d
        _among_listed(text, places)
        _beside_in_sentence(text, places)
        _one_sense_per_name(places)
        return work


_Verdict = tuple[resolve.Evidence, resolve.Decision]
# What a pass has seen so far (see _chosen_then): the mentions, the group of
# each grouped one, this pass's verdicts and the last pass's.
_Seen = tuple[
    Sequence[_Resolved],
    dict[int, tuple[Any, ...]],
    dict[tuple[Any, ...], _Verdict],
    dict[tuple[Any, ...], _Verdict],
]


def _chosen_then(
    seen: _Seen,
    k: int,
    at: int,
) -> _Row | None:
    """What mention k resolved to when mention `at` is decided in a pass: this
    pass's verdict if k comes first in the text, else the last pass's (as a
    walk through the mentions in text order, updating each, would see it)."""
    work, group_of, now, last = seen
    g = group_of.get(k)
    w = work[k]
    d = (now[g] if k < at else last[g])[1] if g is not None else w.decision
    return w.rows[d.chosen] if d is not None and d.chosen is not None else None


def _first_chosen(w: _Resolved, first: Mapping[tuple[Any, ...], _Verdict]) -> _Row | None:
    """What a mention resolved to without context, if anything."""
    f = w.found
    verdict = first.get((f.key, f.cue, f.near))
    d = verdict[1] if verdict is not None else None
    return w.rows[d.chosen] if d is not None and d.chosen is not None else None


def _towns_before(
    seen: _Seen,
    at: int,
) -> tuple[_Row, ...]:
    """The towns the mentions before mention `at` resolved to, once each (see
    _chosen_then): what "the town" after it may refer back to."""
    work = seen[0]
    towns: dict[int, _Row] = {}
    for k in range(at):
        if work[k].rows:
            row = _chosen_then(seen, k, at)
            if row is not None and row.feature == "city":
                towns.setdefault(row.pid, row)
    return tuple(towns.values())


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a text is resolved.

    A long text makes hundreds of thousands of small objects, none of them in a
    cycle, and each full collection walks them all again: about a quarter of
    the time of a 3 MB text. Reference counting still frees them; the collector
    is switched back on (if it was on) at the end, whatever happens.

    The objects still alive then (the mentions, mostly) are handed to the
    oldest generation, as if they had lived through the collections skipped:
    left young, the first collection after this walks all of them (~2% of a
    3 MB text). Not when the process has frozen objects of its own (a forking
    server's), which gc.unfreeze would release.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()  # every tracked object, young ones included, out of the way...
            gc.unfreeze()  # ...and back, into the oldest generation
        if was_on:
            gc.enable()


def _standalone(text: str, end: int, demonyms: Mapping[str, str]) -> bool:
    """True when initials such as "US" at end are not followed by a word they
    may modify: "in the US.", "the UK rose", "the US on Monday", "the US and
    Britain" against "US officials", "U.S.-backed", "US and British warplanes"."""
    if text[end : end + 1] in recognize.HYPHENS:
        return False
    m = _WORDS_AHEAD.match(text, end)
    word, after = m.group(1), m.group(2)  # type: ignore[union-attr]
    if word is None or word in _NO_HEAD:
        return True
    if word in ("and", "or") and after is not None:
        return after == "the" or (after[:1].isupper() and fold(after) not in demonyms)
    return False


def _capital_indexes(rows: Sequence[_Row]) -> frozenset[int]:
    return frozenset(i for i, r in enumerate(rows) if r.capital)


def _alternate_indexes(rows: Sequence[_Row]) -> frozenset[int]:
    return frozenset(i for i, r in enumerate(rows) if r.alternate)


# What the passes read of a mention: its key, candidates and current decision.
_State = tuple[str, Sequence[_Row], "resolve.Decision | None"]
_NO_SENSE: Mapping[str, int] = MappingProxyType({})


def _open_options(
    states: Iterable[_State], sense: Mapping[str, int] = _NO_SENSE
) -> list[tuple[str, _Row]]:
    """(key, candidate) for the best few candidates of each name still undecided,
    but for a name that sense settles (key -> pid): that place only."""
    seen: dict[tuple[str, int], _Row] = {}
    for key, rows, d in states:
        if d is None or d.chosen is not None:
            continue
        settled = sense.get(key) if sense else None
        for i in d.ranked[:_OPEN_OPTIONS]:
            row = rows[i]
            if settled is None or row.pid == settled:
                seen.setdefault((key, row.pid), row)
    return [(key, row) for (key, _), row in seen.items()]


def _context_rows(work: Sequence[_Resolved], exclude: str) -> tuple[_Row, ...]:
    """Resolved places of a text other than those named `exclude`, once each."""
    states = ((w.found.key, w.rows, w.decision) for w in work)
    return tuple(row for key, row in _resolved_places(states) if key != exclude)


def _resolved_places(
    states: Iterable[_State], sense: Mapping[str, int] = _NO_SENSE
) -> list[tuple[str, _Row]]:
    """(key, place) for each distinct pair resolved in a text, leaving out the
    other readings of a name that sense settles (key -> pid)."""
    seen: dict[tuple[str, int], _Row] = {}
    for key, rows, d in states:
        if d is not None and d.chosen is not None:
            row = rows[d.chosen]
            if sense and sense.get(key, row.pid) != row.pid:
                continue
            seen.setdefault((key, row.pid), row)
    return [(key, row) for (key, _), row in seen.items()]


def _among_listed(text: str, places: Sequence[_Resolved]) -> None:
    """Settle an abstention between namesakes inside a list of towns on the one
    among the others (see resolve.among_listed); in text order, so a name
    settled so counts for the next. Updates the decisions in place."""
    for k, w in enumerate(places):
        d = w.decision
        if d is None or d.chosen is not None or len(d.ranked) < 2:
            continue
        mates: list[_Row] = []
        for step in (-1, 1):
            j, edge = k, w
            while 0 <= j + step < len(places):
                other = places[j + step]
                a, b = (other, edge) if step < 0 else (edge, other)
                if not recognize.listed_together(text, a.found.end, b.found.start):
                    break
                if other.chosen is not None:
                    mates.append(other.chosen)
                j, edge = j + step, other
        mates = [m for m in mates if m.pid not in {w.rows[i].pid for i in d.ranked}]
        if not mates:
            continue
        hit = resolve.among_listed([w.rows[i] for i in d.ranked], mates)
        if hit is None:
            continue
        i, why = hit
        _settle_locally(w, i, f"{why}, and the other leading namesake not")


def _beside_in_sentence(text: str, places: Sequence[_Resolved]) -> None:
    """Settle an abstention between namesakes on the one right beside a town
    named in the same sentence, far from which every other lies (see
    resolve.beside_a_town); updates the decisions in place.

    The sentence is read around each abstention only, between the nearest
    full stops, question or exclamation marks or line breaks (an
    abbreviation's stop ends it early: that only leaves out towns).
    """
    undecided = [
        w
        for w in places
        if w.decision is not None and w.decision.chosen is None and len(w.decision.ranked) > 1
    ]
    if not undecided:
        return
    towns = [w for w in places if w.chosen is not None and w.chosen.feature == "city"]
    starts = [w.found.start for w in towns]
    for w in undecided:
        at, end = w.found.start, w.found.end
        floor, ceiling = max(0, at - _SENTENCE_REACH), end + _SENTENCE_REACH
        left = max(text.rfind(c, floor, at) for c in _SENTENCE_MARKS) + 1
        right = [k for k in (text.find(c, end, ceiling) for c in _SENTENCE_MARKS) if k >= 0]
        lo = bisect.bisect_left(starts, max(left, floor))
        hi = bisect.bisect_left(starts, min(right) if right else ceiling)
        here = [
            t.chosen for t in towns[lo:hi] if t.found.key != w.found.key and t.chosen is not None
        ]
        d = w.decision
        if not here or d is None:
            continue
        hit = resolve.beside_a_town([w.rows[i] for i in d.ranked], here)
        if hit is None:
            continue
        i, town, km = hit
        reason = f"{km:.0f} km from {town.name} in the same sentence, and its namesakes far"
        _settle_locally(w, i, f"{reason} from every town of it")


def _settle_locally(w: _Resolved, i: int, why: str) -> None:
    """Settle w's abstention on its i-th ranked candidate by the towns around
    it, for the reason why (so it stands against its name elsewhere)."""
    d = w.decision
    assert d is not None
    chosen = d.ranked[i]
    place = w.rows[chosen]
    w.decision = resolve.Decision(
        chosen,
        (chosen,) + tuple(j for j in d.ranked if j != chosen),
        0.6,
        resolve.precision(place, w.found.near),
        f"{why} ({place.name} otherwise undecided)",
    )
    w.local = True


_SENTENCE_MARKS = ".!?\n"
_SENTENCE_REACH = 400  # the farthest a sentence is read from the name


def _one_sense_per_name(places: Sequence[_Resolved]) -> None:
    """A name resolved from an explicit clue in one sentence of a text means the
    same place where it recurs without one (with the same cue, or as a town
    where the clue settled a town)."""
    settled: dict[tuple[str, str | None], _Resolved] = {}
    for w in places:
        if w.hard and w.chosen is not None:
            settled.setdefault((w.found.key, w.found.cue), w)
    for w in places:
        cue = w.found.cue
        src = settled.get((w.found.key, cue))
        if src is None and cue in (None, "city", "village"):
            # "MOSCOW, Idaho (AP)" ... "the college town of Moscow": a town
            # settled by a clue is the town wherever it recurs as a town.
            other = settled.get((w.found.key, "city" if cue is None else None))
            if other is not None and other.chosen is not None and other.chosen.feature == "city":
                src = other
        # What its list or sentence settled stands (see _among_listed).
        if src is None or src is w or w.hard or w.local:
            continue
        if src.decision is None or src.chosen is None:
            continue
        if w.chosen is not None and w.chosen.pid == src.chosen.pid:
            continue
        d = src.decision
        precision = resolve.precision(src.chosen, w.found.near)
        w.decision = resolve.Decision(d.chosen, d.ranked, d.score, precision, d.reason)
        w.rows = src.rows  # the decision's indexes are into the source's candidates
        w.inherited = f"as elsewhere in the text ({d.reason})"


def _resolution(query: str, rows: Sequence[_Row], d: resolve.Decision) -> Resolution:
    place = rows[d.chosen].place if d.chosen is not None else None
    order = [i for i in d.ranked if i != d.chosen]
    if len(order) < MAX_ALTERNATIVES and len(d.ranked) < len(rows):
        ranked = set(d.ranked)
        order += [i for i in range(len(rows)) if i not in ranked and i != d.chosen]
    alts = tuple(rows[i].place for i in order[:MAX_ALTERNATIVES])
    return Resolution(query, place, d.precision, d.score, alts, d.reason)
