"""Fatalities written as text ("at least 5", "dozens", "unknown") read as numbers, honestly.

A count is read only where the text states one: a plain number, a lower
bound ("at least 5", "5+", "more than 5" -> 5), an approximation ("about 5"
-> 5), a range ("5-10" -> 5, the lower figure, as ACLED codes ranges) or a
number word ("three", "a dozen"). Vague words ("dozens", "several", "many")
and upper bounds ("up to 5") state no count, so the value is left empty.
Neither case is a rejection: the row loads, the text it gave is kept in the
event's notes, and the report says how many rows were read each way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.columns import stripped

_WORDS = {
    "no": 0,
    "none": 0,
    "nil": 0,
    "zero": 0,
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a dozen": 12,
    "dozen": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}
_NUMBER = r"(\d[\d,]*|" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + ")"
_HEDGE = (
    r"(?:at least|a minimum of|minimum|min\.?|more than|over|above|>=|>|≥|~|about|around|"
    r"approximately|approx\.?|roughly|some|circa|ca\.|c\.|an estimated|estimated|est\.?)"
)
_TAIL = r"(?:\+|\s*or more|\s*plus)?(?:\s+(?:people|persons|civilians|killed|dead|deaths|"
_TAIL += r"fatalities|casualties|reported|confirmed))*"
_STATED = re.compile(rf"^(?:{_HEDGE}\s*)?{_NUMBER}{_TAIL}$")
_RANGE = re.compile(rf"^(?:between\s+)?{_NUMBER}\s*(?:-|–|to|and)\s*{_NUMBER}{_TAIL}$")


@dataclass
class SeverityReading:
    """Counts as whole-number text ("" when none can be read), and what was done."""

    numbers: np.ndarray  # the counts as floats, NaN where none was stated
    given_as_text: pd.Series  # bool: the cell held text other than a plain count
    choices: list[str] = field(default_factory=list)

    @property
    def counts(self) -> pd.Series:
        """The counts as whole-number text: "5", or "" where none was stated."""
        text = pd.Series(self.numbers, index=self.given_as_text.index).astype("Int64")
        return text.astype("string").fillna("")


def read_fatalities(values: pd.Series, column: str = "fatalities") -> SeverityReading:
    """Read a column of fatality counts written as numbers or words."""
    text = stripped(values.fillna(""))
    codes, uniques = pd.factorize(text, sort=False)
    weights = np.bincount(codes, minlength=len(uniques)) if len(uniques) else np.zeros(0, int)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype="string")
    numbers = pd.to_numeric(u, errors="coerce")
    plain = numbers.notna() & (numbers >= 0) & (numbers % 1 == 0)
    out = pd.Series("", index=u.index, dtype="string")
    out[plain] = numbers[plain].astype("int64").astype("string")
    read_as_text = pd.Series(False, index=u.index)
    for i in u.index[~plain & (u != "")]:
        count = _read_text(str(u[i]).casefold())
        read_as_text[i] = True
        if count is not None:
            out[i] = str(count)
    got = read_as_text & (out != "")
    left = read_as_text & (out == "")
    choices = []
    if got.any():
        shown = ", ".join(f"{u[i]!r} → {out[i]}" for i in u.index[got][:3])
        choices.append(
            f"{int(weights[got.to_numpy()].sum())} {column} values written as text were read "
            f"as counts ({shown}; lower bounds and the low end of ranges)"
        )
    if left.any():
        shown = ", ".join(repr(u[i]) for i in u.index[left][:3])
        choices.append(
            f"{int(weights[left.to_numpy()].sum())} {column} values state no count "
            f"({shown}) and were left empty; the text is kept in the notes"
        )
    # As geo.events reads the text "5": the same floats, per distinct value.
    numbers = pd.to_numeric(out, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return SeverityReading(
        numbers=np.append(numbers, np.nan)[codes],
        given_as_text=pd.Series(read_as_text.to_numpy()[codes], index=values.index),
        choices=choices,
    )


def _read_text(text: str) -> int | None:
    """The count a phrase states, or None when it states none."""
    text = re.sub(r"\s+", " ", text).strip(" .")
    for pattern in (_STATED, _RANGE):
        match = pattern.match(text)
        if match:
            return _number(match.group(1))
    return None


def _number(token: str) -> int | None:
    if token in _WORDS:
        return _WORDS[token]
    digits = token.replace(",", "")
    return int(digits) if digits.isdigit() else None
