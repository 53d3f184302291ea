"""Counts read as English: singular only for exactly one, thousands separated."""

import pytest

from finder.wording import counted


@pytest.mark.parametrize(
    ("number", "expected"),
    [(0, "0 rows"), (1, "1 row"), (2, "2 rows"), (2048, "2,048 rows"), (1_000_000, "1,000,000 rows")],
)
def test_counted(number: int, expected: str) -> None:
    assert counted(number, "row") == expected
