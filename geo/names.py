"""Name normalisation shared by the index builder and every query.

Both sides must fold a name the same way, or "Irpin’", "IRPIN" and "Irpin"
would be three different keys. Folding is deliberately lossy (diacritics,
apostrophes, hyphens): the resolver, not the key, decides between namesakes.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# Apostrophe-like marks: ASCII, typographic right/left quote, modifier letter
# apostrophe and prime, acute and grave used as apostrophes, Hebrew geresh.
APOSTROPHES = "'\u2019\u2018\u02bc\u02b9\u02bb\u00b4`\u2032\u05f3"
# Hyphen-like marks: ASCII, hyphen, non-breaking hyphen, figure/en/em dash, minus.
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212"

_POSSESSIVE = re.compile(f"[{APOSTROPHES}]s$", re.IGNORECASE)
_APOSTROPHE = re.compile(f"[{APOSTROPHES}]")
_SEPARATORS = re.compile(f"[{HYPHENS}\\s_]+")
_PERIODS = re.compile(r"\.")
# Anything outside Latin (with extensions and combining marks), spacing
# modifiers, Cyrillic and general punctuation.
_OTHER_SCRIPT = re.compile("[^\u0000-\u036f\u0400-\u052f\u1e00-\u1eff\u2000-\u206f]")


def strip_possessive(word: str) -> str:
    """Drop a trailing possessive "'s" (any apostrophe): "Ukraine’s" -> "Ukraine"."""
    return _POSSESSIVE.sub("", word)


def fold(name: str) -> str:
    """Fold a name to its index key.

    Casefolds, strips diacritics (also on Cyrillic: й -> и, ї -> і), removes
    apostrophes and periods ("U.S." -> "us"), turns hyphens and runs of
    whitespace into one space and drops a trailing possessive.
    """
    text = strip_possessive(name.strip())
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = text.casefold()
    text = _APOSTROPHE.sub("", text)
    text = _PERIODS.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    return text.strip()


# Longest name a message quotes whole; a longer one (pasted text, a runaway
# field) is cut, with its length said, so that the message stays readable.
QUOTE_LIMIT = 60


def quoted(name: str, limit: int = QUOTE_LIMIT) -> str:
    """The name as a message quotes it: repr() when short, else its start and
    end around an ellipsis with its length ("'Kyi…yiv' (10,000 characters)")."""
    if len(name) <= limit:
        return repr(name)
    half = limit // 2
    return f"{name[:half] + '…' + name[-half:]!r} ({len(name):,} characters)"


def is_latin_or_cyrillic(name: str) -> bool:
    """True when every letter of the name is Latin or Cyrillic script.

    English news uses these scripts; other scripts' alternate names would
    only bloat the index.
    """
    return name.isascii() or _OTHER_SCRIPT.search(name) is None


# Ukraine's national romanisation (Cabinet of Ministers resolution 55 of 2010),
# which Ukrainian officials and much of the press use: "Тячів" is "Tiachiv",
# where GeoNames has "Tyachiv". A pair is (word-initial, elsewhere).
_UKRAINIAN_LETTERS: dict[str, str | tuple[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e",
    "є": ("ye", "ie"), "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": ("yi", "i"),
    "й": ("y", "i"), "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ь": "", "ю": ("yu", "iu"), "я": ("ya", "ia"),
}  # fmt: skip
_RUSSIAN_ONLY = frozenset("ыэъё")


def romanize_ukrainian(name: str) -> str | None:
    """A Ukrainian Cyrillic name in the national romanisation ("Опішня" ->
    "Opishnia"), or None for a name with other letters or with letters only
    Russian has (a Russian spelling romanised so would be neither's)."""
    out: list[str] = []
    prev = ""
    for ch in name:
        low = ch.lower()
        if low in _RUSSIAN_ONLY:
            return None
        if ch in APOSTROPHES:
            continue
        piece = _UKRAINIAN_LETTERS.get(low)
        if piece is None:
            if ch.isalpha():
                return None
            out.append(ch)
            prev = ch
            continue
        if isinstance(piece, tuple):
            piece = piece[0] if not prev.isalpha() else piece[1]
        elif low == "г" and prev.lower() == "з":
            piece = "gh"  # "зг" is "zgh": Згурівка, Zghurivka
        if ch.isupper() and piece:
            piece = piece[0].upper() + piece[1:]
        out.append(piece)
        prev = ch
    text = "".join(out)
    return text if any(c.isalpha() for c in text) else None


# How alike (difflib's ratio) a key must be to a place's own name to be a
# spelling of it rather than another name of it.
UNLIKE_RATIO = 0.55


def unlike(key: str, name: str) -> bool:
    """True when a Latin-script key looks nothing like the place's own name
    ("petropolis" for Saint Petersburg, "osypenko" for Berdyansk), unlike a
    transliteration ("kiev", "tiachiv")."""
    if not key.isascii():
        return False  # a Cyrillic name is the place's own name in its language
    return SequenceMatcher(None, key, fold(name)).ratio() < UNLIKE_RATIO
