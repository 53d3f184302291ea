"""The results as a patient on a phone, with a tremor, or with a keyboard and a screen reader meets them.

On a phone the list comes first and the map is one tap away on the List / Map switch; Call and
Directions are 44-pixel buttons named after the specialist; after Search the focus is on the results
heading, and Tab reaches the first Call button before anything in the map.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from finder.results_ui import RESULTS_HEADING_ID
from finder.search import DEFAULT_RADIUS_MILES
from tests.browser.test_search_in_browser import (
    MAP_IFRAME,
    SEARCH_LABEL,
    expected_names,
    open_find_page,
    wait_for_map,
    wait_for_results,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
#: WCAG 2.5.5 (target size, enhanced): 44 by 44 CSS pixels.
MIN_TARGET = 44
MAX_TABS_TO_FIRST_CALL = 12


def actions_of_first_card(page: Page) -> dict[str, dict[str, object]]:
    """The first card's buttons: accessible name -> size, target and href."""
    return page.locator(".nf-card").first.evaluate(
        """card => Object.fromEntries([...card.querySelectorAll('a')].map(link => {
            const box = link.getBoundingClientRect();
            return [link.getAttribute('aria-label'),
                    {width: box.width, height: box.height, target: link.target, href: link.href}];
        }))"""
    )


def switch_button(page: Page, label: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("radiogroup", name="Show the results as").get_by_role("radio", name=label, exact=True)


def test_on_a_phone_the_list_comes_first_and_the_map_is_one_tap_away(
    new_page: Callable[..., Page], app_url: str, console_errors: list[str]
) -> None:
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    names = expected_names("10001", DEFAULT_RADIUS_MILES)
    open_find_page(page, f"{app_url}/find?location=10001")
    wait_for_results(page, names)

    switch, first_card = switch_button(page, "List"), page.locator(".nf-card").first
    expect(switch).to_be_visible()
    assert switch.bounding_box()["y"] < first_card.bounding_box()["y"], "the switch is not above the list"
    assert first_card.bounding_box()["y"] < PHONE["height"], "the first result is not on the first screen"
    expect(page.locator(MAP_IFRAME)).to_be_hidden()  # not 6,000 px down below the cards
    count = page.get_by_test_id("stAlertContentSuccess")
    expect(count).to_contain_text(re.compile(rf"\d+ specialists? within {DEFAULT_RADIUS_MILES} miles"))

    switch_button(page, "Map").click()
    wait_for_map(page, console_errors)
    expect(page.locator(".nf-card")).to_have_count(0)
    assert page.locator(MAP_IFRAME).bounding_box()["y"] < PHONE["height"], "the map is not on the first screen"
    switch_button(page, "List").click()
    expect(page.locator(".nf-card").first).to_be_visible()


def test_call_and_directions_are_big_buttons_named_after_the_specialist(
    new_page: Callable[..., Page], app_url: str
) -> None:
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    names = expected_names("10001", DEFAULT_RADIUS_MILES)
    open_find_page(page, f"{app_url}/find?location=10001")
    wait_for_results(page, names)
    heading = page.locator(".nf-card h3").first.inner_text()
    assert heading.startswith(names[0])

    actions = actions_of_first_card(page)
    call = next(name for name in actions if name.startswith(f"Call {names[0]} at ("))
    directions = next(name for name in actions if name.startswith("Directions to "))
    assert directions.endswith("(opens in a new tab)")
    for name in (call, directions):
        assert actions[name]["width"] >= MIN_TARGET and actions[name]["height"] >= MIN_TARGET, (name, actions[name])
    assert actions[call]["target"] == "" and str(actions[call]["href"]).startswith("tel:+1")
    assert actions[directions]["target"] == "_blank"
    # Playwright's own accessible-name computation agrees with what a screen reader is given.
    expect(page.get_by_role("link", name=call)).to_have_count(1)
    expect(page.get_by_role("heading", level=3, name=heading)).to_have_count(1)
    hidden = page.locator(".nf-card").first.evaluate(
        "card => [...card.querySelectorAll('a span')].every(icon => icon.getAttribute('aria-hidden') === 'true')"
    )
    assert hidden, "the buttons' icons are read out"
    # Icons drawn with the Material Symbols font Streamlit serves: one glyph, never an emoji, which showed as an
    # empty box where no emoji font is installed (as in the README screenshots).
    icons = page.locator(".nf-card").first.evaluate(
        """card => [...card.querySelectorAll('a span')].map(icon => [
            icon.textContent, getComputedStyle(icon).fontFamily, icon.getBoundingClientRect().width])"""
    )
    assert icons and document_has_font(page, "Material Symbols Rounded")
    for text, font, width in icons:
        assert "Material Symbols" in font and text.isascii() and width <= 24, (text, font, width)


def test_after_search_focus_is_on_the_results_and_tab_reaches_call_before_the_map(
    browser_page: Page, app_url: str
) -> None:
    page = browser_page
    names = expected_names("10001", DEFAULT_RADIUS_MILES)
    open_find_page(page, f"{app_url}/find")
    page.get_by_label(SEARCH_LABEL).fill("10001")
    page.get_by_role("button", name="Search").click()
    wait_for_results(page, names)

    page.wait_for_function(f"document.activeElement && document.activeElement.id === '{RESULTS_HEADING_ID}'")
    expect(page.get_by_role("heading", level=2, name="Results")).to_be_focused()
    map_title = page.locator(MAP_IFRAME).get_attribute("title") or ""
    assert re.fullmatch(r"Map of \d+ specialists near New York, NY", map_title), map_title
    for _ in range(MAX_TABS_TO_FIRST_CALL):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.tagName, document.activeElement.getAttribute('aria-label') || '']"
        )
        assert focused[0] != "IFRAME", "the map is reached before the list"
        if focused[1].startswith("Call "):
            break
    else:
        pytest.fail(f"{MAX_TABS_TO_FIRST_CALL} Tabs from the results heading did not reach a Call button")
    assert focused[1].startswith(f"Call {names[0]} at ")

    # A second search moves the focus again (the same script text would not run twice).
    page.get_by_test_id("stExpander").locator("summary").click()  # unfold the search form
    page.get_by_label(SEARCH_LABEL).fill("60614")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("of Chicago, IL")
    page.wait_for_function(f"document.activeElement && document.activeElement.id === '{RESULTS_HEADING_ID}'")


