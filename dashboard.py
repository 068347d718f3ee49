"""newsmap dashboard: Streamlit UI only. It reads state, calls geo, renders.

Run:  streamlit run dashboard.py [-- --events PATH] [-- --articles DIR]
(or set NEWSMAP_EVENTS / NEWSMAP_ARTICLES).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import (
    Article,
    DataError,
    EventFilter,
    Gazetteer,
    GazetteerError,
    LoadReport,
    MapContext,
    actors_of,
    build_map,
    combine,
    events_geojson,
    evidence,
    extract_events,
    filter_events,
    import_dataset,
    map_html,
    read_articles,
    read_events,
    rejection_message,
    to_csv_bytes,
    write_article,
    write_events,
)
from geo.events import EVENT_TYPES

HERE = Path(__file__).resolve().parent
TABLE_COLUMNS = [
    "event_id",
    "event_date",
    "date_precision",
    "event_type",
    "sub_event_type",
    "location",
    "admin1",
    "country",
    "geo_precision",
    "actor1",
    "actor2",
    "fatalities",
    "notes",
    "evidence",
    "source",
    "unplaced_reason",
]


def read_only() -> bool:
    """Public hosting: NEWSMAP_READ_ONLY=1 (an env var, or a root-level secret on
    Community Cloud). The app then writes nothing to disk."""
    return os.environ.get("NEWSMAP_READ_ONLY", "").strip().lower() in {"1", "true", "yes", "on"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dashboard.py")
    parser.add_argument(
        "--events",
        type=Path,
        default=Path(os.environ.get("NEWSMAP_EVENTS", HERE / "data" / "events.csv")),
    )
    parser.add_argument(
        "--articles",
        type=Path,
        default=Path(os.environ.get("NEWSMAP_ARTICLES", HERE / "data" / "articles")),
    )
    args, _ = parser.parse_known_args(argv)
    return args


@st.cache_data(show_spinner=False)
def load_events(path: str, mtime: float) -> LoadReport:
    """Cached on the file's path and modification time, so an edited file reloads."""
    del mtime  # part of the cache key only
    return read_events(Path(path), name=Path(path).name)


@st.cache_data(show_spinner=False)
def load_articles(folder: str) -> dict[str, Article]:
    return read_articles(Path(folder))


@st.cache_resource(show_spinner="Opening the gazetteer…")
def open_gazetteer(build: bool) -> tuple[Gazetteer | None, str]:
    """The gazetteer, or None and why: the map then draws without its extras."""
    try:
        return Gazetteer.open(build=build), ""
    except GazetteerError as err:
        return None, str(err)


@st.cache_data(show_spinner=False)
def map_context(events: pd.DataFrame, build: bool) -> MapContext:
    gazetteer, _ = open_gazetteer(build)
    return MapContext.from_gazetteer(events, gazetteer)


def show_problems(report: LoadReport) -> None:
    for warning in report.warnings:
        st.warning(warning)
    rejected = report.rejected
    if rejected.empty:
        return
    st.error(
        f"{len(rejected)} of {report.rows_read} rows in {report.source} could not be loaded; "
        "the other rows are shown. Fix them and load the file again."
    )
    with st.expander(f"Rejected rows ({len(rejected)})", expanded=True):
        for _, row in rejected.head(50).iterrows():
            st.text(rejection_message(row, report.source))
        if len(rejected) > 50:
            st.text(f"… and {len(rejected) - 50} more in the download.")
        st.download_button(
            "Download rejected rows (CSV)",
            rejected.to_csv(index=False).encode("utf-8"),
            file_name=f"{Path(report.source).stem}.rejected.csv",
            mime="text/csv",
        )


PERMALINK_KEYS = {"f_types": "type", "f_actors": "actor", "f_places": "place"}


def restore_from_url(events: pd.DataFrame, options: dict[str, list[str]]) -> None:
    """Once per session, set the filters from the address, so a shared link reopens the view.

    Values the data does not have are ignored rather than failing the page.
    """
    if st.session_state.get("restored"):
        return
    st.session_state["restored"] = True
    params = st.query_params
    for key, name in PERMALINK_KEYS.items():
        wanted = [v for v in params.get_all(name) if v in options[key]]
        if wanted:
            st.session_state[key] = wanted
    if params.get("q"):
        st.session_state["f_text"] = params["q"]
    dates = events["event_date"].dropna()
    if dates.empty:
        return
    first, last = dates.min().date(), dates.max().date()
    try:
        start = date.fromisoformat(params.get("from", first.isoformat()))
        end = date.fromisoformat(params.get("to", last.isoformat()))
    except ValueError:
        return
    start, end = max(first, min(start, last)), min(last, max(end, first))
    if start <= end and first < last:
        st.session_state["timeline"] = (start, end)


