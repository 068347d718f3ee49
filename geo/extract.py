"""Article text + publication date → candidate events, by rules a reviewer can read.

The pipeline, for one article:

1. split the text into sentences (``geo.sentences``), keeping offsets;
2. find and resolve the places of the whole text at once (``Gazetteer.places``:
   the other places of the article are evidence for each one);
3. give each sentence its date (``geo.dates.sentence_date``);
4. match the sentence against ``RULES`` (trigger words → ACLED event type and
   sub-type), in priority order; the first rule that matches is the sentence's
   happening;
5. decide, for each place of the sentence, whether the happening is *at* it
   (``place_role``): a talks venue, a reference point ("south of Sumy"), an
   actor ("Moscow had agreed"), a country named in passing ("Ukraine's
   military") are not the place of a battle;
6. read the actors (``ACTOR_NOUNS``, demonyms, ``LEADERS``) and the
   fatalities (``FATALITY_PATTERNS``) of the sentence;
7. merge, within the article, rows of the same rule at the same place whose
   dates may overlap: one event per place per happening.

Everything is kept: a place the gazetteer abstains on becomes a row with empty
coordinates and the gazetteer's reason in ``unplaced_reason``. Notes are short
templates in our own words; the article's words stay in the article, reachable
through ``span_start``/``span_end``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from geo.articles import read_article
from geo.dates import DateRef, sentence_date
from geo.errors import DataError
from geo.events import SCHEMA
from geo.files import read_text_file
from geo.gazetteer import Gazetteer, Mention, Place
from geo.review import location_name
from geo.sentences import Sentence, split_sentences

"""Larger files are refused: no news article is this long, a data dump is."""

_I = re.IGNORECASE

# --- the rules -------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Trigger words → an ACLED event type and sub-type.

    ``violent`` rules (Battles, Explosions, violence against civilians) are
    never placed at a country's point and are silenced by the guards below;
    ``national`` rules may fall back to the country of the sentence when it
    names no smaller place (a cyberattack on a national operator);
    ``venue`` rules happen only at the place they are held in ("talks in
    Istanbul"); ``two_sided`` rules name a second actor (the other side);
    ``victims`` rules name the civilians of the place as the second actor.
    """

    name: str
    pattern: re.Pattern[str]
    event_type: str
    sub_event_type: str
    note: str  # template: {who} and {place}
    tags: tuple[str, ...] = ()
    violent: bool = False
    national: bool = False
    venue: bool = False
    two_sided: bool = False
    victims: bool = False
    government: bool = False  # actors are governments, not armed forces


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


SD, BATTLES, EXPLOSIONS = "Strategic developments", "Battles", "Explosions/Remote violence"
VAC = "Violence against civilians"

