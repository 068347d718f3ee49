"""newsmap dashboard: Streamlit UI only. It reads state, calls geo, renders.

Run:  streamlit run dashboard.py [-- --events PATH] [-- --articles DIR]
(or set NEWSMAP_EVENTS / NEWSMAP_ARTICLES).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from geo import (
    Article,
    DataError,
    EventFilter,
    Gazetteer,
    GazetteerError,
    LoadReport,
    actors_of,
    combine,
    evidence,
    extract_events,
    filter_events,
    import_dataset,
    read_articles,
    read_events,
    rejection_message,
    to_csv_bytes,
    write_article,
    write_events,
)
from geo.columns import cell_text
from geo.events import EVENT_TYPES, date_windows, search_text
from geo.gazetteer import Place
from geo.index import cache_dir
from geo.nearby import in_box
from geo.nearby import near as nearby
from geo.permalink import MAX_NEAR_KM, MapView, View
from geo.review import Provenance, provenance, regeocode, relocate, unplace
from geo.snapshot import read_events_cached
from geo.timeline import daily_counts, histogram_svg

if TYPE_CHECKING:
    from geo.maps import MapContext

# folium, branca and streamlit-folium (half a second to import) are imported where the
# map is drawn, not up here: the browser can then lay out the sidebar and the timeline
# while this process is still importing them. "Dashboard start-up" in benchmarks/README.md.

T = TypeVar("T")
Args = argparse.Namespace
ONE_DAY = timedelta(days=1)
PLAY_SECONDS_PER_DAY = float(os.environ.get("NEWSMAP_PLAY_SECONDS", "1.0"))
MAX_MARKERS = 3000  # beyond this many events in view, the map groups them by area
MAX_GROUPS = 1000  # into at most this many groups: legible, and quick to send and draw

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
    "source_count",
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


@st.cache_resource(show_spinner=False, max_entries=4)
def load_events(path: str, mtime: float, snapshot: bool) -> LoadReport:
    """Cached on the file's path and modification time, so an edited file reloads.

    A resource, not data: every rerun shares the one table instead of unpickling
    a copy (100,000 events cost ~0.1 s a copy). Nothing here modifies it. A large
    file is read and checked once per content: a checked copy is kept in the cache
    folder (geo.snapshot) for the next start, unless ``snapshot`` is False (a
    read-only copy writes nothing).
    """
    del mtime  # part of the cache key only
    return read_events_cached(Path(path), cache_dir() if snapshot else None, name=Path(path).name)


@st.cache_data(show_spinner=False)
def load_articles(folder: str) -> dict[str, Article]:
    return read_articles(Path(folder))


def open_gazetteer(build: bool) -> tuple[Gazetteer | None, str]:
    """The gazetteer, or None and why: the map then draws without its extras."""
    return _gazetteer(build, os.environ.get("NEWSMAP_CACHE_DIR", ""))


@st.cache_resource(show_spinner="Opening the gazetteer…")
def _gazetteer(build: bool, cache_dir: str) -> tuple[Gazetteer | None, str]:
    """One per process for each cache folder (part of the key: another folder is
    another index, or none), and for building allowed or not."""
    try:
        return Gazetteer.open(Path(cache_dir) if cache_dir else None, build=build), ""
    except GazetteerError as err:
        return None, str(err)


def data_version() -> tuple[object, ...]:
    """Changes whenever the events on the map change; keys what is derived from them."""
    return (
        st.session_state.get("file_version"),
        st.session_state.get("dataset_name"),
        st.session_state.get("added_version", 0),
        st.session_state.get("corrections_version", 0),
    )


def derived(name: str, make: Callable[[], T], key: object = None) -> T:
    """Computed once per version of the data (and ``key``) in this session, not per rerun.

    Hashing a 100,000-row table for st.cache_data would cost more than most of
    what is cached, so the data's version is the key instead. Only the latest
    value of each name is kept.
    """
    memo = st.session_state.setdefault("_derived", {})
    slot = (name, data_version(), key)
    if slot not in memo:
        for old in [k for k in memo if k[0] == name]:
            del memo[old]
        memo[slot] = make()
    return memo[slot]  # type: ignore[no-any-return]


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


# --- the view: filters, dates, place search, selection, map view, in the address ---

FILTER_KEYS = {"f_types": "event_types", "f_actors": "actors", "f_places": "places"}


def restore_from_url(options: dict[str, list[str]], full_range: tuple[date, date] | None) -> None:
    """Once per session, set the view from the address, so a shared link reopens it.

    Values the data does not have (or that do not parse) are dropped and named
    in a caption, rather than failing the page.
    """
    if st.session_state.get("restored"):
        return
    st.session_state["restored"] = True
    params = {name: st.query_params.get_all(name) for name in st.query_params}
    view = View.from_params(params)
    dropped = list(view.problems)
    for key, attr in FILTER_KEYS.items():
        wanted = getattr(view, attr)
        kept = [v for v in wanted if v in options[key]]
        dropped += [f"{v!r} is not in this data" for v in wanted if v not in options[key]]
        if kept:
            st.session_state[key] = kept
    st.session_state["f_text"] = view.text
    st.session_state["f_near"] = view.near
    st.session_state["f_km"] = int(view.near_km)
    if view.event:
        st.session_state["selected"] = view.event
    if view.map_view is not None:
        st.session_state["initial_view"] = view.map_view
        st.session_state["map_view"] = view.map_view
    st.session_state["f_inview"] = view.in_view
    if full_range and view.start and view.end:
        first, last = full_range
        start, end = max(first, min(view.start, last)), min(last, max(view.end, first))
        if start <= end and first < last:
            st.session_state["timeline"] = (start, end)
    st.session_state["url_problems"] = dropped


def write_to_url(view: View, full_range: tuple[date, date] | None) -> None:
    """Keep the address in step with the view: copying it shares exactly this view."""
    params = view.to_params(full_range)
    current = {name: st.query_params.get_all(name) for name in st.query_params}
    wanted = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)


def filter_options(events: pd.DataFrame) -> dict[str, list[str]]:
    return derived(
        "options",
        lambda: {
            "f_types": sorted(events["event_type"].dropna().unique()),
            "f_actors": actors_of(events),
            "f_places": sorted(events["location"].dropna().unique()),
        },
    )


def sidebar_filter(
    events: pd.DataFrame, gazetteer: Gazetteer | None
) -> tuple[EventFilter, Near, Chart]:
    options = filter_options(events)
    full_range = date_range(events)
    restore_from_url(options, full_range)
    for key, allowed in options.items():  # the data may have changed under a selection
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in allowed]
    sb = st.sidebar
    sb.header("Filters")
    types = sb.multiselect("Event type", options["f_types"], key="f_types")
    actors = sb.multiselect("Actor", options["f_actors"], key="f_actors")
    places = sb.multiselect("Place (as named in the data)", options["f_places"], key="f_places")
    text = sb.text_input("Text in notes, places, actors", key="f_text")
    near = place_search(gazetteer)
    sb.checkbox(
        "Only events in the map's view",
        key="f_inview",
        help="Follows your pan and zoom: zoom in on grouped events to see them one by one.",
    )
    for problem in st.session_state.get("url_problems", []):
        sb.caption(f"From the link: {problem}; left out.")
    sb.caption("The address bar holds this view: copy it to share exactly what you see.")
    start, end, chart = timeline(events, full_range)
    flt = EventFilter.of(types, actors, places, start, end, text)
    return flt, near, chart


class Near(NamedTuple):
    """The place search's answer: a point and radius, or nothing to filter by."""

    name: str
    km: float
    place: Place | None


