"""The real dashboard under `streamlit run`, driven in Debian's Chromium with no internet."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect

from geo.events import EventFilter, filter_events, read_events
from geo.timeline import EXACT, SPREAD, daily_counts

from .browser import (
    ARTIFACTS,
    Server,
    Watch,
    dashboard,
    drawn,
    map_frame,
    offline_context,
    settled,
    watch_dialogs,
)
from .conftest import ROOT, SEED_EVENTS

pytestmark = pytest.mark.browser

SEED_PLACED = int(read_events(SEED_EVENTS).events["latitude"].notna().sum())
TILE_HOSTS = {"tile.openstreetmap.org"}


@pytest.fixture(scope="module")
def seed_server() -> Iterator[Server]:
    with dashboard(SEED_EVENTS) as server:
        yield server


@pytest.fixture(scope="module")
def seed_url(seed_server: Server) -> str:
    return seed_server.url


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Browser, watch: Watch) -> Iterator[Page]:
    context = offline_context(browser, watch)
    page = context.new_page()
    watch_dialogs(page, watch)
    yield page
    context.close()


def count_text(page: Page) -> str:
    return page.locator("p", has_text=re.compile(r"^\d+ of \d+ events")).first.inner_text()


def only_tiles_were_blocked(watch: Watch) -> None:
    hosts = {re.sub(r"^https?://([^/]+)/.*$", r"\1", url) for url in watch.blocked}
    assert hosts <= TILE_HOSTS, f"requests left the machine: {sorted(hosts)}"


def test_server_pid_is_the_streamlit_process(seed_server: Server) -> None:
    cmdline = Path(f"/proc/{seed_server.pid}/cmdline").read_bytes().split(b"\0")
    assert b"streamlit" in cmdline
    assert str(ROOT / "dashboard.py").encode() in cmdline
    assert seed_server == seed_server.url  # still usable as the URL string


def test_seed_map_draws_offline(page: Page, seed_url: str, watch: Watch) -> None:
    page.goto(seed_url)
    frame = map_frame(page, expect=SEED_PLACED)
    settled(page)
    assert frame.locator(".leaflet-interactive").count() > 0
    assert frame.locator(".marker-cluster, path.nm-event").count() > 0
    assert "Battles" in frame.locator(".nm-legend").inner_text()
    expect(page.get_by_text("17 of 17 events")).to_be_visible()
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    only_tiles_were_blocked(watch)
    assert not watch.dialogs


def test_type_filter_changes_what_is_drawn(page: Page, seed_url: str) -> None:
    page.goto(seed_url)
    map_frame(page, expect=SEED_PLACED)
    settled(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="Battles").click()
    page.keyboard.press("Escape")
    expect(page.get_by_text("3 of 17 events")).to_be_visible(timeout=30_000)
    map_frame(page, expect=3)
    assert "type=Battles" in page.url  # the address now shares this view
    # The downloads hold exactly what is on screen, named after the date range.
    with page.expect_download() as csv_file:
        page.get_by_role("button", name="Download these events (CSV)").click()
    assert csv_file.value.suggested_filename == "newsmap-events-20220301-20220329.csv"
    rows = pd.read_csv(csv_file.value.path())
    assert set(rows["event_type"]) == {"Battles"} and len(rows) == 3
    with page.expect_download() as geojson_file:
        page.get_by_role("button", name="Download these events (GeoJSON)").click()
    assert geojson_file.value.suggested_filename.endswith("20220301-20220329.geojson")
    collection = json.loads(Path(geojson_file.value.path()).read_text())
    assert len(collection["features"]) == 3
    assert {f["properties"]["event_type"] for f in collection["features"]} == {"Battles"}


def test_timeline_slider_changes_what_is_drawn(page: Page, seed_url: str) -> None:
    page.goto(seed_url)
    map_frame(page, expect=SEED_PLACED)
    settled(page)
    # The histogram above the slider is drawn: one stack of bars per day with events,
    # over the slider's days (the data's first to last date).
    seed = read_events(SEED_EVENTS).events
    first, last = seed["event_date"].min().date(), seed["event_date"].max().date()
    per_day = daily_counts(seed).loc[first:last]
    days = int(((per_day[EXACT] > 0) | (per_day[SPREAD] > 0)).sum())
    expect(page.locator("svg.nm-histogram g.nm-day")).to_have_count(days)
    assert page.locator("svg.nm-histogram rect").first.bounding_box()["height"] > 0  # type: ignore[index]
    timeline = page.locator('[data-testid="stSlider"]', has_text="Timeline")
    start_thumb = timeline.get_by_role("slider").first
    start_thumb.focus()
    start_thumb.press("End")  # the start jumps to the last day: 29 March 2022
    expect(page.get_by_text(re.compile(r"^\d+ of 17 events"))).not_to_have_text(
        re.compile("^17 of 17"), timeout=30_000
    )
    events = read_events(SEED_EVENTS).events
    last = events["event_date"].max().date()
    last_day = filter_events(events, EventFilter.of(start=last, end=last))
    expected = int(last_day["latitude"].notna().sum())
    assert expected < SEED_PLACED
    frame = map_frame(page, expect=expected)
    assert drawn(frame) == expected


HOSTILE_NOTES = [
    "<img src=x onerror=alert('img')>",
    "${alert('template')}",
    "a `backtick` here",
    "</script><script>alert('script')</script>",
]


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    events = pd.read_csv(SEED_EVENTS, dtype=str, keep_default_na=False).head(4)
    events["notes"] = HOSTILE_NOTES
    events["location"] = ["<b onmouseover=alert('loc')>Irpin</b>", *events["location"][1:]]
    events["source_url"] = "javascript:alert('link')"
    events["latitude"] = ["50.0", "50.5", "51.0", "51.5"]
    events["longitude"] = ["28.0", "30.0", "32.0", "34.0"]
    events["geo_precision"] = "1"
    path = tmp_path_factory.mktemp("hostile") / "hostile.csv"
    events.to_csv(path, index=False)
    with dashboard(path) as server:
        yield server.url


def test_untrusted_text_never_runs(page: Page, hostile_url: str, watch: Watch) -> None:
    page.goto(hostile_url)
    frame = map_frame(page, expect=4)
    settled(page)
    markers = frame.locator("path.nm-event")
    expect(markers).to_have_count(4)
    shown = []
    for i in range(4):
        markers.nth(i).dispatch_event("click")
        popup = frame.locator(".nm-popup")
        expect(popup).to_have_count(1)
        shown.append(popup.inner_text())
        assert popup.locator("a").count() == 0, "a javascript: URL became a link"
        frame.locator(".leaflet-popup-close-button").dispatch_event("click")
        expect(popup).to_have_count(0)
    text = "\n".join(shown)
    for note in HOSTILE_NOTES:
        assert note in text, f"{note!r} was not shown as text"
    assert "<b onmouseover=alert('loc')>Irpin</b>" in text
    assert frame.locator("img[src='x']").count() == 0
    page.mouse.move(10, 10)
    page.wait_for_timeout(500)
    assert not watch.dialogs, f"script from the data ran: {watch.dialogs}"
    assert drawn(frame) == 4  # the map still works


def test_bad_rows_are_reported_and_good_rows_drawn(
    browser: Browser, bad_events_file: Path, watch: Watch
) -> None:
    with dashboard(bad_events_file) as server:
        context = offline_context(browser, watch)
        page = context.new_page()
        page.goto(server.url)
        map_frame(page, expect=2)
        settled(page)
        expect(
            page.get_by_text("3 of 5 rows in messy events.csv could not be loaded")
        ).to_be_visible()
        expect(page.get_by_text(re.compile(r"line 4, column 'latitude'.*95"))).to_be_visible()
        with page.expect_download() as info:
            page.get_by_role("button", name="Download rejected rows (CSV)").click()
        rejected = pd.read_csv(info.value.path())
        assert list(rejected["line"]) == [3, 4, 5]
        context.close()


def test_exported_map_opens_from_disk_with_no_network(
    page: Page, seed_url: str, browser: Browser, tmp_path: Path
) -> None:
    page.goto(seed_url)
    map_frame(page, expect=SEED_PLACED)
    settled(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download this map (HTML)").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == "newsmap-events-20220301-20220329.html"

    offline = Watch()
    context = offline_context(browser, offline, allow_files=True)
    exported = context.new_page()
    watch_dialogs(exported, offline)
    exported.goto(saved.as_uri())
    exported.wait_for_selector("[data-events-drawn]")
    assert drawn(exported.main_frame) == SEED_PLACED
    assert "17 of 17 events" in exported.locator(".nm-caption").inner_text()
    # The timeline travels with the file: move the start to the last day.
    events = read_events(SEED_EVENTS).events
    last = events["event_date"].max().date()
    on_last_day = filter_events(events, EventFilter.of(start=last, end=last))
    exported.locator("input.nm-from").focus()
    exported.keyboard.press("End")
    expect(exported.locator(".nm-range")).to_have_text(f"{last}: {len(on_last_day)} events")
    assert drawn(exported.main_frame) == len(on_last_day) < SEED_PLACED
    exported.locator("input.nm-from").focus()
    exported.keyboard.press("Home")
    expect(exported.locator(".nm-range")).to_contain_text(f": {SEED_PLACED} events")
    # Dispatched on the element itself: a cluster icon may sit over its centre.
    exported.locator("path.nm-event").first.dispatch_event("click")
    expect(exported.locator(".nm-popup")).to_be_visible()
    exported.wait_for_timeout(400)  # let the popup finish fading in
    exported.screenshot(path=str(ARTIFACTS / "exported-map.png"))
    only_tiles_were_blocked(offline)
    context.close()


def test_uploaded_dataset_is_reported_and_shown(
    page: Page, seed_url: str, bad_events_file: Path
) -> None:
    page.goto(seed_url)
    map_frame(page, expect=SEED_PLACED)
    settled(page)
    page.get_by_role("tab", name="Load a dataset").click()
    page.locator("[data-testid='stFileUploader'] input[type='file']").last.set_input_files(
        str(bad_events_file)
    )
    expect(page.get_by_text(re.compile(r"5 rows read, 3 loaded, 2 rejected"))).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text(re.compile(r"line 4, column 'latitude'"))).to_be_visible()
    page.get_by_role("button", name="Show this dataset on the map").click()
    page.get_by_role("tab", name="Map").click()
    expect(page.get_by_text("3 of 3 events")).to_be_visible(timeout=30_000)
    map_frame(page, expect=3)


def test_a_permalink_reopens_the_view(page: Page, seed_url: str) -> None:
    page.goto(f"{seed_url}/?type=Battles&from=2022-03-27&to=2022-03-29")
    expect(page.get_by_text("3 of 17 events")).to_be_visible(timeout=30_000)
    map_frame(page, expect=3)
    timeline = page.locator('[data-testid="stSlider"]', has_text="Timeline")
    expect(timeline.get_by_text("27 Mar 2022")).to_be_visible()
