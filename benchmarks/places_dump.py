"""Write down what places() and geocode() answer on a fixed set of texts, so
that a change made for speed can be shown to leave every answer as it was.

Run, before and after the change (the same --cache both times is fine):

    python benchmarks/places_dump.py before.json [--cache DIR]
    python benchmarks/places_dump.py after.json [--cache DIR]
    python benchmarks/places_dump.py --compare before.json after.json

The texts: the two 3 MB corpora of bench_gazetteer.py (the seed repeated, and
the varied one), the varied one again as article-sized texts resolved one by
one in the same Gazetteer (so caches kept across texts are exercised), the
dev and held-out paragraphs, the test articles, data/articles, and geocode()
with the seed as context for a few names. Each mention is kept as the CLI's
JSON (``Mention.to_dict``) plus the GeoNames ids of its alternatives in order.
--compare exits with 1 and shows the first difference when the files differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_gazetteer import SEED, TEST_DATA, as_articles, varied_text  # noqa: E402

GEOCODE_NAMES = ["Kyiv", "Irpin", "Makariv", "Sumy", "Springfield", "Moscow", "Rivne region"]


def texts(index_file: Path, mb: float) -> dict[str, str]:
    """The texts to resolve, by a label that says where each came from."""
    seed = SEED.read_text(encoding="utf-8")
    copies = max(1, int(mb * 1e6 / len(seed.encode())))
    varied = varied_text(index_file, mb)
    out = {"repeated": "\n\n".join([seed] * copies), "varied": varied}
    out.update({f"varied article {i}": doc for i, doc in enumerate(as_articles(varied))})
    for name in ("geoparse_dev.jsonl", "geoparse_heldout.jsonl"):
        lines = (TEST_DATA / name).read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines, 1):
            if line.strip():
                out[f"{name} line {i}"] = json.loads(line)["text"]
    for folder in (TEST_DATA / "articles", ROOT / "data" / "articles"):
        for path in sorted(folder.glob("*.txt")):
            out[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return out


def dump(cache: Path | None, mb: float) -> dict[str, Any]:
    from geo import index
    from geo.gazetteer import Gazetteer

    answers: dict[str, Any] = {}
    with Gazetteer.open(cache) as g:
        for label, text in texts(index.index_path(cache), mb).items():
            answers[label] = [
                {**m.to_dict(), "alternative_ids": [a.geonameid for a in m.resolution.alternatives]}
                for m in g.places(text)
            ]
        seed = SEED.read_text(encoding="utf-8")
        for name in GEOCODE_NAMES:
            r = g.geocode(name, seed)
            answers[f"geocode {name}"] = {
                **r.to_dict(),
                "alternative_ids": [a.geonameid for a in r.alternatives],
            }
    return answers


def first_difference(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Where two dumps first differ, in words; None when they are the same."""
    for label in old.keys() | new.keys():
        if label not in old or label not in new:
            return f"{label!r} is in only one of the files"
    for label, a in old.items():
        b = new[label]
        if a == b:
            continue
        if isinstance(a, list) and isinstance(b, list):
            for i, (x, y) in enumerate(zip(a, b, strict=False)):
                if x != y:
                    return f"{label}, mention {i}:\n  before {x}\n  after  {y}"
            return f"{label}: {len(a)} mentions before, {len(b)} after"
        return f"{label}:\n  before {a}\n  after  {b}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", help="where to write the answers (JSON)")
    parser.add_argument("--cache", type=Path, help="index folder (default: the user's cache)")
    parser.add_argument("--mb", type=float, default=3.0, help="size of the two big corpora")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"), type=Path)
    args = parser.parse_args()
    if args.compare:
        old, new = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        diff = first_difference(old, new)
        if diff is not None:
            sys.exit(f"the answers differ: {diff}")
        print(f"identical: {len(old)} texts")
        return
    if not args.out:
        parser.error("name the file to write, or use --compare BEFORE AFTER")
    data = json.dumps(dump(args.cache, args.mb), ensure_ascii=False, sort_keys=True)
    Path(args.out).write_text(data, encoding="utf-8")
    print(f"{args.out}: {hashlib.sha1(data.encode()).hexdigest()[:12]}")


if __name__ == "__main__":
    main()
