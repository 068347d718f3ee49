"""The dashboard's events layer at 1,000 to 1,000,000 events, against drawing every event.

    python benchmarks/bench_map_layer.py [--sizes 1000 10000 100000 1000000] [--runs 3]
                                         [--alternative-max 100000] [--no-browser]

For each size, on the same generated events (rows of benchmarks/synthetic.py's
table, drawn again with new ids to reach the size):

- newsmap: ``events_layer(events)`` (one by one up to 3,000 events, grid groups
  past that); the time to build it (and, apart, ``base_map`` of the same
  events, which the dashboard also builds each rerun), the bytes of its script
  (``layer_payload_bytes``) and of the string streamlit-folium sends for it
  (``feature_group_to_add``, which also pays its regex passes over the script);
- the obvious alternative, as the dashboard did before: ``build_map(events)``
  with every event its own marker, rendered as st_folium renders it; time and
  the bytes of its events layer. Skipped above ``--alternative-max`` (it grows
  with the events: past 100,000 it takes minutes and sends hundreds of MB).

With the browser (default), each page (base map + layer) is opened from disk
in headless Debian Chromium with the network refused, timed from ``goto``
until the map says ``data-events-drawn``, one run each.
Build times are the median of ``--runs`` runs after one warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the browser helpers live in tests/, which is not installed

from benchmarks.synthetic import events_table  # noqa: E402
from geo.maps import base_map, build_map, events_layer, layer_payload_bytes  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, Watch, offline_context  # noqa: E402

BASE_ROWS = 20_000
CPU_SECONDS: list[float] = []
"""The median CPU time of each timed() call, in order: the machine is shared."""


def scaled(base: pd.DataFrame, n: int, seed: int = 11) -> pd.DataFrame:
    """``n`` events drawn from ``base`` (same towns, types, dates), with their own ids."""
    rng = np.random.default_rng(seed)
    rows = base.iloc[rng.integers(0, len(base), n)].reset_index(drop=True)
    ids = pd.array([f"bench-{i:07d}" for i in range(n)], dtype="string")
    return rows.assign(event_id=ids)


def timed(build: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall time of ``runs`` builds after a warm-up, and the last result."""
    build()
    times, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = build()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU_SECONDS.append(statistics.median(cpu))
    return statistics.median(times), result


def streamlit_bytes(events: pd.DataFrame, layer: Any) -> tuple[float, int]:
    """Time and size of the string st_folium makes of the layer (feature_group_to_add)."""
    from streamlit_folium import _get_feature_group_string

    base = base_map(events)
    base.get_root().render()
    start = time.perf_counter()
    script = _get_feature_group_string(layer, base)
    return time.perf_counter() - start, len(script.encode("utf-8"))


def old_map(events: pd.DataFrame) -> Any:
    """The dashboard before: every event its own marker in the map st_folium is given."""
    m = build_map(events)
    m.get_root().render()
    return m


def draw_seconds(browser: Browser, html: str, folder: Path) -> float:
    path = folder / "page.html"
    path.write_text(html, encoding="utf-8")
    context = offline_context(browser, Watch(), allow_files=True)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_selector("[data-events-drawn]", state="attached", timeout=600_000)
    took = time.perf_counter() - start
    context.close()
    return took


def page_with_layer(events: pd.DataFrame) -> str:
    m = base_map(events)
    events_layer(events).add_to(m)
    return m.get_root().render()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--alternative-max", type=int, default=100_000)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    start = time.perf_counter()
    base = events_table(BASE_ROWS)
    print(f"generated {BASE_ROWS:,} base events in {time.perf_counter() - start:.1f} s")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = None
        if not args.no_browser:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for n in args.sizes:
            events = scaled(base, n)
            took, layer = timed(lambda ev=events: events_layer(ev), args.runs)
            layer_cpu = CPU_SECONDS[-1]
            data = next(iter(layer._children.values())).data
            mode = f"{data['groups']['n']:,} groups" if data["groups"] else "one by one"
            row: dict[str, Any] = {
                "n": n,
                "mode": mode,
                "layer_s": took,
                "layer_cpu_s": layer_cpu,
                "layer_bytes": layer_payload_bytes(layer),
            }
            row["base_s"], _ = timed(lambda ev=events: base_map(ev), args.runs)
            row["st_s"], row["st_bytes"] = streamlit_bytes(events, layer)
            if browser is not None:
                row["draw_s"] = draw_seconds(browser, page_with_layer(events), Path(tmp))
            if n <= args.alternative_max:
                runs = args.runs if n <= 10_000 else 1
                old_s, m = timed(lambda ev=events: old_map(ev), runs)
                row["old_cpu_s"] = CPU_SECONDS[-1]
                (old_layer,) = [c for c in m._children.values() if c._name == "FeatureGroup"]
                row["old_s"], row["old_bytes"] = old_s, layer_payload_bytes(old_layer)
                if browser is not None:
                    row["old_draw_s"] = draw_seconds(browser, m.get_root().render(), Path(tmp))
            rows.append(row)
            print(row, flush=True)
        if browser is not None:
            browser.close()

    print()
    print(
        "| events | layer | build wall / CPU (base_map) | script | st_folium string (+ time)"
        " | open → drawn | old build_map wall / CPU | old script | old open → drawn"
        " | build ratio | size ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        draw = f"{r['draw_s']:.2f} s" if "draw_s" in r else "–"
        line = (
            f"| {r['n']:,} | {r['mode']} | {r['layer_s']:.3f} s / {r['layer_cpu_s']:.3f} s"
            f" ({r['base_s']:.3f} s)"
            f" | {r['layer_bytes'] / 1e3:,.0f} kB"
            f" | {r['st_bytes'] / 1e3:,.0f} kB (+{r['st_s']:.3f} s) | {draw}"
        )
        if "old_s" in r:
            old_draw = f"{r['old_draw_s']:.2f} s" if "old_draw_s" in r else "–"
            line += (
                f" | {r['old_s']:.2f} s / {r['old_cpu_s']:.2f} s"
                f" | {r['old_bytes'] / 1e6:,.1f} MB | {old_draw}"
                f" | {r['layer_s'] / r['old_s']:.3f} | {r['layer_bytes'] / r['old_bytes']:.3f} |"
            )
        else:
            line += " | skipped | | | | |"
        print(line)


if __name__ == "__main__":
    main()
