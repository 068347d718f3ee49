"""The resolver on hand-made candidates: evidence order and abstention."""

from __future__ import annotations

from geo.gazetteer import Place
from geo.resolve import Evidence, bearing_deg, decide, prior


def town(gid: int, lat: float, lon: float, pop: int, admin1: str = "21", cc: str = "UA") -> Place:
    return Place(gid, f"T{gid}", lat, lon, cc, "", admin1, "city", pop, 0.0)


SUMY = town(692194, 50.917, 34.799, 256474, "21")
TROST_SUMY = town(691255, 50.485, 34.966, 19544, "21")
TROST_VINN = town(691264, 48.509, 29.227, 7584, "23")
UKRAINE = Place(690791, "Ukraine", 49.0, 31.0, "UA", "Ukraine", None, "country", 41_000_000, 700.0)
RIVNE_OBLAST = Place(695592, "Rivne", 50.8, 26.3, "UA", "Ukraine", "19", "admin1", 1_100_000, 80.0)
RIVNE_CITY = town(695594, 50.62, 26.24, 243873, "19")
RIVNE_VILLAGE = town(695365, 48.5, 32.0, 5296, "10")


def test_no_candidates_is_not_found() -> None:
    d = decide("Atlantis", [], Evidence())
    assert d.chosen is None and "no place" in d.reason


def test_similar_namesakes_abstain_without_evidence() -> None:
    d = decide("Trostyanets", [TROST_SUMY, TROST_VINN], Evidence())
    assert d.chosen is None
    assert d.precision is None
    assert "abstained" in d.reason and "Trostyanets" in d.reason
    assert set(d.ranked) == {0, 1}


def test_anchor_with_direction_is_hard_evidence() -> None:
    ev = Evidence(anchor=SUMY, direction="south")
    d = decide("Trostyanets", [TROST_VINN, TROST_SUMY], ev)
    assert d.chosen == 1 and d.precision == 1
    assert "south of" in d.reason
    # The wrong direction rules the only nearby namesake out: abstain, never guess.
    d = decide("Trostyanets", [TROST_VINN, TROST_SUMY], Evidence(anchor=SUMY, direction="north"))
    assert d.chosen is None


def test_a_stated_distance_rules_out_namesakes_too_near_or_too_far() -> None:
    zaporizhzhia = town(687700, 47.823, 35.190, 710_052, "26")
    front = town(706967, 47.51, 35.40, 2054, "26")  # 40 km, south-southeast
    upriver = town(706966, 47.59, 34.49, 2563, "04")  # 58 km, southwest
    # The direction alone admits both, and the two are of a size: abstain.
    ev = Evidence(anchor=zaporizhzhia, direction="south")
    assert decide("Kamianske", [upriver, front], ev).chosen is None
    ev = Evidence(anchor=zaporizhzhia, direction="south", distance_km=30.0)
    d = decide("Kamianske", [upriver, front], ev)
    assert d.chosen == 1 and "30 km south of" in d.reason
    # No namesake lies about 140 km south: abstain rather than take a near one.
    ev = Evidence(anchor=zaporizhzhia, direction="south", distance_km=140.0)
    assert decide("Kamianske", [upriver, front], ev).chosen is None


def test_a_direction_from_a_town_named_before_parts_namesakes() -> None:
    balakliia = town(712451, 49.462, 36.858, 26_921, "07")
    kupiansk = town(712165, 49.710, 37.616, 27_169, "07")
    north = town(689969, 49.497, 36.842, 3507, "07")  # 4 km north of Balakliia
    west = town(690009, 49.604, 35.549, 3377, "07")  # 95 km west of it
    ev = Evidence(direction="north", towns=(balakliia, kupiansk))
    d = decide("Verbivka", [west, north], ev)
    assert d.chosen == 1 and "north of a town named before it" in d.reason
    # A direction no namesake fits from any of them is not read: the
    # namesakes are as alike as without it.
    ev = Evidence(direction="north", towns=(kupiansk,))
    assert decide("Verbivka", [west, north], ev).chosen is None


def test_a_distance_from_a_town_named_before_parts_namesakes() -> None:
    # "Oleksandrivka, a settlement 15 km upriver": 21 namesakes, one 15 km
    # from the dateline's Voznesensk.
    voznesensk = town(688860, 47.565, 31.333, 36_000, "17")
    near = town(713658, 47.690, 31.278, 5_200, "17")  # 15 km
    big = town(698627, 48.968, 32.240, 8_464, "10")  # 170 km
    d = decide("Oleksandrivka", [big, near], Evidence(distance_km=15.0, towns=(voznesensk,)))
    assert d.chosen == 1 and "15 km from a town named before it" in d.reason
    # Without the distance the larger namesake leads.
    assert decide("Oleksandrivka", [big, near], Evidence(towns=(voznesensk,))).chosen != 1
    # A distance that no namesake fits is not read.
    ev = Evidence(distance_km=60.0, towns=(voznesensk,))
    assert decide("Oleksandrivka", [big, near], ev).chosen != 1


