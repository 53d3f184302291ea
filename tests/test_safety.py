"""Nothing injected: staff text is escaped in Markdown and map HTML, and only http(s) links render."""

import html
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finder.mapping import CLUSTER_THRESHOLD, build_map, popup_html
from finder.safety import escape_html, escape_map_html, escape_markdown, markdown_link, safe_url, tel_url

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


#: Text that breaks out of folium's JavaScript template literals or its <script> element.
SCRIPT_ATTACKS = (
    "${globalThis.pwned = 1}",
    "`; globalThis.pwned = 1; `",
    "lone ` backtick",
    "back\\slash \\` and \\${x}",
    "</script><script>globalThis.pwned = 1</script>",
    "quote ' and \" both",
    "new\nline\r\nand \u2028 separator",
)
MAP_TEXT_COLUMNS = ("name", "credentials", "subspecialty_labels", "clinic", "address", "city", "phone")
#: What a script needs to escape folium's literals; counted in the whole map page.
SCRIPT_BREAKERS = ("`", "${", "</script", "\\")


def map_page(rows: list[pd.Series], label: str) -> str:
    return build_map(pd.DataFrame(rows), (41.9, -87.6), 25, label).get_root().render()


def breakers(page: str) -> dict[str, int]:
    return {token: page.count(token) for token in SCRIPT_BREAKERS}


@pytest.mark.parametrize("attack", SCRIPT_ATTACKS)
@pytest.mark.parametrize("count", [3, CLUSTER_THRESHOLD + 5], ids=["markers", "clustered"])
def test_map_text_adds_nothing_a_script_could_use(attack: str, count: int) -> None:
    """The hostile map has exactly folium's own backticks, ${, </script and backslashes, none from data."""
    benign = map_page([specialist(id=str(i)) for i in range(count)], "60614")
    hostile_rows = [specialist(id=str(i), **dict.fromkeys(MAP_TEXT_COLUMNS, attack)) for i in range(count)]
    hostile = map_page(hostile_rows, attack)
    assert breakers(hostile) == breakers(benign)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_escaped_map_text_is_inert_and_reads_the_same(text: str) -> None:
    escaped = escape_map_html(text)
    assert not set(escaped) & set("`${}\\<>\"'\r\n\u2028\u2029")
    assert html.unescape(escaped) == re.sub(r"[\r\n\u2028\u2029]+", " ", text)


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
