"""Pages made from base_map and events_layer, opened from disk in Debian's Chromium with
the network refused: what is drawn, the overlays, full screen, grouping, the selected
event, and a layer swapped in the way streamlit-folium does it on a rerun."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect

from geo.events import read_events
from geo.export import map_html
from geo.maps import base_map, events_layer

from .conftest import SEED_EVENTS
from .map_browser import Opened, many_events, open_offline, streamlit_layer_js, swap_layer

pytestmark = pytest.mark.browser

EVENT_LINE = re.compile(r"Event (\S+)\s*$")
"""How the dashboard reads the clicked event from streamlit-folium's popup text."""
TILE_HOSTS = {"tile.openstreetmap.org"}


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    return read_events(SEED_EVENTS).events


def write_page(tmp_path: Path, events: pd.DataFrame, **layer: object) -> tuple[Path, str]:
    """A page of base_map + events_layer; returns its path and the map's variable name."""
    m = base_map(events)
    events_layer(events, **layer).add_to(m)  # type: ignore[arg-type]
    path = tmp_path / "map.html"
    path.write_text(m.get_root().render(), encoding="utf-8")
    return path, m.get_name()


def popup_texts(page: Page, name: str, selector: str) -> list[str]:
    """The popup text streamlit-folium would report for a click on each matching shape
    (it reads ``getPopup().getContent().innerText``)."""
    return page.evaluate(
        """([name, selector]) => {
          var map = window[name], texts = [];
          map.eachLayer(function (l) {
            if (l.getPopup && l.getPopup() && l._path && l._path.matches(selector)) {
              texts.push(l.getPopup().getContent().innerText);
            }
          });
          return texts;
        }""",
        [name, selector],
    )


def heat_pixels(page: Page) -> int:
    return page.evaluate(
        """() => {
          var c = document.querySelector("canvas.nm-heat");
          if (!c || !c.width) { return 0; }
          var px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data, n = 0;
          for (var i = 3; i < px.length; i += 4) { if (px[i]) { n++; } }
          return n;
        }"""
    )


def only_tiles_were_blocked(opened: Opened) -> None:
    hosts = {re.sub(r"^https?://([^/]+)/.*$", r"\1", url) for url in opened.watch.blocked}
    assert hosts <= TILE_HOSTS, f"requests left the machine: {sorted(hosts)}"
    assert not opened.errors and not opened.watch.dialogs


def test_events_draw_with_popups_that_name_their_event(
    browser: Browser, seed: pd.DataFrame, tmp_path: Path
) -> None:
    path, name = write_page(tmp_path, seed, selected="seed-000-09")
    placed = int(seed["latitude"].notna().sum())
    with open_offline(browser, path) as opened:
        page = opened.page
        assert page.get_attribute("[data-events-drawn]", "data-events-drawn") == str(placed)
        assert page.locator("path.nm-event, .marker-cluster").count() > 0
        assert page.locator(".leaflet-control-layers-overlays label").all_inner_texts() == [
            " Events",
            " Areas",
            " Heat",
        ]
        # The selected event: highlighted, its popup open.
        expect(page.locator(".leaflet-popup-content")).to_contain_text("Event seed-000-09")
        assert page.locator("path.nm-selected").count() == 1
        texts = popup_texts(page, name, "path.nm-event, path.nm-area")
        assert texts, "no event shape carries a popup"
        for text in texts:
            assert EVENT_LINE.search(text), text
            assert text.splitlines()[-1].startswith("Event ")
        ids = {EVENT_LINE.search(t).group(1) for t in texts}  # type: ignore[union-attr]
        assert ids <= set(seed["event_id"]) and "seed-000-09" in ids
        only_tiles_were_blocked(opened)


