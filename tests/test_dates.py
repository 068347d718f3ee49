"""Relative date expressions against the publication date, as a table."""

from __future__ import annotations

from datetime import date

import pytest

from geo.dates import resolve_expression, sentence_date

TUESDAY = date(2022, 3, 29)  # the seed article's publication date

AGAINST_SEED = [
    ("on Tuesday", "2022-03-29", "day"),
    ("Monday", "2022-03-28", "day"),
    ("late Monday", "2022-03-28", "day"),
    ("Monday night", "2022-03-28", "day"),
    ("last Tuesday", "2022-03-22", "day"),
    ("on Sunday", "2022-03-27", "day"),
    ("today", "2022-03-29", "day"),
    ("yesterday", "2022-03-28", "day"),
    ("overnight", "2022-03-28", "day"),
    ("two days ago", "2022-03-27", "day"),
    ("over the weekend", "2022-03-27", "week"),
    ("a few days ago", "2022-03-26", "week"),
    ("in recent days", "2022-03-26", "week"),
    ("late last week", "2022-03-25", "week"),
    ("last week", "2022-03-24", "week"),
    ("early last week", "2022-03-22", "week"),
    ("earlier this month", "2022-03-01", "month"),
    ("last month", "2022-02-01", "month"),
    ("in barely over a month of the war", "2022-03-29", "month"),
    ("March 29", "2022-03-29", "day"),
    ("29 March", "2022-03-29", "day"),
    ("on April 6", "2022-04-06", "day"),
    ("March 29, 2021", "2021-03-29", "day"),
    ("Feb. 24", "2022-02-24", "day"),
    ("in March", "2022-03-01", "month"),
]


@pytest.mark.parametrize(("expression", "expected", "precision"), AGAINST_SEED)
def test_expressions_against_the_seed_date(expression: str, expected: str, precision: str) -> None:
    assert resolve_expression(expression, TUESDAY) == (date.fromisoformat(expected), precision)


OTHER_DATES = [
    # published, expression, expected, precision
    ("2022-01-03", "December 30", "2021-12-30", "day"),  # a January report of late December
    ("2022-01-03", "on Sunday", "2022-01-02", "day"),
    ("2022-01-03", "over the weekend", "2022-01-02", "week"),
    ("2022-01-03", "late last week", "2021-12-31", "week"),
    ("2022-01-03", "last month", "2021-12-01", "month"),
    ("2022-01-01", "yesterday", "2021-12-31", "day"),
    ("2022-03-26", "over the weekend", "2022-03-26", "week"),  # a Saturday report
    ("2022-04-07", "on April 6", "2022-04-06", "day"),
    ("2022-04-07", "on Thursday", "2022-04-07", "day"),
    ("2022-11-20", "February 24", "2022-02-24", "day"),
]


@pytest.mark.parametrize(("published", "expression", "expected", "precision"), OTHER_DATES)
def test_expressions_against_other_dates(
    published: str, expression: str, expected: str, precision: str
) -> None:
    found = resolve_expression(expression, date.fromisoformat(published))
    assert found == (date.fromisoformat(expected), precision)


def test_no_expression_means_the_publication_week() -> None:
    ref = sentence_date("Russian troops remained in defensive positions.", TUESDAY)
    assert (ref.day, ref.precision) == (TUESDAY, "week")


def test_a_reporting_date_yields_to_the_date_of_the_happening() -> None:
    ref = sentence_date("The governor said Tuesday that a missile hit a depot on Sunday.", TUESDAY)
    assert (ref.day, ref.precision) == (date(2022, 3, 27), "day")
    ref = sentence_date("Zelensky announced late Monday that forces retook Irpin.", TUESDAY)
    assert (ref.day, ref.precision) == (date(2022, 3, 28), "day")


def test_a_sentence_opening_earlier_is_this_month() -> None:
    ref = sentence_date("Earlier discussions in Belarus failed.", TUESDAY)
    assert (ref.day, ref.precision) == (date(2022, 3, 1), "month")


def test_words_that_look_like_months_are_not_dates() -> None:
    assert resolve_expression("a deal may be reached", TUESDAY) is None
    assert resolve_expression("on February 30", TUESDAY) is None
