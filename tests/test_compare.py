"""finder.compare: what a new list adds, removes and changes, and when it takes too many specialists away."""

from __future__ import annotations

import pandas as pd
import pytest

from finder.compare import LargeRemoval, compare_lists, large_removal
from finder.csv_io import load_specialists
from tests.helpers_csv import VALID_ROW, csv_bytes, specialists


def table(rows: list[dict[str, str]]) -> pd.DataFrame:
    return load_specialists(csv_bytes(rows)).specialists


def test_comparison_lists_added_removed_and_changed_rows() -> None:
    before = specialists(4)
    after = [dict(row) for row in before[1:]]  # NF-1 removed
    after[0]["phone"] = "(312) 555-0199"  # NF-2 changed
    after[1]["accepting_new_patients"] = "no"  # NF-3 changed
    after.append({**VALID_ROW, "id": "NF-9", "name": "New Person"})
    changes = compare_lists(table(before), table(after))
    assert changes.added["id"].tolist() == ["NF-9"]
    assert changes.removed["id"].tolist() == ["NF-1"]
    assert changes.changed["id"].tolist() == ["NF-2", "NF-3"]
    assert changes.changed["what changed"].tolist() == [
        "phone: “(312) 555-0142” → “(312) 555-0199”",
        "accepting_new_patients: “yes” → “no”",
    ]
    assert changes.unchanged == 1
    assert changes.current_count == 4


@pytest.mark.parametrize(
    ("current", "kept", "flagged"),
    [
        (800, 15, True),  # a filtered view saved as the whole list
        (800, 640, False),  # exactly 20% gone: a big clean-up, allowed without asking
        (800, 639, True),
        (5, 4, False),  # one of five retired
        (5, 3, True),
        (3, 0, True),
        (0, 0, False),  # nothing to lose
    ],
)
def test_a_list_that_removes_more_than_a_fifth_of_the_specialists_is_flagged(
    current: int, kept: int, flagged: bool
) -> None:
    rows = specialists(current)
    new_rows = [*rows[:kept], {**VALID_ROW, "id": "NF-NEW"}]  # a new one does not make up for the loss
    removal = large_removal(compare_lists(table(rows), table(new_rows)))
    assert (removal is not None) is flagged
    if removal:
        assert removal == LargeRemoval(current - kept, current)
        assert f"would remove {current - kept} of the {current} specialists patients see now" in removal.warning
        assert f"without {current - kept} of the {current} specialists" in removal.confirmation
