"""The app's shared, cached data: the specialists list, the condition library and the geocoder.

Pages call these instead of reading files, so each file is read once per change (the cache
key includes its modification time) rather than on every click.

The specialists list and the condition library are held with st.cache_resource: one copy for
every session, handed out without copying. st.cache_data would unpickle a fresh copy on every
page run (about 200 ms for 100,000 specialists). Callers treat both as read-only: the search
builds new tables from them and never writes into them.
"""

from __future__ import annotations

import functools
import hashlib
import weakref
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from finder import table_cache
from finder.conditions import CONDITIONS_DIR, ConditionLibrary, kept_library
from finder.csv_io import load_specialists
from finder.geocoding import Geocode
from finder.live_source import GoodList, LiveKeeper, LiveSource, choose, fetched_description
from finder.location import resolve_location
from finder.places import Location
from finder.provenance import describe_sources
from finder.safety import escape_markdown
from finder.search import languages_offered, offers_gender
from finder.settings import Settings, load_settings
from finder.table_contract import ValidationReport
from finder.wording import list_size

SPECIALISTS_CSV = Path(__file__).resolve().parents[1] / "data" / "specialists.csv"
#: Shown wherever the bundled list is in use, so nobody mistakes it for real doctors.
SAMPLE_DATA_NOTICE = "The specialists shown here are fictional sample data, not real doctors."
BUNDLED_SOURCE = "the list bundled with the app (data/specialists.csv)"


@dataclass(frozen=True)
class SpecialistList:
    """The list patients search, with what the filters, patients and staff need to know about it."""

    report: ValidationReport
    languages: list[str]
    notice: str  # for patients, under the search form (Markdown, anything from the file escaped)
    source: str  # for staff: where this list came from
    staff_warning: str = ""  # for staff: why the live list is not the one being served
    provenance: str = ""  # where the specialists come from and how fresh, e.g. "NPI Registry, file of November 2026"
    offers_gender: bool = False  # whether the list says doctors' genders (the gender filter is shown)

    @property
    def table(self) -> pd.DataFrame:
        """The specialists patients search (read-only: shared by every session)."""
        return self.report.specialists

    @property
    def version(self) -> str:
        """A fingerprint of the table's content, for caches of what is built from it (the map of a search):
        an edited list has another version, so nothing built from the old one is ever served again."""
        return _fingerprint(self.table)


#: Fingerprints of the tables being served, by the table object; an entry goes when its table does. Kept
#: by table, not on SpecialistList: the live list is copied with a staff warning on every page run.
_FINGERPRINTS: dict[int, str] = {}


def _fingerprint(table: pd.DataFrame) -> str:
    """Worked out once per table (~0.15 s for 100,000 specialists), as the table itself is loaded once."""
    if id(table) not in _FINGERPRINTS:
        cells = pd.util.hash_pandas_object(table, index=False).to_numpy()
        _remember_version(table, hashlib.sha256(cells.tobytes()).hexdigest()[:32])
    return _FINGERPRINTS[id(table)]


def _remember_version(table: pd.DataFrame, version: str) -> None:
    """Take `version` as the table's fingerprint: one made from what the table was made of (a file's bytes and
    the code that checked them) names its content as surely as its cells do, and costs nothing more."""
    _FINGERPRINTS[id(table)] = version
    weakref.finalize(table, _FINGERPRINTS.pop, id(table), None)  # before the id can name another table


def _specialist_list(report: ValidationReport, notice: str, source: str) -> SpecialistList:
    provenance = describe_sources(report.specialists)
    if provenance:  # an imported list says where it comes from instead of any other notice
        notice = f"{list_size(len(report.specialists))} Source: {escape_markdown(provenance)}."
    return SpecialistList(
        report,
        languages_offered(report.specialists),
        notice,
        source,
        provenance=provenance,
        offers_gender=offers_gender(report.specialists),
    )


