"""The app's one labelled-place type: a point on the map with the words that name it.

The offline ZIP and city lookup (zip_index), the street-address lookup (geocoding) and what a
patient typed (location) all answer with a `Location`, and the search and map are centred on it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A point and its name; approximate when only the ZIP or city of an address could be placed."""

    lat: float
    lon: float
    label: str
    approximate: bool = False
    #: Other places with the same name, when a bare city name was taken to mean the biggest one.
    alternatives: tuple[str, ...] = ()
