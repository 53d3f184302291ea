"""The condition library's checked copy on disk: a restart serves it unread, and it is never out of date."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from finder import conditions
from finder.conditions import CONDITIONS_DIR, kept_library, load_library

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped pages that a test may edit."""
    return Path(shutil.copytree(CONDITIONS_DIR, tmp_path / "conditions"))


def no_reading(folder: Path = CONDITIONS_DIR) -> conditions.ConditionLibrary:
    raise AssertionError("the files were read again although nothing had changed")


def test_the_kept_copy_is_the_library_the_files_make(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = kept_library(folder, tmp_path / "kept")
    assert first == load_library(folder) and first.conditions
    monkeypatch.setattr(conditions, "load_library", no_reading)
    again = kept_library(folder, tmp_path / "kept")
    assert again == first  # every field of every page, the dates, the sources and the problems
    assert [condition.slug for condition in again.search("my hand shakes")] == [
        condition.slug for condition in first.search("my hand shakes")
    ]


def test_an_edited_page_is_read_again_and_replaces_the_old_copy(folder: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    kept_library(folder, kept)
    page = folder / "myoclonus.md"
    page.write_text(page.read_text().replace("title: Myoclonus", "title: Myoclonus (edited)"))
    assert kept_library(folder, kept).conditions["myoclonus"].title == "Myoclonus (edited)"
    assert len(list(kept.glob("conditions-*.json"))) == 1


def test_a_problem_found_in_a_file_is_kept_with_the_copy(folder: Path, tmp_path: Path) -> None:
    (folder / "Bad Name.md").write_text("---\ntitle: x\n---\n")
    first = kept_library(folder, tmp_path / "kept")
    assert any("Bad Name.md" in problem for problem in first.problems)
    assert kept_library(folder, tmp_path / "kept").problems == first.problems


def test_a_damaged_copy_is_read_again_from_the_files(folder: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    expected = kept_library(folder, kept)
    for copy in kept.glob("conditions-*.json"):
        copy.write_text('{"conditions": [{"slug": "x"}]')
    assert kept_library(folder, kept) == expected


def test_a_disk_that_cannot_keep_the_copy_still_serves_the_library(folder: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    assert kept_library(folder, blocked) == load_library(folder)


def test_a_restart_serving_the_copy_loads_no_yaml_or_pydantic(tmp_path: Path) -> None:
    """Reading and checking the files needs ~0.2 s of imports and YAML; serving the kept copy needs neither."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from finder.conditions import kept_library
        library = kept_library(directory=Path({str(tmp_path)!r}))
        readers = ("pydantic", "yaml", "frontmatter")
        print(len(library.conditions), sorted(name for name in readers if name in sys.modules))
        """
    )

    def run() -> str:
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    shipped = len(list(CONDITIONS_DIR.glob("*.md")))
    assert run() == f"{shipped} ['frontmatter', 'pydantic', 'yaml']"  # the first start reads the files
    assert run() == f"{shipped} []"  # a restart serves the copy
