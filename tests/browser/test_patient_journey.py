"""The journey the product promises, in a real browser, from a symptom to a shareable list.

A patient who only knows "my arm jerks" starts on the home page, finds Myoclonus, follows
its "Find a specialist" link and searches near a ZIP code; a family member then opens the
same link on a phone. Each page works alone in the other tests, but only clicking through
shows that the hand-offs keep the symptom, the condition and the specialists in the URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from finder.csv_io import load_specialists
from finder.location import resolve_location
from finder.search import DEFAULT_RADIUS_MILES, SearchCriteria, search
from tests.browser.cdn import CdnRecorder
from tests.browser.test_search_in_browser import (
    SEARCH_LABEL,
    SPECIALISTS_CSV,
    assert_map_works,
    open_find_page,
    screenshot_whole_app,
    show_results_map,
    wait_for_map,
    wait_for_results,
)

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
PHONE_SCREENSHOT = REPO_ROOT / "test-artifacts" / "mobile-search.png"  # git-ignored; docs/images keeps a copy
SYMPTOM_LABEL = "Not sure what to search for? Describe what is happening"
SYMPTOM = "my arm jerks"
CONDITION = "Myoclonus"
CONDITION_SLUG = "myoclonus"
# Who treats myoclonus, as its page promises: slug in the URL, label on the screen.
SPECIALTIES = {
    "movement-disorders": "Movement disorders",
    "epilepsy": "Epilepsy",
    "clinical-neurophysiology": "Clinical neurophysiology (EEG/EMG)",
    "child-neurology": "Child neurology",
}
ZIP = "60614"
# An iPhone-sized screen, the likeliest way a family member opens a link sent by text message.
PHONE_WIDTH, PHONE_HEIGHT = 390, 844
# A sanity cap for the screenshot, far above the few thousand pixels the page needs.
MAX_PHONE_SCREENSHOT_HEIGHT = 6000


@pytest.fixture
def phone_page(new_page: Callable[..., Page]) -> Page:
    """A family member's phone: a new context shares no session with the sender, only the link."""
    return new_page(viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT}, is_mobile=True, has_touch=True)


def expected_names() -> list[str]:
    """Who the finder library lists for myoclonus near the ZIP, nearest first: the page must agree."""
    place = resolve_location(ZIP)
    specialists = load_specialists(SPECIALISTS_CSV).specialists
    criteria = SearchCriteria(place.lat, place.lon, DEFAULT_RADIUS_MILES, subspecialties=tuple(SPECIALTIES))
    names = search(specialists, criteria).matches["name"].tolist()
    assert names, f"the sample data has no {CONDITION} specialist near {ZIP}; pick another ZIP"
    return names


def first_result(page: Page) -> Locator:
    """The first result card's heading (its name and credentials); the map's popups live in an iframe."""
    return page.get_by_test_id("stMain").get_by_role("heading", level=3).first


def assert_found_specialists(page: Page, names: list[str], cdn: CdnRecorder, console_errors: list[str]) -> None:
    """The filtered count in the success line, the nearest specialist first, and a working map (on a
    phone the list comes first and the map is one tap away, on the List / Map switch)."""
    wait_for_results(page, names)
    noun = "specialist" if len(names) == 1 else "specialists"
    summary = page.get_by_test_id("stAlertContentSuccess")
    expect(summary).to_contain_text(f"{len(names)} {noun} within {DEFAULT_RADIUS_MILES} miles")
    expect(first_result(page)).to_have_text(re.compile(rf"^{re.escape(names[0])}\b"))
    show_results_map(page)
    assert_map_works(wait_for_map(page, console_errors), cdn, console_errors)


def symptom_to_search(page: Page, app_url: str) -> None:
    """Home page → symptom lookup → Myoclonus page → the search with its specialists chosen."""
    page.goto(f"{app_url}/")
    page.get_by_label(SYMPTOM_LABEL).fill(SYMPTOM)
    page.get_by_role("button", name="Look it up").click()

    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(f"Conditions that match “{SYMPTOM}”")).to_be_visible()
    # Matches come before the A-to-Z list, so the first page link on the page is the best match.
    best_match = main.get_by_test_id("stPageLink").first.get_by_role("link")
    expect(best_match).to_have_text(CONDITION)
    best_match.click()

    expect(page.get_by_role("heading", name=CONDITION, level=1)).to_be_visible()
    expect(main.get_by_text("not medical advice")).to_be_visible()
    main.get_by_role("link", name=f"Find a specialist for {CONDITION}").first.click()

    expect(page).to_have_url(re.compile(r"/find\?"))
    specialist_types = main.get_by_test_id("stMultiSelect").filter(has_text="Type of specialist")
    expect(specialist_types.locator("[data-tag]")).to_have_text(list(SPECIALTIES.values()))


def assert_shareable(url: str) -> None:
    """The link carries everything the family member needs: where, what condition, which specialists."""
    query = parse_qs(urlsplit(url).query)
    assert query.get("location") == [ZIP], url
    assert query.get("condition") == [CONDITION_SLUG], url
    assert query.get("sub") == [",".join(SPECIALTIES)], url


def test_symptom_to_specialists_and_shared_link_on_a_phone(
    browser_page: Page,
    phone_page: Page,
    app_url: str,
    cdn: CdnRecorder,
    console_errors: list[str],
    page_errors: list[str],
) -> None:
    names = expected_names()
    symptom_to_search(browser_page, app_url)

    browser_page.get_by_label(SEARCH_LABEL).fill(ZIP)
    browser_page.get_by_role("button", name="Search").click()

    assert_found_specialists(browser_page, names, cdn, console_errors)
    treated_by = f"{CONDITION} is usually treated by: {', '.join(SPECIALTIES.values())}"
    expect(browser_page.get_by_test_id("stMain").get_by_text(treated_by)).to_be_visible()
    shared_link = browser_page.url
    assert_shareable(shared_link)

    open_find_page(phone_page, shared_link)
    expect(phone_page.get_by_label(SEARCH_LABEL)).to_have_value(ZIP)
    assert_found_specialists(phone_page, names, cdn, console_errors)
    screenshot_whole_app(phone_page, PHONE_SCREENSHOT, max_height=MAX_PHONE_SCREENSHOT_HEIGHT)

    assert not page_errors, f"uncaught errors in the page: {page_errors}"