def place_search(gazetteer: Gazetteer | None) -> Near:
    """Events around a place, found under any of its names (Kiev, Київ, Kyiv)."""
    sb = st.sidebar
    name = sb.text_input(
        "Near a place (any spelling: Kiev, Київ, Rovno…)", key="f_near", placeholder="e.g. Kharkov"
    ).strip()
    km = sb.slider("Within (km)", 1, int(MAX_NEAR_KM), key="f_km", step=1)
    if not name:
        return Near("", float(km), None)
    if gazetteer is None:
        sb.warning("The gazetteer is unavailable, so the place search is off.")
        return Near(name, float(km), None)
    candidates = derived("candidates", lambda: gazetteer.candidates(name), key=name)
    if not candidates:
        sb.warning(f"No place called {name!r} in the gazetteer; the search is off.")
        return Near(name, float(km), None)
    place = candidates[0]
    if len(candidates) > 1:
        labels = [describe_place(p) for p in candidates[:10]]
        chosen = sb.selectbox(f"{len(candidates)} places are called {name!r}", labels, index=0)
        place = candidates[labels.index(chosen)]
    sb.caption(f"Showing events within {km} km of {describe_place(place)}.")
    return Near(name, float(km), place)


def describe_place(place: Place) -> str:
    parts = [place.name, place.admin1 or "", place.country_name or place.country]
    where = ", ".join(dict.fromkeys(p for p in parts if p))
    return f"{where} ({place.feature}, GeoNames {place.geonameid})" if place.geonameid else where


