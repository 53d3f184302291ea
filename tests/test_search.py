"""Search: filters, radius, sorting by distance and the nearest-outside fallback."""

import numpy as np
import pandas as pd
import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from finder import vocabulary
from finder.distance import miles_between
from finder.search import (
    RADIUS_CHOICES_MILES,
    SearchCriteria,
    filter_mask,
    find,
    languages_offered,
    rows,
    search,
    within_box,
)

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
    chosen = criteria(radius_miles=100_000, accepting_new_patients=True, telehealth=True, language="Spanish", name="an")
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
    result = search(sample_specialists, criteria(name="Nobody Has This Name"))
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


def test_languages_offered_splits_every_combination_and_skips_blanks() -> None:
    table = pd.DataFrame({"languages": ["English; Spanish", "Spanish", "", "English; Spanish", "Polish"]}, dtype="str")
    assert languages_offered(table) == ["English", "Polish", "Spanish"]
    assert languages_offered(table.iloc[:0]) == []


@settings(max_examples=300, deadline=None)
@given(
    centre_lat=st.floats(-15, 72),
    centre_lon=st.floats(-179, 179),
    miles=st.sampled_from(RADIUS_CHOICES_MILES),
    bearing=st.floats(0, 360),
    share=st.floats(0, 1),
)
def test_the_prefilter_box_never_leaves_out_a_point_inside_the_radius(
    centre_lat: float, centre_lon: float, miles: int, bearing: float, share: float
) -> None:
    """Every point at most `miles` away (exact geodesic, any direction) is inside the box."""
    point = geodesic(miles=miles * share * 0.999).destination((centre_lat, centre_lon), bearing)
    inside = within_box(np.array([point.latitude]), np.array([point.longitude]), centre_lat, centre_lon, miles)
    assert inside[0]


def test_search_with_the_box_finds_exactly_what_measuring_everyone_finds(sample_specialists: pd.DataFrame) -> None:
    for lat, lon, miles in ((40.75, -73.99, 100), (61.2, -149.9, 250), (21.3, -157.8, 50), (41.9, -87.6, 5)):
        found = search(sample_specialists, SearchCriteria(lat, lon, radius_miles=miles)).matches
        every = miles_between(lat, lon, sample_specialists["latitude"], sample_specialists["longitude"])
        assert sorted(found["id"]) == sorted(sample_specialists.loc[every <= miles, "id"])


@pytest.mark.parametrize(
    "chosen",
    [
        criteria(radius_miles=100),
        criteria(radius_miles=250, subspecialties=("epilepsy",), language="Spanish"),
        SearchCriteria(lat=39.5, lon=-116.9, radius_miles=5),  # nobody inside: the nearest outside
        criteria(radius_miles=100, name="nobody has this name"),  # nobody at all
    ],
)
def test_rows_taken_from_the_positions_are_the_searched_rows(
    sample_specialists: pd.DataFrame, chosen: SearchCriteria
) -> None:
    """The page takes only the rows and columns it shows; they are exactly the whole search's rows."""
    result = search(sample_specialists, chosen)
    whole = result.matches if len(result.matches) else result.nearest_outside
    found = find(sample_specialists, chosen)
    assert found.within_radius == (len(result.matches) > 0) and len(found) == len(whole)
    pd.testing.assert_frame_equal(rows(sample_specialists, found), whole)
    some = ["name", "latitude", "phone_digits"]
    pd.testing.assert_frame_equal(
        rows(sample_specialists, found, some, stop=3), whole[[*some, "distance_miles"]].head(3)
    )
