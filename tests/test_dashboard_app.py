"""The dashboard's logic under Streamlit's AppTest (no browser: the map itself is
covered by the browser tests, since AppTest cannot see inside st_folium)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.articles import evidence, read_article
from geo.events import read_events

from .conftest import ROOT, SEED_EVENTS

DASHBOARD = str(ROOT / "dashboard.py")


def run_app(monkeypatch: pytest.MonkeyPatch, events: Path) -> AppTest:
    monkeypatch.setenv("NEWSMAP_EVENTS", str(events))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def count_line(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if " events**" in m.value]
    assert len(lines) == 1, [m.value for m in at.markdown]
    return lines[0]


@pytest.fixture
def seed_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    yield run_app(monkeypatch, SEED_EVENTS)


def test_seed_shows_every_event(seed_app: AppTest) -> None:
    assert count_line(seed_app).startswith("**17 of 17 events**")
    assert not seed_app.error
    table = seed_app.dataframe[0].value
    assert len(table) == 17


def test_type_filter_narrows_the_count_and_table(seed_app: AppTest) -> None:
    seed_app.sidebar.multiselect[0].select("Battles").run()
    assert count_line(seed_app).startswith("**3 of 17 events**")
    assert set(seed_app.dataframe[0].value["location"]) == {"Irpin", "Trostyanets", "Makariv"}


def test_timeline_slider_narrows_the_count(seed_app: AppTest) -> None:
    slider = seed_app.slider(key="timeline")
    assert slider.value == (date(2022, 3, 1), date(2022, 3, 29))
    slider.set_range(date(2022, 3, 22), date(2022, 3, 22)).run()
    # 22 March: only the month-precision events and "late last week" (25 March, give or take 3)
    assert count_line(seed_app).startswith("**4 of 17 events**")
    table = seed_app.dataframe[0].value
    assert set(table["date_precision"]) == {"month", "week"}


def test_place_and_text_filters(seed_app: AppTest) -> None:
    seed_app.sidebar.multiselect[2].select("Kyiv").run()
    assert count_line(seed_app).startswith("**3 of 17 events**")
    seed_app.sidebar.text_input[0].input("religious").run()
    assert count_line(seed_app).startswith("**1 of 17 events**")


def test_no_match_says_so(seed_app: AppTest) -> None:
    seed_app.sidebar.text_input[0].input("no such words anywhere").run()
    assert count_line(seed_app).startswith("**0 of 17 events**")
    assert any("No event matches" in i.value for i in seed_app.info)


def test_bad_rows_are_reported_and_good_rows_shown(
    monkeypatch: pytest.MonkeyPatch, bad_events_file: Path
) -> None:
    at = run_app(monkeypatch, bad_events_file)
    assert count_line(at).startswith("**2 of 2 events**")
    assert "3 of 5 rows in messy events.csv could not be loaded" in at.error[0].value
    messages = [t.value for t in at.text]
    assert any(
        m.startswith("messy events.csv, line 3, column 'event_date'") and "YYYY-MM-DD" in m
        for m in messages
    )
    assert any("line 4, column 'latitude'" in m and "95" in m for m in messages)
    assert any("line 5, column 'event_id'" in m and "already used" in m for m in messages)


def test_unreadable_file_is_an_error_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "nodate.csv"
    path.write_text("event_id,location\na,Kyiv\n")
    at = run_app(monkeypatch, path)
    assert "missing required column(s) 'event_date', 'event_type'" in at.error[0].value


def ingest(at: AppTest, text: str) -> AppTest:
    at.text_area(key="article-text").input(text)
    at.date_input(key="article-published").set_value(date(2022, 3, 29))
    at.text_input(key="article-source").input("Test wire")
    at.button(key="extract").click().run()
    assert not at.exception, at.exception
    return at


def test_ingested_article_events_join_the_map_and_save_with_provenance(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed_text: str
) -> None:
    events_file = tmp_path / "events.csv"
    events_file.write_bytes(SEED_EVENTS.read_bytes())
    articles = tmp_path / "articles"
    monkeypatch.setenv("NEWSMAP_ARTICLES", str(articles))
    at = ingest(run_app(monkeypatch, events_file), seed_text)
    found = [m.value for m in at.markdown if "events found" in m.value]
    assert found, [m.value for m in at.markdown]
    n = int(found[0].split("**")[1].split()[0])
    assert n >= 15
    at.button(key="accept-events").click().run()
    assert count_line(at).startswith(f"**{17 + n} of {17 + n} events**")

    at.button(key="save-events").click().run()
    assert not at.exception, at.exception
    saved = read_events(events_file)
    assert saved.rejected.empty and len(saved.events) == 17 + n
    new = saved.events[~saved.events["event_id"].str.startswith("seed-")]
    article_id = new["article_id"].iloc[0]
    stored = read_article(articles / f"{article_id}.txt")
    assert stored.text == seed_text and stored.published == date(2022, 3, 29)
    assert stored.source == "Test wire"
    cited = evidence(new, {article_id: stored})
    assert (cited.str.len() > 20).all()  # every saved event cites its sentence


def test_ingest_needs_a_date(monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(monkeypatch, SEED_EVENTS)
    at.text_area(key="article-text").input("Shelling hit Kharkiv on Monday.")
    at.button(key="extract").click().run()
    assert any("publication date" in e.value for e in at.error)


def test_permalink_restores_filters_and_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSMAP_EVENTS", str(SEED_EVENTS))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["type"] = ["Battles", "No such type"]
    at.query_params["from"] = "2022-03-27"
    at.query_params["to"] = "2022-03-29"
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.multiselect(key="f_types").value == ["Battles"]
    assert at.slider(key="timeline").value == (date(2022, 3, 27), date(2022, 3, 29))
    # Battles whose date window reaches 27-29 March: Irpin, Trostyanets, Makariv.
    assert count_line(at).startswith("**3 of 17 events**")


def test_filters_are_written_to_the_address(seed_app: AppTest) -> None:
    seed_app.sidebar.multiselect(key="f_places").select("Kyiv").run()
    seed_app.sidebar.text_input(key="f_text").input("religious").run()
    params = seed_app.query_params
    assert params["place"] in ("Kyiv", ["Kyiv"]) and params["q"] in ("religious", ["religious"])
    assert "from" not in params  # the full date range is the default, left out
