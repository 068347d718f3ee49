"""The map's JavaScript and CSS, taken from installed XStatic packages.

Nothing is fetched from a CDN: a map drawn in the dashboard or opened from an
exported file works with no internet. Each asset becomes a ``data:`` URL, which
both a browser page and streamlit-folium's component can load, and which keeps
an exported HTML file to one self-contained file.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet
import xstatic.pkg.leaflet_markercluster as xcluster

_MIME = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


def _data_url(payload: bytes, mime: str) -> str:
    return f"data:{mime};charset=utf-8;base64," + base64.b64encode(payload).decode("ascii")


def _file_url(path: Path) -> str:
    return _data_url(path.read_bytes(), _MIME[path.suffix])


def _css_with_inlined_images(path: Path) -> str:
    """Leaflet's CSS names images by relative path; a data: URL has no base, so inline them."""
    css = path.read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        image = path.parent / match.group(1)
        return f"url({_file_url(image)})" if image.is_file() else match.group(0)

    css = re.sub(r"url\((images/[^)]+\.png)\)", inline, css)
    return _data_url(css.encode("utf-8"), "text/css")


@lru_cache(maxsize=1)
def map_js() -> tuple[tuple[str, str], ...]:
    """(name, url) pairs in load order: Leaflet, then MarkerCluster."""
    leaflet = Path(xleaflet.BASE_DIR)
    cluster = Path(xcluster.BASE_DIR)
    return (
        ("leaflet", _file_url(leaflet / "leaflet.js")),
        ("markercluster", _file_url(cluster / "leaflet.markercluster.js")),
    )


@lru_cache(maxsize=1)
def map_css() -> tuple[tuple[str, str], ...]:
    """(name, url) pairs for Leaflet's and MarkerCluster's stylesheets."""
    leaflet = Path(xleaflet.BASE_DIR)
    cluster = Path(xcluster.BASE_DIR)
    return (
        ("leaflet_css", _css_with_inlined_images(leaflet / "leaflet.css")),
        ("markercluster_css", _file_url(cluster / "MarkerCluster.css")),
        ("markercluster_default_css", _file_url(cluster / "MarkerCluster.Default.css")),
    )


def versions() -> dict[str, str]:
    """The versions of the bundled libraries, for the README and the export's footer."""
    return {"Leaflet": xleaflet.VERSION, "Leaflet.markercluster": xcluster.VERSION}
