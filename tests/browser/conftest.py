"""Fixtures that run the real app and drive it from a real headless Chromium.

Unit tests cannot see what patients see: a map iframe that stays blank because a script
did not load, or a popup that breaks the rest of the markers. These fixtures start
`streamlit run app.py` on a free port and open it in Debian's Chromium with every CDN
request answered locally (see cdn.py), so the test needs no internet.

A missing browser or missing npm assets skips the tests on a developer machine, but fails
them under CI=true, where a skip would be a green run that tested nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from scripts.measuring import serve
from tests.browser.cdn import NODE_MODULES, CdnRecorder

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRED_PACKAGES = ("leaflet", "leaflet.markercluster", "jquery", "axe-core")
#: The Manage data page's password in the app the browser tests start (never a real one).
STAFF_PASSWORD = "browser-test-staff-password"


def _unavailable(reason: str) -> None:
    """Skip locally, but fail in CI so a missing prerequisite cannot pass as green."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `streamlit run app.py`, started once for all browser tests (scripts/measuring.py's
    server, which the benchmark and load test use too), with its own temporary folder and secrets
    that set STAFF_PASSWORD, so the Manage data page can be unlocked."""
    secrets = tmp_path_factory.mktemp("app-secrets") / "secrets.toml"
    secrets.write_text(f'[manage]\npassword = "{STAFF_PASSWORD}"\n', encoding="utf-8")
    try:
        with serve(REPO_ROOT, tmp_path_factory.mktemp("app-temp"), [f"secrets.files={secrets}"]) as server:
            yield f"http://127.0.0.1:{server.port}"
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (override with CHROMIUM_PATH); Playwright's own download cannot run here."""
    executable = os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)
    if not Path(executable).is_file():
        _unavailable(f"Chromium not found at {executable}: apt-get install chromium, or set CHROMIUM_PATH")
    missing = [name for name in REQUIRED_PACKAGES if not (NODE_MODULES / name / "package.json").is_file()]
    if missing:
        _unavailable(f"npm assets {missing} not installed: run npm ci --prefix tests/browser/assets")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def cdn() -> CdnRecorder:
    """What the page's CDN requests got, so a test can assert the real Leaflet and jQuery loaded."""
    return CdnRecorder()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions from the page and its iframes, such as "$ is not defined"."""
    return []


@pytest.fixture
def page_errors() -> list[str]:
    """Only the uncaught exceptions, kept apart from console noise so a test can demand none at all."""
    return []


@pytest.fixture
def new_page(
    browser: Browser, cdn: CdnRecorder, console_errors: list[str], page_errors: list[str]
) -> Iterator[Callable[..., Page]]:
    """Opens pages in fresh browser contexts (a new visitor each: no shared session) with the CDN
    answers and error recording every browser test relies on; `context_options` go to Playwright."""
    contexts: list[BrowserContext] = []

    def open_page(**context_options: Any) -> Page:
        context = browser.new_context(**context_options)
        contexts.append(context)
        context.set_default_timeout(30_000)
        context.route("**/*", cdn)
        page = context.new_page()

        def keep_error(message: ConsoleMessage) -> None:
            if message.type == "error":
                console_errors.append(message.text)

        def keep_exception(error: Exception) -> None:
            console_errors.append(str(error))
            page_errors.append(str(error))

        page.on("console", keep_error)
        page.on("pageerror", keep_exception)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def browser_page(new_page: Callable[..., Page]) -> Page:
    """A fresh 1280x900 desktop page whose CDN requests go to `cdn` and whose errors are recorded."""
    return new_page(viewport={"width": 1280, "height": 900})
