from __future__ import annotations

import json
import re
import time

import folium
import numpy as np
import pandas as pd
import pytest

from geo.aggregate import grid_groups, summarise
from geo.articles import evidence, read_articles
from geo.events import read_events
from geo.gazetteer import Gazetteer
from geo.maps import (
    AGGREGATE_NOTE,
    NEAR_RADIUS_KM,
    REGION_RADIUS_KM,
    TYPE_COLOURS,
    EventsLayer,
    MapContext,
    base_map,
    build_map,
    decode_records,
    encode_records,
    event_records,
    events_layer,
    layer_payload_bytes,
    layer_script,
    safe_json,
)

from .conftest import DATA, SEED_EVENTS
from .map_browser import many_events

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`backtick` and \\`escaped\\`",
    "</script><script>alert(2)</script>",
    "\u2028line separator\u2029",
]


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    events = read_events(SEED_EVENTS).events
    return events.assign(evidence=evidence(events, read_articles(DATA / "articles")))


def layer_data(html: str) -> dict:
    """The events layer's data as the page carries it."""
    match = re.search(r"var data = (\{.*?\});\n", html)
    assert match, "the events layer's data is missing from the map"
    return json.loads(match.group(1))


def payload(html: str) -> list[dict]:
    return decode_records(layer_data(html)["events"])


def test_every_placed_event_is_drawn_once(seed: pd.DataFrame) -> None:
    html = build_map(seed).get_root().render()
    records = payload(html)
    placed = seed[seed["latitude"].notna()]
    assert sorted(r["id"] for r in records) == sorted(placed["event_id"])


def test_map_uses_no_cdn(seed: pd.DataFrame) -> None:
    html = build_map(seed).get_root().render()
    assert not re.search(r'(src|href)="https?://', html), "a script or stylesheet from the web"
    assert "data:text/javascript" in html and "L.markerClusterGroup" in html


def test_bounds_hold_every_event(seed: pd.DataFrame) -> None:
    m = build_map(seed)
    html = m.get_root().render()
    match = re.search(r"fitBounds\(\s*(\[\[.*?\]\])", html, re.S)
    assert match
    (south, west), (north, east) = json.loads(match.group(1))
    placed = seed[seed["latitude"].notna()]
    assert (placed["latitude"].between(south, north)).all()
    assert (placed["longitude"].between(west, east)).all()


def test_precision_decides_the_shape(seed: pd.DataFrame) -> None:
    extents = {"seed-000-04": 400.0}
    records = {r["id"]: r for r in event_records(seed, extents)}
    irpin = records["seed-000-01"]
    assert irpin["gp"] == 1 and irpin["r"] == 0
    near_kyiv = records["seed-000-05"]
    assert near_kyiv["gp"] == 2 and near_kyiv["r"] == NEAR_RADIUS_KM * 1000
    cyber = records["seed-000-04"]  # country-level, sized by the given extent
    assert cyber["gp"] == 3 and cyber["r"] == 400_000
    belarus = records["seed-000-10"]  # no extent given: the default area
    assert belarus["r"] == REGION_RADIUS_KM * 1000
    assert irpin["colour"] == TYPE_COLOURS["Battles"]
    assert irpin["evidence"].startswith("President Volodymyr Zelensky announced late Monday")
    assert (irpin["dp"], irpin["t0"], irpin["t1"]) == ("day", "2022-03-28", "2022-03-28")


def test_gazetteer_sizes_regions_and_names_reference_places(seed: pd.DataFrame) -> None:
    with Gazetteer.open() as gazetteer:
        context = MapContext.from_gazetteer(seed, gazetteer)
        rivne = gazetteer.by_id(695592)
    wide = seed.loc[seed["geo_precision"] >= 3, "event_id"]
    assert set(context.extents_km) == set(wide)  # Donbas too, found by name
    assert context.extents_km["seed-000-03"] == rivne.radius_km
    ukraine, belarus = context.extents_km["seed-000-04"], context.extents_km["seed-000-10"]
    assert ukraine > belarus > context.extents_km["seed-000-16"] > 50  # country > region
    names = [name for name, _, _ in context.landmarks]
    assert {"Kyiv", "Minsk", "Ankara"} <= set(names)
    assert len(names) == len(set(names)) <= 40
    html = build_map(seed, context=context).get_root().render()
    assert "OfflineBackdrop" not in html and '"Minsk"' in html


