"""Dates as real files write them, read in one vectorised pass per file.

A file may mix ISO dates, ACLED's "29 March 2022" and numeric dates such as
03/04/2022. A numeric date whose first part is over 12 can only be day-first
(25/03/2022), one whose second part is over 12 only month-first (03/25/2022);
the rest are ambiguous. The ambiguous ones are read one way for the whole
file: the way the unambiguous rows of that file point to (day-first on a
tie, as most of the world and ACLED write dates), unless the caller says.
The choice and its evidence are reported, never made silently.

Work is done on the distinct strings of the column (a million rows of events
hold a few thousand distinct dates), then spread back to the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.columns import stripped

# Whole-date formats tried in order on what the previous ones left; none of
# them can be read two ways.
_FULL_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%B-%Y",
    "%d-%b-%Y",
    "%d %B, %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
)
# Formats that name only a month: read as its first day, with month precision.
_MONTH_FORMATS: tuple[str, ...] = ("%B %Y", "%b %Y", "%Y-%m")

_TIME_SUFFIX = r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
_NUMERIC = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$"
_EXAMPLES = "2022-03-29, 29 March 2022 or 29/03/2022"


@dataclass
class DateReading:
    """Dates of one column: the values, which rows failed, and what was decided."""

    dates: pd.Series  # datetime64[ns], NaT where empty or unreadable
    month_only: pd.Series  # bool: the text named only a month ("March 2022")
    empty: pd.Series  # bool: nothing was written
    unreadable: pd.Series  # bool: something was written that is not a date
    dayfirst: bool | None  # the order used for ambiguous numeric dates, None if none seen
    choices: list[str] = field(default_factory=list)

    def reason(self, text: str) -> str:
        """Why a written value was not read, for the rejected file."""
        return f"expected a date such as {_EXAMPLES}, got {text!r}"


def read_dates(
    values: pd.Series, dayfirst: bool | None = None, column: str = "date"
) -> DateReading:
    """Read a column of date strings; ``dayfirst=None`` lets the file decide.

    ``column`` names the column in the choices reported ("dates in 'Date'
    read day-first: ...").
    """
    text = stripped(values.fillna(""))
    codes, uniques = pd.factorize(text, sort=False)
    weights = np.bincount(codes, minlength=len(uniques)) if len(uniques) else np.zeros(0, int)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype="string")
    u = u.str.replace(_TIME_SUFFIX, "", regex=True).str.replace(
        r"\bSept\b", "Sep", case=False, regex=True
    )
    parsed = pd.Series(pd.NaT, index=u.index, dtype="datetime64[ns]")
    month_only = pd.Series(False, index=u.index)
    empty_u = (u == "").to_numpy()

    def todo() -> pd.Series:
        return parsed.isna() & (u != "")

    for fmt in _FULL_FORMATS:
        rest = todo()
        if not rest.any():
            break
        parsed[rest] = pd.to_datetime(u[rest], format=fmt, errors="coerce")
    for fmt in _MONTH_FORMATS:
        rest = todo()
        if not rest.any():
            break
        got = pd.to_datetime(u[rest], format=fmt, errors="coerce")
        parsed[rest] = got
        month_only[got.dropna().index] = True

    choices: list[str] = []
    chosen: bool | None = None
    rest = todo()
    if rest.any():
        parts = u[rest].str.extract(_NUMERIC)
        numeric = parts[0].notna()
        if numeric.any():
            parts = parts[numeric].astype(int)
            idx = parts.index
            a, b, y = parts[0], parts[1], parts[2]
            w = pd.Series(weights[idx.to_numpy()], index=idx)
            day_only = (a > 12) & (b <= 12)
            month_first_only = (b > 12) & (a <= 12)
            ambiguous = (a <= 12) & (b <= 12) & (a != b)
            n_day, n_month = int(w[day_only].sum()), int(w[month_first_only].sum())
            n_amb = int(w[ambiguous].sum())
            chosen = dayfirst if dayfirst is not None else n_day >= n_month
            first_is_day = day_only | (~month_first_only & chosen)
            day = a.where(first_is_day, b)
            month = b.where(first_is_day, a)
            two_digit = y < 100
            year = y.where(~two_digit, y + np.where(y <= 68, 2000, 1900))
            parsed[idx] = pd.to_datetime(
                pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
            )
            choices.append(
                _order_choice(column, chosen, dayfirst, n_amb, n_day, n_month, u[idx[ambiguous]])
            )
            if two_digit.any():
                choices.append(
                    f"{int(w[two_digit].sum())} dates in {column!r} had two-digit years, "
                    "read as 1969-2068"
                )

    rows_parsed = pd.Series(parsed.to_numpy()[codes], index=values.index)
    empty = pd.Series(empty_u[codes], index=values.index)
    return DateReading(
        dates=rows_parsed,
        month_only=pd.Series(month_only.to_numpy()[codes], index=values.index),
        empty=empty,
        unreadable=rows_parsed.isna() & ~empty,
        dayfirst=chosen,
        choices=choices,
    )


def _order_choice(
    column: str,
    chosen: bool,
    asked: bool | None,
    n_amb: int,
    n_day: int,
    n_month: int,
    ambiguous_examples: pd.Series,
) -> str:
    order = "day-first" if chosen else "month-first"
    why = "as asked" if asked is not None else "the file's unambiguous dates decided"
    if asked is None and n_day == n_month:
        why = "no evidence either way, so the usual order outside the US"
    line = (
        f"dates in {column!r} read {order} ({why}): {n_amb} rows were ambiguous"
        + (f" (e.g. {ambiguous_examples.iloc[0]})" if len(ambiguous_examples) else "")
        + f", {n_day} unambiguous day-first, {n_month} unambiguous month-first"
    )
    if n_day and n_month:
        line += (
            "; the file mixes both orders, so each unambiguous date was read its only "
            "way and the ambiguous ones may be wrong"
        )
    return line