def test_heat_is_off_until_ticked_and_then_paints(
    browser: Browser, seed: pd.DataFrame, tmp_path: Path
) -> None:
    path, _ = write_page(tmp_path, seed)
    with open_offline(browser, path) as opened:
        page = opened.page
        assert page.locator("canvas.nm-heat").count() == 0
        page.get_by_label("Heat").check()
        expect(page.locator("canvas.nm-heat")).to_have_count(1)
        assert int(page.get_attribute("canvas.nm-heat", "data-points") or 0) > 0
        assert heat_pixels(page) > 1000
        page.get_by_label("Heat").uncheck()
        expect(page.locator("canvas.nm-heat")).to_have_count(0)
        only_tiles_were_blocked(opened)


def test_the_legend_steps_aside_for_a_popup_over_it(
    browser: Browser, seed: pd.DataFrame, tmp_path: Path
) -> None:
    path, name = write_page(tmp_path, seed)
    with open_offline(browser, path) as opened:
        page = opened.page
        legend = page.locator(".nm-legend")
        aside = re.compile(r"\bnm-aside\b")

        def popup_at(corner: str) -> None:
            # Open a popup whose box falls on the legend (bottom right) or far from it.
            page.evaluate(
                """([name, corner]) => {
                  var map = window[name], size = map.getSize();
                  var point = corner === "legend" ? L.point(size.x - 90, size.y - 20)
                                                  : L.point(120, 260);
                  L.popup({autoPan: false}).setLatLng(map.containerPointToLatLng(point))
                    .setContent("<div style='width:200px;height:60px'>x</div>").openOn(map);
                }""",
                [name, corner],
            )

        expect(legend).to_be_visible()
        popup_at("legend")
        expect(legend).to_have_class(aside)
        page.evaluate("name => window[name].closePopup()", name)
        expect(legend).not_to_have_class(aside)
        popup_at("far")
        expect(page.locator(".leaflet-popup")).to_have_count(1)
        expect(legend).not_to_have_class(aside)


def test_full_screen_button_toggles(browser: Browser, seed: pd.DataFrame, tmp_path: Path) -> None:
    path, _ = write_page(tmp_path, seed)
    with open_offline(browser, path) as opened:
        page = opened.page
        container = page.locator(".leaflet-container")
        button = page.locator(".nm-fullscreen-button")
        expect(button).to_have_count(1)
        button.click()
        expect(container).to_have_class(re.compile(r"\bnm-fullscreen\b"))
        assert container.get_attribute("data-fullscreen") in ("api", "css")
        button.click()
        expect(container).not_to_have_class(re.compile(r"\bnm-fullscreen\b"))
        assert container.get_attribute("data-fullscreen") == ""


def test_full_screen_falls_back_to_filling_the_window(
    browser: Browser, seed: pd.DataFrame, tmp_path: Path
) -> None:
    path, _ = write_page(tmp_path, seed)
    with open_offline(browser, path) as opened:
        page = opened.page
        # As in an iframe without allow="fullscreen": the browser refuses.
        page.evaluate(
            """() => { Element.prototype.requestFullscreen = function () {
                 return Promise.reject(new TypeError("refused")); }; }"""
        )
        page.locator(".nm-fullscreen-button").click()
        container = page.locator(".leaflet-container")
        expect(container).to_have_attribute("data-fullscreen", "css")
        box = container.bounding_box()
        assert box and box["width"] == 1400 and box["height"] == 1000
        page.keyboard.press("Escape")
        expect(container).to_have_attribute("data-fullscreen", "")


def test_many_events_draw_as_bounded_groups_with_the_selected_one_alone(
    browser: Browser, seed: pd.DataFrame, tmp_path: Path
) -> None:
    events = many_events(seed, 20_000)
    path, name = write_page(tmp_path, events, selected="gen-0000042")
    with open_offline(browser, path) as opened:
        page = opened.page
        assert page.get_attribute("[data-events-drawn]", "data-events-drawn") == "20000"
        shapes = page.locator("path.nm-group").count()
        assert 0 < shapes <= 3000
        assert page.locator("path.nm-selected").count() == 1
        expect(page.locator(".leaflet-popup-content")).to_contain_text("Event gen-0000042")
        groups = popup_texts(page, name, "path.nm-group")
        assert len(groups) == shapes
        for text in groups[:50]:
            assert not EVENT_LINE.search(text), text
            assert "events" in text.splitlines()[0]
        page.locator("path.nm-group").last.dispatch_event("click")
        expect(page.locator(".nm-group-popup")).to_contain_text("narrow the filters")
        page.get_by_label("Heat").check()
        assert heat_pixels(page) > 1000
        only_tiles_were_blocked(opened)


