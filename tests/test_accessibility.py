"""Text put into page scripts (finder.safety.script_string): it can never end or change the script."""

from __future__ import annotations

import json

import pytest

from finder.safety import script_string


@pytest.mark.parametrize("text", ["</script><img src=x onerror=alert(1)>", "a\"b'c`${d}", "x&amp;y", "\u2028", ""])
def test_a_script_string_reads_back_as_the_text_and_cannot_close_the_script(text: str) -> None:
    written = script_string(text)
    assert json.loads(written) == text
    assert not set(written) & set("<>&{}")
