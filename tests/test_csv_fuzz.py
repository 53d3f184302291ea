"""Fuzzing the CSV reader and validator: whatever arrives, no exception escapes and no row is silently lost.

"Not lost" means: every non-blank row of the file is either served (with its spreadsheet row
number) or named by at least one error, and a file refused as a whole serves nothing.
The round-trip properties pin the formula rule: the specialists file we write reads back exactly.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finder.csv_io import load_specialists, read_table
from finder.csv_write import source_csv_bytes
from finder.table_contract import ALL_COLUMNS, ValidationReport, column_key
from tests.helpers_csv import VALID_ROW

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Characters that break CSV files and spreadsheets, mixed with any other text.
SPECIAL = st.sampled_from(
    ['"', ",", "\n", "\r", "\r\n", "'", "=", "-", "+", "@", "\t", ";", " ", "\ufeff", "é", "’", "🧠", "Ω"]
)
ANY_CHARACTER = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
TEXT = st.lists(st.one_of(SPECIAL, ANY_CHARACTER), max_size=8).map("".join)
#: Cell text a legitimate file may hold: at most one comma, so no line inside a cell looks like a whole row.
CELL = TEXT.filter(lambda text: text.count(",") <= 1)
NAME_VARIANTS = [*ALL_COLUMNS, "Name ", "ZIP", "Accepting New Patients", "", " ", "notes", "=cmd", "'x"]
HEADER_CELL = st.one_of(st.sampled_from(NAME_VARIANTS), TEXT.filter(lambda text: not any(c in text for c in "\r\n")))


def assert_nothing_lost(report: ValidationReport) -> None:
    """Every row read is served or named by an error; a file-level error serves nothing."""
    problems = report.problems
    assert report.log.total() == len(problems)  # small files: every problem is listed
    served = report.specialists["row"].tolist()
    assert len(set(served)) == len(served)
    assert report.rows_left_out >= 0
    error_rows = {p.row for p in problems if p.severity == "error" and p.row is not None}
    if any(p.severity == "error" and p.row is None for p in problems):
        assert served == []
    else:
        assert error_rows.isdisjoint(served)
        assert len(error_rows) == report.rows_left_out


@FUZZ
@given(st.binary(max_size=3000))
def test_any_bytes_end_in_problems_not_an_exception(data: bytes) -> None:
    assert_nothing_lost(load_specialists(data))


@FUZZ
@given(st.lists(st.one_of(TEXT, st.sampled_from(['"', '"\r\n', "\r\n", ",", ",,,,"])), max_size=40).map("".join))
def test_any_text_under_a_good_header_ends_in_problems_not_an_exception(body: str) -> None:
    data = (",".join(ALL_COLUMNS) + "\r\n" + body).encode("utf-8")

    assert_nothing_lost(load_specialists(data))


@st.composite
def spreadsheet_files(draw: st.DrawFn) -> tuple[bytes, list[int] | None]:
    """A CSV as a spreadsheet would save it (random names, duplicates, blanks, hostile cells, an encoding),
    and the spreadsheet rows that hold something (None when row 1 has no names, so there are no rows)."""
    header = draw(st.lists(HEADER_CELL, min_size=3, max_size=18))
    if draw(st.booleans()):
        header[draw(st.integers(0, len(header) - 1))] = "name"
        header = [*header, *draw(st.permutations(ALL_COLUMNS))]  # mostly real columns, then checks run deep
    width = len(header)
    valid = [VALID_ROW.get(column_key(name), "") for name in header]
    rows = draw(
        st.lists(
            st.one_of(st.just(valid), st.lists(CELL, min_size=width, max_size=width), st.just([""] * width)),
            max_size=12,
        )
    )
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows([header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    data = text.getvalue().encode(encoding, errors="replace")
    filled = [number + 2 for number, row in enumerate(rows) if "".join(row).strip()]
    return data, filled if "".join(header).strip() else None


@FUZZ
@given(spreadsheet_files())
def test_every_row_of_a_well_formed_file_is_served_or_named(file: tuple[bytes, list[int] | None]) -> None:
    data, filled = file

    report = load_specialists(data)

    assert_nothing_lost(report)
    if filled is None:
        assert [p.message for p in report.problems] == ["row 1 is empty; it must hold the column names"]
        return
    assert report.rows_read == len(filled)
    named = {p.row for p in report.errors if p.row is not None} | set(report.specialists["row"])
    assert named <= set(filled)
    if named:
        assert named == set(filled)


@st.composite
def text_tables(draw: st.DrawFn) -> pd.DataFrame:
    """A table of text cells with distinct, non-blank column names and no all-blank row."""
    names = draw(
        st.lists(HEADER_CELL.filter(lambda name: column_key(name) != ""), min_size=3, max_size=6, unique_by=column_key)
    )
    rows = draw(
        st.lists(
            st.lists(CELL, min_size=len(names), max_size=len(names)).filter(lambda row: "".join(row).strip()),
            min_size=1,
            max_size=8,
        )
    )
    return pd.DataFrame(rows, columns=names, dtype="str")


@FUZZ
@given(text_tables())
def test_the_specialists_file_reads_back_exactly_what_was_written(table: pd.DataFrame) -> None:
    read, problems = read_table(source_csv_bytes(table))

    assert [p for p in problems if p.severity == "error"] == []
    assert read is not None
    assert read.columns.tolist() == table.columns.tolist()
    assert read.reset_index(drop=True).equals(table)


FREE_TEXT = TEXT.filter(lambda text: 0 < len(text.strip()) <= 120)


@FUZZ
@given(st.lists(st.tuples(FREE_TEXT, TEXT, TEXT, FREE_TEXT), min_size=1, max_size=6))
def test_a_list_the_validator_accepts_is_served_as_written_after_a_round_trip(
    texts: list[tuple[str, str, str, str]],
) -> None:
    rows = [
        {**VALID_ROW, "id": f"NF-{n}", "name": name, "credentials": credentials, "clinic": clinic, "address": address}
        for n, (name, credentials, clinic, address) in enumerate(texts)
    ]
    table = pd.DataFrame(rows, columns=list(ALL_COLUMNS), dtype="str")

    report = load_specialists(source_csv_bytes(table))

    assert report.errors == []
    served = report.specialists[["name", "credentials", "clinic", "address"]].to_numpy().tolist()
    assert served == [[cell.strip() for cell in row] for row in texts]
