"""Write everyday_words.csv: small towns' names that are common English words.

A capitalised word at the start of a sentence says nothing about being a
name: "Far from the front", "Plans for a motorway", "Vineyard owners", "Ash
fell on Ontario", "Blood donors queued". Each of those words is also the name
(or a GeoNames alternate name) of a small town somewhere, and drew it. This
script lists every such word, so that recognition treats it as it treats the
hand-written everyday.csv: a place at a sentence start only where the text
vouches for it (see data/gazetteer/README.md).

A word is listed when Debian's `wamerican` list has it in lower case (a common
word, not a proper noun), the gazetteer knows it as a name, every place of
that name is a town, and none has 100,000 people or more (a big city's name
keeps its capital: "Nice", "Reading" and "Mobile" are in everyday.csv, with
their reasons). The gazetteer is read as built from the other files of this
folder; this file changes no look-up, only recognition at a sentence start.

Run by hand when the word list or cities500 changes (nothing at build or run
time needs the word list):

    apt-get install wamerican        # /usr/share/dict/american-english
    python data/gazetteer/make_everyday_words.py /usr/share/dict/american-english
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.gazetteer import Gazetteer  # noqa: E402
from geo.names import fold  # noqa: E402

# The population from which a town's name is no everyday word to pass over.
BIG_TOWN = 100_000
OUT = Path(__file__).with_name("everyday_words.csv")


def everyday_words(
    words: list[str], gazetteer: Gazetteer, skip: set[str]
) -> list[tuple[str, str, int]]:
    """(word, the largest town of that name, its population) for each listed
    word, but those in skip (the stop words and the hand-written everyday words)."""
    out: dict[str, tuple[str, str, int]] = {}
    for word in words:
        key = fold(word)
        if key in out or key in skip:
            continue
        places = gazetteer.candidates(key)
        if not places or any(p.feature != "city" for p in places):
            continue
        largest = max(places, key=lambda p: p.population)
        if largest.population >= BIG_TOWN:
            continue
        where = ", ".join(x for x in (largest.name, largest.admin1, largest.country) if x)
        out[key] = (key, where, largest.population)
    return sorted(out.values())


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    text = Path(argv[1]).read_text(encoding="utf-8")
    words = [w for w in text.split() if w.isalpha() and w.islower()]
    here = Path(__file__).parent
    skip = set()
    for name in ("stoplist.csv", "everyday.csv"):
        with (here / name).open(encoding="utf-8", newline="") as fh:
            skip |= {fold(row["word"]) for row in csv.DictReader(fh)}
    with Gazetteer.open() as gazetteer:
        rows = everyday_words(words, gazetteer, skip)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["word", "largest_town", "population"])
        writer.writerows(rows)
    print(f"{OUT.name}: {len(rows)} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
