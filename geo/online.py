"""Opt-in online geocoding with geopy's Nominatim, for names the gazetteer lacks.

The only module of geo that imports geopy. ``OnlineGeocoder.geocode`` answers
like geopy does: a Resolution when the service found the name, None when it
did not, GeocodingError when it could not be asked. Nominatim's usage policy
shapes the rest: a user agent that names the caller (refused without one), at
most one request a second to a service from the whole process, a persistent
cache of answers (successes only), and backing off when the service says so
(429 Retry-After) or is in trouble (5xx, timeouts).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from geopy.adapters import AdapterHTTPError, BaseAdapter, RequestsAdapter, URLLibAdapter
from geopy.exc import (
    ConfigurationError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.geocoders import Nominatim
from geopy.geocoders import options as geopy_options

from geo import index as idx
from geo.errors import GeocodingError
from geo.gazetteer import Place, Resolution
from geo.geometry import haversine_km
from geo.names import quoted

USER_AGENT_ENV = "NEWSMAP_USER_AGENT"
URL_ENV = "NEWSMAP_NOMINATIM_URL"
DEFAULT_URL = "https://nominatim.openstreetmap.org"
CACHE_FILE = "online.sqlite"
MIN_INTERVAL = 1.0  # seconds between requests to one service (Nominatim's policy)

# geopy's own default and the sample agents of its docs: they name nobody.
_SAMPLE_AGENTS = {
    geopy_options.default_user_agent.casefold(),
    "my-application",
    "my_app/1",
    "my_user_agent/1.0",
    "specify_your_app_name_here",
}
_USER_AGENT_FIX = (
    f"set {USER_AGENT_ENV} to a user agent that names you and a contact, "
    f"e.g. {USER_AGENT_ENV}='newsmap/0.1 (you@example.org)' (Nominatim's usage policy)"
)

# Nominatim's address types that are areas, by what a dot for them means (ACLED
# geo_precision); anything else (city, town, village, suburb, a landmark) is a point.
_DISTRICTS = {"county", "district", "state_district", "province_district"}
_STATES = {"state", "province", "region"}
_COUNTRIES = {"country", "continent"}


# --- one request a second per service, across the process ---------------------


class _Gate:
    """Spaces requests to one service; the clock restarts when an answer comes
    back, so the service never sees two requests less than a second apart."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # held for a whole request: one at a time
        self._clock = threading.Lock()
        self.next_at = float("-inf")  # time.monotonic() before which nobody asks

    def defer(self, seconds: float) -> None:
        """Nobody asks before seconds from now (a Retry-After, a backoff)."""
        with self._clock:
            self.next_at = max(self.next_at, time.monotonic() + seconds)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait as long as needed, then hold the service for one request."""
        with self.lock:
            while (wait := self.next_at - time.monotonic()) > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self.defer(MIN_INTERVAL)


_GATES: dict[str, _Gate] = {}
_GATES_LOCK = threading.Lock()


def _gate(domain: str) -> _Gate:
    """The process-wide gate of a service (by domain), shared by every instance."""
    with _GATES_LOCK:
        return _GATES.setdefault(domain, _Gate())


# --- the persistent cache of successes -------------------------------------------


def normalise(query: str) -> str:
    """Cache key of a query: Unicode NFKC, casefolded, runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFKC", query).casefold().split())


