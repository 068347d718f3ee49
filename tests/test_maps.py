from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from geo.articles import evidence, read_articles
from geo.events import read_events
from geo.gazetteer import Gazetteer
from geo.maps import (
    NEAR_RADIUS_KM,
    REGION_RADIUS_KM,
    TYPE_COLOURS,
    MapContext,
    build_map,
    decode_records,
    encode_records,
    event_records,
    safe_json,
)

from .conftest import DATA, SEED_EVENTS

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


def payload(html: str) -> list[dict]:
    match = re.search(r"\}\)\((\{\"n\":.*?\})\);\n", html)
    assert match, "the events payload is missing from the map"
    return decode_records(json.loads(match.group(1)))


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
