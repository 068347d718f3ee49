"""Write a filtered view out: a standalone HTML map (with its own timeline), GeoJSON.

The HTML carries Leaflet, MarkerCluster and their CSS inline (as data: URLs
from the installed packages), so it opens from disk with no internet. Only
the optional base tiles are fetched from the network.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.files import write_atomic
from geo.maps import MapContext, build_map, safe_json


class Caption(MacroElement):
    """A box on the map saying what it shows: title, filters, counts, export time."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var lines = {{ this.lines }};
  var caption = L.control({position: "topright"});
  caption.onAdd = function () {
    var box = L.DomUtil.create("div", "nm-legend nm-caption");
    lines.forEach(function (text, i) {
      var line = document.createElement("div");
      line.textContent = text;
      if (i === 0) { line.className = "nm-title"; }
      box.appendChild(line);
    });
    return box;
  };
  caption.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self._name = "Caption"
        self.lines = safe_json(lines)


class TimeSlider(MacroElement):
    """A timeline inside the exported file: two range handles and a play button.

    It shows the events that may have happened in the chosen days (each
    event's date window, as the dashboard's filter does).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var days = {{ this.days }};
  if (days.length < 2 || !map.nmShow) { return; }
  var control = L.control({position: "bottomleft"});
  control.onAdd = function () {
    var box = L.DomUtil.create("div", "nm-legend nm-timeline");
    var title = document.createElement("div");
    title.className = "nm-title";
    title.textContent = "Timeline";
    box.appendChild(title);
    function slider(value, cls) {
      var input = document.createElement("input");
      input.type = "range"; input.min = 0; input.max = days.length - 1; input.step = 1;
      input.value = value; input.className = cls;
      box.appendChild(input);
      return input;
    }
    var from = slider(0, "nm-from");
    var to = slider(days.length - 1, "nm-to");
    var label = document.createElement("div");
    label.className = "nm-range";
    box.appendChild(label);
    var play = document.createElement("button");
    play.type = "button"; play.className = "nm-play"; play.textContent = "▶ Play by day";
    box.appendChild(play);
    function update(event) {
      var a = Math.min(+from.value, +to.value), b = Math.max(+from.value, +to.value);
      var lo = days[a], hi = days[b];
      // At load the full range is already drawn: count it, don't draw it twice.
      var n = event === "initial" ? map.nmTotal
        : map.nmShow(function (e) { return e.t1 >= lo && e.t0 <= hi; });
      label.textContent = (lo === hi ? lo : lo + " to " + hi) + ": " + n + " events";
    }
    var timer = null;
    function stop() { clearInterval(timer); timer = null; play.textContent = "▶ Play by day"; }
    play.addEventListener("click", function () {
      if (timer) { stop(); return; }
      var i = 0;
      play.textContent = "■ Stop";
      timer = setInterval(function () {
        if (i >= days.length) {
          stop(); from.value = 0; to.value = days.length - 1; update(); return;
        }
        from.value = i; to.value = i; update(); i += 1;
      }, 700);
    });
    from.addEventListener("input", update);
    to.addEventListener("input", update);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    update("initial");
    return box;
  };
  control.addTo(map);
})();
{% endmacro %}
{% macro header(this, kwargs) %}
<style>
.nm-timeline input[type=range] { display: block; width: 260px; }
.nm-timeline .nm-range { margin: 2px 0 4px; }
.nm-timeline button { font: inherit; padding: 2px 8px; }
</style>
{% endmacro %}
"""
    )

    def __init__(self, first: date, last: date) -> None:
        super().__init__()
        self._name = "TimeSlider"
        days = pd.date_range(first, last, freq="D").strftime("%Y-%m-%d").tolist()
        self.days = safe_json(days)


def map_html(
    events: pd.DataFrame,
    *,
    total: int | None = None,
    filters: str = "all events",
    title: str = "newsmap",
    context: MapContext | None = None,
) -> str:
    """The events as one self-contained HTML page, with the active filters written on it."""
    m = build_map(events, context=context)
    placed = int((events["latitude"].notna() & events["longitude"].notna()).sum())
    shown = f"{len(events)} of {total} events" if total is not None else f"{len(events)} events"
    lines = [
        title,
        f"{shown}; {placed} on the map",
        f"Filters: {filters}",
        f"Exported {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    ]
    Caption(lines).add_to(m)
    dates = events.loc[events["latitude"].notna(), "event_date"].dropna()
    if not dates.empty and dates.min() < dates.max():
        TimeSlider(dates.min().date(), dates.max().date()).add_to(m)
    return m.get_root().render()


def json_rows(events: pd.DataFrame) -> list[dict[str, Any]]:
    """The table as JSON-ready rows: null for NA, YYYY-MM-DD dates, plain numbers."""
    return [{k: _plain(v) for k, v in row.items()} for row in events.to_dict("records")]


def events_geojson(events: pd.DataFrame) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the placed events (coordinates in lon, lat order)."""
    placed = events[events["latitude"].notna() & events["longitude"].notna()]
    features = []
    for properties in json_rows(placed):
        lon, lat = properties.pop("longitude"), properties.pop("latitude")
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _plain(value: Any) -> Any:
    """A JSON-ready value: NA becomes null, timestamps ISO dates, numpy scalars Python ones."""
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return value.item() if hasattr(value, "item") else value


def write_map_html(path: Path, html: str) -> None:
    """Write the page atomically: a reader never sees half a file."""
    write_atomic(path, html)
