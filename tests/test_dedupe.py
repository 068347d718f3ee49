"""One strike, two outlets: one event with two sources and a source count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from geo.dedupe import merge_events
from geo.events import SCHEMA
from geo.extract import extract_article
from geo.gazetteer import Gazetteer

ARTICLES = Path(__file__).parent / "data" / "articles"


@pytest.fixture(scope="module")
def reports() -> Iterator[list[pd.DataFrame]]:
    with Gazetteer.open() as g:
        yield [extract_article(p, None, gazetteer=g) for p in sorted(ARTICLES.glob("*.txt"))]


def test_one_strike_reported_twice_is_one_event(reports: list[pd.DataFrame]) -> None:
    merged = merge_events(reports)
    lviv = merged[
        (merged["location"] == "Lviv") & (merged["event_type"] == "Explosions/Remote violence")
    ]
    assert len(lviv) == 1
    row = lviv.iloc[0]
    assert row["source_count"] == 2
    assert "Test Wire" in row["source"] and "Test Daily" in row["source"]
    assert row["date_precision"] == "day"  # the more precise report is the face
    assert len(row["merged_event_ids"].split("; ")) == 2


def test_nothing_is_lost_and_the_schema_holds(reports: list[pd.DataFrame]) -> None:
    merged = merge_events(reports)
    total = sum(len(r) for r in reports)
    ids = [i for cell in merged["merged_event_ids"] for i in cell.split("; ")]
    assert sorted(ids) == sorted(i for r in reports for i in r["event_id"])
    assert len(merged) < total
    assert list(merged.columns) == [*SCHEMA, "merged_event_ids"]
    for column, dtype in SCHEMA.items():
        assert str(merged[column].dtype) == dtype, column


def _event(eid: str, article: str, when: str, precision: str, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {c: pd.NA for c in SCHEMA}
    row.update(
        event_id=eid,
        article_id=article,
        event_date=pd.Timestamp(when),
        date_precision=precision,
        event_type="Explosions/Remote violence",
        location="Kharkiv",
        geonameid=706483,
        source=article.upper(),
    )
    row.update(extra)
    return row


def _table(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column, dtype in SCHEMA.items():
        frame[column] = frame[column].astype(dtype)
    return frame


def test_the_rules_of_merging() -> None:
    rows = [
        _event("a-1", "a", "2022-04-06", "day", fatalities=4),
        _event("b-1", "b", "2022-04-07", "week", fatalities=3),  # same strike, vaguer
        _event("c-1", "c", "2022-04-20", "day"),  # two weeks later: another strike
        _event("d-1", "d", "2022-04-06", "day", event_type="Battles"),  # another kind
        _event("a-2", "a", "2022-04-06", "day"),  # same article: already one per happening
        _event("e-1", "e", "2022-04-06", "day", geonameid=pd.NA, location="Husarivka"),
    ]
    merged = merge_events(_table(rows)).set_index("event_id")
    assert merged.loc["a-1", "source_count"] == 2
    assert merged.loc["a-1", "fatalities"] == 4  # the largest count, not a sum
    assert merged.loc["a-1", "source"] == "A; B"
    assert set(merged.index) == {"a-1", "c-1", "d-1", "a-2", "e-1"}
    assert (merged.drop(index="a-1")["source_count"] == 1).all()


def test_empty_input() -> None:
    merged = merge_events([])
    assert merged.empty and "source_count" in merged.columns


def test_counts_already_merged_are_kept_and_grow() -> None:
    rows = [
        _event("m-1", "m", "2022-04-06", "day", source="A; B; C", source_count=3),
        _event("n-1", "n", "2022-04-06", "day", source="D"),
        _event("o-1", "o", "2022-04-20", "day", source="A; B", source_count=2),
    ]
    merged = merge_events(_table(rows)).set_index("event_id")
    assert merged.loc["m-1", "source_count"] == 4  # A, B, C and D
    assert merged.loc["o-1", "source_count"] == 2  # alone, still two sources


def test_tables_without_the_column_count_each_row_as_one_source() -> None:
    table = _table([_event("a-1", "a", "2022-04-06", "day")]).drop(columns="source_count")
    merged = merge_events(table)
    assert list(merged.columns) == [*SCHEMA, "merged_event_ids"]
    assert merged.loc[0, "source_count"] == 1
