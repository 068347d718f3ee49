"""newsmap's library: news reports in, a table of events and a map out.

Nothing here imports streamlit; the dashboard and the CLI sit on this API.

Names load on first use (PEP 562), so that ``import geo.gazetteer`` or the
``places`` command does not pay for pandas, folium or the dataset formats.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geo.articles import Article, evidence, read_article, read_articles, write_article
    from geo.errors import DataError, ExportError, GazetteerError, GeocodingError, NewsmapError
    from geo.events import (
        EventFilter,
        LoadReport,
        actors_of,
        combine,
        empty_events,
        filter_events,
        read_events,
        rejection_message,
        to_csv_bytes,
        write_events,
    )
    from geo.export import events_geojson, map_html, write_map_html
    from geo.extract import extract_article, extract_events
    from geo.formats import export_dataset, import_dataset
    from geo.gazetteer import Gazetteer, Mention, Place, Resolution
    from geo.maps import (
        MapContext,
        base_map,
        build_map,
        events_layer,
        layer_payload_bytes,
        reference_places,
        region_extents,
    )

# Public name -> module that defines it.
_EXPORTS = {
    "Article": "geo.articles",
    "DataError": "geo.errors",
    "EventFilter": "geo.events",
    "ExportError": "geo.errors",
    "Gazetteer": "geo.gazetteer",
    "GazetteerError": "geo.errors",
    "GeocodingError": "geo.errors",
    "LoadReport": "geo.events",
    "MapContext": "geo.maps",
    "Mention": "geo.gazetteer",
    "NewsmapError": "geo.errors",
    "Place": "geo.gazetteer",
    "Resolution": "geo.gazetteer",
    "actors_of": "geo.events",
    "base_map": "geo.maps",
    "build_map": "geo.maps",
    "empty_events": "geo.events",
    "events_geojson": "geo.export",
    "events_layer": "geo.maps",
    "evidence": "geo.articles",
    "filter_events": "geo.events",
    "map_html": "geo.export",
    "read_article": "geo.articles",
    "read_articles": "geo.articles",
    "read_events": "geo.events",
    "reference_places": "geo.maps",
    "region_extents": "geo.maps",
    "rejection_message": "geo.events",
    "to_csv_bytes": "geo.events",
    "write_map_html": "geo.export",
    "write_article": "geo.articles",
    "write_events": "geo.events",
    "combine": "geo.events",
    "extract_article": "geo.extract",
    "extract_events": "geo.extract",
    "import_dataset": "geo.formats",
    "export_dataset": "geo.formats",
    "layer_payload_bytes": "geo.maps",
}

__all__ = [
    "Article",
    "DataError",
    "EventFilter",
    "ExportError",
    "Gazetteer",
    "GazetteerError",
    "GeocodingError",
    "LoadReport",
    "MapContext",
    "Mention",
    "NewsmapError",
    "Place",
    "Resolution",
    "actors_of",
    "base_map",
    "build_map",
    "empty_events",
    "events_geojson",
    "events_layer",
    "evidence",
    "filter_events",
    "map_html",
    "read_article",
    "read_articles",
    "read_events",
    "reference_places",
    "region_extents",
    "rejection_message",
    "to_csv_bytes",
    "write_map_html",
    "write_article",
    "write_events",
    "combine",
    "extract_article",
    "extract_events",
    "import_dataset",
    "export_dataset",
    "layer_payload_bytes",
]


def __getattr__(name: str) -> Any:
    """Import the defining module of a public name on first access."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'geo' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
