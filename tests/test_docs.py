"""The staff guide must keep up with the code: every column and subspecialty is explained there."""

from pathlib import Path

from finder.columns import ALL_COLUMNS
from finder.vocabulary import LABELS

ROOT = Path(__file__).resolve().parents[1]
STAFF_GUIDE = (ROOT / "docs" / "staff-guide.md").read_text(encoding="utf-8")


def test_staff_guide_explains_every_column() -> None:
    assert [column for column in ALL_COLUMNS if f"`{column}`" not in STAFF_GUIDE] == []


def test_staff_guide_lists_every_subspecialty() -> None:
    flat = " ".join(STAFF_GUIDE.split())
    assert [label for label in LABELS.values() if label not in flat] == []


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in readme
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