class Chart(NamedTuple):
    """Where a chart goes, and what it shows (SVG): drawn later than its place is kept."""

    slot: DeltaGenerator | None
    svg: str

    def draw(self) -> None:
        if self.slot is not None:  # st.html strips SVG; the SVG holds only dates and numbers
            self.slot.markdown(self.svg, unsafe_allow_html=True)


def timeline(
    events: pd.DataFrame, full_range: tuple[date, date] | None
) -> tuple[date | None, date | None, Chart]:
    """Events a day over the data's dates, a range slider under it, and a play button."""
    if full_range is None:
        return None, None, Chart(None, "")
    first, last = full_range
    per_day = derived("per_day", lambda: daily_counts(events).loc[first:last])
    st.caption(
        "Events a day. Dark: known to the day; light: known only to the week or month, "
        "spread over the days it may have happened on."
    )
    # The chart's place is kept here and filled after the map is sent: the browser
    # then starts on the map first.
    chart = Chart(st.empty(), derived("per_day_svg", lambda: histogram_svg(per_day)))
    if first == last:
        st.caption(f"All events on {first:%d %b %Y}.")
        return first, last, chart
    chosen = st.session_state.get("timeline")
    if not chosen or not (first <= chosen[0] <= chosen[1] <= last):
        st.session_state["timeline"] = (first, last)  # new data, or nothing restored
    step_pending_play(first, last)
    slider, button = st.columns([12, 1], vertical_alignment="bottom")
    start, end = slider.slider(
        "Timeline: event dates",
        min_value=first,
        max_value=last,
        format="D MMM YYYY",
        key="timeline",
    )
    playing = st.session_state.get("playing", False)
    button.button(
        "⏸ Pause" if playing else "▶ Play",
        key="play",
        on_click=toggle_play,
        args=(first, last),
        help="Step through the days: the window moves a day at a time.",
    )
    return start, end, chart


def toggle_play(first: date, last: date) -> None:
    playing = not st.session_state.get("playing", False)
    st.session_state["playing"] = playing
    if not playing:
        return
    start, end = st.session_state.get("timeline", (first, last))
    if (start, end) == (first, last) or end >= last:
        st.session_state["timeline"] = (first, first)  # a day at a time, from the start


def step_pending_play(first: date, last: date) -> None:
    """Advance the playing window by a day (before the slider is drawn: its value is set)."""
    if not st.session_state.pop("play_step", False):
        return
    start, end = st.session_state["timeline"]
    if end >= last:
        st.session_state["playing"] = False
        return
    st.session_state["timeline"] = (min(start + ONE_DAY, last), min(end + ONE_DAY, last))


def keep_playing() -> None:
    """At the end of a rerun while playing: wait, then step to the next day."""
    if st.session_state.get("playing"):
        time.sleep(PLAY_SECONDS_PER_DAY)
        st.session_state["play_step"] = True
        st.rerun()


def file_stem(flt: EventFilter) -> str:
    """Download names say the date range they hold."""
    span = f"{flt.start:%Y%m%d}-{flt.end:%Y%m%d}" if flt.start and flt.end else "all-dates"
    return f"newsmap-events-{span}"


def working_events(base: pd.DataFrame) -> pd.DataFrame:
    """What the map shows: the loaded file, or a dataset put in its place, plus additions,
    with the reviewer's corrections applied."""
    events = st.session_state.get("dataset_events", base)
    added = st.session_state.get("added_events")
    if added is not None:
        events = combine(events, added)[0]
    return apply_corrections(events, st.session_state.get("corrections", {}))


def apply_corrections(events: pd.DataFrame, corrections: dict[str, Place | str]) -> pd.DataFrame:
    """A Place moves the event there; a string takes it off the map with that reason."""
    if not corrections:
        return events
    ids = set(events["event_id"].astype(str))
    for event_id, fix in corrections.items():
        if event_id not in ids:
            continue
        if isinstance(fix, str):
            events = unplace(events, event_id, fix)
        else:
            events = relocate(events, event_id, fix)
    return events