def write_to_url(flt: EventFilter, full_range: tuple[date, date] | None) -> None:
    """Keep the address in step with the filters: copying it shares exactly this view."""
    params: dict[str, list[str] | str] = {}
    for values, name in (
        (flt.event_types, "type"),
        (flt.actors, "actor"),
        (flt.places, "place"),
    ):
        if values:
            params[name] = sorted(values)
    if flt.text:
        params["q"] = flt.text
    if flt.start and flt.end and (flt.start, flt.end) != full_range:
        params["from"], params["to"] = flt.start.isoformat(), flt.end.isoformat()
    st.query_params.from_dict(params)


def sidebar_filter(events: pd.DataFrame) -> EventFilter:
    options = {
        "f_types": sorted(events["event_type"].dropna().unique()),
        "f_actors": actors_of(events),
        "f_places": sorted(events["location"].dropna().unique()),
    }
    restore_from_url(events, options)
    for key, allowed in options.items():  # the data may have changed under a selection
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in allowed]
    sb = st.sidebar
    sb.header("Filters")
    types = sb.multiselect("Event type", options["f_types"], key="f_types")
    actors = sb.multiselect("Actor", options["f_actors"], key="f_actors")
    places = sb.multiselect("Place", options["f_places"], key="f_places")
    text = sb.text_input("Text in notes, places, actors", key="f_text")
    sb.caption("The address bar holds these filters and the dates: copy it to share this view.")
    start = end = None
    full_range = None
    dates = events["event_date"].dropna()
    if not dates.empty:
        first, last = dates.min().date(), dates.max().date()
        full_range = (first, last)
        per_day = dates.dt.normalize().value_counts().sort_index()
        per_day.index = per_day.index.date
        st.caption("Events a day (by event date)")
        st.bar_chart(per_day, height=90, x_label="", y_label="")
        if first < last:
            chosen = st.session_state.get("timeline")
            if not chosen or not (first <= chosen[0] <= chosen[1] <= last):
                st.session_state["timeline"] = (first, last)  # new data, or nothing restored
            start, end = st.slider(
                "Timeline: event dates",
                min_value=first,
                max_value=last,
                format="D MMM YYYY",
                key="timeline",
            )
        else:
            st.caption(f"All events on {first:%d %b %Y}.")
    flt = EventFilter.of(types, actors, places, start, end, text)
    write_to_url(flt, full_range)
    return flt


def file_stem(flt: EventFilter) -> str:
    """Download names say the date range they hold."""
    span = f"{flt.start:%Y%m%d}-{flt.end:%Y%m%d}" if flt.start and flt.end else "all-dates"
    return f"newsmap-events-{span}"


def working_events(base: pd.DataFrame) -> pd.DataFrame:
    """What the map shows: the loaded file, or a dataset put in its place, plus additions."""
    events = st.session_state.get("dataset_events", base)
    added = st.session_state.get("added_events")
    return events if added is None else combine(events, added)[0]


def map_view(events: pd.DataFrame, articles: dict[str, Article], locked: bool) -> None:
    """The map tab: count, map, table and downloads of exactly what passes the filters."""
    events = events.assign(evidence=evidence(events, articles))
    flt = sidebar_filter(events)
    shown = filter_events(events, flt)
    unplaced = int(shown["latitude"].isna().sum())
    count = f"**{len(shown)} of {len(events)} events**"
    if unplaced:
        count += f" · {unplaced} without coordinates (in the table, not on the map)"
    st.markdown(count)
    if shown.empty:
        st.info("No event matches these filters. Widen the date range or clear a filter.")

    context = map_context(events, not locked)
    _, gazetteer_problem = open_gazetteer(not locked)
    if gazetteer_problem:
        st.caption(
            f"Gazetteer unavailable, so regions are drawn at a default size: {gazetteer_problem}"
        )
    st_folium(
        build_map(shown, context=context),
        returned_objects=[],
        use_container_width=True,
        height=560,
        key="events-map",
    )

    st.dataframe(
        shown[TABLE_COLUMNS],
        hide_index=True,
        width="stretch",
        column_config={"event_date": st.column_config.DateColumn("event_date")},
    )
    stem = file_stem(flt)
    left, middle, right = st.columns(3)
    left.download_button(
        "Download these events (CSV)",
        to_csv_bytes(shown.drop(columns="evidence")),
        file_name=f"{stem}.csv",
        mime="text/csv",
    )
    middle.download_button(
        "Download these events (GeoJSON)",
        json.dumps(events_geojson(shown.drop(columns="evidence")), ensure_ascii=False),
        file_name=f"{stem}.geojson",
        mime="application/geo+json",
    )
    right.download_button(
        "Download this map (HTML)",
        map_html(shown, total=len(events), filters=flt.describe(), context=context),
        file_name=f"{stem}.html",
        mime="text/html",
    )


