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

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
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
    ]
)
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
PLACE_FOLLOWERS = ADMIN_CUES | frozenset(
    ["mayor", "governor", "city", "region", "oblast", "province", "district", "raion", "airport"]
)
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
_CITY_BEFORE = re.compile(
    r"\b(?:city|town|village|settlement|suburb|capital|port|hamlet)\s+of\s+$", re.I
)
_IN_BEFORE_PARENT = re.compile(
    rf"^\s*(?:,\s*)?in\s+(?:the\s+)?(?:(?:{_DIR})(?:ern)?\s+|central\s+"
    rf"|(?:{_DIR}|centre|center)\s+of\s+(?:the\s+)?)?$",
    re.I,
)
_COMMA_BEFORE_PARENT = re.compile(r"^\s*,\s*$")
_ANCHOR_GAP = re.compile(
    rf"^(?P<gap>[^.!?;]{{0,40}}?)\b(?P<dir>{_DIR})(?:ern)?\s+of\s+(?:the\s+(?:city|town|village)\s+of\s+)?$",
    re.I,
)
# What follows a dateline's place: ", Ukraine (AP)", " (Reuters) —", " — ".
_DATELINE_AFTER = re.compile(rf"\s*(?:,|\(|[{HYPHENS}])")
_SEGMENT_BREAK = re.compile('[.!?\n:;"“”\u2013\u2014]')
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
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
_UPPER = "".join(ch for ch in map(chr, [*range(0x41, 0x250), *range(0x400, 0x530)]) if ch.isupper())
_CAP_WORD = re.compile(
    rf"(?<![\w{APOSTROPHES}{HYPHENS}])(?:(?:[{_UPPER}]\.)(?:{_LETTER}\.)+"
    rf"|[{_UPPER}]{_LETTER}*(?:[{HYPHENS}{APOSTROPHES}]{_LETTER}+)*)"
)
_NEIGHBOUR_REACH = 48
_PREV_WORD = re.compile(rf"(?<![\w{APOSTROPHES}{HYPHENS}])({_WORD.pattern})$")
_NEXT_WORD = re.compile(rf"\W*?({_WORD.pattern})")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;]|\n)[\s\"'“”‘’(\[]*$")


@dataclass(frozen=True)
class Found:
    """One recognised name in a text.

    start/end cover what is shown to the user (the name plus a following cue
    word such as "region"); key is the folded name alone.
    """

    start: int
    end: int
    text: str
    key: str
    kind: Kind
    cue: str | None = None  # "admin" after "X region"; "city" after "the city of"
    near: bool = False  # "near X", "south of X": the event is near, not at, X
    parent: int | None = None  # index of a containing mention ("X, Ukraine")
    anchor: int | None = None  # index of a reference mention ("south of Sumy")
    direction: str | None = None  # compass direction of self from anchor


_fold = functools.lru_cache(maxsize=1 << 16)(fold)


class _Token(NamedTuple):
    """One word of the text; a named tuple because a long text makes one per
    capitalised word and its neighbours, and a tuple is the cheapest to create."""

    start: int
    end: int  # end of the name part (possessive excluded)
    text: str  # the raw word
    possessive: bool
    capitalised: bool
    all_caps: bool  # two or more letters, all upper case ("KYIV", "U.S.")


def _token(start: int, word: str) -> _Token:
    end = start + len(word)
    poss = len(word) > 3 and word[-1] == "s" and word[-2] in APOSTROPHES
    caps = word.isupper() and sum(ch.isalpha() for ch in word) >= 2
    return _Token(start, end - 2 if poss else end, word, poss, word[:1].isupper(), caps)


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