# --- the map tab ---------------------------------------------------------------------


def map_view(events: pd.DataFrame, articles: dict[str, Article], locked: bool, args: Args) -> None:
    """Count, timeline, map beside the evidence, table and downloads of what passes."""
    gazetteer, gazetteer_problem = open_gazetteer(not locked)
    flt, near, chart = sidebar_filter(events, gazetteer)
    shown = filter_events(
        events,
        flt,
        windows=derived("windows", lambda: date_windows(events)),
        haystack=derived("haystack", lambda: search_text(events)) if flt.text else None,
    )
    if near.place is not None:
        shown = nearby(
            shown, near.place.latitude, near.place.longitude, near.km, near.place.geonameid
        )
    bounds = st.session_state.get("map_bounds")
    if st.session_state.get("f_inview") and bounds:
        shown = in_box(shown, *bounds)
    selected = st.session_state.get("selected", "")
    if selected and not (events["event_id"] == selected).any():
        selected = ""
    write_to_url(current_view(flt, near, selected), date_range(events))

    unplaced = int(shown["latitude"].isna().sum())
    count = f"**{len(shown):,} of {len(events):,} events**"
    if unplaced:
        count += f" · {unplaced:,} without coordinates (in the table, not on the map)"
    placeholder = st.empty()
    placeholder.markdown(count)
    if shown.empty:
        st.info("No event matches these filters. Widen the date range or clear a filter.")

    from geo.maps import MapContext

    context = derived("context", lambda: MapContext.from_gazetteer(events, gazetteer))
    if gazetteer_problem:
        st.caption(
            f"Gazetteer unavailable, so regions are drawn at a default size: {gazetteer_problem}"
        )
    left, right = st.columns([2, 1])
    with left:
        draw_map(events, shown, articles, context, selected)
    chart.draw()
    with right:
        evidence_panel(
            events, articles, gazetteer, st.session_state.get("selected", ""), locked, args
        )
    events_table(shown, articles)
    downloads(shown, events, flt, articles, context)


def date_range(events: pd.DataFrame) -> tuple[date, date] | None:
    """The first and last event date of the data, or None when no event is dated."""

    def span() -> tuple[date, date] | None:
        dates = events["event_date"].dropna()
        return (dates.min().date(), dates.max().date()) if not dates.empty else None

    return derived("date_range", span)


def current_view(flt: EventFilter, near: Near, selected: str) -> View:
    return View(
        event_types=tuple(sorted(flt.event_types)),
        actors=tuple(sorted(flt.actors)),
        places=tuple(sorted(flt.places)),
        text=flt.text,
        start=flt.start,
        end=flt.end,
        near=near.name,
        near_km=near.km,
        event=selected,
        map_view=st.session_state.get("map_view"),
        in_view=bool(st.session_state.get("f_inview")),
    )


CLICKED = re.compile(r"Event (\S+)\s*$")


def on_map_change() -> None:
    """A marker clicked selects its event; a pan or zoom is remembered for the permalink."""
    value = st.session_state.get("events-map") or {}
    popup = value.get("last_object_clicked_popup") or ""
    found = CLICKED.search(popup)
    if found and found.group(1) != st.session_state.get("selected"):
        st.session_state["selected"] = found.group(1)
        st.session_state["table_nonce"] = st.session_state.get("table_nonce", 0) + 1
    box = value.get("bounds") or {}
    south_west, north_east = box.get("_southWest") or {}, box.get("_northEast") or {}
    if south_west.get("lat") is not None and north_east.get("lat") is not None:
        st.session_state["map_bounds"] = (
            float(south_west["lat"]),
            float(south_west["lng"]),
            float(north_east["lat"]),
            float(north_east["lng"]),
        )
    center, zoom = value.get("center"), value.get("zoom")
    if center and zoom is not None:
        st.session_state["map_view"] = MapView(
            round(float(center["lat"]), 4), round(float(center["lng"]), 4), int(zoom)
        )


