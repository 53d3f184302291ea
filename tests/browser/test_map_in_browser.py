"""What a patient sees on the map itself: their own location stays visible, every result is there, popups open."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from finder.csv_io import load_specialists
from finder.mapping import CENTRE_PANE, CENTRE_RING_WEIGHT, CLUSTER_THRESHOLD, build_map
from finder.sample_data import make_specialists
from finder.search import SearchCriteria, search
from tests.browser.map_page import open_map
from tests.browser.test_search_in_browser import MAP_IFRAME, open_find_page, show_results_map, wait_for_map
from tests.helpers_csv import VALID_ROW, csv_bytes, specialists

pytestmark = pytest.mark.browser

CENTRE = (float(VALID_ROW["latitude"]), float(VALID_ROW["longitude"]))
SIZES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
#: A search with a few pins spread over the map (7 around Chicago), none clustered.
FEW_PINS = "location=60614"


def open_results_map(page: Page, app_url: str, console_errors: list[str]) -> FrameLocator:
    """The results map once the page has settled; a locator, not a Frame, since Streamlit may draw the frame anew."""
    open_find_page(page, f"{app_url}/find?{FEW_PINS}")
    expect(page.locator(".nf-card").first).to_be_visible()
    if not page.locator(MAP_IFRAME).first.is_visible():  # a phone: the switch shows the map instead of the list
        show_results_map(page)
        expect(page.locator(".nf-card")).to_have_count(0)
    wait_for_map(page, console_errors)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden()  # the page's run has finished
    return page.locator(MAP_IFRAME).filter(visible=True).first.content_frame


def overlap(first: dict[str, float], second: dict[str, float]) -> bool:
    """Whether two bounding boxes share any area."""
    across = min(first["x"] + first["width"], second["x"] + second["width"]) - max(first["x"], second["x"])
    down = min(first["y"] + first["height"], second["y"] + second["height"]) - max(first["y"], second["y"])
    return across > 0 and down > 0


@pytest.mark.parametrize("size", SIZES)
def test_the_scale_does_not_cover_the_maps_credit_line(
    new_page: Callable[..., Page], app_url: str, console_errors: list[str], size: str
) -> None:
    """The scale sat bottom-left, two lines high, across OpenStreetMap's credit (which its licence asks for)."""
    frame = open_results_map(new_page(**SIZES[size]), app_url, console_errors)
    scale, credit = frame.locator(".leaflet-control-scale"), frame.locator(".leaflet-control-attribution")
    expect(credit).to_contain_text("OpenStreetMap")
    expect(scale).to_contain_text("mi")
    scale_box, credit_box = scale.bounding_box(), credit.bounding_box()
    assert scale_box and credit_box
    assert not overlap(scale_box, credit_box), (scale_box, credit_box)
    map_box = frame.locator(".leaflet-container").bounding_box()
    assert (
        map_box
        and scale_box["x"] >= map_box["x"]
        and scale_box["x"] + scale_box["width"] <= map_box["x"] + map_box["width"]
    ), (scale_box, map_box)


# The first pin whose middle is on screen (above `bottom`, in the frame's pixels) and not covered by another pin
# (pins can overlap), as an index: Playwright need not scroll the page to tap it.
UNCOVERED_PIN = """(body, bottom) => [...document.querySelectorAll('img.leaflet-marker-icon')].findIndex(pin => {
    const box = pin.getBoundingClientRect(), x = box.left + box.width / 2, y = box.top + box.height / 2;
    const onScreen = x > 0 && y > 0 && x < innerWidth && y < Math.min(innerHeight, bottom);
    return onScreen && document.elementFromPoint(x, y) === pin;
})"""


def test_one_tap_on_a_pin_opens_its_popup_on_a_phone(
    new_page: Callable[..., Page], app_url: str, console_errors: list[str]
) -> None:
    """Leaflet focused the map on the first tap, which scrolled the page to show the whole frame (the map is
    taller than what is left of a phone's screen): the pin slid from under the finger, the tap landed on the
    map, and it took a second tap to open the popup."""
    page = new_page(**SIZES["phone"])
    frame = open_results_map(page, app_url, console_errors)
    map_box = page.locator(MAP_IFRAME).filter(visible=True).first.bounding_box()
    assert map_box
    index = frame.locator("body").evaluate(UNCOVERED_PIN, SIZES["phone"]["viewport"]["height"] - map_box["y"] - 20)
    assert index >= 0, "every pin on screen is covered by another"
    pin = frame.locator("img.leaflet-marker-icon").nth(index)
    name, pin_box = pin.get_attribute("alt"), pin.bounding_box()
    assert pin_box
    scrolled = page.get_by_test_id("stMain").evaluate("main => main.scrollTop")
    # A finger's tap where the pin is: Locator.tap would scroll first, and on a retry to another alignment.
    page.touchscreen.tap(pin_box["x"] + pin_box["width"] / 2, pin_box["y"] + pin_box["height"] / 2)
    popup = frame.locator(".leaflet-popup")
    expect(popup).to_have_count(1)
    expect(popup).to_contain_text(name or "")
    expect(popup.get_by_role("link", name=re.compile(r"^Directions to "))).to_be_visible()
    assert page.get_by_test_id("stMain").evaluate("main => main.scrollTop") == scrolled, "the tap scrolled the page"


