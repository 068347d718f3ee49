"""The dashboard at scale: first map, a filter change and peak memory, 1,000 to 1,000,000 events.

    python benchmarks/bench_dashboard_scale.py [--sizes 1000 10000 100000 1000000] [--runs N]

For each size a generated table (benchmarks/synthetic.py, every event placed)
is written to a CSV, and two apps are run on it with `streamlit run`, alternately:
the dashboard as it is ("new") and the one of commit 5632cf3 ("old", which
drew every filtered event as its own marker and remounted the map on each
change; the whole tree at that commit, extracted with `git archive` into a
temporary directory, so the old app runs on its own geo/ and gazetteer index;
--old-commit picks another, e.g. the last one before a change to measure).
For each run,
in headless Chromium with every request off this machine refused:

- first map: from launching `streamlit run` until the map iframe says
  data-events-drawn=<placed events>, by the page's own timestamp (a mutation
  observer injected before any script; Playwright's polling would add its own
  delay). For a file large enough for a snapshot (geo.snapshot.MIN_BYTES), the
  first run starts without one, as on the day the file is first opened:
  reported on its own line; later runs reopen it;
- filter change: "Protests" is picked in the sidebar's "Event type"
  multiselect; timed from the click on the option until the count line reads
  "K of N events" and the map says data-events-drawn=K, both by the page's
  timestamps; the websocket frames
  the browser receives from that click until no frame has come for 1 s are
  summed (payload bytes);
- peak memory: VmHWM of the streamlit process after the filter change.

The server-side rerun alone is timed under Streamlit's AppTest, in a child
process per app (alternating): after the first run, picking "Protests"
(timed) and clearing it again, twice per child.

The old app is dropped at a size (and every larger one) once a run of it
takes longer than --old-limit seconds (default 120) to draw its first map or
to show a filter change. With --screenshot PATH, one more launch of the new
dashboard on the 100,000-event table (if among the sizes) is captured full
page at 1400x1700. --profile prints a pyinstrument profile of one new-app
rerun at the largest size (pyinstrument must be installed). --index-by-id adds
an index on place(geonameid) to the temporary gazetteer before timing: a fix
to try for Gazetteer.by_id, which otherwise scans the whole place table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Frame, Page, WebSocket, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the browser helpers live in tests/, which is not installed

from benchmarks.bench_dashboard import build_index, cache_dir, peak_memory_mb  # noqa: E402
from geo.snapshot import MIN_BYTES, snapshot_dir  # noqa: E402
from tests.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    Watch,
    dashboard,
    map_frame,
    offline_context,
)

OLD_COMMIT = "5632cf3"
CHOSEN_TYPE = "Protests"
POLL = 0.05  # seconds between checks: the timing resolution
SETTLE = 1.0  # the websocket is quiet this long: the rerun's messages are all in
NEW = "new"
OLD = "old"


# Timestamps taken in the page, by the browser's clock (the machine's, as Python's
# time.time()): when the map's container first says data-events-drawn=N, and when
# the count line first reads a given text. Polling from Playwright would add its
# own round trips (up to half a second on a busy machine) to every figure.
STAMPS = """
(() => {
  const stamps = {drawn: [], counts: []};
  window.__nmStamps = stamps;
  const top = window.top === window;
  const COUNT = /[0-9][0-9,]* of [0-9][0-9,]* events/;
  let last = null, pending = false, watched = null;
  function readCount() {
    pending = false;
    const found = (document.body ? document.body.textContent : "").match(COUNT);
    const text = found ? found[0] : null;
    if (text !== last) { last = text; if (text) stamps.counts.push([text, Date.now()]); }
  }
  const observer = new MutationObserver((records) => {
    const stamp = Date.now();
    if (!top) {
      records.forEach((r) => {
        if (r.type === "attributes" && r.attributeName === "data-events-drawn") {
          stamps.drawn.push([r.target.getAttribute("data-events-drawn"), stamp]);
        }
      });
    } else if (!pending) {
      pending = true;
      queueMicrotask(readCount);
    }
  });
  // An iframe keeps its window when it leaves its first, blank document for the
  // component's page: watch whichever document is current.
  setInterval(() => {
    if (watched === document) { return; }
    watched = document;
    observer.observe(document, {subtree: true, childList: top, characterData: top,
                                attributes: !top,
                                attributeFilter: top ? undefined : ["data-events-drawn"]});
  }, 5);
})();
"""


def stamp_of(frame: Frame, kind: str, value: str, since: float) -> float:
    """Epoch seconds at which ``kind`` ("drawn" or "counts") first read ``value`` after
    ``since`` in this frame."""
    entries = frame.evaluate(f"window.__nmStamps ? window.__nmStamps.{kind} : []")
    for seen, ms in entries:
        if seen == value and ms / 1000 >= since:
            return float(ms) / 1000
    raise LookupError(f"the page never stamped {kind}={value!r}")


@dataclass
class BrowserRun:
    first_map: float  # launch -> map drawn, seconds
    reopened: bool  # a checked snapshot of the file was in the cache (geo.snapshot)
    first_bytes: int  # websocket bytes received until the page settled
    change: float  # click on the option -> count line and map show the filter, seconds
    change_bytes: int  # websocket bytes received for the filter change
    count_at: float  # click -> count line shows the filter, seconds
    last_frame_at: float  # click -> the last websocket frame of the rerun, seconds
    peak_mb: float


@dataclass
class Results:
    size: int
    placed: int
    chosen: int
    browser: dict[str, list[BrowserRun]] = field(default_factory=lambda: {NEW: [], OLD: []})
    apptest_first: dict[str, list[float]] = field(default_factory=lambda: {NEW: [], OLD: []})
    rerun: dict[str, list[float]] = field(default_factory=lambda: {NEW: [], OLD: []})
    old_skipped: str = ""


class Frames:
    """Sizes of the websocket frames a page receives, with when they arrived."""

    def __init__(self) -> None:
        self.received: list[tuple[float, int]] = []

    def attach(self, page: Page) -> None:
        def on_socket(ws: WebSocket) -> None:
            ws.on("framereceived", self._frame)

        page.on("websocket", on_socket)

    def _frame(self, payload: str | bytes) -> None:
        size = len(payload.encode("utf-8")) if isinstance(payload, str) else len(payload)
        self.received.append((time.perf_counter(), size))

    def mark(self) -> int:
        return len(self.received)

    def bytes_since(self, mark: int) -> int:
        return sum(size for _, size in self.received[mark:])

    def settle(self, page: Page, quiet: float = SETTLE, timeout: float = 60.0) -> None:
        """Wait until no frame has arrived for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            last = self.received[-1][0] if self.received else 0.0
            if time.perf_counter() - last >= quiet:
                return
            page.wait_for_timeout(POLL * 1000)


