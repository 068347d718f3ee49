"""Events table -> folium map, with no streamlit and no CDN.

Two parts, so the dashboard's map can stay put while filters change:
``base_map`` (tiles, view, legend, controls: from the whole dataset, the same
script every rerun) and ``events_layer`` (a FeatureGroup of what the filters
let through, for streamlit-folium's ``feature_group_to_add``). ``build_map``
puts the two together for exports.

Text from the news is untrusted. It never reaches the page as HTML: the events
travel as JSON (with ``<``, ``>``, ``&`` and line separators escaped so nothing
can close the script tag) and the browser builds every popup and tooltip with
``textContent``. Links are made only from http(s) URLs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geo import assets
from geo.aggregate import by_size, grid_groups, summarise, top_groups, type_names
from geo.columns import cell_text
from geo.drawing import DRAWING_JS, MAP_CSS
from geo.events import GEO_PRECISIONS, date_windows
from geo.fullscreen import FULLSCREEN_CSS, FULLSCREEN_JS
from geo.geometry import haversine_km
from geo.heat import HEAT_JS

if TYPE_CHECKING:
    from geo.gazetteer import Gazetteer, Place

TYPE_COLOURS: dict[str, str] = {
    "Battles": "#D55E00",
    "Explosions/Remote violence": "#E69F00",
    "Violence against civilians": "#CC79A7",
    "Protests": "#0072B2",
    "Riots": "#56B4E9",
    "Strategic developments": "#009E73",
}
"""Okabe-Ito colours, distinguishable with the common colour-vision deficiencies."""
OTHER_COLOUR = "#7F7F7F"

NEAR_RADIUS_KM = 10.0
"""Ring drawn around an event placed only 'near' a place (geo_precision 2)."""
REGION_RADIUS_KM = 75.0
"""Area drawn for a region-level event whose extent is unknown."""

FIT_RADIUS_CAP_KM = 100.0
"""The most of an area's radius that the initial view makes room for."""

DEFAULT_CENTER = (48.5, 31.5)

MAX_MARKERS = 3000
"""Past this many placed events, events_layer sends groups instead of events."""
MAX_AREAS = 100
"""The most region or country areas a grouped layer draws (the largest groups)."""
AGGREGATE_NOTE = (
    "Grouped: narrow the filters or dates, or tick “Only events in the map's view” "
    "and zoom in, to see single events."
)
"""The last line of a group's popup (never 'Event <id>': that line names one event)."""


def region_extents(events: pd.DataFrame, gazetteer: Gazetteer) -> dict[str, float]:
    """Radius to draw, by event_id, for each region- or country-level event.

    The place is found by its geonameid, or by name when it has none (Donbas).
    """
    wide = events[events["geo_precision"] >= 3]
    sizes: dict[str, float] = {}
    found: dict[object, Place | None] = {}
    for event_id, gid, location in zip(
        wide["event_id"], wide["geonameid"], wide["location"], strict=True
    ):
        key = int(gid) if not pd.isna(gid) else cell_text(location)
        if key not in found:
            if isinstance(key, int):
                found[key] = gazetteer.by_id(key)
            else:
                place = gazetteer.geocode(key).place if key else None
                found[key] = place if place is not None and place.feature != "city" else None
        place = found[key]
        if place is not None and place.radius_km > 0:
            sizes[str(event_id)] = float(place.radius_km)
    return sizes


def reference_places(
    events: pd.DataFrame, gazetteer: Gazetteer, limit: int = 30
) -> list[tuple[str, float, float]]:
    """Capitals and large towns around the events, shown when the base map cannot load.

    Largest first, and spaced out: a town too close to one already chosen (a
    district of a city, a suburb) is skipped, so labels do not pile up.
    """
    placed = events[events["latitude"].notna() & events["longitude"].notna()]
    if placed.empty:
        return []
    south, north = float(placed["latitude"].min()), float(placed["latitude"].max())
    west, east = float(placed["longitude"].min()), float(placed["longitude"].max())
    pad_lat, pad_lon = max((north - south) * 0.3, 2.0), max((east - west) * 0.3, 3.0)
    box = (
        max(south - pad_lat, -90.0),
        max(west - pad_lon, -180.0),
        min(north + pad_lat, 90.0),
        min(east + pad_lon, 180.0),
    )
    spacing_km = max(25.0, haversine_km(box[0], box[1], box[2], box[3]) / 25)
    chosen: list[tuple[str, float, float]] = []
    for place in gazetteer.landmarks(*box, limit=limit * 10):
        here = (place.latitude, place.longitude)
        if all(haversine_km(*here, lat, lon) >= spacing_km for _, lat, lon in chosen):
            chosen.append((place.name, place.latitude, place.longitude))
        if len(chosen) == limit:
            break
    return chosen


