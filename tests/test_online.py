"""Online geocoding against a local server that plays Nominatim, never the internet.

The real geopy client talks HTTP to a ThreadingHTTPServer on 127.0.0.1 which
answers /search like Nominatim does, and fails like it does (429 with
Retry-After, 5xx, slow answers, broken JSON). Each test gets its own server,
so its own port and so its own per-service rate gate.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.errors import GeocodingError
from geo.gazetteer import Gazetteer
from geo.geocoding import Geocoder
from geo.online import OnlineGeocoder, Retry

from .conftest import ROOT

AGENT = "newsmap-tests/1.0 (tests@example.org)"
UNKNOWN = "Qwertyville"  # a name the gazetteer does not know


def nominatim_result(
    name: str,
    lat: float,
    lon: float,
    *,
    kind: str = "town",
    state: str | None = "Kharkiv Oblast",
    country_code: str = "ua",
    country: str = "Ukraine",
    importance: float = 0.41,
    fmt: str = "json",
) -> dict[str, Any]:
    """One /search result as Nominatim 4.x writes it with addressdetails=1."""
    address: dict[str, str] = {kind: name, "country": country, "country_code": country_code}
    if state:
        address["state"] = state
    result: dict[str, Any] = {
        "place_id": 1234,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
        "osm_type": "relation",
        "osm_id": 5678,
        "lat": str(lat),
        "lon": str(lon),
        "type": "administrative" if kind in ("state", "country") else kind,
        "addresstype": kind,
        "name": name,
        "display_name": ", ".join(x for x in (name, state, country) if x and x != name)
        if kind != "town"
        else f"{name}, {state}, {country}",
        "importance": importance,
        "address": address,
        "boundingbox": [str(lat - 0.5), str(lat + 0.5), str(lon - 0.5), str(lon + 0.5)],
    }
    if fmt == "jsonv2":
        result["category"] = "boundary" if kind in ("state", "country") else "place"
        result["place_rank"] = 8 if kind == "state" else 16
    else:
        result["class"] = "boundary" if kind in ("state", "country") else "place"
    return result


QWERTYVILLE = nominatim_result(UNKNOWN, 49.9, 36.3)


@dataclass
class Reply:
    """What the fake service answers: a status, a body (JSON unless str), headers, a delay."""

    status: int = 200
    body: Any = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Hit:
    """One request as the server saw it arrive."""

    at: float  # time.monotonic() on arrival
    path: str
    params: dict[str, str]
    user_agent: str | None


class FakeNominatim:
    """A local HTTP server that plays Nominatim's /search and records every request."""

    def __init__(self) -> None:
        self.script: dict[str, list[Reply]] = {}
        self.hits: list[Hit] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.hits.append(
                    Hit(time.monotonic(), url.path, params, self.headers.get("User-Agent"))
                )
                reply = fake.next_reply(params.get("q", ""))
                if url.path != "/search":
                    reply = Reply(404, {"error": "not found"})
                time.sleep(reply.delay)
                body = reply.body
                if not isinstance(body, str):
                    body = _formatted(body, params.get("format", "xml"))
                data = body.encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, query: str, *replies: Reply) -> None:
        """Script the replies to a query, in order; the last one repeats."""
        self.script[query.casefold()] = list(replies)

    def next_reply(self, query: str) -> Reply:
        queue = self.script.get(query.casefold()) or [Reply(200, [])]
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def count(self, query: str) -> int:
        return sum(1 for h in self.hits if h.params.get("q", "").casefold() == query.casefold())

    def gaps(self) -> list[float]:
        times = sorted(h.at for h in self.hits)
        return [b - a for a, b in zip(times, times[1:], strict=False)]


def _formatted(results: Any, fmt: str) -> str:
    """json and jsonv2 differ in a few keys; make a json result follow the asked format."""
    if fmt == "jsonv2" and isinstance(results, list):
        results = [{("category" if k == "class" else k): v for k, v in r.items()} for r in results]
    return json.dumps(results)


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    fake = FakeNominatim()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def online_cache(tmp_path: Path) -> Path:
    return tmp_path / "online.sqlite"


