"""Exported HTML: file size, and time to open and draw in Chromium, against folium.

    python benchmarks/bench_export.py [--events 10000] [--runs 3]

Both files hold the same generated events (benchmarks/synthetic.py):

- newsmap: ``geo.export.map_html`` (assets inlined, popups with evidence,
  legend, caption, timeline);
- folium: the obvious alternative, folium's plain ``MarkerCluster`` with one
  ``folium.Marker`` and ``folium.Popup`` per event (type, date, place, notes,
  sentence), saved with ``Map.save``. Its Leaflet, MarkerCluster and jQuery
  come from CDNs, which this machine cannot reach, so for the timing they are
  swapped for the same libraries inlined from the installed XStatic packages;
  its size is reported both ways.

Each file is opened from disk in headless Debian Chromium with every network
request refused, and timed from ``page.goto`` until the markers are on the map
(newsmap: the map says data-events-drawn=N; folium: a cluster icon is shown).
The two are opened alternately; the median of the runs is reported.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
import time
from pathlib import Path

import folium
import pandas as pd
from folium.plugins import MarkerCluster
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the browser helpers live in tests/, which is not installed

from benchmarks.synthetic import events_table  # noqa: E402
from geo import assets  # noqa: E402
from geo.export import map_html  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, Watch, offline_context  # noqa: E402


def folium_html(events: pd.DataFrame, inline: bool) -> str:
    m = folium.Map(location=(48.5, 31.5), zoom_start=5)
    cluster = MarkerCluster().add_to(m)
    for row in events.itertuples(index=False):
        text = (
            f"<b>{row.event_type}</b><br>{row.event_date:%Y-%m-%d}<br>{row.location}"
            f"<br>{row.notes}<br><i>{row.evidence}</i>"
        )
        folium.Marker(
            [float(row.latitude), float(row.longitude)], popup=folium.Popup(text, parse_html=True)
        ).add_to(cluster)
    if inline:
        m.default_js = [*assets.map_js(), ("jquery", _jquery())]
        m.default_css = list(assets.map_css())
        cluster.default_js = []
        cluster.default_css = []
    return m.get_root().render()


def _jquery() -> str:
    import xstatic.pkg.jquery as xjquery

    data = (Path(xjquery.BASE_DIR) / "jquery.min.js").read_bytes()
    return "data:text/javascript;base64," + base64.b64encode(data).decode("ascii")


def time_open(browser: Browser, path: Path, drawn_js: str) -> float:
    context = offline_context(browser, Watch(), allow_files=True)
    page = context.new_page()
    started = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function(drawn_js, timeout=120_000, polling=20)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    events = events_table(args.events)
    started = time.perf_counter()
    ours = map_html(events, total=len(events), filters="all events")
    ours_build = time.perf_counter() - started
    started = time.perf_counter()
    theirs = folium_html(events, inline=True)
    theirs_build = time.perf_counter() - started
    theirs_cdn = folium_html(events, inline=False)

    folder = Path(tempfile.mkdtemp(prefix="newsmap-bench-"))
    ours_path, theirs_path = folder / "newsmap.html", folder / "folium.html"
    ours_path.write_text(ours, encoding="utf-8")
    theirs_path.write_text(theirs, encoding="utf-8")
    mb = 1024 * 1024

    ours_js = f"() => document.querySelector('[data-events-drawn=\"{len(events)}\"]') !== null"
    theirs_js = "() => document.querySelector('.marker-cluster') !== null"
    times: dict[str, list[float]] = {"newsmap": [], "folium": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        time_open(browser, ours_path, ours_js)  # warm-up, untimed
        time_open(browser, theirs_path, theirs_js)
        for _ in range(args.runs):
            times["newsmap"].append(time_open(browser, ours_path, ours_js))
            times["folium"].append(time_open(browser, theirs_path, theirs_js))
        browser.close()

    ours_t, theirs_t = statistics.median(times["newsmap"]), statistics.median(times["folium"])
    print(f"{len(events):,} generated events, {args.runs} runs, median (min-max)")
    print(f"{'':28}{'newsmap':>22}{'folium MarkerCluster':>24}{'ratio':>8}")
    print(
        f"{'file size (MB)':28}{len(ours.encode()) / mb:>22.2f}"
        f"{len(theirs.encode()) / mb:>24.2f}{len(ours) / len(theirs):>8.2f}"
    )
    print(f"{'  folium with CDN links':28}{'':>22}{len(theirs_cdn.encode()) / mb:>24.2f}")
    print(f"{'build in Python (s)':28}{ours_build:>22.2f}{theirs_build:>24.2f}")
    spread = {
        k: f"{statistics.median(v):.2f} ({min(v):.2f}-{max(v):.2f})" for k, v in times.items()
    }
    print(
        f"{'open -> drawn in Chromium (s)':28}{spread['newsmap']:>22}{spread['folium']:>24}"
        f"{ours_t / theirs_t:>8.2f}"
    )


if __name__ == "__main__":
    main()
