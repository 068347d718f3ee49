"""Datasets in and out: ACLED, UCDP GED, any CSV/XLSX, GeoJSON and Parquet.

``import_dataset`` reads a file into the events table and never loses a row:
``report.rows_read == len(report.events) + len(report.rejected)``, every
rejected row keeps its original cells and gains a line and a reason, and
every decision taken for the user (encoding, date order, counts read from
text, columns matched) is in ``report.choices`` and ``report.summary()``.
``export_dataset`` writes any view of the table as our CSV, Parquet,
GeoJSON or an ACLED-compatible CSV; each reads back through
``import_dataset`` as the same table (for the columns the format carries).

    >>> report = import_dataset("acled_2022.csv")               # doctest: +SKIP
    >>> print(report.summary())                                 # doctest: +SKIP
    >>> export_dataset(report.events, "events.parquet")         # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from geo.errors import DataError, ExportError
from geo.events import to_csv_bytes
from geo.files import write_atomic
from geo.formats import acled, geojson, parquet, tabular, ucdp
from geo.formats.report import ImportReport, finish
from geo.rawtable import (
    RawTable,
    Source,
    head_bytes,
    label_of,
    read_csv_text,
    read_excel_text,
    suffix_of,
)

if TYPE_CHECKING:
    from geo.gazetteer import Gazetteer

IMPORT_FORMATS: tuple[str, ...] = ("auto", "acled", "ucdp", "csv", "geojson", "parquet")
"""Values of ``format`` for import_dataset (the CLI offers the first five)."""

EXPORT_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".geojson": "geojson",
    ".json": "geojson",
}
"""File suffix -> export format; ``acled_csv`` is asked for by name or by ``.acled.csv``."""

_EXCEL = (".xlsx", ".xlsm")


def detect_format(source: Source, name: str | None = None) -> str:
    """Which importer fits: "acled", "ucdp", "csv", "geojson" or "parquet".

    Decided by the suffix where it is telling (.geojson, .parquet, .xlsx),
    else by the first bytes (JSON, Parquet's magic, a zip for XLSX), else by
    the CSV header (ACLED's and UCDP GED's column names).
    """
    suffix = suffix_of(source, name)
    if suffix in (".geojson", ".json"):
        return "geojson"
    if suffix == ".parquet":
        return "parquet"
    if suffix in _EXCEL:
        return "csv"
    head = head_bytes(source)
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "csv"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "geojson"
    first = head.split(b"\n", 1)[0].decode("latin-1").lstrip("\ufeff").strip()
    columns = [c.strip().strip('"') for c in first.split(",")]
    if acled.looks_like(columns):
        return "acled"
    if ucdp.looks_like(columns):
        return "ucdp"
    return "csv"


def import_dataset(
    path_or_bytes: Source,
    format: str = "auto",
    mapping: dict[str, str | None] | None = None,
    name: str | None = None,
    *,
    dayfirst: bool | None = None,
    gazetteer: Gazetteer | None = None,
    check_countries: bool = True,
) -> ImportReport:
    """Read a dataset into the events table, reporting every row that did not load.

    ``path_or_bytes``: a path, the file's bytes (an upload) or a binary stream.
    ``format``: one of IMPORT_FORMATS; "auto" uses detect_format.
    ``mapping``: schema column -> the file's column, overriding the columns
    found by name (None leaves a schema column empty); see
    ``report.mapping`` for what was used.
    ``name``: the file's name, for messages and for suffix-based detection of
    bytes ("upload.xlsx").
    ``dayfirst``: how to read ambiguous dates such as 03/04/2022; None lets
    each file's unambiguous dates decide (reported in the choices).
    ``gazetteer``: used to check coordinates against the country a row names;
    opened (and closed) here when None. ``check_countries=False`` skips that.

    Raises DataError when the file as a whole cannot be read (not the format
    it claims, no date column); problems with single rows never raise.
    """
    label = label_of(path_or_bytes, name)
    if format not in IMPORT_FORMATS:
        raise DataError(
            f"{label}: unknown format {format!r}; expected one of {', '.join(IMPORT_FORMATS)}."
        )
    fmt = detect_format(path_or_bytes, name) if format == "auto" else format
    if isinstance(path_or_bytes, (str, Path)) and not os.path.exists(path_or_bytes):
        raise DataError(f"{label}: no such file. Fix: check the path.")
    if fmt == "geojson":
        raw = geojson.read_raw(path_or_bytes, label)
        staged = geojson.stage(raw, label, mapping, dayfirst)
    else:
        raw = _read_table(path_or_bytes, label, fmt, name)
        if fmt == "acled":
            staged = acled.stage(raw, label, mapping, dayfirst)
        elif fmt == "ucdp":
            staged = ucdp.stage(raw, label, mapping, dayfirst)
        else:
            staged = tabular.stage(raw, label, mapping, dayfirst, fmt=fmt)
    return finish(staged, gazetteer, check_countries)


def _read_table(source: Source, label: str, fmt: str, name: str | None) -> RawTable:
    if fmt == "parquet":
        return parquet.read_raw(source, label)
    if suffix_of(source, name) in _EXCEL or head_bytes(source, 4) == b"PK\x03\x04":
        return read_excel_text(source, label)
    return read_csv_text(source, label)


def export_bytes(events: pd.DataFrame, format: str) -> bytes:
    """The events as the bytes of one export format: csv, parquet, geojson or acled_csv.

    For downloads of the filtered view; ``export_dataset`` writes them to a file.
    """
    if format == "csv":
        return to_csv_bytes(events)
    if format == "parquet":
        return parquet.to_bytes(events)
    if format == "geojson":
        return geojson.to_bytes(events)
    if format == "acled_csv":
        return acled.to_acled_frame(events).to_csv(index=False).encode("utf-8")
    raise ExportError(
        f"unknown export format {format!r}; expected csv, parquet, geojson or acled_csv"
    )


def export_format(path: str | Path) -> str:
    """The export format a file name asks for (".acled.csv" means acled_csv)."""
    name = Path(path).name.lower()
    if name.endswith(".acled.csv"):
        return "acled_csv"
    fmt = EXPORT_FORMATS.get(Path(name).suffix)
    if fmt is None:
        raise ExportError(
            f"cannot tell the format of {path}: expected a name ending in "
            f"{', '.join(EXPORT_FORMATS)} or .acled.csv"
        )
    return fmt


def export_dataset(events: pd.DataFrame, path: str | Path, format: str | None = None) -> Path:
    """Write an events table (any filtered view) to ``path``; return the path.

    ``format`` (csv, parquet, geojson, acled_csv) defaults to the one the
    suffix names: .csv our CSV, .parquet, .geojson/.json, .acled.csv ACLED's
    columns. The file is written whole or not at all.
    """
    target = Path(path)
    return write_atomic(target, export_bytes(events, format or export_format(target)))


__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "ImportReport",
    "detect_format",
    "export_bytes",
    "export_dataset",
    "export_format",
    "import_dataset",
]