@dataclass(frozen=True)
class MapContext:
    """What the gazetteer adds to a map: region sizes and reference places."""

    extents_km: Mapping[str, float] = field(default_factory=dict)
    landmarks: Sequence[tuple[str, float, float]] = ()

    @classmethod
    def from_gazetteer(cls, events: pd.DataFrame, gazetteer: Gazetteer | None) -> MapContext:
        if gazetteer is None:
            return cls()
        return cls(region_extents(events, gazetteer), reference_places(events, gazetteer))


def type_colour(event_type: object) -> str:
    return TYPE_COLOURS.get(str(event_type), OTHER_COLOUR)


def date_label(when: pd.Timestamp, precision: object) -> str:
    """A date as a reader should take it: exact, within a week, or within a month."""
    if pd.isna(when):
        return "date unknown"
    if precision == "month":
        return f"{when:%B %Y} (month)"
    if precision == "week":
        return f"around {when:%a %d %b %Y} (within the week)"
    return f"{when:%a %d %b %Y}"


def safe_json(value: Any) -> str:
    """JSON that can sit inside a <script> element whatever the strings hold."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def event_records(
    events: pd.DataFrame, extents_km: Mapping[str, float] | None = None
) -> list[dict[str, Any]]:
    """The placed events as plain records for the browser, one per row with coordinates."""
    extents_km = extents_km or {}
    placed = events[events["latitude"].notna() & events["longitude"].notna()]
    first, last = date_windows(placed)
    records = []
    for row, t0, t1 in zip(placed.itertuples(index=False), first, last, strict=True):
        gp = int(row.geo_precision) if not pd.isna(row.geo_precision) else 1
        gid = None if pd.isna(row.geonameid) else int(row.geonameid)
        if gp >= 3:
            radius = extents_km.get(cell_text(row.event_id), REGION_RADIUS_KM)
        elif gp == 2:
            radius = NEAR_RADIUS_KM
        else:
            radius = 0.0
        actors = " vs ".join(a for a in (cell_text(row.actor1), cell_text(row.actor2)) if a)
        place = ", ".join(
            p
            for p in dict.fromkeys(
                (cell_text(row.location), cell_text(row.admin1), cell_text(row.country))
            )
            if p
        )
        records.append(
            {
                "id": cell_text(row.event_id),
                "lat": round(float(row.latitude), 5),
                "lon": round(float(row.longitude), 5),
                "gp": gp,
                "r": round(radius * 1000),
                "colour": type_colour(row.event_type),
                "type": cell_text(row.event_type),
                "sub": cell_text(row.sub_event_type),
                "date": date_label(row.event_date, row.date_precision),
                "day": "" if pd.isna(row.event_date) else f"{row.event_date:%Y-%m-%d}",
                "dp": cell_text(row.date_precision) or "day",
                "t0": "" if pd.isna(t0) else f"{t0:%Y-%m-%d}",
                "t1": "" if pd.isna(t1) else f"{t1:%Y-%m-%d}",
                "actors": actors,
                "place": place,
                "where": GEO_PRECISIONS.get(gp, ""),
                "gid": gid,
                "fatalities": None if pd.isna(row.fatalities) else int(row.fatalities),
                "notes": cell_text(row.notes),
                "tags": ", ".join(t.strip() for t in cell_text(row.tags).split(";") if t.strip()),
                "evidence": cell_text(getattr(row, "evidence", "")),
                "source": cell_text(row.source),
                "url": cell_text(row.source_url),
                "sources": _sources(getattr(row, "source_count", None)),
            }
        )
    return records


def _sources(count: object) -> int | None:
    """How many reports an event merges, when more than one (shown in its popup)."""
    if count is None or pd.isna(count):  # type: ignore[call-overload]
        return None
    n = int(count)  # type: ignore[call-overload]
    return n if n > 1 else None


def encode_records(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Records as columns; a column whose values repeat (types, actors, sources, the
    sentence several events cite) stores each distinct value once.

    Keeps an exported map of 10,000 events to a few megabytes.
    """
    keys = list(records[0]) if records else []
    columns: dict[str, Any] = {}
    for key in keys:
        values = [r[key] for r in records]
        distinct: dict[Any, int] = {}
        codes = [distinct.setdefault(v, len(distinct)) for v in values]
        if len(distinct) * 2 <= len(values):
            columns[key] = {"values": list(distinct), "codes": codes}
        else:
            columns[key] = values
    return {"n": len(records), "columns": columns}


