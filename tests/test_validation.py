"""The validator on the kinds of broken files staff actually save, and the `validate` command around it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from finder.cli import main
from finder.csv_io import load_specialists
from finder.sample_data import make_specialists
from finder.search import SearchCriteria, languages_offered, search
from finder.table_contract import ALL_COLUMNS, REQUIRED_COLUMNS
from tests.helpers_csv import csv_bytes, specialists

#: The spreadsheet letter of the column after the last one a full file has (A is 1).
NEXT_COLUMN = chr(ord("A") + len(ALL_COLUMNS))

REPO = Path(__file__).resolve().parents[1]
CHICAGO = (41.8868, -87.6386)
#: Generous: the point is "a big list does not hang the app", not a benchmark.
FIFTY_THOUSAND_ROWS_SECONDS = 60.0

# Each case spoils the second specialist (spreadsheet row 3) of three.
ROW_CASES = [
    pytest.param({"name": ""}, "error", "name", "the name is missing", id="missing-name"),
    pytest.param({"zip": "60A06"}, "error", "zip", "“60A06” is not a five-digit ZIP code", id="malformed-zip"),
    pytest.param(
        {"zip": "2115", "city": "Boston", "state": "MA", "latitude": "42.3427", "longitude": "-71.0922"},
        "warning",
        "zip",
        "“2115” read as “02115”",
        id="zip-lost-leading-zero",
    ),
    pytest.param({"zip": "99999"}, "error", "zip", "“99999” is not a US ZIP code we know", id="unknown-zip"),
    pytest.param({"phone": "555-0142"}, "error", "phone", "is not a 10-digit US phone number", id="short-phone"),
    pytest.param({"latitude": "48.8566", "longitude": "2.3522"}, "error", "latitude", "is outside the US", id="paris"),
    pytest.param({"latitude": "-87.6386", "longitude": "41.8868"}, "error", "latitude", "look swapped", id="swapped"),
    pytest.param({"longitude": "87.6386"}, "error", "latitude", "is the minus sign missing", id="no-minus"),
    pytest.param(
        {"latitude": "87.6386", "longitude": "41.8868"},
        "error",
        "latitude",
        "look swapped, and US longitudes are negative",
        id="swapped-and-no-minus",
    ),
    pytest.param(
        {"latitude": "39.8", "longitude": "-89.6495"},
        "warning",
        "latitude",
        "miles from the centre of ZIP 60606",
        id="far-from-zip",
    ),
    pytest.param(
        {"subspecialties": "Epilepsey"}, "error", "subspecialties", "did you mean “Epilepsy”?", id="typo-subspecialty"
    ),
    pytest.param({"id": "NF-1"}, "error", "id", "is already used on row 2", id="duplicate-id"),
    pytest.param({"website": "javascript:alert(1)"}, "warning", "website", "is not a web address", id="javascript-url"),
    pytest.param({"latitude": "", "longitude": ""}, "error", "latitude", "the coordinates are missing", id="no-coords"),
]


@pytest.mark.parametrize(("changes", "severity", "column", "phrase"), ROW_CASES)
def test_a_bad_cell_is_reported_at_its_row_and_column(
    changes: dict[str, str], severity: str, column: str, phrase: str
) -> None:
    rows = specialists(3)
    rows[1].update(changes)

    report = load_specialists(csv_bytes(rows))

    assert [(p.severity, p.row, p.column) for p in report.problems] == [(severity, 3, column)]
    assert phrase in report.problems[0].message
    served = ["NF-1", "NF-2", "NF-3"] if severity == "warning" else ["NF-1", "NF-3"]
    assert report.specialists["id"].tolist() == served
    assert report.rows_read == 3


def test_warnings_fix_or_hide_the_value() -> None:
    rows = specialists(2)
    rows[0].update({"zip": "2115", "city": "Boston", "state": "MA", "latitude": "42.3427", "longitude": "-71.0922"})
    rows[1]["website"] = "javascript:alert(document.cookie)"

    served = load_specialists(csv_bytes(rows)).specialists

    assert served["zip"].tolist() == ["02115", "60606"]
    assert served["website"].tolist() == ["https://www.example.org/ana-ruiz", ""]


def _with_a_surplus_cell_on_row_3(data: bytes) -> bytes:
    lines = data.split(b"\r\n")
    lines[2] += b",surplus"
    return b"\r\n".join(lines)


FILE_CASES = [
    pytest.param(
        csv_bytes(specialists(2), columns=[c for c in ALL_COLUMNS if c != "name"]),
        "error",
        None,
        None,
        "the file has no column named “name”",
        id="missing-column",
    ),
    pytest.param(
        csv_bytes([{**row, "notes": "call first"} for row in specialists(2)], columns=[*ALL_COLUMNS, "notes"]),
        "warning",
        None,
        "notes",
        "the column “notes” is not used by the app",
        id="extra-column",
    ),
    pytest.param(b"", "error", None, None, "the file is empty", id="empty"),
    pytest.param(csv_bytes([]), "error", None, None, "column names but no specialists", id="header-only"),
    pytest.param(b"PK\x03\x04" + bytes(200), "error", None, None, "this is an Excel workbook", id="xlsx"),
    pytest.param(
        _with_a_surplus_cell_on_row_3(csv_bytes(specialists(3))),
        "error",
        3,
        None,
        f"this row has {len(ALL_COLUMNS) + 1} cells but the first row names {len(ALL_COLUMNS)} columns",
        id="too-many-cells",
    ),
]


@pytest.mark.parametrize(("data", "severity", "row", "column", "phrase"), FILE_CASES)
def test_a_bad_file_is_reported_in_plain_words(
    data: bytes, severity: str, row: int | None, column: str | None, phrase: str
) -> None:
    report = load_specialists(data)

    assert [(p.severity, p.row, p.column) for p in report.problems] == [(severity, row, column)]
    assert phrase in report.problems[0].message


def test_a_row_with_too_many_cells_is_left_out_and_the_rest_served() -> None:
    report = load_specialists(_with_a_surplus_cell_on_row_3(csv_bytes(specialists(3))))

    assert report.specialists["id"].tolist() == ["NF-1", "NF-3"]
    assert (report.rows_read, report.rows_left_out) == (3, 1)


def test_a_byte_order_mark_is_read_as_nothing_at_all() -> None:
    report = load_specialists(csv_bytes(specialists(2), encoding="utf-8-sig"))

    assert report.problems == []
    assert report.specialists["id"].tolist() == ["NF-1", "NF-2"]


@pytest.mark.parametrize(("encoding", "name"), [("latin-1", "José Núñez"), ("cp1252", "Siobhán O’Brien")])
def test_a_windows_spreadsheet_file_is_read_with_a_warning(encoding: str, name: str) -> None:
    rows = specialists(2)
    rows[1]["name"] = name

    report = load_specialists(csv_bytes(rows, encoding=encoding))

    assert [(p.severity, p.row) for p in report.problems] == [("warning", None)]
    assert "not saved as UTF-8" in report.problems[0].message
    assert report.specialists["name"].tolist() == ["Ana Ruiz 1", name]


def test_good_rows_keep_being_served_and_found_among_bad_ones() -> None:
    rows = specialists(6)
    rows[1]["name"] = ""
    rows[3]["zip"] = "ABCDE"
    rows[4]["latitude"] = "north"

    report = load_specialists(csv_bytes(rows))
    found = search(report.specialists, SearchCriteria(*CHICAGO)).matches

    assert [p.row for p in report.errors] == [3, 5, 6]
    assert found["id"].tolist() == ["NF-1", "NF-3", "NF-6"]
    assert found["row"].tolist() == [2, 4, 7]


def test_optional_columns_may_be_left_out_entirely() -> None:
    report = load_specialists(csv_bytes(specialists(2), columns=list(REQUIRED_COLUMNS)))
    served = report.specialists

    assert report.problems == []
    assert served["accepting_new_patients"].isna().all()
    assert served["telehealth"].isna().all()
    assert served["website"].tolist() == ["", ""]
    assert languages_offered(served) == []
    assert len(search(served, SearchCriteria(*CHICAGO)).matches) == 2
    assert search(served, SearchCriteria(*CHICAGO, accepting_new_patients=True, telehealth=True)).matches.empty


def test_fifty_thousand_rows_validate_fully_in_reasonable_time() -> None:
    data = make_specialists(50_000).to_csv(index=False).encode()

    started = time.perf_counter()
    report = load_specialists(data)
    elapsed = time.perf_counter() - started

    assert report.errors == []
    assert len(report.specialists) == report.rows_read == 50_000
    assert elapsed < FIFTY_THOUSAND_ROWS_SECONDS


def _run_validate(
    tmp_path: Path, rows: list[dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str]]:
    path = tmp_path / "specialists.csv"
    path.write_bytes(csv_bytes(rows))
    code = main(["validate", str(path)])
    return code, capsys.readouterr().out.splitlines()


def test_validate_command_exits_1_on_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = specialists(3)
    rows[1]["name"] = ""

    assert _run_validate(tmp_path, rows, capsys) == (
        1,
        ["ERROR row 3, name: the name is missing", "3 rows read, 2 usable, 1 left out; 1 error, 0 warnings"],
    )


def test_validate_command_exits_0_on_warnings_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = specialists(3)
    rows[2]["website"] = "javascript:alert(1)"

    assert _run_validate(tmp_path, rows, capsys) == (
        0,
        [
            "WARNING row 4, website: “javascript:alert(1)” is not a web address starting with https:// or http://, "
            "so it is not shown",
            "3 rows read, 3 usable, 0 left out; 0 errors, 1 warning",
        ],
    )


def test_validate_command_exits_0_on_a_clean_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_validate(tmp_path, specialists(1), capsys) == (
        0,
        ["1 row read, 1 usable, 0 left out; 0 errors, 0 warnings"],
    )


def test_validate_command_explains_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(tmp_path / "nowhere.csv")])
    printed = capsys.readouterr()

    assert code == 2
    assert printed.err == f"There is no file at {tmp_path / 'nowhere.csv'}. Check the file name and folder.\n"


def test_python_m_finder_validate_runs_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "specialists.xlsx.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(200))

    done = subprocess.run(
        [sys.executable, "-m", "finder", "validate", str(path)], cwd=REPO, capture_output=True, text=True, check=False
    )

    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "ERROR: this is an Excel workbook, not a CSV file: use File › Save As › CSV UTF-8",
        "0 rows read, 0 usable, 0 left out; 1 error, 0 warnings",
    ]
    assert done.stderr == ""


# Hostile files: each must end in plain-words problems naming the place, never an exception, and no row
# may be silently lost (rows_read - usable rows = rows named by an error).


def _text(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    return csv_bytes(rows, columns=columns or list(ALL_COLUMNS)).decode()


def _with_header(header: str, rows: int = 3, cell: str = "") -> bytes:
    """Valid rows under a changed header line; `cell` is appended to every row for an extra column."""
    lines = _text(specialists(rows)).split("\r\n")
    return "\r\n".join([header, *(line + cell if line else line for line in lines[1:])]).encode()


HEADER = ",".join(ALL_COLUMNS)
HEADER_CASES = [
    pytest.param(
        _with_header(HEADER + ",name", cell=",Ana"), f"columns B (“name”) and {NEXT_COLUMN} (“name”)", id="same-name"
    ),
    pytest.param(
        _with_header(HEADER.replace("name,", "Name ,", 1) + ",name", cell=",Ana"),
        f"columns B (“Name ”) and {NEXT_COLUMN} (“name”) are both the “name” column",
        id="same-name-after-matching",
    ),
    pytest.param(
        _with_header(HEADER + ",", cell=",call first"),
        f"column {NEXT_COLUMN} has no name in row 1 but holds data (first on row 2)",
        id="blank-name-over-data",
    ),
]


@pytest.mark.parametrize(("data", "phrase"), HEADER_CASES)
def test_column_names_that_clash_or_are_missing_refuse_the_file_in_plain_words(data: bytes, phrase: str) -> None:
    report = load_specialists(data)

    assert [(p.severity, p.row) for p in report.problems] == [("error", None)]
    assert phrase in report.problems[0].message
    assert report.specialists.empty
    assert (report.rows_read, report.rows_left_out) == (3, 3)


def test_empty_unnamed_columns_excel_leaves_behind_are_ignored_with_a_warning() -> None:
    report = load_specialists(_with_header(HEADER + ",,", cell=",,"))

    assert [str(p) for p in report.problems] == [
        f"WARNING: column {NEXT_COLUMN} has no name and no data; it is ignored",
        f"WARNING: column {chr(ord(NEXT_COLUMN) + 1)} has no name and no data; it is ignored",
    ]
    assert report.specialists["id"].tolist() == ["NF-1", "NF-2", "NF-3"]


@pytest.mark.parametrize(
    ("cell", "phrase"),
    [("Foo", "“Foo” is not a subspecialty we list"), ("", "no subspecialty is given")],
    ids=["none-known", "none-given"],
)
def test_a_file_where_no_row_names_a_known_subspecialty_reports_each_row(cell: str, phrase: str) -> None:
    rows = [{**row, "subspecialties": cell} for row in specialists(3)]

    report = load_specialists(csv_bytes(rows))

    assert [(p.row, p.column) for p in report.problems] == [
        (2, "subspecialties"),
        (3, "subspecialties"),
        (4, "subspecialties"),
    ]
    assert all(phrase in p.message for p in report.problems)
    assert report.specialists.empty


def test_a_file_whose_every_row_has_the_wrong_shape_is_reported_row_by_row() -> None:
    data = csv_bytes(specialists(3)).replace(b"\r\nNF-", b"\r\nNF-,extra")

    report = load_specialists(data)

    assert [p.row for p in report.errors] == [2, 3, 4]
    assert (report.rows_read, len(report.specialists)) == (3, 0)


def _unclosed_quote_file() -> bytes:
    """Five specialists; row 3's clinic opens a quote that the clinic of row 5 closes."""
    rows = specialists(5)
    rows[3]["clinic"] = "Lakeside, North"  # written in quotes, so its quote mark closes the stray one
    return csv_bytes(rows).replace(
        b"NF-2,Ana Ruiz 2,MD,Epilepsy; Sleep medicine,Loop", b'NF-2,Ana Ruiz 2,MD,Epilepsy; Sleep medicine,"Loop'
    )


