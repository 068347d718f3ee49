"""Where an event came from, and putting a wrong dot right.

``provenance`` gathers what a reviewer needs to judge one event: the article
and the sentence it cites, the source link, the gazetteer entry the place was
resolved to and the namesakes it beat. ``relocate`` and ``unplace`` apply a
reviewer's correction to the events table, keeping every other field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from geo.articles import Article
from geo.columns import cell_text
from geo.gazetteer import Gazetteer, Place

_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)


def location_name(place: Place) -> str:
    """How an event names its place: an admin-1 unit reads as "X region"."""
    if place.feature == "admin1" and not re.search(r"\b(?:oblast|region)\b", place.name, re.I):
        return f"{place.name} region"
    return place.name


def precision_of(place: Place) -> int:
    """ACLED geo_precision for an event placed at the place itself."""
    return 1 if place.feature == "city" else 3


@dataclass(frozen=True)
class Provenance:
    """What a reviewer sees for one event."""

    event_id: str
    article: Article | None
    span: tuple[int, int] | None
    source: str
    source_url: str  # http(s) only; anything else is dropped rather than linked
    place: Place | None  # the gazetteer entry the event is placed at, if known
    alternatives: tuple[Place, ...]  # other places of the same name
    reason: str  # why the gazetteer chose (or did not choose) a place

    def passage(self) -> tuple[str, str, str]:
        """The article split around the cited sentence: (before, sentence, after)."""
        if self.article is None:
            return "", "", ""
        text = self.article.text
        if self.span is None:
            return text, "", ""
        start, end = self.span
        return text[:start], text[start:end], text[end:]


def _int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload, arg-type]


def provenance(
    event: Mapping[str, object], articles: Mapping[str, Article], gazetteer: Gazetteer | None
) -> Provenance:
    """The evidence behind one event (a row of the events table)."""
    article = articles.get(cell_text(event.get("article_id")))
    start, end = _int(event.get("span_start")), _int(event.get("span_end"))
    span: tuple[int, int] | None = None
    if article is not None and start is not None and end is not None:
        span = (start, end) if 0 <= start < end <= len(article.text) else None
    url = cell_text(event.get("source_url"))
    place: Place | None = None
    alternatives: tuple[Place, ...] = ()
    reason = "no gazetteer available"
    gid = _int(event.get("geonameid"))
    name = cell_text(event.get("location"))
    if gazetteer is not None:
        if gid is not None:
            place = gazetteer.by_id(gid)
        reason = "placed by its GeoNames id" if place is not None else ""
        if name:
            resolution = gazetteer.geocode(name, context=article.text if article else None)
            if place is None and gid is None and resolution.place is not None:
                same_point = (
                    abs(resolution.place.latitude - _float(event.get("latitude"))) < 0.01
                    and abs(resolution.place.longitude - _float(event.get("longitude"))) < 0.01
                )
                place = resolution.place if same_point else None
            reason = resolution.reason or reason
            chosen = place.geonameid if place is not None else None
            others = [p for p in gazetteer.candidates(name) if p.geonameid != chosen]
            alternatives = tuple(others[:8])
    return Provenance(
        event_id=cell_text(event.get("event_id")),
        article=article,
        span=span,
        source=cell_text(event.get("source")),
        source_url=url if _SAFE_URL.match(url) else "",
        place=place,
        alternatives=alternatives,
        reason=reason,
    )


def _float(value: object) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _row_of(events: pd.DataFrame, event_id: str) -> pd.Index:
    hit = events.index[events["event_id"].astype("string") == event_id]
    if len(hit) == 0:
        raise KeyError(f"no event with event_id {event_id!r}")
    return hit


def relocate(
    events: pd.DataFrame, event_id: str, place: Place, geo_precision: int | None = None
) -> pd.DataFrame:
    """A copy of the table with that event moved to the place (a reviewer's correction)."""
    rows = _row_of(events, event_id)
    fixed = events.copy()
    fixed.loc[rows, "location"] = location_name(place)
    fixed.loc[rows, "admin1"] = (place.admin1 or "") if place.feature == "city" else ""
    fixed.loc[rows, "country"] = place.country_name
    fixed.loc[rows, "latitude"] = round(place.latitude, 5)
    fixed.loc[rows, "longitude"] = round(place.longitude, 5)
    fixed.loc[rows, "geonameid"] = place.geonameid
    fixed.loc[rows, "geo_precision"] = geo_precision or precision_of(place)
    fixed.loc[rows, "unplaced_reason"] = pd.NA
    return fixed


def unplace(events: pd.DataFrame, event_id: str, reason: str) -> pd.DataFrame:
    """A copy of the table with that event taken off the map; it stays in the table."""
    rows = _row_of(events, event_id)
    fixed = events.copy()
    for column in ("latitude", "longitude", "geonameid", "geo_precision"):
        fixed.loc[rows, column] = pd.NA
    fixed.loc[rows, "unplaced_reason"] = reason
    return fixed


def regeocode(
    events: pd.DataFrame, names: pd.Series, gazetteer: Gazetteer, context: str | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Place again each event whose location the reviewer retyped, and say what happened.

    ``names`` holds the reviewed location of each row, in the table's order. A
    name the gazetteer settles (with the article as context: "Rivne region",
    "Rivne, Ukraine") moves the event; one it cannot settle keeps the event, off
    the map, with the gazetteer's reason.
    """
    notes = []
    for event_id, before, after in zip(
        events["event_id"].astype(str), events["location"], names, strict=True
    ):
        typed = cell_text(after).strip()
        if not typed or typed == cell_text(before):
            continue
        answer = gazetteer.geocode(typed, context=context)
        if answer.place is None:
            events = unplace(events, event_id, answer.reason or f"{typed!r} not resolved")
            events.loc[events["event_id"] == event_id, "location"] = typed
            notes.append(f"{typed!r}: not placed. {answer.reason}")
        else:
            events = relocate(events, event_id, answer.place, answer.precision)
            notes.append(
                f"{typed!r}: placed at {answer.place.name} (GeoNames {answer.place.geonameid})."
            )
    return events, notes
