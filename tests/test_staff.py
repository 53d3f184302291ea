"""Staff workflow: password, list comparison, the Manage page. The live list is tested in test_live_source.py."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from finder.compare import compare_lists
from finder.csv_io import load_specialists
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
