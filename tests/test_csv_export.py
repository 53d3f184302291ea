"""One formula rule for every file we write: safe to open in a spreadsheet, and undone when read back.

The specialists file must round-trip exactly (an address "-12 Main St" must not come back as
"'-12 Main St"), and downloads must not run formulas yet keep numbers as numbers.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from finder.csv_io import load_specialists, read_table
from finder.csv_write import source_csv_bytes, spreadsheet_csv_bytes
from tests.helpers_csv import VALID_ROW, csv_bytes, specialists

FORMULAS = [
    "=SUM(A1:A9)",
    '=HYPERLINK("https://evil.example","x")',
    "+1 312 555 0142",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
]
PLAIN = ["-87.62", "+41.5", "41.8781", "-3", "Ana Ruiz", "a=b", "(312) 555-0142", ""]


def rows_of(data: bytes) -> list[list[str]]:
    """The cells exactly as a spreadsheet program receives them."""
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs the byte-order mark to show accents right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def exported(cells: list[object], dtype: object = None) -> list[str]:
    """The cells of a one-column table as they come out of a download."""
    return [row[0] for row in rows_of(spreadsheet_csv_bytes(pd.DataFrame({"cell": pd.Series(cells, dtype=dtype)})))][1:]


@pytest.mark.parametrize("dtype", [str, object], ids=["str", "object"])
@pytest.mark.parametrize("formula", FORMULAS)
def test_formula_cells_are_prefixed_with_a_quote(formula: str, dtype: object) -> None:
    assert exported([formula], dtype) == ["'" + formula]


@pytest.mark.parametrize("dtype", [str, object], ids=["str", "object"])
@pytest.mark.parametrize("plain", PLAIN)
def test_plain_numbers_and_text_are_left_alone(plain: str, dtype: object) -> None:
    assert exported([plain], dtype) == [plain]


def test_numeric_columns_and_missing_cells_are_left_alone() -> None:
    table = pd.DataFrame({"longitude": [-87.62, -71.09], "name": ["=cmd()", None]})
    shown = table.copy()

    assert rows_of(spreadsheet_csv_bytes(table)) == [["longitude", "name"], ["-87.62", "'=cmd()"], ["-71.09", ""]]
    assert table.equals(shown)  # the table on screen keeps its cells


@pytest.mark.parametrize("writer", [source_csv_bytes, spreadsheet_csv_bytes])
def test_column_names_are_protected_too(writer: object) -> None:
    table = pd.DataFrame({'=HYPERLINK("x")': ["a"], "@cmd": ["b"], "name": ["c"]})

    assert rows_of(writer(table))[0] == ['\'=HYPERLINK("x")', "'@cmd", "name"]  # type: ignore[operator]


def test_a_cell_with_a_carriage_return_stays_in_its_row() -> None:
    assert exported(["Suite 4\rChicago", "next"]) == ["Suite 4\rChicago", "next"]


TRICKY = [
    "-12 Main St",
    "'Tis Clinic",
    "''",
    "'",
    "'=1",
    "=1",
    "@home",
    "-87.62",
    "+1 555",
    "\tx",
    "a\r\nb",
    'say "hi"',
]


def test_the_specialists_file_round_trips_exactly_and_opens_safely() -> None:
    table = pd.DataFrame({"id": [f"NF-{i}" for i in range(len(TRICKY))], "=note": TRICKY}, dtype="str")

    data = source_csv_bytes(table)
    read, problems = read_table(data)

    assert problems == []
    assert read is not None
    assert read.columns.tolist() == ["id", "=note"]
    assert read.reset_index(drop=True).equals(table)
    written = [row[1] for row in rows_of(data)[1:]]
    assert [cell for cell in written if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and cell != "-87.62"] == []


def test_an_address_starting_with_a_minus_is_served_as_typed_after_publishing() -> None:
    rows = specialists(1)
    rows[0]["address"] = "-12 Main St"
    first, problems = read_table(csv_bytes(rows))
    assert first is not None and problems == []

    served = load_specialists(source_csv_bytes(first)).specialists

    assert served["address"].tolist() == ["-12 Main St"]


def test_files_from_the_old_download_lose_their_protecting_quote() -> None:
    # The previous "Download the checked file" wrote '-12 Main St; reading it now gives the address back.
    row = {**VALID_ROW, "address": "'-12 Main St", "name": "'@Ana"}

    served = load_specialists(csv_bytes([row])).specialists

    assert served[["address", "name"]].values.tolist() == [["-12 Main St", "@Ana"]]
