"""What a new specialists list changes compared with the one patients see now.

Staff check this before publishing, so a mistaken upload (a sorted-away half of the list,
everyone's phone number shifted by one row) is caught by a person before patients see it.
Rows are matched by their id.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from finder.table_contract import ALL_COLUMNS

COMPARED_COLUMNS: tuple[str, ...] = tuple(column for column in ALL_COLUMNS if column != "id")
#: Coordinates closer than this (degrees, about 1 m) count as unchanged.
COORDINATE_DECIMALS = 5
#: A new list that takes away more than this share of the specialists patients see now is far more
#: often a mistake (a filtered view saved as the whole list, a half-finished copy) than a real change,
#: so the Manage page warns at the top and asks for a confirmation before offering the file.
LARGE_REMOVAL_SHARE = 0.2


@dataclass(frozen=True)
class Comparison:
    added: pd.DataFrame  # rows of the new list whose id is new
    removed: pd.DataFrame  # rows of the current list whose id is gone (or whose new row has an error)
    changed: pd.DataFrame  # id, name, and what changed ("phone: old → new; ...")
    unchanged: int

    @property
    def current_count(self) -> int:
        """Specialists in the current list: each one is removed, changed or unchanged."""
        return len(self.removed) + len(self.changed) + self.unchanged


@dataclass(frozen=True)
class LargeRemoval:
    """A new list takes `removed` of the `current` specialists away from patients: the words for staff."""

    removed: int
    current: int

    @property
    def warning(self) -> str:
        return (
            f"This file would remove {self.removed} of the {self.current} specialists patients see now. "
            "Check that it is the whole list, not a filtered or shortened copy, before you publish it."
        )

    @property
    def confirmation(self) -> str:
        return f"Yes, I mean to publish a list without {self.removed} of the {self.current} specialists."


def large_removal(changes: Comparison, share: float = LARGE_REMOVAL_SHARE) -> LargeRemoval | None:
    """Set when the new list takes away more than `share` of the current specialists, else None.

    Rows the new file has but leaves out because of errors count as taken away: patients would not see them.
    """
    removed, current = len(changes.removed), changes.current_count
    return LargeRemoval(removed, current) if removed > share * current else None


def _comparable(table: pd.DataFrame) -> pd.DataFrame:
    """Cells as the text staff typed (yes/no, rounded coordinates), so equal data compares equal."""
    text = table.set_index("id").reindex(columns=list(COMPARED_COLUMNS))
    for column in ("latitude", "longitude"):
        text[column] = pd.to_numeric(text[column], errors="coerce").round(COORDINATE_DECIMALS)
    for column in ("accepting_new_patients", "telehealth"):
        text[column] = text[column].astype("boolean").map({True: "yes", False: "no"})
    return text.astype("string").fillna("")


def compare_lists(current: pd.DataFrame, new: pd.DataFrame) -> Comparison:
    """Added, removed and changed specialists between two validated lists."""
    before, after = _comparable(current), _comparable(new)
    added = new[~new["id"].isin(before.index)]
    removed = current[~current["id"].isin(after.index)]
    common = before.index.intersection(after.index)
    old, fresh = before.loc[common], after.loc[common]
    differs = old.ne(fresh)
    descriptions = pd.Series("", index=common, dtype="string")
    for column in COMPARED_COLUMNS:
        note = column + ": “" + old[column] + "” → “" + fresh[column] + "”"
        descriptions = descriptions.where(~differs[column], descriptions.str.cat(note, sep="; ").str.lstrip("; "))
    changed_ids = differs.any(axis=1)
    changed = pd.DataFrame(
        {
            "id": common[changed_ids],
            "name": fresh.loc[changed_ids, "name"].to_numpy(),
            "what changed": descriptions[changed_ids].to_numpy(),
        }
    )
    return Comparison(added, removed, changed, int((~changed_ids).sum()))