def make(
    fake: FakeNominatim, cache: Path, *, retry: Retry | None = None, timeout: float = 5.0
) -> OnlineGeocoder:
    return OnlineGeocoder(AGENT, url=fake.url, cache=cache, retry=retry, timeout=timeout)


# --- configuration --------------------------------------------------------------


def test_refuses_to_start_without_a_user_agent(
    monkeypatch: pytest.MonkeyPatch, online_cache: Path
) -> None:
    monkeypatch.delenv("NEWSMAP_USER_AGENT", raising=False)
    with pytest.raises(GeocodingError, match="NEWSMAP_USER_AGENT"):
        OnlineGeocoder(url="http://127.0.0.1:9", cache=online_cache)


@pytest.mark.parametrize("agent", ["geopy/2.5.0", "my-application", "  "])
def test_refuses_geopys_default_and_sample_agents(agent: str, online_cache: Path) -> None:
    from geopy.geocoders import options

    default = options.default_user_agent
    with pytest.raises(GeocodingError, match="NEWSMAP_USER_AGENT"):
        OnlineGeocoder(agent.replace("geopy/2.5.0", default), cache=online_cache)


def test_user_agent_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, online_cache: Path
) -> None:
    monkeypatch.setenv("NEWSMAP_USER_AGENT", AGENT)
    monkeypatch.setenv("NEWSMAP_NOMINATIM_URL", "http://127.0.0.1:9/nominatim/")
    geocoder = OnlineGeocoder(cache=online_cache)
    assert (geocoder.user_agent, geocoder.scheme, geocoder.domain) == (
        AGENT,
        "http",
        "127.0.0.1:9/nominatim",
    )


# --- answers ----------------------------------------------------------------------


def test_a_town_comes_back_as_a_place_with_honest_precision(
    nominatim: FakeNominatim, online_cache: Path
) -> None:
    nominatim.answer(UNKNOWN, Reply(200, [QWERTYVILLE]))
    res = make(nominatim, online_cache).geocode(UNKNOWN)
    assert res is not None and res.place is not None
    p = res.place
    assert (p.name, p.geonameid, p.country, p.country_name, p.admin1, p.feature) == (
        UNKNOWN,
        None,
        "UA",
        "Ukraine",
        "Kharkiv Oblast",
        "city",
    )
    assert (p.latitude, p.longitude, p.radius_km) == (49.9, 36.3, 0.0)
    assert res.precision == 1 and res.score == 0.41
    assert "Nominatim" in res.reason and "town" in res.reason
    [hit] = nominatim.hits
    assert hit.user_agent == AGENT
    assert hit.path == "/search"
    assert hit.params["q"] == UNKNOWN
    assert hit.params["format"] in ("json", "jsonv2") and hit.params["addressdetails"] == "1"


def test_a_state_is_precision_3_and_an_area(nominatim: FakeNominatim, online_cache: Path) -> None:
    state = nominatim_result("Kharkiv Oblast", 49.6, 36.7, kind="state", state=None)
    other = nominatim_result("Kharkiv", 50.0, 36.2, kind="city")
    nominatim.answer("Kharkivshchyna", Reply(200, [state, other]))
    res = make(nominatim, online_cache).geocode("Kharkivshchyna")
    assert res is not None and res.place is not None
    assert (res.place.feature, res.precision, res.place.admin1) == ("admin1", 3, "Kharkiv Oblast")
    assert res.place.radius_km > 50
    assert [a.name for a in res.alternatives] == ["Kharkiv"]


def test_not_found_is_none_and_asked_again(nominatim: FakeNominatim, online_cache: Path) -> None:
    geocoder = make(nominatim, online_cache)
    assert geocoder.geocode("Nowhere At All") is None
    assert geocoder.geocode("nowhere  at all") is None
    assert nominatim.count("Nowhere At All") == 1 and len(nominatim.hits) == 2


