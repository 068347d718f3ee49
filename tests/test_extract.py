"""Article → events: the seed's curated events recovered, nothing invented at
talks venues, provenance that is a whole sentence, and text kept as text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import DataError
from geo.events import SCHEMA, empty_events
from geo.extract import extract_article, extract_events
from geo.gazetteer import Gazetteer
from geo.sentences import split_sentences

from .conftest import SEED_ARTICLE, SEED_EVENTS

PUBLISHED = date(2022, 3, 29)
SEED_ID = "000_45894fdbe1c545f1"
TEST_ARTICLES = Path(__file__).parent / "data" / "articles"


@pytest.fixture(scope="module")
def seed_events(gazetteer: Gazetteer) -> pd.DataFrame:
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    return extract_events(text, PUBLISHED, gazetteer=gazetteer, article_id=SEED_ID)


def matched_curated(extracted: pd.DataFrame) -> tuple[int, list[str]]:
    """Curated rows matched one-to-one by (location or geonameid) and event date."""
    curated = pd.read_csv(SEED_EVENTS, dtype=str, keep_default_na=False)
    free = list(extracted.index)
    missed = []
    for row in curated.itertuples():
        for i in free:
            e = extracted.loc[i]
            same_place = e["location"] == row.location or (
                row.geonameid != ""
                and pd.notna(e["geonameid"])
                and str(e["geonameid"]) == row.geonameid
            )
            if same_place and e["event_date"].strftime("%Y-%m-%d") == row.event_date:
                free.remove(i)
                break
        else:
            missed.append(f"{row.event_id} {row.location} {row.event_date}")
    return len(curated) - len(missed), missed


def test_recovers_at_least_90_percent_of_the_curated_seed_events(
    seed_events: pd.DataFrame,
) -> None:
    hit, missed = matched_curated(seed_events)
    total = hit + len(missed)
    assert hit / total >= 0.9, f"{hit}/{total}; missed {missed}"


def test_no_fighting_at_the_talks_venues(seed_events: pd.DataFrame) -> None:
    violent = seed_events["event_type"].isin(["Battles", "Explosions/Remote violence"])
    assert not (violent & seed_events["location"].isin(["Istanbul", "Belarus"])).any()
    talks = seed_events[seed_events["location"].isin(["Istanbul", "Belarus"])]
    assert set(talks["event_type"]) <= {"Strategic developments"}


def test_table_has_the_schema_and_types_of_read_events(seed_events: pd.DataFrame) -> None:
    assert list(seed_events.columns) == list(SCHEMA)
    assert dict(seed_events.dtypes.astype(str)) == dict(empty_events().dtypes.astype(str))


def test_provenance_spans_are_whole_sentences(seed_events: pd.DataFrame, seed_text: str) -> None:
    sentences = {(s.start, s.end) for s in split_sentences(seed_text)}
    for row in seed_events.itertuples():
        assert row.article_id == SEED_ID
        assert (row.span_start, row.span_end) in sentences, row.event_id
        if pd.notna(row.latitude):
            name = str(row.location).replace(" region", "")
            assert name in seed_text[row.span_start : row.span_end], row.event_id


def test_ids_are_stable_and_in_text_order(
    seed_events: pd.DataFrame, gazetteer: Gazetteer, seed_text: str
) -> None:
    again = extract_events(seed_text, PUBLISHED, gazetteer=gazetteer, article_id=SEED_ID)
    pd.testing.assert_frame_equal(seed_events, again)
    expected = [f"{SEED_ID}-{n:03d}" for n in range(1, len(seed_events) + 1)]
    assert list(seed_events["event_id"]) == expected
    assert seed_events["span_start"].is_monotonic_increasing


def test_the_seed_details_a_reviewer_would_check(seed_events: pd.DataFrame) -> None:
    by_place = seed_events.set_index("location")
    irpin = seed_events[
        (seed_events["location"] == "Irpin") & (seed_events["event_type"] == "Battles")
    ].iloc[0]
    assert irpin["actor1"] == "Military Forces of Ukraine (2019-)"
    assert irpin["actor2"] == "Military Forces of Russia (2000-)"
    assert (irpin["event_date"].date(), irpin["date_precision"]) == (date(2022, 3, 28), "day")
    assert by_place.loc["Makariv", "fatalities"] == 1
    assert by_place.loc["Rivne region", "geo_precision"] == 3
    draw_down = seed_events["tags"].fillna("").str.contains("announcement|withdrawal")
    near = seed_events[seed_events["location"].isin(["Kyiv", "Chernihiv"]) & draw_down]
    assert len(near) == 4  # announced and seen, near each of the two cities
    assert (near["geo_precision"] == 2).all()


def test_notes_are_our_own_words(seed_events: pd.DataFrame) -> None:
    for note in seed_events["notes"]:
        assert "(reported 2022-03-29" in note
        assert "“" not in note and '"' not in note


def test_hostile_text_stays_text(gazetteer: Gazetteer) -> None:
    text = (
        '<script>alert("x")</script> Russian missiles struck Lviv on Saturday.\n'
        "<img src=x onerror=alert(1)> Fighting continued near Kharkiv <b>today</b>."
    )
    events = extract_events(text, date(2022, 3, 28), gazetteer=gazetteer, article_id="hostile")
    assert set(events["location"]) >= {"Lviv"}
    for row in events.itertuples():
        assert "<" not in row.notes and "script" not in row.notes
        evidence = text[row.span_start : row.span_end]
        assert evidence in text
    lviv = events[events["location"] == "Lviv"].iloc[0]
    assert "<script>" in text[lviv["span_start"] : lviv["span_end"]]


def test_passing_mentions_make_no_events(gazetteer: Gazetteer) -> None:
    text = (
        "Talks in Istanbul were set for Tuesday. "
        "The president flew to Warsaw after visiting Berlin. "
        "Russia has long insisted that Ukraine abandon plans to join NATO."
    )
    events = extract_events(text, PUBLISHED, gazetteer=gazetteer, article_id="quiet")
    assert not events["event_type"].isin(["Battles", "Explosions/Remote violence"]).any()
    assert set(events["location"]) <= {"Istanbul"}


def test_an_abstained_place_is_kept_without_coordinates(gazetteer: Gazetteer) -> None:
    path = TEST_ARTICLES / "103_kharkiv_brief.txt"
    events = extract_article(path, None, gazetteer=gazetteer)
    unplaced = events[events["latitude"].isna()]
    assert (unplaced["unplaced_reason"].fillna("") != "").all()
    assert events["event_date"].min() >= pd.Timestamp("2022-04-01")


def test_other_reports_of_2022(gazetteer: Gazetteer) -> None:
    """Our own short reports: a strike, shelling with deaths, a retaken village."""
    wire = extract_article(TEST_ARTICLES / "101_lviv_wire.txt", None, gazetteer=gazetteer)
    strikes = wire[wire["event_type"] == "Explosions/Remote violence"]
    assert "Lviv" in set(strikes["location"])
    assert "Warsaw" not in set(wire["location"])  # where a president was, not a strike
    daily = extract_article(TEST_ARTICLES / "102_lviv_daily.txt", None, gazetteer=gazetteer)
    chernihiv = daily[daily["location"] == "Chernihiv"]
    assert list(chernihiv["fatalities"]) == [3]
    brief = extract_article(TEST_ARTICLES / "103_kharkiv_brief.txt", None, gazetteer=gazetteer)
    kharkiv = brief[brief["location"] == "Kharkiv"].iloc[0]
    assert (kharkiv["event_date"].date(), kharkiv["fatalities"]) == (date(2022, 4, 6), 4)


def test_article_metadata_gives_the_date_and_source(gazetteer: Gazetteer) -> None:
    events = extract_article(SEED_ARTICLE, None, gazetteer=gazetteer)
    assert set(events["article_id"]) == {SEED_ID}
    assert set(events["source"]) == {"AP-style wire report (seed article)"}
    later = extract_article(SEED_ARTICLE, date(2022, 3, 30), gazetteer=gazetteer)
    assert later["event_date"].max() >= pd.Timestamp("2022-03-30")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("Kyiv".encode("utf-16"), "binary"),
        ("Kiew wurde beschossen, sagte der Bürgermeister.".encode("latin-1"), "UTF-8"),
    ],
)
def test_bad_files_are_clear_errors(
    tmp_path: Path, gazetteer: Gazetteer, content: bytes, words: str
) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    with pytest.raises(DataError, match=words):
        extract_article(path, PUBLISHED, gazetteer=gazetteer)


def test_missing_date_and_missing_file_are_clear_errors(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    path = tmp_path / "article.txt"
    path.write_text("Russian missiles struck Lviv on Saturday.", encoding="utf-8")
    with pytest.raises(DataError, match="--published"):
        extract_article(path, None, gazetteer=gazetteer)
    with pytest.raises(DataError, match="check the path"):
        extract_article(tmp_path / "nope.txt", PUBLISHED, gazetteer=gazetteer)


def test_too_large_files_are_refused(
    tmp_path: Path, gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import geo.files

    monkeypatch.setattr(geo.files, "MAX_ARTICLE_BYTES", 10)
    path = tmp_path / "article.txt"
    path.write_text("Russian missiles struck Lviv on Saturday.", encoding="utf-8")
    with pytest.raises(DataError, match="more than the .* an article may be"):
        extract_article(path, PUBLISHED, gazetteer=gazetteer)
