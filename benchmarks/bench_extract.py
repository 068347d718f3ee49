"""Benchmark article → events extraction against the cost floor of finding places.

Run: python benchmarks/bench_extract.py [--kb 300] [--runs 5]

The corpus is the seed article and the test articles of tests/data/articles,
repeated (each copy a separate article, as a batch would be) until it holds
about ``--kb`` KB of UTF-8 text. Three ways over the same corpus, in the same
run, alternating, after one untimed warm-up of each:

- ``extract_events`` (the whole pipeline: sentences, places, dates, rules);
- ``Gazetteer.places`` alone on each article: the floor any extractor pays to
  find and resolve places;
- the obvious naive alternative: a regex sentence splitter and ``places`` on
  each sentence (no article context, so a place is resolved once per sentence).

Prints KB/s for each (median and range over runs) and the ratios.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from geo.extract import extract_events  # noqa: E402
from geo.gazetteer import Gazetteer  # noqa: E402

SOURCES = [ROOT / "data" / "articles" / "000_45894fdbe1c545f1.txt"] + sorted(
    (ROOT / "tests" / "data" / "articles").glob("*.txt")
)
_NAIVE_SPLIT = re.compile(r"(?<=[.!?])\s+")


def corpus(kb: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in SOURCES]
    out: list[str] = []
    size = 0
    while size < kb * 1024:
        for t in texts:
            out.append(t)
            size += len(t.encode("utf-8"))
    return out


def run(articles: list[str], work: Callable[[str], object]) -> float:
    start = time.perf_counter()
    for text in articles:
        work(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    articles = corpus(args.kb)
    kb = sum(len(t.encode("utf-8")) for t in articles) / 1024
    with Gazetteer.open() as g:
        ways: dict[str, Callable[[str], object]] = {
            "extract_events": lambda t: extract_events(
                t, date(2022, 3, 29), gazetteer=g, article_id="bench"
            ),
            "places() alone (floor)": g.places,
            "naive: regex split + places() per sentence": lambda t: [
                g.places(s) for s in _NAIVE_SPLIT.split(t)
            ],
        }
        for work in ways.values():
            run(articles[:10], work)  # warm-up
        times: dict[str, list[float]] = {name: [] for name in ways}
        for _ in range(args.runs):
            for name, work in ways.items():
                times[name].append(run(articles, work))
    print(f"corpus: {len(articles)} articles, {kb:.0f} KB; {args.runs} runs")
    rates = {}
    for name, ts in times.items():
        speeds = sorted(kb / t for t in ts)
        rates[name] = statistics.median(speeds)
        print(f"{name:45s} {rates[name]:8.0f} KB/s  ({speeds[0]:.0f}-{speeds[-1]:.0f})")
    ours = rates["extract_events"]
    for name, rate in rates.items():
        if name != "extract_events":
            print(f"extract_events / {name}: {ours / rate:.2f}x")


if __name__ == "__main__":
    main()
