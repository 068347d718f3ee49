"""Helpers for the map-layer browser tests: pages made from geo.maps, opened from disk
with the network refused, and feature groups swapped in as streamlit-folium does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from playwright.sync_api import Browser, Page

from .browser import Watch, offline_context, watch_dialogs


@dataclass
class Opened:
    """A page, and what it tried to do that it should not (requests, dialogs, errors)."""

    page: Page
    watch: Watch
    errors: list[str] = field(default_factory=list)


def streamlit_layer_js(layer: folium.FeatureGroup, base: folium.Map) -> str:
    """The script streamlit-folium's frontend evaluates for ``feature_group_to_add``.

    Made by streamlit-folium itself; it adds ``layer`` to ``base`` (as st_folium does)
    and names the map ``map_div``.
    """
    from streamlit_folium import _get_feature_group_string

    return _get_feature_group_string(layer, base)


def swap_layer(page: Page, base: folium.Map, script: str) -> None:
    """Do what streamlit-folium's frontend does when the feature group changed on a rerun:
    remove the previous feature groups from the map, then evaluate the new script."""
    page.evaluate(
        """([name, script]) => {
          window.map = window.map_div = window[name];
          (window.feature_group || []).forEach(function (l) { window.map.removeLayer(l); });
          eval(script);
        }""",
        [base.get_name(), script],
    )


@contextmanager
def open_offline(browser: Browser, path: Path, *, wait_for: str | None = None) -> Iterator[Opened]:
    """Open a file in a fresh browser context where nothing off this machine answers."""
    watch = Watch()
    context = offline_context(browser, watch, allow_files=True)
    page = context.new_page()
    watch_dialogs(page, watch)
    opened = Opened(page, watch)
    page.on("pageerror", lambda err: opened.errors.append(str(err)))
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(wait_for or "[data-events-drawn]", state="attached")
        yield opened
    finally:
        context.close()


def many_events(events: pd.DataFrame, n: int, seed: int = 3) -> pd.DataFrame:
    """``n`` events made from the placed rows of ``events``, spread over a few hundred km.

    Made in a few vectorised steps, so tests can ask for 100,000 of them.
    """
    rng = np.random.default_rng(seed)
    placed = events[events["latitude"].notna()].reset_index(drop=True)
    rows = placed.iloc[rng.integers(0, len(placed), n)].reset_index(drop=True)
    # Some share a point exactly (as events at one town do); the rest scatter.
    scatter = rng.random(n) < 0.7
    lat = rows["latitude"].to_numpy(np.float64) + np.where(scatter, rng.normal(0, 1.5, n), 0)
    lon = rows["longitude"].to_numpy(np.float64) + np.where(scatter, rng.normal(0, 2.5, n), 0)
    return rows.assign(
        event_id=pd.array([f"gen-{i:07d}" for i in range(n)], dtype="string"),
        latitude=pd.array(np.round(lat, 5), dtype="Float64"),
        longitude=pd.array(np.round(lon, 5), dtype="Float64"),
    )
