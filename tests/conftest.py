"""Shared fixtures: the seed files, and a gazetteer cache that never touches the user's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEED_EVENTS = DATA / "events.csv"
SEED_ARTICLE = DATA / "articles" / "000_45894fdbe1c545f1.txt"


@pytest.fixture(scope="session", autouse=True)
def gazetteer_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Build the gazetteer index once per test session, in a temporary folder."""
    cache = tmp_path_factory.mktemp("newsmap-cache")
    old = os.environ.get("NEWSMAP_CACHE_DIR")
    os.environ["NEWSMAP_CACHE_DIR"] = str(cache)
    yield cache
    if old is None:
        os.environ.pop("NEWSMAP_CACHE_DIR", None)
    else:
        os.environ["NEWSMAP_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def gazetteer(gazetteer_cache: Path) -> Iterator[Any]:
    """The offline gazetteer, opened once per test session (on the session's index)."""
    from geo.gazetteer import Gazetteer

    with Gazetteer.open() as opened:
        yield opened


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright, one per test session. Missing is a failure."""
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_ARTICLE.read_text(encoding="utf-8")


BAD_ROWS_CSV = """event_id,event_date,event_type,location,latitude,longitude,notes
good-1,2022-03-28,Battles,Irpin,50.52201,30.24037,fine
bad-date,28/03/2022,Battles,Irpin,50.52201,30.24037,day first
bad-lat,2022-03-28,Battles,Nowhere,95,30.2,too far north
good-1,2022-03-29,Battles,Kyiv,50.45466,30.5238,same id again
good-2,2022-03-29,Strategic developments,Kyiv,50.45466,30.5238,also fine
"""
"""Five rows: two good, and one each with a bad date, latitude 95 and a duplicate id."""


@pytest.fixture
def bad_events_file(tmp_path: Path) -> Path:
    path = tmp_path / "messy events.csv"
    path.write_text(BAD_ROWS_CSV, encoding="utf-8")
    return path
