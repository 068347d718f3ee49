"""A view survives the trip through the address bar, and bad links never break the page."""

from __future__ import annotations

from datetime import date

from geo.permalink import DEFAULT_NEAR_KM, MapView, View

FULL = (date(2022, 3, 1), date(2022, 3, 29))


def as_query(params: dict[str, list[str] | str]) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in params.items()}


def test_every_part_of_a_view_round_trips() -> None:
    view = View(
        event_types=("Battles", "Protests"),
        actors=("Military Forces of Ukraine (2019-)",),
        places=("Irpin",),
        text="oil depot",
        start=date(2022, 3, 25),
        end=date(2022, 3, 28),
        near="Київ",
        near_km=40.0,
        event="seed-000-01",
        map_view=MapView(50.45, 30.52, 9),
        in_view=True,
    )
    assert View.from_params(as_query(view.to_params(FULL))) == view


def test_defaults_are_left_out_of_the_address() -> None:
    view = View(start=FULL[0], end=FULL[1], near_km=DEFAULT_NEAR_KM)
    assert view.to_params(FULL) == {}


def test_bad_values_are_dropped_and_named() -> None:
    view = View.from_params(
        {
            "from": ["2022-13-01"],
            "to": ["2022-03-02"],
            "km": ["-5"],
            "view": ["91,30,9"],
            "type": ["Battles", "Battles", ""],
        }
    )
    assert view.start is None and view.end is None
    assert view.near_km == DEFAULT_NEAR_KM and view.map_view is None
    assert view.event_types == ("Battles",)
    text = " ".join(view.problems)
    assert "from='2022-13-01'" in text and "km=-5" in text and "view='91,30,9'" in text


def test_a_backwards_range_is_ignored() -> None:
    view = View.from_params({"from": ["2022-03-20"], "to": ["2022-03-02"]})
    assert (view.start, view.end) == (None, None)
    assert view.problems