def test_an_unclosed_quote_names_both_lines_and_no_later_row_is_merged_or_misnumbered() -> None:
    report = load_specialists(_unclosed_quote_file())

    assert [(p.severity, p.row) for p in report.problems] == [("error", 3)]
    assert (
        "opens a cell in this row and the cell runs on to line 5, so lines 4 to 5 were read"
        in report.problems[0].message
    )
    assert report.specialists["id"].tolist() == ["NF-1", "NF-3", "NF-4", "NF-5"]
    assert report.specialists["row"].tolist() == [2, 4, 5, 6]
    assert report.specialists["clinic"].tolist()[2] == "Lakeside, North"
    assert (report.rows_read, report.rows_left_out) == (5, 1)


def test_a_quote_never_closed_before_the_end_of_the_file_loses_no_row() -> None:
    data = csv_bytes(specialists(4)).replace(b"Ana Ruiz 2", b'"Ana Ruiz 2')

    report = load_specialists(data)

    assert [p.row for p in report.problems] == [3]
    assert "the cell runs on to line 5, so lines 4 to 5" in report.problems[0].message
    assert report.specialists["id"].tolist() == ["NF-1", "NF-3", "NF-4"]


def test_after_a_cell_with_a_real_line_break_rows_and_text_lines_are_both_named() -> None:
    rows = specialists(4)
    rows[0]["address"] = "233 S Wacker Dr\nSuite 4"  # a real two-line address: one row, two lines
    data = csv_bytes(rows).replace(b"NF-3,Ana Ruiz 3", b'NF-3,"Ana Ruiz 3')

    report = load_specialists(data)

    assert [p.row for p in report.problems] == [4]
    assert (
        "opens a cell in this row (line 5 of the text file) and the cell runs on to line 6"
        in report.problems[0].message
    )
    assert report.specialists["id"].tolist() == ["NF-1", "NF-2", "NF-4"]
    assert report.specialists["address"].tolist()[0] == "233 S Wacker Dr\nSuite 4"


