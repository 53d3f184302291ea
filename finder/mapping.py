"""Build the folium map of a search: the patient's location, the radius and one marker per specialist.

Every piece of text that goes into a popup or tooltip passes through `escape_map_html` here:
folium inserts those strings as raw HTML inside JavaScript template literals, so text from the
CSV or the geocoder must be inert in both (see finder/safety.py).
"""

from __future__ import annotations

import folium
import pandas as pd
from folium.plugins import MarkerCluster

from finder.distance import METRES_PER_MILE
from finder.safety import directions_url, escape_map_html, safe_url, tel_url

#: Above this many markers, nearby ones are grouped so the map stays readable on a phone.
CLUSTER_THRESHOLD = 25
#: The map shows at most this many specialists (the nearest); the list shows the rest.
MAX_MARKERS = 300
MARKER_COLOUR = "#1c5fa8"
# Leaflet's default pin, named explicitly: inside streamlit-folium's iframe Leaflet 1.9.3 guesses
# the image folder before its CSS has loaded and builds a broken URL (streamlit-folium #275).
LEAFLET_IMAGES = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/images/"


def popup_html(specialist: pd.Series) -> str:
    """The escaped HTML card shown when a marker is tapped."""
    name = escape_map_html(specialist["name"])
    credentials = escape_map_html(specialist.get("credentials", ""))
    lines = [
        f"<strong>{name}</strong>{', ' + credentials if credentials else ''}",
        escape_map_html(specialist.get("subspecialty_labels", "")),
        escape_map_html(specialist.get("clinic", "")),
        escape_map_html(f"{specialist['address']}, {specialist['city']}, {specialist['state']} {specialist['zip']}"),
    ]
    if tel := tel_url(str(specialist.get("phone_digits", ""))):
        lines.append(f'<a href="{escape_map_html(tel)}">{escape_map_html(specialist["phone"])}</a>')
    links = [
        f'<a href="{escape_map_html(directions_url(specialist["latitude"], specialist["longitude"]))}"'
        ' target="_blank" rel="noopener noreferrer">Directions</a>'
    ]
    if website := safe_url(specialist.get("website", "")):
        links.append(f'<a href="{escape_map_html(website)}" target="_blank" rel="noopener noreferrer">Website</a>')
    lines.append(" · ".join(links))
    if "distance_miles" in specialist:
        lines.append(f"{specialist['distance_miles']:.1f} miles away")
    return "<br>".join(line for line in lines if line)


def _pin() -> folium.CustomIcon:
    """Leaflet's standard blue pin (a new object each time: folium icons belong to one marker)."""
    return folium.CustomIcon(
        LEAFLET_IMAGES + "marker-icon.png",
        icon_size=(25, 41),
        icon_anchor=(12, 41),
        popup_anchor=(1, -34),
        shadow_image=LEAFLET_IMAGES + "marker-shadow.png",
        shadow_size=(41, 41),
        shadow_anchor=(12, 41),
    )


def build_map(
    specialists: pd.DataFrame, centre: tuple[float, float], radius_miles: float, centre_label: str
) -> folium.Map:
    """A map centred on the search, with the radius drawn and the view fitted to what it shows."""
    shown = specialists.head(MAX_MARKERS)
    fmap = folium.Map(location=centre, zoom_start=10, control_scale=True, tiles="OpenStreetMap")
    folium.Circle(
        centre, radius=radius_miles * METRES_PER_MILE, color=MARKER_COLOUR, weight=1, fill=True, fill_opacity=0.05
    ).add_to(fmap)
    folium.CircleMarker(
        centre, radius=8, color="#c0392b", fill=True, fill_opacity=0.9, tooltip=f"You: {escape_map_html(centre_label)}"
    ).add_to(fmap)
    layer = MarkerCluster(name="Specialists") if len(shown) > CLUSTER_THRESHOLD else fmap
    if len(shown) > CLUSTER_THRESHOLD:
        layer.add_to(fmap)
    for _, specialist in shown.iterrows():  # folium builds one object per marker; MAX_MARKERS bounds it
        folium.Marker(
            (specialist["latitude"], specialist["longitude"]),
            popup=folium.Popup(popup_html(specialist), max_width=320, lazy=True),
            tooltip=escape_map_html(specialist["name"]),
            icon=_pin(),
        ).add_to(layer)
    points = [centre, *zip(shown["latitude"], shown["longitude"], strict=True)]
    if len(points) > 1:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        fmap.fit_bounds([(min(lats), min(lons)), (max(lats), max(lons))], padding=(30, 30))
    return fmap
