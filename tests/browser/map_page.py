"""Open a map page that finder.mapping wrote, on its own, in the test browser.

The app shows the map in an iframe of its own; for what the map itself does (pins, popups,
what runs) the page folium renders is served directly, with the CDN answers of cdn.py.
"""

from __future__ import annotations

from collections.abc import Callable

import folium
from playwright.sync_api import Page, Route

MAP_URL = "http://map.test/map.html"


def open_map(new_page: Callable[..., Page], fmap: folium.Map, dialogs: list[str] | None = None) -> Page:
    """A 1280x900 page showing `fmap` once Leaflet has loaded; any dialog's text goes into `dialogs`."""
    html = fmap.get_root().render()
    page = new_page(viewport={"width": 1280, "height": 900})
    if dialogs is not None:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    def serve_map(route: Route) -> None:
        route.fulfill(status=200, body=html, content_type="text/html")

    page.route(MAP_URL, serve_map)
    page.goto(MAP_URL)
    page.wait_for_function("typeof window.L === 'object'")
    return page
