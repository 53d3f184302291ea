"""Small pieces of plain English shared by the pages, the map and the commands."""

from __future__ import annotations


def counted(number: int, noun: str) -> str:
    """'1 row', '2,048 rows': the number with its noun, singular only for exactly one."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
