"""Dashboard start-up time and peak memory, against a bare Streamlit app.

    python benchmarks/bench_dashboard.py [--runs N]

For the seed data (data/events.csv) it times, in headless Chromium with every
request off this machine refused: launching `streamlit run dashboard.py` until
/_stcore/health answers ("healthy"), then page.goto until the map iframe says
data-events-drawn=<events with coordinates> ("drawn"). The same is done for a
one-line Streamlit app (until its text is visible): the floor any Streamlit app
pays. After each page is drawn it reads VmHWM (peak resident memory) of the
streamlit server process from /proc/PID/status.

The gazetteer index is built once, before timing, in a temporary
NEWSMAP_CACHE_DIR that the timed runs share (warm); one more run with an empty
cache dir (index build included) is reported on its own. The apps are started
alternately so that drift on a shared machine hits both alike, after one
untimed warm-up of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the browser helpers live in tests/, which is not installed

from geo.events import read_events  # noqa: E402
from tests.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    Watch,
    dashboard,
    map_frame,
    offline_context,
)

SEED_EVENTS = ROOT / "data" / "events.csv"
BARE_TEXT = "bare Streamlit app: one line of text"
BARE_APP = f'import streamlit as st\n\nst.write("{BARE_TEXT}")\n'
POLL = 0.05  # seconds between health and map checks: the timing resolution
DRAW_TIMEOUT = 120.0  # a cold cache builds the index (~12 s here) before the map draws


@dataclass
class Run:
    """One launch of an app, timed from `streamlit run` (seconds) and its peak memory."""

    healthy: float
    drawn_after_goto: float
    total: float
    peak_mb: float


def peak_memory_mb(pid: int) -> float:
    """VmHWM (peak resident set size) of a live process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # the kernel reports kB
    raise RuntimeError(f"no VmHWM in /proc/{pid}/status")


@contextmanager
def cache_dir(path: Path) -> Iterator[None]:
    """Point NEWSMAP_CACHE_DIR at ``path`` for the servers started inside."""
    old = os.environ.get("NEWSMAP_CACHE_DIR")
    os.environ["NEWSMAP_CACHE_DIR"] = str(path)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("NEWSMAP_CACHE_DIR", None)
        else:
            os.environ["NEWSMAP_CACHE_DIR"] = old


def timed_launch(browser: Browser, script: Path | None, ready: Callable[[Page], None]) -> Run:
    """Start the app, wait until healthy, open it, and wait until ``ready`` returns."""
    context = offline_context(browser, Watch())  # a fresh context: no HTTP cache
    page = context.new_page()
    try:
        start = time.perf_counter()
        with dashboard(SEED_EVENTS, script=script, poll=POLL) as server:
            healthy = time.perf_counter()
            page.goto(server.url)
            ready(page)
            drawn = time.perf_counter()
            peak = peak_memory_mb(server.pid)
    finally:
        context.close()
    return Run(healthy - start, drawn - healthy, drawn - start, peak)


