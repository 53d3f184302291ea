"""A patient's search, end to end, in a real browser.

The page's Python can be unit-tested, but only a browser shows whether the results and the
map actually appear: folium's map runs as JavaScript in an iframe, and one missing library
(jQuery for popups, Leaflet itself) leaves it blank without any Python error.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from finder.csv_io import load_specialists
from finder.location import resolve_location
from finder.search import DEFAULT_RADIUS_MILES, SearchCriteria, search
from tests.browser.cdn import CdnRecorder

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
SPECIALISTS_CSV = REPO_ROOT / "data" / "specialists.csv"
SCREENSHOT = REPO_ROOT / "test-artifacts" / "search.png"  # git-ignored; docs/images holds the README copy
SEARCH_LABEL = "ZIP code, city and state, or street address"
#: The map's frame, titled for screen readers ("Map of 12 specialists near New York, NY").
MAP_IFRAME = 'iframe[title^="Map of "]'
# Leaflet gives both single markers and marker-cluster bubbles this class.
MARKER = ".leaflet-marker-icon"
MARKER_IMAGES = f"[...document.querySelectorAll('img{MARKER}')]"
# Tall enough for the form, the summary, the map and the first results; a README image, not an archive.
MAX_SCREENSHOT_HEIGHT = 1600
MAX_STILL_CHECKS = 20
PAGE_LOAD_MS = 30_000


def expected_names(location: str, radius_miles: float) -> list[str]:
    """Who the finder library says is within the radius: the page must show some of them."""
    place = resolve_location(location)
    specialists = load_specialists(SPECIALISTS_CSV).specialists
    names = search(specialists, SearchCriteria(place.lat, place.lon, radius_miles)).matches["name"].tolist()
    assert names, f"the sample data has nobody within {radius_miles} miles of {location}; pick another location"
    return names


def open_find_page(page: Page, url: str) -> None:
    """Load the page and check Streamlit found it: a "Page not found" modal makes the whole page inert."""
    page.goto(url)
    # A cold server (the first test of a run, on a busy machine) can take longer than expect's 5 s.
    expect(page.get_by_label(SEARCH_LABEL)).to_be_attached(timeout=PAGE_LOAD_MS)
    not_found = page.get_by_role("dialog").filter(has_text="Page not found")
    assert not_found.count() == 0, f"Streamlit showed 'Page not found' for {url}: {not_found.first.inner_text()}"


def wait_for_results(page: Page, names: list[str]) -> None:
    """The success line ("… within N miles …") and at least one of the expected specialists on screen."""
    summary = page.get_by_test_id("stAlertContentSuccess").filter(has_text=re.compile(r"\bwithin\b.*\bmiles\b"))
    expect(summary.first).to_be_visible()
    any_name = re.compile("|".join(re.escape(name) for name in names))
    expect(page.get_by_text(any_name).filter(visible=True).first).to_be_visible()


def show_results_map(page: Page) -> None:
    """On a phone the list comes first: tap Map on the List / Map switch (on a desktop both are shown)."""
    if not page.locator(MAP_IFRAME).first.is_visible():
        page.get_by_role("radiogroup", name="Show the results as").get_by_role("radio", name="Map").click()


def wait_for_map(page: Page, console_errors: list[str]) -> Frame:
    """The map's iframe once Leaflet has drawn markers in it."""
    iframe = page.locator(MAP_IFRAME).filter(visible=True).first
    try:
        expect(iframe.content_frame.locator(MARKER).filter(visible=True).first).to_be_visible()
    except AssertionError as error:
        raise AssertionError(f"no Leaflet markers in the map; browser errors: {console_errors}") from error
    frame = iframe.element_handle().content_frame()
    assert frame is not None, "the map's iframe has no document"
    return frame


def assert_map_works(map_frame: Frame, cdn: CdnRecorder, console_errors: list[str]) -> None:
    """Leaflet and jQuery came from the real files, the base map asked for tiles, popups had jQuery, icons drew."""
    assert map_frame.locator(MARKER).count() >= 1
    assert map_frame.evaluate("typeof window.L") == "object", "window.L is not defined in the map iframe"
    unserved = f"blanked: {cdn.blanked}, aborted: {cdn.aborted}"
    assert cdn.served_locally("leaflet@1.9.3/dist/leaflet.js"), f"leaflet.js not served locally; {unserved}"
    assert cdn.served_locally("jquery-3.7.1.min.js"), f"jQuery not served locally; {unserved}"
    assert cdn.tiles, "the map asked for no OpenStreetMap tiles, so it has no base map"
    assert not [error for error in console_errors if "$ is not defined" in error], console_errors
    map_frame.wait_for_function(f"{MARKER_IMAGES}.every(image => image.complete)")
    broken = map_frame.evaluate(f"{MARKER_IMAGES}.filter(image => !image.naturalWidth).map(image => image.src)")
    assert not broken, f"marker icons that did not load (patients see a broken image): {sorted(set(broken))}"


def screenshot_whole_app(page: Page, path: Path, max_height: int = MAX_SCREENSHOT_HEIGHT) -> None:
    """A screenshot for the README that reaches past the first screen to the map.

    Streamlit scrolls inside its main block rather than the document, so Playwright's
    full_page alone stops at the window; growing the window to the content height fixes that.
    The resize makes Leaflet redraw and re-fit the map, so we wait until two
    pictures of the map in a row are the same before taking the real one.
    """
    window = page.viewport_size or {"width": 1280, "height": 900}
    content_height = page.get_by_test_id("stMain").evaluate("main => main.scrollHeight")
    height = min(max(content_height, window["height"]), max_height)
    page.set_viewport_size({"width": window["width"], "height": height})
    map_iframe = page.locator(MAP_IFRAME).filter(visible=True).first
    expect(map_iframe.content_frame.locator(MARKER).first).to_be_visible()
    previous = b""
    for _ in range(MAX_STILL_CHECKS):
        current = map_iframe.screenshot(animations="disabled")
        if current == previous:
            break
        previous = current
        page.wait_for_timeout(250)
    path.parent.mkdir(exist_ok=True)
    page.screenshot(path=path, full_page=True)


def test_search_by_zip_shows_specialists_and_map(
    browser_page: Page, app_url: str, cdn: CdnRecorder, console_errors: list[str]
) -> None:
    names = expected_names("10001", DEFAULT_RADIUS_MILES)
    open_find_page(browser_page, f"{app_url}/find")

    browser_page.get_by_label(SEARCH_LABEL).fill("10001")
    browser_page.get_by_role("button", name="Search").click()

    wait_for_results(browser_page, names)
    map_frame = wait_for_map(browser_page, console_errors)
    assert_map_works(map_frame, cdn, console_errors)
    screenshot_whole_app(browser_page, SCREENSHOT)


def test_deep_link_searches_without_typing(
    browser_page: Page, app_url: str, cdn: CdnRecorder, console_errors: list[str]
) -> None:
    names = expected_names("60614", 25)
    open_find_page(browser_page, f"{app_url}/find?location=60614&radius=25")

    wait_for_results(browser_page, names)
    assert_map_works(wait_for_map(browser_page, console_errors), cdn, console_errors)


def test_the_result_list_downloads_as_a_csv_of_every_result(browser_page: Page, app_url: str) -> None:
    names = expected_names("10001", DEFAULT_RADIUS_MILES)
    open_find_page(browser_page, f"{app_url}/find?location=10001")
    wait_for_results(browser_page, names)
    with browser_page.expect_download() as download:
        browser_page.get_by_role("button", name="Download this list (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert sorted(row["Name"] for row in rows) == sorted(names)
