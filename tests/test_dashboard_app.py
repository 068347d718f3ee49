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


def locations(at: AppTest) -> list[str]:
    return sorted(at.dataframe[0].value["location"])


@pytest.mark.parametrize("spelling", ["Kyiv", "Kiev", "Київ"])
def test_place_search_knows_other_spellings(seed_app: AppTest, spelling: str) -> None:
    seed_app.sidebar.text_input(key="f_near").input(spelling)
    seed_app.sidebar.slider(key="f_km").set_value(40).run()
    assert not seed_app.exception, seed_app.exception
    assert locations(seed_app) == ["Irpin", "Irpin", "Kyiv", "Kyiv", "Kyiv", "Yasnohorodka"]
    assert seed_app.query_params["near"] in (spelling, [spelling])


def test_place_search_says_when_it_knows_no_such_place(seed_app: AppTest) -> None:
    seed_app.sidebar.text_input(key="f_near").input("Atlantis-on-Sea").run()
    assert any("No place called 'Atlantis-on-Sea'" in w.value for w in seed_app.sidebar.warning)
    assert count_line(seed_app).startswith("**17 of 17 events**")


def selected_app(monkeypatch: pytest.MonkeyPatch, events: Path, event_id: str) -> AppTest:
    monkeypatch.setenv("NEWSMAP_EVENTS", str(events))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["event"] = event_id
    at.run()
    assert not at.exception, at.exception
    return at


def html_blocks(at: AppTest) -> list[str]:
    return [str(h.proto.body) for h in at.get("html")]


def test_a_selected_event_shows_its_sentence_source_and_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = selected_app(monkeypatch, SEED_EVENTS, "seed-000-11")  # Trostyanets
    blocks = html_blocks(at)
    assert len(blocks) == 1
    marked = blocks[0].split("<mark")[1].split("</mark>")[0]
    assert "Trostyanets" in marked
    texts = [t.value for t in at.text]
    assert any(t.startswith("Trostyanets, Sumy") and "691255" in t for t in texts), texts
    assert any(b.label.startswith("Move here") for b in at.button)
    assert at.query_params["event"] in ("seed-000-11", ["seed-000-11"])


def test_one_click_correction_moves_the_event_and_saves_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    events_file = tmp_path / "events.csv"
    events_file.write_bytes(SEED_EVENTS.read_bytes())
    at = selected_app(monkeypatch, events_file, "seed-000-11")
    before = read_events(events_file).events.set_index("event_id").loc["seed-000-11"]
    move = next(b for b in at.button if b.key and b.key.startswith("move-seed-000-11-"))
    move.click().run()
    assert not at.exception, at.exception
    at.button(key="save-corrections").click().run()
    assert not at.exception, at.exception
    after = read_events(events_file).events.set_index("event_id")
    moved = after.loc["seed-000-11"]
    assert moved["geonameid"] != before["geonameid"] and moved["location"] == "Trostyanets"
    assert moved["notes"] == before["notes"] and moved["span_start"] == before["span_start"]
    assert len(after) == 17
    assert any("Saved 1 correction" in s.value for s in at.success)


def test_taking_an_event_off_the_map_keeps_it_in_the_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = selected_app(monkeypatch, SEED_EVENTS, "seed-000-11")
    at.button(key="unplace-seed-000-11").click().run()
    assert count_line(at).startswith("**17 of 17 events** · 1 without coordinates")


def test_an_unknown_event_in_the_link_selects_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    at = selected_app(monkeypatch, SEED_EVENTS, "no-such-event")
    assert not html_blocks(at)
    assert "event" not in at.query_params


def test_play_steps_through_the_days_to_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSMAP_PLAY_SECONDS", "0")
    at = run_app(monkeypatch, SEED_EVENTS)
    at.button(key="play").click().run()
    assert not at.exception, at.exception
    # It played day by day from 1 March and stopped on the last day.
    assert at.slider(key="timeline").value == (date(2022, 3, 29), date(2022, 3, 29))
    assert at.button(key="play").label == "▶ Play"


def test_permalink_restores_place_search_selection_and_map_view(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSMAP_EVENTS", str(SEED_EVENTS))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["near"] = "Kiev"
    at.query_params["km"] = "40"
    at.query_params["event"] = "seed-000-01"
    at.query_params["view"] = "50.5000,30.3000,11"
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.text_input(key="f_near").value == "Kiev"
    assert at.sidebar.slider(key="f_km").value == 40
    assert count_line(at).startswith("**6 of 17 events**")
    assert html_blocks(at)  # the selected event's evidence is open
    assert at.query_params["view"] in ("50.5000,30.3000,11", ["50.5000,30.3000,11"])


def test_only_events_in_the_maps_view(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSMAP_EVENTS", str(SEED_EVENTS))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["inview"] = "1"
    at.session_state["map_bounds"] = (50.0, 29.5, 50.8, 31.0)  # as the map reports it
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.checkbox(key="f_inview").value is True
    assert "Chernihiv" not in locations(at) and "Kyiv" in locations(at)
    at.sidebar.checkbox(key="f_inview").uncheck().run()
    assert count_line(at).startswith("**17 of 17 events**")
    assert "inview" not in at.query_params


def test_read_only_lists_namesakes_without_offering_fixes(
    monkeypatch: pytest.MonkeyPatch, gazetteer: object
) -> None:
    monkeypatch.setenv("NEWSMAP_READ_ONLY", "1")
    at = selected_app(monkeypatch, SEED_EVENTS, "seed-000-11")  # Trostyanets
    texts = [t.value for t in at.text]
    assert sum("Trostyanets" in t for t in texts) >= 2  # the entry and its namesakes
    assert not [b for b in at.button if b.key and b.key.startswith(("move-", "unplace-"))]
