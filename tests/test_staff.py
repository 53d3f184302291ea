"""Staff workflow: comparing a new list with the current one, and the live list with its last-good fallback."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from finder import app_data
from finder.compare import LargeRemoval, compare_lists, large_removal
from finder.csv_io import load_specialists
from finder.live_source import LiveSourceError, fetch_csv, load_live
from tests.helpers_csv import VALID_ROW, csv_bytes, specialists
from tests.test_manage_page import PASSWORD, manage_page, unlock

APP = Path(__file__).resolve().parents[1] / "app.py"


def table(rows: list[dict[str, str]]) -> pd.DataFrame:
    return load_specialists(csv_bytes(rows)).specialists


def test_comparison_lists_added_removed_and_changed_rows() -> None:
    before = specialists(4)
    after = [dict(row) for row in before[1:]]  # NF-1 removed
    after[0]["phone"] = "(312) 555-0199"  # NF-2 changed
    after[1]["accepting_new_patients"] = "no"  # NF-3 changed
    after.append({**VALID_ROW, "id": "NF-9", "name": "New Person"})
    changes = compare_lists(table(before), table(after))
    assert changes.added["id"].tolist() == ["NF-9"]
    assert changes.removed["id"].tolist() == ["NF-1"]
    assert changes.changed["id"].tolist() == ["NF-2", "NF-3"]
    assert changes.changed["what changed"].tolist() == [
        "phone: “(312) 555-0142” → “(312) 555-0199”",
        "accepting_new_patients: “yes” → “no”",
    ]
    assert changes.unchanged == 1
    assert changes.current_count == 4


@pytest.mark.parametrize(
    ("current", "kept", "flagged"),
    [
        (800, 15, True),  # a filtered view saved as the whole list
        (800, 640, False),  # exactly 20% gone: a big clean-up, allowed without asking
        (800, 639, True),
        (5, 4, False),  # one of five retired
        (5, 3, True),
        (3, 0, True),
        (0, 0, False),  # nothing to lose
    ],
)
def test_a_list_that_removes_more_than_a_fifth_of_the_specialists_is_flagged(
    current: int, kept: int, flagged: bool
) -> None:
    rows = specialists(current)
    new_rows = [*rows[:kept], {**VALID_ROW, "id": "NF-NEW"}]  # a new one does not make up for the loss
    removal = large_removal(compare_lists(table(rows), table(new_rows)))
    assert (removal is not None) is flagged
    if removal:
        assert removal == LargeRemoval(current - kept, current)
        assert f"would remove {current - kept} of the {current} specialists patients see now" in removal.warning
        assert f"without {current - kept} of the {current} specialists" in removal.confirmation


class _Files:
    """What the little web server answers: path -> (status, body)."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, bytes]] = {}


@pytest.fixture
def web() -> Iterator[tuple[str, _Files]]:
    """A real HTTP server on 127.0.0.1, standing in for a published spreadsheet."""
    files = _Files()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = files.answers.get(self.path, (404, b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", files
    server.shutdown()


def test_live_list_is_fetched_and_checked(web: tuple[str, _Files]) -> None:
    base, files = web
    files.answers["/good.csv"] = (200, csv_bytes(specialists(3)))
    assert len(load_live(base + "/good.csv").specialists) == 3


@pytest.mark.parametrize(
    ("path", "answer", "phrase"),
    [
        ("/missing.csv", None, "could not be downloaded (HTTPError"),
        ("/empty.csv", (200, b""), "the file is empty"),
        ("/mostly-bad.csv", (200, csv_bytes([{**row, "zip": "00000"} for row in specialists(3)])), "only 0 of 3"),
    ],
)
def test_a_broken_live_list_is_refused_with_the_reason(
    web: tuple[str, _Files], path: str, answer: tuple[int, bytes] | None, phrase: str
) -> None:
    base, files = web
    if answer:
        files.answers[path] = answer
    with pytest.raises(LiveSourceError, match=phrase.replace("(", r"\(")):
        load_live(base + path)


def test_only_web_addresses_are_fetched_and_with_a_timeout() -> None:
    with pytest.raises(LiveSourceError, match="must start with https://"):
        fetch_csv("file:///etc/passwd")
    with pytest.raises(LiveSourceError, match="could not be downloaded"):
        fetch_csv("http://127.0.0.1:9/closed-port.csv", timeout=2)


def test_a_bad_live_list_keeps_the_last_good_one_for_patients(web: tuple[str, _Files]) -> None:
    base, files = web
    files.answers["/list.csv"] = (200, csv_bytes(specialists(3)))
    secrets = {"data": {"csv_url": base + "/list.csv"}, "manage": {"password": PASSWORD}}
    app_data._fetch_live.clear()
    find = AppTest.from_file(APP, default_timeout=60)
    find.secrets.update(secrets)
    find.switch_page("pages/find.py")
    find = find.run()
    assert any(caption.value.startswith("3 specialists.") for caption in find.caption)

    files.answers["/list.csv"] = (200, b"this is not the list\n")
    app_data._fetch_live.clear()  # as if the refresh period had passed
    find = find.run()
    assert not find.exception
    assert any(caption.value.startswith("3 specialists.") for caption in find.caption)
    staff = unlock(manage_page(secrets), PASSWORD)
    warning = staff.error[0].value.replace("\\", "")  # Markdown escapes, as the page shows it
    assert "the file has column names but no specialists" in warning and "the live list, read" in warning


def test_why_the_live_list_is_not_used_reaches_staff_as_plain_text(web: tuple[str, _Files]) -> None:
    base, _ = web  # nothing served: the address answers 404, and the error quotes it
    app_data._fetch_live.clear()
    staff = unlock(
        manage_page({"data": {"csv_url": base + "/**new**_list_.csv"}, "manage": {"password": PASSWORD}}), PASSWORD
    )
    warning = staff.error[0].value
    assert "could not be downloaded" in warning and "\\*\\*new\\*\\*\\_list\\_" in warning


def test_rows_the_live_list_leaves_out_are_listed_for_staff(web: tuple[str, _Files]) -> None:
    base, files = web
    rows = specialists(3)
    rows[2]["zip"] = "99999"
    files.answers["/list.csv"] = (200, csv_bytes(rows))
    app_data._fetch_live.clear()
    staff = unlock(manage_page({"data": {"csv_url": base + "/list.csv"}, "manage": {"password": PASSWORD}}), PASSWORD)
    assert staff.expander[0].label == "Problems in the current list: 1 rows left out, 0 warnings"
    assert any("**Row 4**: left out until fixed\n    - zip (error):" in text.value for text in staff.markdown)
