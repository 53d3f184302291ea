"""Nothing injected: staff text is escaped in Markdown and map HTML, and only http(s) links render."""

import pandas as pd
import pytest

from finder.mapping import build_map, popup_html
from finder.safety import escape_html, escape_markdown, markdown_link, safe_url, tel_url

ATTACK = "<img src=x onerror=alert(1)>"


def specialist(**changes: object) -> pd.Series:
    row = {
        "name": "Avery Chen",
        "credentials": "MD",
        "subspecialty_labels": "Epilepsy",
        "clinic": "Lakeview Neurology",
        "address": "1 Main St",
        "city": "Chicago",
        "state": "IL",
        "zip": "60614",
        "phone": "(312) 555-0100",
        "phone_digits": "3125550100",
        "latitude": 41.92,
        "longitude": -87.65,
        "website": "",
        "distance_miles": 1.25,
    }
    return pd.Series({**row, **changes})


def test_popup_shows_a_script_name_as_text() -> None:
    html = popup_html(specialist(name=ATTACK, clinic='"><script>alert(2)</script>'))
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&quot;&gt;&lt;script&gt;" in html


def test_popup_links_phone_directions_and_only_safe_websites() -> None:
    html = popup_html(specialist(website="https://example.org/dr"))
    assert 'href="tel:+13125550100"' in html
    assert "https://www.google.com/maps/dir/?api=1&amp;destination=41.920000%2C-87.650000" in html
    assert 'href="https://example.org/dr"' in html
    assert "1.2 miles away" in html
    assert "javascript" not in popup_html(specialist(website="javascript:alert(1)"))


def test_map_html_never_contains_the_raw_attack() -> None:
    rows = pd.DataFrame([specialist(name=ATTACK, id=str(i)) for i in range(30)])  # clustered
    page = build_map(rows, (41.9, -87.6), 25, ATTACK).get_root().render()
    assert ATTACK not in page
    assert "markerClusterGroup" in page


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://example.org/a?b=c", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("//example.org", False),
        ("example.org", False),
        ("https://exa mple.org", False),
        ("", False),
    ],
)
def test_only_absolute_http_links_are_allowed(url: str, allowed: bool) -> None:
    assert (safe_url(url) is not None) is allowed


def test_markdown_escaping_defuses_links_html_and_streamlit_directives() -> None:
    text = escape_markdown("[click](javascript:alert(1)) <b>x</b> **bold** :red[alarm] $x$")
    for raw in ("[click]", "](", "<b>", "**", ":red[", "$x$"):
        assert raw not in text
    assert text.replace("\\", "") == "[click](javascript:alert(1)) <b>x</b> **bold** :red[alarm] $x$"
    assert markdown_link("Site", "javascript:alert(1)") == "Site"
    assert markdown_link("Call", tel_url("3125550100")) == "[Call](tel:+13125550100)"
    assert escape_html('"<&>') == "&quot;&lt;&amp;&gt;"