def test_a_namesake_beside_a_town_of_the_sentence() -> None:
    from geo.resolve import beside_a_town

    bakhmut = town(713174, 48.594, 37.999, 73_212, "05")
    edge = town(810695, 48.567, 38.028, 1983, "05")  # 4 km
    avdiivka_side = town(9113127, 48.10, 37.78, 755, "05")  # 57 km
    hit = beside_a_town([avdiivka_side, edge], [bakhmut])
    assert hit is not None and hit[0] == 1 and hit[1] is bakhmut and hit[2] < 5
    # The other namesake not far enough: no choice.
    near_too = town(1, 48.80, 38.10, 900, "05")  # 24 km
    assert beside_a_town([near_too, edge], [bakhmut]) is None
    # A sentence about places far apart ("Perth, Dundee and Stirling") decides nothing.
    dundee = town(2650752, 56.46, -2.97, 147_268, "SCT", "GB")
    assert beside_a_town([avdiivka_side, edge], [bakhmut, dundee]) is None


def test_a_stated_distance_prefers_the_namesake_that_fits_it_closely() -> None:
    bakhmut = town(713174, 48.594, 37.999, 73_212, "05")
    near = town(687468, 48.526, 38.068, 1162, "05")  # 9 km southeast
    south = town(687470, 48.394, 38.026, 3995, "05")  # 22 km south
    ev = Evidence(anchor=bakhmut, direction="southeast", distance_km=9.0)
    assert decide("Zaitseve", [south, near], ev).chosen == 1
    odesa = town(698740, 46.486, 30.744, 1_015_826, "17")
    resort = town(694467, 46.025, 30.368, 5343, "17")  # 59 km southwest
    farther = town(694468, 46.001, 29.958, 1420, "17")  # 81 km southwest
    ev = Evidence(anchor=odesa, direction="southwest", distance_km=60.0)
    d = decide("Serhiivka", [farther, resort], ev)
    assert d.chosen == 1 and d.ranked == (1,)
    # Without a figure, direction alone keeps both, and their sizes are close.
    ev = Evidence(anchor=odesa, direction="southwest")
    assert decide("Serhiivka", [farther, resort], ev).chosen is None


def test_a_country_name_means_the_country_not_its_town_known_by_it() -> None:
    mexico = Place(3996063, "Mexico", 19.43, -99.13, "MX", "Mexico", None, "country", 126e6, 900.0)
    capital = Place(3530597, "Mexico City", 19.43, -99.13, "MX", "Mexico", "09", "city", 12e6, 0.0)
    mazatlan = town(3996322, 23.23, -106.42, 441_975, "25", "MX")
    # Even with the capital named elsewhere in the text (it agrees with itself).
    ev = Evidence(context=(capital, mazatlan), capitals=frozenset({1}))
    assert decide("Mexico", [mexico, capital], ev).chosen == 0
    assert decide("Mexico", [capital, mexico], Evidence(capitals=frozenset({0}))).chosen == 1


def test_the_village_of_x_is_no_city_of_millions() -> None:
    nyc = town(5128581, 40.71, -74.01, 8_804_190, "NY", "US")
    village = town(699751, 48.32, 37.84, 9735, "05")
    toretsk = town(698131, 48.40, 37.85, 30_914, "05")
    ev = Evidence(cue="village", context=(toretsk,))
    d = decide("New York", [nyc, village], ev)
    assert d.chosen == 1 and "named as a village" in d.reason
    # "the city of New York" and a bare name keep the city's prominence.
    assert decide("New York", [nyc, village], Evidence(cue="city", context=(toretsk,))).chosen != 1


def test_one_town_filed_twice_is_no_choice() -> None:
    lexington = town(4297983, 37.988, -84.478, 320_347, "KY", "US")
    fayette = town(4297999, 38.049, -84.500, 314_488, "KY", "US")  # 7 km away
    other = town(4941720, 42.443, -71.226, 33_340, "MA", "US")
    d = decide("Lexington", [fayette, lexington, other], Evidence())
    assert d.chosen == 1 and "within 10 km" not in d.reason
    d = decide("Lexington", [fayette, lexington], Evidence())
    assert d.chosen == 1 and "within 10 km" in d.reason
    # Two namesakes 60 km apart are two places: abstain.
    far = town(1, 38.5, -84.2, 314_488, "KY", "US")
    assert decide("Lexington", [far, lexington], Evidence()).chosen is None


