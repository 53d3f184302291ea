"""Small pieces of plain English shared by the pages, the map and the commands."""

from __future__ import annotations


def counted(number: int, noun: str) -> str:
    """'1 row', '2,048 rows': the number with its noun, singular only for exactly one."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def list_size(number: int) -> str:
    """The size of the whole list, for the line under the search: worded as the list, not as results, since
    "800 specialists." beside "12 specialists within 25 miles" read as a second count of results."""
    return f"The list we search has {counted(number, 'specialist')} in all."


def nearest_outside(nearest_mile: float, farthest_mile: float, number: int) -> str:
    """Introduces the nearest matches when none is inside the radius, saying how far they are: "a little
    farther away" was also said of matches 700 miles off, which a patient must know before choosing."""
    near, far = round(nearest_mile), round(farthest_mile)
    if number == 1:
        return f"The nearest one that matches is {counted(near, 'mile')} away:"
    span = counted(near, "mile") if near == far else f"{near:,} to {counted(far, 'mile')}"
    return f"The nearest {number:,} that match are {span} away:"
