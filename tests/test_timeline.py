"""The timeline's histogram spreads week- and month-precision events over their windows."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd
import pytest

from geo.events import read_events
from geo.timeline import COLOURS, EXACT, SPREAD, daily_counts, histogram_svg

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


def svg_of(per_day: pd.DataFrame) -> ET.Element:
    return ET.fromstring(histogram_svg(per_day))


SVG = "{http://www.w3.org/2000/svg}"


def test_the_histogram_draws_a_stack_per_day_with_a_tooltip(seed: pd.DataFrame) -> None:
    counts = daily_counts(seed)
    root = svg_of(counts)
    days = root.findall(f"{SVG}g")
    assert len(days) == int(((counts[EXACT] > 0) | (counts[SPREAD] > 0)).sum())
    tips = [d.find(f"{SVG}title").text for d in days]  # type: ignore[union-attr]
    busiest = counts.index[(counts[EXACT] + counts[SPREAD]).argmax()]
    tip = next(t for t in tips if t and t.startswith(f"{busiest.day} {busiest:%b %Y}:"))
    assert f"{counts.loc[busiest, EXACT]:.0f} {EXACT}" in tip
    # Heights are to scale: each day's dark bar against its count.
    dark = [r for d in days for r in d.findall(f"{SVG}rect") if r.get("fill") == COLOURS[EXACT]]
    exact_days = counts[counts[EXACT] > 0][EXACT].to_numpy()
    heights = sorted(float(r.get("height", 0)) for r in dark)
    ratios = {round(h / n, 3) for h, n in zip(heights, sorted(exact_days), strict=True)}
    assert len(ratios) == 1


def test_the_histogram_labels_its_first_and_last_day_and_both_kinds(seed: pd.DataFrame) -> None:
    counts = daily_counts(seed)
    texts = [t.text for t in svg_of(counts).iter(f"{SVG}text")]
    first, last = counts.index[0], counts.index[-1]
    assert f"{first.day} {first:%b %Y}" in texts and f"{last.day} {last:%b %Y}" in texts
    assert EXACT in texts and SPREAD in texts


def test_the_histogram_of_nothing_is_an_empty_chart() -> None:
    root = svg_of(daily_counts(pd.DataFrame({"event_date": [], "date_precision": []})))
    assert root.findall(f"{SVG}g") == [] and root.tag == f"{SVG}svg"
