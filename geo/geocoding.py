"""The geocoder chain: the offline gazetteer first, an online service only if asked.

Online geocoding is opt-in and only for names the gazetteer does not know at
all. A name the gazetteer resolves is never sent; neither is one it abstains
on between namesakes (it knew the candidates; a service would only guess) nor
a demonym. When the service fails, the offline answer stands, with the reason.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from geo.errors import GeocodingError
from geo.gazetteer import Gazetteer, Resolution


class OnlineService(Protocol):
    """What the chain needs of an online geocoder (geo.online.OnlineGeocoder)."""

    def geocode(self, name: str) -> Resolution | None:
        """A resolution, None when not found; GeocodingError when it cannot ask."""
        ...


class Geocoder:
    """Gazetteer, then (opt-in) an online service for names the gazetteer lacks."""

    def __init__(self, gazetteer: Gazetteer, online: OnlineService | None = None) -> None:
        self.gazetteer = gazetteer
        self.online = online

    def geocode(self, name: str, context: str | None = None) -> Resolution:
        """Resolve one name; see the module docstring for when it goes online."""
        offline = self.gazetteer.geocode(name, context=context)
        if self.online is None or not self._unknown(name, offline):
            return offline
        try:
            found = self.online.geocode(name)
        except GeocodingError as err:
            return replace(offline, reason=f"{offline.reason}; online lookup failed: {err}")
        if found is None:
            return replace(offline, reason=f"{offline.reason}; not found online either")
        return found

    def _unknown(self, name: str, offline: Resolution) -> bool:
        """True when the gazetteer knows nothing of the name: no candidate, no demonym."""
        return (
            offline.place is None
            and not offline.alternatives
            and not self.gazetteer.candidates(name)
            and self.gazetteer.demonym(name) is None
        )