def test_an_unclosed_quote_in_the_column_names_refuses_the_file() -> None:
    data = b'id,"name,' + csv_bytes(specialists(2)).split(b",", 2)[2]

    report = load_specialists(data)

    assert [(p.severity, p.row) for p in report.problems] == [("error", None)]
    assert "a quote mark in row 1 is not closed" in report.problems[0].message


def test_a_cell_too_long_for_csv_is_a_row_problem_not_a_crash() -> None:
    rows = specialists(3)
    rows[1]["clinic"] = "x" * 200_000

    report = load_specialists(csv_bytes(rows))

    assert [p.row for p in report.errors] == [3]
    assert "far too long" in report.errors[0].message
    assert report.specialists["id"].tolist() == ["NF-1", "NF-3"]


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        pytest.param("\ufeffid,name\r\n".encode("utf-16"), "saved as Unicode text (UTF-16)", id="utf-16"),
        pytest.param(csv_bytes(specialists(200)) + b"NF-x,\x00\r\n", "contains binary data", id="late-nul-byte"),
        pytest.param(b"\r\n" + csv_bytes(specialists(2)), "row 1 is empty", id="blank-first-row"),
    ],
)
def test_files_that_are_not_a_usable_csv_are_refused_in_plain_words(data: bytes, phrase: str) -> None:
    report = load_specialists(data)

    assert [(p.severity, p.row) for p in report.problems] == [("error", None)]
    assert phrase in report.problems[0].message


