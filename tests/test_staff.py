"""Staff workflow: password, list comparison, the live list with its last-good fallback, the Manage page."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from finder import app_data
from finder.compare import compare_lists
from finder.csv_io import load_specialists
from finder.live_source import LiveSourceError, fetch_csv, load_live
from finder.staff_access import password_matches
from tests.helpers_csv import VALID_ROW, csv_bytes, specialists

APP = Path(__file__).resolve().parents[1] / "app.py"
PASSWORD = "correct horse battery staple"


def test_password_needs_a_configured_exact_match() -> None:
    assert password_matches(PASSWORD, PASSWORD)
    assert not password_matches(PASSWORD + " ", PASSWORD)
    assert not password_matches("", "")  # no password set: the page stays locked


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


def manage_page(secrets: dict[str, dict[str, object]]) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.secrets.update(secrets)
    app.switch_page("pages/manage.py")
    return app.run()


def unlock(app: AppTest, password: str) -> AppTest:
    app.text_input[0].input(password)
    next(button for button in app.button if button.label == "Unlock").click()
    return app.run()


def test_manage_page_stays_locked_without_a_configured_password() -> None:
    app = manage_page({})
    assert not app.exception
    assert "no staff password has been set" in app.warning[0].value
    assert not app.file_uploader and not app.text_input


def test_manage_page_refuses_a_wrong_password() -> None:
    app = unlock(manage_page({"manage": {"password": PASSWORD}}), "guess")
    assert not app.exception
    assert "not right" in app.error[0].value
    assert not app.file_uploader


def test_manage_page_checks_an_upload_and_offers_the_checked_file() -> None:
    app = unlock(manage_page({"manage": {"password": PASSWORD}}), PASSWORD)
    assert not app.exception and app.file_uploader
    rows = specialists(3)
    rows[1]["zip"] = "99999"
    rows.append({**VALID_ROW, "id": "NF-4", "name": '=HYPERLINK("http://evil.example")', "latitude": ""})
    app.file_uploader[0].set_value(("new.csv", csv_bytes(rows), "text/csv"))
    app = app.run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Rows read"] == "4" and metrics["Rows patients will see"] == "2"
    problems = next(frame.value for frame in app.dataframe if "severity" in frame.value.columns)
    assert {"row": 3, "column": "zip"}.items() <= problems.iloc[0].to_dict().items()
    assert "not a US ZIP code we know" in problems.iloc[0]["message"]
    assert any(button.label.startswith("Fill missing map positions (1 rows)") for button in app.button)
    subheaders = [header.value for header in app.subheader]
    assert "Changes compared with the current list" in subheaders and "Publish" in subheaders


def test_manage_page_fills_missing_positions_from_the_zip() -> None:
    app = unlock(manage_page({"manage": {"password": PASSWORD}}), PASSWORD)
    rows = [*specialists(2), {**VALID_ROW, "id": "NF-3", "latitude": "", "longitude": ""}]
    app.file_uploader[0].set_value(("new.csv", csv_bytes(rows), "text/csv"))
    app = app.run()
    next(button for button in app.button if button.label.startswith("Fill missing map positions")).click()
    app = app.run()
    assert not app.exception
    assert "Placed 1 rows by ZIP code" in app.info[0].value
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Rows patients will see"] == "3"


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
    warning = staff.error[0].value
    assert "the file has column names but no specialists" in warning and "the live list, read" in warning
