from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import DataError
from geo.events import (
    SCHEMA,
    EventFilter,
    _read_fast,
    actors_of,
    date_windows,
    filter_events,
    read_events,
    rejection_message,
    to_csv_bytes,
)

from .conftest import SEED_EVENTS


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    report = read_events(SEED_EVENTS)
    assert report.rejected.empty, report.rejected
    return report.events


def test_seed_loads_with_the_schema(seed: pd.DataFrame) -> None:
    assert list(seed.columns) == list(SCHEMA)
    assert len(seed) == 17
    assert str(seed["event_date"].dtype).startswith("datetime64")
    assert seed["latitude"].dtype == "Float64"
    assert seed["geonameid"].dtype == "Int64"
    assert seed["event_type"].dtype == "category"
    assert seed["event_id"].is_unique


def test_bad_rows_are_rejected_with_line_column_and_reason(bad_events_file: Path) -> None:
    report = read_events(bad_events_file)
    assert list(report.events["event_id"]) == ["good-1", "good-2"]
    rejected = report.rejected.set_index("line")
    assert report.rows_read == 5 == len(report.events) + len(report.rejected)
    assert rejected.loc[3, "column"] == "event_date"
    assert "YYYY-MM-DD" in rejected.loc[3, "reason"] and "28/03/2022" in rejected.loc[3, "reason"]
    assert rejected.loc[4, "column"] == "latitude"
    assert "between -90 and 90" in rejected.loc[4, "reason"] and "95" in rejected.loc[4, "reason"]
    assert rejected.loc[5, "problem"] == "duplicate id"
    # The original text of every rejected row is kept, to fix and load again.
    assert rejected.loc[3, "event_date"] == "28/03/2022"
    assert rejected.loc[5, "notes"] == "same id again"
    message = rejection_message(report.rejected.iloc[0], "messy events.csv")
    assert message.startswith("messy events.csv, line 3, column 'event_date'")
    assert "3 rejected (1 bad date, 1 latitude out of range, 1 duplicate id)" in report.summary()


def test_missing_optional_columns_warn_and_load(bad_events_file: Path) -> None:
    report = read_events(bad_events_file)
    assert any("actor1" in w and "left empty" in w for w in report.warnings)
    assert report.events["actor1"].isna().all()
    assert (report.events["date_precision"] == "day").all()


def test_missing_required_column_names_it_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "no-dates.csv"
    path.write_text("event_id,event_type,location,latitude,longitude\na,Battles,Kyiv,50,30\n")
    with pytest.raises(DataError, match=r"no-dates.csv: missing required column\(s\) 'event_date'"):
        read_events(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"event_id,event_date\n\xff\xfe,2022\n", "not UTF-8"),
        (b"", "not a readable CSV"),
    ],
)
def test_unreadable_files_raise_data_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        read_events(path)
    with pytest.raises(ValueError):  # DataError is a ValueError too
        read_events(path)


def test_rows_without_coordinates_are_kept_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "unplaced.csv"
    path.write_text(
        "event_id,event_date,event_type,location,latitude,longitude\n"
        "a,2022-03-28,Battles,Somewhere,,\n"
        "b,2022-03-28,Battles,Half,50.1,\n"
    )
    report = read_events(path)
    assert list(report.events["event_id"]) == ["a"]
    assert report.events.loc[0, "unplaced_reason"] == "no coordinates in the file"
    assert report.rejected.iloc[0]["problem"] == "half a coordinate"


def test_filters(seed: pd.DataFrame) -> None:
    assert len(filter_events(seed, EventFilter())) == 17
    battles = filter_events(seed, EventFilter.of(event_types=["Battles"]))
    assert set(battles["location"]) == {"Irpin", "Trostyanets", "Makariv"}
    march_28 = filter_events(seed, EventFilter.of(start=date(2022, 3, 28), end=date(2022, 3, 28)))
    exact = march_28[march_28["date_precision"] == "day"]
    assert set(exact["location"]) == {"Irpin", "Rivne region", "Ukraine"}
    assert "seed-000-05" not in set(march_28["event_id"])  # a day event of 29 March
    early = filter_events(seed, EventFilter.of(start=date(2022, 3, 1), end=date(2022, 3, 20)))
    assert set(early["date_precision"]) == {"month"}
    kyiv = filter_events(seed, EventFilter.of(places=["Kyiv"]))
    assert len(kyiv) == 3
    cyber = filter_events(seed, EventFilter.of(text="CYBER"))
    assert list(cyber["location"]) == ["Ukraine"]
    ukraine_forces = "Military Forces of Ukraine (2019-)"
    assert ukraine_forces in actors_of(seed)
    by_actor = filter_events(seed, EventFilter.of(actors=[ukraine_forces]))
    assert len(by_actor) and all(
        ukraine_forces in (a1, a2)
        for a1, a2 in zip(by_actor["actor1"], by_actor["actor2"], strict=True)
    )
    none = filter_events(seed, EventFilter.of(event_types=["Riots"]))
    assert none.empty


