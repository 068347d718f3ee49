"""One exception hierarchy for newsmap.

Each class is also a builtin (ValueError, OSError, LookupError) so callers that
know nothing of newsmap can still catch it. Messages say what was expected,
what came, and how to fix it.
"""

from __future__ import annotations


class NewsmapError(Exception):
    """Base class of every error newsmap raises on purpose."""


class DataError(NewsmapError, ValueError):
    """Input data (an events file, an article, a date) is not what was expected."""


class GazetteerError(NewsmapError, LookupError):
    """The offline gazetteer cannot be built, opened or queried."""


class GeocodingError(NewsmapError, OSError):
    """An online geocoding service could not be asked (timeout, refusal, bad config)."""


class ExportError(NewsmapError, OSError):
    """A map or table could not be written."""
