"""Counts read as English: singular only for exactly one, thousands separated."""

import pytest

from finder.wording import counted, nearest_outside


@pytest.mark.parametrize(
    ("number", "expected"),
    [(0, "0 rows"), (1, "1 row"), (2, "2 rows"), (2048, "2,048 rows"), (1_000_000, "1,000,000 rows")],
)
def test_counted(number: int, expected: str) -> None:
    assert counted(number, "row") == expected


@pytest.mark.parametrize(
    ("nearest", "farthest", "number", "words"),
    [
        (181.4, 729.2, 5, "The nearest 5 that match are 181 to 729 miles away:"),
        (40.6, 41.2, 2, "The nearest 2 that match are 41 miles away:"),
        (1.2, 1.2, 1, "The nearest one that matches is 1 mile away:"),
        (1180.0, 2412.7, 5, "The nearest 5 that match are 1,180 to 2,413 miles away:"),
    ],
)
def test_the_nearest_matches_outside_the_radius_say_how_far_they_are(
    nearest: float, farthest: float, number: int, words: str
) -> None:
    assert nearest_outside(nearest, farthest, number) == words