def test_a_file_separated_by_semicolons_is_refused_with_a_hint() -> None:
    report = load_specialists(csv_bytes(specialists(3)).replace(b",", b";"))

    assert [(p.severity, p.row) for p in report.problems] == [("error", None)]
    assert "separated by semicolons, not commas" in report.problems[0].message


def test_a_file_whose_rows_mostly_have_the_wrong_shape_is_refused_not_listed_row_by_row() -> None:
    data = csv_bytes(specialists(30)).replace(b"\r\nNF-", b"\r\nx,NF-")

    report = load_specialists(data, limit=5)

    assert [(p.severity, p.row) for p in report.problems] == [("error", None), *[("error", row) for row in range(2, 6)]]
    assert f"30 of 30 rows do not have the {len(ALL_COLUMNS)} cells that row 1 names" in report.problems[0].message
    assert report.specialists.empty
    assert (report.rows_read, report.error_count) == (30, 31)


def test_a_column_failing_in_nearly_every_row_refuses_the_file_early() -> None:
    rows = [{**row, "zip": "ABCDE"} for row in specialists(30)]

    report = load_specialists(csv_bytes(rows))

    assert "the “zip” column has errors in 30 of 30 rows, so this file was not used" in report.problems[0].message
    assert {p.column for p in report.problems[1:]} == {"zip"}  # checks stop there: no subspecialty messages etc.
    assert report.specialists.empty
    assert report.rows_left_out == 30


