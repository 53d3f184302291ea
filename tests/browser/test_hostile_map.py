"""Text from the specialists CSV or the geocoder never runs as script on the map, and never stops markers drawing.

folium pastes popup and tooltip HTML into JavaScript template literals, so `${…}` or a stray
backtick in a clinic name is a script problem, not only an HTML one. These tests take hostile
rows through the real loader, search and map builder, and open the map folium wrote in a real
Chromium with Leaflet, jQuery and markercluster served locally.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Frame, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from finder.csv_io import load_specialists
from finder.mapping import CLUSTER_THRESHOLD, build_map
from finder.search import SearchCriteria, search
from tests.browser.cdn import CdnRecorder
from tests.browser.map_page import open_map
from tests.helpers_csv import VALID_ROW, csv_bytes

pytestmark = pytest.mark.browser

CENTRE = (41.8868, -87.6386)
#: Each sets a flag in the page (or its parent) if it ever runs as script.
ATTACKS = (
    "${top.pwned = (top.pwned || 0) + 1}",
    "`; top.pwned = 1; `",
    "lone ` backtick",
    "back\\slash \\` and \\${top.pwned = 1}",
    "</script><script>top.pwned = 1</script>",
    "<img src=x onerror=top.pwned=1>",
    "quote ' and \" both",
    "new\nline",
)
TEXT_COLUMNS = ("name", "credentials", "clinic", "address", "city", "languages")


#: The layer of specialist pins the map script made (folium names it after the element's class).
MARKER_LAYER = "window[Object.keys(window).find(name => name.startsWith('specialist_markers_'))]"
#: Opens every pin's popup as a tap does and returns the text each showed.
OPEN_EVERY_POPUP = f"""() => {MARKER_LAYER}.getLayers().map(marker => {{
    marker.openPopup();
    const text = marker.getPopup().getElement().innerText;
    marker.closePopup();
    return text;
}})"""
#: Builds every pin's popup (pins inside a cluster cannot open until zoomed) and returns their text.
BUILD_EVERY_POPUP = f"""() => {MARKER_LAYER}.getLayers().map(marker => {{
    const content = marker.getPopup().getContent();
    return (typeof content === 'function' ? content(marker) : content).textContent;
}})"""


def hostile_rows(count: int) -> list[dict[str, str]]:
    """Valid specialists with an attack in every free-text column, each a little apart so each marker is clickable."""
    rows = []
    for number in range(count):
        attack = ATTACKS[number % len(ATTACKS)]
        rows.append(
            {
                **VALID_ROW,
                **{column: f"{attack} {number}" for column in TEXT_COLUMNS},
                "id": f"NF-{number}",
                "latitude": f"{CENTRE[0] + 0.02 * (number % 7):.4f}",
                "longitude": f"{CENTRE[1] + 0.02 * (number // 7):.4f}",
                "website": "https://example.org/${top.pwned=1}`",
            }
        )
    return rows


def open_hostile_map(new_page: Callable[..., Page], count: int) -> tuple[Frame, list[str]]:
    """The map for a search over `count` hostile rows, centred on a hostile place label."""
    report = load_specialists(csv_bytes(hostile_rows(count)))
    assert len(report.specialists) == count, [str(problem) for problem in report.errors]
    results = search(report.specialists, SearchCriteria(*CENTRE, radius_miles=50)).matches
    dialogs: list[str] = []
    page = open_map(new_page, build_map(results, CENTRE, 50), dialogs)
    return page.main_frame, dialogs


def assert_popups_show_text(texts: list[str], count: int) -> None:
    """Each popup shows its hostile name as plain text, with the call and directions actions."""
    assert len(texts) == count
    for text in texts:
        assert any(attack.split("\n")[0] in text for attack in ATTACKS), text
        assert "(312) 555-0142" in text and "Call" in text and "Directions" in text


def assert_nothing_ran(frame: Frame, dialogs: list[str], page_errors: list[str]) -> None:
    assert frame.evaluate("typeof window.pwned") == "undefined", "text from the CSV ran as script"
    assert not dialogs, f"a dialog opened: {dialogs}"
    assert not page_errors, f"the map script failed: {page_errors}"


def test_every_marker_draws_and_no_text_runs(
    new_page: Callable[..., Page], cdn: CdnRecorder, page_errors: list[str]
) -> None:
    count = CLUSTER_THRESHOLD - 5  # single markers, so each can be counted and clicked
    frame, dialogs = open_hostile_map(new_page, count)
    assert cdn.served_locally("leaflet@1.9.3/dist/leaflet.js")
    frame.wait_for_function(f"document.querySelectorAll('.leaflet-marker-icon').length === {count}")

    frame.locator(".leaflet-interactive").first.hover()  # the "You: …" tooltip, whose label is hostile too
    names = frame.evaluate("[...document.querySelectorAll('img.leaflet-marker-icon')].map(pin => pin.title)")
    assert sorted(names) == sorted(f"{ATTACKS[number % len(ATTACKS)]} {number}" for number in range(count))
    assert_popups_show_text(frame.evaluate(OPEN_EVERY_POPUP), count)
    assert_nothing_ran(frame, dialogs, page_errors)


def test_clustered_markers_add_up_and_no_text_runs(new_page: Callable[..., Page], page_errors: list[str]) -> None:
    count = CLUSTER_THRESHOLD * 2
    frame, dialogs = open_hostile_map(new_page, count)
    # Each cluster bubble shows how many markers it holds; single markers count one.
    total_shown = """() => [...document.querySelectorAll('.leaflet-marker-icon')].reduce(
        (sum, icon) => sum + (icon.querySelector('span') ? Number(icon.querySelector('span').textContent) : 1), 0)"""
    try:
        frame.wait_for_function(f"({total_shown})() === {count}", timeout=10_000)
    except PlaywrightTimeout as error:
        raise AssertionError(f"the map shows {frame.evaluate(total_shown)} of {count} specialists") from error
    assert_popups_show_text(frame.evaluate(BUILD_EVERY_POPUP), count)
    assert_nothing_ran(frame, dialogs, page_errors)
