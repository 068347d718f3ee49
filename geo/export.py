"""Write a filtered view out: one standalone HTML map file.

The HTML carries Leaflet, MarkerCluster and their CSS inline (as data: URLs
from the installed packages), so it opens from disk with no internet. Only
the optional base tiles are fetched from the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.errors import ExportError
from geo.maps import build_map, safe_json


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


def map_html(
    events: pd.DataFrame,
    *,
    total: int | None = None,
    filters: str = "all events",
    title: str = "newsmap",
    extents_km: Mapping[int, float] | None = None,
) -> str:
    """The events as one self-contained HTML page, with the active filters written on it."""
    m = build_map(events, extents_km=extents_km)
    placed = int((events["latitude"].notna() & events["longitude"].notna()).sum())
    shown = f"{len(events)} of {total} events" if total is not None else f"{len(events)} events"
    lines = [
        title,
        f"{shown}; {placed} on the map",
        f"Filters: {filters}",
        f"Exported {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
    ]
    Caption(lines).add_to(m)
    return m.get_root().render()


def events_geojson(events: pd.DataFrame) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the placed events (coordinates in lon, lat order)."""
    placed = events[events["latitude"].notna() & events["longitude"].notna()]
    features = []
    for record in placed.to_dict("records"):
        lon, lat = float(record.pop("longitude")), float(record.pop("latitude"))
        properties = {k: _plain(v) for k, v in record.items()}
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
    """Write atomically: a reader never sees half a file."""
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(path)
    except OSError as err:
        raise ExportError(
            f"could not write {path}: {err.strerror}. Fix: check the folder."
        ) from err
