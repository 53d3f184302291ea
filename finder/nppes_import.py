"""Every active individual neurologist in NPPES's npidata file (monthly full, or a weekly update).

The file has about 9 million rows of 330 columns. Each block of rows is classified with
pyarrow compute over the few columns that decide (entity type, deactivation and reactivation
dates, the 15 taxonomy slots), so the 99.7% of rows that are left out are only counted and never
become Python objects; the few thousand kept rows go on to provider_import.build_rows.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from finder import provider_import as common
from finder.provenance import NPPES_SOURCE
from finder.registry_files import Progress
from finder.specialty_codes import NEUROLOGY_CODES, subspecialties_from_nucc

TAXONOMY_SLOTS = 15
MEMBER_PATTERN = r"npidata_pfile_.*\.csv"
#: The registry opened in 2005: a file whose dates start before this is the full file, not a weekly update.
FULL_FILE_STARTS_BEFORE = dt.date(2007, 1, 1)
FIELDS: dict[str, tuple[str, ...]] = {
    "npi": ("NPI",),
    "entity": ("Entity Type Code",),
    "last": ("Provider Last Name (Legal Name)",),
    "first": ("Provider First Name",),
    "middle": ("Provider Middle Name",),
    "suffix": ("Provider Name Suffix Text",),
    "credentials": ("Provider Credential Text",),
    "address1": ("Provider First Line Business Practice Location Address",),
    "address2": ("Provider Second Line Business Practice Location Address",),
    "city": ("Provider Business Practice Location Address City Name",),
    "state": ("Provider Business Practice Location Address State Name",),
    "postal": ("Provider Business Practice Location Address Postal Code",),
    "country": ("Provider Business Practice Location Address Country Code (If outside U.S.)",),
    "phone": ("Provider Business Practice Location Address Telephone Number",),
    "deactivated": ("NPI Deactivation Date",),
    "reactivated": ("NPI Reactivation Date",),
    # Releases before 2024 call it the gender code.
    "sex": ("Provider Sex Code", "Provider Gender Code"),
    **{f"taxonomy_{slot}": (f"Healthcare Provider Taxonomy Code_{slot}",) for slot in range(1, TAXONOMY_SLOTS + 1)},
}
REQUIRED = (
    "npi", "entity", "last", "first", "address1", "city", "state", "postal", "phone", "deactivated", "taxonomy_1",
)  # fmt: skip
_NEUROLOGY = pa.array(sorted(code.encode() for code in NEUROLOGY_CODES), pa.binary())
_EMPTY = pa.scalar(b"", pa.binary())
_PFILE_DATES = re.compile(r"npidata_pfile_(\d{8})-(\d{8})", re.IGNORECASE)
_ZIP_MONTH = re.compile(r"Dissemination_([A-Za-z]+)_(\d{4})")


@dataclass(frozen=True)
class Release:
    """The file's date, how we know it, and whether it lists everyone (monthly) or only changes (weekly)."""

    day: dt.date
    note: str
    full: bool


def release_of(name: str, zip_name: str, modified: dt.date, given: dt.date | None) -> Release:
    """Read the release from npidata_pfile_20050523-20261109.csv (full) or _20261103-20261109 (weekly)."""
    full = True
    note = common.MODIFIED
    day = modified
    if match := _PFILE_DATES.search(name):
        start, end = (dt.datetime.strptime(part, "%Y%m%d").date() for part in match.groups())
        day, note, full = end, "from the file name", start < FULL_FILE_STARTS_BEFORE
    elif match := _ZIP_MONTH.search(zip_name):
        try:
            day = dt.datetime.strptime(f"1 {match.group(1)} {match.group(2)}", "%d %B %Y").date()
            note = "from the zip file's name"
        except ValueError:
            pass
    if given:
        day, note = given, "as given with --source-date"
    return Release(day, note, full)


def _date_key(dates: pa.Array) -> pa.Array:
    """MM/DD/YYYY as YYYYMMDD bytes, which sort like the dates."""
    return pc.binary_join_element_wise(
        pc.binary_slice(dates, 6, 10), pc.binary_slice(dates, 0, 2), pc.binary_slice(dates, 3, 5), b""
    )


def classify(batch: pa.RecordBatch, columns: dict[str, str]) -> dict[str, pa.Array]:
    """Boolean masks for one block: deactivated, organization, no neurology code, and kept."""
    deactivation = batch.column(columns["deactivated"])
    deactivated = pc.not_equal(deactivation, _EMPTY)
    if "reactivated" in columns:
        reactivation = batch.column(columns["reactivated"])
        back = pc.and_(
            pc.not_equal(reactivation, _EMPTY), pc.greater_equal(_date_key(reactivation), _date_key(deactivation))
        )
        deactivated = pc.and_(deactivated, pc.invert(back))
    active = pc.invert(deactivated)
    individual = pc.equal(batch.column(columns["entity"]), pa.scalar(b"1", pa.binary()))
    neurology = None
    for slot in range(1, TAXONOMY_SLOTS + 1):
        if f"taxonomy_{slot}" in columns:
            found = pc.is_in(batch.column(columns[f"taxonomy_{slot}"]), value_set=_NEUROLOGY)
            neurology = found if neurology is None else pc.or_(neurology, found)
    person = pc.and_(active, individual)
    return {
        common.DEACTIVATED: deactivated,
        common.NOT_INDIVIDUAL: pc.and_(active, pc.invert(individual)),
        common.NO_NEUROLOGY: pc.and_(person, pc.invert(neurology)),
        "kept": pc.and_(person, neurology),
    }


def _candidates(text: dict[str, pd.Series]) -> pd.DataFrame:
    """The kept rows as text, with their subspecialties worked out from the taxonomy slots."""
    table = common.candidates_table(text)
    table["id"] = table["npi"]
    codes = pd.DataFrame({key: value for key, value in text.items() if key.startswith("taxonomy_")})
    table["subspecialties"] = [subspecialties_from_nucc(row) for row in codes.itertuples(index=False)]
    return table


def import_nppes(
    path: Path,
    states: Collection[str] = (),
    watch: Collection[str] = (),
    source_date: dt.date | None = None,
    on_progress: Progress | None = None,
) -> common.Imported:
    """Read an npidata file (or the .zip it came in) and return the neurologists in our columns.

    `watch` names NPIs (from the list being refreshed) whose reason for being left out is reported.
    Raises RegistryFileError when the file cannot be used.
    """
    started = time.monotonic()
    stream, columns, source, damaged = common.stream_file(
        path, MEMBER_PATTERN, FIELDS, REQUIRED, "an NPPES npidata file", classify, watch, on_progress
    )
    release = release_of(source.name, path.name, source.modified, source_date)
    candidates = _candidates(stream.kept_text(columns))
    repeated = candidates["npi"].duplicated(keep="last")
    if repeated.any():
        stream.left_out[common.REPEATED] += int(repeated.sum())
    summary = common.ImportSummary(NPPES_SOURCE, source.name, release.day, release.note)
    if not release.full:
        summary.notes.append("This is a weekly update: it lists only the NPIs that changed that week.")
    return common.finish(
        stream, candidates[~repeated].reset_index(drop=True), summary, damaged, frozenset(states), release.full, started
    )
