"""The browser code that draws events: popups, tooltips, markers and group circles.

Every text from the data is set with ``textContent`` (never as HTML), links are
made only from http(s) URLs, and a popup's lines read back as plain text for
streamlit-folium, whose click report the dashboard parses ("Event <id>" last).
"""

from __future__ import annotations

DRAWING_JS = """
var nm = L.nm = L.nm || {};
nm.add = function (parent, tag, text, cls) {
  var node = document.createElement(tag);
  if (text !== undefined && text !== null && text !== "") { node.textContent = String(text); }
  if (cls) { node.className = cls; }
  parent.appendChild(node);
  return node;
};
nm.row = function (parent, label, value) {
  if (value === undefined || value === null || value === "") { return; }
  var line = nm.add(parent, "div", null, "nm-row");
  nm.add(line, "span", label + ": ", "nm-label");
  nm.add(line, "span", value);
};
// A popup's lines as text: what streamlit-folium reports for a click (it reads
// innerText of the popup content, which here is a function building the node).
nm.text = function (box) {
  return Array.prototype.map.call(box.childNodes, function (n) { return n.textContent; })
    .join("\\n");
};
nm.content = function (build) {
  var content = function () { return build(); };
  Object.defineProperty(content, "innerText", {get: function () { return nm.text(build()); }});
  return content;
};
// Room for the controls in the top corners when a popup pans the map to fit.
nm.popupOptions = {maxWidth: 380, autoPanPaddingTopLeft: [56, 12],
                   autoPanPaddingBottomRight: [12, 12]};
nm.tip = function (text) { return function () { return document.createTextNode(text); }; };
// Columns, each a list of values or {"values": uniques, "codes": indexes}.
nm.decode = function (table) {
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
};
nm.day = function (n) {
  return n === null || n === undefined ? "" : new Date(n * 864e5).toISOString().slice(0, 10);
};
nm.eventPopup = function (e) {
  var box = document.createElement("div");
  box.className = "nm-popup";
  box.setAttribute("data-event-id", e.id);
  nm.add(box, "div", e.type + (e.sub ? " / " + e.sub : ""), "nm-title");
  nm.row(box, "Date", e.date);
  nm.row(box, "Place", e.place);
  nm.row(box, "Placed", e.where + (e.gid ? " (GeoNames " + e.gid + ")" : ""));
  nm.row(box, "Actors", e.actors);
  nm.row(box, "Fatalities", e.fatalities);
  nm.row(box, "Notes", e.notes);
  nm.row(box, "Tags", e.tags);
  nm.row(box, "Reported by", e.sources ? e.sources + " sources" : "");
  if (e.evidence) { nm.add(box, "blockquote", e.evidence, "nm-evidence"); }
  var src = nm.add(box, "div", null, "nm-row");
  nm.add(src, "span", "Source: ", "nm-label");
  if (/^https?:\\/\\//i.test(e.url)) {
    var a = nm.add(src, "a", e.source || e.url);
    a.href = e.url; a.target = "_blank"; a.rel = "noopener noreferrer";
  } else {
    nm.add(src, "span", (e.source || "not recorded") + (e.url ? " (" + e.url + ")" : ""));
  }
  nm.add(box, "div", "Event " + e.id, "nm-id");  // last line: the dashboard reads the id here
  return box;
};
// One event: a dot for the place, a ring for 'near', a dot and an area for regions.
nm.entry = function (e, chosen) {
  var style = {color: "#222", weight: 1, fillColor: e.colour, fillOpacity: 0.9, radius: 7};
  var area = null;
  var popup = nm.content(function () { return nm.eventPopup(e); });
  if (e.gp === 2) {
    style = {color: e.colour, weight: 3, dashArray: "4 3", fillColor: "#fff",
             fillOpacity: 0.6, radius: 9};
  } else if (e.gp >= 3) {
    area = L.circle([e.lat, e.lon], {radius: e.r, color: e.colour, weight: 2, dashArray: "6 6",
                                     fillColor: e.colour, fillOpacity: 0.08,
                                     className: "nm-area", pane: "nm-areas"});
    area.nmEventId = e.id;
    area.bindPopup(popup, nm.popupOptions);
    style = {color: e.colour, weight: 3, fillColor: "#fff", fillOpacity: 0.6, radius: 11};
  }
  if (e.dp !== "day") {  // the date is uncertain: draw it fainter
    style.fillOpacity = style.fillOpacity / 2;
    style.opacity = 0.6;
  }
  if (chosen) {  // the selected event: larger, with a heavy outline
    style.color = "#111"; style.weight = 4; style.opacity = 1; style.radius += 4;
    style.dashArray = null;
  }
  style.className = "nm-event nm-gp" + e.gp + (e.dp !== "day" ? " nm-uncertain" : "") +
    (chosen ? " nm-selected" : "");
  var marker = L.circleMarker([e.lat, e.lon], style);
  marker.nmEventId = e.id;
  marker.bindPopup(popup, nm.popupOptions);
  marker.bindTooltip(nm.tip(e.place + " · " + e.day));
  return {event: e, marker: marker, area: area, chosen: chosen};
};
nm.groupPopup = function (g, i, info, area) {
  var box = document.createElement("div");
  box.className = "nm-popup nm-group-popup";
  var n = g.count[i].toLocaleString("en");
  nm.add(box, "div", n + (area ? " region- or country-level events here" : " events in this area"),
         "nm-title");
  var k = info.types.length, counts = [];
  for (var t = 0; t < k; t++) {
    if (g.byType[i * k + t]) { counts.push([g.byType[i * k + t], t]); }
  }
  counts.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
  counts.forEach(function (c) {
    var line = nm.add(box, "div", null, "nm-row");
    nm.add(line, "span", null, "nm-swatch").style.background = info.colours[c[1]];
    nm.add(line, "span", (info.types[c[1]] || "(no type)") + ": " + c[0].toLocaleString("en"));
  });
  var first = nm.day(g.first[i]), last = nm.day(g.last[i]);
  nm.row(box, "Dates", first === last ? first : (first || "?") + " to " + (last || "?"));
  var places = [];
  for (var j = g.placeStart[i]; j < g.placeStart[i + 1]; j++) {
    places.push(g.places[g.placeName[j]] + " (" + g.placeCount[j].toLocaleString("en") + ")");
  }
  nm.row(box, "Top places", places.join(", "));
  nm.add(box, "div", info.note, "nm-note");
  return box;
};
// Groups of events: a circle sized by the count (or the region's area), coloured by
// the most frequent type.
nm.groupShapes = function (g, info, area) {
  var most = 1, shapes = [];
  g.count.forEach(function (n) { most = Math.max(most, n); });
  g.count.forEach(function (n, i) {
    var colour = info.colours[g.dom[i]];
    var shape = area
      ? L.circle([g.lat[i], g.lon[i]], {radius: g.r[i], color: colour, weight: 1.5,
                                        dashArray: "6 6", fillColor: colour, fillOpacity: 0.04,
                                        className: "nm-area nm-group-area", pane: "nm-areas"})
      : L.circleMarker([g.lat[i], g.lon[i]], {radius: 4 + 16 * Math.sqrt(n / most),
                                              color: "#333", weight: 1, fillColor: colour,
                                              fillOpacity: 0.7, className: "nm-group"});
    shape.bindPopup(nm.content(function () { return nm.groupPopup(g, i, info, area); }),
                    nm.popupOptions);
    var big = !area && n / most >= 0.2;  // the largest circles carry their count
    var label = n >= 10000 ? Math.round(n / 1000) + "k" : n.toLocaleString("en");
    shape.bindTooltip(
      nm.tip(big ? label : n.toLocaleString("en") + (n === 1 ? " event" : " events")),
      big ? {permanent: true, direction: "center", className: "nm-count"} : undefined);
    shapes.push(shape);
  });
  return shapes;
};
"""
"""Defines ``L.nm``: popups, tooltips, event markers and group circles. Run once per page."""

