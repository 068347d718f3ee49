"""Sentence splitting with character offsets into the original text.

Events cite the sentence that reports them (``span_start``/``span_end``), so a
sentence must be a slice of the article exactly as received: no normalising,
no re-joining. Rules, in order:

- a newline always ends a sentence (wire copy puts one paragraph per line);
- ``.``, ``!``, ``?`` or ``…``, with any closing quotes or brackets after it,
  ends a sentence when whitespace and then a capital, a digit or an opening
  quote follow;
- except after a known abbreviation (``Mr.``, ``Gov.``, ``U.S.``) or a single
  initial (``J. Smith``);
- a short line in capitals ("BACK STORY") is a sentence of its own, flagged
  ``heading`` so that callers can skip it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "gov", "gen", "lt", "col", "maj", "capt", "sgt",
        "cpl", "adm", "cmdr", "sen", "rep", "rev", "st", "jr", "sr", "no", "nos", "vs",
        "approx", "dept", "est", "fig", "inc", "corp", "co", "ltd", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft",
        "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "d.c", "i.e", "e.g",
    }
)  # fmt: skip
"""Words (lower case, without the final period) after which a period ends nothing."""

_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9\u0400-\u042f])")
_WORD_BEFORE = re.compile(r"([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)$")
_LINE = re.compile(r"[^\n]+")
_HEADING_MAX_WORDS = 8


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text == article[start:end]``."""

    start: int
    end: int
    text: str
    heading: bool = False


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of ``text`` in order, as offsets into it.

    Leading and trailing whitespace is outside the spans; empty lines yield
    nothing.
    """
    return list(_iter_sentences(text))


def _iter_sentences(text: str) -> Iterator[Sentence]:
    for line in _LINE.finditer(text):
        base = line.start()
        body = line.group()
        if is_heading(body):
            yield from _trimmed(text, base, base + len(body), heading=True)
            continue
        begin = 0
        for end in _END.finditer(body):
            if _is_abbreviation(body, end.start(), end.group()):
                continue
            yield from _trimmed(text, base + begin, base + end.end())
            begin = end.end()
        yield from _trimmed(text, base + begin, base + len(body))


def is_heading(line: str) -> bool:
    """A short line with letters, all in capitals and no final period ("BACK STORY")."""
    stripped = line.strip()
    letters = [c for c in stripped if c.isalpha()]
    return (
        bool(letters)
        and all(c.isupper() for c in letters)
        and len(stripped.split()) <= _HEADING_MAX_WORDS
        and not stripped.endswith(".")
    )


def _is_abbreviation(body: str, at: int, mark: str) -> bool:
    """True when the period at ``at`` closes an abbreviation or an initial."""
    if not mark.startswith(".") or len(mark.rstrip("\"'”’)]")) > 1:
        return False
    word = _WORD_BEFORE.search(body, 0, at)
    if word is None:
        return False
    token = word.group(1)
    if len(token) == 1 and token.isupper():
        return True  # an initial: "J. Smith"
    return token.lower() in ABBREVIATIONS


def _trimmed(text: str, start: int, end: int, heading: bool = False) -> Iterator[Sentence]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield Sentence(start, end, text[start:end], heading)
