"""newsmap dashboard: Streamlit UI only. It reads state, calls geo, renders.

Run:  streamlit run dashboard.py [-- --events PATH] [-- --articles DIR]
(or set NEWSMAP_EVENTS / NEWSMAP_ARTICLES).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import (
    DataError,
    EventFilter,
    Gazetteer,
    GazetteerError,
    LoadReport,
    MapContext,
    actors_of,
    build_map,
    events_geojson,
    evidence,
    filter_events,
    map_html,
    read_articles,
    read_events,
    rejection_message,
    to_csv_bytes,
)

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
def load_evidence(events: pd.DataFrame, folder: str) -> pd.Series:
    return evidence(events, read_articles(Path(folder)))


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


def sidebar_filter(events: pd.DataFrame) -> EventFilter:
    sb = st.sidebar
    sb.header("Filters")
    types = sb.multiselect("Event type", sorted(events["event_type"].dropna().unique()))
    actors = sb.multiselect("Actor", actors_of(events))
    places = sb.multiselect("Place", sorted(events["location"].dropna().unique()))
    text = sb.text_input("Text in notes, places, actors")
    start = end = None
    dates = events["event_date"].dropna()
    if not dates.empty:
        first, last = dates.min().date(), dates.max().date()
        if first < last:
            start, end = st.slider(
                "Timeline: event dates",
                min_value=first,
                max_value=last,
                value=(first, last),
                format="D MMM YYYY",
                key="timeline",
            )
        else:
            st.caption(f"All events on {first:%d %b %Y}.")
    return EventFilter.of(types, actors, places, start, end, text)


def file_stem(flt: EventFilter, first: date | None, last: date | None) -> str:
    span = f"{first:%Y%m%d}-{last:%Y%m%d}" if first and last else "all-dates"
    return f"newsmap-events-{span}"


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
    st.caption(
        f"{args.events.name} · dates are calendar dates of the events, as reported"
        + (" · read-only: this hosted copy writes nothing" if locked else "")
    )
    show_problems(report)

    events = report.events.assign(evidence=load_evidence(report.events, str(args.articles)))
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
        use_container_width=True,
        column_config={"event_date": st.column_config.DateColumn("event_date")},
    )
    stem = file_stem(flt, flt.start, flt.end)
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


main()