def draw_map(
    events: pd.DataFrame,
    shown: pd.DataFrame,
    articles: dict[str, Article],
    context: MapContext,
    selected: str,
) -> None:
    """The base map stays put across reruns; only the events layer is replaced.

    The base is rebuilt each run (streamlit-folium adds the layer to the map it
    is given) but from the whole dataset, so its script, and with it the map,
    its zoom and position, only change when the data does.
    """
    from streamlit_folium import st_folium

    from geo.maps import base_map, events_layer

    placed = shown[shown["latitude"].notna()]
    if len(placed) <= MAX_MARKERS:
        placed = placed.assign(evidence=evidence(placed, articles))
    layer = events_layer(
        placed,
        context=context,
        selected=selected or None,
        max_markers=MAX_MARKERS,
        max_groups=MAX_GROUPS,
    )
    if len(placed) > MAX_MARKERS:
        st.caption(
            f"{len(placed):,} events are grouped by area: narrow the filters or dates to "
            f"{MAX_MARKERS:,} or fewer, or tick “Only events in the map's view” and zoom in, "
            "to see each one."
        )
    start = st.session_state.get("initial_view")
    st_folium(
        base_map(events, context=context),
        feature_group_to_add=layer,
        returned_objects=["last_object_clicked_popup", "center", "zoom", "bounds"],
        center=(start.lat, start.lon) if start else None,
        zoom=start.zoom if start else None,
        use_container_width=True,
        height=620,
        key="events-map",
        on_change=on_map_change,
    )


TABLE_LIMIT = 1000


def events_table(shown: pd.DataFrame, articles: dict[str, Article]) -> None:
    """The table: click a row to select its event (on the map and in the evidence)."""
    rows = shown.head(TABLE_LIMIT)
    rows = rows.assign(evidence=evidence(rows, articles))
    if len(shown) > TABLE_LIMIT:
        st.caption(
            f"The table lists the first {TABLE_LIMIT:,} of {len(shown):,} events; the "
            "downloads hold them all."
        )
    ids = rows["event_id"].astype(str).tolist()
    selected = st.session_state.get("selected", "")
    nonce = st.session_state.get("table_nonce", 0)
    default = {"selection": {"rows": [ids.index(selected)]}} if selected in ids else None
    st.session_state["table_ids"] = ids
    st.dataframe(
        rows[TABLE_COLUMNS],
        hide_index=True,
        width="stretch",
        column_config={"event_date": st.column_config.DateColumn("event_date")},
        on_select=on_table_select,
        selection_mode="single-row",
        selection_default=default,
        key=f"table-{nonce}",
    )


def on_table_select() -> None:
    """A row clicked selects its event; clearing the row clears the selection."""
    nonce = st.session_state.get("table_nonce", 0)
    state = st.session_state.get(f"table-{nonce}")
    rows = state["selection"]["rows"] if state else []
    ids = st.session_state.get("table_ids", [])
    st.session_state["selected"] = ids[rows[0]] if rows and rows[0] < len(ids) else ""


def downloads(
    shown: pd.DataFrame,
    events: pd.DataFrame,
    flt: EventFilter,
    articles: dict[str, Article],
    context: MapContext,
) -> None:
    """Exactly the filtered view. Small views are made at once; large ones only when the
    button is pressed (a 100,000-event map is tens of megabytes: building it on every
    rerun would stall the page). A made-on-press file is dropped by the next rerun, so
    a press that races one fails; small views never do."""
    from geo.export import events_geojson, map_html

    stem = file_stem(flt)
    left, middle, right = st.columns(3)
    left.download_button(
        "Download these events (CSV)",
        ready(lambda: to_csv_bytes(shown), len(shown) <= EAGER_TABLE_ROWS),
        file_name=f"{stem}.csv",
        mime="text/csv",
        on_click="ignore",
    )
    middle.download_button(
        "Download these events (GeoJSON)",
        ready(
            lambda: json.dumps(events_geojson(shown), ensure_ascii=False),
            len(shown) <= EAGER_TABLE_ROWS,
        ),
        file_name=f"{stem}.geojson",
        mime="application/geo+json",
        on_click="ignore",
    )
    right.download_button(
        "Download this map (HTML)",
        ready(
            lambda: map_html(
                shown.assign(evidence=evidence(shown, articles)),
                total=len(events),
                filters=flt.describe(),
                context=context,
            ),
            len(shown) <= EAGER_MAP_ROWS,
        ),
        file_name=f"{stem}.html",
        mime="text/html",
        on_click="ignore",
    )


EAGER_TABLE_ROWS = 1000  # CSV of 1,000 events: ~30 ms
EAGER_MAP_ROWS = 200  # an HTML map of 1,000 events takes ~0.25 s: only small ones eagerly


