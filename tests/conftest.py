"""Fixtures shared by the unit and page tests."""

from __future__ import annotations

import pandas as pd
import pytest

from finder.conditions import ConditionLibrary, load_library
from finder.csv_io import load_specialists
from finder.sample_data import make_specialists


@pytest.fixture(scope="session")
def sample_specialists() -> pd.DataFrame:
    """The bundled sample list, validated, as the search sees it."""
    report = load_specialists(make_specialists(400).to_csv(index=False).encode())
    assert not report.errors
    return report.specialists


@pytest.fixture(scope="session")
def library() -> ConditionLibrary:
    return load_library()


@pytest.fixture(autouse=True)
def _no_online_geocoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages must never reach the network in tests; a test that wants the geocoder fakes its adapter."""
    monkeypatch.setenv("NEUROFINDER_GEOCODER", "off")
