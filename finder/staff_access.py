"""The password check for staff pages.

The password lives in Streamlit secrets; comparing in constant time keeps response timing
from revealing how much of a guess was right.
"""

from __future__ import annotations

import hmac


def password_matches(given: str, expected: str) -> bool:
    """True only when a password is configured and the given one equals it."""
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
