"""The validator on the kinds of broken files staff actually save, and the `validate` command around it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from finder.cli import main
from finder.columns import ALL_COLUMNS, REQUIRED_COLUMNS
from finder.csv_io import load_specialists
from finder.sample_data import make_specialists
from finder.search import SearchCriteria, languages_offered, search
from tests.helpers_csv import csv_bytes, specialists

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
