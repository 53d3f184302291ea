"""The measuring scripts: their arithmetic, their protocol messages, and one tiny run of each.

A benchmark that silently measures an error page, or a load test whose clients never reach the
find page, prints confident numbers about nothing; these tests keep both honest after a
Streamlit upgrade or an app change.
"""

from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from finder import zip_index
from scripts import benchmark, load_test, measuring

ROOT = Path(__file__).resolve().parents[1]


def test_percentile_interpolates_between_neighbours() -> None:
    assert measuring.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert measuring.percentile([0.0, 10.0], 95) == pytest.approx(9.5)
    assert measuring.percentile([4.0], 95) == 4.0
    assert math.isnan(measuring.percentile([], 50))


def test_markdown_table_lines_up_and_aligns_numbers_right() -> None:
    table = measuring.markdown_table(("measure", "ms"), [("search", "1.5"), ("map build", "12.25")]).splitlines()
    assert len({len(line) for line in table}) == 1
    assert table[1] == "|-----------|------:|"
    assert table[3] == "| map build | 12.25 |"


def test_rerun_request_asks_for_the_find_page_with_the_search() -> None:
    message = BackMsg.FromString(measuring.rerun_request("location=10001&radius=100"))
    assert message.WhichOneof("type") == "rerun_script"
    assert message.rerun_script.page_name == "find"
    assert message.rerun_script.query_string == "location=10001&radius=100"


def test_streamlit_options_become_command_line_flags() -> None:
    assert measuring.streamlit_flag("runner.postScriptGC = false") == ("--runner.postScriptGC", "false")
    for wrong in ("runner.postScriptGC", "=false", ""):
        with pytest.raises(ValueError, match="name=value"):
            measuring.streamlit_flag(wrong)