def test_no_gazetteer_no_extras(seed: pd.DataFrame) -> None:
    assert MapContext.from_gazetteer(seed, None) == MapContext()


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_text(seed: pd.DataFrame, text: str) -> None:
    events = seed.head(2).copy()
    events["notes"] = pd.array([text, text], dtype="string")
    events["location"] = pd.array([text, "Kyiv"], dtype="string")
    html = build_map(events).get_root().render()
    assert "</script><script>alert" not in html
    assert "<img src=x" not in html
    records = payload(html)
    assert records[0]["notes"] == text  # nothing lost: the browser gets the exact string


def test_safe_json_round_trips_and_hides_markup() -> None:
    value = {"a": "</script>&<b>\u2028"}
    text = safe_json(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


def test_encoding_stores_repeated_values_once_and_round_trips(seed: pd.DataFrame) -> None:
    records = event_records(seed)
    table = encode_records(records)
    assert decode_records(table) == records
    assert isinstance(table["columns"]["type"], dict)  # 17 events, 3 types
    assert isinstance(table["columns"]["id"], list)  # all distinct: stored plainly
    assert decode_records(encode_records([])) == []


def data_of(layer: folium.FeatureGroup) -> dict:
    (element,) = [c for c in layer._children.values() if isinstance(c, EventsLayer)]
    return element.data


def streamlit_map_script(m: folium.Map) -> str:
    """The main map script as st_folium sends it (its ids normalised)."""
    from streamlit_folium import _get_map_string

    m.get_root().render()
    return _get_map_string(m)


def test_base_map_is_the_same_script_for_the_same_events(seed: pd.DataFrame) -> None:
    from streamlit_folium import generate_js_hash

    with Gazetteer.open() as gazetteer:
        context = MapContext.from_gazetteer(seed, gazetteer)
    first = streamlit_map_script(base_map(seed, context=context))
    again = streamlit_map_script(base_map(seed, context=context))
    assert first == again
    assert generate_js_hash(first, "map") == generate_js_hash(again, "map")
    # The events drawn are the layer's business: the base map does not carry them.
    assert "seed-000-01" not in first and "L.markerClusterGroup" not in first
    assert '"Battles"' in first and "fitBounds" in first and "nmSetOverlays" in first


def test_base_map_holds_no_events_and_the_layer_draws_them(seed: pd.DataFrame) -> None:
    m = base_map(seed)
    layer = events_layer(seed[seed["event_type"] == "Battles"])
    html = m.get_root().render()
    assert "EventsLayer" not in html
    data = data_of(layer)
    assert data["groups"] is None and data["total"] == 3
    assert {r["type"] for r in decode_records(data["events"])} == {"Battles"}
    assert layer_payload_bytes(layer) == len(layer_script(layer).encode("utf-8"))


def test_past_the_limit_events_travel_as_bounded_groups(seed: pd.DataFrame) -> None:
    events = many_events(seed, 20_000)
    layer = events_layer(events, max_markers=500, selected="gen-0000042")
    data = data_of(layer)
    groups = data["groups"]
    assert 0 < groups["n"] == len(groups["count"]) <= 500
    assert sum(groups["count"]) == len(events) == data["total"]
    assert groups["count"] == sorted(groups["count"], reverse=True)  # small ones on top
    kinds = len(data["types"])
    by_type = np.array(groups["byType"]).reshape(groups["n"], kinds)
    assert (by_type.sum(axis=1) == groups["count"]).all()
    assert (by_type.argmax(axis=1) == groups["dom"]).all()
    # The selected event is still drawn on its own, and only it.
    (chosen,) = decode_records(data["events"])
    assert chosen["id"] == "gen-0000042"
    # Region-level events keep their areas, the largest groups only.
    wide = int((events["geo_precision"] >= 3).sum())
    assert 0 < sum(data["areas"]["count"]) <= wide
    assert layer_payload_bytes(layer) < 200_000
    assert layer_payload_bytes(layer) * 10 < layer_payload_bytes(build_map(events))


def test_grouping_does_not_grow_with_the_events(seed: pd.DataFrame) -> None:
    small = layer_payload_bytes(events_layer(many_events(seed, 20_000)))
    large = layer_payload_bytes(events_layer(many_events(seed, 100_000)))
    assert large < small * 1.5


def test_grouping_100k_events_is_quick(seed: pd.DataFrame) -> None:
    events = many_events(seed, 100_000)
    events_layer(events)  # warm
    took = []
    for _ in range(3):  # CPU time: the machine may be shared; best of three
        start = time.process_time()
        events_layer(events, selected="gen-0000001")
        took.append(time.process_time() - start)
    assert min(took) < 0.5, f"events_layer took {min(took):.2f} s of CPU for 100,000 events"


def test_grid_keeps_shared_points_together_and_coarsens_to_the_limit() -> None:
    rng = np.random.default_rng(1)
    lat = np.concatenate([rng.uniform(44, 52, 5000), np.full(50, 50.45466)])
    lon = np.concatenate([rng.uniform(22, 40, 5000), np.full(50, 30.5238)])
    for limit in (1, 7, 100, 4000):
        grid = grid_groups(lat, lon, limit)
        assert grid.groups <= limit
        assert len(np.unique(grid.labels[-50:])) == 1  # one point, one group
        assert np.log2(grid.cell_degrees * 1024).is_integer()
    assert grid_groups(lat, lon, 10_000).groups > 4000  # fine enough to keep them apart
    with pytest.raises(ValueError, match="at least 1"):
        grid_groups(lat, lon, 0)


def test_group_summaries(seed: pd.DataFrame) -> None:
    events = seed[seed["latitude"].notna()].reset_index(drop=True)
    labels = np.zeros(len(events), dtype=np.int64)
    types = sorted(events["event_type"].astype(str).unique())
    table = summarise(events, labels, 1, types, top_places=2)
    assert table["count"] == [len(events)]
    counts = events["event_type"].astype(str).value_counts()
    assert dict(zip(types, table["byType"], strict=True)) == counts.to_dict()
    assert types[table["dom"][0]] == counts.idxmax()
    top = [table["places"][i] for i in table["placeName"]]
    places = events["location"].value_counts()
    assert table["placeCount"] == places.iloc[:2].tolist() and top[0] == places.index[0]
    first = pd.Timestamp("1970-01-01") + pd.Timedelta(days=table["first"][0])
    assert first == events["event_date"].min()


def test_export_never_groups(seed: pd.DataFrame) -> None:
    events = many_events(seed, 3_500)
    data = layer_data(build_map(events).get_root().render())
    assert data["groups"] is None and data["events"]["n"] == 3_500


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_text_in_groups(seed: pd.DataFrame, text: str) -> None:
    events = many_events(seed, 50)
    events["location"] = pd.array([text] * 50, dtype="string")
    events["event_type"] = pd.Categorical([text] * 50)
    m = base_map(events)
    events_layer(events, max_markers=5).add_to(m)
    html = m.get_root().render()
    assert "</script><script>alert" not in html
    assert "<img src=x" not in html
    data = layer_data(html)
    assert data["groups"]["places"] == [text] and data["types"] == [text]


def test_group_note_never_reads_as_an_event_line() -> None:
    assert not re.search(r"Event (\S+)\s*$", AGGREGATE_NOTE)


def test_merged_reports_say_how_many_sources() -> None:
    from geo.events import read_events
    from geo.maps import event_records

    from .conftest import SEED_EVENTS

    events = read_events(SEED_EVENTS).events
    events.loc[0, "source_count"] = 3
    records = event_records(events)
    assert records[0]["sources"] == 3
    assert all(r["sources"] is None for r in records[1:])  # one report: nothing to say


def test_the_first_view_fits_the_bulk_not_the_outliers() -> None:
    import folium

    from geo.events import read_events
    from geo.maps import base_map

    from .conftest import SEED_EVENTS

    seed = read_events(SEED_EVENTS).events
    kyiv = seed[seed["location"] == "Kyiv"].iloc[[0]]
    bulk = pd.concat([kyiv] * 1990, ignore_index=True)
    far = pd.concat([kyiv] * 10, ignore_index=True).assign(latitude=43.1, longitude=131.9)
    events = pd.concat([bulk, far], ignore_index=True).assign(
        event_id=[f"e{i}" for i in range(2000)]
    )
    fit = next(c for c in base_map(events)._children.values() if isinstance(c, folium.FitBounds))
    (south, west), (north, east) = fit.bounds
    assert east < 40  # Vladivostok (131.9 E) is left out of the first view
    assert south < 50.45 < north and west < 30.52 < east
