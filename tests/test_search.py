"""Search: filters, radius, sorting by distance and the nearest-outside fallback."""

import numpy as np
import pandas as pd
import pytest
from geopy.distance import geodesic

from finder import vocabulary
from finder.search import SearchCriteria, filter_mask, languages_offered, search

CHICAGO = (41.9217, -87.6490)  # ZIP 60614


def criteria(**changes: object) -> SearchCriteria:
    return SearchCriteria(lat=CHICAGO[0], lon=CHICAGO[1], **changes)  # type: ignore[arg-type]


def test_results_are_inside_radius_sorted_and_measured(sample_specialists: pd.DataFrame) -> None:
    result = search(sample_specialists, criteria(radius_miles=50))
    matches = result.matches
    assert len(matches) > 0
    assert matches["distance_miles"].is_monotonic_increasing
    assert (matches["distance_miles"] <= 50).all()
    for _, row in matches.head(5).iterrows():
        exact = geodesic(CHICAGO, (row["latitude"], row["longitude"])).miles
        assert row["distance_miles"] == pytest.approx(exact, rel=0.005)
    everyone = search(sample_specialists, criteria(radius_miles=100_000)).matches
    outside = everyone[~everyone["id"].isin(matches["id"])]
    assert (outside["distance_miles"] > 50).all()


def test_subspecialty_filter_matches_any_chosen(sample_specialists: pd.DataFrame) -> None:
    wanted = ("movement-disorders", "epilepsy")
    matches = search(sample_specialists, criteria(radius_miles=250, subspecialties=wanted)).matches
    assert len(matches) > 0
    labels = matches["subspecialty_labels"]
    assert (labels.str.contains("Movement disorders") | labels.str.contains("Epilepsy")).all()
    expected_mask = vocabulary.mask_of(wanted)
    assert ((matches["subspecialty_mask"] & expected_mask) != 0).all()


def test_accepting_telehealth_language_and_name_filters(sample_specialists: pd.DataFrame) -> None:
    chosen = criteria(
        radius_miles=100_000, accepting_new_patients=True, telehealth=True, language="Spanish", name_contains="an"
    )
    matches = search(sample_specialists, chosen).matches
    assert len(matches) > 0
    assert matches["accepting_new_patients"].all()
    assert matches["telehealth"].all()
    assert matches["languages"].str.contains("Spanish").all()
    assert matches["name"].str.lower().str.contains("an").all()
    mask = filter_mask(sample_specialists, chosen)
    assert mask.sum() == len(matches)


def test_nothing_inside_radius_offers_the_nearest_outside(sample_specialists: pd.DataFrame) -> None:
    middle_of_nevada = SearchCriteria(lat=39.5, lon=-116.9, radius_miles=5, subspecialties=("neuro-oncology",))
    result = search(sample_specialists, middle_of_nevada)
    assert result.matches.empty
    assert 0 < len(result.nearest_outside) <= 5
    assert result.nearest_outside["distance_miles"].is_monotonic_increasing
    assert (result.nearest_outside["distance_miles"] > 5).all()


def test_no_match_at_all_is_empty_not_an_error(sample_specialists: pd.DataFrame) -> None:
    result = search(sample_specialists, criteria(name_contains="Nobody Has This Name"))
    assert result.matches.empty and result.nearest_outside.empty


def test_missing_optional_values_do_not_match_yes_filters() -> None:
    table = pd.DataFrame(
        {
            "name": ["A", "B"],
            "subspecialty_mask": np.array([1, 1], dtype="int64"),
            "accepting_new_patients": pd.array([pd.NA, True], dtype="boolean"),
            "telehealth": pd.array([pd.NA, pd.NA], dtype="boolean"),
            "languages_key": [";;", ";english;"],
        }
    )
    assert filter_mask(table, criteria(accepting_new_patients=True)).tolist() == [False, True]
    assert filter_mask(table, criteria(telehealth=True)).tolist() == [False, False]


def test_languages_offered_lists_each_language_once(sample_specialists: pd.DataFrame) -> None:
    languages = languages_offered(sample_specialists)
    assert "English" in languages and "Spanish" in languages
    assert languages == sorted(set(languages))