def count_shown(page: Page, text: str) -> bool:
    try:
        return page.get_by_text(text, exact=True).count() > 0
    except Exception:  # noqa: BLE001 - the page is being redrawn
        return False


def browser_run(
    browser: Browser, script: Path, csv: Path, res: Results, limit: float, cache: Path
) -> BrowserRun:
    # Below MIN_BYTES no file gets a snapshot: every opening is alike.
    reopened = csv.stat().st_size < MIN_BYTES or any(snapshot_dir(cache).glob("*.json"))
    context = offline_context(browser, Watch())
    context.add_init_script(STAMPS)
    page = context.new_page()
    frames = Frames()
    frames.attach(page)
    try:
        launched = time.time()
        with dashboard(csv, timeout=limit, script=script, poll=POLL) as server:
            page.goto(server.url)
            the_map = map_frame(page, expect=res.placed, timeout=limit, poll=POLL)
            first_map = stamp_of(the_map, "drawn", str(res.placed), launched) - launched
            frames.settle(page, timeout=limit)
            first_bytes = frames.bytes_since(0)

            sidebar = page.get_by_test_id("stSidebar")
            sidebar.locator("[data-testid='stMultiSelect']").first.click()
            option = page.get_by_role("option", name=CHOSEN_TYPE, exact=True)
            option.wait_for(timeout=30_000)
            mark = frames.mark()
            clicked = time.perf_counter()
            clicked_at = time.time()
            option.click()
            page.keyboard.press("Escape")  # close the list, as a user would
            # The old app writes 16788 of 100000, the new one 16,788 of 100,000.
            wanted = f"{res.chosen} of {res.size} events"
            spaced = f"{res.chosen:,} of {res.size:,} events"
            deadline = clicked + limit
            while not (count_shown(page, wanted) or count_shown(page, spaced)):
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"the count never read {wanted!r}")
                time.sleep(POLL)
            the_map = map_frame(
                page, expect=res.chosen, timeout=max(deadline - time.perf_counter(), 1), poll=POLL
            )
            try:
                count_at = stamp_of(page.main_frame, "counts", spaced, clicked_at) - clicked_at
            except LookupError:  # the old app's count line, without separators
                count_at = stamp_of(page.main_frame, "counts", wanted, clicked_at) - clicked_at
            drawn_at = stamp_of(the_map, "drawn", str(res.chosen), clicked_at) - clicked_at
            change = max(count_at, drawn_at)
            frames.settle(page, timeout=limit)
            change_bytes = frames.bytes_since(mark)
            last_frame_at = frames.received[-1][0] - clicked if frames.mark() > mark else 0.0
            peak = peak_memory_mb(server.pid)
    finally:
        context.close()
    return BrowserRun(
        first_map, reopened, first_bytes, change, change_bytes, count_at, last_frame_at, peak
    )


