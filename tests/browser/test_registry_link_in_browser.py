"""A map popup links to the specialist's public NPI Registry page, so a patient can check the listing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from finder.csv_io import load_specialists
from finder.mapping import build_map
from finder.search import SearchCriteria, search
from tests.browser.map_page import open_map
from tests.helpers_csv import VALID_ROW, csv_bytes
from tests.registry_fixtures import npi

pytestmark = pytest.mark.browser

CENTRE = (float(VALID_ROW["latitude"]), float(VALID_ROW["longitude"]))
COLUMNS = [*VALID_ROW, "npi"]


def test_a_popup_links_to_the_npi_registry_only_for_a_valid_npi(new_page: Callable[..., Page]) -> None:
    rows = [
        {**VALID_ROW, "id": "NF-1", "name": "Registered", "npi": npi(1)},
        {**VALID_ROW, "id": "NF-2", "name": "Mistyped", "npi": "1234567890", "latitude": "41.95"},
    ]
    found = search(load_specialists(csv_bytes(rows, columns=COLUMNS)).specialists, SearchCriteria(*CENTRE))
    page = open_map(new_page, build_map(found.matches, CENTRE, 25))
    page.get_by_role("button", name="Registered").click()
    link = page.locator(".leaflet-popup", has_text="Registered").locator("a", has_text="NPI Registry")
    assert link.get_attribute("href") == f"https://npiregistry.cms.hhs.gov/provider-view/{npi(1)}"
    assert link.get_attribute("target") == "_blank" and "noopener" in (link.get_attribute("rel") or "")
    page.get_by_role("button", name="Mistyped").click()
    mistyped = page.locator(".leaflet-popup", has_text="Mistyped")
    mistyped.locator("a", has_text="Directions").wait_for()
    assert mistyped.locator("a", has_text="NPI Registry").count() == 0
