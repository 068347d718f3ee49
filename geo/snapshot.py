"""A checked copy of a large events file, kept in the cache folder so it opens fast.

Reading and checking a CSV of a million events takes 1.5 s; the dashboard does
it each time it starts. ``read_events_cached`` does it once per content: the
result (the events, the rejected rows and the warnings) is stored as Parquet
under a name made from a hash of the file's bytes, so an edited file, however
small the edit and whatever its timestamp, is read and checked afresh. The
snapshot is only ever a faster way to the same ``LoadReport``: any doubt about
it (missing, half written, unreadable, another schema) and the CSV is read
instead.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from geo.events import SCHEMA, LoadReport, read_events
from geo.files import write_atomic

SNAPSHOT_VERSION = 1
"""Bump when what a snapshot holds, or how read_events checks a file, changes."""

KEEP = 4
"""Snapshots kept in the folder (the most recently used); older ones are removed."""

MIN_BYTES = 64 * 2**20
"""Smaller files are read from their CSV every time: pyarrow reads 100,000 events
(29 MB) in about 0.2 s, and hashing and writing a snapshot would cost more than
it saves. A million events (290 MB) reopen in 0.6 s instead of 1.5 s."""


def snapshot_dir(cache: Path) -> Path:
    return Path(cache) / "events"


def content_key(path: Path, label: str) -> str:
    """A name for this file's content as checked by this version, under this label."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"v{SNAPSHOT_VERSION};{label};".encode())
    digest.update(json.dumps(SCHEMA, sort_keys=True).encode())
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_events_cached(
    path: Path, cache: Path | None, name: str | None = None, *, min_bytes: int = MIN_BYTES
) -> LoadReport:
    """``read_events(path, name)``, through a snapshot in ``cache``/events when one
    matches the file's bytes; made there when none does. ``cache=None``, or a file
    under ``min_bytes``, reads the CSV. A cache folder that cannot be written only
    costs the speed-up."""
    label = name or str(path)
    if cache is None or _size(path) < min_bytes:
        return read_events(path, name=label)
    try:
        key = content_key(Path(path), label)
    except OSError:
        return read_events(path, name=label)  # its own clear error, from the CSV reader
    folder = snapshot_dir(cache)
    found = _load(folder, key)
    if found is not None:
        return found
    report = read_events(path, name=label)
    _store(folder, key, report)
    return report


def _files(folder: Path, key: str) -> tuple[Path, Path, Path]:
    return (
        folder / f"{key}.events.parquet",
        folder / f"{key}.rejected.parquet",
        folder / f"{key}.json",  # written last: its presence says the other two are whole
    )


def _load(folder: Path, key: str) -> LoadReport | None:
    events_file, rejected_file, meta_file = _files(folder, key)
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        events = pd.read_parquet(events_file)
        rejected = pd.read_parquet(rejected_file)
    except (OSError, ValueError, ImportError):
        return None  # missing or damaged: read the CSV again
    if list(events.columns) != list(SCHEMA) or not isinstance(meta.get("warnings"), list):
        return None
    os.utime(meta_file)  # recently used: kept when older snapshots are removed
    return LoadReport(
        str(meta["source"]),
        _categories_as_string(events),
        rejected,
        [str(w) for w in meta["warnings"]],
    )


def _categories_as_string(events: pd.DataFrame) -> pd.DataFrame:
    """Parquet gives categories back as ``str``; the schema's are ``string``."""
    for column, dtype in SCHEMA.items():
        if dtype == "category":
            values = events[column].cat
            events[column] = pd.Categorical.from_codes(
                values.codes, categories=values.categories.astype("string")
            )
    return events


def _store(folder: Path, key: str, report: LoadReport) -> None:
    events_file, rejected_file, meta_file = _files(folder, key)
    meta = {"source": report.source, "warnings": report.warnings, "version": SNAPSHOT_VERSION}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(events_file, report.events.to_parquet(index=False))
        write_atomic(rejected_file, report.rejected.to_parquet(index=False))
        write_atomic(meta_file, json.dumps(meta))
    except (OSError, ValueError, ImportError):  # write_atomic's ExportError is an OSError
        return
    _prune(folder)


def _prune(folder: Path) -> None:
    """Keep the KEEP most recently used snapshots."""
    metas = sorted(folder.glob("*.json"), key=_mtime, reverse=True)
    for meta in metas[KEEP:]:
        for stale in _files(folder, meta.name.removesuffix(".json")):
            stale.unlink(missing_ok=True)


def _size(path: Path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0  # read_events says what is wrong with it


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
