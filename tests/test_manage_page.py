"""The Manage data page as staff use it: the password and its growing wait, the check report, the
warning before a list that would remove most specialists, and text that must reach staff whole and inert."""

from __future__ import annotations

import csv
import functools
import io

import pytest
from streamlit.testing.v1 import AppTest

from finder import app_data, staff_ui
from finder.csv_io import load_specialists
from finder.staff_access import PasswordThrottle
from tests.apptest_pages import PASSWORD, SECRETS, manage_page, unlock
from tests.helpers_csv import VALID_ROW, csv_bytes, specialists
from tests.test_staff_access import Clock

CHECKED_FILE = "Download the checked file"


def upload(app: AppTest, data: bytes) -> AppTest:
    app.file_uploader[0].set_value(("new.csv", data, "text/csv"))
    return app.run()


def unlocked_page() -> AppTest:
    app = unlock(manage_page(SECRETS), PASSWORD)
    assert not app.exception and app.file_uploader
    return app


def bundled_rows() -> list[dict[str, str]]:
    """The 800 specialists patients see when no live list is set up."""
    return list(csv.DictReader(io.StringIO(app_data.SPECIALISTS_CSV.read_text(encoding="utf-8"))))


TEXT_ELEMENTS = {"title", "header", "markdown", "caption", "error", "warning", "info", "success"}


def texts(app: AppTest) -> list[str]:
    """Every piece of text the page shows (messages in page order, then widget labels)."""
    return [str(node.value) for node in app.main if node.type in TEXT_ELEMENTS] + [
        str(node.label) for node in app.main if hasattr(node, "label")
    ]


def download_labels(app: AppTest) -> list[str]:
    return [button.label for button in app.download_button]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The page's password wait runs on a clock the test moves, so nobody waits for real."""
    fake = Clock()
    monkeypatch.setattr(staff_ui, "PasswordThrottle", functools.partial(PasswordThrottle, clock=fake))
    staff_ui.password_throttle.clear()
    yield fake
    staff_ui.password_throttle.clear()


def test_manage_page_stays_locked_without_a_configured_password() -> None:
    app = manage_page({})
    assert not app.exception
    assert "no staff password has been set" in app.warning[0].value
    assert not app.file_uploader and not app.text_input


def test_a_wrong_password_is_refused_and_says_when_to_try_again(clock: Clock) -> None:
    app = unlock(manage_page(SECRETS, new_server=False), "guess")
    assert not app.exception and not app.file_uploader
    assert "not right. You can try again in 1 second." in app.error[0].value


def test_a_second_try_within_the_wait_is_refused_and_the_right_one_after_it_unlocks(clock: Clock) -> None:
    app = unlock(manage_page(SECRETS, new_server=False), "guess")
    clock.now += 1
    app = unlock(app, "second guess")
    assert "try again in 2 seconds" in app.error[0].value
    clock.now += 1
    app = unlock(app, PASSWORD)  # right, but one second early
    assert not app.file_uploader
    assert app.error[0].value.startswith("Please wait 1 second more") and "not checked" in app.error[0].value
    clock.now += 0.5
    app.run()  # any click shows the wait still left, rounded up
    assert "try again in 1 second" in app.info[0].value
    clock.now += 0.5
    app = unlock(app, PASSWORD)
    assert not app.exception and app.file_uploader


def test_a_new_browser_session_does_not_start_the_wait_over(clock: Clock) -> None:
    stranger = manage_page(SECRETS, new_server=False)
    for guess in ("a", "b", "c"):
        stranger = unlock(stranger, guess)
        clock.now += 30
    stranger = unlock(stranger, "d")
    fresh = manage_page(SECRETS, new_server=False)
    assert "You can try again in" in fresh.info[0].value
    assert unlock(fresh, PASSWORD).error[0].value.startswith("Please wait")
    clock.now += 30  # the server-wide wait never passes half a minute
    assert unlock(fresh, PASSWORD).file_uploader


