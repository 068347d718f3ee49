"""Sentence splitting: offsets into the text as received, abbreviations kept whole."""

from __future__ import annotations

import pandas as pd

from geo.sentences import split_sentences

from .conftest import SEED_EVENTS


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_offsets_slice_the_original_text() -> None:
    text = "  First one. Second one!\n\nThird?  "
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text
    assert texts(text) == ["First one.", "Second one!", "Third?"]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = "Gov. Smith met Mr. J. Doe and U.S. officials. They left."
    assert texts(text) == ["Gov. Smith met Mr. J. Doe and U.S. officials.", "They left."]


def test_closing_quotes_stay_with_their_sentence() -> None:
    text = "He said, “We will fight.” “We are ready.” Then he left."
    assert texts(text) == ["He said, “We will fight.”", "“We are ready.”", "Then he left."]


def test_lowercase_after_ellipsis_or_period_continues() -> None:
    text = "Moscow agreed to “fundamentally… drawback activities.” Talks go on."
    assert texts(text) == ["Moscow agreed to “fundamentally… drawback activities.”", "Talks go on."]


def test_newlines_end_sentences_and_capital_lines_are_headings() -> None:
    sentences = split_sentences("BACK STORY\nA line without a period\nNext.")
    assert [s.text for s in sentences] == ["BACK STORY", "A line without a period", "Next."]
    assert [s.heading for s in sentences] == [True, False, False]


def test_every_curated_seed_span_is_one_of_our_sentences(seed_text: str) -> None:
    spans = {(s.start, s.end) for s in split_sentences(seed_text)}
    seed = pd.read_csv(SEED_EVENTS, dtype=str, keep_default_na=False)
    for row in seed.itertuples():
        assert (int(row.span_start), int(row.span_end)) in spans, row.event_id