def screenshot(browser: Browser, csv: Path, placed: int, path: Path) -> None:
    context = offline_context(browser, Watch())
    page = context.new_page()
    page.set_viewport_size({"width": 1400, "height": 1700})
    try:
        with dashboard(csv, timeout=300, poll=POLL) as server:
            page.goto(server.url)
            map_frame(page, expect=placed, timeout=300, poll=POLL)
            page.wait_for_timeout(2000)  # let the table and chart finish drawing
            page.screenshot(path=str(path), full_page=True)
    finally:
        context.close()


# --- the server-side rerun, under AppTest in a child process -------------------------


def apptest_child(script: str, reps: int, profile: bool) -> None:
    """Run in a child: print JSON with the first run's and each filter rerun's seconds."""
    from streamlit.testing.v1 import AppTest

    tree = Path(script).resolve().parent
    if tree != ROOT:  # the old app runs on its own geo/, as `streamlit run` would
        for name in [m for m in sys.modules if m == "geo" or m.startswith("geo.")]:
            del sys.modules[name]
        sys.path.insert(0, str(tree))
    at = AppTest.from_file(str(Path(script).resolve()), default_timeout=3600)
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{script}: {at.exception}")
    reruns = []
    for _ in range(reps):
        start = time.perf_counter()
        at.sidebar.multiselect(key="f_types").select(CHOSEN_TYPE).run()
        reruns.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"{script}: {at.exception}")
        at.sidebar.multiselect(key="f_types").set_value([]).run()
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        with profiler:
            at.sidebar.multiselect(key="f_types").select(CHOSEN_TYPE).run()
        print(profiler.output_text(unicode=False, show_all=False), file=sys.stderr)
    print(json.dumps({"first": first, "reruns": reruns}))


