"""The condition library in a real browser: searching several times in a row, and each page's own address."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SEARCH_LABEL = "Search by condition or symptom"


def search_for(page: Page, words: str) -> None:
    box = page.get_by_label(SEARCH_LABEL)
    box.fill(words)
    box.press("Enter")
    expect(page.get_by_text(f"Conditions that match “{words}”")).to_be_visible()
    expect(box).to_have_value(words)


def test_every_search_in_a_row_is_the_one_shown(new_page: Callable[..., Page], app_url: str) -> None:
    """Each new search replaces the last one, and the address bar follows, however many searches in a row."""
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{app_url}/conditions")
    for words, page_found in (("my arm jerks", "Myoclonus"), ("shaking hands", "Essential"), ("dizzy", "Vertigo")):
        search_for(page, words)
        expect(page.get_by_role("link", name=page_found).first).to_be_visible()
        in_address = r"[?&]q=" + r"(?:\+|%20)".join(re.escape(word) for word in words.split()) + r"(?:&|$)"
        expect(page).to_have_url(re.compile(in_address))


def test_a_new_symptom_from_the_home_page_replaces_an_earlier_search(
    new_page: Callable[..., Page], app_url: str
) -> None:
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{app_url}/conditions")
    search_for(page, "my arm jerks")
    page.get_by_role("link", name="Home").first.click()
    symptom = page.get_by_label("Not sure what to search for? Describe what is happening")
    symptom.fill("dizzy")
    page.get_by_role("button", name="Look it up").click()
    expect(page.get_by_text("Conditions that match “dizzy”")).to_be_visible()
    expect(page.get_by_label(SEARCH_LABEL)).to_have_value("dizzy")


def test_a_condition_opened_from_the_index_has_its_own_address_and_tab_title(
    new_page: Callable[..., Page], app_url: str
) -> None:
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{app_url}/conditions")
    page.get_by_role("link", name="Myoclonus", exact=True).first.click()
    expect(page.get_by_role("heading", name="Myoclonus", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/conditions\?condition=myoclonus$"))
    expect(page).to_have_title("Myoclonus · NeuroFinder")
    page.reload()
    expect(page.get_by_role("heading", name="Myoclonus", exact=True)).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="Learn about conditions")).to_be_visible()


def test_back_from_a_condition_page_shows_the_search_in_the_box(new_page: Callable[..., Page], app_url: str) -> None:
    """The address had ?q= on Back but the box was empty (its state went while the condition page was shown)."""
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(f"{app_url}/conditions")
    search_for(page, "my arm jerks")
    page.get_by_role("link", name="Myoclonus", exact=True).first.tap()
    expect(page.get_by_role("heading", name="Myoclonus", exact=True)).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/conditions\?q=my(?:\+|%20)arm(?:\+|%20)jerks$"))
    expect(page.get_by_label(SEARCH_LABEL)).to_have_value("my arm jerks")
    expect(page.get_by_text("Conditions that match “my arm jerks”")).to_be_visible()
    search_for(page, "dizzy")  # and the next searches still work
    search_for(page, "shaking hands")
