"""Find the specialists that match a patient's filters, nearest first.

Everything here is whole-column numpy/pandas: one boolean mask for the filters, one
vectorized distance computation for the survivors, one argsort. No per-row Python.

`find` answers with row positions and distances only (16 bytes a result); the page then takes
just the rows and columns it shows (`rows`): the first cards, the map's few fields, the download
only when tapped. Taking all ~25 columns of ~8,000 results out of the Arrow-backed list cost
5-9 ms a search and ~3.5 MB for as long as the result stayed cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from finder import vocabulary
from finder.distance import miles_between

RADIUS_CHOICES_MILES: tuple[int, ...] = (5, 10, 25, 50, 100, 250)
DEFAULT_RADIUS_MILES = 25
#: How many out-of-radius specialists to suggest when nothing is inside the radius.
NEAREST_OUTSIDE_COUNT = 5
#: A degree of latitude is 68.7 miles at the equator and longer towards the poles; 68.5 leaves a margin.
MIN_MILES_PER_DEGREE_LATITUDE = 68.5
#: A degree of longitude at the equator is 69.17 miles; counting it as 69.0 makes the box a little wider.
MILES_PER_DEGREE_LONGITUDE_AT_EQUATOR = 69.0


@dataclass(frozen=True)
class SearchCriteria:
    """What the patient asked for. Empty filters match everyone."""

    lat: float
    lon: float
    radius_miles: float = DEFAULT_RADIUS_MILES
    subspecialties: tuple[str, ...] = ()
    accepting_new_patients: bool = False
    telehealth: bool = False
    language: str = ""
    name: str = ""  # a part of the doctor's name, any case
    gender: str = ""  # "female" or "male"; empty for any


@dataclass(frozen=True, eq=False)
class Found:
    """Which rows of the list a search found, nearest first, as positions into the list and distances in miles.

    `within_radius` says whether they are the matches inside the radius or, when there are none,
    the nearest ones outside it (then at most `nearest_outside_count`; none when no one matches).
    """

    positions: npt.NDArray[np.intp]
    distances: npt.NDArray[np.float64]
    within_radius: bool

    def __len__(self) -> int:
        return len(self.positions)


@dataclass(frozen=True)
class SearchResult:
    """Matches inside the radius, and, only when there are none, the nearest ones outside it."""

    matches: pd.DataFrame
    nearest_outside: pd.DataFrame


def filter_mask(specialists: pd.DataFrame, criteria: SearchCriteria) -> np.ndarray:
    """True for each specialist who passes every non-distance filter."""
    keep = np.ones(len(specialists), dtype=bool)
    if wanted := vocabulary.mask_of(criteria.subspecialties):
        keep &= (specialists["subspecialty_mask"].to_numpy() & wanted) != 0
    if criteria.accepting_new_patients:
        keep &= specialists["accepting_new_patients"].fillna(False).to_numpy(dtype=bool)
    if criteria.telehealth:
        keep &= specialists["telehealth"].fillna(False).to_numpy(dtype=bool)
    if language := criteria.language.strip().lower():
        keep &= specialists["languages_key"].str.contains(f";{language};", regex=False).to_numpy(dtype=bool)
    if name := criteria.name.strip():
        keep &= specialists["name"].str.contains(name, case=False, regex=False).to_numpy(dtype=bool)
    if criteria.gender:
        keep &= specialists["gender"].eq(criteria.gender).to_numpy(dtype=bool)
    return keep


def find(
    specialists: pd.DataFrame,
    criteria: SearchCriteria,
    nearest_outside_count: int = NEAREST_OUTSIDE_COUNT,
) -> Found:
    """The positions of the matching specialists within the radius, nearest first (ties in list order)."""
    keep = filter_mask(specialists, criteria)
    lat, lon = specialists["latitude"].to_numpy(), specialists["longitude"].to_numpy()
    nearby = np.flatnonzero(keep & within_box(lat, lon, criteria.lat, criteria.lon, criteria.radius_miles))
    distances = miles_between(criteria.lat, criteria.lon, lat[nearby], lon[nearby])
    inside = distances <= criteria.radius_miles
    if inside.any():
        order = np.argsort(distances[inside], kind="stable")
        return Found(nearby[inside][order], distances[inside][order], within_radius=True)
    candidates = np.flatnonzero(keep)  # nobody in the radius: measure everyone who matches, to offer the nearest
    distances = miles_between(criteria.lat, criteria.lon, lat[candidates], lon[candidates])
    nearest = np.argsort(distances, kind="stable")[:nearest_outside_count]
    return Found(candidates[nearest], distances[nearest], within_radius=False)


def rows(
    specialists: pd.DataFrame, found: Found, columns: Sequence[str] | None = None, stop: int | None = None
) -> pd.DataFrame:
    """The first `stop` (default all) rows `found`, nearest first, with `columns` (default all) and `distance_miles`.

    DataFrame.take copies whole columns at once (iloc with a position array is several times slower
    on string columns), and its cost grows with both the rows and the columns taken.
    """
    table = specialists if columns is None else specialists[list(columns)]
    taken = table.take(found.positions[:stop]).reset_index(drop=True)
    taken["distance_miles"] = found.distances[:stop]
    return taken


def search(
    specialists: pd.DataFrame,
    criteria: SearchCriteria,
    nearest_outside_count: int = NEAREST_OUTSIDE_COUNT,
) -> SearchResult:
    """Matching specialists within the radius sorted by distance, whole rows with a `distance_miles` column."""
    found = find(specialists, criteria, nearest_outside_count)
    taken = rows(specialists, found)
    empty = taken.iloc[0:0]
    return SearchResult(taken, empty) if found.within_radius else SearchResult(empty, taken)


def within_box(lat: np.ndarray, lon: np.ndarray, centre_lat: float, centre_lon: float, miles: float) -> np.ndarray:
    """True for points inside a latitude/longitude box that surely holds every point within `miles`.

    Comparing coordinates is a few times cheaper than the ellipsoidal distance, so the exact
    distance is only computed for the points in the box. The box is generous (a degree of
    latitude is never shorter than 68.7 miles; longitude degrees are measured at the box's
    edge nearest a pole); where it would wrap past the poles or the 180th meridian, every
    point counts as inside.
    """
    lat_span = miles / MIN_MILES_PER_DEGREE_LATITUDE
    polemost = min(abs(centre_lat) + lat_span, 90.0)
    lon_span = miles / (MILES_PER_DEGREE_LONGITUDE_AT_EQUATOR * np.cos(np.radians(polemost))) if polemost < 89 else 360
    if lon_span >= 180 or abs(centre_lon) + lon_span > 180:
        return np.ones(len(lat), dtype=bool)
    return (np.abs(lat - centre_lat) <= lat_span) & (np.abs(lon - centre_lon) <= lon_span)


def languages_offered(specialists: pd.DataFrame) -> list[str]:
    """Every language at least one specialist lists, for the language filter.

    Split per distinct cell, not per row: 100,000 specialists list fewer than a hundred different
    combinations, so this costs ~3 ms instead of ~0.2-0.5 s on every server start."""
    combinations = pd.Series(specialists["languages"].unique(), dtype="str")
    return sorted(set(combinations.str.split("; ").explode().dropna()) - {""})


def offers_gender(specialists: pd.DataFrame) -> bool:
    """Whether the list says any specialist's gender, so the gender filter is worth showing."""
    return bool(specialists["gender"].ne("").any())
