"""The app's shared, cached data: the specialists list, the condition library and the geocoder.

Pages call these instead of reading files, so each file is read once per change (the cache
key includes its modification time) rather than on every click.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

from finder.conditions import CONDITIONS_DIR, ConditionLibrary, load_library
from finder.csv_io import load_specialists
from finder.geocoding import Geocode, Place, nominatim
from finder.live_source import LiveSourceError, load_live
from finder.location import Location, resolve_location
from finder.search import languages_offered
from finder.settings import load_settings
from finder.validation import ValidationReport

SPECIALISTS_CSV = Path(__file__).resolve().parents[1] / "data" / "specialists.csv"
#: Shown wherever the bundled list is in use, so nobody mistakes it for real doctors.
SAMPLE_DATA_NOTICE = "The specialists shown here are fictional sample data, not real doctors."


@dataclass(frozen=True)
class SpecialistList:
    """The list patients search, with what the filters, patients and staff need to know about it."""

    report: ValidationReport
    languages: list[str]
    notice: str  # for patients, under the search form
    source: str  # for staff: where this list came from
    staff_warning: str = ""  # for staff: why the live list is not the one being served


def _specialist_list(report: ValidationReport, notice: str, source: str) -> SpecialistList:
    return SpecialistList(report, languages_offered(report.specialists), notice, source)


@st.cache_data(show_spinner="Loading the specialists list…")
def _load_bundled(path: str, modified: float) -> SpecialistList:
    report = load_specialists(Path(path))
    notice = f"{len(report.specialists)} specialists. {SAMPLE_DATA_NOTICE}"
    return _specialist_list(report, notice, "the list bundled with the app (data/specialists.csv)")


def bundled_specialists() -> SpecialistList:
    """The CSV in data/, validated; re-read only when the file changes."""
    try:
        modified = SPECIALISTS_CSV.stat().st_mtime
    except OSError:
        modified = 0.0
    return _load_bundled(str(SPECIALISTS_CSV), modified)


@st.cache_resource
def _last_good_live() -> dict[str, SpecialistList]:
    """The most recent live list that passed the checks, per URL, shared by every session."""
    return {}


@st.cache_data(show_spinner="Updating the specialists list…", max_entries=4)
def _fetch_live(url: str, period: int, timeout: float) -> SpecialistList | str:
    """The live list for one refresh period, or why it cannot be used (cached too, so a broken
    source is not asked again on every click)."""
    try:
        report = load_live(url, timeout=timeout)
    except LiveSourceError as error:
        return str(error)
    checked = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return _specialist_list(report, f"{len(report.specialists)} specialists.", f"the live list, read {checked}")


def specialist_list() -> SpecialistList:
    """The list to serve: the live one when configured and good, else the last good one, else the bundled one."""
    settings = load_settings()
    if not settings.data_csv_url:
        return bundled_specialists()
    period = int(time.time() // (max(settings.data_refresh_minutes, 1) * 60))
    fetched = _fetch_live(settings.data_csv_url, period, settings.data_fetch_timeout_seconds)
    last_good = _last_good_live()
    if isinstance(fetched, SpecialistList):
        last_good[settings.data_csv_url] = fetched
        return fetched
    fallback = last_good.get(settings.data_csv_url) or bundled_specialists()
    return replace(fallback, staff_warning=f"{fetched}. Patients are being shown {fallback.source} instead.")


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
