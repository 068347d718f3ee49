"""Find candidate place mentions in running text (pure functions).

The recogniser knows no places itself: it is handed a ``classify`` function
that says whether a folded key is a place name, a demonym, a stop word or
nothing. It works on runs of capitalised words, tries the longest known name
first, and applies the rules that keep person and organisation names out
("Vladimir Putin", "President Vladimir", "BACK STORY"). It also reads the cues
around a name that the resolver treats as evidence: "X region", "the city of
X", "X, Ukraine", "X in eastern Ukraine", "Ukraine's X", "south of X",
"near X".
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Container
from typing import Literal, NamedTuple

from geo.names import APOSTROPHES, HYPHENS, fold

Kind = Literal["place", "demonym", "stop"]
Classify = Callable[[str], "Kind | None"]

MAX_NAME_TOKENS = 5

_LETTER = r"[^\W\d_]"
# A word: letters joined by internal hyphens or apostrophes ("Ivano-Frankivsk",
# "Ukraine’s"), or an initialism with periods ("U.S.").
_WORD = re.compile(rf"(?:{_LETTER}\.){{2,}}|{_LETTER}+(?:[{HYPHENS}{APOSTROPHES}]{_LETTER}+)*")

# Lower-case words allowed inside a multi-word name ("Bosnia and Herzegovina").
CONNECTORS = frozenset(
    [
        "of",
        "and",
        "de",
        "del",
        "della",
        "di",
        "da",
        "do",  # "Rio Grande do Sul", "Angra dos Reis", "Vitória das Missões"
        "dos",
        "das",
        "la",
        "le",
        "les",
        "el",
        "al",
        "am",
        "an",
        "der",
        "den",
        "sur",
        "upon",
        "on",
        "au",
        "aux",
        "du",
        "des",
    ]
)
# Abbreviated titles, written with a period before a name ("Sen. Graham", "Mr.
# Washington"): never a place themselves (GeoNames spells Senj "Sen", Brig is
# a Swiss town), and the name after one is a person.
TITLE_ABBREVIATIONS = frozenset(
    ["sen", "sens", "rep", "reps", "gov", "govs", "gen", "gens", "lt", "col", "maj", "capt",
     "sgt", "adm", "cmdr", "brig", "cpl", "pvt", "dr", "prof", "rev", "mr", "mrs", "ms",
     "messrs", "msgr", "fr", "atty", "supt", "det", "insp", "hon", "amb", "pres", "sec",
     "cllr", "rt"]
)  # fmt: skip
# Verbs of saying right after a one-word name: the name is a speaker, which a
# place is only as a country, a capital or a big city standing for its
# government ("Moscow said"), never a small town ("Stoltenberg said").
SPEECH_VERBS = frozenset(
    ["said", "says", "told", "tells", "added", "wrote", "writes", "tweeted", "posted",
     "announced", "warned", "insisted", "argued", "claimed", "explained", "noted",
     "replied", "admitted", "acknowledged", "stressed", "reported", "reports", "quoted",
     "cited", "asked", "urged"]
)  # fmt: skip
# Abbreviations after a name ("King Jr."): never a place either.
_NAME_SUFFIXES = frozenset(["jr", "sr"])
# Words after a name that ask for the administrative unit, not the town.
ADMIN_CUES = frozenset(
    [
        "region",
        "regions",
        "oblast",
        "oblasts",
        "province",
        "provinces",
        "governorate",
        "voblast",
        "state",
    ]
)
# Capitalised words that may follow a place without making it part of a
# longer proper name ("Kyiv Mayor Vitali Klitschko", "Sumy Oblast").
# Also an office or party whose holder the place qualifies ("Oregon Gov. Kate
# Brown", "the Ohio Republican") and the place's own police.
PLACE_FOLLOWERS = ADMIN_CUES | frozenset(
    ["mayor", "governor", "city", "region", "oblast", "province", "district", "raion", "airport",
     "gov", "sen", "rep", "senator", "congressman", "congresswoman", "attorney", "lt",
     "republican", "republicans", "democrat", "democrats", "police", "borough", "council",
     "town"]
)  # fmt: skip
# Titles: a name right after one of these is a person's ("President Vladimir").
TITLES = frozenset(
    [
        "president",
        "minister",
        "secretary",
        "senator",
        "sen",
        "rep",
        "representative",
        "governor",
        "mayor",
        "general",
        "gen",
        "colonel",
        "col",
        "captain",
        "capt",
        "major",
        "maj",
        "admiral",
        "adm",
        "marshal",
        "sergeant",
        "sgt",
        "lieutenant",
        "lt",
        "commander",
        "cmdr",
        "chief",
        "deputy",
        "ambassador",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "patriarch",
        "metropolitan",
        "bishop",
        "archbishop",
        "father",
        "rev",
        "judge",
        "justice",
        "officer",
        "professor",
        "prof",
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "sir",
        "lady",
        "lord",
        "dame",
        "sheikh",
        "emir",
        "ayatollah",
        "premier",
        "premiere",
        "chairman",
        "chairwoman",
        "director",
        "head",
        "leader",
        "saint",
    ]
)
# Adjectives that may precede a place inside a capitalised run ("Western Ukraine").
DIRECTION_ADJECTIVES = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "north-eastern",
        "north-western",
        "south-eastern",
        "south-western",
        "upper",
        "lower",
        "greater",
    ]
)
_DIR = r"(?:north|south|east|west)(?:[-\s]?(?:east|west))?"
_NEAR_BEFORE = re.compile(
    rf"\b(?:near|nearby|outside|around|close\s+to|outskirts\s+of|vicinity\s+of|{_DIR}\s+of)\s+(?:the\s+)?$",
    re.I,
)
# "The capital of X" names X's capital, so X is a country or a region ("the
# capital of Peru"); "the Ukrainian capital of Kyiv" and "the regional capital
# of Kherson" name the city.
_CITY_BEFORE = re.compile(
    r"(?:\b(?:city|town|village|settlement|suburb|port|hamlet)"
    r"|\b(?!(?:the|a|its|their)\s)[a-z]+\s+capital)\s+of\s+$",
    re.I,
)
# Words between "in" and a parent that say no more than where it is: "Lyman
# in neighbouring Donetsk province", "Melitopol in Russian-occupied southern
# Ukraine".
_PARENT_ADJECTIVE = (
    rf"(?:neighbou?ring|nearby|adjacent|occupied|restive|war-torn"
    rf"|(?:Russian|Ukrainian|rebel|government|Taliban|militant)[{HYPHENS}]"
    rf"(?:held|occupied|controlled|run))"
)
_IN_BEFORE_PARENT = re.compile(
    rf"^\s*(?:,\s*)?in\s+(?:the\s+)?(?:{_PARENT_ADJECTIVE}\s+)?(?:(?:{_DIR})(?:ern)?\s+|central\s+"
    rf"|(?:{_DIR}|centre|center)\s+of\s+(?:the\s+)?)?$",
    re.I,
)
_COMMA_BEFORE_PARENT = re.compile(r"^\s*,\s*$")
# "DONETSK, Russian-controlled Ukraine", "X, eastern Ukraine": a comma and a
# word that says which part or whose, before the parent.
_COMMA_QUALIFIED_PARENT = re.compile(
    rf"\s*,\s*(?:[A-Z][a-z]+[{HYPHENS}](?:controlled|occupied|held|annexed|run)"
    r"|occupied|annexed|(?:north|south)?(?:east|west)?ern|central)\s+",
    re.I,
)
_POSSESSIVE_GAP = re.compile(rf"[{APOSTROPHES}]s\s+")
_APOSTROPHE_SET = frozenset(APOSTROPHES)
# What an appositive between a place and its anchor calls it.
_SETTLEMENTS = r"(?:villages?|towns?|cit(?:y|ies)|hamlets?|settlements?|suburbs?|ports?)"
# "X, south of Y", "X in the east, south of Y", "X, a village 20 km east of Y",
# "X 30 miles north of Y": the direction follows the name at once or after a comma; "Victoria forced
# evacuations east of Melbourne" says where the evacuations were, not Victoria.
_ANCHOR_GAP = re.compile(
    rf"^(?P<gap>(?:\s+(?:in|on|at)\s+(?:the\s+)?{_LETTER}+)?\s*,[^.!?;]{{0,40}}?"
    # ... or after an appositive that says what the places are, which may run
    # longer: "Bohorodychne and Dolyna, villages strung along the banks of the
    # Siverskyi Donets about 20 km north of Sloviansk".
    rf"|\s*,\s*(?:(?:a|an|the|two|three|both)\s+)?(?:[^.!?;:,]{{0,30}}?\s)?"
    rf"{_SETTLEMENTS}\b[^.!?;]{{0,100}}?"
    rf"|\s+(?:(?:about|some|roughly|around)\s+)?"
    rf"(?:\d[\d.,]*\s*(?:km|kilometres|kilometers|miles)\s+)?)"
    rf"\b(?P<dir>{_DIR})(?:ern)?\s+of\s+(?:the\s+(?:city|town|village)\s+of\s+)?$",
    re.I,
)
# "X, just north of the town", "X, about 30 miles northeast of here": the town
# is one the text named before (a dateline's, for "here").
_THE_TOWN = re.compile(
    rf",\s*(?:(?:just|some|about|roughly|around)\s+)?"
    rf"(?:\d[\d.,]*\s*(?:km|kilometres|kilometers|miles)\s+)?"
    rf"(?P<dir>{_DIR})(?:ern)?\s+of\s+(?:the\s+(?:town|city|village)|here)\b",
    re.I,
)
# "X, a settlement 15 km upriver", "X, some 20 km away": a distance with no
# direction and no town named; the town is again one the text named before.
# Only words that measure from a town qualify: "a village 10 km from the
# front line" measures from no town.
_AWAY = (
    r"(?:away(?!\s+from)|upriver|downriver|upstream|downstream|(?:up|down)\s+the\s+road"
    r"|from\s+(?:here|there|the\s+(?:town|city|village)))\b"
)
# What opens a distance after a comma: an appositive that may say what the
# place is, and a hedge ("X, a settlement about 15 km", "X, some 25 km").
_DISTANCE_OPENING = (
    r",\s*(?:(?:a|an|the)\s+)?(?:[^.!?;:,\d]{0,30}?\s)?(?:" + _SETTLEMENTS + r"\s+)?"
    r"(?:(?:just|some|about|roughly|around|only)\s+)?"
    r"\d[\d.,]*\s*(?:km|kilometres|kilometers|miles)\s+"
)
_THE_TOWN_AWAY = re.compile(_DISTANCE_OPENING + _AWAY, re.I)
# The figure _DISTANCE_OPENING needs, looked for first: most commas after a
# place open a list, with no figure near.
_FIGURE = re.compile(r"\d")
# "Bucha, 25 km from Kyiv", "Posad-Pokrovske, a village 20 km from Kherson":
# an anchor with a distance and no direction.
_FROM_GAP = re.compile(
    rf"\s*{_DISTANCE_OPENING}(?:away\s+)?from\s+(?:the\s+(?:city|town|village)\s+of\s+)?$",
    re.I,
)
# The characters _THE_TOWN's words may begin with after the comma and a space
# ("just", "some", "about", "roughly", "around", a figure, a direction): most
# places followed by a comma are followed by another name, and skip the regex.
_THE_TOWN_STARTS = frozenset("jsarnewJSARNEW0123456789")
# A distance stated in an anchor's gap ("some 450 kilometres southeast of").
_STATED_DISTANCE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(km|kilomet(?:re|er)s|miles)\b", re.I)
# The farthest a place may lie from its anchor for the resolver to check the
# direction (resolve.ANCHOR_MAX_KM): a farther stated distance gives no anchor.
ANCHOR_REACH_KM = 150.0
# What follows a dateline's place: ", Ukraine (AP)", " (Reuters) —", " — ".
_DATELINE_AFTER = re.compile(rf"\s*(?:,|\(|[{HYPHENS}])")
_SEGMENT_BREAK = re.compile('[.!?\n:;"“”\u2013\u2014]')
_LAST_BREAK = re.compile(f"(?s:.*){_SEGMENT_BREAK.pattern}")  # match: ends after the last
# Words of four letters or more, by their first letter.
_LONG_WORD_HEAD = re.compile(r"([^\W\d_])[^\W\d_]{3,}")
# Lower-case words that may open a sentence before a place without being a
# first name ("Occupied Melitopol", "Downtown Kyiv"); most such words end in
# -ed, -ing or -ern.
ADJECTIVES = frozenset(
    ["downtown", "rural", "coastal", "frontline", "wartime", "prewar", "postwar", "suburban",
     "urban", "all", "historic", "ancient", "modern", "tiny", "remote", "neighbouring",
     "neighboring", "nearby", "southernmost", "northernmost", "easternmost", "westernmost"]
)  # fmt: skip
_ADJECTIVE_ENDINGS = ("ed", "ing", "ern")
# Plural cue words that apply to every name of a list: "the Rivne and Volyn regions".
PLURAL_CUES = frozenset(["regions", "oblasts", "provinces", "states"])
_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+)(?:the\s+)?$")


def listed_together(text: str, end: int, start: int) -> bool:
    """Whether the names ending at `end` and starting at `start` stand side by
    side in a list: "Tyler, Athens and Jacksonville"."""
    return start - end <= 8 and _LIST_GAP.match(text[end:start]) is not None


_UPPER = "".join(ch for ch in map(chr, [*range(0x41, 0x250), *range(0x400, 0x530)]) if ch.isupper())
# Words after a possessive place that make it the country, even where a person
# of that name was met: "Jordan's King Abdullah", "Georgia's border".
POSSESSED_BY_PLACES = frozenset(
    ["king", "queen", "emir", "president", "prime", "foreign", "government", "capital",
     "army", "military", "parliament", "border", "borders", "embassy", "ministry",
     "defence", "defense", "interior", "navy", "air", "central"]
)  # fmt: skip
# Words after a place that make it a physical feature's name ("the Dnipro river",
# "Kakhovka reservoir"), and heads of "X of <place>" names of features and
# organisations ("the Sea of Azov", "Bank of England", "University of Texas").
FEATURE_AFTER = frozenset(
    ["river", "rivers", "sea", "lake", "lakes", "ocean", "reservoir", "canal", "strait",
     "straits", "gulf", "mountains", "mountain", "estuary", "lagoon", "volcano", "glacier"]
)  # fmt: skip
# Words after a name that make it a group's or a thing's: "the Azov regiment",
# "Fano militiamen", "the Sinaloa cartel", "the Sudan strain of Ebola".
GROUP_AFTER = frozenset(
    ["regiment", "battalion", "brigade", "cartel", "militia", "militias", "militiamen",
     "tribe", "tribes", "tribesmen", "clan", "clans", "strain", "variant"]
)  # fmt: skip
# Words after a name that make it a weapon's ("Iskander missiles", "Grad
# rockets", "Shahed drones"), unless a word of attack follows them: "the Odesa
# missile strike" was on Odesa.
WEAPON_AFTER = frozenset(
    ["missile", "missiles", "rocket", "rockets", "launcher", "launchers", "drone", "drones",
     "shells", "howitzer", "howitzers", "system", "systems"]
)  # fmt: skip
_ATTACK_WORDS = frozenset(["strike", "strikes", "attack", "attacks", "barrage", "raid", "raids"])
# Words before a name that make it a feature's or a ship's ("the tanker
# Marbella", "the frigate Admiral Makarov").
FEATURE_BEFORE = frozenset(
    ["river", "lake", "mount", "mt", "tanker", "tankers", "freighter", "frigate", "cruiser",
     "destroyer", "corvette", "trawler", "yacht", "vessel", "ship"]
)  # fmt: skip
# Words that may stand between "River" and its name: "the River South Esk".
_FEATURE_QUALIFIERS = frozenset(
    ["north", "south", "east", "west", "upper", "lower", "little", "great"]
)
_FEATURE_ABBREVIATIONS = frozenset(["mt"])
# Set phrases that hold a place's name but mean no place: dishes, a breed,
# syndromes, treaties, a pact and a newspaper. By the name's key: the words
# that make it such a phrase, right before it and right after it.
IDIOMS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "kiev": (frozenset(["chicken"]), frozenset()),
    "kyiv": (frozenset(["chicken"]), frozenset()),
    "brussels": (frozenset(), frozenset(["sprout", "sprouts", "griffon"])),
    "buffalo": (frozenset(), frozenset(["wings", "wing", "mozzarella"])),
    "alaska": (frozenset(["baked"]), frozenset()),
    "jerusalem": (frozenset(), frozenset(["artichoke", "artichokes"])),
    "stockholm": (frozenset(), frozenset(["syndrome"])),
    "havana": (frozenset(), frozenset(["syndrome"])),
    "geneva": (frozenset(), frozenset(["convention", "conventions"])),
    "warsaw": (frozenset(), frozenset(["pact"])),
    "globe": (frozenset(), frozenset(["and"])),  # the Globe and Mail
    "budapest": (frozenset(), frozenset(["memorandum"])),
    "bombay": (frozenset(), frozenset(["duck", "mix", "sapphire"])),
    "dijon": (frozenset(), frozenset(["mustard"])),
    "cornish": (frozenset(), frozenset(["pasty", "pasties", "cream"])),
    "bakewell": (frozenset(), frozenset(["tart", "tarts", "pudding", "puddings"])),
    "eccles": (frozenset(), frozenset(["cake", "cakes"])),
    "yorkshire": (frozenset(), frozenset(["pudding", "puddings", "terrier", "terriers"])),
}
NAME_HEADS_BEFORE_OF = frozenset(
    ["sea", "gulf", "bay", "lake", "strait", "straits", "bank", "university", "college",
     "institute", "school", "academy", "museum", "church", "cathedral", "diocese",
     "archdiocese", "duke", "duchess", "earl", "council", "band", "club"]
)  # fmt: skip
# US state and Canadian province abbreviations in AP and Canadian Press style,
# as they follow a town: "Mobile, Ala.", "London, Ont.".
STATE_ABBREVIATIONS = {
    "Ala.": "alabama", "Ariz.": "arizona", "Ark.": "arkansas", "Calif.": "california",
    "Colo.": "colorado", "Conn.": "connecticut", "Del.": "delaware", "Fla.": "florida",
    "Ga.": "georgia", "Ill.": "illinois", "Ind.": "indiana", "Kan.": "kansas",
    "Ky.": "kentucky", "La.": "louisiana", "Md.": "maryland", "Mass.": "massachusetts",
    "Mich.": "michigan", "Minn.": "minnesota", "Miss.": "mississippi", "Mo.": "missouri",
    "Mont.": "montana", "Neb.": "nebraska", "Nev.": "nevada", "N.H.": "new hampshire",
    "N.J.": "new jersey", "N.M.": "new mexico", "N.Y.": "new york", "N.C.": "north carolina",
    "N.D.": "north dakota", "Okla.": "oklahoma", "Ore.": "oregon", "Pa.": "pennsylvania",
    "R.I.": "rhode island", "S.C.": "south carolina", "S.D.": "south dakota",
    "Tenn.": "tennessee", "Vt.": "vermont", "Va.": "virginia", "Wash.": "washington",
    "W.Va.": "west virginia", "Wis.": "wisconsin", "Wyo.": "wyoming",
    "Alta.": "alberta", "B.C.": "british columbia", "Man.": "manitoba",
    "N.B.": "new brunswick", "Nfld.": "newfoundland and labrador", "N.L.":
    "newfoundland and labrador", "N.S.": "nova scotia", "Ont.": "ontario",
    "P.E.I.": "prince edward island", "Que.": "quebec", "Sask.": "saskatchewan",
}  # fmt: skip
_STATE_AFTER = re.compile(
    r",[^\S\n]*("
    + "|".join(re.escape(a) for a in sorted(STATE_ABBREVIATIONS, key=len, reverse=True))
    + r")(?!\w|\.\w)"  # not the start of a longer one ("N.Y.C."); "Kan.." ends one
)
# The longest abbreviation without its last period ("Calif").
_LONGEST_ABBREVIATION = max(len(a) for a in STATE_ABBREVIATIONS) - 1
# How an abbreviation opens: after ", " and another letter, there is none.
_STATE_HEADS = frozenset(a[0] for a in STATE_ABBREVIATIONS)
# "the Donetsk People's Republic": the unit the self-proclaimed state claims.
_PEOPLES_REPUBLIC = re.compile(rf"[^\S\n]+People[{APOSTROPHES}]s[^\S\n]+Republic\b")
# "Hit, a town on the Euphrates in Anbar province": the place after "in" is a parent.
_APPOSITIVE_PARENT = re.compile(
    rf"^\s*,\s*(?:a|an|the)\s+[^.!?;:,]{{0,40}}?\b(?:town|city|village|settlement|port|hub|"
    rf"suburb|district|municipality)\b[^.!?;:]{{0,60}}?\bin\s+(?:the\s+)?"
    rf"(?:(?:{_DIR})(?:ern)?\s+|central\s+)?$",
    re.I,
)
# Arabic articles joined to a capitalised word inside a name ("Deir ez-Zor").
_ARTICLE_JOINED = re.compile(
    rf"(?:al|el|ad|ed|ar|as|es|ash|at|az|ez|an|ud|ul|adh)[{HYPHENS}][{_UPPER}]"
)
_CAP_WORD = re.compile(
    rf"(?<![\w{APOSTROPHES}{HYPHENS}])(?:(?:[{_UPPER}]\.)(?:{_LETTER}\.)+"
    rf"|[{_UPPER}]{_LETTER}*(?:[{HYPHENS}{APOSTROPHES}]{_LETTER}+)*)"
)
# The same words, found faster, and the first letter of a word in any other
# capital letter (group "other", empty: the match is that letter). The pattern
# opens with one class, every letter but ASCII's lower case, so that the regex
# engine skips in C to the next such letter instead of trying each position;
# which kind of letter it was and what stands before it are looked behind.
_SCAN = re.compile(
    r"[^\W\d_\x00-\x40\x5b-\x7f]"
    rf"(?:(?<=[{_UPPER}])(?<![\w{APOSTROPHES}{HYPHENS}][{_UPPER}])"
    rf"(?:\.(?:{_LETTER}\.)+|{_LETTER}*(?:[{HYPHENS}{APOSTROPHES}]{_LETTER}+)*)"
    rf"|(?<![{_UPPER}])(?<![\w{APOSTROPHES}{HYPHENS}].)(?P<other>))"
)
_JOINERS = HYPHENS + APOSTROPHES
_NEIGHBOUR_REACH = 48
_PREV_WORD = re.compile(rf"(?<![\w{APOSTROPHES}{HYPHENS}])({_WORD.pattern})$")
_NEXT_WORD = re.compile(rf"\W*?({_WORD.pattern})")
_NEXT_ON_LINE = re.compile(rf"[^\S\n]+({_WORD.pattern})")  # the word after a gap on one line
_PREV_INITIALISM = re.compile(rf"(?<![\w{APOSTROPHES}{HYPHENS}])(?:[{_UPPER}]\.)(?:{_LETTER}\.)+$")
_POSSESSIVE_NEXT = re.compile(rf"[{APOSTROPHES}]s[^\S\n]+({_LETTER}+)")
_PREPOSITIONS = frozenset(
    ["by", "between", "among", "into", "from", "with", "over", "across", "off", "up", "down",
     "out", "for", "of", "to", "through", "against", "after"]
)  # fmt: skip
_CALENDAR = frozenset(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
     "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday",
     "friday", "saturday", "sunday"]
)  # fmt: skip
_TRAILING = ".,;:!?)'\"’”" + APOSTROPHES  # punctuation after a word ("river,")
_NEXT_SAME_LINE = re.compile(rf"[^\S\n]+({_LETTER}+)")
_PREV_SAME_LINE = re.compile(rf"({_LETTER}+)\.?[^\S\n]+(?:(of)[^\S\n]+(?:the[^\S\n]+)?)?$")
# What may end the text before a sentence's first word; a dash opens one too
# ("KYIV, Ukraine (AP) — A Kyiv man ...").
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\u2014\u2013]|\s-|\n)[\s\"'“”‘’(\[]*$")


class Found(NamedTuple):
    """One recognised name in a text.

    start/end cover what is shown to the user (the name plus a following cue
    word such as "region"); key is the folded name alone. A named tuple (so
    immutable): a long text makes tens of thousands, and a tuple is four times
    quicker to make than a frozen dataclass.
    """

    start: int
    end: int
    text: str
    key: str
    kind: Kind
    # "admin" after "X region"; "city" after "the city of" or "the town of",
    # "village" after "the village of" or "the hamlet of"; "initials" for an
    # all-caps word of up to three letters outside a dateline ("CAR", "ELN");
    # "speaker" for a one-word name a verb of saying follows ("Tass said");
    # "feature" for "the X" standing bare ("across the Dnipro to Oleshky")
    cue: str | None = None
    near: bool = False  # "near X", "south of X": the event is near, not at, X
    parent: int | None = None  # index of a containing mention ("X, Ukraine")
    anchor: int | None = None  # index of a reference mention ("south of Sumy")
    # compass direction of self from anchor; with no anchor, from "the town"
    # (one named before: "Verbivka, just north of the town")
    direction: str | None = None
    distance_km: float | None = None  # stated distance from anchor ("30 km south of")


# A plain name: ASCII letters in words parted by single spaces, such as most
# words and runs of words the recogniser folds.
_PLAIN = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


def _fold_plain_quick(name: str) -> str:
    """fold(name), without its regex substitutions for a plain name (see _PLAIN),
    which folding only lower-cases: a long text folds tens of thousands of
    distinct words and runs of words, most of them plain."""
    if name.isascii() and _PLAIN.fullmatch(name) is not None:
        return name.lower()
    return fold(name)


_fold = functools.lru_cache(maxsize=1 << 16)(_fold_plain_quick)

# Found records made for each name found: tuple.__new__ spares each of them the
# named tuple's own __new__, a Python function, which costs more than the rest.
_make_found: Callable[[tuple[object, ...]], Found] = functools.partial(tuple.__new__, Found)
_NO_LINKS = (None, None, None, None)  # parent, anchor, direction, distance_km


class _Token(NamedTuple):
    """One word of the text; a named tuple because a long text makes one per
    capitalised word and its neighbours, and a tuple is the cheapest to create
    (made with tuple.__new__, which is quicker still than the named tuple's own)."""

    start: int
    end: int  # end of the name part (possessive excluded)
    text: str  # the raw word
    possessive: bool
    capitalised: bool
    all_caps: bool  # two or more letters, all upper case ("KYIV", "U.S.")


@functools.lru_cache(maxsize=1 << 16)
def _shape(word: str) -> tuple[int, bool, bool, bool]:
    """A word's _Token fields but its offsets: the length of its name part, then
    possessive, capitalised, all_caps (worked out once per distinct word)."""
    poss = len(word) > 3 and word[-1] == "s" and word[-2] in APOSTROPHES
    caps = word.isupper() and sum(ch.isalpha() for ch in word) >= 2
    cap = word[:1].isupper() or (word[:1] in "aeu" and _ARTICLE_JOINED.match(word) is not None)
    return len(word) - 2 if poss else len(word), poss, cap, caps


_make_token: Callable[[tuple[object, ...]], _Token] = functools.partial(tuple.__new__, _Token)


def _token(start: int, word: str) -> _Token:
    n, poss, cap, caps = _shape(word)
    return _make_token((start, start + n, word, poss, cap, caps))


def _word_before(text: str, pos: int, floor: int) -> _Token | None:
    """The word separated from pos by white space only, if it starts after floor."""
    k = pos - 1
    while k >= floor and text[k] in " \t\n\r\xa0":
        k -= 1
    if k < floor or not text[k].isalpha():
        return None
    m = _PREV_WORD.search(text, max(floor, k + 1 - _NEIGHBOUR_REACH), k + 1)
    return _token(m.start(1), m.group(1)) if m is not None else None


def tokenize(text: str) -> list[_Token]:
    """Words of the text with their offsets; a possessive "'s" is cut off the name."""
    return [_token(m.start(), m.group()) for m in _WORD.finditer(text)]


_SAME_LINE_GAP = re.compile(r"[^\S\n]+")
_UPPER_SET = frozenset(_UPPER)
_BEFORE_SPACE = " \t\n\r\xa0"  # what _word_before steps over


@functools.lru_cache(maxsize=1 << 14)
def _key_start(word: str) -> str | None:
    """How a key of several words that begins with word begins once folded: word
    folded as it is inside a longer span (no possessive dropped), or None when
    folding does not keep it apart from what follows."""
    probe = _fold(word + " x")
    return probe[:-2] if probe.endswith(" x") else None


def _tokens_at(text: str, start: int, word: str, prev: _Token | None) -> tuple[list[_Token], int]:
    """The words a name starting at a capitalised word can involve: the word just
    before it and the words after it, as far as each is separated from the one
    before by white space on one line (at most MAX_NAME_TOKENS + 1 of them).

    prev is the capitalised word before it, if any (a lower-case one is never
    read), separated from it by white space on one line. They are the words a
    scan of the whole text would make tokens there (the capitalised words, a
    lower-case word right after one, a lower-case word right before one), so
    matching on them gives the same answer; the index of the word's own token is
    returned with them. The matcher relies on what they are: words each parted
    from the next by white space on one line, so none asks again.
    """
    tokens: list[_Token] = [] if prev is None else [prev]
    first = len(tokens)
    tokens.append(_token(start, word))
    limit = first + MAX_NAME_TOKENS
    pos = start + len(word)
    # Whether the word is one _CAP_WORD matches: as the scan finds it, not glued
    # to a word before it, it is where it opens with such a capital.
    after_cap = word[0] in _UPPER_SET
    n = len(text)
    while len(tokens) <= limit:
        nxt = _NEXT_ON_LINE.match(text, pos)
        if nxt is None:
            break
        word = nxt[1]
        p = nxt.start(1)
        head = word[0]
        # Right after white space, a word that opens with such a capital is a
        # capitalised word as _CAP_WORD reads it, and the same word.
        if head in _UPPER_SET or (
            after_cap
            and head in "aeu"
            and not word.isalpha()
            and _ARTICLE_JOINED.match(word) is not None  # "ez-Zor" in "Deir ez-Zor"
        ):
            tok = _token(p, word)
            tokens.append(tok)
            if tok.possessive:
                break  # a possessive closes a name; nothing after it is read
            pos, after_cap = nxt.end(), True
            continue
        if after_cap and not head.isupper():
            tokens.append(_token(p, word))  # the word right after a capitalised one
            if word not in CONNECTORS:
                break  # the run ends here; this word is only read as the next one
            pos, after_cap = nxt.end(), False
            continue
        # Otherwise a word is a token only as the one right before a capitalised word.
        q = w_end = nxt.end()
        while q < n and text[q] in _BEFORE_SPACE:
            q += 1
        if q == w_end or _CAP_WORD.match(text, q) is None:
            break
        before = _word_before(text, q, pos)
        if before is None or before.start != p:
            break
        tokens.append(before)
        if not before.capitalised and before.text not in CONNECTORS:
            break
        pos, after_cap = w_end, False
    return tokens, first


def _alone_after(text: str, end: int) -> tuple[bool, re.Match[str] | None]:
    """Whether no word after a capitalised word ending at end can join it into a
    longer name, and the word right after it on the same line, if any (a match
    whose group 1 is the word).

    A name runs on over capitalised words and the connectors between them
    ("Bosnia and Herzegovina"), so the word stands alone when what follows on
    its line, past any connectors, is punctuation, a line's end or a lower-case
    word ("Kyiv and the", "Kyiv on Monday"). A capital (in any script) or an
    article joined to a capital ("ez-Zor") after it is left to the full matcher.
    Runs for most capitalised words of a text, so one regex match reads the gap
    and the word after it.
    """
    # What follows most words, a punctuation mark or one space and a capital,
    # decides it without the regex.
    after = text[end : end + 1]
    if after == "\n" or not after.isspace():
        return True, None  # (also at the text's end)
    if after == " " and (head := text[end + 1 : end + 2]).isupper() and head.isalpha():
        return False, None
    first: re.Match[str] | None = None
    nxt = _NEXT_ON_LINE.match(text, end)
    while nxt is not None:
        word = nxt[1]
        head = word[0]
        if not head.isalpha():
            return True, first  # a letter to the regex, not to str ("½")
        if head.isupper():
            return False, first
        # Only a word with a hyphen in it can be an article joined to a name.
        if head in "aeu" and not word.isalpha() and _ARTICLE_JOINED.match(word) is not None:
            return False, first
        if first is None:
            first = nxt
        if word not in CONNECTORS:
            return True, first
        nxt = _NEXT_ON_LINE.match(text, nxt.end())
    return True, first


def _begins_nothing_with_connector(
    word: str, connector: str, starts: Callable[[str], bool]
) -> bool:
    """Whether no name of two words or more starts at a word that a connector
    follows ("Kyiv and Sumy"): no known key begins with the two (False when
    folding does not tell the word apart). Such a name would be read on over the
    connector, so the word alone is the only name there, and nothing after it
    but the connector is read (see _part_of_longer_name and _found), as for a
    word that stands alone; not so before "of" ("Bank of England")."""
    if connector == "of":
        return False
    head = _key_start(word)
    return head is not None and not starts(f"{head} {connector}")


def _begins_nothing_with_next(
    text: str, start: int, end: int, classify: Classify, starts: Callable[[str], bool]
) -> bool:
    """Whether no name of two words or more starts at the word start..end, as
    far as the capitalised word right after it on its line tells (False when
    none follows): neither the two words are a known key nor does a longer key
    begin with them. A word that is no name alone ("In", "The", "President")
    then yields nothing here, and the full matcher need not run."""
    space = _SAME_LINE_GAP.match(text, end)
    if space is None:
        return False
    nxt = _CAP_WORD.match(text, space.end())
    if nxt is None:
        return False
    word = nxt.group()
    possessive = len(word) > 3 and word[-1] == "s" and word[-2] in APOSTROPHES
    span = text[start : nxt.end() - 2 if possessive else nxt.end()]
    if classify(_fold(span)) is not None:
        return False
    if possessive:
        return True  # a possessive closes the name: no longer key is read
    head = _key_start(span)
    return head is not None and not starts(head)


def sentence_initial(text: str, pos: int) -> bool:
    """True when pos starts a sentence, a line or the text."""
    window = text[max(0, pos - 16) : pos]
    if pos <= 16:
        window = "\n" + window
    return bool(_SENTENCE_END.search(window))


def _is_dateline(text: str, tokens: list[_Token], i: int, j: int) -> bool:
    """An all-caps dateline such as "KYIV, Ukraine (AP) —" at the start of a line."""
    first, last = tokens[i], tokens[j - 1]
    line_start = text.rfind("\n", 0, first.start) + 1
    if text[line_start : first.start].strip():
        return False
    if j < len(tokens) and tokens[j].all_caps and _fold(tokens[j].text) in ADMIN_CUES:
        last = tokens[j]  # "KHERSON REGION, Ukraine (AP) —"
    return _DATELINE_AFTER.match(text, last.start + len(last.text)) is not None


# What find learns of a distinct capitalised word: whether a name may begin
# with it, its key alone, the key's kind, whether it ends in a possessive and
# whether it is all capitals.
WordInfo = tuple[bool, str, "Kind | None", bool, bool]


def find(
    text: str,
    classify: Classify,
    starts: Callable[[str], bool] | None = None,
    everyday: Container[str] = frozenset(),
    words: dict[str, WordInfo] | None = None,
) -> list[Found]:
    """Recognise names in text: places and demonyms, in text order.

    ``classify(key)`` must return "place", "demonym", "stop" or None for a
    folded key. ``starts(head)``, when given, says whether some known key of
    several words begins with the folded word head and a space: capitalised
    words that are neither a name nor the start of one are then passed over
    without a look at their neighbours, which is most of them. ``everyday``
    holds the keys of places named like everyday words ("hit", "reading",
    "nice"): at the start of a sentence such a word is a place only where the
    text vouches for it (see ``_screen``). ``words``, when given, keeps what
    is learnt of each distinct capitalised word (see ``_word_info``) for the
    next text: it depends on the word, classify and starts alone, so a caller
    whose classify and starts stay the same can pass the same dict for every
    text. Returned offsets satisfy ``text[f.start:f.end] == f.text``.
    """
    if not text:
        return []
    found: list[Found] = []
    # Surnames met in full ("Lloyd Austin"): alone later in the text they are
    # the person again ("Austin said"), unless a parent follows ("Austin, Texas").
    persons: set[str] = set()
    # A storm named like the dateline's town ("FLORENCE, S.C. ... Hurricane
    # Florence ... Florence has finished") leaves the town's name a place.
    storm_proof = _dateline_key(text)
    if words is None:
        words = {}
    consumed = 0  # end of the last name matched: words before it are spent
    # The last capitalised token seen: the only word before a name that can
    # make it part of a longer one.
    cap_start = -1
    cap_word = ""
    for m in _SCAN.finditer(text):
        start = m.start()
        if m.lastgroup is None:
            word = m[0]
            if start and text[start - 1] in _JOINERS and _in_token_word(text, start):
                continue
        else:
            word = _before_capital(text, start)
            if not word:
                continue
        last_start, last_word = cap_start, cap_word
        cap_start, cap_word = start, word
        if start < consumed:
            continue
        info = words.get(word)
        if info is None:
            info = words[word] = _word_info(word, classify, starts)
        ok, key, kind, possessive, all_caps = info
        if possessive:
            whole = _name_with_possessive(text, start, word, classify, starts)
            if whole is not None:  # "Cox's Bazar", "Martha's Vineyard"
                consumed = whole.end
                found.append(whole)
                continue
        if not ok:
            continue
        end = start + len(word)
        if not all_caps:
            # The common case, decided without tokens: a word that no word after
            # it can join into a longer name (see _alone_after), so that the only
            # name starting here is the word itself.
            alone, after = (True, None) if possessive else _alone_after(text, end)
            if not alone and after is not None and starts is not None:
                # "Kyiv and Sumy": the word stands alone after all where no key
                # begins with it and the connector.
                alone = _begins_nothing_with_connector(word, after[1], starts)
            if alone:
                if kind != "place" and kind != "demonym":
                    if word in _SAINTS and text.startswith(".", end):
                        saint = _saint_name(text, start, end, classify)
                        if saint is not None:  # "St. Louis", "Ste. Genevieve"
                            consumed = saint.end
                            found.append(saint)
                    continue
                name_end = end - 2 if possessive else end
                cue = None
                near = False
                if kind == "place":
                    if text.startswith(".", end) and (
                        key in TITLE_ABBREVIATIONS or key in _NAME_SUFFIXES
                    ):
                        continue  # "Sen. Graham", "Gen. Gerasimov": a title
                    # Only a capitalised word right before it on its line can make
                    # it part of a person's or another name.
                    prev = _prev_token(text, last_start, last_word, start)
                    verdict = "" if prev is None else _after_capital(text, prev, start, classify)
                    if not verdict and _after_title(text, start):
                        verdict = "surname"  # "Mr. Washington said"
                    if (verdict or key in persons) and _a_person_here(
                        text, key, start, name_end, verdict, persons, storm_proof
                    ):
                        continue
                    if after is not None:
                        nxt = after[1]
                        if _fold(nxt) in ADMIN_CUES:
                            cue = "admin"
                            name_end = after.end(1)
                            if len(nxt) > 3 and nxt[-1] == "s" and nxt[-2] in APOSTROPHES:
                                name_end -= 2
                        elif (
                            nxt in SPEECH_VERBS
                            and after.start(1) == end + 1
                            and _subject_here(text, start)
                        ):
                            cue = "speaker"  # "Stoltenberg said", "Tass reported"
                    if cue is None and _bare_after_the(text, start, name_end, after):
                        cue = "feature"  # "across the Dnipro to Oleshky": the river
                    cue, near = _cues_before(text, start, cue)
                record = (start, name_end, text[start:name_end], key, kind, cue, near)
                found.append(_make_found(record + _NO_LINKS))
                continue
        prev = _prev_token(text, last_start, last_word, start)
        if (
            starts is not None
            and kind != "place"
            and kind != "demonym"
            and _begins_nothing_with_next(text, start, end, classify, starts)
        ):
            continue  # "In Kyiv", "The Ukrainian army": a word that names nothing alone
        tokens, i = _tokens_at(text, start, word, prev)
        hit = _longest_match(text, tokens, i, classify)
        if hit is None:
            continue
        j, key, kind = hit
        last = tokens[j - 1]
        consumed = last.start + len(last.text)
        if kind == "place":
            verdict = _part_of_longer_name(text, tokens, i, j, classify)
            if _a_person_here(text, key, tokens[i].start, last.end, verdict, persons, storm_proof):
                continue
        if kind in ("place", "demonym"):
            f = _found(text, tokens, i, j, key, kind)
            if kind == "place" and f.cue is None and _initials(text, tokens, i, j):
                f = f._replace(cue="initials")
            found.append(f)
    found = _screen(text, found, everyday)
    hints = [m.start() for m in _SPORTS_HINT.finditer(text)]
    if hints:
        found = _drop_teams(text, found, hints)
    _share_plural_cues(text, found)
    return _dateline_unit(text, _relate(text, found))


def _dateline_unit(text: str, found: list[Found]) -> list[Found]:
    """ "MIDDELBURG, Mpumalanga —": the name after a dateline's town is its
    state, province or country (cue "unit"), not a town (Mpumalanga is a town
    of KwaZulu-Natal too); updates found in place."""
    for f in found:
        if f.kind != "place":
            continue
        n = f.parent
        if n is None or not f.text.isupper() or found[n].cue is not None:
            break
        line_start = text.rfind("\n", 0, f.start) + 1
        if not text[line_start : f.start].strip() and found[n].start - f.end <= 3:
            found[n] = found[n]._replace(cue="unit")
        break  # only the first place can be a dateline's town
    return found


# Abbreviations of Saint that open a town's name: "St. Louis", "Ste. Genevieve".
_SAINTS = frozenset(["St", "Ste"])


def _saint_name(text: str, start: int, end: int, classify: Classify) -> Found | None:
    """The longest place name "St. X Y" (at most MAX_NAME_TOKENS words after the
    abbreviation, on its line) opening at start, where the abbreviation's period
    is at end; None if there is none. Without it the words after the period
    would be read alone ("Louis", a name of Louisville)."""
    words: list[re.Match[str]] = []
    pos = end + 1
    while len(words) < MAX_NAME_TOKENS:
        m = _NEXT_ON_LINE.match(text, pos)
        if m is None or not (m[1][:1].isupper() or (words and m[1] in CONNECTORS)):
            break
        words.append(m)
        pos = m.end()
    for m in reversed(words):
        if not m[1][:1].isupper():
            continue
        key = _fold(text[start : m.end()])
        if classify(key) == "place":
            name_end = m.start(1) + _shape(m[1])[0]  # a possessive "'s" is not the name
            cue, near = _cues_before(text, start, None)
            return Found(start, name_end, text[start:name_end], key, "place", cue, near)
    return None


# Words before a name that make it no speaker of the verb after it: "officials
# in Korosten said", "police in Mobile and Pensacola said".
_NOT_SUBJECT_BEFORE = _PREPOSITIONS | {"in", "at", "near", "outside", "around", "and", "or"}


def _subject_here(text: str, start: int) -> bool:
    """Whether the name at start can be the subject of the verb after it: no
    preposition or list word stands right before it."""
    k = start
    while k > 0 and text[k - 1] in " \t\xa0":
        k -= 1
    j = k
    while j > 0 and k - j < 8 and text[j - 1].isalpha():
        j -= 1
    return k == start or text[j:k].lower() not in _NOT_SUBJECT_BEFORE


# What may follow "the X" when X is a river or another feature named bare:
# punctuation, or a word of place ("the Dnipro to Oleshky", "crossed the
# Inhulets near Davydiv Brid"); a noun would make X a modifier ("the Kharkiv
# offensive"), and "and" may open a list of units ("the Rivne and Volyn
# regions").
_AFTER_BARE_FEATURE = frozenset(
    ["near", "in", "at", "to", "into", "from", "toward", "towards", "on", "north", "south",
     "east", "west", "upstream", "downstream", "between",
     # a verb, as in "shelling from across the Dnipro had also hit Nikopol"
     "has", "had", "have", "is", "was", "were", "are", "will", "would", "could", "can",
     "may", "might", "also", "still", "again"]
)  # fmt: skip
_CLOSING = frozenset(".,;:!?)")
# Towns named with "the" in English ("in the Hague"), which are no feature.
_TOWNS_WITH_THE = frozenset(["hague", "bronx"])


def _bare_after_the(text: str, start: int, end: int, after: re.Match[str] | None) -> bool:
    """Whether a name from start to end stands as "the X" with nothing after it
    that makes it a modifier: a town is never named so (the gazetteer then
    keeps only regions, units and countries: "the Donbas", "the Gambia")."""
    the = text[start - 4 : start]
    if start < 4 or (start > 4 and text[start - 5].isalnum()):
        return False
    if the != "the " and not (the == "The " and sentence_initial(text, start - 4)):
        return False  # ("The Coromandel had been running": a train)
    if text[end : end + 1] not in _CLOSING and not (
        after is not None and after.start(1) == end + 1 and after[1] in _AFTER_BARE_FEATURE
    ):
        return False
    return _fold(text[start:end]) not in _TOWNS_WITH_THE


def _after_title(text: str, start: int) -> bool:
    """Whether an abbreviated title and its period stand right before start, as
    in "Mr. Washington" or "Dr. Austin" (most names have no period before them:
    two characters tell)."""
    if start < 3 or text[start - 2] != "." or text[start - 1] != " ":
        return False
    j = start - 2
    while j > 0 and text[j - 1].isalpha() and start - 2 - j < 6:
        j -= 1
    word = text[j : start - 2]
    if not word[:1].isupper() or (j > 0 and (text[j - 1].isalnum() or text[j - 1] == ".")):
        return False
    return word.lower() in TITLE_ABBREVIATIONS


def _a_person_here(
    text: str,
    key: str,
    start: int,
    end: int,
    verdict: Literal["", "name", "surname"],
    persons: set[str],
    storm_proof: str | None = None,
) -> bool:
    """Whether a place's name from start to end is a person's or another name
    here: by the verdict of the words around it ("surname" files the key in
    persons), or as a surname met in full before ("Austin said"), unless a
    parent follows ("Austin, Texas"), what it owns makes it a country, or a
    word of place stands before it ("Shakhtar Donetsk ... played in Donetsk")."""
    if verdict == "surname" and not (key == storm_proof and _after_storm_word(text, start)):
        persons.add(key)
    if verdict:
        return True
    if key not in persons or text.startswith(",", end) or _possessed_by_place(text, end):
        return False
    return not _after_locative(text, start)


# Words that name a storm by the name after them.
_STORM_WORDS = frozenset(["hurricane", "typhoon", "cyclone", "storm"])
# A dateline's town in capitals at the text's start, before its comma or dash.
_DATELINE_START = re.compile(rf"\s*([{_UPPER}][{_UPPER} .'’-]*?)\s*(?:,|\(|[{HYPHENS}])")


def _dateline_key(text: str) -> str | None:
    """The key of the town of a dateline opening the text ("FLORENCE, S.C."), if any."""
    m = _DATELINE_START.match(text)
    return _fold(m.group(1)) if m is not None and len(m.group(1)) > 1 else None


def _after_storm_word(text: str, start: int) -> bool:
    """Whether a storm's word stands right before start ("Hurricane Florence")."""
    before = _word_before(text, start, max(0, start - 12))
    return before is not None and before.text.lower() in _STORM_WORDS


# Words after which a name met before as a surname is the place again.
_LOCATIVES = frozenset(
    ["in", "at", "near", "from", "to", "into", "outside", "around", "toward", "towards",
     "across", "through"]
)  # fmt: skip


def _after_locative(text: str, start: int) -> bool:
    """Whether a word of place ("in", "near", "from"...) stands right before start."""
    before = _word_before(text, start, max(0, start - 12))
    return before is not None and before.text.lower() in _LOCATIVES


def _peoples_republic(text: str, end: int) -> re.Match[str] | None:
    """ "People's Republic" right after a name ending at end, if it is there."""
    if text[end + 1 : end + 7] != "People":
        return None
    return _PEOPLES_REPUBLIC.match(text, end)


def _possessed_by_place(text: str, end: int) -> bool:
    """ "Jordan's King Abdullah": what the possessive owns makes it a country."""
    m = _POSSESSIVE_NEXT.match(text, end)
    return m is not None and _fold(m.group(1)) in POSSESSED_BY_PLACES


# A match report: a score ("2-1") or a fixture ("the match between").
_SPORTS_HINT = re.compile(
    rf"\b\d{{1,2}}[{HYPHENS}]\d{{1,2}}\b|\b(?:match|game|fixture|derby|tie)\s+(?:between|against)\b"
)
# A team named by its town: right before a result ("Sunderland beat", "Newcastle
# drew 1-1"), right after one ("to beat Aston Villa", "lost 2-0 to Leeds"), or as
# a side of a fixture ("the match between Everton and Chelsea").
_TEAM_BEFORE = re.compile(
    r"\s*(?:,\s*who\s+)?(?:beat|beats|defeated|drew|draw|thrashed|edged|hammered|"
    r"came\s+from|won\s+\d|lost\s+\d)\b"
)
_TEAM_AFTER = re.compile(
    rf"(?:\b(?:beat|beats|defeated|thrashed|edged|hammered|against|v|vs|versus)\.?"
    rf"|\b(?:drew|draw|won|lost)\s+\d{{1,2}}[{HYPHENS}]\d{{1,2}}\s+(?:with|to|against|at)"
    rf"|\b(?:match|game|fixture|derby|tie)\s+(?:between|against)"
    rf"(?:\s+[A-Z][\w.' -]{{0,40}}?\s+(?:and|v|vs)\.?)?)\s+$"
)


def _drop_teams(text: str, found: list[Found], hints: list[int]) -> list[Found]:
    """Drop the places of a match report that name a team, not the town: a
    score or a fixture (_SPORTS_HINT, found at the positions hints) stands
    within _SPORTS_REACH characters, and the name right before or after a
    result or in a fixture (_TEAM_BEFORE, _TEAM_AFTER)."""
    out: list[Found] = []
    for f in found:
        if f.kind == "place" and f.cue is None:
            k = bisect.bisect_left(hints, f.start)
            near = (k < len(hints) and hints[k] - f.start <= _SPORTS_REACH) or (
                k > 0 and f.start - hints[k - 1] <= _SPORTS_REACH
            )
            if near and (
                _TEAM_BEFORE.match(text, f.end) is not None
                or _TEAM_AFTER.search(text[max(0, f.start - 60) : f.start]) is not None
            ):
                continue
        out.append(f)
    return out


# How far from a score or a fixture a team's name may stand: a sentence or two.
_SPORTS_REACH = 300


def _screen(text: str, found: list[Found], everyday: Container[str]) -> list[Found]:
    """Drop places that are part of a feature's or an organisation's name, or an
    everyday word opening a sentence; add AP state abbreviations ("Mobile, Ala.")."""
    vouching: set[str] | None = None
    out: list[Found] = []
    states: list[Found] = []
    for f in found:
        if f.kind == "place":
            if (
                f.end - f.start <= _LONGEST_ABBREVIATION
                and text[f.end : f.end + 1] == "."
                and f.start >= 2
                and text[f.start - 2 : f.start] == ", "
                and (state := STATE_ABBREVIATIONS.get(text[f.start : f.end + 1])) is not None
            ):
                # "Ste. Genevieve, Mo.": the state after a town the index lacks
                # (else "Mo" is the Norwegian town).
                f = Found(f.start, f.end + 1, text[f.start : f.end + 1], state, "place", "admin")
            if f.cue == "admin" and f.key != f.text.lower():
                m = _WORD_AFTER.match(text, f.end)
                if m is not None and m.group(1) in _INSTITUTIONS:
                    continue  # "Ohio State University", "Kyiv Oblast Hospital"
            if (f.cue is None or f.cue == "speaker") and _feature_or_name(text, f):
                continue  # ("the left bank of the Dnipro said": no speaker)
            if f.cue is None:
                if f.key in IDIOMS and _in_idiom(text, f):
                    continue
                if text.startswith(", who ", f.end) and sentence_initial(text, f.start):
                    continue  # "Keys, who grew up in Rock Island, ...": a person
                if f.key in everyday:
                    if vouching is None:
                        vouching = _vouching(text, found, everyday)
                    if not _vouched(text, f, vouching):
                        continue
            if text[f.end : f.end + 1] == "," and (
                text[f.end + 1 : f.end + 2] != " "
                or (head := text[f.end + 2 : f.end + 3]) in _STATE_HEADS
                or head.isspace()
            ):
                m = _STATE_AFTER.match(text, f.end)
                if m is not None:
                    a, b = m.span(1)
                    key = STATE_ABBREVIATIONS[m.group(1)]
                    states.append(Found(a, b, m.group(1), key, "place", "admin"))
        out.append(f)
    if not states:
        return out
    spans = [(s.start, s.end) for s in states]
    kept = [f for f in out if not any(f.start < b and a < f.end for a, b in spans)]
    return sorted(kept + states, key=lambda f: f.start)


# A space and the first letter of one of FEATURE_AFTER's words, in either case;
# the last letter of one of FEATURE_BEFORE's words or of "of" and "the", or a
# period ("Mt."), and a space.
_FEATURE_AFTER_STARTS = frozenset(
    " " + c for w in (*FEATURE_AFTER, *GROUP_AFTER, *WEAPON_AFTER) for c in (w[0], w[0].upper())
)
_BEFORE_ENDS = frozenset(
    [
        ". ",
        *(
            c + " "
            for w in (*FEATURE_BEFORE, *_FEATURE_QUALIFIERS, "of", "the")
            for c in (w[-1], w[-1].upper())
        ),
    ]
)


# Capitalised words after "X State" or "X Region" that make the whole an
# institution's name ("X State Senate" is the place's own body, a place).
_INSTITUTIONS = frozenset(
    ["University", "College", "School", "Hospital", "Prison", "Penitentiary", "Park", "Fair",
     "Bank", "Museum", "Library", "Stadium", "Arena", "Theatre", "Theater", "Orchestra",
     "Opera", "Ballet"]
)  # fmt: skip


def _in_idiom(text: str, f: Found) -> bool:
    """ "chicken Kiev", "Brussels sprouts", "the Geneva Conventions": the place's
    name is part of one of the IDIOMS."""
    before, after = IDIOMS[f.key]
    m = _WORD_AFTER.match(text, f.end)
    if m is not None and m.group(1).lower() in after:
        return True
    words = text[max(0, f.start - 20) : f.start].split()
    return bool(words) and text[f.start - 1 : f.start].isspace() and words[-1].lower() in before


_WORD_AFTER = re.compile(r" ([A-Za-z]+)")
# The last and first words of rivers' names that are also towns' ("Grand
# River", "Rio Grande"): after "the", with nothing that makes them a modifier
# after them, they are the river.
_WATER_LAST = frozenset(["river", "creek"])
_WATER_FIRST = frozenset(["rio"])
# Lower-case words of "the X of the <name>" that make the name a river's.
_RIVER_HEADS_BEFORE_OF = frozenset(["bank", "banks", "mouth", "riverbank"])


def _feature_or_name(text: str, f: Found) -> bool:
    """ "the Dnipro river", "River Avon", "Sea of Azov", "Bank of England", "the
    Azov regiment": the place's name is part of a physical feature's, an
    organisation's or a group's.

    Runs once per place of a text, so it reads the words around the name by
    slicing at spaces rather than with a regex, and only where the letter next
    to the space can end or begin such a word (no other character lower-cases
    to an ASCII letter but "İ" and the Kelvin sign).
    """
    end = f.end
    text_ = f.text
    # "beside the Grand River in this town", "the Rio Grande": a town's name
    # read as a river's, as "the" and nothing after it tell.
    if (
        " " in text_
        and (
            text_[text_.rfind(" ") + 1 :].lower() in _WATER_LAST
            or text_[: text_.find(" ")].lower() in _WATER_FIRST
        )
        and _bare_after_the(text, f.start, end, _WORD_AFTER.match(text, end))
    ):
        return True
    if text[end : end + 2] in _FEATURE_AFTER_STARTS:
        stop = text.find(" ", end + 1, end + 16)
        word = text[end + 1 : stop if stop > 0 else end + 16]
        word = word.rstrip(_TRAILING).lower()
        if word == "mountain" and stop > 0:
            # "Rakhiv mountain hotels": an adjective of the town's, not a peak's name
            m = _WORD_AFTER.match(text, stop)
            if m is not None and m.group(1).islower() and text[stop - 1].isalpha():
                return False
        if word in FEATURE_AFTER or word in GROUP_AFTER:
            return True
        if word in WEAPON_AFTER:
            m = _WORD_AFTER.match(text, stop) if stop > 0 else None
            return m is None or m.group(1).lower() not in _ATTACK_WORDS
    start = f.start
    if start < 2 or text[start - 2 : start] not in _BEFORE_ENDS:
        return False
    floor = max(0, start - 14)
    space = text.rfind(" ", floor, start - 1)
    last = text[(space + 1 if space >= 0 else floor) : start - 1].lower()
    if last.endswith("."):
        # "Mt. Hood"; but "across the river. Russia's ..." ends a sentence.
        last = last[:-1] if last[:-1] in _FEATURE_ABBREVIATIONS else last
    if last in FEATURE_BEFORE:
        return True
    if last in _FEATURE_QUALIFIERS:
        words = text[max(0, start - 24) : start].split()
        return len(words) > 1 and words[-2].lower() in FEATURE_BEFORE
    if last != "of" and last != "the":
        return False
    words = text[max(0, start - 32) : start].split()
    if words[-1] == "the" and len(words) > 2 and words[-2] == "of":
        head = words[-3]
    elif words[-1] == "of" and len(words) > 1:
        head = words[-2]
    else:
        return False
    if head in _RIVER_HEADS_BEFORE_OF and words[-1] == "the":
        return True  # "on the left bank of the Dnipro", "the banks of the White Nile"
    return head[:1].isupper() and head.lower() in NAME_HEADS_BEFORE_OF


def _vouching(text: str, found: list[Found], everyday: Container[str]) -> set[str]:
    """Keys of everyday-word places the text names where a capital means a name:
    inside a sentence and outside a Title-Case headline ("in Nice")."""
    return {
        f.key
        for f in found
        if f.kind == "place"
        and f.key in everyday
        and not sentence_initial(text, f.start)
        and not _in_headline(text, f.start)
    }


def _vouched(text: str, f: Found, vouching: set[str]) -> bool:
    """Whether an everyday word that names a place ("Hit", "Reading") is the place
    here: in capitals (a dateline), or followed by a comma ("Hit, a town in
    Anbar"), or named as a place in the text where a capital means a name (see
    ``_vouching``: "in Nice" ... "Nice has been"). Not when a preposition
    follows it at the start of a sentence ("Hit by", "Reading from")."""
    if f.text.isupper() or text.startswith(",", f.end):
        return True
    m = _NEXT_SAME_LINE.match(text, f.end)
    if m is not None and m.group(1)[:1].isupper() and m.group(1).lower() in PLACE_FOLLOWERS:
        return True  # "Reading Borough Council", "Mobile County"
    if sentence_initial(text, f.start) and m is not None and m.group(1) in _PREPOSITIONS:
        return False  # "Hit by shelling", "Split between two factions"
    return f.key in vouching


def _in_token_word(text: str, start: int) -> bool:
    """Whether the capitalised part at start of a joined word ("ez-Zor") lies in a
    word the scan takes whole: the one right after a capitalised word or right
    before one."""
    w_start = start - 1
    while w_start > 0 and (text[w_start - 1].isalpha() or text[w_start - 1] in _JOINERS):
        w_start -= 1
    while text[w_start] in _JOINERS:
        w_start += 1
    w = _WORD.match(text, w_start)
    if w is None or w.end() <= start:
        return False
    if _before_capital(text, w_start, any_case=True):
        return True
    k = w_start - 1
    while k >= 0 and not (text[k].isalnum() or text[k] == "_"):
        k -= 1
    if k < 0 or k == w_start - 1 or not text[k].isalpha():
        return False
    prev = _PREV_WORD.search(text, max(0, k + 1 - _NEIGHBOUR_REACH), k + 1)
    if prev is None:
        return False
    cap = _CAP_WORD.match(text, prev.start(1))
    return cap is not None and cap.end() == k + 1 and not w.group()[:1].isupper()


def _before_capital(text: str, start: int, any_case: bool = False) -> str:
    """The word at start if it stands right before a capitalised word (a token
    whatever its script) and is capitalised (unless any_case), else ""."""
    w = _WORD.match(text, start)
    if w is None or not (any_case or w.group()[:1].isupper()):
        return ""
    q = end = w.end()
    while q < len(text) and text[q] in _BEFORE_SPACE:
        q += 1
    if q == end or _CAP_WORD.match(text, q) is None:
        return ""
    before = _word_before(text, q, 0)
    return (
        w.group()
        if before is not None and before.start == start and before.text == w.group()
        else ""
    )


def _word_info(word: str, classify: Classify, starts: Callable[[str], bool] | None) -> WordInfo:
    """What find keeps of a distinct capitalised word: whether a name can start
    at it (its key alone is a place or a demonym, or, unless its possessive
    closes it, the start of a longer key), its key alone and the key's kind,
    whether it ends in a possessive and whether it is all capitals."""
    possessive = len(word) > 3 and word[-1] == "s" and word[-2] in APOSTROPHES
    all_caps = word.isupper() and sum(ch.isalpha() for ch in word) >= 2
    key = _fold(word[:-2] if possessive else word)
    kind = classify(key)
    if starts is None or kind == "place" or kind == "demonym":
        ok = True
    elif possessive:
        ok = False
    else:
        head = _key_start(word)
        ok = head is None or starts(head)
    return ok, key, kind, possessive, all_caps


def _name_with_possessive(
    text: str, start: int, word: str, classify: Classify, starts: Callable[[str], bool] | None
) -> Found | None:
    """A place whose name holds a possessive ("Cox's Bazar", "King's Lynn"),
    starting with the possessive word at start: the longest run of up to
    three capitalised words after it on its line that makes such a key
    (starts, where given, tells first whether any key begins so)."""
    head = _key_start(word)
    if head is None or (starts is not None and not starts(head)):
        return None
    end = start + len(word)
    best: Found | None = None
    for _ in range(3):
        space = _SAME_LINE_GAP.match(text, end)
        nxt = _CAP_WORD.match(text, space.end()) if space is not None else None
        if nxt is None:
            break
        end = nxt.end()
        span = text[start:end]
        key = _fold(span)
        if classify(key) == "place":
            best = _make_found((start, end, span, key, "place", None, False) + _NO_LINKS)
        elif starts is not None and not starts(key):
            break
    return best


def _prev_token(text: str, start: int, word: str, pos: int) -> _Token | None:
    """The capitalised word at start (start < 0: none) as a token, if only white
    space on one line lies between it and pos (most often none does: its first
    two characters tell, without a slice of the gap)."""
    end = start + len(word)
    if start < 0 or end >= pos or (end + 1 < pos and not text[end + 1].isspace()):
        return None
    gap = text[end:pos]
    if gap == " " or (gap.isspace() and "\n" not in gap):
        return _token(start, word)
    return None


def _longest_match(
    text: str, tokens: list[_Token], i: int, classify: Classify
) -> tuple[int, str, Kind] | None:
    """Longest run of tokens (from _tokens_at) from i whose folded text is known
    to classify."""
    end = i + 1
    limit = min(len(tokens), i + MAX_NAME_TOKENS)
    # Extend the run over capitalised words and inner connectors, stopping at
    # a possessive (which closes a name); _tokens_at stopped at punctuation.
    while end < limit and not tokens[end - 1].possessive:
        nxt = tokens[end]
        if not (nxt.capitalised or nxt.text in CONNECTORS):
            break
        end += 1
    start = tokens[i].start
    for j in range(end, i, -1):
        last = tokens[j - 1]
        if not last.capitalised:
            continue
        span = text[start : last.end]
        key = _fold(span)
        kind = classify(key)
        if kind is None:
            continue
        if kind == "stop":
            if key in _INITIALS_OF_COUNTRIES and _initials_shape(tokens, i, j):
                # "US", "U.S.": the country's initials, not the pronoun "us";
                # like "UK", read as a modifier unless it stands alone.
                return (j, key, "demonym")
            return (j, key, "stop")
        for t in tokens[i:j]:
            if t.all_caps:
                if not _acronym_ok(text, tokens, i, j, span):
                    break
                return (j, key, kind)
        else:
            return (j, key, kind)
    return None


# Initials of a country that fold to a stop word ("US" and the pronoun "us").
_INITIALS_OF_COUNTRIES = frozenset({"us"})


def _acronym_ok(text: str, tokens: list[_Token], i: int, j: int, span: str) -> bool:
    """All-caps words match only as initialisms ("US", "UK") or in a dateline."""
    return _initials_shape(tokens, i, j) or _is_dateline(text, tokens, i, j)


def _initials_shape(tokens: list[_Token], i: int, j: int) -> bool:
    """One all-caps word of at most three letters ("US", "U.S.", "CAR", "ELN")."""
    return j == i + 1 and tokens[i].all_caps and sum(ch.isalpha() for ch in tokens[i].text) <= 3


def _initials(text: str, tokens: list[_Token], i: int, j: int) -> bool:
    """Whether a match is initials outside a dateline: such a match means a
    place only if the place is known by initials (see Gazetteer._rows)."""
    return _initials_shape(tokens, i, j) and not _is_dateline(text, tokens, i, j)


def _part_of_longer_name(
    text: str, tokens: list[_Token], i: int, j: int, classify: Classify
) -> Literal["", "name", "surname"]:
    """Whether the match sits inside a longer capitalised name it is not.

    "Kyiv Independent" is an organisation ("name"); "Lloyd Austin" and
    "President Vladimir" are people ("surname" when the match is the last word
    of a person's name); "Sumy Oblast", "Kyiv Mayor" and "Western Ukraine" are
    places (""). In a Title-Case headline only a title makes a person.
    """
    last = tokens[j - 1]
    headline: bool | None = None
    if not last.possessive and _peoples_republic(text, last.end) is not None:
        return ""
    if j + 1 < len(tokens) and not last.possessive:
        of, nxt = tokens[j], tokens[j + 1]
        # "The Bank of England", "Duchy of Cornwall": a longer name ("X of Y").
        if of.text == "of" and nxt.capitalised:
            return "name"
    if j < len(tokens) and not last.possessive:
        nxt = tokens[j]
        # Two capitalised names in a row are one name ("Victoria Nuland"),
        # even when each alone is a place somewhere.
        if nxt.capitalised and (_fold(nxt.text) not in PLACE_FOLLOWERS or _a_club(tokens, j)):
            headline = _in_headline(text, tokens[i].start)
            if not headline:
                return "name"
    if i > 0:
        return _after_capital(text, tokens[i - 1], tokens[i].start, classify, headline)
    return ""


def _a_club(tokens: list[_Token], j: int) -> bool:
    """ "Manchester City", "Ipswich Town": "City" or "Town" after a town whose
    name does not hold it (the index has "Mexico City") names its club, unless
    a place's word follows ("Manchester City Council", "Ludlow Town Council",
    "Kharkiv City Hall")."""
    if tokens[j].text != "City" and tokens[j].text != "Town":
        return False
    if j + 1 < len(tokens):
        after = _fold(tokens[j + 1].text)
        return not (after in PLACE_FOLLOWERS or after == "hall")
    return True


def _after_capital(
    text: str, prev: _Token, start: int, classify: Classify, headline: bool | None = None
) -> Literal["", "name", "surname"]:
    """What the word before a place at start makes of it (see ``_part_of_longer_name``):
    "President Vladimir" and "Lloyd Austin" a person's name ("surname"), "the
    National Guard" another name ("name"), "Western Ukraine" or "In Kyiv" nothing
    (""). headline is whether start lies in a Title-Case headline, if known."""
    if not prev.capitalised or prev.possessive:
        return ""
    word = _fold(prev.text)
    if prev.text[-1:].islower() and re.search(f"[{HYPHENS}]", prev.text):
        return ""  # an adjectival compound: "Russian-speaking Donbas"
    if word in TITLES:
        return "surname"
    if word in DIRECTION_ADJECTIVES or word in ADJECTIVES:
        return ""
    kind = classify(word)
    if kind == "stop" and _capitalised_mid_sentence(text, prev, word):
        return "name"  # "the Federal Reserve", "the National Guard"
    if kind in ("stop", "demonym"):
        return ""
    if headline is None:
        headline = _in_headline(text, start)
    if headline:
        return ""
    # A word opening the sentence is a first name unless it reads as an
    # adjective ("Besieged Mariupol"); any other capitalised word before
    # a place is one too ("Lloyd Austin", even though Lloyd is a place).
    if kind is None and sentence_initial(text, prev.start):
        return "" if word.endswith(_ADJECTIVE_ENDINGS) else "surname"
    return "surname"


def _capitalised_mid_sentence(text: str, prev: _Token, word: str) -> bool:
    """A stop word written with a capital inside a sentence belongs to a name,
    unless it is a month or a weekday ("said Monday Kyiv ...") or in a headline."""
    if word in _CALENDAR or prev.all_caps or not prev.text[:1].isupper():
        return False
    if sentence_initial(text, prev.start):
        return False
    return not _in_headline(text, prev.start)


def _in_headline(text: str, pos: int) -> bool:
    """True when pos lies in a Title-Case stretch ("Russian Strikes Hit Power Plant
    In Kharkiv"), where capitals say nothing about names."""
    start = max(0, pos - 200)
    left = _LAST_BREAK.match(text, start, pos)
    seg_start = left.end() if left else start
    m = _SEGMENT_BREAK.search(text, pos, pos + 200)
    seg_end = m.start() if m else min(len(text), pos + 200)
    heads = _LONG_WORD_HEAD.findall(text, seg_start, seg_end)
    if len(heads) < 4:
        return False
    lower = len(heads) - sum(map(str.isupper, heads))
    return lower <= len(heads) // 8


# The last word of the phrases _NEAR_BEFORE looks for, where it is not "of" or
# "to"; and how the word before "of" ends in those of both ("the city of",
# "south-west of", "the outskirts of": by its end, as the regexes' \b lets
# "mega-city of" match too).
_NEAR_WORDS = ("near", "nearby", "outside", "around")
_BEFORE_OF = ("city", "town", "village", "settlement", "suburb", "capital", "port", "hamlet",
              "outskirts", "vicinity", "north", "south", "east", "west")  # fmt: skip


# The only characters outside ASCII that a case-insensitive regex matches to an
# ASCII letter (found by trying every code point): İ and ı to i, ſ to s, the
# Kelvin sign to k.
_ASCII_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


# _may_cue reads a cue only where the last word before a name is "of", "to",
# "the" or one of _NEAR_WORDS (outside ASCII: ends as one): by the last two
# letters of each, the letter before them ("" for any, "of" and "to" being words
# of two letters). No two of them end alike.
_CUE_WORD_ENDS = {w[-2:]: w[-3:-2] for w in ("of", "to", "the", *_NEAR_WORDS)}


def _may_cue(before: str) -> bool:
    """False when neither _CITY_BEFORE nor _NEAR_BEFORE can match before (or, in
    ASCII text, when the word before is only glued to "near" and the like): both
    end in a phrase's last word ("near", "city of", "close to"), then white
    space, then perhaps "the" and white space.

    Most names have no cue, and two regex searches over 40 characters for each
    of them cost a tenth of a long text's time. Outside ASCII the words are
    compared as the regexes' case-insensitive matching sees them.
    """
    if not before[-1:].isspace():
        return False
    ascii_only = before.isascii()
    if not ascii_only:
        before = before.translate(_ASCII_TWINS)
    words = before.lower().rsplit(None, 3)  # the last three words are all that is read
    if words and words[-1] == "the":
        words.pop()
    if not words:
        return False
    last = words[-1]
    if last == "of":
        return len(words) > 1 and words[-2].endswith(_BEFORE_OF)
    if last == "to":
        return len(words) > 1 and words[-2].endswith("close")
    # In ASCII text the word itself ("(near" is read as no cue, as it always
    # was here, though _NEAR_BEFORE's \b would take it); other text always went
    # to the regexes, so there any word that ends so does.
    return last in _NEAR_WORDS if ascii_only else last.endswith(_NEAR_WORDS)


def _found(text: str, tokens: list[_Token], i: int, j: int, key: str, kind: Kind) -> Found:
    """A match of tokens i..j as a Found record with its cues."""
    start, end = tokens[i].start, tokens[j - 1].end
    cue = None
    near = False
    if kind == "place":
        people = _peoples_republic(text, tokens[j - 1].end)
        if people is not None and not tokens[j - 1].possessive:
            cue = "admin"  # the unit the self-proclaimed republic claims
            end = people.end()
        elif (
            j < len(tokens) and not tokens[j - 1].possessive and _fold(tokens[j].text) in ADMIN_CUES
        ):
            cue = "admin"
            end = tokens[j].end
        cue, near = _cues_before(text, start, cue)
    return _make_found((start, end, text[start:end], key, kind, cue, near) + _NO_LINKS)


def _cues_before(text: str, start: int, cue: str | None) -> tuple[str | None, bool]:
    """The cue and "near" flag a place at start takes from the words before it
    ("the city of X", "near X"); an admin cue after it comes first."""
    if start < 2 or not text[start - 1].isspace():
        return cue, False  # (a single character before start is no cue either)
    # Most names have no cue word before them: the last letters of the word
    # before, read in place when one space parts it from the name, rule them out.
    if text[start - 2].isspace():
        tail = text[max(0, start - 40) : start].rstrip()[-3:]
    else:
        tail = text[max(0, start - 4) : start - 1]
    if not tail.isascii():
        tail = tail.translate(_ASCII_TWINS)
    tail = tail.lower()
    letter = _CUE_WORD_ENDS.get(tail[-2:])
    if letter is None or (letter and tail[-3:-2] != letter):
        return cue, False
    before = text[max(0, start - 40) : start]
    if not _may_cue(before):
        return cue, False
    if cue is None and tail[-2:] == "of":
        m = _CITY_BEFORE.search(before)  # (the pattern ends in "of" and white space)
        if m is not None:
            # "the village of New York" (Donetsk oblast) is no city of millions
            cue = "village" if m.group(0)[:1] in "vVhH" else "city"
    return cue, bool(_NEAR_BEFORE.search(before))


def _stated_km(gap: str) -> float | None:
    """The distance an anchor's gap states, in km ("some 30 km south of"), or None."""
    m = _STATED_DISTANCE.search(gap)
    if m is None:
        return None
    km = float(m.group(1).replace(",", ""))
    if m.group(2).lower() == "miles":
        km *= 1.609344
    return km


def _share_plural_cues(text: str, found: list[Found]) -> None:
    """ "the Rivne and Volyn regions", "Kharkiv, Sumy and Chernihiv oblasts": a
    plural cue names every name of the list as a unit (updates found in place)."""
    plural = [False] * len(found)
    for k in range(len(found) - 1, -1, -1):
        f = found[k]
        if f.kind != "place":
            continue
        if f.cue == "admin" and _fold(f.text.rsplit(None, 1)[-1]) in PLURAL_CUES:
            plural[k] = True
        elif (
            (f.cue is None or f.cue == "feature")
            and k + 1 < len(found)
            and plural[k + 1]
            and _LIST_GAP.match(text[f.end : found[k + 1].start])
        ):
            found[k] = Found(f.start, f.end, f.text, f.key, f.kind, "admin", f.near)
            plural[k] = True


# How a gap before a parent may open (after white space): a comma, or the "i"
# of "in" as a case-insensitive regex matches it.
_PARENT_HEADS = frozenset([",", "i", "I", "\u0130", "\u0131"])
# How the last word of a gap before a parent ends, after "in" ("in the", "in
# eastern", "in the south of"): the last letters of "in", "the", "of", the
# directions, "central", "centre", "center" and of _PARENT_ADJECTIVE's words
# ("neighbouring", "nearby", "occupied") in either case (no character
# but such a letter matches one of them in a case-insensitive regex). The
# comma of "X, Ukraine" alone is read without a regex: _IN_BEFORE_PARENT
# cannot match there.
_PARENT_TAILS = frozenset("nethlfrgydNETHLFRGYD")
_PARENT_OPENING = re.compile(rf"\s*([{''.join(sorted(_PARENT_HEADS))}])")  # group 1: the head


def _relate(text: str, found: list[Found]) -> list[Found]:
    """Link each place to a parent ("X, Ukraine", "Ukraine's X", "X in eastern
    Ukraine") and to an anchor ("X ..., south of Y")."""
    places = [k for k, f in enumerate(found) if f.kind == "place"]
    out = list(found)
    last = len(places) - 1
    with_parent: list[int] = []  # positions in places of the places given a parent
    # ... and of those given an anchor after a comma ("X and Y, villages south of Z")
    with_anchor: list[int] = []
    prev_k = prev_end = -1  # the place before: its index and end
    for pos, k in enumerate(places):
        f = found[k]
        f_end = f.end
        parent = anchor = None
        direction = None
        distance: float | None = None
        if pos < last:
            n = places[pos + 1]
            end = found[n].start
            # Each parent pattern opens with a comma or "in" (in any case, as the
            # regex reads it): most gaps open otherwise and skip the regexes.
            # The gap's first character but white space, read in place for most.
            head = text[f_end : f_end + 1] if f_end < end else ""
            if head.isspace():
                head = text[f_end + 1 : f_end + 2] if f_end + 1 < end else ""
                if head.isspace():
                    opening = _PARENT_OPENING.match(text, f_end, end)
                    head = "" if opening is None else opening[1]
            if head in _PARENT_HEADS:
                gap = text[f_end:end]
                if head == "," and gap.strip() == ",":  # as _COMMA_BEFORE_PARENT matches
                    if not (f.cue == "admin" and found[n].cue == "admin"):  # listed units
                        parent = n
                elif head == "," and _COMMA_QUALIFIED_PARENT.fullmatch(gap):
                    parent = n  # "DONETSK, Russian-controlled Ukraine"
                elif (
                    gap[-1:].isspace()
                    and gap.rstrip()[-1:] in _PARENT_TAILS
                    and (
                        _IN_BEFORE_PARENT.match(gap)
                        or (head == "," and _APPOSITIVE_PARENT.match(gap))
                    )
                ):
                    parent = n  # "X in Y", "Hit, a town on the Euphrates in Anbar province"
            if parent is None and _may_end_in_of(text, f_end, end):
                m = _ANCHOR_GAP.match(text[f_end:end])
                stated = _stated_km(m.group(0)) if m else None
                # A farther stated distance than the resolver checks is no hard
                # clue: "Yavas, some 450 kilometres southeast of Moscow".
                if m and (stated is None or stated <= ANCHOR_REACH_KM):
                    anchor = n
                    direction = _compass(m.group("dir"))
                    distance = stated
                    if m.group(0).lstrip()[:1] == ",":
                        with_anchor.append(pos)
            elif (
                parent is None
                and head == ","
                and text[end - 2 : end - 1] in "mM"
                and (m := _FROM_GAP.match(text, f_end, end)) is not None
                and (stated := _stated_km(m.group(0))) is not None
                and stated <= ANCHOR_REACH_KM
            ):
                anchor, distance = n, stated  # "Bucha, 25 km from Kyiv"
                with_anchor.append(pos)
        if parent is None and anchor is None and text[f_end : f_end + 1] == ",":
            # The resolver tries each town named before for these: "Verbivka,
            # just north of the town", a direction with no anchor named, and
            # "Oleksandrivka, a settlement 15 km upriver", a distance alone.
            if (
                text[f_end + 2 : f_end + 3] in _THE_TOWN_STARTS
                and (town := _THE_TOWN.match(text, f_end)) is not None
            ):
                direction = _compass(town.group("dir"))
                distance = _stated_km(town.group(0))
            elif (
                _FIGURE.search(text, f_end, f_end + 48) is not None
                and (away := _THE_TOWN_AWAY.match(text, f_end, f_end + 80)) is not None
            ):
                distance = _stated_km(away.group(0))
        if (
            parent is None
            and prev_k >= 0
            and text[prev_end : prev_end + 1] in _APOSTROPHE_SET
            and _POSSESSIVE_GAP.fullmatch(text, prev_end, f.start)
        ):
            parent = prev_k
        if parent is not None or anchor is not None or direction is not None or distance:
            out[k] = Found(
                f.start,
                f_end,
                f.text,
                f.key,
                f.kind,
                f.cue,
                f.near,
                parent,
                anchor,
                direction,
                distance,
            )
            if parent is not None:
                with_parent.append(pos)
        prev_k, prev_end = k, f_end
    # "Rafah and Khan Yunis in the south of the Gaza Strip": the list shares the
    # parent, from the place that has it back over the list.
    _share_over_list(
        text,
        out,
        places,
        with_parent,
        lambda nxt: _IN_BEFORE_PARENT.match(text[nxt.end : found[nxt.parent].start]) is not None,  # type: ignore[index]
        lambda f, nxt: Found(
            f.start, f.end, f.text, f.key, f.kind, f.cue, f.near, nxt.parent, None, None
        ),
    )
    # "Kamianske and Stepnohirsk, front-line villages south of Zaporizhzhia": an
    # anchor given after a comma describes the whole list before it.
    _share_over_list(
        text,
        out,
        places,
        with_anchor,
        lambda nxt: True,
        lambda f, nxt: f._replace(
            anchor=nxt.anchor, direction=nxt.direction, distance_km=nxt.distance_km
        ),
    )
    # "Desna, a village 55 km north of Kyiv in the Chernihiv region": a unit
    # after the anchor places the place the phrase is about, not the anchor.
    for k in places:
        f = out[k]
        at = f.anchor
        if at is None or f.parent is not None:
            continue
        held_by = out[at].parent
        if (
            held_by is not None
            and out[held_by].cue == "admin"
            and _IN_BEFORE_PARENT.match(text[out[at].end : out[held_by].start])
        ):
            out[k] = f._replace(parent=held_by)
            out[at] = out[at]._replace(parent=None)
    return out


def _share_over_list(
    text: str,
    out: list[Found],
    places: list[int],
    given: list[int],
    clue_fits: Callable[[Found], bool],
    share: Callable[[Found, Found], Found],
) -> None:
    """Give the clue of each place at the positions `given` (in places) back
    over the list before it ("X, Y and Z in ..."): to each earlier member
    parted from the next by a list gap, with no parent or anchor of its own,
    while clue_fits the member after it (updates out in place)."""
    for pos in reversed(given):
        nxt = out[places[pos]]
        while pos > 0:
            pos -= 1
            k = places[pos]
            f = out[k]
            if not (
                f.parent is None
                and f.anchor is None
                and clue_fits(nxt)
                and _LIST_GAP.match(text[f.end : nxt.start])
            ):
                break
            nxt = out[k] = share(f, nxt)


def _may_end_in_of(text: str, start: int, end: int) -> bool:
    """False when _ANCHOR_GAP cannot match the gap text[start:end]: it ends in
    white space, "of" in any case and white space (every gap between two places
    that holds an "of" went to the regex before, most of them in vain). As the
    check was first written, the "of" must also lie in the gap's last 64
    characters, unless those are all white space.

    Runs for every gap between two places, most of which end in one space after
    a word: the character before that space rules them out without a slice of
    the gap (no character lower-cases to "f" but "f" and "F").
    """
    if end - start < 4 or not text[end - 1].isspace():
        return False
    c = text[end - 2]
    if c != "f" and c != "F" and not c.isspace():
        return False
    gap = text[start:end]
    tail = gap.rstrip()
    if not (tail[-2:].lower() == "of" and tail[-3:-2].isspace()):
        return False
    last = gap[-64:]
    return "of" in last.lower() or last.isspace()


def _compass(word: str) -> str:
    """ "north-east" / "northeast" / "North East" -> "northeast"."""
    return re.sub(r"[-\s]", "", word.lower())


def parse_query(query: str) -> tuple[str, str | None]:
    """Split a geocode query into its name and cue: "Rivne region" -> ("Rivne", "admin").

    Also understands "the city of X" and "X Oblast" in any case.
    """
    q = query.strip()
    m = re.match(r"^(?:the\s+)?(city|town|village)\s+of\s+(.+)$", q, re.I)
    if m:
        return m.group(2).strip(), "village" if m.group(1).lower() == "village" else "city"
    words = q.split()
    if len(words) > 1 and fold(words[-1]) in ADMIN_CUES:
        return " ".join(words[:-1]), "admin"
    return q, None