def test_a_replaced_layer_keeps_the_view_the_overlays_and_one_control(
    browser: Browser, seed: pd.DataFrame, tmp_path: Path
) -> None:
    base = base_map(seed)
    path = tmp_path / "base.html"
    path.write_text(base.get_root().render(), encoding="utf-8")
    battles = seed[seed["event_type"] == "Battles"]
    with open_offline(browser, path, wait_for=".leaflet-container") as opened:
        page = opened.page
        swap_layer(page, base, streamlit_layer_js(events_layer(battles), base))
        expect(page.locator("[data-events-drawn]")).to_have_attribute("data-events-drawn", "3")
        view_js = (
            f"() => {{ var m = window['{base.get_name()}'];"
            " return [m.getZoom(), m.getCenter().lat, m.getCenter().lng]; }"
        )
        page.evaluate(f"() => window['{base.get_name()}'].setView([50.1, 30.2], 9)")
        view = page.evaluate(view_js)
        assert view[0] == 9
        page.get_by_label("Heat").check()
        page.get_by_label("Areas").uncheck()

        many = many_events(seed, 5_000)
        swap_layer(page, base, streamlit_layer_js(events_layer(many, max_markers=300), base))
        expect(page.locator("[data-events-drawn]")).to_have_attribute("data-events-drawn", "5000")
        assert page.locator("path.nm-event").count() == 0  # the old layer is gone
        assert 0 < page.locator("path.nm-group").count() <= 300

        swap_layer(page, base, streamlit_layer_js(events_layer(seed, selected=None), base))
        placed = str(int(seed["latitude"].notna().sum()))
        expect(page.locator("[data-events-drawn]")).to_have_attribute("data-events-drawn", placed)
        assert page.locator("path.nm-group").count() == 0
        assert page.evaluate(view_js) == view
        assert page.locator(".leaflet-control-layers").count() == 1
        labels = page.locator(".leaflet-control-layers-overlays label")
        assert labels.all_inner_texts() == [" Events", " Areas", " Heat"]
        expect(page.get_by_label("Heat")).to_be_checked()
        expect(page.get_by_label("Areas")).not_to_be_checked()
        assert page.locator("path.nm-area").count() == 0
        expect(page.locator("canvas.nm-heat")).to_have_count(1)
        only_tiles_were_blocked(opened)


def test_a_redrawn_layer_opens_the_selected_popup_unless_the_reader_closed_it(
    browser: Browser, seed: pd.DataFrame, tmp_path: Path
) -> None:
    base = base_map(seed)
    path = tmp_path / "base.html"
    path.write_text(base.get_root().render(), encoding="utf-8")
    popup = None
    with open_offline(browser, path, wait_for=".leaflet-container") as opened:
        page = opened.page
        popup = page.locator(".leaflet-popup-content")

        def draw(selected: str | None) -> None:
            swap_layer(page, base, streamlit_layer_js(events_layer(seed, selected=selected), base))

        zoom = f"() => window['{base.get_name()}'].getZoom()"
        before = page.evaluate(zoom)
        draw("seed-000-01")  # shares its point with seed-000-02: in a cluster
        expect(popup).to_contain_text("Event seed-000-01")
        assert page.evaluate(zoom) == before
        page.locator(".leaflet-popup-close-button").click()
        expect(popup).to_have_count(0)
        draw("seed-000-01")  # a filter changed; the selection did not
        page.wait_for_timeout(300)
        expect(popup).to_have_count(0)
        draw("seed-000-10")
        expect(popup).to_contain_text("Event seed-000-10")
        assert page.evaluate(zoom) == before
        draw(None)
        expect(popup).to_have_count(0)
        assert not opened.errors


