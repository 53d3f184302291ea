"""Make staff- and patient-provided text harmless wherever it is shown.

A name like `<img src=x onerror=alert(1)>` must show as text in map popups (HTML) and in
result cards (Markdown), and only http/https links may ever become clickable.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

# Every ASCII punctuation character may be backslash-escaped in CommonMark; Streamlit also
# gives meaning to ':' (emoji, colours), '$' (LaTeX) and '~'.
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# Streamlit's GitHub-flavoured Markdown also links bare addresses ("https://…", "www.…", "a@b.org"),
# and finds them after backslash escapes are resolved; an invisible word joiner inside each breaks them.
_AUTOLINK_JOINTS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
_WORD_JOINER = "\u2060"


def escape_html(value: object) -> str:
    """Text safe to place inside HTML, including attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


# Characters that mean something inside a JavaScript template literal or string, written as HTML
# character references instead: the browser shows the same character, the script never sees it.
_SCRIPT_SPECIAL = str.maketrans({"`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;", "\\": "&#92;"})
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def escape_map_html(value: object) -> str:
    """Text safe as HTML that folium then pastes into JavaScript source.

    folium writes popup and tooltip HTML inside JavaScript template literals (`...`), where
    HTML escaping alone is not enough: `${...}` would run and a lone backtick would end the
    literal and break every marker after it. Escaping those characters as HTML references
    keeps the text identical on screen and inert in the script. Line breaks become spaces.
    """
    return escape_html(_LINE_BREAKS.sub(" ", "" if value is None else str(value))).translate(_SCRIPT_SPECIAL)


# In JSON placed inside <script>: '<', '>' and '&' could close the element or open a comment, and
# '{' starts Jinja syntax, which branca re-parses in every script folium writes (so "{{ … }}" in a
# clinic name would run as a template on the server). JSON strings may spell any of them as \\uXXXX.
_JSON_IN_SCRIPT = {char: f"\\u{ord(char):04x}" for char in "<>&{}"}
#: What a list may hold without a closer look: a value of any other type is checked for being a Mapping.
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def json_for_script(table: Mapping[str, object]) -> str:
    """A JSON object of lists, numbers and strings that is inert inside <script> and folium's templates.

    Only the outer object's own braces are structural: every other brace is inside a string, so
    all of them can be written as escapes. Nested objects are refused rather than mis-escaped.
    A map's table holds tens of thousands of values, so the checks and the escaping each run over
    whole lists and the whole text at once (str.replace per character: ~40 times faster than translate).
    """
    for key, value in table.items():
        if isinstance(value, Mapping) or (isinstance(value, list) and _holds_mapping(value)):
            raise TypeError(f"{key}: json_for_script takes lists, numbers and strings, not nested objects")
    pairs = (json.dumps(str(key)) + ":" + json.dumps(value, separators=(",", ":")) for key, value in table.items())
    return "{" + _inert(",".join(pairs)) + "}"


def script_string(text: str) -> str:
    """A JavaScript string literal of `text` that is inert inside <script> (cannot close it or start a template)."""
    return _inert(json.dumps(text))


def _inert(json_text: str) -> str:
    """JSON text with < > & { } written as escapes, which read back the same inside its strings."""
    for char, escape in _JSON_IN_SCRIPT.items():  # no escape contains any of the characters escaped
        json_text = json_text.replace(char, escape)
    return json_text


def _holds_mapping(values: list[object]) -> bool:
    """Whether any value is a Mapping, asking isinstance only about values of unusual types."""
    unusual = set(map(type, values)) - _PLAIN_TYPES
    return bool(unusual) and any(isinstance(value, Mapping) for value in values if type(value) in unusual)


def escape_markdown(value: object) -> str:
    """Text that Streamlit's Markdown shows literally: no links (not even bare addresses), formatting, HTML or LaTeX."""
    text = "" if value is None else " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _AUTOLINK_JOINTS.sub(_WORD_JOINER, text))


def safe_url(value: object) -> str | None:
    """The URL if it is an absolute http(s) link to a host, else None (javascript:, data:, relative...)."""
    text = "" if value is None else str(value).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname or any(c.isspace() for c in text):
        return None
    return text


def tel_url(phone_digits: str) -> str | None:
    """A tel: link for a 10-digit US number, so phones can call with one tap."""
    return f"tel:+1{phone_digits}" if re.fullmatch(r"\d{10}", phone_digits or "") else None


def directions_url(lat: float, lon: float) -> str:
    """A Google Maps directions link to a point; opens the maps app on phones."""
    return "https://www.google.com/maps/dir/?api=1&destination=" + quote(f"{lat:.6f},{lon:.6f}")


def markdown_link(label: str, url: str | None) -> str:
    """A Markdown link with an escaped label, or the plain escaped label when the URL is unsafe."""
    if url is None or not (url.startswith("tel:") or safe_url(url)):
        return escape_markdown(label)
    return f"[{escape_markdown(label)}]({url.replace(' ', '%20').replace(')', '%29')})"