def test_uncertain_dates_show_across_their_window(seed: pd.DataFrame) -> None:
    first, last = date_windows(seed)
    by_id = seed.assign(first=first, last=last).set_index("event_id")
    assert by_id.loc["seed-000-01", ["first", "last"]].tolist() == [
        pd.Timestamp("2022-03-28"),
        pd.Timestamp("2022-03-28"),
    ]
    makariv = by_id.loc["seed-000-12"]  # "a few days ago": 26 March, week
    assert (makariv["first"], makariv["last"]) == (
        pd.Timestamp("2022-03-23"),
        pd.Timestamp("2022-03-29"),
    )
    belarus = by_id.loc["seed-000-10"]  # "earlier": March 2022
    assert (belarus["first"], belarus["last"]) == (
        pd.Timestamp("2022-03-01"),
        pd.Timestamp("2022-03-31"),
    )
    on_23rd = filter_events(seed, EventFilter.of(start=date(2022, 3, 23), end=date(2022, 3, 23)))
    assert "seed-000-12" in set(on_23rd["event_id"])
    on_22nd = filter_events(seed, EventFilter.of(start=date(2022, 3, 22), end=date(2022, 3, 22)))
    assert "seed-000-12" not in set(on_22nd["event_id"])


def test_filter_describe_names_what_is_active() -> None:
    flt = EventFilter.of(event_types=["Battles"], start=date(2022, 3, 26), end=date(2022, 3, 29))
    assert flt.describe() == "2022-03-26 to 2022-03-29; type: Battles"
    assert EventFilter().describe() == "all events"


def test_csv_round_trip_is_lossless(seed: pd.DataFrame, tmp_path: Path) -> None:
    seed = seed.copy()
    seed.loc[2, "source_count"] = 4
    path = tmp_path / "out.csv"
    path.write_bytes(to_csv_bytes(seed))
    again = read_events(path)
    assert again.rejected.empty
    pd.testing.assert_frame_equal(again.events, seed)


def test_source_count_is_one_when_absent_or_blank_without_a_warning(
    bad_events_file: Path, tmp_path: Path
) -> None:
    report = read_events(bad_events_file)  # a file without the column
    assert str(report.events["source_count"].dtype) == "Int64"
    assert (report.events["source_count"] == 1).all()
    # (the label is the path, which here names the test: look past it)
    assert not any("source_count" in w.removeprefix(report.source) for w in report.warnings)
    path = tmp_path / "counts.csv"
    path.write_text(
        "event_id,event_date,event_type,location,source_count\n"
        "a,2022-03-28,Battles,Kyiv,3\n"
        "b,2022-03-28,Battles,Irpin,\n"
    )
    assert list(read_events(path).events["source_count"]) == [3, 1]


@pytest.mark.parametrize("count", ["0", "-2", "two", "1.5"])
def test_a_bad_source_count_rejects_the_row_and_says_the_fix(tmp_path: Path, count: str) -> None:
    path = tmp_path / "counts.csv"
    path.write_text(
        "event_id,event_date,event_type,location,source_count\n"
        f"a,2022-03-28,Battles,Kyiv,{count}\n"
        "b,2022-03-28,Battles,Irpin,2\n"
    )
    report = read_events(path)
    assert list(report.events["event_id"]) == ["b"]
    row = report.rejected.iloc[0]
    assert (row["line"], row["column"], row["problem"]) == (2, "source_count", "bad source_count")
    assert "1 or more" in row["reason"] and repr(count) in row["reason"]
    assert "fix:" in row["reason"]
    message = rejection_message(row, "counts.csv")
    assert message.startswith("counts.csv, line 2, column 'source_count'")


VARIANTS = ["as written", "byte-order mark", "CRLF", "line break in a quoted cell", "header only"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_file_reads_the_same_as_the_same_bytes_from_a_stream(
    variant: str, tmp_path: Path
) -> None:
    """A path goes through pyarrow's reader, a stream through pandas': same report."""
    data = SEED_EVENTS.read_bytes()
    if variant == "byte-order mark":
        data = b"\xef\xbb\xbf" + data
    elif variant == "CRLF":
        data = data.replace(b"\n", b"\r\n")
    elif variant == "line break in a quoted cell":
        header, first, rest = data.split(b"\n", 2)
        data = b"\n".join([header, first.replace(b",fine", b',"two\nlines"', 1), rest])
        data = data.replace(b"Irpin,", b'"Irpin\nregion",', 1)
    elif variant == "header only":
        data = data.split(b"\n", 1)[0] + b"\n"
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    assert _read_fast(path) is not None  # or this would compare pandas with itself
    from_path = read_events(path, name="events.csv")
    from_stream = read_events(io.BytesIO(data), name="events.csv")
    pd.testing.assert_frame_equal(from_path.events, from_stream.events)
    pd.testing.assert_frame_equal(from_path.rejected, from_stream.rejected)
    assert from_path.warnings == from_stream.warnings
    if variant == "line break in a quoted cell":
        assert from_path.events["location"].str.contains("\n").any()
