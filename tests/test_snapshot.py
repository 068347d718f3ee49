"""The checked copy of an events file: the same report as the CSV, or the CSV read again."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from geo.events import LoadReport, read_events
from geo.snapshot import KEEP, read_events_cached, snapshot_dir

from .conftest import SEED_EVENTS


def assert_same(a: LoadReport, b: LoadReport) -> None:
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.rejected, b.rejected)
    assert (a.source, a.warnings) == (b.source, b.warnings)


@pytest.mark.parametrize("which", ["seed", "messy"])
def test_the_snapshot_gives_the_report_the_csv_gives(
    which: str, bad_events_file: Path, tmp_path: Path
) -> None:
    path = SEED_EVENTS if which == "seed" else bad_events_file
    fresh = read_events(path, name=path.name)
    cache = tmp_path / "cache"
    made = read_events_cached(path, cache, name=path.name, min_bytes=0)
    assert len(list(snapshot_dir(cache).glob("*.json"))) == 1
    reused = read_events_cached(path, cache, name=path.name, min_bytes=0)
    assert_same(fresh, made)
    assert_same(fresh, reused)
    if which == "messy":  # the rejected rows and warnings survive the round trip
        assert len(reused.rejected) == 3 and reused.warnings


def test_the_snapshot_is_what_is_read_the_second_time(tmp_path: Path) -> None:
    """Proof that the second read comes from the snapshot: doctor the snapshot and see it."""
    path = tmp_path / "events.csv"
    path.write_bytes(SEED_EVENTS.read_bytes())
    cache = tmp_path / "cache"
    first = read_events_cached(path, cache, min_bytes=0)
    (stored,) = snapshot_dir(cache).glob("*.events.parquet")
    pd.read_parquet(stored).head(2).to_parquet(stored, index=False)
    assert len(read_events_cached(path, cache, min_bytes=0).events) == 2 < len(first.events)


def test_an_edit_of_the_same_size_and_time_is_read_afresh(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    text = SEED_EVENTS.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    cache = tmp_path / "cache"
    before = read_events_cached(path, cache, min_bytes=0)
    stamp = path.stat().st_mtime_ns
    first_id = str(before.events["event_id"].iloc[0])
    edited = text.replace(first_id, first_id[:-1] + ("X" if first_id[-1] != "X" else "Y"), 1)
    assert len(edited) == len(text)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    after = read_events_cached(path, cache, min_bytes=0)
    assert_same(read_events(path, name=str(path)), after)
    assert str(after.events["event_id"].iloc[0]) != first_id


def test_a_damaged_snapshot_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(SEED_EVENTS.read_bytes())
    cache = tmp_path / "cache"
    read_events_cached(path, cache, min_bytes=0)
    (stored,) = snapshot_dir(cache).glob("*.events.parquet")
    stored.write_bytes(b"not parquet")
    assert_same(read_events(path, name=str(path)), read_events_cached(path, cache, min_bytes=0))


def test_a_cache_that_cannot_be_written_only_costs_speed(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(SEED_EVENTS.read_bytes())
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder would be", encoding="utf-8")
    assert_same(read_events(path, name=str(path)), read_events_cached(path, blocker, min_bytes=0))


def test_old_snapshots_are_removed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    text = SEED_EVENTS.read_text(encoding="utf-8")
    for i in range(KEEP + 2):
        path = tmp_path / f"events-{i}.csv"
        path.write_text(text + f"extra-{i},2022-03-29,Battles,Kyiv,,,,\n", encoding="utf-8")
        read_events_cached(path, cache, min_bytes=0)
    assert len(list(snapshot_dir(cache).glob("*.json"))) == KEEP
    assert len(list(snapshot_dir(cache).glob("*.parquet"))) == 2 * KEEP
    assert not list(snapshot_dir(cache).glob(".*"))  # no half-written leftovers


def test_a_missing_file_still_gets_the_csv_readers_error(tmp_path: Path) -> None:
    from geo.errors import DataError

    with pytest.raises(DataError, match="no such file"):
        read_events_cached(tmp_path / "nowhere.csv", tmp_path / "cache", min_bytes=0)


def test_a_small_file_is_read_from_its_csv_and_leaves_no_snapshot(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert_same(
        read_events(SEED_EVENTS, name="seed"), read_events_cached(SEED_EVENTS, cache, "seed")
    )
    assert not snapshot_dir(cache).exists()