RULES: tuple[Rule, ...] = (
    Rule(
        "cyberattack",
        _rx(r"\bcyber[- ]?attacks?\b|\bhack(?:ed|ers?|ing)\b|\bDDoS\b"),
        SD, "Other", "Cyberattack on targets in {place}",
        tags=("cyber", "infrastructure"), national=True,
    ),
    Rule(
        "declared freed",
        _rx(r"\bdeclared\b[^.;]{0,60}?\b(?:liberated|freed)\b"),
        SD, "Other", "{who} declared {place} freed of enemy forces",
        tags=("statement",), government=True,
    ),
    Rule(
        "retook",
        _rx(
            r"\b(?:retook|retaken|recaptured|regained|liberated|took back|taken back|won back|"
            r"reclaimed|pushed\s+(?:\w+\s+){0,3}?(?:back|out))\b"
        ),
        BATTLES, "Government regains territory", "{who} retook {place}",
        violent=True, two_sided=True,
    ),
    Rule(
        "captured",
        _rx(r"\b(?:captured|seized|took control of|taken control of|overran|fell to)\b"),
        BATTLES, "Armed clash", "{who} took {place}",
        tags=("territory",), violent=True, two_sided=True,
    ),
    Rule(
        "attack on civilians",
        _rx(
            r"\b(?:executed|massacred?|tortured|abducted|kidnapped|shot dead|"
            r"bod(?:y|ies) of (?:\w+ )?civilians?)\b"
        ),
        VAC, "Attack", "Violence against civilians reported at {place}",
        violent=True, victims=True,
    ),
    Rule(
        "talks",
        _rx(r"\b(?:talks|negotiations?|discussions|summit|peace conference)\b"),
        SD, "Other", "Talks between the parties in {place}",
        tags=("diplomacy", "talks"), venue=True, government=True,
    ),
    Rule(
        "war aims",
        _rx(r"\b(?:war aims|(?:war |military )?objectives|main goal|strategic goals?)\b"),
        SD, "Change to group/activity", "{who} restated war aims centred on {place}",
        tags=("strategy",),
    ),
    Rule(
        "announced draw-down",
        _rx(
            r"\b(?:agreed|agrees|pledged|promised|will|would|plans?|intends?|vowed)\b"
            r"(?:\W+\w+){0,6}?\W+(?:reduce|cut back|scale back|draw\s?back|draw down|withdraw|"
            r"pull back|pull out|de-escalate)\b"
        ),
        SD, "Change to group/activity", "{who} announced reduced military activity near {place}",
        tags=("announcement",),
    ),
    Rule(
        "withdrawal",
        _rx(
            r"\b(?:withdrawals?|withdrew|withdrawn|retreat(?:ed|ing|s)?|pulled (?:back|out)|"
            r"pulling (?:back|out)|abandoned)\b"
        ),
        SD, "Change to group/activity", "{who} withdrawal reported at {place}",
        tags=("withdrawal",),
    ),
    Rule(
        "air strike",
        _rx(r"\b(?:air ?strikes?|air raids?|bombers?|drone strikes?|drones?|warplanes?)\b"),
        EXPLOSIONS, "Air/drone strike", "Air or drone strike reported at {place}",
        violent=True,
    ),
    Rule(
        "shelling",
        _rx(
            r"\b(?:missiles?|rockets?(?!\s+launchers?)|shell(?:ing|ed|s)|artillery|mortars?|"
            r"struck|strikes?|explosions?|blasts?|bombard(?:ed|ment))\b"
        ),
        EXPLOSIONS, "Shelling/artillery/missile attack",
        "Missile or artillery strike reported at {place}",
        violent=True,
    ),
    Rule(
        "fighting",
        _rx(
            r"\b(?:fighting|fought|clash(?:es|ed)?|battles?|battled|firefights?|ambush(?:ed)?|"
            r"skirmish(?:es)?|assault|offensive|counter-?attacks?|counteroffensive|attacked)\b"
        ),
        BATTLES, "Armed clash", "Fighting reported at {place}",
        violent=True, two_sided=True,
    ),
    Rule(
        "destruction",
        _rx(r"\b(?:destroyed|damaged|looted|razed|demolished)\b"),
        SD, "Looting/property destruction", "{who} destroyed property in {place}",
        victims=True,
    ),
    Rule(
        "protest",
        _rx(r"\b(?:protest(?:s|ers|ed)?|rall(?:y|ies|ied)|demonstrat(?:ion|ions|ors|ed))\b"),
        "Protests", "Peaceful protest", "Protest reported in {place}",
    ),
    Rule(
        "settlement statement",
        _rx(r"\b(?:deal|agreement|cease-?fire|neutrality|peace plan|compromise)\b"),
        SD, "Other", "{who} spoke of a settlement concerning {place}",
        tags=("diplomacy", "statement"), government=True,
    ),
)  # fmt: skip
"""The rules, in priority order: a sentence's happening is the first that matches."""

CONTENT_TAGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("religious sites", _rx(
        r"\b(?:church(?:es)?|mosques?|synagogues?|religious|cathedrals?|monaster\w*)\b"
    )),
    ("energy", _rx(r"\b(?:oil|fuel|gas|power (?:plant|station)|electricity|energy)\b")),
    ("infrastructure", _rx(
        r"\b(?:oil|fuel|depots?|bridges?|rail\w*|telecom\w*|power|water|airports?|ports?)\b"
    )),
)  # fmt: skip
"""Tags added when a sentence's words say what was hit."""

# --- guards: sentences and words that report no happening -----------------------------

NO_HAPPENING = _rx(
    r"\b(?:standstill|stalemate|stalled|lull)\b"  # a state of affairs, not an event
    r"|\bfor\s+(?:\w+\s+)?(?:years|decades)\b|\bsince\s+(?:19|20)\d\d\b|\bhas long\b"  # background
    r"|\bsince the (?:start|beginning|outbreak) of the war\b|\bsince the invasion\b"
)
"""Violent rules are silenced in a sentence that describes a state or a long past."""

