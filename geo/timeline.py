"""Events a day for the timeline's histogram, honest about uncertain dates.

An event known only to the week or the month is not piled on one day: its
weight of one is spread evenly over the days it may have happened on (its
date window, as the filters use it), so a month-precision event adds 1/31 to
each day of March rather than a spike on the 1st.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.events import date_windows

EXACT = "to the day"
SPREAD = "week/month, spread"


def daily_counts(events: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar day from the first possible day to the last: exact and spread."""
    dated = events[events["event_date"].notna()]
    if dated.empty:
        return pd.DataFrame({EXACT: [], SPREAD: []}, index=pd.DatetimeIndex([]).date)
    first, last = date_windows(dated)
    start = first.min().normalize()
    days = pd.date_range(start, last.max().normalize(), freq="D")
    i0 = ((first.dt.normalize() - start).dt.days).to_numpy(np.int64)
    i1 = ((last.dt.normalize() - start).dt.days).to_numpy(np.int64)
    exact = i0 == i1
    counts = np.bincount(i0[exact], minlength=len(days)).astype(np.float64)
    # Spread the rest with a difference array: +w where a window opens, -w after it closes.
    width = (i1[~exact] - i0[~exact] + 1).astype(np.float64)
    steps = np.zeros(len(days) + 1)
    np.add.at(steps, i0[~exact], 1.0 / width)
    np.add.at(steps, i1[~exact] + 1, -1.0 / width)
    spread = np.cumsum(steps)[:-1]
    return pd.DataFrame({EXACT: counts, SPREAD: spread.round(3)}, index=days.date)