# --- one request a second ---------------------------------------------------------


def test_requests_are_a_second_apart_across_instances_and_threads(
    nominatim: FakeNominatim, online_cache: Path, tmp_path: Path
) -> None:
    geocoders = [make(nominatim, tmp_path / f"cache{i}.sqlite") for i in range(3)]
    threads = [
        threading.Thread(target=g.geocode, args=(f"Place {i}",)) for i, g in enumerate(geocoders)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len(nominatim.hits) == 3
    assert min(nominatim.gaps()) >= 1.0, nominatim.gaps()


# --- failures -----------------------------------------------------------------------


def test_429_waits_for_retry_after_then_succeeds(
    nominatim: FakeNominatim, online_cache: Path
) -> None:
    nominatim.answer(
        UNKNOWN, Reply(429, {"error": "slow down"}, {"Retry-After": "1"}), Reply(200, [QWERTYVILLE])
    )
    res = make(nominatim, online_cache).geocode(UNKNOWN)
    assert res is not None and res.place is not None
    assert nominatim.count(UNKNOWN) == 2
    assert nominatim.gaps()[0] >= 1.0


def test_429_asking_longer_than_the_budget_gives_up_at_once(
    nominatim: FakeNominatim, online_cache: Path
) -> None:
    nominatim.answer(UNKNOWN, Reply(429, {"error": "slow down"}, {"Retry-After": "120"}))
    started = time.monotonic()
    with pytest.raises(GeocodingError, match="HTTP 429"):
        make(nominatim, online_cache, retry=Retry(max_wait=30)).geocode(UNKNOWN)
    assert time.monotonic() - started < 1.0
    assert nominatim.count(UNKNOWN) == 1


def test_5xx_is_retried_with_backoff_then_succeeds(
    nominatim: FakeNominatim, online_cache: Path
) -> None:
    nominatim.answer(UNKNOWN, Reply(500, "oops"), Reply(503, "busy"), Reply(200, [QWERTYVILLE]))
    res = make(nominatim, online_cache, retry=Retry(backoff=1.1)).geocode(UNKNOWN)
    assert res is not None and res.place is not None
    assert nominatim.count(UNKNOWN) == 3
    first, second = nominatim.gaps()
    assert first >= 1.1 and second >= 2.2  # the backoff doubles


def test_5xx_gives_up_after_bounded_attempts(nominatim: FakeNominatim, online_cache: Path) -> None:
    nominatim.answer(UNKNOWN, Reply(500, "oops"))
    with pytest.raises(GeocodingError, match="after 2 attempt") as caught:
        make(nominatim, online_cache, retry=Retry(attempts=2, backoff=0.2)).geocode(UNKNOWN)
    assert isinstance(caught.value, OSError)
    assert type(caught.value.__cause__).__module__ == "geopy.exc"
    assert nominatim.count(UNKNOWN) == 2


def test_a_slow_answer_times_out(nominatim: FakeNominatim, online_cache: Path) -> None:
    nominatim.answer(UNKNOWN, Reply(200, [QWERTYVILLE], delay=3.0))
    geocoder = make(nominatim, online_cache, retry=Retry(attempts=2, backoff=0.2), timeout=0.3)
    with pytest.raises(GeocodingError, match="TimedOut"):
        geocoder.geocode(UNKNOWN)
    assert nominatim.count(UNKNOWN) == 2


@pytest.mark.parametrize(
    ("reply", "expected"),
    [(Reply(200, "[{not json"), "ParseError"), (Reply(403, "blocked"), "refused")],
)
def test_malformed_json_and_4xx_are_not_retried(
    reply: Reply, expected: str, nominatim: FakeNominatim, online_cache: Path
) -> None:
    nominatim.answer(UNKNOWN, reply)
    with pytest.raises(GeocodingError, match=expected):
        make(nominatim, online_cache).geocode(UNKNOWN)
    assert nominatim.count(UNKNOWN) == 1


# --- the cache ----------------------------------------------------------------------


def test_a_success_is_cached_persistently(nominatim: FakeNominatim, online_cache: Path) -> None:
    nominatim.answer(UNKNOWN, Reply(200, [QWERTYVILLE]))
    first = make(nominatim, online_cache).geocode(UNKNOWN)
    again = make(nominatim, online_cache).geocode(" qwertyville ")  # a new instance
    assert first is not None and again is not None
    assert again.place == first.place and again.precision == first.precision
    assert len(nominatim.hits) == 1


def test_a_failure_is_not_cached(nominatim: FakeNominatim, online_cache: Path) -> None:
    nominatim.answer(UNKNOWN, Reply(500, "oops"), Reply(200, [QWERTYVILLE]))
    geocoder = make(nominatim, online_cache, retry=Retry(attempts=1))
    with pytest.raises(GeocodingError):
        geocoder.geocode(UNKNOWN)
    assert geocoder.geocode(UNKNOWN) is not None
    assert nominatim.count(UNKNOWN) == 2


# --- the chain ----------------------------------------------------------------------


def test_the_chain_never_asks_for_what_the_gazetteer_knows(
    nominatim: FakeNominatim, online_cache: Path, gazetteer: Gazetteer
) -> None:
    chain = Geocoder(gazetteer, online=make(nominatim, online_cache))
    kyiv = chain.geocode("Kyiv")
    assert kyiv.place is not None and kyiv.place.geonameid == 703448
    namesakes = chain.geocode("Trostyanets")  # four of them: the gazetteer abstains
    assert namesakes.place is None and namesakes.alternatives
    assert "abstained" in namesakes.reason
    demonym = chain.geocode("Russian")
    assert demonym.place is None
    assert nominatim.hits == []


def test_the_chain_asks_online_for_an_unknown_name(
    nominatim: FakeNominatim, online_cache: Path, gazetteer: Gazetteer
) -> None:
    nominatim.answer(UNKNOWN, Reply(200, [QWERTYVILLE]))
    assert Geocoder(gazetteer).geocode(UNKNOWN).place is None  # opt-in: off by default
    res = Geocoder(gazetteer, online=make(nominatim, online_cache)).geocode(UNKNOWN)
    assert res.place is not None and res.place.geonameid is None
    assert res.to_dict()["latitude"] == 49.9
    assert nominatim.count(UNKNOWN) == 1


def test_the_chain_keeps_the_offline_answer_when_the_service_fails(
    nominatim: FakeNominatim, online_cache: Path, gazetteer: Gazetteer
) -> None:
    nominatim.answer(UNKNOWN, Reply(503, "down"))
    online = make(nominatim, online_cache, retry=Retry(attempts=1))
    res = Geocoder(gazetteer, online=online).geocode(UNKNOWN)
    offline = gazetteer.geocode(UNKNOWN)
    assert res.place is None and res.alternatives == offline.alternatives
    assert res.reason.startswith(offline.reason + "; online lookup failed: ")
    assert "HTTP 503" in res.reason


# --- the command line -----------------------------------------------------------------


def newsmap(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )


def test_cli_online_asks_the_configured_server(nominatim: FakeNominatim) -> None:
    nominatim.answer(UNKNOWN, Reply(200, [QWERTYVILLE]))
    result = newsmap(
        "geocode", "Kyiv", UNKNOWN, "--online", "--json",
        NEWSMAP_USER_AGENT=AGENT, NEWSMAP_NOMINATIM_URL=nominatim.url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    kyiv, unknown = json.loads(result.stdout)
    assert kyiv["geonameid"] == 703448
    assert (unknown["geonameid"], unknown["latitude"], unknown["country"]) == (None, 49.9, "UA")
    assert [h.user_agent for h in nominatim.hits] == [AGENT]


def test_cli_online_without_a_user_agent_exits_2() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMAP_USER_AGENT"}
    result = subprocess.run(
        [sys.executable, "-m", "geo.cli", "geocode", UNKNOWN, "--online"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "NEWSMAP_USER_AGENT" in result.stderr
