"""The staff guide must keep up with the code: every column and subspecialty is explained there."""

import re
import tomllib
from pathlib import Path

from finder.table_contract import ALL_COLUMNS
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


def test_every_script_the_readme_runs_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"python (scripts/\w+\.py)", readme))
    assert {"scripts/benchmark.py", "scripts/load_test.py"} <= named
    assert [script for script in sorted(named) if not (ROOT / script).is_file()] == []


def test_container_runs_the_app_unprivileged_with_a_health_check_and_no_secrets() -> None:
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    dockerfile = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert re.search(r"^HEALTHCHECK .*\n?.*/_stcore/health", dockerfile, flags=re.MULTILINE)
    assert "-r requirements.txt" in dockerfile and "requirements-dev" not in dockerfile
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored


def test_the_readme_module_list_matches_the_package() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listing = readme.split("## How it is built", 1)[1].split("```")[1]
    package = listing.split("\nfinder/", 1)[1].split("\ndata/", 1)[0]  # the lines under finder/
    named = set(re.findall(r"\b(\w+\.py)\b", package))
    modules = {path.name for path in (ROOT / "finder").glob("*.py")} - {"__init__.py"}
    assert sorted(modules - named) == [] and sorted(named - modules) == []


def test_server_settings_that_speed_and_safety_depend_on() -> None:
    """Each was measured or decided (see the comments in .streamlit/config.toml); losing one is a regression."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"  # never a traceback for a patient
    assert config["runner"]["postScriptGC"] is False  # ~220 ms a page
    assert config["server"]["fileWatcherType"] == "none"  # ~140 ms of each session's first page
    assert "--server.fileWatcherType auto" in (ROOT / "README.md").read_text(encoding="utf-8")  # for developers
