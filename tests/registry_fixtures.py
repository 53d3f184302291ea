"""Build NPPES and CMS files for tests from the published header rows in tests/data/.

Written with the csv module (every value quoted, like the real files), not with the code under
test. A row is given as {column name: value}; every other column is blank.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from finder.npi import check_digit

DATA = Path(__file__).resolve().parent / "data"
NPPES_HEADER: list[str] = next(csv.reader((DATA / "nppes-header.csv").open(encoding="utf-8")))
CMS_HEADER: list[str] = next(csv.reader((DATA / "cms-dac-header.csv").open(encoding="utf-8")))
#: The name a monthly full file has (its dates start when the registry opened).
MONTHLY_NAME = "npidata_pfile_20050523-20261109.csv"
WEEKLY_NAME = "npidata_pfile_20261103-20261109.csv"


def npi(number: int) -> str:
    """A valid NPI (right check digit) built from a small number."""
    first_nine = f"1{number:08d}"
    return first_nine + str(check_digit(first_nine))


def practice(
    street: str = "675 N SAINT CLAIR ST",
    city: str = "CHICAGO",
    state: str = "IL",
    postal: str = "606112991",
    phone: str = "3126952000",
    suite: str = "",
    country: str = "US",
) -> dict[str, str]:
    """A practice location (and a different mailing address, which the import must not use)."""
    return {
        "Provider First Line Business Practice Location Address": street,
        "Provider Second Line Business Practice Location Address": suite,
        "Provider Business Practice Location Address City Name": city,
        "Provider Business Practice Location Address State Name": state,
        "Provider Business Practice Location Address Postal Code": postal,
        "Provider Business Practice Location Address Country Code (If outside U.S.)": country,
        "Provider Business Practice Location Address Telephone Number": phone,
        "Provider First Line Business Mailing Address": "PO BOX 1",
        "Provider Business Mailing Address City Name": "SPRINGFIELD",
        "Provider Business Mailing Address State Name": "MO",
        "Provider Business Mailing Address Postal Code": "65801",
        "Provider Business Mailing Address Telephone Number": "4175550000",
    }


def taxonomies(*codes: str) -> dict[str, str]:
    """Codes in slots 1, 2, …; the first is marked primary."""
    cells: dict[str, str] = {}
    for slot, code in enumerate(codes, start=1):
        cells[f"Healthcare Provider Taxonomy Code_{slot}"] = code
        cells[f"Provider License Number_{slot}"] = f"036{slot:06d}"
        cells[f"Provider License Number State Code_{slot}"] = "IL"
        cells[f"Healthcare Provider Primary Taxonomy Switch_{slot}"] = "Y" if slot == 1 else "N"
    return cells


def person(
    number: int,
    last: str = "MCCOY",
    first: str = "LEONARD",
    codes: Sequence[str] = ("2084N0400X",),
    sex: str = "M",
    **cells: str,
) -> dict[str, str]:
    """An active individual provider (entity type 1) with the given taxonomy codes."""
    return {
        "NPI": npi(number),
        "Entity Type Code": "1",
        "Provider Last Name (Legal Name)": last,
        "Provider First Name": first,
        "Provider Credential Text": "M.D.",
        "Provider Sex Code": sex,
        "Provider Enumeration Date": "05/23/2005",
        "Last Update Date": "07/08/2021",
        **practice(),
        **taxonomies(*codes),
        **cells,
    }


def organization(number: int, codes: Sequence[str] = ("2084N0400X",)) -> dict[str, str]:
    return {
        "NPI": npi(number),
        "Entity Type Code": "2",
        "Provider Organization Name (Legal Business Name)": "LAKESHORE NEUROLOGY LLC",
        **practice(),
        **taxonomies(*codes),
    }


def deactivated(number: int) -> dict[str, str]:
    """How NPPES publishes a deactivated NPI: no entity type, almost every field blank."""
    return {"NPI": npi(number), "NPI Deactivation Date": "05/01/2019"}


def csv_text(rows: Sequence[Mapping[str, str]], header: Sequence[str]) -> str:
    unknown = {name for row in rows for name in row} - set(header)
    assert not unknown, f"not in the header: {unknown}"
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(header), quoting=csv.QUOTE_ALL, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue()


def write_nppes(
    folder: Path, rows: Sequence[Mapping[str, str]], name: str = MONTHLY_NAME, header: Sequence[str] = NPPES_HEADER
) -> Path:
    path = folder / name
    path.write_text(csv_text(rows, header), encoding="utf-8")
    return path


def zip_of(csv_path: Path, zip_name: str, extra_members: Mapping[str, str] | None = None) -> Path:
    """The CSV inside a zip archive, as NPPES publishes it (with a header-only file beside it)."""
    archive = csv_path.parent / zip_name
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, text in (extra_members or {}).items():
            out.writestr(name, text)
        out.write(csv_path, csv_path.name)
    return archive


def cms_row(number: int, adrs_id: str, **cells: str) -> dict[str, str]:
    """One CMS row: a clinician at one practice address."""
    return {
        "NPI": npi(number),
        "Ind_PAC_ID": f"{number:010d}",
        "Ind_enrl_ID": f"I2020{number:010d}",
        "Provider Last Name": "OKAFOR",
        "Provider First Name": "CHIDI",
        "gndr": "M",
        "Cred": "MD",
        "pri_spec": "NEUROLOGY",
        "sec_spec_all": "",
        "Telehlth": "",
        "Facility Name": "LAKESHORE NEUROLOGY LLC",
        "adr_ln_1": "233 S WACKER DR",
        "City/Town": "CHICAGO",
        "State": "IL",
        "ZIP Code": "606061234",
        "Telephone Number": "3125550142",
        "adrs_id": adrs_id,
        **cells,
    }
