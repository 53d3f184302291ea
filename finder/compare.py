"""What a new specialists list changes compared with the one patients see now.

Staff check this before publishing, so a mistaken upload (a sorted-away half of the list,
everyone's phone number shifted by one row) is caught by a person before patients see it.
Rows are matched by their id.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from finder.columns import ALL_COLUMNS

COMPARED_COLUMNS: tuple[str, ...] = tuple(column for column in ALL_COLUMNS if column != "id")
#: Coordinates closer than this (degrees, about 1 m) count as unchanged.
COORDINATE_DECIMALS = 5


@dataclass(frozen=True)
class Comparison:
    added: pd.DataFrame  # rows of the new list whose id is new
    removed: pd.DataFrame  # rows of the current list whose id is gone (or whose new row has an error)
    changed: pd.DataFrame  # id, name, and what changed ("phone: old → new; ...")
    unchanged: int


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
