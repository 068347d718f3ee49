"""Articles on disk: their text and metadata, and the sentences events cite.

An article is ``ID.txt`` (UTF-8 text) beside ``ID.json`` (``published``,
``source``, ``source_url``, ``title``). Events point into it with
``article_id``, ``span_start`` and ``span_end``: the evidence for each dot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from geo.errors import DataError
from geo.files import read_text_file, write_atomic


@dataclass(frozen=True)
class Article:
    article_id: str
    text: str
    published: date | None
    source: str
    source_url: str
    title: str


def read_article(path: Path) -> Article:
    """One article from its .txt file, with metadata from the .json beside it if any."""
    text = read_text_file(path)
    meta: dict[str, str] = {}
    meta_path = path.with_suffix(".json")
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise DataError(f"{meta_path}: not valid JSON ({err}).") from err
    published = meta.get("published")
    try:
        when = date.fromisoformat(published) if published else None
    except ValueError as err:
        raise DataError(f"{meta_path}: 'published' must be YYYY-MM-DD, got {published!r}.") from err
    return Article(
        article_id=meta.get("article_id", path.stem),
        text=text,
        published=when,
        source=meta.get("source", ""),
        source_url=meta.get("source_url", ""),
        title=meta.get("title", ""),
    )


def write_article(folder: Path, article: Article) -> Path:
    """Keep an ingested article beside the others (text and metadata), atomically.

    The events extracted from it cite its sentences by offset, so the text is
    stored exactly as it was read.
    """
    folder.mkdir(parents=True, exist_ok=True)
    text_path = folder / f"{article.article_id}.txt"
    meta = {
        "article_id": article.article_id,
        "file": text_path.name,
        "published": article.published.isoformat() if article.published else "",
        "source": article.source,
        "source_url": article.source_url,
        "title": article.title,
    }
    write_atomic(text_path, article.text)
    write_atomic(text_path.with_suffix(".json"), json.dumps(meta, ensure_ascii=False, indent=2))
    return text_path


def read_articles(folder: Path) -> dict[str, Article]:
    """Every article in a folder, by id; an absent folder holds none."""
    if not folder.is_dir():
        return {}
    articles = (read_article(p) for p in sorted(folder.glob("*.txt")))
    return {a.article_id: a for a in articles}


def evidence(events: pd.DataFrame, articles: dict[str, Article]) -> pd.Series:
    """The sentence each event cites, or '' where the article or span is unknown."""

    def cite(article_id: object, start: object, end: object) -> str:
        article = articles.get(str(article_id)) if not pd.isna(article_id) else None
        if article is None or pd.isna(start) or pd.isna(end):
            return ""
        s, e = int(start), int(end)  # type: ignore[call-overload]
        if not 0 <= s < e <= len(article.text):
            return ""
        return article.text[s:e]

    cited = [
        cite(a, s, e)
        for a, s, e in zip(
            events["article_id"], events["span_start"], events["span_end"], strict=True
        )
    ]
    return pd.Series(cited, index=events.index, dtype="string")
