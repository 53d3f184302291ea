"""Nothing injected: staff text is escaped in Markdown and map HTML, and only http(s) links render."""

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finder.safety import escape_html, escape_map_html, escape_markdown, markdown_link, safe_url, tel_url


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
