"""The analysts' dashboard under `streamlit run` in Debian's Chromium, with no internet:
the map that stays put, table and map selecting each other, evidence, place search,
permalinks with the map view, and the play button."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from geo.events import read_events
from geo.nearby import near

from .browser import (
    Server,
    Watch,
    dashboard,
    map_frame,
    offline_context,
    settled,
    watch_dialogs,
)
from .conftest import SEED_EVENTS

pytestmark = pytest.mark.browser

SEED = read_events(SEED_EVENTS).events
SEED_PLACED = int(SEED["latitude"].notna().sum())
KYIV = (50.45466, 30.5238, 703448)
ROW_PX = 35


@pytest.fixture(scope="module")
def seed_url() -> Iterator[str]:
    with dashboard(SEED_EVENTS) as server:
        yield server.url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    watch = Watch()
    context = offline_context(browser, watch)
    page = context.new_page()
    page.set_viewport_size({"width": 1400, "height": 1700})
    watch_dialogs(page, watch)
    yield page
    context.close()
    assert not watch.dialogs


def address(page: Page) -> str:
    """The address bar as a user would copy it (page.url misses replaceState updates)."""
    return str(page.evaluate("() => window.location.href"))


def wait_for(check: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise TimeoutError(f"never true: {check}")


def open_popup_id(frame: Frame) -> str:
    """The event id on the one open popup of the map ('' when none is open)."""
    ids = frame.locator(".leaflet-popup .nm-id").all_inner_texts()
    assert len(ids) <= 1, f"{len(ids)} popups open: {ids}"
    return ids[0].removeprefix("Event ").strip() if ids else ""


def evidence_shows(page: Page, event_id: str) -> None:
    expect(page.get_by_text(f"Event {event_id}", exact=True)).to_be_visible(timeout=30_000)


def table_rows(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("[data-testid='stDataFrame'] [role='row']")


def test_the_map_stays_put_when_filters_change(page: Page, seed_url: str) -> None:
    page.goto(seed_url)
    frame = map_frame(page, expect=SEED_PLACED)
    settled(page)  # the map reports its view once drawn: a rerun
    frame.evaluate("() => { window.nmProbe = 'same map'; window.map.setView([50.4, 30.5], 8); }")
    page.wait_for_timeout(1500)  # the view is reported back (debounced) before we filter
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="Battles").click()
    page.keyboard.press("Escape")
    expect(page.get_by_text("3 of 17 events")).to_be_visible(timeout=30_000)
    after = map_frame(page, expect=3)
    # The same page inside the frame (not a remount), at the zoom the user chose.
    assert after.evaluate("() => window.nmProbe") == "same map"
    assert after.evaluate("() => window.map.getZoom()") == 8
    assert "view=50.4000%2C30.5000%2C8" in address(page) or "view=50.4000,30.5000,8" in address(
        page
    )


def test_clicking_a_marker_selects_its_event_and_row(page: Page, seed_url: str) -> None:
    page.goto(f"{seed_url}/?type=Battles")
    frame = map_frame(page, expect=3)
    settled(page)  # the map reports its view once drawn: a rerun
    frame.locator("path.nm-event").first.dispatch_event("click")
    wait_for(lambda: open_popup_id(frame) != "")
    clicked = open_popup_id(frame)
    assert clicked in set(SEED["event_id"])
    evidence_shows(page, clicked)
    wait_for(lambda: f"event={clicked}" in address(page))
    row = table_rows(page).filter(has_text=clicked)
    expect(row).to_have_attribute("aria-selected", "true", timeout=30_000)


def test_selecting_a_row_opens_its_event_on_the_map(page: Page, seed_url: str) -> None:
    page.goto(seed_url)
    frame = map_frame(page, expect=SEED_PLACED)
    settled(page)  # the map reports its view once drawn: a rerun
    grid = page.locator("[data-testid='stDataFrame']")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    # The third data row (seed-000-03, Rivne region): its selection box at the left,
    # under the header, in rows of the data grid's default 35 px.
    page.mouse.click(box["x"] + 16, box["y"] + ROW_PX * 3 + ROW_PX / 2)
    wait_for(lambda: open_popup_id(frame) == "seed-000-03")
    evidence_shows(page, "seed-000-03")
    mark = page.locator("mark")
    expect(mark).to_contain_text("Rivne region")
    wait_for(lambda: "event=seed-000-03" in address(page))


def test_a_permalink_restores_the_map_view_and_the_selected_event(
    page: Page, seed_url: str
) -> None:
    page.goto(f"{seed_url}/?event=seed-000-05&view=50.4500,30.5200,10")
    frame = map_frame(page, expect=SEED_PLACED)
    settled(page)  # the map reports its view once drawn: a rerun
    wait_for(lambda: open_popup_id(frame) == "seed-000-05")
    evidence_shows(page, "seed-000-05")
    zoom = frame.evaluate("() => window.map.getZoom()")
    center = frame.evaluate("() => window.map.getCenter()")
    assert zoom >= 10  # opening a clustered event's popup may zoom in, never out
    assert abs(center["lat"] - 50.45) < 0.3 and abs(center["lng"] - 30.52) < 0.3


@pytest.mark.parametrize("spelling", ["Київ", "Kiev"])
def test_place_search_finds_the_place_under_any_name(
    page: Page, seed_url: str, spelling: str
) -> None:
    page.goto(seed_url)
    map_frame(page, expect=SEED_PLACED)
    settled(page)  # the map reports its view once drawn: a rerun
    box = page.get_by_label(re.compile("Near a place"))
    box.fill(spelling)
    box.press("Enter")
    expected = near(SEED, *KYIV[:2], 25.0, KYIV[2])
    placed = int(expected["latitude"].notna().sum())
    expect(page.get_by_text(f"{len(expected)} of 17 events")).to_be_visible(timeout=30_000)
    map_frame(page, expect=placed)
    assert "Kyiv" in page.locator("[data-testid='stSidebar']").inner_text()


def test_heat_layer_toggles_and_survives_a_filter_change(page: Page, seed_url: str) -> None:
    page.goto(seed_url)
    frame = map_frame(page, expect=SEED_PLACED)
    settled(page)  # the map reports its view once drawn: a rerun
    frame.get_by_label("Heat").check()
    expect(frame.locator("canvas.nm-heat")).to_have_count(1, timeout=10_000)
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="Battles").click()
    page.keyboard.press("Escape")
    expect(page.get_by_text("3 of 17 events")).to_be_visible(timeout=30_000)
    frame = map_frame(page, expect=3)
    assert frame.get_by_label("Heat").is_checked()
    expect(frame.locator("canvas.nm-heat")).to_have_count(1)


@pytest.fixture
def quick_play_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("NEWSMAP_PLAY_SECONDS", "0.2")
    assert os.environ["NEWSMAP_PLAY_SECONDS"] == "0.2"
    server: Server
    with dashboard(SEED_EVENTS) as server:
        yield server.url


def test_play_steps_through_the_days(page: Page, quick_play_url: str) -> None:
    page.goto(quick_play_url)
    map_frame(page, expect=SEED_PLACED)
    settled(page)  # the map reports its view once drawn: a rerun
    # Every text the timeline shows is recorded in the page: a day lasts 0.2 s, less
    # than Playwright's polling may take, so polling alone could miss the 2nd of March.
    page.evaluate(
        """() => {
          window.nmTimeline = [];
          new MutationObserver(() => {
            const slider = Array.from(document.querySelectorAll("[data-testid='stSlider']"))
              .find((s) => s.innerText.startsWith("Timeline"));
            const text = slider ? slider.innerText : "";
            if (text && text !== window.nmTimeline[window.nmTimeline.length - 1]) {
              window.nmTimeline.push(text);
            }
          }).observe(document.body, {subtree: true, childList: true, characterData: true,
                                     attributes: true});
        }"""
    )
    page.get_by_role("button", name="▶ Play").click()
    timeline = page.locator("[data-testid='stSlider']", has_text="Timeline")
    # It starts on the first day alone, then moves on a day at a time...
    wait_for(
        lambda: any(
            t.split("\n\n")[1:2] == ["2 Mar 2022"] for t in page.evaluate("window.nmTimeline")
        ),
        timeout=30,
    )
    # ... and stops on the last day, the button back to Play.
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible(timeout=60_000)
    # Both handles on the last day (the two values come before the scale's ends).
    values = timeline.inner_text().split("\n\n")[1:3]
    assert values == ["29 Mar 2022", "29 Mar 2022"], timeline.inner_text()
    last = SEED[SEED["event_date"].dt.day == 29]
    assert int(last["latitude"].notna().sum()) <= SEED_PLACED
    map_frame(page)  # still drawn


def test_only_events_in_the_view_follow_pan_and_zoom(page: Page, seed_url: str) -> None:
    page.goto(seed_url)
    frame = map_frame(page, expect=SEED_PLACED)
    settled(page)  # the map reports its view once drawn: a rerun
    page.get_by_text("Only events in the map's view").click()
    frame.evaluate("() => window.map.setView([50.45, 30.3], 9)")
    # Kyiv, Irpin, Makariv and the like: fewer than all, none far away.
    expect(page.get_by_text(re.compile(r"^\d+ of 17 events"))).not_to_have_text(
        re.compile("^17 of 17"), timeout=30_000
    )
    table = page.locator("[data-testid='stDataFrame']").inner_text()
    assert "Chernihiv" not in table and "Istanbul" not in table
    wait_for(lambda: "inview=1" in address(page))
