"""Configuration from Streamlit secrets (Community Cloud's settings box, or .streamlit/secrets.toml).

Every setting has a safe default so the app runs with no secrets at all. The environment
variable NEUROFINDER_GEOCODER=off switches the online address lookup off (tests, CI).
`parse` is pure (secrets and environment in, Settings out) so it is tested directly;
`load_settings` is the thin Streamlit edge that hands it st.secrets.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finder.geocoding import DEFAULT_USER_AGENT, Geocode, nominatim
from finder.live_source import DEFAULT_STORE_DIR, FETCH_TIMEOUT_SECONDS


@dataclass(frozen=True)
class Settings:
    geocoder_enabled: bool = True
    geocoder_user_agent: str = DEFAULT_USER_AGENT
    geocoder_timeout_seconds: float = 5.0
    data_csv_url: str = ""
    data_refresh_minutes: int = 15
    data_fetch_timeout_seconds: float = FETCH_TIMEOUT_SECONDS
    data_redirect_hosts: tuple[str, ...] = ()  # hosts the live URL may redirect to, besides its own
    data_accept_shrink_to: int = 0  # accept a live list that shrank sharply when it has exactly this many rows
    data_last_good_dir: Path = DEFAULT_STORE_DIR
    manage_password: str = ""

    def geocoder(self, *, max_retries: int = 0) -> Geocode | None:
        """The street-address lookup these settings describe, or None when it is switched off.

        The one place a geocoder is built, so the app, the Manage page and the command line
        agree on user agent, deadline and the off switch."""
        if not self.geocoder_enabled:
            return None
        return nominatim(self.geocoder_user_agent, timeout=self.geocoder_timeout_seconds, max_retries=max_retries)


def _section(secrets: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = secrets.get(name, {})
    return value if isinstance(value, Mapping) else {}


def _number(section: Mapping[str, Any], key: str, default: float) -> float:
    """A positive finite number from secrets; a typo there falls back to the default instead of crashing."""
    try:
        value = float(section.get(key, default))
    except (TypeError, ValueError):
        return default
    return value if math.isfinite(value) and value > 0 else default


def _hosts(value: object) -> tuple[str, ...]:
    """Host names from a TOML list or a comma-separated string, lower-cased, without a leading dot or '*.'."""
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list | tuple) else []
    names = (str(item).strip().lower().removeprefix("*").lstrip(".") for item in items)
    return tuple(name for name in names if name)


def parse(secrets: Mapping[str, Any], environ: Mapping[str, str]) -> Settings:
    """Settings from the secrets' sections and the environment; anything missing or mistyped gets its default."""
    geocoder, data, manage = (_section(secrets, name) for name in ("geocoder", "data", "manage"))
    defaults = Settings()
    return Settings(
        geocoder_enabled=bool(geocoder.get("enabled", True))
        and environ.get("NEUROFINDER_GEOCODER", "").lower() not in {"off", "0", "false"},
        geocoder_user_agent=str(geocoder.get("user_agent", defaults.geocoder_user_agent)),
        geocoder_timeout_seconds=_number(geocoder, "timeout_seconds", defaults.geocoder_timeout_seconds),
        data_csv_url=str(data.get("csv_url", "")).strip(),
        data_refresh_minutes=int(_number(data, "refresh_minutes", defaults.data_refresh_minutes)),
        data_fetch_timeout_seconds=_number(data, "fetch_timeout_seconds", defaults.data_fetch_timeout_seconds),
        data_redirect_hosts=_hosts(data.get("redirect_hosts", ())),
        data_accept_shrink_to=int(_number(data, "accept_shrink_to", 0)),
        data_last_good_dir=Path(str(data.get("last_good_dir") or defaults.data_last_good_dir)).expanduser(),
        manage_password=str(manage.get("password", "")),
    )


def load_settings() -> Settings:
    """Settings from st.secrets and the process environment, defaults when there is no secrets file."""
    import streamlit as st  # here, not at the top: the command line builds its geocoder without Streamlit

    try:
        secrets: Mapping[str, Any] = st.secrets.to_dict()
    except FileNotFoundError:  # no secrets.toml (StreamlitSecretNotFoundError subclasses it)
        secrets = {}
    return parse(secrets, os.environ)
