"""Opening an events file: the checked snapshot (geo.snapshot) against reading the CSV.

    python benchmarks/bench_snapshot.py [--sizes 100000 1000000] [--runs 3] [--data-dir DIR]

For each size a generated events table (benchmarks/synthetic.py) is written to
a CSV (or reused from --data-dir, where bench_dashboard_scale.py keeps its
files). Then, alternately and each in a fresh subprocess, so no run warms the
next one's Python:

- *csv*: ``geo.events.read_events(path)``, what the dashboard did on every start;
- *first opening*: ``geo.snapshot.read_events_cached(path, cache)`` with an
  empty cache: the CSV read plus writing the snapshot;
- *reopening*: the same call once the snapshot is there (hashing the file's
  bytes, then reading the Parquet).

Times are of the call alone (imports excluded); medians of the runs, with the
ratios to *csv*, and the snapshot's size on disk. Files under
``geo.snapshot.MIN_BYTES`` (64 MiB) get no snapshot: all three read the CSV.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

LABELS = (("csv", "read the CSV"), ("first", "first opening"), ("reopen", "reopening"))
CHILD = """
import json, sys, time
from pathlib import Path
from geo.events import read_events
from geo.snapshot import read_events_cached
path, cache, how = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
report = read_events(path) if how == "csv" else read_events_cached(path, cache)
print(json.dumps({"seconds": time.perf_counter() - start, "events": len(report.events)}))
"""


def timed(path: Path, cache: Path, how: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(cache), how],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, help="reuse/keep events-N.csv files here")
    args = parser.parse_args(argv)

    from benchmarks.synthetic import events_table
    from geo.events import write_events

    with tempfile.TemporaryDirectory(prefix="newsmap-snapshot-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            csv = data_dir / f"events-{size}.csv"
            if not csv.exists():
                write_events(csv, events_table(size))
            cache = Path(tmp) / f"cache-{size}"
            times: dict[str, list[float]] = {"csv": [], "first": [], "reopen": []}
            for _ in range(args.runs):
                times["csv"].append(timed(csv, cache, "csv"))
                shutil.rmtree(cache, ignore_errors=True)
                times["first"].append(timed(csv, cache, "cached"))
                times["reopen"].append(timed(csv, cache, "cached"))
            stored = sum(f.stat().st_size for f in (cache / "events").glob("*"))
            base = statistics.median(times["csv"])
            mb = csv.stat().st_size / 1e6
            print(f"{size:,} events, CSV {mb:.1f} MB, snapshot {stored / 1e6:.1f} MB")
            for how, label in (
                ("csv", "read the CSV"),
                ("first", "first opening"),
                ("reopen", "reopening"),
            ):
                m = statistics.median(times[how])
                spread = f"{min(times[how]):.2f}–{max(times[how]):.2f}"
                print(f"  {label:<14} {m:6.2f} s ({spread})  {m / base:.2f}× the CSV")
    return 0


if __name__ == "__main__":
    sys.exit(main())
