"""The checked-copy cache makes loading faster, never wrong: new bytes or new checking code mean checking again."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest
import zipcodes

from finder import conditions, disk_cache, first_start, table_cache, zip_index
from finder.csv_io import load_specialists
from finder.table_contract import ValidationReport
from tests.helpers_csv import VALID_ROW, csv_bytes, specialists


class CountingCheck:
    """The real loader, counting how often the cache had to call it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, data: bytes) -> ValidationReport:
        self.calls += 1
        return load_specialists(data)


def a_file(**changes: str) -> bytes:
    rows = specialists(5)
    rows[1].update(changes)
    rows.append({**VALID_ROW, "id": "NF-9", "zip": "99999"})  # a row with an error, reported and left out
    return csv_bytes(rows)


def assert_same(first: ValidationReport, second: ValidationReport) -> None:
    pd.testing.assert_frame_equal(first.specialists, second.specialists)
    assert first.problems == second.problems and first.rows_read == second.rows_read
    assert first.log.counts == second.log.counts and first.not_listed() == second.not_listed()


def test_a_second_load_of_the_same_bytes_reads_the_checked_copy(tmp_path: Path) -> None:
    check = CountingCheck()
    first = table_cache.checked(a_file(), check, tmp_path)
    second = table_cache.checked(a_file(), check, tmp_path)
    assert check.calls == 1
    assert_same(first, second)
    assert first.errors and len(first.specialists) == 5


def test_any_change_to_the_file_is_checked_again(tmp_path: Path) -> None:
    check = CountingCheck()
    table_cache.checked(a_file(), check, tmp_path)
    changed = table_cache.checked(a_file(phone="(312) 555-0199"), check, tmp_path)
    assert check.calls == 2
    assert "(312) 555-0199" in changed.specialists["phone"].tolist()


def test_new_checking_code_retires_old_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check = CountingCheck()
    table_cache.checked(a_file(), check, tmp_path)
    monkeypatch.setattr(table_cache, "_CODE_FINGERPRINT", "changed-rules")
    table_cache.checked(a_file(), check, tmp_path)
    assert check.calls == 2


@pytest.mark.parametrize("damage", [b"", b"not parquet at all"])
def test_a_damaged_copy_means_checking_again(tmp_path: Path, damage: bytes) -> None:
    check = CountingCheck()
    first = table_cache.checked(a_file(), check, tmp_path)
    (copy,) = tmp_path.glob("*.parquet")
    copy.write_bytes(damage)
    assert_same(first, table_cache.checked(a_file(), check, tmp_path))
    assert check.calls == 2


def test_a_disk_that_cannot_keep_copies_still_serves_the_list(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    check = CountingCheck()
    report = table_cache.checked(a_file(), check, blocked)
    assert len(report.specialists) == 5 and check.calls == 1


def test_only_the_newest_copies_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table_cache, "MAX_COPIES", 2)
    for number in range(4):
        table_cache.checked(a_file(phone=f"(312) 555-01{number:02d}"), CountingCheck(), tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == 2 and len(list(tmp_path.glob("*.parquet"))) == 2


def test_a_copy_keeps_exact_counts_beyond_the_listed_problems(tmp_path: Path) -> None:
    rows = specialists(30)
    for row in rows[:10]:
        row["zip"] = "99999"  # a third of the rows: reported, not a refused file
    check = CountingCheck()
    first = table_cache.checked(csv_bytes(rows), lambda data: load_specialists(data, limit=5), tmp_path)
    second = table_cache.checked(csv_bytes(rows), check, tmp_path)
    assert check.calls == 0
    assert len(second.problems) == 5 and second.error_count == first.error_count == 10
    assert second.not_listed() == first.not_listed() != ""


def test_a_copy_the_server_may_not_touch_is_still_served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy built into a container image, in a folder the server cannot write, is read, not checked again."""
    check = CountingCheck()
    first = table_cache.checked(a_file(), check, tmp_path)

    def refused(*_: object, **__: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(table_cache.os, "utime", refused)
    assert_same(first, table_cache.checked(a_file(), check, tmp_path))
    assert check.calls == 1


def test_prepare_keeps_what_a_first_start_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An image built with prepare() starts its first server as fast as a restart: nothing is built or checked."""
    monkeypatch.setattr(table_cache, "DEFAULT_CACHE_DIR", tmp_path)
    monkeypatch.setattr(disk_cache, "CACHE_DIR", tmp_path)
    csv = tmp_path / "specialists.csv"
    csv.write_bytes(a_file())
    zip_index.zip_table.cache_clear()
    try:
        first_start.prepare(csv)
        zip_index.zip_table.cache_clear()  # a new process
        monkeypatch.setattr(zipcodes, "list_all", lambda: pytest.fail("the ZIP table was built again"))
        assert len(zip_index.zip_table()) > 40_000
        check = CountingCheck()
        assert len(table_cache.checked(csv.read_bytes(), check).specialists) == 5 and check.calls == 0
        monkeypatch.setattr(conditions, "load_library", lambda folder: pytest.fail("the condition pages were read"))
        assert conditions.kept_library().conditions
    finally:
        zip_index.zip_table.cache_clear()


def test_the_bundled_lists_version_names_the_files_content_without_hashing_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from finder import app_data  # imports Streamlit: only this test needs it

    monkeypatch.setattr(table_cache, "DEFAULT_CACHE_DIR", tmp_path / "copies")
    path = tmp_path / "specialists.csv"
    path.write_bytes(a_file())
    first = app_data._load_bundled(str(path), 1.0)
    app_data._load_bundled.clear()  # a restart: the table comes from the checked copy

    with monkeypatch.context() as hashing:
        hashing.setattr(pd.util, "hash_pandas_object", None)  # the version must not come from the cells
        again = app_data._load_bundled(str(path), 1.0)
        assert again.table is not first.table and again.version == first.version
    path.write_bytes(a_file(name="Ana Ruiz-Lopez"))
    edited = app_data._load_bundled(str(path), 2.0)
    assert edited.version != first.version
    app_data._load_bundled.clear()


def test_every_module_the_checks_import_retires_old_copies_when_edited() -> None:
    """A module left out of the fingerprint could change what a checked table holds while old copies are served."""
    package = Path(table_cache.__file__).parent
    reached, waiting = set(), ["csv_io.py", "table_cache.py"]
    while waiting:
        name = waiting.pop()
        if name in reached:
            continue
        reached.add(name)
        for node in ast.walk(ast.parse((package / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "finder":
                waiting += [f"{alias.name}.py" for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("finder."):
                waiting.append(f"{(node.module or '').split('.')[1]}.py")

    assert reached - set(table_cache.CHECKING_MODULES) == set()
