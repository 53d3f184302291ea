"""Find the specialists that match a patient's filters, nearest first.

Everything here is whole-column numpy/pandas: one boolean mask for the filters, one
vectorized distance computation for the survivors, one argsort. No per-row Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from finder import vocabulary
from finder.distance import miles_between

RADIUS_CHOICES_MILES: tuple[int, ...] = (5, 10, 25, 50, 100, 250)
DEFAULT_RADIUS_MILES = 25
#: How many out-of-radius specialists to suggest when nothing is inside the radius.
NEAREST_OUTSIDE_COUNT = 5


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
    name_contains: str = ""


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
    if name := criteria.name_contains.strip():
        keep &= specialists["name"].str.contains(name, case=False, regex=False).to_numpy(dtype=bool)
    return keep


def search(
    specialists: pd.DataFrame,
    criteria: SearchCriteria,
    nearest_outside_count: int = NEAREST_OUTSIDE_COUNT,
) -> SearchResult:
    """Matching specialists within the radius sorted by distance, with a `distance_miles` column."""
    candidates = np.flatnonzero(filter_mask(specialists, criteria))
    distances = miles_between(
        criteria.lat,
        criteria.lon,
        specialists["latitude"].to_numpy()[candidates],
        specialists["longitude"].to_numpy()[candidates],
    )
    inside = distances <= criteria.radius_miles
    if inside.any():
        order = np.argsort(distances[inside], kind="stable")
        matches = _rows(specialists, candidates[inside][order], distances[inside][order])
        return SearchResult(matches, matches.iloc[0:0])
    nearest = np.argsort(distances, kind="stable")[:nearest_outside_count]
    outside = _rows(specialists, candidates[nearest], distances[nearest])
    return SearchResult(outside.iloc[0:0], outside)


def _rows(specialists: pd.DataFrame, positions: np.ndarray, distances: np.ndarray) -> pd.DataFrame:
    rows = specialists.iloc[positions].reset_index(drop=True)
    rows["distance_miles"] = distances
    return rows


def languages_offered(specialists: pd.DataFrame) -> list[str]:
    """Every language at least one specialist lists, for the language filter."""
    return sorted(set(specialists["languages"].str.split("; ").explode().dropna()) - {""})
