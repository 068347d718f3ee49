"""Dataset import and export: messy real-world files in, every row accounted for; round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import DataError, ExportError
from geo.events import read_events
from geo.formats import detect_format, export_dataset, import_dataset
from geo.formats.acled import EXPORT_COLUMNS
from geo.formats.report import ImportReport
from geo.formats.severity import read_fatalities

from .conftest import SEED_EVENTS

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,iso,country,admin1,location,latitude,longitude,"
    "geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
)


def acled_row(
    id_: str,
    date: str,
    lat: str = "47.9105",
    lon: str = "33.3918",
    fatalities: str = "0",
    precision: str = "1",
    notes: str = "Shelling reported.",
    country: str = "Ukraine",
) -> str:
    return (
        f"{id_},{date},2022,{precision},Political violence,Explosions/Remote violence,"
        f"Shelling/artillery/missile attack,Military Forces of Russia (2000-),,8,"
        f"Civilians (Ukraine),804,{country},Dnipropetrovsk,Kryvyi Rih,{lat},{lon},1,"
        f"Suspilne,National,{notes},{fatalities},,1650000000"
    )


def assert_accounted(report: ImportReport, rows: int) -> None:
    assert report.rows_read == rows
    assert len(report.events) + len(report.rejected) == rows


@pytest.fixture
def messy_acled(tmp_path: Path) -> Path:
    """An ACLED export saved by Excel on Windows: cp1252, with the usual mess."""
    rows = [
        acled_row("UKR1", "29 March 2022", notes="Café hit – two injured"),
        acled_row("UKR2", "2022-03-30", fatalities="at least 5"),
        acled_row("UKR3", "31 March 2022", fatalities="dozens", precision="2"),
        acled_row("UKR2", "1 April 2022"),  # duplicate id
        acled_row("UKR4", ""),  # blank date
        acled_row("UKR5", "2 Arpil 2022"),  # misspelt month
        acled_row("UKR6", "3 April 2022", lat="33.3918", lon="47.9105"),  # swapped
        acled_row("UKR7", "4 April 2022", lat="-47.9105"),  # sign flipped
        acled_row("UKR8", "5 April 2022", precision="7"),
        acled_row("UKR9", "6 April 2022", fatalities="unknown"),
    ]
    path = tmp_path / "acled export.csv"
    path.write_bytes(("\r\n".join([ACLED_HEADER, *rows]) + "\r\n").encode("cp1252"))
    return path


def test_messy_acled_every_row_is_loaded_or_rejected_with_a_reason(messy_acled: Path) -> None:
    report = import_dataset(messy_acled)
    assert report.format == "acled"
    assert report.encoding == "cp1252"
    assert_accounted(report, 10)
    assert report.reasons() == {
        "duplicate id": 1,
        "missing date": 1,
        "bad date": 1,
        "outside country": 2,
        "bad time_precision": 1,
    }
    events = report.events.set_index("event_id")
    assert list(events.index) == ["UKR1", "UKR2", "UKR3", "UKR9"]
    assert events.at["UKR1", "notes"] == "Café hit – two injured"
    assert events.at["UKR1", "event_date"] == pd.Timestamp("2022-03-29")
    assert events.at["UKR2", "fatalities"] == 5
    assert pd.isna(events.at["UKR3", "fatalities"])
    assert "dozens" in events.at["UKR3", "notes"]
    assert events.at["UKR3", "date_precision"] == "week"
    assert pd.isna(events.at["UKR9", "fatalities"])
    rejected = report.rejected.set_index("event_id_cnty")
    assert rejected.at["UKR2", "line"] == 5
    assert "already used by line 3" in rejected.at["UKR2", "reason"]
    assert "look swapped" in rejected.at["UKR6", "reason"]
    assert "outside Ukraine" in rejected.at["UKR7", "reason"]
    assert "'2 Arpil 2022'" in rejected.at["UKR5", "reason"]
    # The original cells are kept as they came, and the extras for loaded rows too.
    assert rejected.at["UKR6", "latitude"] == "33.3918"
    assert list(report.extras["disorder_type"]) == ["Political violence"] * 4
    summary = report.summary()
    assert "10 rows read, 4 loaded, 6 rejected" in summary
    assert "2 outside country" in summary and "cp1252" in summary
    assert "'at least 5' → 5" in summary and "'dozens'" in summary


def test_rejected_file_is_original_row_plus_reason(messy_acled: Path) -> None:
    report = import_dataset(messy_acled)
    back = pd.read_csv(
        pd.io.common.BytesIO(report.rejected_csv_bytes()), dtype=str, keep_default_na=False
    )
    assert list(back.columns) == [*ACLED_HEADER.split(","), "line", "problem", "reason"]
    assert len(back) == len(report.rejected)
    assert (back["reason"] != "").all()


SPREADSHEET = """Incident No, Event Date ,Lat / N,Long/E,Place name,Deaths,What happened
1,03/04/2022,50.45,30.52,Kyiv,2,one
2,05/06/2022,50.45,30.52,Kyiv,several,two
3,07/08/2022,50.45,30.52,Kyiv,"1,200",three
4,25/03/2022,50.45,30.52,Kyiv,about 7,four
5,26/03/2022,50.45,30.52,Kyiv,5-10,five
6,04/13/2022,50.45,30.52,Kyiv,three,six
7,March 2022,50.45,30.52,Kyiv,,seven
"""


def test_spreadsheet_columns_are_found_and_date_order_is_chosen_and_reported(
    tmp_path: Path,
) -> None:
    path = tmp_path / "incidents.csv"
    path.write_text(SPREADSHEET, encoding="utf-8")
    report = import_dataset(path, check_countries=False)
    assert report.format == "csv" and report.encoding == "utf-8"
    assert_accounted(report, 7)
    assert report.rejected.empty
    assert report.mapping["latitude"] == "Lat / N"
    assert report.mapping["longitude"] == "Long/E"
    assert report.mapping["event_date"] == "Event Date"
    assert report.mapping["location"] == "Place name"
    assert report.mapping["fatalities"] == "Deaths"
    order = next(c for c in report.choices if "read day-first" in c)
    assert "3 rows were ambiguous" in order
    assert "2 unambiguous day-first, 1 unambiguous month-first" in order
    assert "mixes both orders" in order
    events = report.events.set_index("event_id")
    assert events.at["1", "event_date"] == pd.Timestamp("2022-04-03")
    assert events.at["6", "event_date"] == pd.Timestamp("2022-04-13")
    assert events.at["7", "event_date"] == pd.Timestamp("2022-03-01")
    assert events.at["7", "date_precision"] == "month"
    assert list(events["fatalities"].astype("object")) == [2, pd.NA, 1200, 7, 5, 3, pd.NA]
    assert list(report.extras.columns) == ["What happened"]


def test_month_first_evidence_wins_and_the_caller_can_override(tmp_path: Path) -> None:
    text = "id,date,lat,lon\na,03/04/2022,50.4,30.5\nb,04/13/2022,50.4,30.5\n"
    path = tmp_path / "us.csv"
    path.write_text(text)
    report = import_dataset(path, check_countries=False)
    assert any("read month-first" in c for c in report.choices)
    assert report.events["event_date"].iloc[0] == pd.Timestamp("2022-03-04")
    forced = import_dataset(path, dayfirst=True, check_countries=False)
    assert any("read day-first (as asked)" in c for c in forced.choices)
    assert forced.events["event_date"].iloc[0] == pd.Timestamp("2022-04-03")


def test_user_mapping_overrides_detection_and_bad_mappings_are_explained(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("ref,date,reported on,y,x\nr1,2022-03-01,2022-03-05,50.4,30.5\n")
    report = import_dataset(path, check_countries=False)
    assert report.events["event_date"].iloc[0] == pd.Timestamp("2022-03-01")
    report = import_dataset(
        path, mapping={"event_date": "Reported On", "event_id": "ref"}, check_countries=False
    )
    assert report.events["event_date"].iloc[0] == pd.Timestamp("2022-03-05")
    assert report.events["event_id"].iloc[0] == "r1"
    assert "date" in report.extras.columns
    with pytest.raises(DataError, match="no such column"):
        import_dataset(path, mapping={"event_date": "when"})
    with pytest.raises(DataError, match="not an events column"):
        import_dataset(path, mapping={"day": "date"})
    nodate = tmp_path / "nodate.csv"
    nodate.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="no date column"):
        import_dataset(nodate)


def test_broken_csv_lines_are_rejected_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("id,date,lat,lon\na,2022-03-01,50.4,30.5\nb,2022-03-02,50,4,30.5\n")
    report = import_dataset(path, check_countries=False)
    assert_accounted(report, 2)
    assert report.reasons() == {"broken line": 1}
    assert report.rejected["line"].tolist() == [3]


def test_ucdp_periods_and_precisions_map_honestly(tmp_path: Path) -> None:
    header = (
        "id,year,type_of_violence,conflict_name,dyad_name,side_a,side_b,source_article,"
        "where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,country,"
        "date_start,date_end,date_prec,best,low,high"
    )
    rows = [
        "1,2022,1,Russia - Ukraine,Russia - Ukraine,Government of Russia,Government of Ukraine,"
        "x,1,Irpin town,Kyiv oblast,,50.52,30.24,Ukraine,2022-03-01,2022-03-01,1,4,3,6",
        "2,2022,3,Russia - civilians,Russia - civilians,Government of Russia,Civilians,"
        "x,4,Kyiv oblast,Kyiv oblast,,50.45,30.52,Ukraine,2022-03-02,2022-03-06,2,10,8,12",
        "3,2022,2,A - B,A - B,A,B,x,6,Ukraine,,,49.0,31.0,Ukraine,2022-03-03,2022-03-20,4,1,1,1",
        "4,2022,1,A - B,A - B,A,B,x,2,Sumy,,,50.9,34.8,Ukraine,2022-03-20,2022-05-02,5,7,7,9",
    ]
    path = tmp_path / "ged.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    assert detect_format(path) == "ucdp"
    report = import_dataset(path)
    assert_accounted(report, 4)
    assert report.reasons() == {"date too vague": 1}
    events = report.events.set_index("event_id")
    assert list(events["date_precision"].astype(str)) == ["day", "week", "month"]
    assert events.at["2", "event_date"] == pd.Timestamp("2022-03-04")  # middle of 2-6 March
    assert events.at["3", "event_date"] == pd.Timestamp("2022-03-03")
    assert list(events["geo_precision"]) == [1, 3, 3]
    assert events.at["2", "event_type"] == "One-sided violence"
    assert events.at["1", "fatalities"] == 4
    assert "deaths low 3, high 6" in events.at["1", "notes"]


def geojson_feature(geometry: object, **props: object) -> dict[str, object]:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def test_geojson_points_load_and_other_shapes_are_rejected(tmp_path: Path) -> None:
    features = [
        geojson_feature(
            {"type": "Point", "coordinates": [30.5238, 50.45466]},
            id="g1", date="2022-03-29", type="Battles", place="Kyiv", country="Ukraine",
        ),
        geojson_feature(
            {"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 50]]]},
            id="g2", date="2022-03-29", place="Kyiv oblast",
        ),
        geojson_feature(
            {"type": "Point", "coordinates": [50.45466, 130.5238]},
            id="g3", date="2022-03-29", place="Kyiv",
        ),
        geojson_feature(None, id="g4", date="2022-03-30", place="somewhere"),
    ]  # fmt: skip
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    report = import_dataset(path)
    assert report.format == "geojson"
    assert_accounted(report, 4)
    assert report.reasons() == {"not a point": 1, "swapped coordinates": 1}
    events = report.events.set_index("event_id")
    assert events.at["g1", "longitude"] == 30.5238 and events.at["g1", "latitude"] == 50.45466
    assert pd.isna(events.at["g4", "latitude"])
    assert events.at["g4", "unplaced_reason"] == "no coordinates in the file"
    rejected = report.rejected.set_index("id")
    assert "Polygon" in rejected.at["g2", "reason"]
    assert rejected.at["g3", "line"] == 3
    assert "[longitude, latitude]" in rejected.at["g3", "reason"]


def test_spreadsheet_xlsx(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "sheet.xlsx"
    frame = pd.DataFrame(
        {
            "Date": [pd.Timestamp("2022-03-29"), pd.Timestamp("2022-03-30")],
            "Latitude": [50.45, 50.52],
            "Longitude": [30.52, 30.24],
            "Town": ["Kyiv", "Irpin"],
        }
    )
    frame.to_excel(path, index=False)
    report = import_dataset(path)
    assert_accounted(report, 2)
    assert report.encoding is None
    assert list(report.events["event_date"]) == list(frame["Date"])
    assert list(report.events["event_id"]) == ["row-2", "row-3"]


@pytest.fixture
def seed_events() -> pd.DataFrame:
    events = read_events(SEED_EVENTS).events.copy()
    events.loc[0, ["latitude", "longitude"]] = pd.NA
    events.loc[0, "unplaced_reason"] = "ambiguous: two places called Rivne"
    events.loc[1, "fatalities"] = 3
    events.loc[2, "source_count"] = 2  # merged from two reports (geo.dedupe)
    return events


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".geojson"])
def test_export_then_import_gives_the_same_table(
    seed_events: pd.DataFrame, tmp_path: Path, suffix: str
) -> None:
    path = export_dataset(seed_events, tmp_path / f"view{suffix}")
    report = import_dataset(path)
    assert report.rejected.empty, report.summary()
    pd.testing.assert_frame_equal(report.events, seed_events)


def test_acled_export_round_trips_the_columns_acled_carries(
    seed_events: pd.DataFrame, tmp_path: Path
) -> None:
    path = export_dataset(seed_events, tmp_path / "view.acled.csv")
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:4] == ["event_id_cnty", "event_date", "year", "time_precision"]
    assert detect_format(path) == "acled"
    report = import_dataset(path)
    assert report.rejected.empty, report.summary()
    carried = [
        "event_id", "event_date", "date_precision", "event_type", "sub_event_type", "actor1",
        "actor2", "location", "admin1", "country", "latitude", "longitude", "geo_precision",
        "fatalities", "notes", "tags", "source",
    ]  # fmt: skip
    pd.testing.assert_frame_equal(report.events[carried], seed_events[carried])
    # ACLED has no source count: the export keeps to ACLED's columns, and reads back as 1.
    assert "source_count" not in header and len(header) == len(EXPORT_COLUMNS)
    assert (report.events["source_count"] == 1).all()
    assert "source_count" not in report.extras.columns


def test_a_bad_source_count_is_rejected_on_import(tmp_path: Path) -> None:
    path = tmp_path / "merged.csv"
    path.write_text(
        "event_id,event_date,event_type,location,latitude,longitude,source_count\n"
        "a,2022-03-28,Battles,Kyiv,50.45,30.52,2\n"
        "b,2022-03-28,Battles,Irpin,50.52,30.25,0\n"
        "c,2022-03-28,Battles,Bucha,50.54,30.21,\n"
    )
    report = import_dataset(path)
    assert list(report.events["source_count"]) == [2, 1]
    assert report.rows_read == 3 and len(report.rejected) == 1
    row = report.rejected.iloc[0]
    assert (row["line"], row["column"], row["problem"]) == (3, "source_count", "bad source_count")
    assert "1 or more" in row["reason"] and "'0'" in row["reason"]
    assert "source_count" not in report.extras.columns


def test_export_format_comes_from_the_name(seed_events: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="cannot tell the format"):
        export_dataset(seed_events, tmp_path / "view.txt")
    path = export_dataset(seed_events, tmp_path / "view.txt", format="geojson")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["features"]) == len(seed_events)
    assert data["features"][0]["geometry"] is None
    lon, lat = data["features"][1]["geometry"]["coordinates"]
    assert (lat, lon) == (seed_events.at[1, "latitude"], seed_events.at[1, "longitude"])


def test_detect_format_from_bytes() -> None:
    assert detect_format(ACLED_HEADER.encode() + b"\n") == "acled"
    assert detect_format(b'{"type": "FeatureCollection", "features": []}') == "geojson"
    assert detect_format(b"date,lat,lon\n") == "csv"
    assert detect_format(b"x", name="upload.parquet") == "parquet"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("12", "12"),
        ("at least 5", "5"),
        ("5+", "5"),
        ("more than 20 killed", "20"),
        ("about 30", "30"),
        ("10-15", "10"),
        ("between 3 and 6", "3"),
        ("three", "3"),
        ("a dozen", "12"),
        ("none", "0"),
        ("dozens", ""),
        ("several", ""),
        ("up to 5", ""),
        ("unknown", ""),
        ("2.5", ""),
        ("", ""),
    ],
)
def test_free_text_severity(text: str, count: str) -> None:
    reading = read_fatalities(pd.Series([text]))
    assert reading.counts.iloc[0] == count
    assert bool(reading.given_as_text.iloc[0]) == (text not in ("12", ""))