def test_a_town_of_unknown_population_counts_as_the_smallest_town() -> None:
    # GeoNames gives Ariha in Idlib no population; "Ariha" is also an Arabic
    # name of Jericho (20,000), matched only as an unlike alternate.
    idlib = Place(None, "Idlib", 35.9, 36.6, "SY", "Syria", "11", "admin1", 1_500_000, 60.0)
    ariha = town(173_000, 35.81, 36.61, 0, "11", "SY")
    jericho = town(284_899, 31.87, 35.44, 20_300, "PS", "PS")
    assert prior(ariha) == prior(town(1, 0.0, 0.0, 500))
    ev = Evidence(context=(idlib,), alternates=frozenset({1}))
    assert decide("Ariha", [ariha, jericho], ev).chosen == 0
    # Without the text's help the alternate still leads, by less than the margin.
    assert decide("Ariha", [ariha, jericho], Evidence(alternates=frozenset({1}))).chosen is None


def test_context_agreement_breaks_a_tie() -> None:
    d = decide("Trostyanets", [TROST_VINN, TROST_SUMY], Evidence(context=(SUMY,)))
    assert d.chosen == 1
    assert "T692194" in d.reason


def test_parent_country_filters_out_foreign_namesakes() -> None:
    moscow_ru = town(524901, 55.75, 37.62, 10_000_000, "48", "RU")
    moscow_ua = town(1, 49.0, 30.0, 500, "23", "UA")
    d = decide("Moscow", [moscow_ru, moscow_ua], Evidence(parent=UKRAINE))
    assert d.chosen == 1


def test_region_cue_picks_the_unit_and_precision_three() -> None:
    cands = [RIVNE_CITY, RIVNE_OBLAST, RIVNE_VILLAGE]
    d = decide("Rivne", cands, Evidence(cue="admin"))
    assert d.chosen == 1 and d.precision == 3


def test_bare_name_prefers_the_town_over_its_own_unit() -> None:
    d = decide("Rivne", [RIVNE_OBLAST, RIVNE_CITY, RIVNE_VILLAGE], Evidence())
    assert d.chosen == 1 and d.precision == 1


def test_near_gives_precision_two() -> None:
    d = decide("Sumy", [SUMY], Evidence(near=True))
    assert d.chosen == 0 and d.precision == 2


def test_prominence_order() -> None:
    assert prior(UKRAINE) > prior(RIVNE_CITY) > prior(RIVNE_VILLAGE)
    assert prior(RIVNE_CITY, is_capital=True) > prior(RIVNE_CITY)


def test_bearing() -> None:
    assert abs(bearing_deg(50.0, 30.0, 51.0, 30.0) - 0.0) < 1
    assert abs(bearing_deg(50.0, 30.0, 50.0, 31.0) - 90.0) < 1
    assert (
        abs(
            bearing_deg(SUMY.latitude, SUMY.longitude, TROST_SUMY.latitude, TROST_SUMY.longitude)
            - 165
        )
        < 15
    )


def test_an_admin_unit_holding_the_texts_towns_beats_a_namesake_country() -> None:
    georgia_state = Place(
        4197000, "Georgia", 32.7, -83.4, "US", "", "GA", "admin1", 4_835_606, 300.0
    )
    georgia = Place(614540, "Georgia", 41.7, 44.8, "GE", "", None, "country", 3_704_500, 200.0)
    atlanta = town(4180439, 33.75, -84.39, 510_823, "GA", "US")
    d = decide("Georgia", [georgia, georgia_state], Evidence())
    assert d.chosen == 0  # alone, the country
    d = decide("Georgia", [georgia, georgia_state], Evidence(context=(atlanta,)))
    assert d.chosen == 1 and "holds" in d.reason


def test_a_village_near_a_place_of_its_own_admin1_beats_a_namesake_further_off() -> None:
    # Novofedorivka 5 km from Saky, both in Crimea, against its namesake of the
    # same size 150 km away in Kherson oblast: proximity inside one unit decides.
    saky = town(694910, 45.13, 33.58, 23000, "11")
    near = town(7039154, 45.10, 33.57, 5651, "11")
    far = town(2, 46.42, 33.50, 5620, "08")
    d = decide("Novofedorivka", [far, near], Evidence(context=(saky,)))
    assert d.chosen == 1 and "km from" in d.reason
    # Only regional reach inside the unit is weaker: no decision at equal size.
    regional = town(3, 46.40, 33.60, 5651, "11")  # same unit, ~140 km
    d = decide("Novofedorivka", [far, regional], Evidence(context=(saky,)))
    assert d.chosen is None