MODAL_BEFORE = re.compile(
    r"\b(?:could|might|may|would|will|threaten\w*|warn\w*|fears?|feared|if|unless|not|no|"
    r"never|denied|plans?|ready to|to|untouched by|spared|without)\W+(?:\w+\W+){0,3}$",
    _I,
)
"""A violent trigger shortly after these words is hypothetical or denied: no event."""

_DIR = r"(?:north|south|east|west)(?:[- ]?(?:east|west))?(?:ern)?"
REFERENCE_BEFORE = re.compile(
    rf"\b(?:{_DIR}\s+of|(?:km|kilometers|kilometres|miles)\s+(?:\w+\s+)?(?:of|from)|"
    r"from|towards?\s+the\s+border\s+with)\s+(?:the\s+)?$",
    _I,
)
"""A place after these words is a reference point ("south of Sumy"), not the place."""

NEAR_BEFORE = re.compile(
    r"\b(?:near|outside|around|close to|on the outskirts of|outskirts of|suburbs? of|"
    r"in the direction of|towards?|direction of|in the vicinity of|approaches to)\s+(?:the\s+)?$",
    _I,
)
"""A town after these words is approximate: geo_precision 2."""

LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|across|throughout|inside|into|all over|within)\s+(?:the\s+)?(?:\w+\s+)?$", _I
)
"""A country after these words may be the place of a (non-violent) happening."""

MODIFIER_AFTER = re.compile(
    r"^\s+(?:suburbs?|outskirts|district|village|town|city|region)\s+of\b", _I
)
"""'the Kyiv suburb of Irpin': Kyiv names where Irpin is, the event is at Irpin."""

AGENT_AFTER = re.compile(
    r"^(?:\s+(?:has|had|have)\s+(?:long\s+|\w+ly\s+)?(?!been\b|seen\b|suffered\b|endured\b|"
    r"experienced\b|faced\b|come\b|become\b)\w+ed\b"
    r"|\s+(?:said|says|claimed|agreed|agrees|wants|wanted|insisted|insists|announced|denied|"
    r"accused|stated|demanded|appeared|appears|warned|threatened|responded|refused|"
    r"rejected|urged|hopes|hoped)\b)",
    _I,
)
"""A place followed by an agent's verb stands for its government ("Moscow had agreed")."""

CLAUSE_BREAK = re.compile(
    r"\s(?:as|while|whereas|but|although|though|meanwhile)\s|;|\s[—–]\s|\(", _I
)
"""A happening is at the places of its own clause: in 'the blasts came as the president
was in Warsaw', Warsaw is where the president was, not where the blasts were."""

POSSESSIVE_AFTER = re.compile(r"^['’]s\b")
VENUE_GAP = re.compile(r"\b(\w+)\s+(?:in|at)\s+(?:the\s+)?$", _I)
VENUE_AFTER = re.compile(r"^\s+(?:talks|negotiations|summit|peace conference)\b", _I)
NOT_A_VENUE = frozenset({"crisis", "war", "conflict", "fighting", "invasion", "attacks"})
"""'talks to end the crisis in Ukraine': the crisis is in Ukraine, the talks are not."""

# --- actors ------------------------------------------------------------------------

MILITARY_NOUNS = (
    r"forces|troops?|soldiers?|military|army|armed forces|units?|servicemen|artillery|navy|"
    r"air force|paratroopers|tanks?|missiles?|rockets?|drones?|warplanes|jets|aircraft|"
    r"shelling|strikes?|marines|battalions?|brigades?|defenders|fighters"
)
GOVERNMENT_NOUNS = (
    r"president|government|officials?|authorities|ministry|(?:foreign |defen[cs]e )?minister|"
    r"parliament|leader|negotiators|delegation|prime minister|spokes(?:man|woman|person)"
)
ACTOR_NOUNS = re.compile(
    rf"\b(?P<who>[A-Z][a-z]+)(?:['’]s)?\s+(?:(?P<mil>{MILITARY_NOUNS})|(?P<gov>{GOVERNMENT_NOUNS}))\b"
)
"""'Russian troops', 'Ukraine's military', 'the Ukrainian president'."""