class AnswerCache:
    """Nominatim's answers that found something, kept in SQLite across runs.

    Keyed by normalised query and service domain; "not found" and failures are
    never stored, so they are asked again next time.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._con = sqlite3.connect(path, check_same_thread=False)
            with self._con:
                self._con.execute(
                    "CREATE TABLE IF NOT EXISTS answer (query TEXT NOT NULL, "
                    "domain TEXT NOT NULL, raw TEXT NOT NULL, fetched REAL NOT NULL, "
                    "PRIMARY KEY (query, domain))"
                )
        except (OSError, sqlite3.Error) as err:
            raise GeocodingError(
                f"cannot open the online geocoding cache {path} ({err}); "
                "set NEWSMAP_CACHE_DIR to a writable directory"
            ) from err

    def get(self, query: str, domain: str) -> list[dict[str, Any]] | None:
        """The stored answer, or None when this query was never answered."""
        with self._lock, self._failing("read"):
            row = self._con.execute(
                "SELECT raw FROM answer WHERE query = ? AND domain = ?",
                (normalise(query), domain),
            ).fetchone()
            return json.loads(row[0]) if row else None

    def put(self, query: str, domain: str, raw: list[dict[str, Any]]) -> None:
        """Store a successful answer with the time it was fetched."""
        with self._lock, self._failing("write"), self._con:
            self._con.execute(
                "INSERT OR REPLACE INTO answer VALUES (?, ?, ?, ?)",
                (normalise(query), domain, json.dumps(raw, ensure_ascii=False), time.time()),
            )

    @contextmanager
    def _failing(self, verb: str) -> Iterator[None]:
        """A damaged or unwritable cache is a GeocodingError, not a crash."""
        try:
            yield
        except (sqlite3.Error, ValueError) as err:
            raise GeocodingError(
                f"cannot {verb} the online geocoding cache {self.path} ({err}); "
                "delete it, or set NEWSMAP_CACHE_DIR to a writable directory"
            ) from err

    def close(self) -> None:
        """Close the file."""
        self._con.close()


def _adapter_without_retries(*, proxies: Any, ssl_context: Any) -> BaseAdapter:
    """geopy's transport, minus the retries its requests adapter makes on its own:
    they ignore the rate limit and sleep through any Retry-After (even 120 s)."""
    if RequestsAdapter.is_available:
        return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)
    return URLLibAdapter(proxies=proxies, ssl_context=ssl_context)


# --- the geocoder ----------------------------------------------------------------


@dataclass(frozen=True)
class Retry:
    """How hard to try: attempts per name and the most time spent waiting to retry."""

    attempts: int = 3
    backoff: float = 1.0  # first wait after a 5xx or a timeout; doubles each time
    max_wait: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.backoff < 0 or self.max_wait < 0:
            raise GeocodingError(f"expected attempts >= 1 and waits >= 0, got {self}")


class OnlineGeocoder:
    """geopy's Nominatim behind newsmap's rules; see the module docstring."""

    def __init__(
        self,
        user_agent: str | None = None,
        *,
        url: str | None = None,
        timeout: float = 10.0,
        retry: Retry | None = None,
        cache: Path | None = None,
        language: str = "en",
        adapter_factory: Callable[..., Any] | None = None,
    ) -> None:
        """user_agent and url default to NEWSMAP_USER_AGENT and NEWSMAP_NOMINATIM_URL
        (else nominatim.openstreetmap.org); cache defaults to online.sqlite in the
        gazetteer's cache dir. adapter_factory is geopy's transport, to swap in tests.
        """
        agent = (user_agent or os.environ.get(USER_AGENT_ENV, "")).strip()
        if not agent:
            raise GeocodingError(f"online geocoding needs a user agent: {_USER_AGENT_FIX}")
        if agent.casefold() in _SAMPLE_AGENTS:
            raise GeocodingError(
                f"the user agent {agent!r} is geopy's default or sample and names nobody: "
                + _USER_AGENT_FIX
            )
        self.scheme, self.domain = _split_url(url or os.environ.get(URL_ENV) or DEFAULT_URL)
        self.user_agent = agent
        self.retry = retry or Retry()
        self.language = language
        try:
            self._client = Nominatim(
                user_agent=agent,
                domain=self.domain,
                scheme=self.scheme,
                timeout=timeout,
                adapter_factory=adapter_factory or _adapter_without_retries,
            )
        except ConfigurationError as err:
            raise GeocodingError(f"geopy refused the configuration: {err}") from err
        self._gate = _gate(self.domain)
        self.cache = AnswerCache(cache or idx.cache_dir() / CACHE_FILE)

    def geocode(self, name: str) -> Resolution | None:
        """Nominatim's best match for name, None when it knows none.

        Raises GeocodingError when the service cannot be asked (after retries).
        """
        raw = self.cache.get(name, self.domain)
        if raw is None:
            raw = self._ask(name)
            if not raw:
                return None
            self.cache.put(name, self.domain, raw)
        places = [p for p in (_place(r) for r in raw) if p is not None]
        if not places:
            return None
        best, best_raw = places[0], raw[0]
        kind = _kind(best_raw)
        importance = best_raw.get("importance")
        return Resolution(
            query=name,
            place=best,
            precision=_precision(kind),
            score=round(float(importance), 3) if importance is not None else 0.0,
            alternatives=tuple(places[1:]),
            reason=f"not in the gazetteer; found by Nominatim ({self.domain}) as a {kind}",
        )

    def close(self) -> None:
        """Close the cache."""
        self.cache.close()

    def _ask(self, name: str) -> list[dict[str, Any]]:
        """One query with retries: Retry-After on 429, exponential backoff on 5xx
        and timeouts, within Retry's bounds. [] means not found."""
        waited = 0.0
        backoff = self.retry.backoff
        for attempt in range(1, self.retry.attempts + 1):
            try:
                with self._gate.turn():
                    found = self._client.geocode(
                        name,
                        exactly_one=False,
                        limit=5,
                        addressdetails=True,
                        language=self.language,
                    )
                return [loc.raw for loc in found or []]
            except GeocoderServiceError as err:
                delay = _retry_delay(err, backoff)
                what = _describe(err)
                if delay is None:
                    raise GeocodingError(
                        f"Nominatim at {self.domain} refused {quoted(name)}: {what}"
                    ) from err
                if attempt == self.retry.attempts or waited + delay > self.retry.max_wait:
                    raise GeocodingError(
                        f"Nominatim at {self.domain} gave no answer for {quoted(name)} after "
                        f"{attempt} attempt(s) and {waited:.0f} s of waiting (last: {what}); "
                        "try again later"
                    ) from err
                self._gate.defer(delay)
                waited += delay
                if not (isinstance(err, GeocoderRateLimited) and err.retry_after is not None):
                    backoff *= 2
        raise AssertionError("unreachable: Retry checks attempts >= 1")


