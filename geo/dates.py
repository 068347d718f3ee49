"""Relative date expressions ("late Monday", "over the weekend") → a date and its precision.

Every expression is resolved against the publication date of the report; the
result is the date the sentence speaks of and how sure it is (``day``,
``week``, ``month``, the ACLED time precisions 1/2/3). A week-precision date
is the middle of the window it stands for (give or take three days, see
``geo.events.date_windows``); a month-precision date stands for its calendar
month.

The conventions, one table row each (see ``RULES``):

| expression | date | precision |
|---|---|---|
| "on Tuesday", "late Monday", "Monday night" | latest such day on or before publication | day |
| "last Monday" | most recent such day before publication | day |
| "today", "this morning", "tonight" | publication | day |
| "yesterday", "last night", "overnight" | publication − 1 | day |
| "two days ago" | publication − 2 | day |
| "a few days ago", "several days ago", "in recent days" | publication − 3 | week |
| "over the weekend" | the Sunday on or before publication (Saturday in a Saturday report) | week |
| "earlier this week", "this week" | half-way between Monday and publication | week |
| "late last week" / "early last week" / "last week" | Fri / Tue / Thu of the week before | week |
| "earlier this month", "this month" | first of the month | month |
| "last month" | first of the month before | month |
| "in (barely over) a month of the war", "over the past month" | publication | month |
| "March 29", "29 March", "on April 6", "March 29, 2022" | that day (year: see below) | day |
| "in March", "since early March" | first of that month | month |
| a sentence opening "Earlier ..." ("Earlier discussions") | first of the month | month |
| nothing | publication | week |

The year of an explicit date is the publication's, unless that puts it more
than 60 days after publication: then the year before.

A date right after a reporting verb ("said Tuesday", "announced late Monday")
dates the statement, not the happening: another expression in the same
sentence wins over it, and it is used only when it is the only one.

Pure functions: nothing here reads a clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

DAY, WEEK, MONTH = "day", "week", "month"
FUTURE_TOLERANCE_DAYS = 60
"""An explicit date up to this far after publication keeps the publication's year."""

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip


@dataclass(frozen=True)
class DateRef:
    """A date expression found in a sentence, and what it resolves to."""

    day: date
    precision: str
    start: int
    end: int
    expression: str
    rule: str
    reporting: bool = False  # it follows a reporting verb: it dates a statement
    weak: bool = False  # a vague cue, used only when nothing else is said


Resolver = Callable[[re.Match[str], date], tuple[date, str]]


@dataclass(frozen=True)
class DateRule:
    """One row of the table: a pattern and how its match resolves."""

    name: str
    pattern: re.Pattern[str]
    resolve: Resolver
    weak: bool = False


# --- calendar helpers --------------------------------------------------------


def weekday_on_or_before(published: date, weekday: int) -> date:
    """The most recent given weekday (0 = Monday) on or before ``published``."""
    return published - timedelta(days=(published.weekday() - weekday) % 7)


def weekday_before(published: date, weekday: int) -> date:
    """The most recent given weekday strictly before ``published``."""
    return published - timedelta(days=(published.weekday() - weekday - 1) % 7 + 1)


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _first_of_previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def explicit_year(published: date, month: int, day: int, year: int | None = None) -> date | None:
    """The date of "March 29" in a report published on ``published``.

    The publication's year, unless that puts the date more than
    ``FUTURE_TOLERANCE_DAYS`` after publication: then the year before (a
    January report speaking of "December 30"). None for impossible dates.
    """
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(published.year, month, day)
        if (candidate - published).days > FUTURE_TOLERANCE_DAYS:
            candidate = date(published.year - 1, month, day)
        return candidate
    except ValueError:
        return None


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


# --- resolvers ---------------------------------------------------------------


def _weekday(m: re.Match[str], published: date) -> tuple[date, str]:
    wd = WEEKDAYS.index(m.group("wd").lower())
    if m.group("last"):
        return weekday_before(published, wd), DAY
    return weekday_on_or_before(published, wd), DAY


def _offset(days: int, precision: str) -> Resolver:
    def resolve(m: re.Match[str], published: date) -> tuple[date, str]:
        return published - timedelta(days=days), precision

    return resolve


def _days_ago(m: re.Match[str], published: date) -> tuple[date, str]:
    return published - timedelta(days=_number(m.group("n"))), DAY


def _weekend(m: re.Match[str], published: date) -> tuple[date, str]:
    if published.weekday() == 5:  # a Saturday report: the weekend so far
        return published, WEEK
    return weekday_on_or_before(published, 6), WEEK