@st.cache_resource(show_spinner="Loading the specialists list…", max_entries=2)
def _load_bundled(path: str, modified: float) -> SpecialistList:
    """The bundled list, checked once per version of the file; a restart reads the checked copy from disk."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        report = load_specialists(Path(path))  # says in plain words why the file cannot be read
    else:
        report = table_cache.checked(data, load_specialists)
        _remember_version(report.specialists, table_cache.cache_key(data))
    notice = f"{list_size(len(report.specialists))} {SAMPLE_DATA_NOTICE}"  # unless its rows name a source
    return _specialist_list(report, notice, BUNDLED_SOURCE)


def bundled_specialists() -> SpecialistList:
    """The CSV in data/, validated; re-read only when the file changes."""
    try:
        modified = SPECIALISTS_CSV.stat().st_mtime
    except OSError:
        modified = 0.0
    return _load_bundled(str(SPECIALISTS_CSV), modified)


#: The last good live list per URL. Module state, not st.cache_*: any visitor can clear Streamlit's
#: caches over the app's websocket, and that must neither drop patients to the sample list nor
#: make the app fetch a broken source again at once. The keeper also keeps a copy on disk.
LIVE_LISTS = LiveKeeper()


@functools.lru_cache(maxsize=2)
def _live_list(good: GoodList) -> SpecialistList:
    """The filters' languages are worked out once per fetched list, not on every click."""
    notice = list_size(len(good.report.specialists))
    return _specialist_list(good.report, notice, fetched_description(good))


def _live_source(settings: Settings) -> LiveSource:
    """The live list's source as the settings describe it."""
    return LiveSource(
        url=settings.data_csv_url,
        refresh_seconds=max(settings.data_refresh_minutes, 1) * 60,
        timeout=settings.data_fetch_timeout_seconds,
        redirect_hosts=settings.data_redirect_hosts,
        accept_shrink_to=settings.data_accept_shrink_to,
        store_dir=settings.data_last_good_dir,
    )


def specialist_list() -> SpecialistList:
    """The list to serve: the live one when configured and good, else the last good one, else the bundled one.

    Never waits on a refresh once a good live list has been seen, and never raises whatever the
    source sends: staff find the reason on Manage data (staff_warning).
    """
    settings = load_settings()
    if not settings.data_csv_url:
        return bundled_specialists()
    with st.spinner("Loading the specialists list…"):  # shown only if the very first download is slow
        status = LIVE_LISTS.current(_live_source(settings))
    serving = choose(status, BUNDLED_SOURCE)
    served = _live_list(serving.live) if serving.live else bundled_specialists()
    return replace(served, staff_warning=serving.staff_warning) if serving.staff_warning else served


@st.cache_resource(show_spinner=False, max_entries=2)
def _load_library(folder: str, newest_change: float) -> ConditionLibrary:
    """Checked once per change; a restart reads the checked copy (finder.conditions.kept_library)."""
    return kept_library(Path(folder))


def condition_library() -> ConditionLibrary:
    """All condition pages; re-read when any condition file changes."""
    files = list(CONDITIONS_DIR.glob("*.md"))
    newest = max((f.stat().st_mtime for f in files), default=0.0)
    return _load_library(str(CONDITIONS_DIR), newest + len(files))


@st.cache_resource
def _geocoder(settings: Settings) -> Geocode | None:
    """One geocoder (and so one rate limit) per configuration, shared by every session."""
    return settings.geocoder()


@st.cache_data(ttl=24 * 3600, max_entries=2_000, show_spinner="Looking up the address…")
def _geocode_cached(query: str) -> Location | None:
    geocode = _geocoder(load_settings())
    return geocode(query) if geocode else None


def locate(text: str) -> Location:
    """Resolve a location, asking the online geocoder only for street addresses (answers are cached;
    failures are not, so the next try asks again)."""
    return resolve_location(text, _geocode_cached if load_settings().geocoder_enabled else None)
