"""The NPPES and CMS imports, on files built from the published headers (tests/registry_fixtures.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from finder import provider_import as common
from finder.cms_import import import_cms
from finder.nppes_import import import_nppes
from finder.registry_files import RegistryFileError
from tests.registry_fixtures import (
    CMS_HEADER,
    NPPES_HEADER,
    WEEKLY_NAME,
    cms_row,
    csv_text,
    deactivated,
    npi,
    organization,
    person,
    practice,
    taxonomies,
    write_nppes,
    zip_of,
)


def by_npi(rows: pd.DataFrame) -> dict[str, dict[str, object]]:
    return {row["npi"]: row.to_dict() for _, row in rows.iterrows()}


@pytest.fixture()
def national(tmp_path: Path) -> Path:
    """One of each kind of row the monthly file holds."""
    rows = [
        person(1, sex="F"),  # a general neurologist, 9-digit ZIP
        person(2, codes=[*["207R00000X"] * 14, "2084V0102X"]),  # the neurology code in the 15th slot
        organization(3),  # a neurology group: not a person
        deactivated(4),
        person(5, codes=["2084S0012X"]),  # sleep medicine alone: an internist or psychiatrist
        person(6, codes=["2084P0800X"]),  # psychiatry
        person(7, codes=["2084P0800X", "2084S0012X", "2084P2900X"]),  # a psychiatrist with sleep and pain
        person(8, **{"NPI Deactivation Date": "01/15/2019", "NPI Reactivation Date": "02/01/2020"}),  # back
        person(9, **{"NPI Deactivation Date": "03/01/2021", "NPI Reactivation Date": "02/01/2020"}),  # gone again
        person(10, **practice(postal="99999")),  # a ZIP code that does not exist
        person(11, codes=["2084N0402X", "2084S0012X"], **practice(city="MADISON", state="WI", postal="53703")),
        person(12, last="VAN HOUTEN-SAUTER", first="ANNE-MARIE", **practice(state="NY", postal="10001", suite="STE 4")),
        person(13, last="O'BRIEN", **{"Provider Credential Text": "M.D., PH.D."}),
        person(14, **practice(phone="")),  # no phone
        person(15, **practice(city="TORONTO", state="ON", postal="M5V3L9", country="CA")),
    ]
    return write_nppes(tmp_path, rows)


def test_monthly_file_keeps_active_individual_neurologists_only(national: Path) -> None:
    result = import_nppes(national)
    kept = by_npi(result.rows)
    assert sorted(kept) == sorted(npi(n) for n in (1, 2, 8, 11, 12, 13))
    summary = result.summary
    assert summary.rows_read == 15
    assert summary.left_out == {
        common.NO_NEUROLOGY: 3,
        common.DEACTIVATED: 2,
        common.NOT_INDIVIDUAL: 1,
        common.UNKNOWN_ZIP: 1,
        common.NO_PHONE: 1,
        common.OUTSIDE_US: 1,
    }
    assert sum(summary.left_out.values()) + summary.kept == summary.rows_read  # nothing unaccounted for
    assert summary.by_state == {"IL": 4, "WI": 1, "NY": 1}
    assert result.full_file


def test_rows_that_need_a_look_are_listed_with_their_npi(national: Path) -> None:
    looks = import_nppes(national).summary.to_look_at
    assert any(npi(10) in line and "99999" in line for line in looks)
    assert any(npi(14) in line and "phone" in line for line in looks)
    assert len(looks) == 2


def test_subspecialties_follow_the_nucc_table(national: Path) -> None:
    kept = by_npi(import_nppes(national).rows)
    assert kept[npi(1)]["subspecialties"] == "General neurology"
    assert kept[npi(2)]["subspecialties"] == "Vascular neurology (stroke)"
    assert kept[npi(11)]["subspecialties"] == "Child neurology; Sleep medicine"


def test_people_and_places_are_written_as_people_write_them(national: Path) -> None:
    kept = by_npi(import_nppes(national).rows)
    first = kept[npi(1)]
    assert first["name"] == "Leonard McCoy"
    assert first["credentials"] == "MD"
    assert first["address"] == "675 N Saint Clair St"  # the practice location, not the mailing address
    assert (first["city"], first["state"], first["zip"]) == ("Chicago", "IL", "60611")
    assert first["phone"] == "(312) 695-2000"
    assert first["gender"] == "female"
    assert (first["source"], first["source_date"]) == ("NPI Registry", "2026-11-09")
    assert (first["latitude"], first["longitude"]) == ("41.8971", "-87.6223")  # the ZIP's centre, offline
    assert kept[npi(12)]["name"] == "Anne-Marie Van Houten-Sauter"
    assert kept[npi(12)]["address"] == "675 N Saint Clair St, Ste 4"
    assert kept[npi(12)]["zip"] == "10001"  # a 5-digit ZIP stays as it is
    assert kept[npi(13)]["name"] == "Leonard O'Brien"
    assert kept[npi(13)]["credentials"] == "MD, PhD"


def test_states_option_limits_the_output(national: Path) -> None:
    result = import_nppes(national, states={"WI", "NY"})
    assert sorted(result.rows["state"]) == ["NY", "WI"]
    assert result.summary.left_out[common.OTHER_STATE] == 6  # the four kept in IL, and two with problems there
    assert result.summary.to_look_at == []  # other states' problems are not this list's to fix


def test_older_files_name_the_sex_column_gender(tmp_path: Path) -> None:
    header = ["Provider Gender Code" if name == "Provider Sex Code" else name for name in NPPES_HEADER]
    rows = [{**{k: v for k, v in person(1).items() if k != "Provider Sex Code"}, "Provider Gender Code": "F"}]
    result = import_nppes(write_nppes(tmp_path, rows, header=header))
    assert result.rows["gender"].tolist() == ["female"]


def test_the_zip_download_is_read_without_extracting(tmp_path: Path, national: Path) -> None:
    archive = zip_of(
        national,
        "NPPES_Data_Dissemination_November_2026.zip",
        {
            "npidata_pfile_20050523-20261109_fileheader.csv": ",".join(f'"{n}"' for n in NPPES_HEADER) + "\n",
            "othername_pfile_20050523-20261109.csv": '"NPI","Provider Other Organization Name"\n',
        },
    )
    national.unlink()
    result = import_nppes(archive)
    assert len(result.rows) == 6
    assert result.summary.file_name == "npidata_pfile_20050523-20261109.csv"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["NPPES_Data_Dissemination_November_2026.zip"]


def test_weekly_update_is_recognized_by_its_name(tmp_path: Path) -> None:
    result = import_nppes(write_nppes(tmp_path, [person(1)], name=WEEKLY_NAME))
    assert not result.full_file
    assert result.summary.source_date == dt.date(2026, 11, 9)


def test_a_given_source_date_wins_over_the_file_name(national: Path) -> None:
    result = import_nppes(national, source_date=dt.date(2026, 12, 1))
    assert set(result.rows["source_date"]) == {"2026-12-01"}


def test_damaged_rows_are_counted_and_described_not_lost(tmp_path: Path) -> None:
    path = write_nppes(tmp_path, [person(1), person(2)])
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines[:2], '"123","1","CUT SHORT"', lines[2]]) + "\n")
    result = import_nppes(path)
    assert len(result.rows) == 2
    assert result.summary.left_out[common.DAMAGED] == 1
    assert result.summary.rows_read == 3
    assert "CUT SHORT" in result.summary.damaged_examples[0]
    assert result.summary.needs_a_look


def test_a_name_that_is_not_utf8_does_not_stop_the_import(tmp_path: Path) -> None:
    path = write_nppes(tmp_path, [person(1, last="PEÑA")])
    path.write_bytes(path.read_bytes().replace("PEÑA".encode(), "PEÑA".encode("cp1252")))
    assert import_nppes(path).rows["name"].tolist() == ["Leonard Peña"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b'"id","name"\n"1","Ana"\n', "does not look like an NPPES npidata file"),
        (b"PK\x03\x04 not really a zip", "damaged"),
    ],
)
def test_files_that_cannot_be_imported_say_why(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "npidata_pfile_20050523-20261109.csv"
    path.write_bytes(content)
    with pytest.raises(RegistryFileError, match=expected):
        import_nppes(path)


def test_a_zip_without_the_npidata_file_says_what_it_holds(tmp_path: Path) -> None:
    other = tmp_path / "endpoint_pfile_20050523-20261109.csv"
    other.write_text('"NPI"\n')
    with pytest.raises(RegistryFileError, match="endpoint_pfile"):
        import_nppes(zip_of(other, "download.zip"))


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(RegistryFileError, match="no file at"):
        import_nppes(tmp_path / "nothing.csv")


def test_watched_npis_left_out_come_back_with_their_reason(national: Path) -> None:
    watched = {npi(n) for n in (1, 4, 6, 10, 99)}
    reasons = import_nppes(national, watch=watched).left_out_npis
    assert reasons[npi(4)] == common.DEACTIVATED
    assert reasons[npi(6)] == common.NO_NEUROLOGY
    assert reasons[npi(10)] == common.UNKNOWN_ZIP
    assert npi(1) not in reasons and npi(99) not in reasons


def cms_file(tmp_path: Path, rows: list[dict[str, str]], header: list[str] = CMS_HEADER) -> Path:
    path = tmp_path / "DAC_NationalDownloadableFile.csv"
    path.write_text(csv_text(rows, header), encoding="utf-8")
    return path


def test_cms_gives_one_row_per_practice_address_with_the_npi_shared(tmp_path: Path) -> None:
    wisconsin = {"adr_ln_1": "1 E MAIN ST", "City/Town": "MADISON", "State": "WI", "ZIP Code": "53703"}
    rows = [
        cms_row(1, "IL60606A", Telehlth="Y"),
        cms_row(1, "IL60606A", org_pac_id="999"),  # the same address again, through another group
        cms_row(1, "WI53703B", **wisconsin, sec_spec_all="SLEEP MEDICINE"),
        cms_row(2, "IL60606A", pri_spec="PSYCHIATRY", sec_spec_all="SLEEP MEDICINE"),
        cms_row(3, "IL60606C", pri_spec="INTERNAL MEDICINE", sec_spec_all="NEUROLOGY, INTERVENTIONAL PAIN MANAGEMENT"),
    ]
    result = import_cms(cms_file(tmp_path, rows), source_date=dt.date(2026, 11, 1))
    rows_out = result.rows.set_index("id")
    assert sorted(rows_out.index) == [f"{npi(1)}-IL60606A", f"{npi(1)}-WI53703B", f"{npi(3)}-IL60606C"]
    chicago, madison = rows_out.loc[f"{npi(1)}-IL60606A"], rows_out.loc[f"{npi(1)}-WI53703B"]
    assert chicago["npi"] == madison["npi"] == npi(1)
    assert chicago["telehealth"] == "yes" and madison["telehealth"] == ""
    assert chicago["clinic"] == "Lakeshore Neurology LLC"
    assert madison["subspecialties"] == "General neurology; Sleep medicine"
    assert rows_out.loc[f"{npi(3)}-IL60606C", "subspecialties"] == "General neurology; Pain medicine"
    assert result.summary.left_out == {
        "no neurology specialty": 1,
        "the same clinician at the same practice address again (another group or enrollment; merged)": 1,
    }
    assert (result.summary.kept, result.summary.people) == (3, 2)
    assert "Kept 3 rows: 2 neurologists, some at more than one practice address." in result.summary.lines()


def test_cms_files_before_2023_use_short_column_names(tmp_path: Path) -> None:
    renamed = {
        "Provider Last Name": "lst_nm", "Provider First Name": "frst_nm", "City/Town": "cty", "State": "st",
        "ZIP Code": "zip", "Telephone Number": "phn_numbr", "Facility Name": "org_nm",
    }  # fmt: skip
    header = [renamed.get(name, name) for name in CMS_HEADER if name != "Telehlth"]
    row = {renamed.get(k, k): v for k, v in cms_row(1, "A").items() if k != "Telehlth"}
    result = import_cms(cms_file(tmp_path, [row], header=header))
    assert result.rows[["name", "city", "phone", "clinic"]].values.tolist() == [
        ["Chidi Okafor", "Chicago", "(312) 555-0142", "Lakeshore Neurology LLC"]
    ]


def test_taxonomy_cells_beyond_the_first_slot_are_read(tmp_path: Path) -> None:
    slots = {**person(1, codes=["207R00000X"]), **taxonomies(*["207R00000X"] * 7, "2084E0001X")}
    assert import_nppes(write_nppes(tmp_path, [slots])).rows["subspecialties"].tolist() == ["Epilepsy"]


def test_progress_is_reported_up_to_the_whole_file(national: Path) -> None:
    seen: list[tuple[int, int]] = []
    import_nppes(national, on_progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (national.stat().st_size, national.stat().st_size)
    assert all(done <= total for done, total in seen)