def test_more_towns_of_the_same_admin1_nearby_weigh_more() -> None:
    # "WINDSOR, N.S. ... from Yarmouth to Truro ... Kentville": the Truro of
    # Nova Scotia (13,000) against the Truro of Cornwall (23,000), which the
    # text's Great Yarmouth (England, still undecided) supports a little.
    nova_scotia = town(6324729, 45.366, -63.265, 12_954, "07", "CA")
    cornwall = town(2635412, 50.263, -5.051, 23_041, "ENG", "GB")
    windsor = town(6182958, 44.990, -64.134, 3_864, "07", "CA")
    wolfville = town(6185377, 45.090, -64.364, 3_772, "07", "CA")
    kentville = town(5992144, 45.077, -64.495, 6_094, "07", "CA")
    yarmouth = town(2647984, 52.608, 1.729, 63_434, "ENG", "GB")
    for fellows, chosen in (([windsor], None), ([windsor, wolfville, kentville], 0)):
        ev = Evidence(context=fellows, weak_context=[yarmouth])
        d = decide("Truro", [nova_scotia, cornwall], ev)
        assert d.chosen == chosen, (len(fellows), d.reason)
    # Fellows further than REGIONAL_KM away add nothing.
    far = [town(6, 47.0, -60.0, 1000, "07", "CA"), town(7, 47.1, -60.1, 1000, "07", "CA")]
    ev = Evidence(context=[windsor, *far], weak_context=[yarmouth])
    assert decide("Truro", [nova_scotia, cornwall], ev).chosen is None


def test_a_namesake_among_the_towns_listed_with_it() -> None:
    from geo.resolve import among_listed

    tyler = town(4738214, 32.351, -95.301, 104_798, "TX", "US")
    longview = town(4707814, 32.500, -94.740, 81_638, "TX", "US")
    texas = town(4671545, 32.205, -95.855, 12_788, "TX", "US")  # Athens, 55 km from Tyler
    greece = town(264371, 37.984, 23.728, 664_046, "ESYE31", "GR")
    georgia = town(4180386, 33.961, -83.378, 115_452, "GA", "US")  # 1,200 km off
    assert among_listed([greece, texas], [tyler, longview]) == (
        1,
        "within 110 km of every town listed with it",
    )
    # Both leading namesakes in reach, or the other too near: no answer.
    assert among_listed([texas, georgia], [tyler, georgia]) is None
    assert among_listed([greece, texas], [tyler, greece]) is None
    # Nearer: within 60 km of each, the other 120 km or more from all.
    voznesensk = town(688860, 47.565, 31.333, 36_000, "17")
    near = town(1, 47.870, 31.580, 5_164, "17")  # 39 km
    far = town(2, 46.950, 32.960, 4_953, "17")  # 140 km
    assert among_listed([far, near], [voznesensk]) == (
        1,
        "within 39 km of every town listed with it",
    )
    # Units listed with units: "crews from Arizona and Nevada".
    arizona = Place(5551752, "Arizona", 34.2, -111.6, "US", "", "AZ", "admin1", 7_000_000, 0.0)
    nevada = Place(5509151, "Nevada", 38.5, -117.0, "US", "", "NV", "admin1", 2_700_000, 0.0)
    nevada_city = town(5376502, 39.26, -121.02, 3_152, "CA", "US")
    assert among_listed([nevada_city, nevada], [arizona]) == (
        1,
        "listed with other states or provinces",
    )
    assert among_listed([nevada_city, nevada], [arizona, greece]) is None


def test_the_context_index_scores_as_the_plain_loop_does() -> None:
    """Context (the index a text's passes use) and the plain loop over the same
    places must give every candidate the same points, or a name would resolve
    differently in places() and in geocode(name, context=...)."""
    import random

    from geo.resolve import Context, _context_points

    rng = random.Random(20261204)
    for _ in range(300):
        entries = []
        for k in range(rng.randint(0, 40)):
            cc = rng.choice(["UA", "RU", "US"])
            lat, lon = 48 + rng.uniform(-3, 3), 33 + rng.uniform(-4, 4)
            feature = rng.choice(["city", "city", "city", "admin1", "country"])
            admin1 = None if feature == "country" else rng.choice(["01", "02", "03"])
            place = Place(k, f"P{k}", lat, lon, cc, "", admin1, feature, 1000, 0.0)
            entries.append((f"key{rng.randint(0, 15)}", place))
        # A town's entries under one key the way a text files them: distinct places.
        entries = list({(key, p.geonameid): (key, p) for key, p in entries}.values())
        index = Context.build(entries)
        for _ in range(5):
            lat, lon = 48 + rng.uniform(-3, 3), 33 + rng.uniform(-4, 4)
            cand = town(10_000, lat, lon, 500, rng.choice(["01", "02"]), rng.choice(["UA", "RU"]))
            exclude = f"key{rng.randint(0, 15)}"
            plain = [p for key, p in entries if key != exclude]
            assert index.without(exclude).points(cand)[0] == _context_points(cand, plain)[0]