def _name_tokens(text: str) -> list[_Token]:
    """The words a name can involve: every capitalised word and the word either
    side of it ("the Rivne region", "Bosnia and Herzegovina"), in text order.

    Lower-case prose between names is skipped, which is what makes a scan of a
    long text fast; tokens that are not neighbours in the text are never
    treated as adjacent, because adjacency is checked on the text itself.
    """
    tokens: list[_Token] = []
    last_end = -1
    for m in _CAP_WORD.finditer(text):
        start = m.start()
        if start < last_end:
            continue
        if start > last_end:
            before = _word_before(text, start, last_end)
            if before is not None:
                tokens.append(before)
        word = m.group()
        tokens.append(_token(start, word))
        last_end = m.end()
        after = _NEXT_WORD.match(text, last_end)
        if after is not None and not after.group(1)[:1].isupper():
            tokens.append(_token(after.start(1), after.group(1)))
            last_end = after.end(1)
    return tokens


def sentence_initial(text: str, pos: int) -> bool:
    """True when pos starts a sentence, a line or the text."""
    window = text[max(0, pos - 16) : pos]
    if pos <= 16:
        window = "\n" + window
    return bool(_SENTENCE_END.search(window))


def _only_space_between(text: str, a: _Token, b: _Token) -> bool:
    """Adjacent words on one line: a headline's last word and the dateline under
    it ("visits Poland" / "LVIV, Ukraine") are not one name."""
    gap = text[a.start + len(a.text) : b.start]
    return gap != "" and gap.strip() == "" and "\n" not in gap


def _is_dateline(text: str, tokens: list[_Token], i: int, j: int) -> bool:
    """An all-caps dateline such as "KYIV, Ukraine (AP) —" at the start of a line."""
    first, last = tokens[i], tokens[j - 1]
    line_start = text.rfind("\n", 0, first.start) + 1
    if text[line_start : first.start].strip():
        return False
    return _DATELINE_AFTER.match(text, last.start + len(last.text)) is not None


def find(text: str, classify: Classify) -> list[Found]:
    """Recognise names in text: places and demonyms, in text order.

    ``classify(key)`` must return "place", "demonym", "stop" or None for a
    folded key. Returned offsets satisfy ``text[f.start:f.end] == f.text``.
    """
    if not text:
        return []
    tokens = _name_tokens(text)
    raw: list[tuple[int, int, str, Kind]] = []  # token span i..j, key, kind
    # Surnames met in full ("Lloyd Austin"): alone later in the text they are
    # the person again ("Austin said"), unless a parent follows ("Austin, Texas").
    persons: set[str] = set()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not tok.capitalised:
            i += 1
            continue
        hit = _longest_match(text, tokens, i, classify)
        if hit is None:
            i += 1
            continue
        j, key, kind = hit
        if kind == "place":
            verdict = _part_of_longer_name(text, tokens, i, j, classify)
            if verdict == "surname":
                persons.add(key)
            if verdict:
                i = j
                continue
            if key in persons and not text.startswith(",", tokens[j - 1].end):
                i = j
                continue
        if kind in ("place", "demonym"):
            raw.append((i, j, key, kind))
        i = j
    return _attach_cues(text, tokens, raw)


def _longest_match(
    text: str, tokens: list[_Token], i: int, classify: Classify
) -> tuple[int, str, Kind] | None:
    """Longest run of tokens from i whose folded text is known to classify."""
    end = i + 1
    limit = min(len(tokens), i + MAX_NAME_TOKENS)
    # Extend the run over capitalised words and inner connectors, stopping at
    # punctuation or at a possessive (which closes a name).
    while end < limit and not tokens[end - 1].possessive:
        nxt = tokens[end]
        if not _only_space_between(text, tokens[end - 1], nxt):
            break
        if not (nxt.capitalised or nxt.text in CONNECTORS):
            break
        end += 1
    for j in range(end, i, -1):
        last = tokens[j - 1]
        if not last.capitalised:
            continue
        caps = [t.all_caps for t in tokens[i:j]]
        span = text[tokens[i].start : last.end]
        key = _fold(span)
        kind = classify(key)
        if kind is None:
            continue
        if kind == "stop":
            return (j, key, "stop")
        if any(caps) and not _acronym_ok(text, tokens, i, j, span):
            continue
        return (j, key, kind)
    return None