def test_a_late_redraw_does_not_take_the_popup_the_reader_just_opened(
    browser: Browser, seed: pd.DataFrame, tmp_path: Path
) -> None:
    base = base_map(seed)
    path = tmp_path / "base.html"
    path.write_text(base.get_root().render(), encoding="utf-8")
    with open_offline(browser, path, wait_for=".leaflet-container") as opened:
        page = opened.page
        popup = page.locator(".leaflet-popup-content")

        def draw(selected: str | None) -> None:
            swap_layer(page, base, streamlit_layer_js(events_layer(seed, selected=selected), base))

        def click(event_id: str) -> None:
            page.evaluate(
                """([name, id]) => window[name].eachLayer(function (l) {
                     if (l.nmEventId === id && l._path && l._path.matches("path.nm-event")) {
                       l.fire("click", {latlng: l.getLatLng()});
                     } })""",
                [base.get_name(), event_id],
            )

        draw(None)
        click("seed-000-09")
        expect(popup).to_contain_text("Event seed-000-09")
        page.locator(".leaflet-popup-close-button").click()
        expect(popup).to_have_count(0)  # closing fades out: wait until it is gone
        click("seed-000-11")
        expect(popup).to_contain_text("Event seed-000-11")
        draw("seed-000-09")  # the rerun for the first click arrives late
        expect(popup).to_have_count(1)
        expect(popup).to_contain_text("Event seed-000-11")
        draw("seed-000-11")  # then the one for the second
        expect(popup).to_have_count(1)
        expect(popup).to_contain_text("Event seed-000-11")
        assert not opened.errors


def test_exported_file_keeps_its_timeline_and_overlays(
    browser: Browser, seed: pd.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "export.html"
    path.write_text(map_html(seed, total=len(seed)), encoding="utf-8")
    placed = int(seed["latitude"].notna().sum())
    with open_offline(browser, path) as opened:
        page = opened.page
        drawn = page.locator("[data-events-drawn]")
        expect(drawn).to_have_attribute("data-events-drawn", str(placed))
        page.locator("input.nm-from").focus()
        page.keyboard.press("End")
        assert int(drawn.get_attribute("data-events-drawn") or 0) < placed
        page.get_by_label("Heat").check()
        assert heat_pixels(page) > 0
        page.locator("input.nm-from").focus()
        page.keyboard.press("Home")
        expect(drawn).to_have_attribute("data-events-drawn", str(placed))
        only_tiles_were_blocked(opened)


def test_hostile_text_never_runs(browser: Browser, seed: pd.DataFrame, tmp_path: Path) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    events = seed.copy()
    for column in ("location", "notes", "actor1", "source"):
        events[column] = pd.array([hostile] * len(events), dtype="string")
    for limit in (3000, 2):  # one by one, then grouped
        path, name = write_page(tmp_path, events, max_markers=limit)
        with open_offline(browser, path) as opened:
            page = opened.page
            for shape in page.locator("path.nm-event, path.nm-group").all():
                shape.dispatch_event("mouseover")
                shape.dispatch_event("click")
            texts = popup_texts(page, name, "path.nm-event, path.nm-group")
            assert any(hostile in t for t in texts)
            page.wait_for_timeout(200)
            assert page.locator(".leaflet-popup-content img, .leaflet-tooltip img").count() == 0
            # streamlit-folium reads a clicked shape's tooltip through innerHTML.
            made = page.evaluate(
                """(name) => { var n = 0; window[name].eachLayer(function (l) {
                     if (l.getTooltip && l.getTooltip()) {
                       var span = document.createElement("span");
                       span.innerHTML = l.getTooltip().getContent();
                       n += span.querySelectorAll("img").length;
                     } }); return n; }""",
                name,
            )
            assert made == 0
            only_tiles_were_blocked(opened)
