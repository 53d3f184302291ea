"""One registry import, start to finish: read the public file, merge into the current list, write the file.

This is what `python -m finder import-nppes` and `import-cms` run; a monthly refresh is one call:
import the new file with `--merge` pointing at the list patients see now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from finder.cms_import import import_cms
from finder.csv_io import read_table
from finder.csv_write import source_csv_bytes
from finder.merge_import import merge
from finder.nppes_import import import_nppes
from finder.provider_import import Imported
from finder.registry_files import Progress, RegistryFileError
from finder.zip_index import state_code

IMPORTERS: dict[str, Callable[..., Imported]] = {"nppes": import_nppes, "cms": import_cms}


@dataclass(frozen=True)
class Refresh:
    """The file to write, the summary to print, and whether anything needs a person to look at it."""

    csv_bytes: bytes
    lines: list[str]
    needs_a_look: bool


def parse_states(text: str) -> frozenset[str]:
    """'IL,WI' or 'il, Wisconsin' -> {'IL', 'WI'}; ValueError naming anything that is not a state."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    codes = {part: state_code(part) for part in parts}
    if unknown := [part for part, code in codes.items() if code is None]:
        raise ValueError("not a US state: " + ", ".join(unknown) + " (use two-letter codes like IL,WI)")
    if not codes:
        raise ValueError("no state given (use two-letter codes like IL,WI)")
    return frozenset(code for code in codes.values() if code)


def parse_day(text: str) -> dt.date:
    """A date given as YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as error:
        raise ValueError(f"“{text}” is not a date written as YYYY-MM-DD, e.g. 2026-11-09") from error


def _existing(path: Path) -> tuple[list[str], pd.DataFrame]:
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or error
        raise RegistryFileError(f"The list to merge with, {path}, cannot be read: {reason}.") from error
    table, problems = read_table(data)
    if table is None:
        raise RegistryFileError(
            f"The list to merge with, {path}, cannot be used: " + "; ".join(p.message for p in problems) + "."
        )
    return [str(p) for p in problems], table


def refresh(
    kind: str,
    path: Path,
    states: Collection[str] = (),
    merge_with: Path | None = None,
    source_date: dt.date | None = None,
    on_progress: Progress | None = None,
) -> Refresh:
    """Import `path` with the `kind` importer ("nppes" or "cms"), merged into `merge_with` when given.

    Raises RegistryFileError when a file cannot be used; nothing is written then.
    """
    watch: list[str] = []
    if merge_with is not None:
        notes, table = _existing(merge_with)
        if "npi" in table.columns:
            watch = table["npi"].fillna("").astype(str).str.strip().tolist()
        watch += table["id"].fillna("").astype(str).str.strip().tolist() if "id" in table.columns else []
    imported = IMPORTERS[kind](path, states=states, watch=watch, source_date=source_date, on_progress=on_progress)
    lines = imported.summary.lines()
    output = imported.rows
    if merge_with is not None:
        merged = merge(imported, table)
        output = merged.table
        lines += [f"About {merge_with.name}: {note}" for note in notes] + merged.lines(merge_with.name)
    if output.empty:  # writing it would leave patients with no list at all
        raise RegistryFileError(
            "\n".join([*lines, "No neurologist was kept, so nothing was written. Check that this is the right file "
                        "and, if you gave --states, the states."])
        )  # fmt: skip
    return Refresh(source_csv_bytes(output), lines, imported.summary.needs_a_look)