def test_a_new_list_without_any_map_positions_is_not_refused() -> None:
    rows = [{**row, "latitude": "", "longitude": ""} for row in specialists(30)]

    report = load_specialists(csv_bytes(rows))

    assert report.error_count == 30
    assert all(p.row is not None for p in report.problems)
    assert "Fill missing map positions" in report.problems[0].message


def test_only_the_first_problems_are_kept_but_every_one_is_counted() -> None:
    rows = specialists(40)
    for row in rows[:12]:
        row.update({"phone": "555", "website": "ftp://x"})

    report = load_specialists(csv_bytes(rows), limit=5)

    assert [(p.row, p.column) for p in report.problems] == [
        (2, "phone"), (2, "website"), (3, "phone"), (3, "website"), (4, "phone")
    ]  # fmt: skip
    assert (report.error_count, report.warning_count, report.rows_left_out) == (12, 12, 12)
    assert report.not_listed() == (
        "…and 19 more problems of the same kinds, not listed here (10 warnings in “website”; 9 errors in "
        "“phone”). Fix the ones listed, then check the file again."
    )
    assert report.problems_frame()["message"].tolist()[-1] == report.not_listed()


def test_messages_shown_to_staff_name_no_command_line() -> None:
    rows = specialists(3)
    rows[0].update({"latitude": "", "longitude": ""})
    rows[1]["zip"] = "99999"
    rows[2]["name"] = ""
    files = [csv_bytes(rows), *(param.values[0] for param in HEADER_CASES), b"", b"PK\x03\x04"]

    messages = [p.message for data in files for p in load_specialists(data).problems]

    assert len(messages) >= 6
    assert [m for m in messages if "python" in m or "finder " in m] == []


def test_validate_command_lists_the_first_problems_and_counts_all(tmp_path: Path) -> None:
    path = tmp_path / "specialists.csv"
    rows = specialists(1500)
    for row in rows[:1200]:
        row["phone"] = "555"
    path.write_bytes(csv_bytes(rows))

    done = subprocess.run(
        [sys.executable, "-m", "finder", "validate", str(path)], cwd=REPO, capture_output=True, text=True, check=False
    )

    lines = done.stdout.splitlines()
    assert (done.returncode, done.stderr, len(lines)) == (1, "", 1002)
    assert lines[-2].startswith("…and 200 more problems of the same kinds, not listed here (200 errors in “phone”)")
    assert lines[-1] == "1,500 rows read, 300 usable, 1,200 left out; 1,200 errors, 0 warnings"
