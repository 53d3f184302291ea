"""Nothing injected: staff text is escaped in Markdown and map HTML, and only http(s) links render."""

import html
import json
import re
from collections import OrderedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finder.safety import (
    escape_html,
    escape_map_html,
    escape_markdown,
    json_for_script,
    markdown_link,
    safe_url,
    tel_url,
)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_escaped_map_text_is_inert_and_reads_the_same(text: str) -> None:
    escaped = escape_map_html(text)
    assert not set(escaped) & set("`${}\\<>\"'\r\n\u2028\u2029")
    assert html.unescape(escaped) == re.sub(r"[\r\n\u2028\u2029]+", " ", text)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(), st.lists(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False)))))
def test_script_json_reads_back_the_same_and_has_nothing_to_break_out_with(table: dict[str, list[object]]) -> None:
    text = json_for_script(table)
    assert json.loads(text) == table
    assert not set(text[1:-1]) & set("<>&{}")


_HOSTILE = st.text(alphabet=st.sampled_from("<>&{}/\\\"'`$ \u2028\u2029a\x00é🙂"))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_HOSTILE, st.lists(st.one_of(_HOSTILE, st.integers(), st.booleans(), st.none()))))
def test_script_json_is_the_same_text_as_escaping_each_entry_by_itself(table: dict[str, list[object]]) -> None:
    """The whole-text escaping writes exactly what the earlier entry-by-entry translate wrote."""
    one_at_a_time = str.maketrans({char: f"\\u{ord(char):04x}" for char in "<>&{}"})
    parts = (json.dumps(key) + ":" + json.dumps(value, separators=(",", ":")) for key, value in table.items())
    assert json_for_script(table) == "{" + ",".join(part.translate(one_at_a_time) for part in parts) + "}"


@pytest.mark.parametrize("nested", [{"name": "x"}, {}, OrderedDict(a=1)])
def test_script_json_refuses_an_object_anywhere_in_a_list(nested: object) -> None:
    with pytest.raises(TypeError):
        json_for_script({"rows": ["a", 1, None, nested]})


def test_script_json_refuses_nested_objects_it_could_not_escape() -> None:
    with pytest.raises(TypeError):
        json_for_script({"rows": [{"name": "x"}]})


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
