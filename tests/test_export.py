from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from geo.events import EventFilter, filter_events, read_events
from geo.export import events_geojson, map_html, write_map_html

from .conftest import SEED_EVENTS


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    return read_events(SEED_EVENTS).events


def test_html_is_self_contained_and_says_what_it_shows(seed: pd.DataFrame) -> None:
    flt = EventFilter.of(event_types=["Battles"])
    html = map_html(filter_events(seed, flt), total=len(seed), filters=flt.describe())
    assert not re.search(r'(src|href)="https?://', html)
    caption = json.loads(re.search(r"var lines = (\[.*?\]);", html).group(1))
    assert caption[1].startswith("3 of 17 events; 3 on the map")
    assert caption[2] == "Filters: type: Battles"


def test_write_is_atomic_and_errors_are_export_errors(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    write_map_html(target, "<html></html>")
    assert target.read_text() == "<html></html>"
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(OSError, match="could not write"):
        write_map_html(tmp_path / "missing-folder" / "map.html", "x")


def test_geojson_is_lon_lat_and_keeps_the_columns(seed: pd.DataFrame) -> None:
    collection = events_geojson(seed)
    placed = seed[seed["latitude"].notna()]
    assert len(collection["features"]) == len(placed)
    irpin = next(f for f in collection["features"] if f["properties"]["event_id"] == "seed-000-01")
    assert irpin["geometry"]["coordinates"] == [30.24037, 50.52201]
    assert irpin["properties"]["event_date"] == "2022-03-28"
    assert irpin["properties"]["geonameid"] == 707565
    assert irpin["properties"]["fatalities"] is None
    json.dumps(collection)  # every value is JSON-ready


def test_export_keeps_every_event_and_its_timeline_past_the_dashboard_limit(
    seed: pd.DataFrame,
) -> None:
    from geo.maps import MAX_MARKERS

    from .map_browser import many_events

    events = many_events(seed, MAX_MARKERS + 500)
    html = map_html(events, total=len(events))
    data = json.loads(re.search(r"var data = (\{.*?\});\n", html).group(1))
    assert data["groups"] is None and data["events"]["n"] == MAX_MARKERS + 500
    assert "map.nmShow(function (e)" in html  # the file's own timeline redraws events


def test_hostile_filters_and_title_stay_text(seed: pd.DataFrame) -> None:
    hostile = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
    html = map_html(seed, filters=hostile, title=hostile)
    assert "</script><script>alert" not in html and "<img src=x" not in html
    caption = json.loads(re.search(r"var lines = (\[.*?\]);", html).group(1))
    assert caption[0] == hostile and caption[2] == f"Filters: {hostile}"
