"""Fill in the blank latitude/longitude cells of a specialists CSV, offline from the ZIP code when possible.

Most rows only need their ZIP code's centre, which is answered offline. Street addresses go
to the online service at most once a second, so every answer (including "not found") is kept
in a small sqlite file: a re-run, or a run after an interruption, asks nothing twice.
Service errors are not kept, so those rows are tried again next time. The table's cells,
columns and row order are kept exactly; only blank coordinates are written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from finder.csv_io import read_csv_table
from finder.csv_write import source_csv_bytes
from finder.geocoding import Geocode, GeocodingError, cached
from finder.table_contract import FIRST_DATA_ROW, Problem, clean_zips, column_key
from finder.zip_index import zip_centroid

DEFAULT_CACHE_DIR = Path(".geocode-cache")
#: After this many service failures in a row we stop asking: it is down, and each try waits.
MAX_FAILURES_IN_A_ROW = 3

Progress = Callable[[int, int], None]
Source = Literal["zip", "address"]


class FileNotUsable(ValueError):
    """The file cannot be geocoded without losing rows; `problems` says why in plain words."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass
class GeocodeResult:
    """The table with coordinates filled where possible, and what happened to each row."""

    table: pd.DataFrame
    already_had: int = 0
    filled_from_zip: int = 0
    filled_from_address: int = 0
    #: (spreadsheet row, reason) for every row still without coordinates.
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    #: Warnings from reading the file, e.g. that it was not saved as UTF-8.
    notes: list[Problem] = field(default_factory=list)

    def csv_bytes(self) -> bytes:
        """The table as the specialists file: reading it back gives these cells exactly."""
        return source_csv_bytes(self.table)


def geocode_csv(
    data: bytes,
    geocode: Geocode | None = None,
    *,
    cache_dir: Path = DEFAULT_CACHE_DIR,
    on_progress: Progress | None = None,
) -> GeocodeResult:
    """Fill blank coordinates from the ZIP centre, else the street address; geocode=None stays offline.

    Raises FileNotUsable when the file cannot be read whole, rather than drop the rows it cannot read.
    """
    read = read_csv_table(data)
    table, problems = read.table, read.log.problems()
    if table is None or read.log.total("error"):
        count = read.log.total()
        listed = f" ({count:,} in all, the first {len(problems):,} listed)" if count > len(problems) else ""
        raise FileNotUsable(
            [
                *problems,
                Problem(
                    "error", f"nothing was filled in: fix these problems first{listed} so that no specialist is lost"
                ),
            ]
        )
    if geocode is None:
        return _fill(table, _Placer(None), problems, on_progress)
    with cached(geocode, cache_dir) as lookup:
        return _fill(table, _Placer(lookup), problems, on_progress)


class _Unplaced(Exception):
    """Why a row could not be placed, in words staff can act on."""


class _Placer:
    """Places one row at a time and stops asking the service once it keeps failing."""

    def __init__(self, geocode: Geocode | None) -> None:
        self.geocode = geocode
        self.failures_in_a_row = 0

    def place(self, zip_code: str, street: str, query: str) -> tuple[float, float, Source]:
        if centre := zip_centroid(zip_code):
            return centre.lat, centre.lon, "zip"
        no_zip = f"the ZIP code “{zip_code}” is not one we know" if zip_code else "the ZIP code is missing"
        if not street:
            raise _Unplaced(f"{no_zip}, and there is no street address to look up")
        if self.geocode is None:
            raise _Unplaced(f"{no_zip}, and looking up street addresses was switched off (offline)")
        if self.failures_in_a_row >= MAX_FAILURES_IN_A_ROW:
            raise _Unplaced("not looked up: the street-address service stopped answering; try again later")
        try:
            place = self.geocode(query)
        except GeocodingError as error:
            self.failures_in_a_row += 1
            raise _Unplaced(f"{error} Try again later; addresses found so far are remembered.") from error
        self.failures_in_a_row = 0
        if place is None:
            raise _Unplaced(f"the street-address service could not find “{query}”; check the address and ZIP code")
        return place.lat, place.lon, "address"


def _fill(table: pd.DataFrame, placer: _Placer, notes: list[Problem], on_progress: Progress | None) -> GeocodeResult:
    column = _column_names(table)
    for name in ("latitude", "longitude"):
        if name not in column:  # a list without coordinate columns gets them, at the end
            table[name] = ""
            column[name] = name
    cell = _cells(table, column)
    blank = cell["latitude"].eq("") | cell["longitude"].eq("")
    zips, _ = clean_zips(cell["zip"])
    result = GeocodeResult(table, already_had=int((~blank).sum()), notes=notes)
    todo = table.index[blank]
    if on_progress:
        on_progress(0, len(todo))
    for done, index in enumerate(todo, start=1):
        street, city, state = cell["address"][index], cell["city"][index], cell["state"][index]
        query = ", ".join(part for part in (street, city, f"{state} {zips[index]}".strip()) if part)
        try:
            lat, lon, source = placer.place(zips[index], street, query)
        except _Unplaced as reason:
            result.unplaced.append((int(index) + FIRST_DATA_ROW, str(reason)))
        else:
            table.loc[index, [column["latitude"], column["longitude"]]] = [str(round(lat, 6)), str(round(lon, 6))]
            if source == "zip":
                result.filled_from_zip += 1
            else:
                result.filled_from_address += 1
        if on_progress:
            on_progress(done, len(todo))
    return result


def missing_coordinates(table: pd.DataFrame) -> int:
    """How many rows of a table read from CSV have a blank latitude or longitude."""
    cell = _cells(table, _column_names(table))
    return int((cell["latitude"].eq("") | cell["longitude"].eq("")).sum())


def _cells(table: pd.DataFrame, column: dict[str, str]) -> dict[str, pd.Series]:
    """The trimmed text of the columns placing needs; a column the file lacks reads as blank."""
    nothing = pd.Series("", index=table.index)
    return {
        name: table[column[name]].fillna("").astype(str).str.strip() if name in column else nothing
        for name in ("address", "city", "state", "zip", "latitude", "longitude")
    }


def _column_names(table: pd.DataFrame) -> dict[str, str]:
    """The table's column for each name the validator knows, matched the way the validator matches them."""
    column: dict[str, str] = {}
    for actual in table.columns:
        column.setdefault(column_key(actual), actual)
    return column
