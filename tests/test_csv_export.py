"""Downloads must not run formulas when staff open them in a spreadsheet, yet keep numbers as numbers."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from finder.csv_io import to_csv_bytes


def exported(cells: list[object], dtype: object = None) -> list[str]:
    """The cells of a one-column table as they come out of the download."""
    data = to_csv_bytes(pd.DataFrame({"cell": pd.Series(cells, dtype=dtype)}))
    return [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8")))][1:]


@pytest.mark.parametrize("dtype", [str, object], ids=["str", "object"])
@pytest.mark.parametrize(
    "formula",
    ["=SUM(A1:A9)", '=HYPERLINK("https://evil.example","x")', "+1 312 555 0142", "-2+3", "@SUM(1)", "\t=1", "\r=1"],
)
def test_formula_cells_are_prefixed_with_a_quote(formula: str, dtype: object) -> None:
    assert exported([formula], dtype) == ["'" + formula]


@pytest.mark.parametrize("dtype", [str, object], ids=["str", "object"])
@pytest.mark.parametrize("plain", ["-87.62", "+41.5", "41.8781", "-3", "Ana Ruiz", "a=b", "(312) 555-0142", ""])
def test_plain_numbers_and_text_are_left_alone(plain: str, dtype: object) -> None:
    assert exported([plain], dtype) == [plain]


def test_numeric_columns_and_missing_cells_are_left_alone() -> None:
    table = pd.DataFrame({"longitude": [-87.62, -71.09], "name": ["=cmd()", None]})
    shown = table.copy()

    rows = list(csv.reader(io.StringIO(to_csv_bytes(table).decode("utf-8"))))

    assert rows == [["longitude", "name"], ["-87.62", "'=cmd()"], ["-71.09", ""]]
    assert table.equals(shown)  # the table on screen keeps its cells


def test_a_cell_with_a_carriage_return_stays_in_its_row() -> None:
    assert exported(["Suite 4\rChicago", "next"]) == ["Suite 4\rChicago", "next"]
