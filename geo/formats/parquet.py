"""Parquet in and out (needs pyarrow).

Written with the events schema's dtypes. Read back, every column is turned
to text and goes through the same checks as a CSV, so a Parquet file made
elsewhere is validated like any other; one of ours comes back equal.
"""

from __future__ import annotations

import io

import pandas as pd

from geo.errors import DataError
from geo.rawtable import RawTable, Source, open_binary


def read_raw(source: Source, label: str) -> RawTable:
    """A Parquet file's rows as text cells (dates as YYYY-MM-DD, numbers as written)."""
    try:
        frame = pd.read_parquet(open_binary(source))
    except ImportError as err:
        raise DataError(
            f"{label}: reading Parquet needs the pyarrow package. Fix: pip install pyarrow."
        ) from err
    except FileNotFoundError as err:
        raise DataError(f"{label}: no such file. Fix: check the path.") from err
    except (OSError, ValueError) as err:
        raise DataError(f"{label}: not a readable Parquet file ({err}).") from err
    text = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.strftime("%Y-%m-%d")
        text[str(column)] = values.astype("string").fillna("").to_numpy()
    return RawTable(pd.DataFrame(text, dtype=str), None, [], None)


def to_bytes(events: pd.DataFrame) -> bytes:
    """The events as Parquet, keeping their dtypes."""
    buffer = io.BytesIO()
    events.reset_index(drop=True).to_parquet(buffer, index=False)
    return buffer.getvalue()
