"""Turn what a patient types (a ZIP, "City, ST", or a street address) into a point on the map.

ZIP codes and city names are answered offline from the bundled ZIP data, so the common
case needs no network. Only a street address goes to the online geocoder, and when that
is unavailable we fall back to the ZIP or city inside the address, saying it is approximate.
"""

from __future__ import annotations

import re
from dataclasses import replace

from finder.geocoding import Geocode, GeocodingError
from finder.limits import MAX_TEXT_LENGTH
from finder.places import Location
from finder.zip_index import city_candidates, city_centroid, state_code, zip_centroid

_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
_TRAILING_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\s*$")
_CITY_NAME = re.compile(r"^[A-Za-z .,'\-]+$")
#: A bare city name means the biggest city of that name only when it has this many times the ZIP codes
#: of the next one (Denver, CO over Denver, IA); otherwise the patient is asked (Springfield).
DOMINANT_CITY_RATIO = 3
#: At most this many places are offered for a name several states share.
MAX_CHOICES = 6
#: What people type for the biggest cities, which the ZIP data does not know by these names.
CITY_NICKNAMES = {
    "nyc": "New York, NY",
    "new york city": "New York, NY",
    "la": "Los Angeles, CA",
    "sf": "San Francisco, CA",
    "dc": "Washington, DC",
    "washington dc": "Washington, DC",
    "philly": "Philadelphia, PA",
    "nola": "New Orleans, LA",
    "vegas": "Las Vegas, NV",
}


class LocationError(ValueError):
    """A location we could not place; the message tells the patient what to try instead."""


class AmbiguousLocation(LocationError):
    """A city name several states share, none clearly the one meant; `choices` are 'City, ST' labels."""

    def __init__(self, message: str, choices: tuple[str, ...]) -> None:
        super().__init__(message)
        self.choices = choices


def resolve_location(text: str, geocode: Geocode | None = None) -> Location:
    """Place a ZIP, 'City, ST' or street address; raise LocationError with a helpful message."""
    query = " ".join(str(text).split())
    if not query:
        raise LocationError("Enter a ZIP code, a city and state (like “Denver, CO”), or a street address.")
    if len(query) > MAX_TEXT_LENGTH:
        raise LocationError(
            f"That location is longer than {MAX_TEXT_LENGTH} characters. Enter a ZIP code, a city and state "
            "(like “Denver, CO”), or a street address."
        )

    if zip_match := _ZIP.match(query):
        found = zip_centroid(zip_match.group(1))
        if found is None:
            raise LocationError(f"We could not find the ZIP code {zip_match.group(1)}. Check the five digits.")
        return found

    if city := _offline_city(query):
        return city

    if geocode is None:
        if not _has_number(query):  # so not a street address: a place name the offline data does not know
            raise LocationError(_not_found(query))
        return _fallback(query, _NO_ADDRESS_SERVICE)
    try:
        place = geocode(query)
    except GeocodingError:  # its message names the failure for staff; a patient needs what to do next
        if not _has_number(query):
            raise LocationError(_not_found(query, _SERVICE_DOWN)) from None
        return _fallback(query, _NO_ADDRESS_SERVICE)
    if place is None:
        raise LocationError(_not_found(query))
    return place


_NO_ADDRESS_SERVICE = "We cannot look up street addresses right now."
_SERVICE_DOWN = ", and the street-address service is not answering right now"


def _has_number(query: str) -> bool:
    """Street addresses have a house number; a text without any digit is a place name."""
    return any(character.isdigit() for character in query)


def _not_found(query: str, because: str = "") -> str:
    return f"We could not find “{query}”{because}. Try a ZIP code like 60614, or a city and state like “Denver, CO”."


def _offline_city(query: str) -> Location | None:
    """'City, ST', 'City State', a city name alone or a common nickname ('NYC'), from the bundled ZIP data."""
    query = CITY_NICKNAMES.get(query.lower().replace(".", ""), query)
    if not _CITY_NAME.match(query):
        return None
    if "," in query:
        city, _, state = query.rpartition(",")
        splits = [(city, state)]
    else:  # "New York NY", "Salt Lake City Utah": the state is the last one to three words
        words = query.split()
        splits = [(" ".join(words[:-n]), " ".join(words[-n:])) for n in (1, 2, 3) if len(words) > n]
    for city, state in splits:
        if (code := state_code(state)) and (found := city_centroid(city, code)):
            return found
    return None if "," in query else _only_city(query)


def _only_city(name: str) -> Location | None:
    """A city name without a state: the biggest of that name when it clearly dominates, else ask which."""
    candidates = city_candidates(name)
    if not candidates:
        return None
    labels = tuple(place.label for place, _ in candidates[:MAX_CHOICES])
    if len(candidates) > 1 and candidates[0][1] < DOMINANT_CITY_RATIO * candidates[1][1]:
        raise AmbiguousLocation(f"There is more than one {name.strip().title()}. Which one do you mean?", labels)
    return replace(candidates[0][0], alternatives=labels[1:])


def _fallback(query: str, reason: str) -> Location:
    """Use the ZIP or 'City, ST' at the end of an address when the address itself cannot be looked up."""
    if zip_match := _TRAILING_ZIP.search(query):
        found = zip_centroid(zip_match.group(1))
        if found:
            return replace(found, approximate=True)
    parts = [part.strip() for part in query.split(",")]
    if len(parts) >= 3 and (city := _offline_city(f"{parts[-2]}, {parts[-1]}")):
        return replace(city, approximate=True)
    raise LocationError(f"{reason} Please search by ZIP code or by city and state instead.")
