"""Settings: read purely from secrets and environment (`parse`), and through Streamlit (`load_settings`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from finder.geocoding import DEFAULT_USER_AGENT
from finder.live_source import DEFAULT_STORE_DIR, FETCH_TIMEOUT_SECONDS
from finder.settings import Settings, _hosts, parse


def test_no_secrets_and_no_environment_give_the_safe_defaults() -> None:
    assert parse({}, {}) == Settings()
    assert Settings().geocoder_user_agent == DEFAULT_USER_AGENT
    assert Settings().data_fetch_timeout_seconds == FETCH_TIMEOUT_SECONDS
    assert Settings().data_last_good_dir == DEFAULT_STORE_DIR


def test_every_section_is_read() -> None:
    secrets = {
        "geocoder": {"user_agent": "Clinic/2.0", "timeout_seconds": 7, "enabled": True},
        "data": {
            "csv_url": "  https://example.org/list.csv ",
            "refresh_minutes": "30",
            "fetch_timeout_seconds": 4.5,
            "redirect_hosts": ["*.googleusercontent.com"],
            "accept_shrink_to": 120,
            "last_good_dir": "~/kept",
        },
        "manage": {"password": "a long passphrase"},
    }
    assert parse(secrets, {}) == Settings(
        geocoder_user_agent="Clinic/2.0",
        geocoder_timeout_seconds=7.0,
        data_csv_url="https://example.org/list.csv",
        data_refresh_minutes=30,
        data_fetch_timeout_seconds=4.5,
        data_redirect_hosts=("googleusercontent.com",),
        data_accept_shrink_to=120,
        data_last_good_dir=Path("~/kept").expanduser(),
        manage_password="a long passphrase",
    )


@pytest.mark.parametrize(
    "secrets",
    [
        {"geocoder": "not a table", "data": ["nor", "this"], "manage": 42},
        {"geocoder": {"timeout_seconds": "soon"}, "data": {"refresh_minutes": -5, "fetch_timeout_seconds": "nan"}},
        {"geocoder": {"timeout_seconds": float("inf")}, "data": {"accept_shrink_to": None, "last_good_dir": ""}},
    ],
)
def test_typos_in_the_secrets_fall_back_to_defaults_instead_of_crashing(secrets: dict[str, object]) -> None:
    assert parse(secrets, {}) == Settings()


@pytest.mark.parametrize(
    ("value", "enabled"), [("off", False), ("OFF", False), ("0", False), ("false", False), ("on", True), ("", True)]
)
def test_the_environment_switches_the_online_geocoder_off(value: str, enabled: bool) -> None:
    settings = parse({}, {"NEUROFINDER_GEOCODER": value})
    assert settings.geocoder_enabled is enabled
    assert (settings.geocoder() is not None) is enabled


def test_the_secrets_switch_the_online_geocoder_off() -> None:
    settings = parse({"geocoder": {"enabled": False}}, {})
    assert not settings.geocoder_enabled and settings.geocoder() is None


def test_redirect_hosts_setting_accepts_a_list_or_commas() -> None:
    assert _hosts(["*.googleusercontent.com", " Example.org "]) == ("googleusercontent.com", "example.org")
    assert _hosts("a.example, .b.example,") == ("a.example", "b.example")
    assert _hosts(42) == ()


def _show_settings() -> None:
    import streamlit as st

    from finder.settings import load_settings

    settings = load_settings()
    st.text(settings.data_csv_url)
    st.text(settings.manage_password)
    st.text(str(settings.geocoder_enabled))


def test_load_settings_reads_streamlit_secrets_and_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEUROFINDER_GEOCODER", "off")
    app = AppTest.from_function(_show_settings)
    app.secrets["data"] = {"csv_url": "https://example.org/list.csv"}
    app.secrets["manage"] = {"password": "secret words"}
    app.run()
    assert not app.exception
    assert [text.value for text in app.text] == ["https://example.org/list.csv", "secret words", "False"]
