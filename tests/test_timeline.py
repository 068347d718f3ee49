"""The timeline's histogram spreads week- and month-precision events over their windows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from geo.events import read_events
from geo.timeline import EXACT, SPREAD, daily_counts

from .conftest import SEED_EVENTS


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    return read_events(SEED_EVENTS).events


def test_every_event_counts_once_in_all(seed: pd.DataFrame) -> None:
    counts = daily_counts(seed)
    assert counts[EXACT].sum() + counts[SPREAD].sum() == pytest.approx(len(seed), abs=0.01)
    assert counts[EXACT].sum() == (seed["date_precision"] == "day").sum()


def test_a_month_event_is_spread_over_its_month(seed: pd.DataFrame) -> None:
    belarus = seed[seed["location"] == "Belarus"]  # month precision, March 2022
    counts = daily_counts(belarus)
    assert counts.index[0] == date(2022, 3, 1) and counts.index[-1] == date(2022, 3, 31)
    assert counts[SPREAD].round(4).nunique() == 1
    assert counts[SPREAD].iloc[0] == pytest.approx(1 / 31, abs=1e-3)


def test_a_week_event_covers_seven_days(seed: pd.DataFrame) -> None:
    week = seed[seed["event_id"] == "seed-000-12"]  # Makariv, 26 March give or take 3 days
    counts = daily_counts(week)
    assert list(counts.index) == [date(2022, 3, d) for d in range(23, 30)]
    assert counts[SPREAD].sum() == pytest.approx(1.0, abs=1e-3)


def test_no_dates_no_rows(seed: pd.DataFrame) -> None:
    assert daily_counts(seed.iloc[:0]).empty