def _acronym_ok(text: str, tokens: list[_Token], i: int, j: int, span: str) -> bool:
    """All-caps words match only as initialisms ("US", "UK") or in a dateline."""
    letters = [ch for ch in span if ch.isalpha()]
    if len(letters) <= 3 and j == i + 1:
        return True
    return _is_dateline(text, tokens, i, j)


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
    if j < len(tokens) and not last.possessive:
        nxt = tokens[j]
        # Two capitalised names in a row are one name ("Victoria Nuland"),
        # even when each alone is a place somewhere.
        if (
            nxt.capitalised
            and _only_space_between(text, last, nxt)
            and fold(nxt.text) not in PLACE_FOLLOWERS
        ):
            headline = _in_headline(text, tokens[i].start)
            if not headline:
                return "name"
    if i > 0:
        prev = tokens[i - 1]
        if prev.capitalised and not prev.possessive and _only_space_between(text, prev, tokens[i]):
            word = fold(prev.text)
            if prev.text[-1:].islower() and re.search(f"[{HYPHENS}]", prev.text):
                return ""  # an adjectival compound: "Russian-speaking Donbas"
            if word in TITLES:
                return "surname"
            if word in DIRECTION_ADJECTIVES or word in ADJECTIVES:
                return ""
            kind = classify(word)
            if kind in ("stop", "demonym"):
                return ""
            if headline is None:
                headline = _in_headline(text, tokens[i].start)
            if headline:
                return ""
            # A word opening the sentence is a first name unless it reads as an
            # adjective ("Besieged Mariupol"); any other capitalised word before
            # a place is one too ("Lloyd Austin", even though Lloyd is a place).
            if kind is None and sentence_initial(text, prev.start):
                return "" if word.endswith(_ADJECTIVE_ENDINGS) else "surname"
            return "surname"
    return ""


def _in_headline(text: str, pos: int) -> bool:
    """True when pos lies in a Title-Case stretch ("Russian Strikes Hit Power Plant
    In Kharkiv"), where capitals say nothing about names."""
    start = max(0, pos - 200)
    left = [m.end() for m in _SEGMENT_BREAK.finditer(text, start, pos)]
    seg_start = left[-1] if left else start
    m = _SEGMENT_BREAK.search(text, pos, pos + 200)
    seg_end = m.start() if m else min(len(text), pos + 200)
    words = _LONG_WORD.findall(text, seg_start, seg_end)
    if len(words) < 4:
        return False
    lower = sum(1 for w in words if not w[0].isupper())
    return lower <= len(words) // 8


# The last word of every phrase _CITY_BEFORE and _NEAR_BEFORE look for.
_CUE_ENDINGS = frozenset(["of", "near", "nearby", "outside", "around", "to"])


def _may_cue(before: str) -> bool:
    """False when neither _CITY_BEFORE nor _NEAR_BEFORE can match before: both end
    in one of _CUE_ENDINGS, then white space, then perhaps "the" and white space.

    Most names have no cue, and two regex searches over 40 characters for each
    of them cost a tenth of a long text's time. Non-ASCII text goes to the
    regexes, whose case-insensitive matching differs from casefold() there.
    """
    if not before[-1:].isspace():
        return False
    if not before.isascii():
        return True
    words = before.lower().split()
    if not words:
        return False
    if words[-1] in _CUE_ENDINGS:
        return True
    return words[-1] == "the" and len(words) > 1 and words[-2] in _CUE_ENDINGS


def _attach_cues(
    text: str, tokens: list[_Token], raw: list[tuple[int, int, str, Kind]]
) -> list[Found]:
    """Turn token matches into Found records with their cues and relations."""
    found: list[Found] = []
    for i, j, key, kind in raw:
        start, end = tokens[i].start, tokens[j - 1].end
        cue = None
        near = False
        if kind == "place":
            if j < len(tokens) and fold(tokens[j].text) in ADMIN_CUES:
                nxt = tokens[j]
                if _only_space_between(text, tokens[j - 1], nxt) and not tokens[j - 1].possessive:
                    cue = "admin"
                    end = nxt.end
            before = text[max(0, start - 40) : start]
            if _may_cue(before):
                if cue is None and _CITY_BEFORE.search(before):
                    cue = "city"
                near = bool(_NEAR_BEFORE.search(before))
        found.append(Found(start, end, text[start:end], key, kind, cue, near))
    _share_plural_cues(text, found)
    return _relate(text, found)


