"""The page scripts of finder.accessibility: what they are given can never end or change the script."""

from __future__ import annotations

import json

import pytest

from finder.accessibility import _js_string


@pytest.mark.parametrize("text", ["</script><img src=x onerror=alert(1)>", "a\"b'c`${d}", "x&amp;y", "\u2028", ""])
def test_a_script_string_reads_back_as_the_text_and_cannot_close_the_script(text: str) -> None:
    written = _js_string(text)
    assert json.loads(written) == text
    assert "<" not in written and ">" not in written and "&" not in written
