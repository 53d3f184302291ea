"""What a patient sees on the map itself: their own location stays visible, popups open whole."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from finder.csv_io import load_specialists
from finder.mapping import CENTRE_PANE, CLUSTER_THRESHOLD, build_map
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
