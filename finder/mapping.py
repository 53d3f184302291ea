"""Build the folium map of a search: the patient's location, the radius and every matching specialist.

A national list can put thousands of specialists inside a 100-mile radius. One folium Marker
with its own Popup per result costs about a kilobyte of HTML and a Python object each, so
instead the results travel once as a compact JSON table (`SpecialistMarkers`) and the browser
builds the markers, tooltips and popups from it.

Nothing from the CSV or the geocoder is ever written into the page as HTML or script: the
table is JSON made safe for a <script> element and for branca's templates (`json_for_script`),
the browser puts every text into the page with `textContent`, and no text at all goes through
folium's own HTML templates (which paste it into JavaScript template literals).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import folium
import numpy as np
import pandas as pd
import xyzservices
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from jinja2 import Template

from finder import npi, vocabulary
from finder.distance import METRES_PER_MILE
from finder.safety import json_for_script
from finder.wording import counted

#: OpenStreetMap's standard tiles, named by the provider object: given the name "OpenStreetMap", folium
#: searches xyzservices' whole catalogue for it on every map (~4 ms), and would for a bare URL too.
TILES = xyzservices.providers.OpenStreetMap.Mapnik
#: Above this many markers, nearby ones are grouped so the map stays readable on a phone.
CLUSTER_THRESHOLD = 25
MARKER_COLOUR = "#1c5fa8"
CENTRE_COLOUR = "#c0392b"
CENTRE_PANE = "patient-location"
#: The patient's ring, in pixels: its inside (radius minus half the line) clears a 40-pixel cluster bubble.
CENTRE_RING_RADIUS = 24
CENTRE_RING_WEIGHT = 3
# Leaflet's default pin, named explicitly: inside the map's iframe Leaflet 1.9.3 guesses
# the image folder before its CSS has loaded and builds a broken URL (streamlit-folium #275).
LEAFLET_IMAGES = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/images/"
MARKER_CLUSTER_CDN = "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0"
MARKER_CLUSTER_SCRIPTS = (("markerclusterjs", f"{MARKER_CLUSTER_CDN}/leaflet.markercluster.js"),)
MARKER_CLUSTER_STYLES = (
    ("markerclustercss", f"{MARKER_CLUSTER_CDN}/MarkerCluster.css"),
    ("markerclusterdefaultcss", f"{MARKER_CLUSTER_CDN}/MarkerCluster.Default.css"),
)
#: Positions travel as whole numbers of 1/10,000 degree (about 11 m) away from the centre:
#: a third of the bytes of full coordinates, and far finer than a pin on a phone screen.
POSITION_STEPS_PER_DEGREE = 10_000
#: The columns `marker_table` and `build_map` read (besides `distance_miles`): the page takes only these
#: out of the list for the map (finder.search.rows).
MAP_COLUMNS = ("name", "credentials", "subspecialty_mask", "phone_digits", "npi", "latitude", "longitude")
#: Call and Directions in a popup are 44 px high: people with a tremor need big targets (WCAG 2.5.5).
POPUP_STYLE = """<style>
.nf-popup { font: 14px/1.4 sans-serif; color: #1a1a1a; }
.nf-actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.leaflet-container .nf-popup a.nf-action {
    display: inline-flex; align-items: center; min-height: 44px; min-width: 44px; padding: 0 12px;
    border: 1px solid #1c5fa8; border-radius: 6px; color: #0b4a8b; text-decoration: none; font-weight: 600;
}
.leaflet-container .nf-popup a.nf-action:focus-visible { outline: 3px solid #0b4a8b; outline-offset: 2px; }
.nf-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
</style>"""


def marker_table(specialists: pd.DataFrame, centre: tuple[float, float]) -> dict[str, Any]:
    """The results as column lists: what the browser needs to draw each pin and its popup, no more.

    Subspecialties travel as the search's bit mask with the labels sent once, repeated credentials
    once with a number per row, phones as plain numbers, distances in tenths of a mile as the step
    from the previous row (results come nearest first) and NPIs only for the rows that have one.
    The list beside the map has every detail; a popup has who, what they treat, how far, call and
    directions. Each row costs about 45 bytes, so 5,000 results make a map page under 250 KB.
    """
    steps = POSITION_STEPS_PER_DEGREE
    lat = specialists["latitude"].to_numpy(dtype=float)
    lon = specialists["longitude"].to_numpy(dtype=float)
    credential_codes, credentials = pd.factorize(specialists["credentials"].fillna("").astype(str))
    phones = specialists["phone_digits"].astype(str)
    registered = specialists["npi"].astype(str)
    has_npi = np.flatnonzero(npi.valid_mask(registered))
    tenths = (
        np.rint(specialists["distance_miles"].to_numpy(dtype=float) * 10).astype(int)
        if "distance_miles" in specialists
        else np.zeros(0, dtype=int)
    )
    return {
        "centre": [round(centre[0], 6), round(centre[1], 6)],
        "steps": steps,
        "north": np.rint((lat - centre[0]) * steps).astype(int).tolist(),
        "east": np.rint((lon - centre[1]) * steps).astype(int).tolist(),
        "name": specialists["name"].astype(str).tolist(),
        "credentials": [str(text) for text in credentials],
        "credential": credential_codes.tolist(),
        "labels": [vocabulary.LABELS[slug] for slug in vocabulary.SLUGS],  # bit i of a mask is label i
        "mask": specialists["subspecialty_mask"].astype(int).tolist(),
        "phone": phones.where(phones.str.fullmatch(r"[0-9]{10}"), "0").astype("int64").tolist(),
        "npi_rows": has_npi.tolist(),  # most lists have no NPIs, or one for nearly everyone: only rows that have one
        "npi": registered.iloc[has_npi].astype("int64").tolist(),
        "registry": npi.REGISTRY_PAGE,
        "tenths_step": np.diff(tenths, prepend=0).tolist(),  # nearest first, so mostly 0, 1 or 2
        "cluster": len(specialists) > CLUSTER_THRESHOLD,
    }


class _ScriptText(Element):
    """Finished script text that goes into the page as it is.

    branca wraps every element's script in a new Jinja template and renders it again; for a
    table of thousands of specialists that parse is most of the map's cost, and it is also
    where template syntax inside the data would be read. This element skips it.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


def _as_is(part: str, text: str) -> str:
    return text


def _add_parts(
    element: MacroElement, figure: Figure, kwargs: dict[str, Any], finish: Callable[[str, str], str] = _as_is
) -> None:
    """Render `element`'s header, html and script macros into the page as finished text (`_ScriptText`)."""
    macros = element._template.module.__dict__
    for part in ("header", "html", "script"):
        if (macro := macros.get(part)) is not None:
            text = finish(part, macro(element, kwargs))
            getattr(figure, part).add_child(_ScriptText(text), name=element.get_name())


class _FinishedParts(MacroElement):
    """MacroElement's rendering, minus a Jinja compile per element: each part goes in as finished text.

    branca puts each element's rendered header, html and script into the page as a new Jinja
    template, compiled and rendered once more (~0.4 ms each, ~5 ms a map of a dozen elements).
    Listed after a folium class (`class Quiet(folium.X, _FinishedParts)`), this comes just before
    MacroElement in the method order, so folium's own steps (a layer adding itself to the map,
    the Leaflet script links) still run first. Plain MacroElement children (such as the "add this
    layer to the map" call) are rendered the same way.
    """

    def _finish(self, part: str, text: str) -> str:
        """A last change to one part's text; none by default."""
        return text

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as MacroElement's, it returns nothing
        figure = self.get_root()
        assert isinstance(figure, Figure), "a map element is rendered inside its page"
        _add_parts(self, figure, kwargs, self._finish)
        for child in self._children.values():
            if isinstance(child, MacroElement) and type(child).render is MacroElement.render:
                _add_parts(child, figure, kwargs)
            else:
                child.render(**kwargs)


#: The part of folium's viewport tag that stops people zooming the map's page (WCAG 1.4.4).
_ZOOM_LOCK = re.compile(r",\s*maximum-scale=[\d.]+,\s*user-scalable=no")


class MapPage(Figure):
    """The map's own HTML document, with what a screen reader announces first: its language and its title."""

    _template = Template(
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<title>{{ this.title | e }}</title>\n'
        "{{ this.header.render(**kwargs) }}\n</head>\n<body>\n{{ this.html.render(**kwargs) }}\n</body>\n"
        "<script>\n{{ this.script.render(**kwargs) }}\n</script>\n</html>\n"
    )


class ZoomableMap(folium.Map, _FinishedParts):
    """folium's Map, minus the viewport tag's zoom lock: people with low vision pinch to read popups."""

    def _finish(self, part: str, text: str) -> str:
        return _ZOOM_LOCK.sub("", text) if part == "header" else text


class _TileLayer(folium.TileLayer, _FinishedParts):
    """folium's TileLayer, rendered without a template compile."""


class _Circle(folium.Circle, _FinishedParts):  # type: ignore[misc]  # folium's Marker.render takes no kwargs
    """folium's Circle, rendered without a template compile."""


class _CircleMarker(folium.CircleMarker, _FinishedParts):  # type: ignore[misc]  # as _Circle
    """folium's CircleMarker, rendered without a template compile."""


class _CustomPane(folium.map.CustomPane, _FinishedParts):
    """folium's CustomPane, rendered without a template compile."""


class _FitBounds(folium.map.FitBounds, _FinishedParts):
    """folium's FitBounds, rendered without a template compile."""


class _Control(folium.Control, _FinishedParts):
    """folium's Control (the scale), rendered without a template compile."""


class SpecialistMarkers(folium.map.Layer):
    """Every result as one JSON table, turned into Leaflet markers by the browser.

    Each marker is keyboard-focusable and named after the specialist, so it is announced as a
    name, not as "Marker"; popups are built on first open, with text nodes only. The page loads
    Leaflet.markercluster (the version folium's MarkerCluster plugin uses) for the clusters; the
    plugin itself is not imported, since `folium.plugins` loads every plugin (~0.25 s a server start).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var table = {{ this.table_json }};
            var icon = L.icon({{ this.icon_options_json }});
            var layer = table.cluster
                ? L.markerClusterGroup({ showCoverageOnHover: false, iconCreateFunction: clusterIcon })
                : L.featureGroup();
            var tenths = [], npiOf = {}, total = 0;
            table.tenths_step.forEach(function (step) { total += step; tenths.push(total); });
            table.npi_rows.forEach(function (row, k) { npiOf[row] = String(table.npi[k]); });

            var CLUSTER_WORDS = '<span class="nf-sr-only"> specialists here, zoom in to see them</span>';
            function clusterIcon(cluster) {
                // markercluster's own bubble, with words for screen readers after the number (no text from the list)
                var count = cluster.getChildCount();
                var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
                return L.divIcon({
                    html: "<div><span>" + count + "</span>" + CLUSTER_WORDS + "</div>",
                    className: "marker-cluster marker-cluster-" + size,
                    iconSize: L.point(40, 40)
                });
            }

            function element(tag, text, className) {
                var node = document.createElement(tag);
                if (text) { node.textContent = text; }
                if (className) { node.className = className; }
                return node;
            }
            function link(text, href, label, external) {
                var anchor = element("a", text, "nf-action");
                anchor.href = href;
                anchor.setAttribute("aria-label", label);
                if (external) { anchor.target = "_blank"; anchor.rel = "noopener noreferrer"; }
                return anchor;
            }
            function shownPhone(digits) {
                return "(" + digits.slice(0, 3) + ") " + digits.slice(3, 6) + "-" + digits.slice(6);
            }
            function popup(i, lat, lon) {
                var card = element("div", "", "nf-popup");
                var name = table.name[i];
                var credentials = table.credentials[table.credential[i]];
                var title = element("strong", name);
                card.appendChild(title);
                if (credentials) { card.appendChild(document.createTextNode(", " + credentials)); }
                var kinds = table.labels.filter(function (label, bit) { return table.mask[i] & (1 << bit); });
                card.appendChild(element("div", kinds.join("; ")));
                if (tenths.length) {
                    card.appendChild(element("div", (tenths[i] / 10).toFixed(1) + " miles away"));
                }
                var actions = element("div", "", "nf-actions");
                var phone = String(table.phone[i]);
                if (/^[0-9]{10}$/.test(phone)) {
                    card.appendChild(element("div", shownPhone(phone)));
                    var callName = "Call " + name + " at " + shownPhone(phone);
                    actions.appendChild(link("Call", "tel:+1" + phone, callName, false));
                }
                var destination = lat.toFixed(5) + "," + lon.toFixed(5);
                actions.appendChild(link(
                    "Directions",
                    "https://www.google.com/maps/dir/?api=1&destination=" + encodeURIComponent(destination),
                    "Directions to " + name + " (opens in a new tab)",
                    true
                ));
                var registered = npiOf[i] || "";
                if (/^[0-9]{10}$/.test(registered)) {
                    actions.appendChild(link(
                        "NPI Registry",
                        table.registry + registered,
                        "NPI Registry page of " + name + " (opens in a new tab)",
                        true
                    ));
                }
                card.appendChild(actions);
                return card;
            }

            for (var i = 0; i < table.name.length; i++) {
                var lat = table.centre[0] + table.north[i] / table.steps;
                var lon = table.centre[1] + table.east[i] / table.steps;
                var marker = L.marker([lat, lon], { icon: icon, title: table.name[i], alt: table.name[i] });
                marker.bindPopup(popup.bind(null, i, lat, lon), { maxWidth: 300, autoPanPadding: [16, 16] });
                layer.addLayer(marker);
            }
            layer.addTo({{ this._parent.get_name() }});
            return layer;
        })();
        {% endmacro %}
        """
    )

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Leaflet.markercluster's script and styles, then this layer's script added as finished text."""
        figure = self.get_root()
        assert isinstance(figure, Figure), "SpecialistMarkers must be on a map before it is rendered"
        for name, url in MARKER_CLUSTER_SCRIPTS:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in MARKER_CLUSTER_STYLES:
            figure.header.add_child(CssLink(url), name=name)
        script = self._template.module.script(self, kwargs)
        figure.script.add_child(_ScriptText(script), name=self.get_name())

    def __init__(self, specialists: pd.DataFrame, centre: tuple[float, float]) -> None:
        super().__init__(name="Specialists")
        self._name = "SpecialistMarkers"
        self.table_json = json_for_script(marker_table(specialists, centre))
        self.icon_options_json = json_for_script(
            {
                "iconUrl": LEAFLET_IMAGES + "marker-icon.png",
                "iconRetinaUrl": LEAFLET_IMAGES + "marker-icon-2x.png",
                "shadowUrl": LEAFLET_IMAGES + "marker-shadow.png",
                "iconSize": [25, 41],
                "iconAnchor": [12, 41],
                "popupAnchor": [1, -34],
                "shadowSize": [41, 41],
            }
        )


#: Leaflet focuses the map on the first press, so its arrow keys work; in a frame lower down the page that
#: focus scrolled the page to show the whole map, the pin slid from under the finger and the first tap on a
#: phone was lost (Leaflet issues #1605 and #5392). Focusing without scrolling keeps the keys and the tap.
#: It replaces the handler before the map is made, since Leaflet binds it when the map is created.
FOCUS_WITHOUT_SCROLL = """L.Map.Keyboard.prototype._onMouseDown = function () {
    if (!this._focused) { this._map._container.focus({ preventScroll: true }); }
};"""


def keep_page_still_on_first_tap(page: Figure) -> None:
    """Put `FOCUS_WITHOUT_SCROLL` first in the page's script, ahead of the map it changes."""
    page.script.add_child(_ScriptText(FOCUS_WITHOUT_SCROLL), name="neurofinder-focus-without-scroll")


def add_scale(fmap: folium.Map) -> None:
    """A scale in miles only (the unit of the radius and the list), stacked above the map's credit line in the
    bottom-right corner: folium's default scale sat bottom-left, two lines high, under the credit on a phone."""
    scale = _Control("Scale", metric=False)
    # Passed as `position=`, folium 0.20's Control also sends its list of positions as arguments, which Leaflet
    # would read as the scale's options.
    scale.options["position"] = "bottomright"
    scale.add_to(fmap)


def build_map(specialists: pd.DataFrame, centre: tuple[float, float], radius_miles: float) -> ZoomableMap:
    """A map centred on the search, with the radius drawn, every result pinned and the view fitted to them."""
    tiles = _TileLayer(TILES, name="openstreetmap")
    fmap = ZoomableMap(location=centre, zoom_start=10, tiles=tiles)
    add_scale(fmap)
    # The page goes round the map first: whatever is added to the page's header later lands in this page.
    page = MapPage(title=f"Map of {counted(len(specialists), 'specialist')} near the place searched")
    keep_page_still_on_first_tap(page)
    page.add_child(fmap)
    _Circle(
        centre, radius=radius_miles * METRES_PER_MILE, color=MARKER_COLOUR, weight=1, fill=True, fill_opacity=0.05
    ).add_to(fmap)
    # The patient's own place is a hollow ring drawn in a pane above the pins and cluster bubbles, so it is
    # never hidden, and wider than a bubble, so it never hides the bubble's number either. It takes no
    # taps: a tap there opens the cluster beneath, and the ring has no focus box of its own.
    _CustomPane(CENTRE_PANE, z_index=650).add_to(fmap)
    you = _CircleMarker(centre, radius=CENTRE_RING_RADIUS, color=CENTRE_COLOUR, weight=CENTRE_RING_WEIGHT, fill=False)
    you.options.update(pane=CENTRE_PANE, interactive=False)  # folium's CircleMarker passes neither itself
    you.add_to(fmap)
    fmap.get_root().header.add_child(  # type: ignore[attr-defined]
        folium.Element(POPUP_STYLE), name="neurofinder-popup-style"
    )
    if not specialists.empty:
        SpecialistMarkers(specialists, centre).add_to(fmap)
        lats = np.append(specialists["latitude"].to_numpy(dtype=float), centre[0])
        lons = np.append(specialists["longitude"].to_numpy(dtype=float), centre[1])
        _FitBounds([(lats.min(), lons.min()), (lats.max(), lons.max())], padding=(30, 30)).add_to(fmap)
    return fmap