def _share_plural_cues(text: str, found: list[Found]) -> None:
    """ "the Rivne and Volyn regions", "Kharkiv, Sumy and Chernihiv oblasts": a
    plural cue names every name of the list as a unit (updates found in place)."""
    plural = [False] * len(found)
    for k in range(len(found) - 1, -1, -1):
        f = found[k]
        if f.kind != "place":
            continue
        if f.cue == "admin" and fold(f.text.rsplit(None, 1)[-1]) in PLURAL_CUES:
            plural[k] = True
        elif (
            f.cue is None
            and k + 1 < len(found)
            and plural[k + 1]
            and _LIST_GAP.match(text[f.end : found[k + 1].start])
        ):
            found[k] = Found(f.start, f.end, f.text, f.key, f.kind, "admin", f.near)
            plural[k] = True


def _relate(text: str, found: list[Found]) -> list[Found]:
    """Link each place to a parent ("X, Ukraine", "Ukraine's X", "X in eastern
    Ukraine") and to an anchor ("X ..., south of Y")."""
    places = [k for k, f in enumerate(found) if f.kind == "place"]
    out = list(found)
    for pos, k in enumerate(places):
        f = found[k]
        parent = anchor = None
        direction = None
        if pos + 1 < len(places):
            n = places[pos + 1]
            gap = text[f.end : found[n].start]
            listed_units = f.cue == "admin" and found[n].cue == "admin"
            if _IN_BEFORE_PARENT.match(gap) or (
                _COMMA_BEFORE_PARENT.match(gap) and not listed_units
            ):
                parent = n
            else:
                m = _ANCHOR_GAP.match(gap)
                if m:
                    anchor = n
                    direction = _compass(m.group("dir"))
        if parent is None and pos > 0:
            p = places[pos - 1]
            prev = found[p]
            gap = text[prev.end : f.start]
            if re.fullmatch(rf"[{APOSTROPHES}]s\s+", gap):
                parent = p
        if parent is not None or anchor is not None:
            out[k] = Found(
                f.start, f.end, f.text, f.key, f.kind, f.cue, f.near, parent, anchor, direction
            )
    # "Rafah and Khan Yunis in the south of the Gaza Strip": the list shares the parent.
    for pos in range(len(places) - 2, -1, -1):
        k, n = places[pos], places[pos + 1]
        f, nxt = out[k], out[n]
        if (
            f.parent is None
            and f.anchor is None
            and nxt.parent is not None
            and _IN_BEFORE_PARENT.match(text[nxt.end : found[nxt.parent].start])
            and _LIST_GAP.match(text[f.end : nxt.start])
        ):
            out[k] = Found(
                f.start, f.end, f.text, f.key, f.kind, f.cue, f.near, nxt.parent, None, None
            )
    return out


def _compass(word: str) -> str:
    """ "north-east" / "northeast" / "North East" -> "northeast"."""
    return re.sub(r"[-\s]", "", word.lower())


def parse_query(query: str) -> tuple[str, str | None]:
    """Split a geocode query into its name and cue: "Rivne region" -> ("Rivne", "admin").

    Also understands "the city of X" and "X Oblast" in any case.
    """
    q = query.strip()
    m = re.match(r"^(?:the\s+)?(?:city|town|village)\s+of\s+(.+)$", q, re.I)
    if m:
        return m.group(1).strip(), "city"
    words = q.split()
    if len(words) > 1 and fold(words[-1]) in ADMIN_CUES:
        return " ".join(words[:-1]), "admin"
    return q, None