REVIEW_COLUMNS = [
    "accept",
    "event_date",
    "date_precision",
    "event_type",
    "sub_event_type",
    "location",
    "geo_precision",
    "actor1",
    "actor2",
    "fatalities",
    "notes",
    "evidence",
    "unplaced_reason",
]


def ingest_article(args: argparse.Namespace) -> None:
    """Article in, events out: extract, review in an editor, accept onto the map."""
    st.subheader("Ingest an article")
    upload = st.file_uploader("Article as a UTF-8 text file", type=["txt"], key="article-file")
    text = st.text_area("…or paste its text", height=200, key="article-text")
    if upload is not None:
        try:
            text = upload.getvalue().decode("utf-8")
        except UnicodeDecodeError:
            st.error(f"{upload.name}: not UTF-8 text. Fix: save it as UTF-8 and upload again.")
            return
    left, middle, right = st.columns(3)
    published = left.date_input("Published on", value=None, key="article-published")
    source = middle.text_input("Source (outlet)", key="article-source")
    source_url = right.text_input("Source URL", key="article-url")
    if st.button("Extract events", type="primary", key="extract"):
        if not text.strip() or published is None:
            st.error("Give the article's text and its publication date, then extract again.")
            return
        gazetteer, problem = open_gazetteer(True)
        if gazetteer is None:
            st.error(f"The gazetteer is unavailable: {problem}")
            return
        article_id = "art_" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
        title = text.strip().splitlines()[0][:120]
        article = Article(article_id, text, published, source, source_url, title)
        found = extract_events(
            text,
            published,
            gazetteer=gazetteer,
            article_id=article_id,
            source=source,
            source_url=source_url,
        )
        st.session_state["extracted"] = (article, found)

    if "extracted" not in st.session_state:
        return
    article, found = st.session_state["extracted"]
    cited = evidence(found, {article.article_id: article})
    review = found.assign(accept=True, evidence=cited)[REVIEW_COLUMNS]
    st.markdown(f"**{len(found)} events found** in {article.title!r}: review, then accept.")
    edited = st.data_editor(
        review,
        hide_index=True,
        width="stretch",
        disabled=["evidence", "unplaced_reason", "location", "geo_precision"],
        column_config={
            "accept": st.column_config.CheckboxColumn("accept", default=True),
            "event_date": st.column_config.DateColumn("event_date"),
            "date_precision": st.column_config.SelectboxColumn(
                "date_precision", options=["day", "week", "month"], required=True
            ),
            "event_type": st.column_config.SelectboxColumn(
                "event_type", options=list(EVENT_TYPES), required=True
            ),
        },
        key="review",
    )
    accepted = accepted_rows(found, edited)
    # Callbacks run before the next rerun draws the map, so it shows the change at once.
    st.button(
        f"Add {len(accepted)} accepted events to the map",
        key="accept-events",
        on_click=add_events,
        args=(accepted, article),
    )
    if st.session_state.get("added_events") is not None:
        st.button(
            f"Save the added events to {args.events.name}",
            key="save-events",
            on_click=save_added,
            args=(args,),
        )
    flash()


def flash() -> None:
    """Show what the last button did (its callback ran before this rerun)."""
    message = st.session_state.pop("flash", None)
    if message:
        st.success(message)


def add_events(events: pd.DataFrame, article: Article | None = None) -> None:
    """Put events on the map for this session (and the article they cite, if any)."""
    if article is not None:
        st.session_state.setdefault("added_articles", {})[article.article_id] = article
    before = st.session_state.get("added_events")
    added, clashes = combine(before if before is not None else events[:0], events)
    st.session_state["added_events"] = added
    note = f"; {len(clashes)} with ids already there were left out" if len(clashes) else ""
    st.session_state["flash"] = f"{len(events) - len(clashes)} events added to the map{note}."


