"""The newsmap command as other tools call it: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.events import read_events

from .conftest import ROOT, SEED_ARTICLE, SEED_EVENTS


def newsmap(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )


def test_geocode_json_follows_the_contract() -> None:
    result = newsmap("geocode", "Kyiv", "Trostyanets", "--context", "south of Sumy", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["query"] for r in rows] == ["Kyiv", "Trostyanets"]
    keys = {"query", "name", "geonameid", "latitude", "longitude", "country", "admin1"}
    keys |= {"precision", "score", "alternatives"}
    assert all(set(r) == keys for r in rows)
    assert rows[0]["geonameid"] == 703448
    assert rows[1]["geonameid"] == 691255


def test_geocode_text_output_is_one_line_per_name() -> None:
    result = newsmap("geocode", "Kyiv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Kyiv: Kyiv") and "[703448]" in result.stdout


def test_geocode_of_a_runaway_name_says_so_in_a_readable_line() -> None:
    name = "Kharkiv" + "x" * 9_993  # 10,000 characters, e.g. a pasted paragraph
    result = newsmap("geocode", name, "Kyiv")
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert "unresolved" in first and "(10,000 characters)" in first
    assert len(first) < 300 and first.startswith("'Kharkiv")
    assert second.startswith("Kyiv: Kyiv")
    # The JSON answer keeps what the user gave, whole.
    rows = json.loads(newsmap("geocode", name, "--json").stdout)
    assert rows[0]["query"] == name and rows[0]["name"] is None


def test_places_json_is_one_line_per_file(tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Shelling was reported in Kharkiv on Sunday.", encoding="utf-8")
    result = newsmap("places", str(SEED_ARTICLE), str(other), "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(SEED_ARTICLE), str(other)]
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    ids = {m["geonameid"] for m in lines[0]["mentions"]}
    assert {703448, 707565, 710735, 691255, 702337, 688342, 692194, 745044} <= ids
    for m in lines[0]["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"]
    assert [m["text"] for m in lines[1]["mentions"]] == ["Kharkiv"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\x00\x01\x02binary", "binary"), (b"caf\xe9 in Kyiv", "not UTF-8")],
)
def test_places_bad_input_exits_2_with_one_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = newsmap("places", str(path))
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_places_on_empty_text_is_an_empty_answer(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("")
    result = newsmap("places", str(path), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"file": str(path), "mentions": []}


def test_export_writes_each_format(tmp_path: Path) -> None:
    html, geojson, csv = tmp_path / "m.html", tmp_path / "m.geojson", tmp_path / "m.csv"
    base = ("export", "--events", str(SEED_EVENTS), "--type", "Battles")
    for flag, path in (("--html", html), ("--geojson", geojson), ("--csv", csv)):
        result = newsmap(*base, flag, str(path))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("3 of 17 events (type: Battles)")
    assert "data-events-drawn" in html.read_text()
    assert len(json.loads(geojson.read_text())["features"]) == 3
    assert len(csv.read_text().splitlines()) == 4


def test_export_with_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = newsmap("export", "--events", str(tmp_path / "nope.csv"), "--csv", "x.csv")
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_export_with_a_bad_date_exits_2() -> None:
    result = newsmap("export", "--from", "29/03/2022", "--csv", "x.csv")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


def test_extract_json_rows_use_the_table_columns() -> None:
    result = newsmap("extract", str(SEED_ARTICLE), "--published", "2022-03-29", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and set(rows[0]) >= {"event_id", "event_date", "latitude", "span_start"}
    irpin = [r for r in rows if r["geonameid"] == 707565 and r["event_date"] == "2022-03-28"]
    assert irpin and irpin[0]["event_type"] == "Battles"


def test_extract_to_csv_loads_in_the_dashboard_reader(tmp_path: Path) -> None:
    out = tmp_path / "extracted.csv"
    result = newsmap("extract", str(SEED_ARTICLE), "-o", str(out))  # date from the .json
    assert result.returncode == 0, result.stderr
    report = read_events(out)
    assert report.rejected.empty and len(report.events) >= 10
    assert result.stdout.startswith(f"{len(report.events)} events from")


def test_extract_without_a_date_exits_2(tmp_path: Path) -> None:
    article = tmp_path / "undated.txt"
    article.write_text("Shelling hit Kharkiv on Monday.", encoding="utf-8")
    result = newsmap("extract", str(article))
    assert result.returncode == 2
    assert "--published" in result.stderr and "Traceback" not in result.stderr


def test_import_writes_events_and_rejected_rows_beside_them(
    tmp_path: Path, bad_events_file: Path
) -> None:
    out = tmp_path / "loaded.parquet"
    result = newsmap("import", str(bad_events_file), "--format", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    summary = result.stdout.strip()
    assert len(summary.splitlines()) == 1
    # A general CSV may write dates day-first: 28/03/2022 loads, and the choice is said.
    assert "5 rows read, 3 loaded, 2 rejected" in summary and "day-first" in summary
    rejected = tmp_path / "loaded.rejected.csv"
    rows = rejected.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("event_id,") and "reason" in rows[0] and len(rows) == 3
    again = newsmap("import", str(out), "-o", str(tmp_path / "again.csv"))
    assert again.returncode == 0, again.stderr
    assert "3 rows read, 3 loaded, 0 rejected" in again.stdout


def test_export_and_import_round_trip_through_acled_csv(tmp_path: Path) -> None:
    acled = tmp_path / "view.acled.csv"
    assert newsmap("export", "--acled-csv", str(acled)).returncode == 0
    header = acled.read_text(encoding="utf-8").splitlines()[0]
    assert "event_id_cnty" in header and "time_precision" in header
    result = newsmap("import", str(acled), "-o", str(tmp_path / "back.csv"))
    assert result.returncode == 0, result.stderr
    assert "17 rows read, 17 loaded, 0 rejected" in result.stdout


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".geojson"])
def test_import_round_trips_source_count(tmp_path: Path, suffix: str) -> None:
    merged = tmp_path / "merged.csv"
    merged.write_text(
        "event_id,event_date,event_type,location,latitude,longitude,source,source_count\n"
        "a,2022-03-28,Battles,Kyiv,50.45,30.52,A; B; C,3\n"
        "b,2022-03-28,Battles,Irpin,50.52,30.25,A,\n",
        encoding="utf-8",
    )
    out = tmp_path / f"out{suffix}"
    first = newsmap("import", str(merged), "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert "2 rows read, 2 loaded, 0 rejected" in first.stdout
    back = tmp_path / "back.csv"
    again = newsmap("import", str(out), "-o", str(back))
    assert again.returncode == 0, again.stderr
    assert "2 rows read, 2 loaded, 0 rejected" in again.stdout
    assert list(read_events(back).events["source_count"]) == [3, 1]


def test_import_with_a_bad_mapping_exits_2(tmp_path: Path) -> None:
    result = newsmap("import", str(SEED_EVENTS), "--map", "nonsense", "-o", str(tmp_path / "x.csv"))
    assert result.returncode == 2
    assert "COLUMN=FILE_COLUMN" in result.stderr


def test_cli_import_formats_match_the_library() -> None:
    from geo.cli import IMPORT_FORMATS
    from geo.formats import IMPORT_FORMATS as LIBRARY_FORMATS

    assert IMPORT_FORMATS == LIBRARY_FORMATS


def test_places_and_geocode_do_not_load_pandas() -> None:
    code = "import sys, geo.cli; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_extract_merges_one_happening_reported_by_two_articles() -> None:
    folder = ROOT / "tests" / "data" / "articles"
    reports = sorted(folder.glob("*.txt"))[:2]  # two outlets on one strike in Lviv
    result = newsmap("extract", *map(str, reports), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    merged = [r for r in rows if r["source_count"] == 2]
    assert merged, [(r["location"], r["source"]) for r in rows]
    assert all("; " in r["source"] for r in merged)
