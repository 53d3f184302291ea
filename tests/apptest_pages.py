"""The one way page tests open the real app (app.py with its navigation) in Streamlit's AppTest."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from streamlit.testing.v1 import AppTest

from finder import staff_ui

APP = Path(__file__).resolve().parents[1] / "app.py"
FIND = "pages/find.py"
CONDITIONS = "pages/conditions.py"
MANAGE = "pages/manage.py"
TIMEOUT = 60
PASSWORD = "correct horse battery staple"
SECRETS: dict[str, dict[str, object]] = {"manage": {"password": PASSWORD}}


def open_page(page: str | None = None, secrets: Mapping[str, object] | None = None, **params: str) -> AppTest:
    """Run the app on `page` (None: the home page) with these secrets and URL parameters."""
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.secrets.update(secrets or {})
    if page:
        app.switch_page(page)
    for key, value in params.items():
        app.query_params[key] = value
    return app.run()


def submit(app: AppTest, field: str, text: str, button: str) -> AppTest:
    """Type into the text box whose label starts with `field`, press `button` and run the app."""
    next(widget for widget in app.text_input if widget.label.startswith(field)).input(text)
    next(widget for widget in app.button if widget.label == button).click()
    return app.run()


def cards(app: AppTest) -> list[str]:
    """The result cards' HTML, in page order."""
    return [card for html in app.get("html") for card in re.findall(r'<li class="nf-card">.*?</li>', html.value, re.S)]


def distances(app: AppTest) -> list[float]:
    """The 'N miles away' figures of the result cards, in page order."""
    found = (re.search(r'<p class="nf-facts">([\d.]+) miles away', card) for card in cards(app))
    return [float(match.group(1)) for match in found if match]


def manage_page(secrets: Mapping[str, object], new_server: bool = True) -> AppTest:
    """The Manage page in a new browser session; `new_server` also starts the password wait afresh."""
    if new_server:
        staff_ui.password_throttle.clear()
    return open_page(MANAGE, secrets)


def unlock(app: AppTest, password: str) -> AppTest:
    app.text_input[0].input(password)
    next(button for button in app.button if button.label == "Unlock").click()
    return app.run()