def accepted_rows(found: pd.DataFrame, edited: pd.DataFrame) -> pd.DataFrame:
    """The extracted rows the reviewer kept, with their edits, validated like any file."""
    rows = found.copy()
    for column in ("event_date", "date_precision", "event_type", "sub_event_type"):
        rows[column] = edited[column].to_numpy()
    for column in ("actor1", "actor2", "notes", "fatalities"):
        rows[column] = edited[column].to_numpy()
    rows = rows[edited["accept"].fillna(False).to_numpy(dtype=bool)]
    report = read_events(to_csv_bytes(rows), name="reviewed events")
    for _, row in report.rejected.iterrows():
        st.warning(rejection_message(row, "reviewed events"))
    return report.events


def save_added(args: argparse.Namespace) -> None:
    """Write the file's events plus the added ones, and the articles they cite."""
    base = read_events(args.events).events
    combined, clashes = combine(base, st.session_state["added_events"])
    for article in st.session_state.get("added_articles", {}).values():
        write_article(args.articles, article)
    write_events(args.events, combined)
    st.session_state.pop("added_events", None)
    load_events.clear()
    load_articles.clear()
    note = f"; {len(clashes)} already in the file were left out" if len(clashes) else ""
    st.session_state["flash"] = f"Saved {len(combined)} events to {args.events}{note}."


def show_dataset(events: pd.DataFrame, name: str) -> None:
    st.session_state["dataset_events"] = events
    st.session_state["flash"] = f"The map now shows {name}."


def load_dataset() -> None:
    """A dataset (ACLED, UCDP GED, any CSV or spreadsheet, GeoJSON) onto the map."""
    st.subheader("Load a dataset")
    upload = st.file_uploader(
        "ACLED export, UCDP GED CSV, a CSV or spreadsheet with coordinates and dates, or GeoJSON",
        type=["csv", "txt", "xlsx", "geojson", "json"],
        key="dataset-file",
    )
    fmt = st.selectbox("Format", ["auto", "acled", "ucdp", "csv", "geojson"], key="dataset-format")
    if upload is None:
        return
    gazetteer, _ = open_gazetteer(True)
    try:
        report = import_dataset(upload.getvalue(), fmt, name=upload.name, gazetteer=gazetteer)
    except DataError as err:
        st.error(str(err))
        return
    st.markdown(f"**{report.summary()}**")
    for choice in report.choices:
        st.caption(choice)
    if len(report.rejected):
        with st.expander(f"Rejected rows ({len(report.rejected)})", expanded=True):
            for _, row in report.rejected.head(50).iterrows():
                st.text(rejection_message(row, report.source))
            st.download_button(
                "Download rejected rows (CSV)",
                report.rejected.to_csv(index=False).encode("utf-8"),
                file_name=f"{Path(upload.name).stem}.rejected.csv",
                mime="text/csv",
                key="dataset-rejected",
            )
    left, right = st.columns(2)
    left.button(
        "Show this dataset on the map",
        key="dataset-replace",
        on_click=show_dataset,
        args=(report.events, upload.name),
    )
    right.button(
        "Add it to the events on the map",
        key="dataset-merge",
        on_click=add_events,
        args=(report.events,),
    )
    flash()


def main() -> None:
    st.set_page_config(page_title="newsmap", page_icon="🗺️", layout="wide")
    args = parse_args(sys.argv[1:])
    st.title("newsmap")
    try:
        mtime = args.events.stat().st_mtime
        report = load_events(str(args.events), mtime)
    except FileNotFoundError:
        st.error(f"No events file at {args.events}. Fix: pass --events PATH to an events CSV.")
        st.stop()
    except DataError as err:
        st.error(str(err))
        st.stop()
    locked = read_only()
    updated = datetime.fromtimestamp(mtime, tz=UTC)
    st.caption(
        f"{args.events.name}, updated {updated:%d %b %Y %H:%M} UTC · event dates are "
        "calendar days where the events happened, as reported (no time zone)"
        + (" · read-only: this hosted copy writes nothing" if locked else "")
    )
    show_problems(report)
    articles = {**load_articles(str(args.articles)), **st.session_state.get("added_articles", {})}
    events = working_events(report.events)
    if locked:
        map_view(events, articles, locked)
        return
    tab_map, tab_article, tab_dataset = st.tabs(["Map", "Ingest an article", "Load a dataset"])
    with tab_map:
        map_view(events, articles, locked)
    with tab_article:
        ingest_article(args)
    with tab_dataset:
        load_dataset()


main()