THE_PEOPLE = re.compile(r"\bthe\s+(?P<who>[A-Z][a-z]+s)\b")
"""'the Ukrainians have retaken ...': a plural demonym after 'the' means the forces."""

TITLE_OF = re.compile(
    r"\b(?:mayor|governor|head|chief|administration|council)\s+of\s+[^,.;:]{0,40}$", _I
)
"""'The governor of Rivne region said': the place is the governor's, not an agent."""

LEADERS: dict[str, str] = {
    "zelensky": "UA", "zelenskyy": "UA", "zelenskiy": "UA", "kuleba": "UA", "reznikov": "UA",
    "podolyak": "UA", "arestovych": "UA", "klitschko": "UA",
    "putin": "RU", "peskov": "RU", "lavrov": "RU", "shoigu": "RU", "fomin": "RU",
    "medinsky": "RU", "konashenkov": "RU", "kremlin": "RU",
    "lukashenko": "BY", "erdogan": "TR", "biden": "US",
}  # fmt: skip
"""People and institutions who speak for a country, by surname (lower case)."""

REPORTING_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\s+){0,1}(?:said|says|stated|claimed|reported|announced|told|confirmed|"
    r"added|wrote|posted)\b",
    _I,
)
"""An actor followed by a reporting verb is the source of the news, not a party to it."""

OPPONENT: dict[str, str] = {"UA": "RU", "RU": "UA"}
"""The war's two sides: the other party of a battle that names only one."""

COUNTRY_NAMES: dict[str, tuple[str, str]] = {
    "UA": ("Ukraine", "Ukrainian"), "RU": ("Russia", "Russian"), "BY": ("Belarus", "Belarusian"),
    "US": ("United States", "US"), "TR": ("Turkey", "Turkish"), "PL": ("Poland", "Polish"),
    "MD": ("Moldova", "Moldovan"), "GB": ("United Kingdom", "British"),
}  # fmt: skip
MILITARY_NAMES: dict[str, str] = {
    "UA": "Military Forces of Ukraine (2019-)",
    "RU": "Military Forces of Russia (2000-)",
    "BY": "Military Forces of Belarus (1994-)",
}
GOVERNMENT_NAMES: dict[str, str] = {
    "UA": "Government of Ukraine (2019-)",
    "RU": "Government of Russia (2000-)",
    "BY": "Government of Belarus (1994-)",
}
"""ACLED actor names (with the years of the current government); others get a plain name."""

# --- fatalities --------------------------------------------------------------------

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12,
    "fifteen": 15, "twenty": 20,
}  # fmt: skip
_N = r"(?P<n>\d[\d,]*|" + "|".join(k for k in NUMBER_WORDS if k not in ("a", "an")) + ")"
_VICTIMS = r"(?:people|civilians|soldiers|troops|persons|residents|children|servicemen|others)"
FATALITY_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"\bkill(?:ed|ing)\s+(?:at least\s+|more than\s+|about\s+|some\s+)?{_N}\b", _I),
    re.compile(
        rf"\b{_N}\s+(?:\w+\s+)?{_VICTIMS}?\s*(?:were\s+|have been\s+|had been\s+|are\s+)?"
        r"(?:killed|dead|died)\b",
        _I,
    ),
    re.compile(r"\bthe\s+(?P<n>body)\s+of\s+(?:a|an|one)\b", _I),
    re.compile(rf"\bbodies\s+of\s+{_N}\b", _I),
)
"""Deaths stated in the sentence; the first pattern that matches wins."""


