"""Events table -> folium map, with no streamlit and no CDN.

Text from the news is untrusted. It never reaches the page as HTML: the events
travel as JSON (with ``<``, ``>``, ``&`` and line separators escaped so nothing
can close the script tag) and the browser builds every popup with
``textContent``. Links are made only from http(s) URLs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo import assets
from geo.events import GEO_PRECISIONS, date_windows
from geo.geometry import haversine_km

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
        key = int(gid) if not pd.isna(gid) else _text(location)
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


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


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
            radius = extents_km.get(_text(row.event_id), REGION_RADIUS_KM)
        elif gp == 2:
            radius = NEAR_RADIUS_KM
        else:
            radius = 0.0
        actors = " vs ".join(a for a in (_text(row.actor1), _text(row.actor2)) if a)
        place = ", ".join(
            p
            for p in dict.fromkeys((_text(row.location), _text(row.admin1), _text(row.country)))
            if p
        )
        records.append(
            {
                "id": _text(row.event_id),
                "lat": round(float(row.latitude), 5),
                "lon": round(float(row.longitude), 5),
                "gp": gp,
                "r": round(radius * 1000),
                "colour": type_colour(row.event_type),
                "type": _text(row.event_type),
                "sub": _text(row.sub_event_type),
                "date": date_label(row.event_date, row.date_precision),
                "day": "" if pd.isna(row.event_date) else f"{row.event_date:%Y-%m-%d}",
                "dp": _text(row.date_precision) or "day",
                "t0": "" if pd.isna(t0) else f"{t0:%Y-%m-%d}",
                "t1": "" if pd.isna(t1) else f"{t1:%Y-%m-%d}",
                "actors": actors,
                "place": place,
                "where": GEO_PRECISIONS.get(gp, ""),
                "gid": gid,
                "fatalities": None if pd.isna(row.fatalities) else int(row.fatalities),
                "notes": _text(row.notes),
                "tags": ", ".join(t.strip() for t in _text(row.tags).split(";") if t.strip()),
                "evidence": _text(getattr(row, "evidence", "")),
                "source": _text(row.source),
                "url": _text(row.source_url),
            }
        )
    return records


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


class EventsLayer(MacroElement):
    """Draws events: dots for places, rings for 'near', areas for regions and countries."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var events = (function (table) {
    // Columns, each a list of values or {"values": uniques, "codes": indexes}.
    var names = Object.keys(table.columns), rows = [];
    for (var i = 0; i < table.n; i++) {
      var e = {};
      names.forEach(function (k) {
        var c = table.columns[k];
        e[k] = Array.isArray(c) ? c[i] : c.values[c.codes[i]];
      });
      rows.push(e);
    }
    return rows;
  })({{ this.payload }});
  var legendTypes = {{ this.legend }};
  var cluster = L.markerClusterGroup({maxClusterRadius: 35, spiderfyOnMaxZoom: true,
                                      showCoverageOnHover: false});
  var areas = L.featureGroup();
  function add(parent, tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null && text !== "") { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    parent.appendChild(node);
    return node;
  }
  function row(parent, label, value) {
    if (value === undefined || value === null || value === "") { return; }
    var line = add(parent, "div", null, "nm-row");
    add(line, "span", label + ": ", "nm-label");
    add(line, "span", value);
  }
  function popup(e) {
    var box = document.createElement("div");
    box.className = "nm-popup";
    box.setAttribute("data-event-id", e.id);
    add(box, "div", e.type + (e.sub ? " / " + e.sub : ""), "nm-title");
    row(box, "Date", e.date);
    row(box, "Place", e.place);
    row(box, "Placed", e.where + (e.gid ? " (GeoNames " + e.gid + ")" : ""));
    row(box, "Actors", e.actors);
    row(box, "Fatalities", e.fatalities);
    row(box, "Notes", e.notes);
    row(box, "Tags", e.tags);
    if (e.evidence) { add(box, "blockquote", e.evidence, "nm-evidence"); }
    var src = add(box, "div", null, "nm-row");
    add(src, "span", "Source: ", "nm-label");
    if (/^https?:\\/\\//i.test(e.url)) {
      var a = add(src, "a", e.source || e.url);
      a.href = e.url; a.target = "_blank"; a.rel = "noopener noreferrer";
    } else {
      add(src, "span", (e.source || "not recorded") + (e.url ? " (" + e.url + ")" : ""));
    }
    add(box, "div", "Event " + e.id, "nm-id");
    return box;
  }
  var entries = events.map(function (e) {
    var style = {color: "#222", weight: 1, fillColor: e.colour, fillOpacity: 0.9, radius: 7};
    var area = null;
    if (e.gp === 2) {
      style = {color: e.colour, weight: 3, dashArray: "4 3", fillColor: "#fff",
               fillOpacity: 0.6, radius: 9};
    } else if (e.gp >= 3) {
      area = L.circle([e.lat, e.lon], {radius: e.r, color: e.colour, weight: 2,
                                       dashArray: "6 6", fillColor: e.colour,
                                       fillOpacity: 0.08, className: "nm-area"});
      area.bindPopup(function () { return popup(e); }, {maxWidth: 380});
      style = {color: e.colour, weight: 3, fillColor: "#fff", fillOpacity: 0.6, radius: 11};
    }
    if (e.dp !== "day") {  // the date is uncertain: draw it fainter
      style.fillOpacity = style.fillOpacity / 2;
      style.opacity = 0.6;
    }
    style.className = "nm-event nm-gp" + e.gp + (e.dp !== "day" ? " nm-uncertain" : "");
    var marker = L.circleMarker([e.lat, e.lon], style);
    marker.bindPopup(function () { return popup(e); }, {maxWidth: 380});
    marker.bindTooltip(e.place + " · " + e.day);
    return {event: e, marker: marker, area: area};
  });
  // Draw the events that pass `keep` (all by default); a timeline calls this again.
  map.nmShow = function (keep) {
    cluster.clearLayers();
    areas.clearLayers();
    var shown = entries.filter(function (x) { return !keep || keep(x.event); });
    cluster.addLayers(shown.map(function (x) { return x.marker; }));
    shown.forEach(function (x) { if (x.area) { areas.addLayer(x.area); } });
    map.getContainer().setAttribute("data-events-drawn", String(shown.length));
    return shown.length;
  };
  map.nmTotal = entries.length;
  areas.addTo(map);
  cluster.addTo(map);
  map.nmShow(null);
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var box = L.DomUtil.create("div", "nm-legend");
    add(box, "div", "Event type", "nm-title");
    legendTypes.forEach(function (t) {
      var line = add(box, "div", null, "nm-row");
      var swatch = add(line, "span", null, "nm-swatch");
      swatch.style.background = t[1];
      add(line, "span", t[0]);
    });
    add(box, "div", "● the place  ◌ near it  ◯ region / country", "nm-key");
    add(box, "div", "faint: date known only to the week or month", "nm-key");
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  legend.addTo(map);
})();
{% endmacro %}
{% macro header(this, kwargs) %}
<style>
.nm-popup { font: 13px/1.4 system-ui, sans-serif; max-width: 360px; }
.nm-popup .nm-title, .nm-legend .nm-title { font-weight: 600; margin-bottom: 4px; }
.nm-label { color: #555; }
.nm-evidence { margin: 6px 0; padding: 4px 8px; border-left: 3px solid #999;
               color: #333; font-style: italic; }
.nm-id { color: #888; font-size: 11px; margin-top: 4px; }
.nm-legend { background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 4px;
             font: 12px/1.5 system-ui, sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.nm-swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%;
             margin-right: 6px; vertical-align: -1px; border: 1px solid #222; }
.nm-key { color: #555; margin-top: 4px; }
</style>
{% endmacro %}
"""
    )

    def __init__(self, records: list[dict[str, Any]], legend: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "EventsLayer"
        self.records = records
        self.payload = safe_json(encode_records(records))
        self.legend = safe_json(legend)


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
  // Below the event shapes (overlayPane, z-index 400), above the tiles.
  var pane = map.createPane("nm-landmarks");
  pane.style.zIndex = 350;
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
    map.attributionControl.addAttribution("Base map unavailable: reference places from GeoNames");
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


def _bounds(records: list[dict[str, Any]]) -> list[list[float]] | None:
    if not records:
        return None
    south = west = math.inf
    north = east = -math.inf
    for r in records:
        # Widen by the drawn radius (1 degree ~ 111 km), but no more than a region's:
        # a country-wide ring would zoom the map out past the places that matter.
        dlat = min(r["r"], FIT_RADIUS_CAP_KM * 1000) / 111_000
        dlon = dlat / max(math.cos(math.radians(r["lat"])), 0.2)
        south, north = min(south, r["lat"] - dlat), max(north, r["lat"] + dlat)
        west, east = min(west, r["lon"] - dlon), max(east, r["lon"] + dlon)
    return [[south, west], [north, east]]


def build_map(
    events: pd.DataFrame,
    *,
    context: MapContext | None = None,
    height: int | str = "100%",
) -> folium.Map:
    """A folium map of the placed events; rows without coordinates are left to the table.

    ``context`` sizes region- and country-level events and names reference
    places to show when the base tiles cannot load (see MapContext);
    ``events`` may carry an ``evidence`` column with the source sentence.
    """
    context = context or MapContext()
    records = event_records(events, context.extents_km)
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
    types_present = sorted({r["type"] for r in records})
    legend = [(t or "(no type)", type_colour(t)) for t in types_present]
    if context.landmarks:
        OfflineBackdrop(context.landmarks).add_to(m)
    EventsLayer(records, legend).add_to(m)
    bounds = _bounds(records)
    if bounds:
        m.fit_bounds(bounds, padding=(20, 20), max_zoom=10)
    return m
