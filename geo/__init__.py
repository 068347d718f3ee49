"""newsmap's library: news reports in, a table of events and a map out.

Nothing here imports streamlit; the dashboard and the CLI sit on this API.
"""

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
from geo.maps import MapContext, build_map, reference_places, region_extents

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
    "build_map",
    "empty_events",
    "events_geojson",
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
]
