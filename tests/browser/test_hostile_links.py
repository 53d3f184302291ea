"""A hostile shared link, in a real browser: what it holds is shown as text, never as a link or a loaded image.

The unit tests parse the page's Markdown with CommonMark; this checks Streamlit's own renderer
(with its GitHub-style extras such as bare-URL links) on the page a patient would open.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.browser.cdn import CdnRecorder

pytestmark = pytest.mark.browser

EVIL = "evil.example"
LOAD_TIMEOUT_MS = 30_000  # the first page of a fresh server reads the specialists list
HOSTILE_LINK = {
    "sub": f"[Urgent: call 555-0100](https://{EVIL}/call)",
    "condition": f"![](https://{EVIL}/pixel.png) www.{EVIL}",
    "radius": f"help@{EVIL}",
    "location": f"60614 [here](https://{EVIL}/label) <b>bold</b>",
}


def test_a_hostile_link_shows_its_values_as_text(browser_page: Page, app_url: str, cdn: CdnRecorder) -> None:
    browser_page.goto(f"{app_url}/find?{urlencode(HOSTILE_LINK)}")

    notes = browser_page.get_by_test_id("stAlertContentInfo")
    # Unknown kinds of specialist are counted, not repeated: their text would read like our own message.
    expect(notes.filter(has_text="1 kind of specialist we do not list")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    assert notes.filter(has_text="Urgent").count() == 0
    # Other values are shown as typed (with an invisible word joiner after "https:", hence the split).
    expect(notes.filter(has_text="(“![](https:").filter(has_text=f"{EVIL}/pixel.png) www")).to_be_visible()
    expect(notes.filter(has_text="radius of “help@")).to_be_visible()
    expect(browser_page.get_by_text("Change search: 60614 [here](https:")).to_be_visible()

    assert browser_page.locator(f'a[href*="{EVIL}"]').count() == 0
    assert browser_page.locator(f'img[src*="{EVIL}"]').count() == 0
    assert browser_page.locator("b", has_text="bold").count() == 0
    assert [url for url in cdn.aborted if EVIL in url] == []