def _split_url(url: str) -> tuple[str, str]:
    """(scheme, domain) of a service URL; the domain may carry a port and a path."""
    parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
    domain = (parts.netloc + parts.path).rstrip("/")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise GeocodingError(
            f"expected a Nominatim URL such as {DEFAULT_URL}, got {url!r} (check {URL_ENV})"
        )
    return parts.scheme, domain


def _status(err: BaseException) -> int | None:
    """The HTTP status behind a geopy error, when there was one."""
    cause = err.__cause__
    return cause.status_code if isinstance(cause, AdapterHTTPError) else None


def _retry_delay(err: GeocoderServiceError, backoff: float) -> float | None:
    """Seconds to wait before asking again, or None when asking again cannot help."""
    if isinstance(err, GeocoderRateLimited):
        return float(err.retry_after) if err.retry_after is not None else backoff
    if isinstance(err, GeocoderTimedOut | GeocoderUnavailable):
        return backoff
    status = _status(err)
    return backoff if status is not None and status >= 500 else None


def _describe(err: GeocoderServiceError) -> str:
    status = _status(err)
    text = " ".join(str(err).split())[:200]
    return f"HTTP {status}" if status is not None else f"{type(err).__name__}: {text}"


def _kind(raw: Mapping[str, Any]) -> str:
    """What Nominatim says the place is: addresstype, else type ("town", "state")."""
    return str(raw.get("addresstype") or raw.get("type") or raw.get("class") or "place")


def _precision(kind: str) -> int:
    """ACLED geo_precision: 1 a town or a point, 2 a district, 3 a state or country."""
    if kind in _STATES or kind in _COUNTRIES:
        return 3
    if kind in _DISTRICTS:
        return 2
    return 1


def _feature(kind: str) -> str:
    if kind in _COUNTRIES:
        return "country"
    if kind in _STATES:
        return "admin1"
    if kind in _DISTRICTS:
        return "region"
    return "city"


def _radius_km(raw: Mapping[str, Any]) -> float:
    """Half the diagonal of Nominatim's bounding box (south, north, west, east)."""
    try:
        south, north, west, east = (float(v) for v in raw["boundingbox"])
    except (KeyError, TypeError, ValueError):
        return 0.0
    return round(haversine_km(south, west, north, east) / 2, 1)


def _place(raw: Mapping[str, Any]) -> Place | None:
    """A gazetteer Place from one Nominatim result; None if it has no usable point."""
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    address = raw.get("address") or {}
    display = str(raw.get("display_name") or "")
    kind = _kind(raw)
    feature = _feature(kind)
    return Place(
        geonameid=None,
        name=str(raw.get("name") or display.split(",")[0].strip() or "?"),
        latitude=lat,
        longitude=lon,
        country=str(address.get("country_code") or "").upper(),
        country_name=str(address.get("country") or ""),
        admin1=address.get("state") or address.get("province"),
        feature=feature,
        population=0,
        radius_km=0.0 if feature == "city" else _radius_km(raw),
    )