MAP_CSS = """
.nm-popup { font: 13px/1.4 system-ui, sans-serif; max-width: 360px; }
.nm-popup .nm-title, .nm-legend .nm-title { font-weight: 600; margin-bottom: 4px; }
.nm-label { color: #555; }
.nm-evidence { margin: 6px 0; padding: 4px 8px; border-left: 3px solid #999;
               color: #333; font-style: italic; }
.nm-id { color: #888; font-size: 11px; margin-top: 4px; }
.nm-note { color: #555; font-size: 12px; margin-top: 6px; font-style: italic; }
.nm-legend { background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 4px;
             font: 12px/1.5 system-ui, sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3);
             transition: opacity 0.15s; }
.nm-swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%;
             margin-right: 6px; vertical-align: -1px; border: 1px solid #222; }
.nm-key { color: #555; margin-top: 4px; }
.nm-legend .nm-group-key { display: none; }
.nm-legend.nm-aside { opacity: 0; pointer-events: none; }
.nm-aggregated .nm-legend .nm-group-key { display: block; }
.leaflet-control-layers { font: 13px/1.5 system-ui, sans-serif; }
.leaflet-tooltip.nm-count { background: transparent; border: 0; box-shadow: none;
                            font: 600 11px/1 system-ui, sans-serif; color: #111;
                            text-shadow: 0 0 3px #fff, 0 0 3px #fff; padding: 0; }
.leaflet-tooltip.nm-count::before { display: none; }
"""
"""Style of popups, legend, group notes and the layer control."""
