"""The curated seed events: right dates, right places, and provenance that points
at the sentence that says it."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from geo.gazetteer import Gazetteer

from .conftest import DATA, SEED_EVENTS


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    return pd.read_csv(SEED_EVENTS, dtype=str, keep_default_na=False)


def test_article_metadata_gives_the_publication_date() -> None:
    meta = json.loads((DATA / "articles" / "000_45894fdbe1c545f1.json").read_text())
    assert meta["published"] == "2022-03-29"


def test_every_span_is_a_whole_sentence_naming_the_place(
    seed: pd.DataFrame, seed_text: str
) -> None:
    for row in seed.itertuples():
        start, end = int(row.span_start), int(row.span_end)
        sentence = seed_text[start:end]
        assert start == 0 or seed_text[start - 1] in " \n", row.event_id
        assert sentence.rstrip('”"').endswith((".", "”")), (row.event_id, sentence[-20:])
        name = row.location.replace(" region", "")
        assert name in sentence, (row.event_id, name)


EXPECTED = [
    # location, event_date, date_precision, geo_precision, words of the sub-event type or tags
    ("Irpin", "2022-03-28", "day", "1", "regains territory"),
    ("Irpin", "2022-03-29", "week", "1", "Other"),  # the mayor: "liberated"
    ("Rivne region", "2022-03-28", "day", "3", "missile"),
    ("Ukraine", "2022-03-28", "day", "3", "Other"),  # Ukrtelecom cyberattack
    ("Kyiv", "2022-03-29", "day", "2", "announcement"),  # announced draw-down
    ("Chernihiv", "2022-03-29", "day", "2", "announcement"),
    ("Kyiv", "2022-03-29", "week", "2", "withdrawal"),  # withdrawals seen, undated
    ("Chernihiv", "2022-03-29", "week", "2", "withdrawal"),
    ("Istanbul", "2022-03-29", "day", "1", "Other"),
    ("Belarus", "2022-03-01", "month", "3", "Other"),
    ("Trostyanets", "2022-03-29", "week", "1", "regains territory"),
    ("Makariv", "2022-03-26", "week", "1", "Armed clash"),
    ("Yasnohorodka", "2022-03-29", "week", "1", "Change to group"),
    ("Donbas", "2022-03-25", "week", "3", "Change to group"),  # late last week
    ("Donbas", "2022-03-27", "week", "3", "Other"),  # over the weekend
]


@pytest.mark.parametrize(("location", "day", "precision", "geo", "sub"), EXPECTED)
def test_curated_events(
    seed: pd.DataFrame, location: str, day: str, precision: str, geo: str, sub: str
) -> None:
    rows = seed[(seed["location"] == location) & (seed["event_date"] == day)]
    described = rows["sub_event_type"] + " " + rows["tags"]
    rows = rows[described.str.contains(sub, regex=False)]
    assert len(rows) >= 1, f"no {sub} event at {location} on {day}"
    assert set(rows["date_precision"]) == {precision}
    assert set(rows["geo_precision"]) == {geo}


def test_both_draw_down_and_withdrawal_rows_per_place(seed: pd.DataFrame) -> None:
    for place in ("Kyiv", "Chernihiv"):
        rows = seed[
            (seed["location"] == place) & seed["tags"].str.contains("withdrawal|announcement")
        ]
        assert len(rows) == 2, place
    religious = seed[seed["tags"].str.contains("religious sites")]
    assert set(religious["location"]) == {"Kyiv", "Ukraine"}


def test_coordinates_agree_with_the_gazetteer(seed: pd.DataFrame) -> None:
    with Gazetteer.open() as gazetteer:
        for row in seed.itertuples():
            assert row.latitude and row.longitude, f"{row.event_id} has no coordinates"
            if not row.geonameid:
                continue
            place = gazetteer.by_id(int(row.geonameid))
            assert place is not None, row.geonameid
            assert abs(place.latitude - float(row.latitude)) < 0.01, row.event_id
            assert abs(place.longitude - float(row.longitude)) < 0.01, row.event_id


def test_region_rows_carry_the_right_ids(seed: pd.DataFrame) -> None:
    ids = dict(zip(seed["location"], seed["geonameid"], strict=False))
    assert ids["Rivne region"] == "695592"
    assert ids["Belarus"] == "630336"
    assert ids["Trostyanets"] == "691255"
