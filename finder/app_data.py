"""The app's shared, cached data: the specialists list, the condition library and the geocoder.

Pages call these instead of reading files, so each file is read once per change (the cache
key includes its modification time) rather than on every click.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from finder.conditions import CONDITIONS_DIR, ConditionLibrary, load_library
from finder.csv_io import load_specialists
from finder.geocoding import Geocode, Place, nominatim
from finder.location import Location, resolve_location
from finder.search import languages_offered
from finder.settings import load_settings
from finder.validation import ValidationReport

SPECIALISTS_CSV = Path(__file__).resolve().parents[1] / "data" / "specialists.csv"
#: Shown wherever the bundled list is in use, so nobody mistakes it for real doctors.
SAMPLE_DATA_NOTICE = "The specialists shown here are fictional sample data, not real doctors."


@dataclass(frozen=True)
class SpecialistList:
    """The list patients search, with what the filters and notices need to know about it."""

    report: ValidationReport
    languages: list[str]
    notice: str


@st.cache_data(show_spinner="Loading the specialists list…")
def _load_bundled(path: str, modified: float) -> SpecialistList:
    report = load_specialists(Path(path))
    count = len(report.specialists)
    return SpecialistList(report, languages_offered(report.specialists), f"{count} specialists. {SAMPLE_DATA_NOTICE}")


def specialist_list() -> SpecialistList:
    """The CSV in data/, validated; re-read only when the file changes."""
    try:
        modified = SPECIALISTS_CSV.stat().st_mtime
    except OSError:
        modified = 0.0
    return _load_bundled(str(SPECIALISTS_CSV), modified)


@st.cache_data(show_spinner=False)
def _load_library(folder: str, newest_change: float) -> ConditionLibrary:
    return load_library(Path(folder))


def condition_library() -> ConditionLibrary:
    """All condition pages; re-read when any condition file changes."""
    files = list(CONDITIONS_DIR.glob("*.md"))
    newest = max((f.stat().st_mtime for f in files), default=0.0)
    return _load_library(str(CONDITIONS_DIR), newest + len(files))


@st.cache_resource
def _geocoder(user_agent: str, timeout: float) -> Geocode:
    return nominatim(user_agent, timeout=timeout)


@st.cache_data(ttl=24 * 3600, max_entries=2_000, show_spinner="Looking up the address…")
def _geocode_cached(query: str) -> Place | None:
    settings = load_settings()
    return _geocoder(settings.geocoder_user_agent, settings.geocoder_timeout_seconds)(query)


def locate(text: str) -> Location:
    """Resolve a location, asking the online geocoder only for street addresses (answers are cached;
    failures are not, so the next try asks again)."""
    return resolve_location(text, _geocode_cached if load_settings().geocoder_enabled else None)