def test_the_patients_location_shows_above_a_cluster_and_a_tap_there_opens_the_cluster(
    new_page: Callable[..., Page],
) -> None:
    """Many specialists in the patient's own building: the red dot is drawn on top of their bubble,
    but a tap on that spot still opens the bubble (the dot takes no taps)."""
    found = search(load_specialists(csv_bytes(specialists(CLUSTER_THRESHOLD * 2))).specialists, SearchCriteria(*CENTRE))
    page = open_map(new_page, build_map(found.matches, CENTRE, 25))
    page.wait_for_selector(".marker-cluster")
    map_js = "window[Object.keys(window).find(name => name.startsWith('map_'))]"
    stacking = page.evaluate(
        f"""() => {{
            const pane = document.querySelector('.leaflet-{CENTRE_PANE}-pane');
            const markers = document.querySelector('.leaflet-marker-pane');
            return [Number(getComputedStyle(pane).zIndex), Number(getComputedStyle(markers).zIndex),
                    pane.querySelectorAll('path').length];
        }}"""
    )
    assert stacking[0] > stacking[1] and stacking[2] == 1, f"dot pane, marker pane z-index, dots: {stacking}"
    zoom_before = page.evaluate(f"{map_js}.getZoom()")
    # Playwright clicks the bubble's centre (under the dot) and fails if another element would get the tap.
    page.locator(".marker-cluster").first.click()
    # The bubble opens: it zooms in, or (everyone at one address) spreads its pins out around the spot.
    opened = f"{map_js}.getZoom() > {zoom_before} || document.querySelectorAll('img.leaflet-marker-icon').length > 0"
    page.wait_for_function(opened, timeout=10_000)


def test_five_thousand_results_are_all_on_the_map_and_a_popup_opens(new_page: Callable[..., Page]) -> None:
    """A 100-mile search on a national list: every result is counted in the clusters and popups still work."""
    everyone = load_specialists(make_specialists(20_000).to_csv(index=False).encode()).specialists
    found = search(everyone, SearchCriteria(39.5, -98.0, radius_miles=3_000)).matches.head(5_000)
    assert len(found) == 5_000
    page = open_map(new_page, build_map(found, (39.5, -98.0), 250))
    total = """() => [...document.querySelectorAll('.leaflet-marker-icon')].reduce(
        (sum, icon) => sum + (icon.querySelector('span') ? Number(icon.querySelector('span').textContent) : 1), 0)"""
    page.wait_for_function(f"({total})() === {len(found)}", timeout=20_000)
    # As a tap on a cluster does: zoom until the nearest specialist's own pin shows, then open its popup.
    page.evaluate(
        """() => {
            const layer = window[Object.keys(window).find(name => name.startsWith('specialist_markers_'))];
            const nearest = layer.getLayers()[0];
            layer.zoomToShowLayer(nearest, () => nearest.openPopup());
        }"""
    )
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert found["name"].iloc[0] in popup.inner_text() and "Directions" in popup.inner_text()
    actions = [action.bounding_box() for action in popup.locator("a.nf-action").all()]
    assert actions and all(box and box["width"] >= 44 and box["height"] >= 44 for box in actions), actions


def test_the_patients_ring_leaves_a_clusters_number_readable_and_clusters_are_named(
    new_page: Callable[..., Page],
) -> None:
    """Everyone in the patient's own building: the ring around the spot must not cover the bubble's number,
    and a screen reader hears what the bubble is, not only a number."""
    found = search(load_specialists(csv_bytes(specialists(CLUSTER_THRESHOLD * 2))).specialists, SearchCriteria(*CENTRE))
    page = open_map(new_page, build_map(found.matches, CENTRE, 25))
    page.wait_for_selector(".marker-cluster")
    ring, number, fill = page.evaluate(
        f"""() => {{
            const ring = document.querySelector('.leaflet-{CENTRE_PANE}-pane path');
            const box = rect => ({{x: rect.x, y: rect.y, width: rect.width, height: rect.height}});
            return [box(ring.getBoundingClientRect()),
                    box(document.querySelector('.marker-cluster span').getBoundingClientRect()),
                    ring.getAttribute('fill')];
        }}"""
    )
    assert fill == "none", "the patient's mark is filled, so it hides whatever is under it"
    centre_x, centre_y = ring["x"] + ring["width"] / 2, ring["y"] + ring["height"] / 2
    inside = ring["width"] / 2 - CENTRE_RING_WEIGHT / 2  # the ring's inner edge
    corners = [(number["x"] + dx, number["y"] + dy) for dx in (0, number["width"]) for dy in (0, number["height"])]
    assert all(math.dist(corner, (centre_x, centre_y)) < inside for corner in corners), (ring, number)
    spoken_only = page.locator(".marker-cluster .nf-sr-only").first.evaluate(
        "words => { const box = words.getBoundingClientRect(); return [box.width, box.height]; }"
    )
    assert max(spoken_only) <= 1, f"the bubble's words take {spoken_only} px on screen"
    words = page.locator(".marker-cluster").first.text_content() or ""
    assert re.fullmatch(rf"{len(found.matches)} specialists here, zoom in to see them", words), words
