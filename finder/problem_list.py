"""The check's problems as a Markdown list staff can read whole, grouped by spreadsheet row.

A table cell clips a long "what to fix" message; a list wraps it. The messages quote cells and
column names from the staff file, so every piece of text is escaped before it becomes Markdown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby

from finder.safety import escape_markdown
from finder.table_contract import Problem

#: Rows listed on the page, so a file with thousands of bad rows stays quick to show; the
#: downloadable list of problems always holds every one.
SHOWN_ROWS = 50


def _row_key(problem: Problem) -> int:
    """Whole-file problems (no row) first, then spreadsheet order."""
    return problem.row or 0


def _heading(row: int | None, problems: Sequence[Problem]) -> str:
    if row is None:
        return "**The whole file**"
    outcome = "left out until fixed" if any(p.severity == "error" for p in problems) else "shown, but check it"
    return f"**Row {row}**: {outcome}"


def _item(problem: Problem) -> str:
    where = f"{escape_markdown(problem.column)} ({problem.severity})" if problem.column else problem.severity
    return f"    - {where}: {escape_markdown(problem.message)}"


def _grouped(problems: Iterable[Problem]) -> list[tuple[int | None, list[Problem]]]:
    ordered = sorted(problems, key=_row_key)  # stable: each row's problems keep the checker's order
    return [(row or None, list(items)) for row, items in groupby(ordered, key=_row_key)]


def problems_markdown(problems: Sequence[Problem], shown_rows: int = SHOWN_ROWS) -> str:
    """Each row with problems as a bullet, its problems (column, kind, full message) under it;
    after `shown_rows` rows, one line saying how many more there are."""
    groups = _grouped(problems)
    lines: list[str] = []
    for row, row_problems in groups[:shown_rows]:
        lines.append(f"- {_heading(row, row_problems)}")
        lines.extend(_item(problem) for problem in row_problems)
    hidden = len(groups) - shown_rows
    if hidden > 0:
        lines.append(f"\n…and {hidden} more rows with problems.")
    return "\n".join(lines)