def ready(make: Callable[[], str | bytes], now: bool) -> str | bytes | Callable[[], str | bytes]:
    return make() if now else make


# --- evidence for the selected event -----------------------------------------------


def evidence_panel(
    events: pd.DataFrame,
    articles: dict[str, Article],
    gazetteer: Gazetteer | None,
    selected: str,
    locked: bool,
    args: Args,
) -> None:
    """Where the selected event came from, and a one-click fix of its place."""
    st.markdown("#### Evidence")
    hit = events[events["event_id"].astype(str) == selected] if selected else events[:0]
    if hit.empty:
        st.caption(
            "Click a marker on the map or a row of the table to see where an event came "
            "from: the article and its sentence, the source, and the gazetteer's choice."
        )
        return
    event = hit.iloc[0]
    # Resolving the article's places again costs tens of ms: once per selection, not
    # on every pan and zoom. Articles and corrections change the data's version.
    proof = derived(
        "provenance", lambda: provenance(event.to_dict(), articles, gazetteer), key=selected
    )
    from geo.maps import date_label

    with st.container(height=580, border=False):
        when = date_label(event["event_date"], event["date_precision"])
        st.markdown(f"**{md(event['event_type'])}** · {md(when)}")
        st.caption(f"Event {md(selected)}")
        before, sentence, after = proof.passage()
        if proof.article is not None:
            st.html(highlighted(proof.article.title, before, sentence, after))
        elif cell_text(event.get("notes")):
            st.caption("No article stored for this event; its notes:")
            st.text(cell_text(event.get("notes")))
        if proof.source_url:
            st.link_button(f"Source: {proof.source or proof.source_url}", proof.source_url)
        else:
            st.caption(f"Source: {proof.source or 'not recorded'}")
        st.markdown("**Placed at**")
        if proof.place is not None:
            st.text(describe_place(proof.place))
        elif pd.isna(event["latitude"]):
            st.text(f"Not on the map: {cell_text(event.get('unplaced_reason')) or 'no place'}")
        else:
            st.text(f"{cell_text(event['location'])} ({event['latitude']}, {event['longitude']})")
        if proof.reason:
            st.caption(proof.reason)
        correction_buttons(proof, selected, locked, args)


def correction_buttons(proof: Provenance, selected: str, locked: bool, args: Args) -> None:
    """The namesakes the gazetteer passed over, each a click from being the place.

    A read-only (hosted) copy lists them without the buttons: it keeps nothing.
    """
    if proof.alternatives:
        st.markdown(f"**Other places called {md(proof.alternatives[0].name)}**")
    for i, alt in enumerate(proof.alternatives):
        about = describe_place(alt) + (f", pop. {alt.population:,}" if alt.population else "")
        if locked:
            st.text(about)
            continue
        line, button = st.columns([4, 1], vertical_alignment="center")
        line.text(about)
        button.button(
            "Move here",
            key=f"move-{selected}-{i}",
            on_click=correct,
            args=(selected, alt),
            help="Put this event at this place instead (a correction you can save).",
        )
    if not locked and (proof.place is not None or proof.alternatives):
        st.button(
            "Take it off the map (place unsure)",
            key=f"unplace-{selected}",
            on_click=correct,
            args=(selected, "a reviewer judged the place wrong"),
        )
    corrections = st.session_state.get("corrections", {})
    if corrections and not locked:
        st.button(
            f"Save {len(corrections)} correction(s) to {args.events.name}",
            key="save-corrections",
            on_click=save_corrections,
            args=(args,),
            type="primary",
        )
    flash()


def correct(event_id: str, fix: Place | str) -> None:
    st.session_state.setdefault("corrections", {})[event_id] = fix
    st.session_state["corrections_version"] = st.session_state.get("corrections_version", 0) + 1
    where = fix if isinstance(fix, str) else describe_place(fix)
    st.session_state["flash"] = f"Event {event_id}: {where}. Save to keep it."


def save_corrections(args: Args) -> None:
    """Write the file with the corrections applied (atomically, like every save)."""
    base = read_events(args.events).events
    fixed = apply_corrections(base, st.session_state.get("corrections", {}))
    write_events(args.events, fixed)
    n = len(st.session_state.pop("corrections", {}))
    st.session_state["corrections_version"] = st.session_state.get("corrections_version", 0) + 1
    load_events.clear()
    st.session_state["flash"] = f"Saved {n} correction(s) to {args.events}."


