"""Hand-edited condition files: whatever one file holds, it is reported by name and the others are served."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from finder import app_data
from finder.condition_reader import MAX_FILE_BYTES, MAX_NESTING
from finder.conditions import CONDITIONS_DIR, load_library
from tests.apptest_pages import CONDITIONS, FIND, distances, open_page

GOOD: dict[str, Any] = {
    "title": "Good",
    "summary": "A fine page.",
    "subspecialties": ["epilepsy"],
    "updated": dt.date(2026, 11, 29),
    "sources": [{"title": "A", "publisher": "B", "url": "https://example.org/a"}],
}
GOOD_YAML = yaml.safe_dump(GOOD, sort_keys=False)


def page(front_matter: str, body: str = "## What is it?\nText.") -> str:
    return f"---\n{front_matter}\n---\n{body}\n"


def with_line(field: str, raw: str) -> str:
    """GOOD's front matter with `field` given as the raw YAML text `raw`."""
    others = {key: value for key, value in GOOD.items() if key != field}
    return yaml.safe_dump(others, sort_keys=False) + f"{field}: {raw}"


#: file name -> (its text, words its problem must contain)
BAD_FILES: dict[str, tuple[str | bytes, str]] = {
    "february-30.md": (page(with_line("updated", "2026-02-30")), "“2026-02-30” is not a valid timestamp"),
    "month-13.md": (page(with_line("updated", "2026-13-01")), "“2026-13-01” is not a valid timestamp"),
    "hour-25.md": (page(with_line("updated", "2026-11-29 25:00:00")), "is not a valid timestamp"),
    "float-tag.md": (page(with_line("title", "!!float abc")), "“abc” is not a valid float"),
    "int-tag.md": (page(with_line("title", "!!int abc")), "“abc” is not a valid int"),
    "python-tag.md": (page(with_line("title", "!!python/object/apply:os.system [ls]")), "not valid YAML"),
    "date-title.md": (page(with_line("title", "2026-01-01")), "“title” must be text (put it in quotes"),
    "number-title.md": (page(with_line("title", "12")), "“title” must be text"),
    "yes-title.md": (page(with_line("title", "yes")), "“title” must be text"),
    "date-key.md": (page(GOOD_YAML + "2026-01-01: x"), "Keys should be strings"),
    "deep-brackets.md": (page(with_line("title", "[" * 40_000 + "]" * 40_000)), f"more than {MAX_NESTING} levels"),
    "deep-lists.md": (page(with_line("title", "\n" + "".join("  " * n + "-\n" for n in range(1, 40)))), "levels"),
    "huge.md": (page(GOOD_YAML, "x" * MAX_FILE_BYTES), f"larger than {MAX_FILE_BYTES // 1000} KB"),
    "not-utf8.md": (page(GOOD_YAML).encode("utf-16"), "cannot be read"),
    "no-front-matter.md": ("Just some text.\n\n---\n\ntitle: Good\n---\n", "no front matter"),
    "list-front-matter.md": (page("- a\n- b"), "“title” is missing"),
    "bad-yaml.md": (page("title: [unclosed"), "not valid YAML"),
}


def write_folder(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if isinstance(text, bytes):
            (folder / name).write_bytes(text)
        else:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_each_bad_file_is_named_once_and_the_good_ones_are_served(tmp_path: Path) -> None:
    files = {name: text for name, (text, _) in BAD_FILES.items()}
    write_folder(tmp_path, {**files, "good.md": page(GOOD_YAML), "also-good.md": page(GOOD_YAML)})

    library = load_library(tmp_path)

    assert set(library.conditions) == {"good", "also-good"}
    for name, (_, words) in BAD_FILES.items():
        [problem] = [problem for problem in library.problems if problem.startswith(f"{name}: ")]
        assert words in problem, problem
    assert len(library.problems) == len(BAD_FILES)


def test_a_quoted_date_like_title_is_text(tmp_path: Path) -> None:
    write_folder(tmp_path, {"dated.md": page(with_line("title", '"2026-01-01"'))})
    library = load_library(tmp_path)
    assert library.problems == []
    assert library.conditions["dated"].title == "2026-01-01"


_odd_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.dates() | st.datetimes(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
_raw_yaml = st.one_of(
    st.sampled_from(
        [
            "2026-02-30",
            "2026-13-01",
            "!!float abc",
            "!!int 0x",
            "!!binary a",
            "!!timestamp x",
            "!!set {a}",
            "&a [*a]",
            "*nowhere",
            "{a: [b, {c: d}]}",
            "'unclosed",
            "[",
            "]",
            "? [a]: b",
            "!!python/name:os.system",
            "99999999999999999999999999",
            "1e999",
            ".nan",
            "-.inf",
            "~",
            "0o777",
            "--- !!map",
            "|\n  text",
        ]
    ),
    st.text(max_size=40),
)
FIELDS = (*GOOD, "also_known_as", "symptom_words", "related", "an_unknown_field")


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(FIELDS), value=_odd_values, raw=st.none() | _raw_yaml)
def test_any_front_matter_value_loads_or_is_reported_by_file_name(field: str, value: Any, raw: str | None) -> None:
    """Each field in turn gets a value of an odd type (written by a YAML writer) or odd YAML text (as typed)."""
    front = with_line(field, raw) if raw is not None else yaml.safe_dump({**GOOD, field: value}, sort_keys=False)
    with tempfile.TemporaryDirectory() as folder:
        write_folder(Path(folder), {"fuzzed.md": page(front), "good.md": page(GOOD_YAML)})

        library = load_library(Path(folder))

    assert "good" in library.conditions
    mentions = [problem for problem in library.problems if problem.startswith("fuzzed.md: ")]
    assert mentions or "fuzzed" in library.conditions
    assert all(problem.startswith(("fuzzed.md: ", "good.md: the link")) for problem in library.problems)


@pytest.fixture
def library_with_bad_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped condition pages plus a few broken ones, served by the app."""
    folder = tmp_path / "conditions"
    shutil.copytree(CONDITIONS_DIR, folder)
    names = ("february-30.md", "float-tag.md", "date-key.md", "not-utf8.md")
    write_folder(folder, {name: BAD_FILES[name][0] for name in names})
    monkeypatch.setattr(app_data, "CONDITIONS_DIR", folder)
    return folder


def test_the_conditions_page_still_serves_and_names_the_bad_files(library_with_bad_files: Path) -> None:
    index = open_page(CONDITIONS)
    assert not index.exception
    assert "Myoclonus" in [link.label for link in index.get("page_link")]
    staff_notes = "\n".join(block.value for block in index.markdown).replace("\\", "")
    for name in ("february-30.md", "float-tag.md", "date-key.md", "not-utf8.md"):
        assert f"- {name}: " in staff_notes

    myoclonus = open_page(CONDITIONS, condition="myoclonus")
    assert not myoclonus.exception
    assert myoclonus.title[0].value == "Myoclonus"


def test_the_find_page_still_searches_with_bad_condition_files(library_with_bad_files: Path) -> None:
    app = open_page(FIND, location="60614", condition="myoclonus")
    assert not app.exception
    assert distances(app)
