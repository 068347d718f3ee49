"""Place search: events within a radius, and those placed at the very entry searched."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo.events import read_events
from geo.geometry import haversine_km
from geo.nearby import distances_km, in_box, near

from .conftest import SEED_EVENTS


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    return read_events(SEED_EVENTS).events


def test_distances_agree_with_the_scalar_formula(seed: pd.DataFrame) -> None:
    got = distances_km(seed, 50.45466, 30.5238)
    for d, lat, lon in zip(got, seed["latitude"], seed["longitude"], strict=True):
        if pd.isna(lat):
            assert math.isnan(d)
        else:
            assert d == pytest.approx(haversine_km(50.45466, 30.5238, lat, lon), abs=1e-6)


def test_near_kyiv_takes_its_suburbs_and_not_chernihiv(seed: pd.DataFrame) -> None:
    around = near(seed, 50.45466, 30.5238, 40.0)
    places = set(around["location"])
    assert {"Kyiv", "Irpin"} <= places
    assert "Chernihiv" not in places and "Trostyanets" not in places


def test_an_event_at_the_searched_entry_counts_even_far_from_its_point(
    seed: pd.DataFrame,
) -> None:
    # The Rivne region event carries the region's id (695592); searched by that id
    # from a point 300 km away it is still found.
    far = near(seed, 50.45, 30.52, 1.0, geonameid=695592)
    assert "Rivne region" in set(far["location"])


def test_country_and_region_events_do_not_count_as_the_capital(seed: pd.DataFrame) -> None:
    # "Ukraine" events sit at Kyiv's point, but a search for Kyiv is not about them.
    around = near(seed, 50.45466, 30.5238, 40.0, geonameid=703448)
    assert "Ukraine" not in set(around["location"])
    # Searching the country itself finds them.
    assert "Ukraine" in set(near(seed, 50.45466, 30.5238, 40.0, geonameid=690791)["location"])


def test_in_box_keeps_what_a_map_view_shows(seed: pd.DataFrame) -> None:
    # A view of the Kyiv area: Kyiv, Irpin and the country points at Kyiv, not Chernihiv.
    shown = in_box(seed, 50.0, 29.5, 50.8, 31.0)
    assert {"Kyiv", "Irpin", "Makariv"} <= set(shown["location"])
    assert "Chernihiv" not in set(shown["location"])
    assert shown["latitude"].notna().all()


def test_in_box_wraps_across_the_antimeridian() -> None:
    events = pd.DataFrame({"latitude": [0.0, 0.0, 0.0], "longitude": [179.5, -179.5, 0.0]})
    assert len(in_box(events, -1.0, 179.0, 1.0, -179.0)) == 2