def test_app_copy_serves_the_given_list_from_its_own_data_folder(tmp_path: Path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text("id\n")
    folder = measuring.app_copy(tmp_path / "app", listing)
    # finder/app_data.py finds data/ through its own resolved path: it must land in the copy.
    assert (folder / "finder" / "app_data.py").resolve().parents[1] == folder.resolve()
    assert (folder / "data" / "specialists.csv").resolve() == listing.resolve()
    assert (folder / "data" / "conditions").is_dir() and (folder / "pages" / "find.py").is_file()


def test_sessions_search_different_places_and_move_on() -> None:
    def place(request: bytes) -> str:
        return BackMsg.FromString(request).rerun_script.query_string

    first = [place(load_test.search_request(session, 0)) for session in range(20)]
    assert len(set(first)) == 20
    assert place(load_test.search_request(0, 1)) == first[1]
    assert all(query.endswith("&radius=100") for query in first)


def test_new_searches_never_repeat_a_place_within_a_run() -> None:
    places = load_test.new_places()
    first = [next(places) for _ in range(5_000)]
    assert len(set(first)) == len(first) and all(len(zip_code) == 5 and zip_code.isdigit() for zip_code in first)
    again = load_test.new_places()
    assert [next(again) for _ in range(3)] == first[:3]  # the same order every run


def test_new_searches_are_places_the_app_can_find() -> None:
    """A ZIP the app cannot place would count as an error (77352 did: the zipcodes package lists it at 0,0)."""
    places = load_test.new_places()
    first = [next(places) for _ in range(2_000)]
    assert all(zip_index.zip_centroid(zip_code) for zip_code in first)


def test_a_page_counts_only_with_its_results_line_and_no_exception() -> None:
    def page(*alerts: str, exception: str | None = None) -> measuring.PageRun:
        return measuring.PageRun(0.1, alerts, exception)

    assert load_test.problem_with(page("77 specialists within 100 miles of New York, NY, nearest first.")) is None
    assert load_test.problem_with(page("No matching specialists within 100 miles of Nome, AK.")) is None
    assert "raised" in (load_test.problem_with(page("3 within 100 miles of X", exception="boom")) or "")
    assert "no 'within 100 miles' line" in (load_test.problem_with(page("We are sorry")) or "")


def test_figures_are_judged_against_issue_9_targets() -> None:
    fast = benchmark.Figure("search alone", 10_000, 34, "ms", 1.6, 375.0)
    slow = benchmark.Figure("map HTML", 100_000, 5_000, "KB", 258.0, 9_402.0)
    untargeted = benchmark.Figure("warm rerun, server", 1_000, 89, "ms", 61.4)
    assert fast.cells() == ["search alone", "10,000", "34", "1.60 ms", "375 ms", "234x", "≤ 2 ms", "met"]
    assert slow.cells()[-2:] == ["≤ 250 KB", "NOT MET"]
    assert untargeted.cells()[-4:] == ["—", "—", "—", ""]


def test_the_naive_map_baseline_draws_every_result_escaped(sample_specialists: pd.DataFrame) -> None:
    shown = sample_specialists.head(30).assign(distance_miles=1.0)
    shown.loc[shown.index[0], "name"] = "<img src=x onerror=alert(1)>"
    html = benchmark.naive_map(shown, (40.0, -90.0), 50.0).get_root().render()
    assert len(re.findall(r"L\.marker\(", html)) == 30
    assert "<img src=x" not in html


#: The file the load test's --server-python leaves behind when the server really runs under it.
SERVER_PYTHON_MARK = "server-python-was-used"


@pytest.fixture(scope="module")
def scripts_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scripts' temporary folder (TMPDIR)."""
    return tmp_path_factory.mktemp("scripts")


@pytest.fixture(scope="module")
def script_runs(scripts_temp: Path) -> Iterator[dict[str, subprocess.Popen[str]]]:
    """Both scripts at their smallest, started together so the two cores share the wait.

    TMPDIR keeps their generated lists and throwaway app copies out of the machine's temp folder. Each script
    runs in a process group of its own, and an unfinished one is ended with its whole group: killing only the
    script left the Streamlit server it had started running, orphaned, after a failed test.
    """
    temp = scripts_temp
    env = {**os.environ, "TMPDIR": str(temp), "NEUROFINDER_GEOCODER": "off"}
    server_python = temp / "server-python"  # this Python, leaving a mark that the server was started with it
    server_python.write_text(f'#!/bin/sh\ntouch "{temp / SERVER_PYTHON_MARK}"\nexec "{sys.executable}" "$@"\n')
    server_python.chmod(0o755)
    commands = {
        "benchmark": ["scripts/benchmark.py", "--sizes", "400", "--quick"],
        "load_test": [
            "scripts/load_test.py",
            "--sessions",
            "1",
            "--seconds",
            "4",
            "--server-python",
            str(server_python),
        ],
    }
    runs = {
        name: subprocess.Popen(
            [sys.executable, *command],
            cwd=ROOT,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for name, command in commands.items()
    }
    yield runs
    for run in runs.values():
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)  # the script and the server it started
            run.communicate()


def finished(run: subprocess.Popen[str]) -> str:
    output, _ = run.communicate(timeout=180)
    assert run.returncode == 0, output
    return output


def table_rows(output: str) -> dict[str, dict[str, str]]:
    """The printed Markdown table's data rows by their first cell, each row's cells by column name."""
    lines = [line for line in output.splitlines() if line.startswith("|")]
    header, _, *rows = ([cell.strip() for cell in line.strip("|").split("|")] for line in lines)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


@pytest.mark.timeout(240)
def test_benchmark_prints_its_table(script_runs: dict[str, subprocess.Popen[str]]) -> None:
    rows = table_rows(finished(script_runs["benchmark"]))
    assert list(rows) == ["search alone", "map build", "map HTML", "warm rerun, same search", "new search, AppTest"]
    assert rows["map build"]["rows"] == rows["map build"]["results"] == "400"  # a small list: everyone on the map
    assert rows["map build"]["naive ÷ ours"].endswith("x")  # measured beside the naive way


@pytest.mark.timeout(240)
def test_load_test_prints_its_table_with_real_searches(
    script_runs: dict[str, subprocess.Popen[str]], scripts_temp: Path
) -> None:
    one_session = table_rows(finished(script_runs["load_test"]))["1"]
    assert int(one_session["searches"]) >= 1 and one_session["errors"] == "0"
    assert float(one_session["server CPU"]) > 0 and one_session["RSS peak"].endswith(" MB")
    assert (scripts_temp / SERVER_PYTHON_MARK).exists()  # measured on the server Python it was given