# --- working types -----------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """A party named in a sentence: its country and what kind of party it is.

    ``kind`` is "military" (Russian troops), "official" (the Ukrainian president,
    the mayor of Irpin) or "state" (a country or capital acting: "Moscow had
    agreed"), which may stand for either.
    """

    country: str
    kind: str
    start: int
    reporter: bool = False


@dataclass
class _Candidate:
    sentence: Sentence
    mention: Mention
    rule: Rule
    when: DateRef
    geo_precision: int | None
    actor1: str = ""
    actor2: str = ""
    fatalities: int | None = None
    tags: tuple[str, ...] = ()
    who: str = ""
    merged: list[_Candidate] = field(default_factory=list)


# --- public API ----------------------------------------------------------------------


def extract_events(
    text: str,
    published: date,
    *,
    gazetteer: Gazetteer,
    article_id: str,
    source: str = "",
    source_url: str = "",
) -> pd.DataFrame:
    """The events an article reports, one row per place per happening.

    ``text`` is the article exactly as received (span offsets index into it);
    ``published`` is its publication date, against which "late Monday" or
    "over the weekend" are resolved. Returns a table with the columns and
    dtypes of ``geo.events.SCHEMA`` (as ``read_events`` gives), ``event_id``
    ``f"{article_id}-{n:03d}"`` in text order. Rows whose place the gazetteer
    could not resolve have empty coordinates and an ``unplaced_reason``.
    Deterministic: the same text, date and gazetteer give the same table.
    """
    mentions = gazetteer.places(text)
    candidates: list[_Candidate] = []
    by_sentence = _mentions_by_sentence(split_sentences(text), mentions)
    for sentence, inside in by_sentence:
        if sentence.heading or not inside:
            continue
        candidates.extend(_sentence_events(sentence, inside, published, gazetteer))
    merged = _merge_within_article(candidates)
    rows = [
        _row(c, n, published, article_id, source, source_url) for n, c in enumerate(merged, start=1)
    ]
    return _table(rows)


def extract_article(path: Path, published: date | None, *, gazetteer: Gazetteer) -> pd.DataFrame:
    """``extract_events`` for a UTF-8 text file, with metadata from the .json beside it.

    ``published`` defaults to the metadata's ``published``; the article id,
    source and URL come from the metadata too (else the file's stem). Raises
    DataError for a missing, empty, binary, non-UTF-8 or too large (> 50 MB) file,
    or when no publication date is known.
    """
    path = Path(path)
    text = read_text_file(path)
    if not text.strip():
        raise DataError(f"{path}: the article is empty. Fix: give a file with the report's text.")
    article = read_article(path)
    when = published or article.published
    if when is None:
        raise DataError(
            f"{path}: no publication date: none given and no 'published' in "
            f"{path.with_suffix('.json').name}. Fix: pass --published YYYY-MM-DD."
        )
    return extract_events(
        text,
        when,
        gazetteer=gazetteer,
        article_id=article.article_id,
        source=article.source,
        source_url=article.source_url,
    )


# --- one sentence --------------------------------------------------------------------


def _mentions_by_sentence(
    sentences: Sequence[Sentence], mentions: Sequence[Mention]
) -> list[tuple[Sentence, list[Mention]]]:
    out: list[tuple[Sentence, list[Mention]]] = []
    i = 0
    ordered = sorted(mentions, key=lambda m: m.start)
    for s in sentences:
        while i < len(ordered) and ordered[i].start < s.start:
            i += 1
        inside = []
        j = i
        while j < len(ordered) and ordered[j].end <= s.end:
            inside.append(ordered[j])
            j += 1
        i = j
        out.append((s, inside))
    return out


def match_rule(sentence: str, *, skip: Sequence[str] = ()) -> tuple[Rule, re.Match[str]] | None:
    """The first rule whose trigger appears in the sentence and is not guarded."""
    quiet = NO_HAPPENING.search(sentence) is not None
    for rule in RULES:
        if rule.name in skip or (rule.violent and quiet):
            continue
        for m in rule.pattern.finditer(sentence):
            if rule.violent and MODAL_BEFORE.search(sentence, 0, m.start()):
                continue
            return rule, m
    return None


def place_role(sentence: Sentence, mention: Mention, text_before: str, text_after: str) -> str:
    """What a place is to its sentence: "place", "near", "reference", "actor", "modifier",
    "passing" (a country named but not as the scene) or "venue" (after 'talks in')."""
    place = mention.resolution.place
    if MODIFIER_AFTER.match(text_after):
        return "modifier"
    if REFERENCE_BEFORE.search(text_before):
        return "reference"
    if AGENT_AFTER.match(text_after) and not TITLE_OF.search(text_before):
        return "actor"
    if VENUE_AFTER.match(text_after):
        return "venue"
    gap = VENUE_GAP.search(text_before)
    if gap and gap.group(1).lower() not in NOT_A_VENUE:
        talks = RULES_BY_NAME["talks"].pattern
        lead = text_before[: gap.start(1) + len(gap.group(1))]
        last = list(talks.finditer(lead))
        if last and len(lead) - last[-1].end() <= 45:
            return "venue"
    if place is not None and place.feature == "country":
        if POSSESSIVE_AFTER.match(text_after):
            return "passing"
        return "country" if LOCATIVE_BEFORE.search(text_before) else "passing"
    if NEAR_BEFORE.search(_before_list(text_before)):
        return "near"
    return "place"


RULES_BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}

_LIST_TAIL = re.compile(
    r"(?:[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+))+$"
)


def _before_list(text_before: str) -> str:
    """The text before a list of places ("near Kyiv and Chernihiv": 'near ' for both)."""
    m = _LIST_TAIL.search(text_before)
    return text_before[: m.start()] if m else text_before


def _sentence_events(
    sentence: Sentence, mentions: Sequence[Mention], published: date, gazetteer: Gazetteer
) -> list[_Candidate]:
    s = sentence.text
    matched = match_rule(s, skip=("talks",))
    talks = RULES_BY_NAME["talks"]
    when = sentence_date(s, published)
    actors = _actors(sentence, mentions, gazetteer)
    roles: list[tuple[Mention, str]] = []
    for m in mentions:
        a, b = m.start - sentence.start, m.end - sentence.start
        roles.append((m, place_role(sentence, m, s[:a], s[b:])))
    smaller = any(
        role in ("place", "near") for _, role in roles
    )  # a sentence with a town needs no country fallback
    out: list[_Candidate] = []
    seen: set[tuple[object, str]] = set()
    for m, role in roles:
        rule = _rule_for(role, matched[0] if matched else None, smaller)
        a = m.start - sentence.start
        if rule is not None and role != "passing" and not _same_clause(s, rule, a):
            rule = None
        if role == "venue" and talks.pattern.search(s):
            rule = talks
        if rule is None:
            continue
        place = m.resolution.place
        key = (place.geonameid if place and place.geonameid else m.text.casefold(), rule.name)
        if key in seen:
            continue
        seen.add(key)
        out.append(_candidate(sentence, m, rule, role, when, actors))
    return out


def _same_clause(sentence: str, rule: Rule, at: int) -> bool:
    """True when an unguarded trigger of the rule shares a clause with offset ``at``."""
    breaks = [b.start() for b in CLAUSE_BREAK.finditer(sentence)]
    for m in rule.pattern.finditer(sentence):
        if rule.violent and MODAL_BEFORE.search(sentence, 0, m.start()):
            continue
        lo, hi = sorted((m.start(), at))
        if not any(lo < b < hi for b in breaks):
            return True
    return False


def _rule_for(role: str, rule: Rule | None, smaller: bool) -> Rule | None:
    """The sentence's rule applies to a place of this role, or not (None)."""
    if rule is None or role in ("place", "near"):
        return rule
    if role == "country" and not rule.violent:
        return rule  # "destroyed ... across Ukraine": never a battle at a country's point
    if role == "passing" and rule.national and not smaller:
        return rule  # "Ukraine's national operator ... cyberattack"
    return None


def _geo_precision(place: Place | None, role: str, resolved: int | None) -> int | None:
    """ACLED geo_precision: 1 the town, 2 near it, 3 a region or country; None if unplaced."""
    if place is None:
        return None
    ours = 3 if place.feature != "city" else (2 if role == "near" else 1)
    return max(ours, resolved or 1)


def _candidate(
    sentence: Sentence,
    mention: Mention,
    rule: Rule,
    role: str,
    when: DateRef,
    actors: Sequence[Actor],
) -> _Candidate:
    place = mention.resolution.place
    precision = _geo_precision(place, role, mention.resolution.precision)
    actor1, actor2, who = _roles(rule, actors, place)
    tags = list(rule.tags)
    tags += [tag for tag, rx in CONTENT_TAGS if rx.search(sentence.text) and tag not in tags]
    deaths = _fatalities(sentence.text) if rule.violent else None
    return _Candidate(
        sentence, mention, rule, when, precision, actor1, actor2, deaths, tuple(tags), who
    )


def _actors(sentence: Sentence, mentions: Sequence[Mention], gazetteer: Gazetteer) -> list[Actor]:
    """The parties a sentence names, in text order."""
    s = sentence.text
    found: list[Actor] = []
    for m in ACTOR_NOUNS.finditer(s):
        country = gazetteer.demonym(m.group("who")) or _country_of_name(m.group("who"), mentions)
        if country:
            reporter = REPORTING_AFTER.match(s[m.end() :]) is not None
            kind = "military" if m.group("mil") is not None else "official"
            found.append(Actor(country, kind, m.start(), reporter))
    for m in THE_PEOPLE.finditer(s):
        country = gazetteer.demonym(m.group("who"))
        if country:
            found.append(Actor(country, "military", m.start()))
    for word in re.finditer(r"\b[A-Z][a-z]+\b", s):
        country = LEADERS.get(word.group().lower())
        if country:
            reporter = REPORTING_AFTER.match(s[word.end() :]) is not None
            found.append(Actor(country, "official", word.start(), reporter))
    for mention in mentions:
        place = mention.resolution.place
        if place is None or not place.country:
            continue
        a, b = mention.start - sentence.start, mention.end - sentence.start
        if AGENT_AFTER.match(s[b:]) and not TITLE_OF.search(s[:a]):
            # "Moscow had agreed": the capital or the country speaks for its state.
            reporter = REPORTING_AFTER.match(s[b:]) is not None
            found.append(Actor(place.country, "state", a, reporter))
        elif TITLE_OF.search(s[:a]):
            found.append(Actor(place.country, "official", a))
    found.sort(key=lambda x: x.start)
    return found


def _country_of_name(word: str, mentions: Sequence[Mention]) -> str | None:
    """'Ukraine's military': the country a country name stands for."""
    for m in mentions:
        place = m.resolution.place
        if place is not None and place.feature == "country" and m.text == word:
            return place.country
    return None


def _actor_name(country: str, military: bool) -> str:
    names = MILITARY_NAMES if military else GOVERNMENT_NAMES
    if country in names:
        return names[country]
    label = COUNTRY_NAMES.get(country, (country, country))[0]
    return f"{'Military Forces' if military else 'Government'} of {label}"


def _roles(rule: Rule, actors: Sequence[Actor], place: Place | None) -> tuple[str, str, str]:
    """actor1, actor2 and the short words for actor1 used in notes ("Ukrainian forces")."""
    if rule.government:
        preference: tuple[str, ...] = ("official", "state", "military")
    else:  # armed forces act; officials who only speak do not
        preference = ("military", "state")
    parties: list[Actor] = []
    for kind in preference:
        parties = [a for a in actors if a.kind == kind and not a.reporter]
        if parties:
            break
    if rule.name == "talks":
        countries = list(dict.fromkeys(a.country for a in actors))
    else:
        countries = list(dict.fromkeys(a.country for a in parties))
    first = countries[0] if countries else ""
    military = not rule.government
    actor1 = _actor_name(first, military) if first else ""
    actor2 = ""
    if rule.two_sided and first:
        other = next((c for c in countries[1:] if c != first), OPPONENT.get(first, ""))
        actor2 = _actor_name(other, True) if other else ""
    elif rule.name == "talks" and len(countries) > 1:
        actor2 = _actor_name(countries[1], False)
    elif rule.victims and place is not None and place.country:
        label = COUNTRY_NAMES.get(place.country, (place.country_name or place.country, ""))[0]
        actor2 = f"Civilians ({label})"
    adjective = COUNTRY_NAMES.get(first, ("", ""))[1] if first else ""
    if not first:
        who = "Unidentified forces" if military else "Officials"
    elif military:
        who = f"{adjective or first} forces"
    else:
        who = f"{adjective or first} officials"
    return actor1, actor2, who


def _fatalities(sentence: str) -> int | None:
    for pattern in FATALITY_PATTERNS:
        m = pattern.search(sentence)
        if m is None:
            continue
        word = m.group("n").lower().replace(",", "")
        if word == "body":
            return 1
        if word.isdigit():
            return int(word)
        if word in NUMBER_WORDS:
            return NUMBER_WORDS[word]
    return None


# --- the article ------------------------------------------------------------------------

_PRECISION_RANK = {"day": 0, "week": 1, "month": 2}
_HALF_WIDTH = {"day": 0, "week": 3, "month": 15}


def _place_key(c: _Candidate) -> object:
    place = c.mention.resolution.place
    if place is not None:
        return place.geonameid if place.geonameid is not None else (place.name, place.feature)
    return c.mention.text.casefold()


def _overlap(a: DateRef, b: DateRef) -> bool:
    da, db = a.day.toordinal(), b.day.toordinal()
    return abs(da - db) <= _HALF_WIDTH[a.precision] + _HALF_WIDTH[b.precision]


def _merge_within_article(candidates: Sequence[_Candidate]) -> list[_Candidate]:
    """One event per place per happening: rows of the same rule at the same place whose
    dates may overlap collapse into the one with the most precise date."""
    kept: list[_Candidate] = []
    for c in candidates:
        twin = next(
            (
                k
                for k in kept
                if k.rule.name == c.rule.name
                and _place_key(k) == _place_key(c)
                and _overlap(k.when, c.when)
            ),
            None,
        )
        if twin is None:
            kept.append(c)
            continue
        if _PRECISION_RANK[c.when.precision] < _PRECISION_RANK[twin.when.precision]:
            better = replace(c, merged=[*twin.merged, twin])
            if twin.fatalities is not None and better.fatalities is None:
                better.fatalities = twin.fatalities
            kept[kept.index(twin)] = better
        else:
            twin.merged.append(c)
            if twin.fatalities is None:
                twin.fatalities = c.fatalities
    return sorted(kept, key=lambda k: (k.sentence.start, k.mention.start))


def _location_name(place: Place | None, mention: Mention) -> str:
    return mention.text if place is None else location_name(place)


def _row(
    c: _Candidate,
    n: int,
    published: date,
    article_id: str,
    source: str,
    source_url: str,
) -> dict[str, str]:
    place = c.mention.resolution.place
    location = _location_name(place, c.mention)
    near = place is not None and place.feature == "city" and c.geo_precision == 2
    note = c.rule.note.format(who=c.who, place=f"an area near {location}" if near else location)
    note = note[0].upper() + note[1:]
    note += f" (reported {published.isoformat()}"
    note += f"; {c.fatalities} killed)" if c.fatalities else ")"
    return {
        "event_id": f"{article_id}-{n:03d}",
        "event_date": c.when.day.isoformat(),
        "date_precision": c.when.precision,
        "event_type": c.rule.event_type,
        "sub_event_type": c.rule.sub_event_type,
        "actor1": c.actor1,
        "actor2": c.actor2,
        "location": location,
        "admin1": (place.admin1 or "") if place and place.feature == "city" else "",
        "country": place.country_name if place else "",
        "latitude": f"{place.latitude:.5f}" if place else "",
        "longitude": f"{place.longitude:.5f}" if place else "",
        "geo_precision": str(c.geo_precision) if c.geo_precision else "",
        "geonameid": str(place.geonameid) if place and place.geonameid is not None else "",
        "fatalities": str(c.fatalities) if c.fatalities is not None else "",
        "notes": note,
        "tags": ";".join(c.tags),
        "source": source,
        "source_url": source_url,
        "article_id": article_id,
        "span_start": str(c.sentence.start),
        "span_end": str(c.sentence.end),
        "unplaced_reason": "" if place else (c.mention.resolution.reason or "not resolved"),
        "source_count": "1",  # one article; merging reports of one happening adds them up
    }


def _table(rows: list[dict[str, str]]) -> pd.DataFrame:
    """Typed columns built directly (the rows are ours and well-formed: validating them
    with ``geo.events.validate`` cost more than the extraction itself)."""
    columns: dict[str, object] = {}
    for column, dtype in SCHEMA.items():
        values = [r[column] for r in rows]
        if dtype == "string":
            columns[column] = pd.array([v or None for v in values], dtype="string")
        elif dtype == "category":
            columns[column] = pd.Categorical([v or None for v in values])
        elif dtype.startswith("datetime"):
            columns[column] = pd.to_datetime(pd.Series(values, dtype=object)).astype(dtype)
        elif dtype == "Float64":
            columns[column] = pd.array([float(v) if v else None for v in values], dtype=dtype)
        else:
            columns[column] = pd.array([int(v) if v else None for v in values], dtype=dtype)
    return pd.DataFrame(columns)
