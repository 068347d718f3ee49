"""Provenance of an event, and a reviewer's corrections to its place."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from geo.articles import read_articles
from geo.events import SCHEMA, read_events
from geo.review import provenance, regeocode, relocate, unplace

from .conftest import DATA, SEED_EVENTS


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    return read_events(SEED_EVENTS).events


def event(seed: pd.DataFrame, location: str) -> dict[str, Any]:
    return seed[seed["location"] == location].iloc[0].to_dict()


def test_provenance_cites_the_sentence_and_the_entry(seed: pd.DataFrame, gazetteer: Any) -> None:
    articles = read_articles(DATA / "articles")
    proof = provenance(event(seed, "Trostyanets"), articles, gazetteer)
    before, sentence, after = proof.passage()
    assert "Trostyanets" in sentence and before and after
    assert before + sentence + after == proof.article.text  # type: ignore[union-attr]
    assert proof.place is not None and proof.place.name == "Trostyanets"
    assert proof.place.admin1 and "Sumy" in proof.place.admin1
    # Other Trostyanets exist (in Vinnytsia oblast, for one): they are the alternatives.
    assert proof.alternatives
    assert all(p.geonameid != proof.place.geonameid for p in proof.alternatives)


def test_only_web_links_are_offered(seed: pd.DataFrame) -> None:
    row = event(seed, "Irpin") | {"source_url": "javascript:alert(1)"}
    assert provenance(row, {}, None).source_url == ""
    row["source_url"] = "https://example.org/a"
    assert provenance(row, {}, None).source_url == "https://example.org/a"


def test_relocate_moves_only_that_event_and_keeps_dtypes(
    seed: pd.DataFrame, gazetteer: Any
) -> None:
    trostyanets = event(seed, "Trostyanets")
    other = next(
        p for p in gazetteer.candidates("Trostyanets") if p.geonameid != trostyanets["geonameid"]
    )
    fixed = relocate(seed, trostyanets["event_id"], other)
    moved = fixed[fixed["event_id"] == trostyanets["event_id"]].iloc[0]
    assert moved["geonameid"] == other.geonameid
    assert moved["latitude"] == pytest.approx(other.latitude, abs=1e-5)
    assert moved["notes"] == trostyanets["notes"]  # provenance kept
    assert (fixed.dtypes == seed.dtypes).all()
    rest = fixed["event_id"] != trostyanets["event_id"]
    pd.testing.assert_frame_equal(fixed[rest], seed[rest])
    assert list(fixed.columns) == list(SCHEMA) or set(SCHEMA) <= set(fixed.columns)


def test_unplace_keeps_the_row_off_the_map_with_a_reason(seed: pd.DataFrame) -> None:
    irpin = event(seed, "Irpin")["event_id"]
    fixed = unplace(seed, irpin, "a reviewer judged the place wrong")
    row = fixed[fixed["event_id"] == irpin].iloc[0]
    assert pd.isna(row["latitude"]) and pd.isna(row["geonameid"])
    assert row["unplaced_reason"] == "a reviewer judged the place wrong"
    assert len(fixed) == len(seed)


def test_an_unknown_event_is_a_clear_error(seed: pd.DataFrame) -> None:
    with pytest.raises(KeyError, match="no event with event_id 'nope'"):
        unplace(seed, "nope", "x")


def test_a_retyped_place_is_placed_again_with_the_article_as_context(
    seed: pd.DataFrame, gazetteer: Any
) -> None:
    rows = seed.head(3).copy()
    names = rows["location"].copy()
    names.iloc[0] = "Rivne region"  # was Irpin
    names.iloc[1] = "Nowhere-on-Sea"  # no such place
    fixed, notes = regeocode(rows, names, gazetteer)
    assert fixed["geonameid"].iloc[0] == 695592 and fixed["location"].iloc[0] == "Rivne region"
    assert fixed["geo_precision"].iloc[0] == 3
    assert pd.isna(fixed["latitude"].iloc[1]) and fixed["location"].iloc[1] == "Nowhere-on-Sea"
    assert "Nowhere-on-Sea" in fixed["unplaced_reason"].iloc[1]
    pd.testing.assert_series_equal(fixed.iloc[2], rows.iloc[2])  # untouched
    assert len(notes) == 2