def _this_week(m: re.Match[str], published: date) -> tuple[date, str]:
    monday = _monday_of(published)
    return monday + timedelta(days=(published - monday).days // 2), WEEK


def _last_week(m: re.Match[str], published: date) -> tuple[date, str]:
    monday = _monday_of(published) - timedelta(days=7)
    part = (m.group("part") or "").lower()
    offset = {"late": 4, "early": 1}.get(part, 3)  # Friday, Tuesday, Thursday
    return monday + timedelta(days=offset), WEEK


def _this_month(m: re.Match[str], published: date) -> tuple[date, str]:
    return _first_of_month(published), MONTH


def _last_month(m: re.Match[str], published: date) -> tuple[date, str]:
    return _first_of_previous_month(published), MONTH


def _month_so_far(m: re.Match[str], published: date) -> tuple[date, str]:
    return published, MONTH


def _week_so_far(m: re.Match[str], published: date) -> tuple[date, str]:
    return published - timedelta(days=3), WEEK


def _month_day(m: re.Match[str], published: date) -> tuple[date, str]:
    month = MONTHS[m.group("month")[:3].lower()]
    year = int(m.group("year")) if m.group("year") else None
    found = explicit_year(published, month, int(m.group("day")), year)
    if found is None:
        raise ValueError("impossible date")
    return found, DAY


def _month_only(m: re.Match[str], published: date) -> tuple[date, str]:
    month = MONTHS[m.group("month")[:3].lower()]
    found = explicit_year(published, month, 1)
    if found is None:  # cannot happen for day 1, kept for the type checker
        raise ValueError("impossible date")
    return found, MONTH


# --- the table -----------------------------------------------------------------

_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_NUM = r"(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
_I = re.IGNORECASE


def _rx(pattern: str, flags: int = _I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


RULES: tuple[DateRule, ...] = (
    DateRule(
        "month day",
        _rx(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b{_YEAR}", 0),
        _month_day,
    ),
    DateRule(
        "day month",
        _rx(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}{_YEAR}", 0),
        _month_day,
    ),
    DateRule(
        "weekday",
        _rx(rf"\b(?:(?:early|late)\s+)?(?P<last>last\s+)?{_WD}(?:\s+(?:morning|afternoon|evening|night))?\b"),
        _weekday,
    ),
    DateRule(
        "today", _rx(r"\b(?:today|this (?:morning|afternoon|evening)|tonight)\b"), _offset(0, DAY)
    ),
    DateRule("yesterday", _rx(r"\b(?:yesterday|last night|overnight)\b"), _offset(1, DAY)),
    DateRule(
        "a few days ago",
        _rx(
            r"\b(?:a few|several|a couple of|few) days ago\b"
            r"|\bin (?:recent|the past few|the last few) days\b"
        ),
        _offset(3, WEEK),
    ),
    DateRule("n days ago", _rx(rf"\b{_NUM} days? ago\b"), _days_ago),
    DateRule(
        "weekend", _rx(r"\b(?:over|at|on|during|this|last) the weekend\b|\bthis weekend"), _weekend
    ),
    DateRule(
        "last week", _rx(r"\b(?:(?P<part>late|early|earlier|later)\s+)?last week\b"), _last_week
    ),
    DateRule("this week", _rx(r"\b(?:earlier )?this week\b"), _this_week),
    DateRule("past week", _rx(r"\b(?:in|over|during) the (?:past|last) week\b"), _week_so_far),
    DateRule(
        "this month", _rx(r"\b(?:earlier )?this month\b|\bearlier in the month\b"), _this_month
    ),
    DateRule("last month", _rx(r"\blast month\b"), _last_month),
    DateRule(
        "month so far",
        _rx(
            r"\b(?:in|over|during|for)\s+(?:the\s+)?(?:(?:barely|just|little|more than|less than|"
            r"over|under|nearly|almost|about|past|last|first)\s+)*(?:a|one|two|three|\d+)\s+months?\b"
        ),
        _month_so_far,
    ),
    DateRule(
        "in month",
        _rx(
            rf"\b(?:in|since|during|through|throughout|until)\s+"
            rf"(?:(?:early|mid|late)[- ])?{_MONTH}(?!\s*\d)",
            0,
        ),
        _month_only,
    ),
    DateRule("earlier", _rx(r"^\W*Earlier\b", 0), _this_month, weak=True),
)  # fmt: skip
"""The table, tried in order; an expression overlapping an earlier row's match is skipped."""

_REPORTING = re.compile(
    r"\b(?:said|says|announced|stated|told|reported|claimed|added|confirmed|declared|"
    r"wrote|posted|tweeted)\s+(?:on\s+|in\s+a\s+post-?)?$",
    re.IGNORECASE,
)


def find_dates(sentence: str, published: date) -> list[DateRef]:
    """Every date expression in a sentence, in text order, resolved against ``published``."""
    found: list[DateRef] = []
    taken: list[tuple[int, int]] = []
    for rule in RULES:
        for m in rule.pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            try:
                day, precision = rule.resolve(m, published)
            except ValueError:
                continue
            reporting = _REPORTING.search(sentence, 0, m.start()) is not None
            found.append(
                DateRef(
                    day, precision, m.start(), m.end(), m.group(), rule.name, reporting, rule.weak
                )
            )
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def sentence_date(sentence: str, published: date) -> DateRef:
    """The date a sentence speaks of.

    The first expression that does not date a statement ("said Tuesday"); else
    the first that does; else a weak cue ("Earlier ..."); else the publication
    date at week precision (the report does not say when).
    """
    found = find_dates(sentence, published)
    for wanted in (
        lambda d: not d.weak and not d.reporting,
        lambda d: not d.weak,
        lambda d: True,
    ):
        chosen = [d for d in found if wanted(d)]
        if chosen:
            return chosen[0]
    return DateRef(published, WEEK, 0, 0, "", "publication date")


def resolve_expression(expression: str, published: date) -> tuple[date, str] | None:
    """``(date, precision)`` of a single expression ("late last week"), or None if unknown."""
    found = [d for d in find_dates(expression, published) if not d.weak]
    return (found[0].day, found[0].precision) if found else None
