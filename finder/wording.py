"""Small pieces of plain English shared by the pages, the map and the commands."""

from __future__ import annotations


def counted(number: int, noun: str) -> str:
    """'1 row', '2,048 rows': the number with its noun, singular only for exactly one."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def list_size(number: int) -> str:
    """The size of the whole list, for the line under the search: worded as the list, not as results, since
    "800 specialists." beside "12 specialists within 25 miles" read as a second count of results."""
    return f"The list we search has {counted(number, 'specialist')} in all."