def apptest(script: Path, csv: Path, reps: int, limit: float, profile: bool = False) -> dict:
    env = {**os.environ, "NEWSMAP_EVENTS": str(csv)}
    command = [sys.executable, __file__, "--apptest-child", str(script), "--runs", str(reps)]
    if profile:
        command.append("--profile")
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=limit, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"AppTest child failed: {done.stderr[-2000:]}")
    if profile:
        print(done.stderr, flush=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the report ----------------------------------------------------------------------


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    if not values:
        return "skipped"
    median, low, high = statistics.median(values), min(values), max(values)
    if len(values) == 1:
        return fmt.format(median)
    return f"{fmt.format(median)} ({fmt.format(low)}–{fmt.format(high)})"


def ratio(new: list[float], old: list[float]) -> str:
    if not new or not old:
        return "–"
    return f"{statistics.median(new) / statistics.median(old):.2f}x"


def report(results: list[Results], runs: int, index_seconds: float, by_id: bool) -> str:
    lines = [
        f"newsmap dashboard at scale; headless {CHROMIUM}, offline; {os.cpu_count()} CPUs "
        "(shared machine: expect noise)",
        f"gazetteer index built once in a temporary NEWSMAP_CACHE_DIR ({index_seconds:.1f} s)"
        + ("; with an extra index on place(geonameid) (--index-by-id)" if by_id else ""),
        f"load average at the end {os.getloadavg()[0]:.1f}; "
        f"{runs} runs of each app per size, alternating; filter change = pick "
        f"{CHOSEN_TYPE!r} in 'Event type'; medians (min–max)",
        "",
    ]
    rows = [
        (
            "first map, launch -> drawn (s)",
            lambda r, v: [b.first_map for b in r.browser[v] if b.reopened or v == OLD],
            "{:.2f}",
        ),
        (
            "  file never opened before (s)",
            lambda r, v: [b.first_map for b in r.browser[v] if not b.reopened and v == NEW],
            "{:.2f}",
        ),
        (
            "bytes to the first map (MB)",
            lambda r, v: [b.first_bytes / 1e6 for b in r.browser[v]],
            "{:.2f}",
        ),
        ("filter change in browser (s)", lambda r, v: [b.change for b in r.browser[v]], "{:.2f}"),
        (
            "  of which: count line shown (s)",
            lambda r, v: [b.count_at for b in r.browser[v]],
            "{:.2f}",
        ),
        (
            "  last websocket frame (s)",
            lambda r, v: [b.last_frame_at for b in r.browser[v]],
            "{:.2f}",
        ),
        (
            "filter change bytes (kB)",
            lambda r, v: [b.change_bytes / 1e3 for b in r.browser[v]],
            "{:.0f}",
        ),
        ("rerun under AppTest (s)", lambda r, v: r.rerun[v], "{:.3f}"),
        ("first run under AppTest (s)", lambda r, v: r.apptest_first[v], "{:.2f}"),
        ("peak server memory (MB)", lambda r, v: [b.peak_mb for b in r.browser[v]], "{:.0f}"),
    ]
    for res in results:
        lines.append(
            f"{res.size:,} events ({res.placed:,} placed; {res.chosen:,} {CHOSEN_TYPE})"
            + (f"; old app: {res.old_skipped}" if res.old_skipped else "")
        )
        lines.append(f"  {'':<34}{'new':<26}{'old':<26}new/old")
        for label, get, fmt in rows:
            new, old = get(res, NEW), get(res, OLD)
            lines.append(
                f"  {label:<34}{spread(new, fmt):<26}{spread(old, fmt):<26}{ratio(new, old)}"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000, 1000000])
    parser.add_argument("--runs", type=int, default=3, help="runs of each app per size (3)")
    parser.add_argument("--old-limit", type=float, default=120.0, help="seconds (120)")
    parser.add_argument("--no-old", action="store_true", help="run the new dashboard only")
    parser.add_argument(
        "--old-commit",
        default=OLD_COMMIT,
        help=f"the commit whose dashboard (and geo/) to compare with ({OLD_COMMIT})",
    )
    parser.add_argument("--data-dir", type=Path, help="reuse/keep events-N.csv files here")
    parser.add_argument("--screenshot", type=Path, help="full-page PNG of the 100k dashboard")
    parser.add_argument("--profile", action="store_true", help="pyinstrument one new rerun")
    parser.add_argument(
        "--index-by-id",
        action="store_true",
        help="add an index on place(geonameid) to the temporary gazetteer (a fix to try)",
    )
    parser.add_argument("--apptest-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.apptest_child:
        apptest_child(args.apptest_child, args.runs, args.profile)
        return 0
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not CHROMIUM.exists():
        parser.error(f"{CHROMIUM} is missing: install Debian's chromium (make chromium)")

    from benchmarks.synthetic import events_table
    from geo.events import read_events, write_events

    os.environ.setdefault("NEWSMAP_ARTICLES", str(ROOT / "data" / "articles"))
    with tempfile.TemporaryDirectory(prefix="newsmap-scale-") as tmp:
        tmp_path = Path(tmp)
        data_dir = args.data_dir or tmp_path
        data_dir.mkdir(parents=True, exist_ok=True)
        old_tree = tmp_path / "old"
        old_tree.mkdir()
        archive = subprocess.run(
            ["git", "archive", args.old_commit], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive, check=True)
        old_script = old_tree / "dashboard.py"
        scripts = {NEW: ROOT / "dashboard.py", OLD: old_script}
        cache = tmp_path / "cache"
        cache.mkdir()
        print("building the gazetteer index once…", flush=True)
        index_seconds = build_index(cache)
        if not args.no_old:  # the old tree's own index (another file if its schema differs)
            subprocess.run(
                [sys.executable, "-m", "geo.index"],
                cwd=old_tree,
                env={**os.environ, "NEWSMAP_CACHE_DIR": str(cache)},
                capture_output=True,
                check=True,
            )
        if args.index_by_id:
            for db in cache.glob("*.sqlite"):
                with sqlite3.connect(db) as con:
                    con.execute("CREATE INDEX IF NOT EXISTS bench_by_id ON place(geonameid)")
            print("added an index on place(geonameid) (--index-by-id)", flush=True)

        results: list[Results] = []
        old_off = "--no-old" if args.no_old else ""
        with cache_dir(cache), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for size in args.sizes:
                csv = data_dir / f"events-{size}.csv"
                if not csv.exists():
                    print(f"generating {size:,} events…", flush=True)
                    write_events(csv, events_table(size))
                table = read_events(csv).events
                placed = table[table["latitude"].notna()]
                res = Results(size, len(placed), int((placed["event_type"] == CHOSEN_TYPE).sum()))
                del table, placed
                res.old_skipped = old_off
                for i in range(args.runs):
                    order = [NEW, OLD] if i % 2 == 0 else [OLD, NEW]
                    for variant in order:
                        if variant == OLD and res.old_skipped:
                            continue
                        limit = args.old_limit if variant == OLD else 600.0
                        if i == 0 and variant == NEW:  # as if the file was never opened
                            shutil.rmtree(snapshot_dir(cache), ignore_errors=True)
                        try:
                            run = browser_run(browser, scripts[variant], csv, res, limit, cache)
                            if variant == OLD and max(run.first_map, run.change) > limit:
                                res.old_skipped = old_off = (
                                    f"over {limit:.0f} s at {size:,} events, "
                                    "not run at larger sizes"
                                )
                            res.browser[variant].append(run)
                            print(
                                f"{size:,} run {i + 1} {variant}: first map {run.first_map:.2f} s, "
                                f"change {run.change:.2f} s ({run.change_bytes / 1e3:.0f} kB), "
                                f"peak {run.peak_mb:.0f} MB; load average "
                                f"{os.getloadavg()[0]:.1f}",
                                flush=True,
                            )
                        except TimeoutError as err:
                            if variant == NEW:
                                raise
                            res.old_skipped = old_off = (
                                f"over {limit:.0f} s at {size:,} events, not run at larger sizes"
                            )
                            print(f"{size:,} run {i + 1} old: skipped ({err})", flush=True)
                            continue
                        try:
                            answer = apptest(scripts[variant], csv, 2, limit * 3)
                        except subprocess.TimeoutExpired:
                            res.old_skipped = old_off = f"AppTest over {limit * 3:.0f} s"
                            continue
                        res.apptest_first[variant].append(answer["first"])
                        res.rerun[variant] += answer["reruns"]
                        print(
                            f"{size:,} run {i + 1} {variant}: AppTest first "
                            f"{answer['first']:.2f} s, reruns "
                            + ", ".join(f"{s:.3f}" for s in answer["reruns"]),
                            flush=True,
                        )
                results.append(res)
            if args.profile:
                biggest = data_dir / f"events-{max(args.sizes)}.csv"
                apptest(scripts[NEW], biggest, 1, 3600, profile=True)
            if args.screenshot and 100_000 in args.sizes:
                hundred = next(r for r in results if r.size == 100_000)
                screenshot(browser, data_dir / "events-100000.csv", hundred.placed, args.screenshot)
                print(f"screenshot: {args.screenshot}", flush=True)
            browser.close()

    print()
    print(report(results, args.runs, index_seconds, args.index_by_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
