"""Make staff- and patient-provided text harmless wherever it is shown.

A name like `<img src=x onerror=alert(1)>` must show as text in map popups (HTML) and in
result cards (Markdown), and only http/https links may ever become clickable.
"""

from __future__ import annotations

import html
import re
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