def build_index(cache: Path) -> float:
    """Open the gazetteer once in a child process, so the index is built in ``cache``."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from geo import Gazetteer; Gazetteer.open()"],
        cwd=ROOT,
        env={**os.environ, "NEWSMAP_CACHE_DIR": str(cache)},
        check=True,
    )
    seconds = time.perf_counter() - start
    if not any(cache.iterdir()):
        raise RuntimeError(f"Gazetteer.open() left no index in {cache}")
    return seconds


def spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def row(label: str, values: list[float], unit: str) -> str:
    median, low, high = spread(values)
    return f"  {label:<34}{median:>8.2f}{low:>8.2f}{high:>8.2f}  {unit}"


def report(
    runs: int,
    placed: int,
    index_seconds: float,
    newsmap: list[Run],
    bare: list[Run],
    cold: Run,
) -> str:
    lines = [
        f"newsmap dashboard start-up: {SEED_EVENTS.relative_to(ROOT)}, "
        f"{placed} events with coordinates; headless {CHROMIUM}, offline",
        f"gazetteer index built once before timing in a temporary NEWSMAP_CACHE_DIR "
        f"({index_seconds:.1f} s, Gazetteer.open() in a child process); timed runs use it warm",
        f"{runs} timed runs of each app, alternating, after 1 untimed warm-up of each; "
        f"{os.cpu_count()} CPUs (shared machine: expect noise)",
        "",
        f"  {'':<34}{'median':>8}{'min':>8}{'max':>8}",
    ]
    for name, results, what in (("newsmap", newsmap, "map drawn"), ("bare", bare, "text shown")):
        lines += [
            row(f"{name}: launch -> healthy", [r.healthy for r in results], "s"),
            row(f"{name}: goto -> {what}", [r.drawn_after_goto for r in results], "s"),
            row(f"{name}: launch -> {what}", [r.total for r in results], "s"),
            row(f"{name}: peak memory (VmHWM)", [r.peak_mb for r in results], "MB"),
        ]
    time_ratio = statistics.median(r.total for r in newsmap) / statistics.median(
        r.total for r in bare
    )
    memory_ratio = statistics.median(r.peak_mb for r in newsmap) / statistics.median(
        r.peak_mb for r in bare
    )
    lines += [
        "",
        f"  newsmap / bare, launch -> drawn (medians): {time_ratio:.2f}x",
        f"  newsmap / bare, peak memory (medians):     {memory_ratio:.2f}x",
        "",
        "  cold cache, one run (empty NEWSMAP_CACHE_DIR, index build included):",
        f"    launch -> healthy {cold.healthy:.2f} s, goto -> map drawn "
        f"{cold.drawn_after_goto:.2f} s, launch -> map drawn {cold.total:.2f} s, "
        f"peak memory {cold.peak_mb:.0f} MB",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each app (default 5)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not CHROMIUM.exists():
        parser.error(f"{CHROMIUM} is missing: install Debian's chromium (make chromium)")

    placed = int(read_events(SEED_EVENTS).events["latitude"].notna().sum())

    def map_drawn(page: Page) -> None:
        map_frame(page, expect=placed, timeout=DRAW_TIMEOUT, poll=POLL)

    def text_shown(page: Page) -> None:
        page.get_by_text(BARE_TEXT, exact=True).wait_for(state="visible", timeout=60_000)

    with tempfile.TemporaryDirectory(prefix="newsmap-bench-") as tmp:
        tmp_path = Path(tmp)
        warm, cold_cache = tmp_path / "warm-cache", tmp_path / "cold-cache"
        warm.mkdir()
        cold_cache.mkdir()
        bare_app = tmp_path / "bare_app.py"
        bare_app.write_text(BARE_APP, encoding="utf-8")

        print("building the gazetteer index once (warm cache for the timed runs)…", flush=True)
        index_seconds = build_index(warm)
        newsmap: list[Run] = []
        bare: list[Run] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            with cache_dir(warm):
                print("warm-up (untimed)…", flush=True)
                timed_launch(browser, None, map_drawn)
                timed_launch(browser, bare_app, text_shown)
                for i in range(args.runs):
                    order = [(None, newsmap), (bare_app, bare)]
                    for script, results in order if i % 2 == 0 else order[::-1]:
                        ready = text_shown if script else map_drawn
                        results.append(timed_launch(browser, script, ready))
                    print(
                        f"run {i + 1}/{args.runs}: newsmap {newsmap[-1].total:.2f} s, "
                        f"bare {bare[-1].total:.2f} s",
                        flush=True,
                    )
            with cache_dir(cold_cache):
                print("cold-cache run…", flush=True)
                cold = timed_launch(browser, None, map_drawn)
            browser.close()

    print()
    print(report(args.runs, placed, index_seconds, newsmap, bare, cold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
