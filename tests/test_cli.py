"""The command line's promise: exit 0 clean, 1 problems found, 2 could not do its job; never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import finder.cli
from finder.cli import main
from finder.csv_io import MAX_FILE_BYTES
from finder.table_contract import ALL_COLUMNS
from tests.helpers_csv import csv_bytes, specialists

REPO = Path(__file__).resolve().parents[1]
# Files that made `validate` and `geocode` end in a traceback with exit code 1 before.
# The last column renamed to "Name": the second "name" column.
DUPLICATE_COLUMN = csv_bytes(specialists(2)).replace(f"{ALL_COLUMNS[-1]}\r\n".encode(), b"Name\r\n", 1)
LAST_COLUMN = chr(ord("A") + len(ALL_COLUMNS) - 1)
NO_KNOWN_SUBSPECIALTY = csv_bytes([{**row, "subspecialties": "Foo"} for row in specialists(2)])


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("data", [DUPLICATE_COLUMN, NO_KNOWN_SUBSPECIALTY], ids=["duplicate-column", "no-subspecialty"])
def test_files_that_used_to_crash_validate_exit_1_with_sentences(
    tmp_path: Path, data: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["validate", str(write(tmp_path, data))])
    printed = capsys.readouterr()

    assert code == 1
    assert printed.err == ""
    assert printed.out.splitlines()[0].startswith("ERROR")


def test_geocode_refuses_a_file_with_a_column_named_twice_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.csv"

    code = main(["geocode", str(write(tmp_path, DUPLICATE_COLUMN)), "-o", str(output), "--offline"])

    assert code == 2
    assert not output.exists()
    assert capsys.readouterr().out.splitlines() == [
        f"ERROR: columns B (“name”) and {LAST_COLUMN} (“Name”) are both the “name” column; keep one and delete or "
        "rename the others",
        "ERROR: nothing was filled in: fix these problems first so that no specialist is lost",
    ]


def _broken(data: bytes) -> None:
    raise RuntimeError("a bug deep inside")


def test_an_unexpected_error_is_one_sentence_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(finder.cli, "load_specialists", _broken)
    monkeypatch.delenv("NEUROFINDER_DEBUG", raising=False)

    code = main(["validate", str(write(tmp_path, csv_bytes(specialists(1))))])
    printed = capsys.readouterr()

    assert code == 2
    assert printed.out == ""
    assert printed.err.splitlines() == [
        "Something went wrong inside the tool (RuntimeError), so the command stopped and no file was written. "
        "Please report it; run again with NEUROFINDER_DEBUG=1 to see the details."
    ]


def test_the_details_of_an_unexpected_error_are_shown_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(finder.cli, "load_specialists", _broken)
    monkeypatch.setenv("NEUROFINDER_DEBUG", "1")

    assert main(["validate", str(write(tmp_path, csv_bytes(specialists(1))))]) == 2
    assert "RuntimeError: a bug deep inside" in capsys.readouterr().err


def test_a_crash_in_a_real_process_exits_2_without_a_traceback(tmp_path: Path) -> None:
    crash = (
        "import sys, finder.cli as cli\ncli.load_specialists = lambda data: 1 / 0\nsys.exit(cli.main(sys.argv[1:]))\n"
    )
    path = write(tmp_path, csv_bytes(specialists(1)))

    done = subprocess.run(
        [sys.executable, "-c", crash, "validate", str(path)], cwd=REPO, capture_output=True, text=True, check=False
    )

    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("Something went wrong inside the tool (ZeroDivisionError)")


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as file:
        file.truncate(MAX_FILE_BYTES * 40)  # 2 GB, sparse: nothing is written to disk

    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == "ERROR: the file is larger than 50 MB"


@pytest.mark.parametrize("command", [[], ["validate"], ["geocode"]], ids=["main", "validate", "geocode"])
def test_help_documents_the_exit_codes(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main([*command, "--help"])

    assert ended.value.code == 0
    assert "Exit codes: 0" in " ".join(capsys.readouterr().out.split())
