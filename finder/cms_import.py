"""Neurologists from CMS's Doctors and Clinicians national file, one row per practice address.

The file (DAC_NationalDownloadableFile.csv) has a row per clinician, enrollment, group and
practice address. It adds what NPPES lacks: telehealth (`Telehlth`), the practice's name
(`Facility Name`) and secondary specialties. Rows for the same NPI at the same address
(`adrs_id`: another group or enrollment) become one row; a clinician with two addresses gets
two rows with the NPI shared, so patients near either one find them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from finder import provider_import as common
from finder import vocabulary
from finder.provenance import CMS_SOURCE
from finder.registry_files import Progress
from finder.specialty_codes import cms_specialty_names, subspecialties_from_cms

MEMBER_PATTERN = r".*\.csv"
NO_NEUROLOGY_SPECIALTY = "no neurology specialty"
SAME_ADDRESS = "the same clinician at the same practice address again (another group or enrollment; merged)"
# Releases before 2023 used short names for several columns; both are accepted.
FIELDS: dict[str, tuple[str, ...]] = {
    "npi": ("NPI",),
    "last": ("Provider Last Name", "lst_nm"),
    "first": ("Provider First Name", "frst_nm"),
    "middle": ("Provider Middle Name", "mid_nm"),
    "suffix": ("suff",),
    "sex": ("gndr",),
    "credentials": ("Cred",),
    "primary": ("pri_spec",),
    "secondary": ("sec_spec_all",),
    "telehealth": ("Telehlth",),
    "clinic": ("Facility Name", "org_nm"),
    "address1": ("adr_ln_1",),
    "address2": ("adr_ln_2",),
    "city": ("City/Town", "cty"),
    "state": ("State", "st"),
    "postal": ("ZIP Code", "zip"),
    "phone": ("Telephone Number", "phn_numbr"),
    "adrs_id": ("adrs_id",),
}
REQUIRED = ("npi", "last", "first", "primary", "address1", "city", "state", "postal", "phone")


def classify(batch: pa.RecordBatch, columns: dict[str, str]) -> dict[str, pa.Array]:
    """Rows whose primary or any secondary specialty names NEUROLOGY are kept; the rest are counted."""
    neurology = pc.match_substring(batch.column(columns["primary"]), "NEUROLOGY", ignore_case=True)
    if "secondary" in columns:
        neurology = pc.or_(
            neurology, pc.match_substring(batch.column(columns["secondary"]), "NEUROLOGY", ignore_case=True)
        )
    return {NO_NEUROLOGY_SPECIALTY: pc.invert(neurology), "kept": neurology}


def _candidates(text: dict[str, pd.Series]) -> pd.DataFrame:
    table = common.candidates_table(text, extra=("adrs_id",))
    table["telehealth"] = table["telehealth"].str.strip().str.upper().map({"Y": "yes"}).fillna("")
    secondary = text.get("secondary", table["telehealth"].map(lambda _: ""))
    table["subspecialties"] = [
        subspecialties_from_cms(cms_specialty_names(primary, others))
        for primary, others in zip(text["primary"], secondary, strict=True)
    ]
    return table


def one_row_per_address(candidates: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Rows of the same NPI and practice address merged: telehealth if any says so, every subspecialty,
    the first practice name given. Returns the merged table and how many rows were folded in."""
    if candidates.empty:
        return candidates.assign(id=pd.Series(dtype=object)), 0
    address = candidates["adrs_id"].str.strip()
    # Without an adrs_id, the street and ZIP stand in for it.
    key = address.where(address.ne(""), candidates["address1"].str.upper().str.strip() + "|" + candidates["postal"])
    groups = candidates.assign(key=key).groupby(["npi", "key"], sort=False)
    merged = groups.first()
    merged["telehealth"] = groups["telehealth"].agg(lambda values: "yes" if values.eq("yes").any() else "")
    merged["clinic"] = groups["clinic"].agg(lambda values: next((v for v in values if v.strip()), ""))
    merged["subspecialties"] = groups["subspecialties"].agg(
        lambda lists: [slug for slug in vocabulary.SLUGS if any(slug in slugs for slugs in lists)]
    )
    merged = merged.reset_index()
    number = merged.groupby("npi").cumcount() + 1
    address = merged["adrs_id"].str.strip()
    merged["id"] = merged["npi"] + "-" + address.where(address.ne(""), number.astype(str))
    return merged, len(candidates) - len(merged)


def import_cms(
    path: Path,
    states: Collection[str] = (),
    watch: Collection[str] = (),
    source_date: dt.date | None = None,
    on_progress: Progress | None = None,
) -> common.Imported:
    """Read the Doctors and Clinicians file (or a .zip holding it) and return the neurologists, one row
    per practice address. Raises RegistryFileError when the file cannot be used."""
    started = time.monotonic()
    stream, columns, source, damaged = common.stream_file(
        path, MEMBER_PATTERN, FIELDS, REQUIRED, "the CMS Doctors and Clinicians file", classify, watch, on_progress
    )
    candidates, folded = one_row_per_address(_candidates(stream.kept_text(columns)))
    if folded:
        stream.left_out[SAME_ADDRESS] += folded
    day, note = (source_date, "as given with --source-date") if source_date else (source.modified, common.MODIFIED)
    summary = common.ImportSummary(CMS_SOURCE, source.name, day, note)
    return common.finish(stream, candidates, summary, damaged, frozenset(states), True, started)