#: A shared link with four filters (one specialist near 10001 matches them all).
FOUR_FILTERS = "location=10001&sub=epilepsy&accepting=1&telehealth=1&language=Spanish"
FOUR_FILTER_WORDS = ("Epilepsy", "accepting new patients", "video visits", "speaks Spanish")


def test_with_four_filters_the_first_result_is_on_a_phones_first_screen(
    new_page: Callable[..., Page], app_url: str
) -> None:
    """The filter chips flow tightly (they stacked one a line and pushed the first result below the screen),
    and each is still a 44-pixel button named "Remove filter: …" that removes its filter in one tap."""
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    open_find_page(page, f"{app_url}/find?{FOUR_FILTERS}")
    first = page.locator(".nf-card h3").first
    expect(first).to_be_visible()
    top = first.bounding_box()["y"]
    assert top < PHONE["height"], f"the first result's heading starts {top:.0f} px down, below the first screen"

    for words in FOUR_FILTER_WORDS:
        chip = page.get_by_role("button", name=f"Remove filter: {words}", exact=True)
        box = chip.bounding_box()
        assert box and box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET, (words, box)
    page.get_by_role("button", name="Remove filter: speaks Spanish", exact=True).tap()
    expect(page).not_to_have_url(re.compile("language="))
    expect(page.get_by_role("button", name="Remove filter: speaks Spanish", exact=True)).to_have_count(0)


@pytest.mark.parametrize(("typed", "chosen"), [("Springfield", "Springfield, IL"), ("Denver", "Denver, IA")])
def test_choosing_one_of_several_same_named_places_puts_it_in_the_address(
    new_page: Callable[..., Page], app_url: str, typed: str, chosen: str
) -> None:
    """A bookmark or a shared link must bring back the place chosen, not ask again or show another one."""
    page = new_page()
    page.goto(f"{app_url}/find?location={typed}&radius=50")
    if typed == "Denver":  # searched at once as Denver, CO; the others are offered folded
        page.get_by_text("Other places with this name").click()
    page.get_by_role("button", name=chosen).click()
    expect(page).to_have_url(re.compile(r"location=" + re.escape(chosen.replace(", ", "%2C+")) + r"&radius=50"))
    expect(page.get_by_text(f"within 50 miles of {chosen}")).to_be_visible()


def document_has_font(page: Page, family: str) -> bool:
    """Whether the page has loaded `family` (so an icon's name is drawn as its glyph, not as the word)."""
    return bool(
        page.evaluate('family => document.fonts.load(`20px "${family}"`).then(found => found.length > 0)', family)
    )
