"""What a patient sees on the map itself: their own location stays visible, every result is there, popups open."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from finder.csv_io import load_specialists
from finder.mapping import CENTRE_PANE, CLUSTER_THRESHOLD, build_map
from finder.sample_data import make_specialists
from finder.search import SearchCriteria, search
from tests.browser.map_page import open_map
from tests.helpers_csv import VALID_ROW, csv_bytes, specialists

pytestmark = pytest.mark.browser

CENTRE = (float(VALID_ROW["latitude"]), float(VALID_ROW["longitude"]))


def test_the_patients_location_is_drawn_above_a_cluster_on_the_same_spot(new_page: Callable[..., Page]) -> None:
    """Many specialists in one building with the patient: the red dot (and its tooltip) stays on top of their bubble."""
    found = search(load_specialists(csv_bytes(specialists(CLUSTER_THRESHOLD * 2))).specialists, SearchCriteria(*CENTRE))
    page = open_map(new_page, build_map(found.matches, CENTRE, 25, "60606"))
    page.wait_for_selector(".marker-cluster")
    on_top = page.evaluate(
        f"""() => {{
            const map = window[Object.keys(window).find(name => name.startsWith('map_'))];
            const point = map.latLngToContainerPoint([{CENTRE[0]}, {CENTRE[1]}]);
            const box = map.getContainer().getBoundingClientRect();
            const element = document.elementFromPoint(box.left + point.x, box.top + point.y);
            return element.closest('.leaflet-{CENTRE_PANE}-pane') !== null;
        }}"""
    )
    assert on_top, "a specialist pin or cluster covers the patient's own location"


def test_five_thousand_results_are_all_on_the_map_and_a_popup_opens(new_page: Callable[..., Page]) -> None:
    """A 100-mile search on a national list: every result is counted in the clusters and popups still work."""
    everyone = load_specialists(make_specialists(20_000).to_csv(index=False).encode()).specialists
    found = search(everyone, SearchCriteria(39.5, -98.0, radius_miles=3_000)).matches.head(5_000)
    assert len(found) == 5_000
    page = open_map(new_page, build_map(found, (39.5, -98.0), 250, "Kansas"))
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