def highlighted(title: str, before: str, sentence: str, after: str) -> str:
    """The article as escaped text, with the cited sentence marked. Nothing from the
    article is markup: every character is escaped before the one <mark> is added."""
    keep = 300  # characters of context each side
    head = ("…" if len(before) > keep else "") + before[-keep:]
    tail = after[:keep] + ("…" if len(after) > keep else "")
    return (
        '<div style="font: 14px/1.5 system-ui, sans-serif; white-space: pre-wrap;">'
        f"<div style='font-weight:600;margin-bottom:4px'>{html.escape(title)}</div>"
        f"{html.escape(head)}<mark style='background:#ffe08a'>{html.escape(sentence)}</mark>"
        f"{html.escape(tail)}</div>"
    )


def md(value: object) -> str:
    """Text made safe for st.markdown: no markup, links or images from the data."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~:$])", r"\\\1", cell_text(value))


# --- the ingest tab ---------------------------------------------------------------

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
        disabled=["evidence", "unplaced_reason", "geo_precision"],
        column_config={
            "accept": st.column_config.CheckboxColumn("accept", default=True),
            "location": st.column_config.TextColumn(
                "location",
                help="Retype to place it again: 'Rivne region', 'Rivne, Ukraine', 'Kiev'…",
            ),
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
    accepted = accepted_rows(found, edited, article)
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
    st.session_state["added_version"] = st.session_state.get("added_version", 0) + 1
    note = f"; {len(clashes)} with ids already there were left out" if len(clashes) else ""
    st.session_state["flash"] = f"{len(events) - len(clashes)} events added to the map{note}."


def accepted_rows(
    found: pd.DataFrame, edited: pd.DataFrame, article: Article | None = None
) -> pd.DataFrame:
    """The extracted rows the reviewer kept, with their edits, validated like any file.

    A place name the reviewer changed is looked up again in the gazetteer, with
    the article as context ("Rivne region", "Rivne, Ukraine" settle namesakes);
    one that cannot be settled stays in the table, off the map, with the reason.
    """
    rows = found.copy()
    for column in ("event_date", "date_precision", "event_type", "sub_event_type"):
        rows[column] = edited[column].to_numpy()
    for column in ("actor1", "actor2", "notes", "fatalities"):
        rows[column] = edited[column].to_numpy()
    rows = regeocoded(rows, edited["location"], article)
    rows = rows[edited["accept"].fillna(False).to_numpy(dtype=bool)]
    report = read_events(to_csv_bytes(rows), name="reviewed events")
    for _, row in report.rejected.iterrows():
        st.warning(rejection_message(row, "reviewed events"))
    return report.events


def regeocoded(rows: pd.DataFrame, names: pd.Series, article: Article | None) -> pd.DataFrame:
    gazetteer, _ = open_gazetteer(True)
    if gazetteer is None:
        return rows
    rows, notes = regeocode(rows, names, gazetteer, article.text if article else None)
    for note in notes:
        st.caption(note)
    return rows


def save_added(args: argparse.Namespace) -> None:
    """Write the file's events plus the added ones, and the articles they cite."""
    base = read_events(args.events).events
    combined, clashes = combine(base, st.session_state["added_events"])
    for article in st.session_state.get("added_articles", {}).values():
        write_article(args.articles, article)
    write_events(args.events, combined)
    st.session_state.pop("added_events", None)
    st.session_state["added_version"] = st.session_state.get("added_version", 0) + 1
    load_events.clear()
    load_articles.clear()
    note = f"; {len(clashes)} already in the file were left out" if len(clashes) else ""
    st.session_state["flash"] = f"Saved {len(combined)} events to {args.events}{note}."


def show_dataset(events: pd.DataFrame, name: str) -> None:
    st.session_state["dataset_events"] = events
    st.session_state["dataset_name"] = (name, len(events), id(events))
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
        report = load_events(str(args.events), mtime, not read_only())
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
    st.session_state["file_version"] = (str(args.events), mtime)
    events = working_events(report.events)
    if locked:
        map_view(events, articles, locked, args)
        keep_playing()
        return
    tab_map, tab_article, tab_dataset = st.tabs(["Map", "Ingest an article", "Load a dataset"])
    with tab_map:
        map_view(events, articles, locked, args)
    with tab_article:
        ingest_article(args)
    with tab_dataset:
        load_dataset()
    keep_playing()


main()