def decode_records(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The inverse of encode_records (the browser does the same in JavaScript)."""
    columns = table["columns"]
    rows = []
    for i in range(table["n"]):
        row = {}
        for key, column in columns.items():
            row[key] = (
                column[i] if isinstance(column, list) else column["values"][column["codes"][i]]
            )
        rows.append(row)
    return rows


class MapChrome(MacroElement):
    """What stays while filters change: legend, layer control, full-screen button, and the
    browser code every events layer uses (popups, shapes, the heat layer)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var legendTypes = {{ this.legend }};
  {{ this.helpers }}
  {{ this.heat }}
  // Areas sit under the event shapes (overlayPane, 400), whichever overlay was ticked last.
  map.createPane("nm-areas").style.zIndex = 390;
  // What the reader did with event popups, which a redrawn layer respects: the one open
  // (nmOpenEvent), the last one the reader opened since the last draw (nmClicked), the
  // last one the reader closed (nmClosedEvent). A swap's own closing does not count.
  function popupEvent(popup) {
    return popup.nmEventId || (popup._source && popup._source.nmEventId) || null;
  }
  map.on("popupopen", function (ev) {
    var id = popupEvent(ev.popup);
    map.nmOpenEvent = id;
    if (map.nmClosedEvent === id) { map.nmClosedEvent = null; }
    if (!map.nmRevealing && id) { map.nmClicked = id; }
  });
  map.on("popupclose", function (ev) {
    if (map.nmSwapping) {
      // Gone at once, not fading out beside its successor.
      if (ev.popup.getElement()) { L.DomUtil.remove(ev.popup.getElement()); }
      return;
    }
    map.nmOpenEvent = null;
    map.nmClosedEvent = popupEvent(ev.popup);
  });
  // One layer control for the page's life: each events layer swaps its overlays in,
  // and the reader's choice of overlays outlives the swap.
  map.nmOverlayState = {Events: true, Areas: true, Heat: false};
  map.nmControl = L.control.layers(null, null, {collapsed: false, position: "topright"});
  map.nmControl.addTo(map);
  map.on("overlayadd overlayremove", function (ev) {
    if (!map.nmSwapping && ev.name in map.nmOverlayState) {
      map.nmOverlayState[ev.name] = ev.type === "overlayadd";
    }
  });
  map.nmSetOverlays = function (overlays) {
    map.nmSwapping = true;
    var old = map.nmOverlays || {};
    Object.keys(old).forEach(function (name) {
      map.nmControl.removeLayer(old[name]);
      map.removeLayer(old[name]);
    });
    map.nmOverlays = overlays || {};
    Object.keys(map.nmOverlays).forEach(function (name) {
      if (map.nmOverlayState[name] !== false) { map.addLayer(map.nmOverlays[name]); }
      map.nmControl.addOverlay(map.nmOverlays[name], name);
    });
    map.nmSwapping = false;
  };
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var box = L.DomUtil.create("div", "nm-legend");
    nm.add(box, "div", "Event type", "nm-title");
    legendTypes.forEach(function (t) {
      var line = nm.add(box, "div", null, "nm-row");
      nm.add(line, "span", null, "nm-swatch").style.background = t[1];
      nm.add(line, "span", t[0]);
    });
    nm.add(box, "div", "● the place  ◌ near it  ◯ region / country", "nm-key");
    nm.add(box, "div", "faint: date known only to the week or month", "nm-key");
    nm.add(box, "div", "large circles: events grouped by area, sized by count",
           "nm-key nm-group-key");
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  legend.addTo(map);
  // Leaflet draws its controls over its popups: the legend steps aside while an open
  // popup overlaps it (checked again once a pan to show the popup has ended).
  function legendAside() {
    var popup = map.nmPopup, box = legend.getContainer();
    var shown = popup && popup.isOpen() && popup.getElement();
    var a = shown ? shown.getBoundingClientRect() : null, b = box.getBoundingClientRect();
    var overlap = !!a && a.left < b.right && b.left < a.right && a.top < b.bottom &&
                  b.top < a.bottom;
    box.classList.toggle("nm-aside", overlap);
  }
  map.on("popupopen", function (ev) { map.nmPopup = ev.popup; legendAside(); });
  map.on("popupclose", function (ev) {
    if (map.nmPopup === ev.popup) { map.nmPopup = null; }
    legendAside();
  });
  map.on("moveend zoomend resize", legendAside);
  {{ this.fullscreen }}(map);
})();
{% endmacro %}
{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
{% endmacro %}
"""
    )

    def __init__(self, legend: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "MapChrome"
        self.legend = safe_json(legend)
        self.helpers = DRAWING_JS
        self.heat = HEAT_JS
        self.fullscreen = FULLSCREEN_JS
        self.css = MAP_CSS + FULLSCREEN_CSS


class EventsLayer(MacroElement):
    """Draws the events given (or their groups) into the overlays of a map from base_map.

    Its parent is a FeatureGroup (or the map): the overlays join the map when
    that parent does and leave with it, so streamlit-folium can swap one
    events layer for the next without touching the map's view or controls.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var parent = {{ this._parent.get_name() }};
  var data = {{ this.payload }};
  var nm = L.nm;
  var info = {types: data.types, colours: data.colours, note: data.note};
  var cluster = L.markerClusterGroup({maxClusterRadius: 35, spiderfyOnMaxZoom: true,
                                      showCoverageOnHover: false});
  var grouped = L.featureGroup(), areas = L.featureGroup();
  var points = L.layerGroup([grouped, cluster]);
  var heat = new nm.Heat([]);
  var overlays = {Events: points, Areas: areas, Heat: heat};
  var entries = nm.decode(data.events).map(function (e) {
    return nm.entry(e, e.id === data.selected);
  });
  var selected = entries.filter(function (x) { return x.chosen; })[0] || null;
  var groupShapes = data.groups ? nm.groupShapes(data.groups, info, false) : [];
  var areaShapes = data.areas ? nm.groupShapes(data.areas, info, true) : [];
  var map = null;
  // Draw the events that pass `keep` (all by default); a timeline calls this again.
  function show(keep) {
    [cluster, grouped, areas].forEach(function (l) { l.clearLayers(); });
    var shown = entries.filter(function (x) { return !keep || keep(x.event); });
    cluster.addLayers(shown.map(function (x) { return x.marker; }));
    shown.forEach(function (x) { if (x.area) { areas.addLayer(x.area); } });
    groupShapes.forEach(function (s) { grouped.addLayer(s); });
    areaShapes.forEach(function (s) { areas.addLayer(s); });
    var g = data.groups;
    heat.setPoints(g ? g.lat.map(function (lat, i) { return [lat, g.lon[i], g.count[i]]; })
                     : shown.map(function (x) { return [x.event.lat, x.event.lon, 1]; }));
    var box = map.getContainer();
    box.setAttribute("data-events-drawn", String(g ? data.total : shown.length));
    box.setAttribute("data-shapes-drawn", String(groupShapes.length + shown.length));
    box.classList.toggle("nm-aggregated", !!g);
    return shown.length;
  }
  function attach(target) {
    if (map === target) { return; }
    map = target;
    show(null);
    map.nmSetOverlays(overlays);
    if (!data.groups) { map.nmShow = show; map.nmTotal = entries.length; }
    var wanted = popupToOpen();
    map.nmClicked = null;
    map.nmRevealed = data.selected;
    if (wanted) { reveal(wanted); } else { map.nmOpenEvent = null; }
  }
  // The selected event's popup opens when the selection is new, or was open before the
  // swap; never if the reader closed it. A popup the reader opened since the last draw
  // stays open instead: this draw predates that click (the rerun it causes will follow).
  function popupToOpen() {
    var open = map.nmOpenEvent, clicked = map.nmClicked;
    if (clicked && clicked === open && clicked !== data.selected) {
      return entries.filter(function (x) { return x.event.id === clicked; })[0] || null;
    }
    if (!selected || map.nmClosedEvent === data.selected) { return null; }
    return map.nmRevealed !== data.selected || open === data.selected ? selected : null;
  }
  // Open an event's popup without zooming: on its marker if drawn, else standing at its
  // place (over the cluster that holds it, or off screen).
  var standing = null;
  function reveal(x) {
    if (!map.hasLayer(cluster)) { return; }
    map.nmRevealing = true;
    if (map.hasLayer(x.marker)) {
      x.marker.openPopup();
    } else {
      standing = L.popup(nm.popupOptions)
        .setLatLng(x.marker.getLatLng())
        .setContent(x.marker.getPopup().getContent());
      standing.nmEventId = x.event.id;
      standing.openOn(map);
    }
    map.nmRevealing = false;
  }
  function detach() {
    if (!map) { return; }
    if (standing) {
      map.nmSwapping = true;
      map.closePopup(standing);
      standing = null;
    }
    if (map.nmOverlays === overlays) { map.nmSetOverlays(null); }
    if (map.nmShow === show) { delete map.nmShow; delete map.nmTotal; }
    map = null;
  }
  if (parent instanceof L.Map) {
    attach(parent);
  } else {
    parent.on("add", function () { attach(parent._map); });
    parent.on("remove", detach);
    if (parent._map) { attach(parent._map); }
  }
})();
{% endmacro %}
"""
    )

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self._name = "EventsLayer"
        self.data = data
        self.payload = safe_json(data)


class OfflineBackdrop(MacroElement):
    """When the base tiles cannot load (no internet), show reference places instead.

    An offline map is otherwise dots on grey; a few labelled cities give the
    reader their bearings. Nothing is shown while tiles load normally.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var places = {{ this.payload }};
  // Below the event shapes (overlayPane, z-index 400), above the tiles and the heat (380).
  var pane = map.createPane("nm-landmarks");
  pane.style.zIndex = 385;
  pane.style.pointerEvents = "none";
  var layer = L.layerGroup();
  places.forEach(function (p) {
    var label = document.createElement("span");
    label.textContent = p[0];
    var icon = L.divIcon({className: "nm-landmark", html: label, iconSize: null});
    L.marker([p[1], p[2]], {icon: icon, pane: "nm-landmarks",
                                 interactive: false, keyboard: false}).addTo(layer);
  });
  var offline = false;
  function goOffline() {
    if (offline) { return; }
    offline = true;
    map.getContainer().classList.add("nm-offline");
    layer.addTo(map);
    map.attributionControl.addAttribution("offline: places from GeoNames");
  }
  map.eachLayer(function (l) { if (l instanceof L.TileLayer) { l.on("tileerror", goOffline); } });
})();
{% endmacro %}
{% macro header(this, kwargs) %}
<style>
.nm-offline { background: #f4f1ea !important; }
.nm-offline .leaflet-tile { visibility: hidden; }
.nm-landmark span { position: relative; left: 6px; top: -8px; white-space: nowrap;
                    font: 12px/1 system-ui, sans-serif; color: #555;
                    text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.nm-landmark::before { content: ""; position: absolute; left: -3px; top: -3px; width: 6px;
                       height: 6px; border-radius: 50%; background: #999; }
</style>
{% endmacro %}
"""
    )

    def __init__(self, landmarks: Sequence[tuple[str, float, float]]) -> None:
        super().__init__()
        self._name = "OfflineBackdrop"
        self.payload = safe_json([[n, round(lat, 4), round(lon, 4)] for n, lat, lon in landmarks])


def _placed(events: pd.DataFrame) -> pd.DataFrame:
    return events[events["latitude"].notna() & events["longitude"].notna()]


def drawn_radius_m(placed: pd.DataFrame, extents_km: Mapping[str, float]) -> np.ndarray:
    """Metres of the ring or area drawn around each event: 0 for a place, more for 'near',
    the region's own size (or REGION_RADIUS_KM) for region- and country-level events."""
    gp = placed["geo_precision"].fillna(1).to_numpy(np.int64)
    radius = np.where(gp == 2, NEAR_RADIUS_KM * 1000, 0.0)
    wide = gp >= 3
    if wide.any():
        sizes = placed["event_id"].astype("string")[wide].map(dict(extents_km))
        radius[wide] = sizes.astype("Float64").fillna(REGION_RADIUS_KM).to_numpy(np.float64) * 1000
    return np.round(radius)


def _bounds(placed: pd.DataFrame, extents_km: Mapping[str, float]) -> list[list[float]] | None:
    if placed.empty:
        return None
    lat = placed["latitude"].to_numpy(np.float64)
    lon = placed["longitude"].to_numpy(np.float64)
    # Widen by the drawn radius (1 degree ~ 111 km), but no more than a region's:
    # a country-wide ring would zoom the map out past the places that matter.
    dlat = np.minimum(drawn_radius_m(placed, extents_km), FIT_RADIUS_CAP_KM * 1000) / 111_000
    dlon = dlat / np.maximum(np.cos(np.radians(lat)), 0.2)
    return [
        [round(float((lat - dlat).min()), 5), round(float((lon - dlon).min()), 5)],
        [round(float((lat + dlat).max()), 5), round(float((lon + dlon).max()), 5)],
    ]


def base_map(
    events: pd.DataFrame,
    *,
    context: MapContext | None = None,
    height: int | str = "100%",
) -> folium.Map:
    """The part of the map that stays while filters change, made from the whole dataset.

    OpenStreetMap tiles, the view fitted to every placed event, the legend of
    every event type present, reference places for when tiles cannot load,
    a full-screen button and the layer control that events layers fill.
    Cheap (no work per event beyond numpy) and deterministic: the same
    events and context give the same script, so streamlit-folium keeps the
    map (and its view) across reruns. Add one events_layer to it.
    """
    context = context or MapContext()
    # Only the columns the fit and the legend read: subsetting every column of a
    # large table on each rerun costs more than the rest of the base map.
    placed = _placed(events[["event_id", "event_type", "latitude", "longitude", "geo_precision"]])
    m = folium.Map(
        location=DEFAULT_CENTER,
        zoom_start=6,
        tiles="OpenStreetMap",
        control_scale=True,
        max_zoom=18,
        height=height,
    )
    # Per instance, never on the class: every map in the process would change.
    m.default_js = list(assets.map_js())
    m.default_css = list(assets.map_css())
    if context.landmarks:
        OfflineBackdrop(context.landmarks).add_to(m)
    legend = [(t or "(no type)", type_colour(t)) for t in type_names(placed["event_type"])]
    MapChrome(legend).add_to(m)
    bounds = _bounds(_core(placed), context.extents_km)
    if bounds:
        m.fit_bounds(bounds, padding=(20, 20), max_zoom=10)
    return m


FIT_TRIM_FROM = 1000
"""From this many placed events on, the first view fits the middle 98 % of them."""


def _core(placed: pd.DataFrame) -> pd.DataFrame:
    """The events the first view should fit: a few far-flung ones (Vladivostok in a
    dataset about Ukraine) would otherwise zoom the map out until the rest is a blob."""
    if len(placed) < FIT_TRIM_FROM:
        return placed
    lat, lon = placed["latitude"].astype("float64"), placed["longitude"].astype("float64")
    keep = lat.between(lat.quantile(0.01), lat.quantile(0.99)) & lon.between(
        lon.quantile(0.01), lon.quantile(0.99)
    )
    return placed[keep]


def events_layer(
    shown: pd.DataFrame,
    *,
    context: MapContext | None = None,
    selected: str | None = None,
    max_markers: int = MAX_MARKERS,
    max_groups: int | None = None,
) -> folium.FeatureGroup:
    """The events to draw now, as a FeatureGroup for a map made by base_map.

    Up to ``max_markers`` placed events are drawn one by one (clustered, with
    a popup each whose last line is ``Event <event_id>``). Past that they are
    grouped on the server by grid cell, at most ``max_groups`` groups (by default
    ``max_markers``; fewer draw faster and overlap less), each
    a circle sized by its count with a popup of counts by type, dates and top
    places; region- and country-level events also draw their areas (the
    MAX_AREAS largest). Either way the payload stays bounded. The overlays
    "Events", "Areas" and "Heat" (off at first) join the map's layer control.

    ``selected`` names an event drawn highlighted (on its own even when the
    rest are grouped) whose popup opens each time the layer is drawn, without
    zooming (over its cluster if it is in one), unless the reader closed that
    popup. The map's container says ``data-events-drawn`` (the events the
    layer stands for) and ``data-shapes-drawn`` (markers and group circles).
    """
    context = context or MapContext()
    placed = _placed(shown)
    types = type_names(placed["event_type"])
    data: dict[str, Any] = {
        "types": types,
        "colours": [type_colour(t) for t in types],
        "selected": selected,
        "total": len(placed),
        "note": AGGREGATE_NOTE,
        "groups": None,
        "areas": None,
    }
    if len(placed) <= max_markers:
        data["events"] = encode_records(event_records(placed, context.extents_km))
    else:
        chosen = placed[placed["event_id"] == selected] if selected is not None else placed.iloc[:0]
        data["events"] = encode_records(event_records(chosen, context.extents_km))
        lat = placed["latitude"].to_numpy(np.float64)
        lon = placed["longitude"].to_numpy(np.float64)
        grid = grid_groups(lat, lon, max_groups or max_markers)
        data["groups"] = summarise(placed, by_size(grid.labels, grid.groups), grid.groups, types)
        data["cell_degrees"] = grid.cell_degrees
        data["areas"] = _area_groups(placed, context.extents_km, types, min(MAX_AREAS, max_markers))
    group = folium.FeatureGroup(name="newsmap events", control=False)
    EventsLayer(data).add_to(group)
    return group


def _area_groups(
    placed: pd.DataFrame, extents_km: Mapping[str, float], types: list[str], keep: int
) -> dict[str, Any]:
    """Region- and country-level events grouped by the area they name, the largest first."""
    wide = placed[placed["geo_precision"].fillna(1) >= 3]
    radius = drawn_radius_m(wide, extents_km)
    where = pd.DataFrame(
        {
            "lat": wide["latitude"].to_numpy(np.float64).round(3),
            "lon": wide["longitude"].to_numpy(np.float64).round(3),
            "r": radius,
        }
    )
    codes = where.groupby(["lat", "lon", "r"], sort=True).ngroup().to_numpy(np.int64)
    labels, kept = top_groups(codes, int(codes.max()) + 1 if len(codes) else 0, keep)
    inside = labels >= 0
    table = summarise(wide[inside], labels[inside], kept, types)
    sizes = np.zeros(kept)
    sizes[labels[inside]] = radius[inside]
    table["r"] = sizes.tolist()
    return table


def build_map(
    events: pd.DataFrame,
    *,
    context: MapContext | None = None,
    height: int | str = "100%",
    selected: str | None = None,
) -> folium.Map:
    """A folium map of every placed event, one by one: base_map plus one events_layer.

    For exports: nothing is grouped, and ``map.nmShow(keep)`` in the page
    redraws the events that pass ``keep`` (the exported timeline uses it).
    Rows without coordinates are left to the table; ``events`` may carry an
    ``evidence`` column with the source sentence.
    """
    m = base_map(events, context=context, height=height)
    every = max(len(events), 1)
    events_layer(events, context=context, selected=selected, max_markers=every).add_to(m)
    return m


def layer_script(element: Element) -> str:
    """The JavaScript an element and its children run: what streamlit-folium sends the
    browser for a feature group on each rerun (give or take its renamed variables)."""
    module = element._template.module
    own = module.script(element, {}) if hasattr(module, "script") else ""
    return "".join([own, *(layer_script(child) for child in element._children.values())])


def layer_payload_bytes(layer: Element) -> int:
    """Size in bytes (UTF-8) of layer_script(layer)."""
    return len(layer_script(layer).encode("utf-8"))