def test_the_report_counts_rows_left_out_and_shows_every_problem_whole_and_escaped() -> None:
    rows = specialists(3)
    rows[1] |= {"zip": "99999", "phone": "555-01"}  # two errors, one row left out
    rows.append({**VALID_ROW, "id": "NF-4", "name": '=HYPERLINK("http://evil.example")', "latitude": ""})
    rows.append({**VALID_ROW, "id": "NF-5", "subspecialties": "Neuro-otology; [click](https://evil.example)"})
    data = csv_bytes(rows)
    app = upload(unlocked_page(), data)
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Rows read"] == "5" and metrics["Rows patients will see"] == "2"
    assert metrics["Rows left out (errors)"] == "3"  # rows, not the 4 error messages
    problems = next(text for text in texts(app) if "**Row 3**" in text)
    assert "**Row 3**: left out until fixed\n    - zip (error): " in problems and "    - phone (error): " in problems
    shown = problems.replace("\\", "").replace("\u2060", "")  # as Markdown renders it (no escapes, no joiners)
    messages = [problem.message for problem in load_specialists(data).problems]
    assert len(messages) == 4 and all(message in shown for message in messages)  # each whole, not clipped
    assert "[click](" not in problems and "\\[click\\]\\(https\\:" in problems
    assert any(button.label.startswith("Fill missing map positions (1 rows)") for button in app.button)
    headers = [header.value for header in app.header]
    assert "Changes compared with the current list" in headers and "Publish" in headers
    assert "3 rows are still left out because of errors" in app.warning[0].value


def test_filling_positions_fills_from_the_zip_and_shows_staff_text_inert() -> None:
    app = unlocked_page()
    rows = [
        *specialists(2),
        {**VALID_ROW, "id": "NF-3", "latitude": "", "longitude": ""},
        {**VALID_ROW, "id": "NF-4", "zip": "[x](https://evil.example)", "address": "", "latitude": "", "longitude": ""},
    ]
    app = upload(app, csv_bytes(rows))
    next(button for button in app.button if button.label.startswith("Fill missing map positions")).click()
    app = app.run()
    assert not app.exception
    summary = app.info[0].value
    assert "Placed 1 rows by ZIP code" in summary and "row 5: the ZIP code" in summary
    assert "[x](" not in summary and "\\[x\\]\\(https\\:" in summary
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Rows patients will see"] == "3"


def test_a_list_that_removes_most_specialists_is_flagged_first_and_needs_a_confirmation() -> None:
    app = upload(unlocked_page(), csv_bytes(bundled_rows()[:15]))
    assert not app.exception
    alert = "This file would remove 785 of the 800 specialists patients see now."
    page = texts(app)
    assert page.index(next(text for text in page if text.startswith(alert))) < page.index("Check results")
    assert CHECKED_FILE not in download_labels(app)
    confirm = app.checkbox[0]
    assert confirm.label == "Yes, I mean to publish a list without 785 of the 800 specialists." and not confirm.value
    app = confirm.check().run()
    assert CHECKED_FILE in download_labels(app)

    app = upload(app, csv_bytes(bundled_rows()[:20]))  # another file: asked again
    assert "would remove 780 of the 800" in app.error[0].value
    assert not app.checkbox[0].value and CHECKED_FILE not in download_labels(app)


def test_a_list_that_leaves_most_rows_out_by_errors_is_flagged_too() -> None:
    rows = bundled_rows()
    for row in rows[100:]:
        row["phone"] = "call us"
    app = upload(unlocked_page(), csv_bytes(rows))
    assert "would remove 700 of the 800" in app.error[0].value
    assert CHECKED_FILE not in download_labels(app)


def test_a_small_edit_is_offered_for_download_at_once() -> None:
    rows = bundled_rows()
    rows[4]["phone"] = "(312) 555-0199"
    del rows[7]
    app = upload(unlocked_page(), csv_bytes(rows))
    assert not app.exception and not app.error and not app.checkbox
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Changed"] == "1" and metrics["Not in the new list"] == "1"
    assert CHECKED_FILE in download_labels(app)


def test_the_page_gives_no_command_line_instructions() -> None:
    """The page's own words; the checker's messages (the problem list) are finder.validation's to keep plain."""
    rows = [*specialists(2), {**VALID_ROW, "id": "NF-3", "latitude": "", "longitude": ""}]
    app = upload(unlocked_page(), csv_bytes(specialists(2)))
    for check in (app, upload(app, csv_bytes(rows))):
        shown = " ".join(text for text in texts(check) if not text.startswith("- **Row")).lower()
        assert "python" not in shown and "pip " not in shown and "command" not in shown and "```" not in shown
