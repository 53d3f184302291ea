"""A monthly refresh keeps what staff entered and lists who disappeared (finder.merge_import)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from finder import provider_import as common
from finder.csv_io import read_table
from finder.merge_import import ADDRESS_GONE, NOT_IN_FULL_FILE, merge
from finder.nppes_import import import_nppes
from finder.registry_refresh import refresh
from tests.helpers_csv import VALID_ROW, csv_bytes
from tests.registry_fixtures import WEEKLY_NAME, deactivated, npi, person, practice, write_nppes

COLUMNS = [*VALID_ROW, "npi", "gender", "source", "source_date", "notes"]


def existing_row(number: int, **cells: str) -> dict[str, str]:
    """A row of the current list for the NPI built from `number`, as an earlier import and staff left it."""
    return {
        **VALID_ROW,
        "id": npi(number),
        "name": f"Old Name {number}",
        "subspecialties": "General neurology; Movement disorders; Sleep medicine",
        "npi": npi(number),
        "source": "NPI Registry",
        "source_date": "2026-10-12",
        "accepting_new_patients": "yes",
        "languages": "English; Polish",
        "website": f"https://clinic.example.org/{number}",
        "notes": f"staff note {number}",
        **cells,
    }


def current_list(rows: list[dict[str, str]]) -> pd.DataFrame:
    table, problems = read_table(csv_bytes(rows, columns=COLUMNS))
    assert table is not None, problems
    return table


@pytest.fixture()
def monthly(tmp_path: Path) -> Path:
    return write_nppes(
        tmp_path,
        [
            person(1),  # still here, now without sleep medicine
            person(2, **practice(street="233 S WACKER DR", postal="60606")),  # moved within Chicago
            deactivated(3),
            person(4, codes=["2084P0800X"]),  # no longer a neurologist
            person(6),  # new
        ],
    )


def rows_by_id(table: pd.DataFrame) -> dict[str, dict[str, str]]:
    return {row["id"]: row.to_dict() for _, row in table.iterrows()}


def test_staff_columns_survive_a_refresh(monthly: Path) -> None:
    existing = current_list([existing_row(1), existing_row(2)])
    result = merge(import_nppes(monthly, watch=existing["npi"]), existing)
    first = rows_by_id(result.table)[npi(1)]
    assert first["name"] == "Leonard McCoy"  # the registry's fields are refreshed
    assert (first["accepting_new_patients"], first["languages"], first["website"], first["notes"]) == (
        "yes", "English; Polish", "https://clinic.example.org/1", "staff note 1",
    )  # fmt: skip
    # Movement disorders has no registry code, so staff's word stands; sleep medicine is the registry's to say.
    assert first["subspecialties"] == "General neurology; Movement disorders"
    assert first["clinic"] == "Loop Neurology"  # NPPES has no practice name: staff's is kept
    assert first["source_date"] == "2026-11-09"
    assert result.matched == 2 and result.added == 1


def test_staff_coordinates_stay_while_the_address_does(monthly: Path) -> None:
    same = existing_row(1, address="675 N Saint Clair St", zip="60611", latitude="41.8950", longitude="-87.6230")
    moved = existing_row(2, address="1 Old Rd", zip="60611", latitude="41.0", longitude="-87.0")
    result = rows_by_id(merge(import_nppes(monthly), current_list([same, moved])).table)
    assert (result[npi(1)]["latitude"], result[npi(1)]["longitude"]) == ("41.8950", "-87.6230")
    assert float(result[npi(2)]["latitude"]) == pytest.approx(41.88, abs=0.02)  # moved: the new ZIP's centre


def test_specialists_who_disappeared_are_listed_and_taken_out(monthly: Path) -> None:
    existing = current_list([existing_row(n) for n in (1, 2, 3, 4, 5)])
    result = merge(import_nppes(monthly, watch=existing["npi"]), existing)
    assert sorted(rows_by_id(result.table)) == sorted(npi(n) for n in (1, 2, 6))
    removed = "\n".join(result.removed)
    assert f"NPI {npi(3)}" in removed and common.DEACTIVATED in removed
    assert f"NPI {npi(4)}" in removed and common.NO_NEUROLOGY in removed
    assert f"NPI {npi(5)}" in removed and NOT_IN_FULL_FILE in removed
    assert len(result.removed) == 3
    lines = "\n".join(result.lines("specialists.csv"))
    assert "3 taken out" in lines and "Old Name 5" in lines


def test_rows_staff_entered_themselves_are_kept(monthly: Path) -> None:
    own = {**VALID_ROW, "id": "NF-7", "name": "Dr Without Npi"}
    elsewhere = existing_row(4, id="NF-8", source="")  # typed by staff, NPI given, now a psychiatrist there
    result = merge(import_nppes(monthly, watch=[npi(4)]), current_list([own, elsewhere]))
    kept = rows_by_id(result.table)
    assert kept["NF-7"]["name"] == "Dr Without Npi" and kept["NF-8"]["name"] == "Old Name 4"
    assert result.kept_as_entered == 2
    assert any("NF-8" in line and common.NO_NEUROLOGY in line for line in result.check)


def test_a_row_matched_by_npi_keeps_its_id(monthly: Path) -> None:
    existing = current_list([existing_row(1, id="NF-1", source="")])
    kept = rows_by_id(merge(import_nppes(monthly), existing).table)
    assert kept["NF-1"]["name"] == "Leonard McCoy" and npi(1) not in kept


def test_a_weekly_update_only_speaks_for_the_npis_it_lists(tmp_path: Path) -> None:
    weekly = write_nppes(tmp_path, [person(1), deactivated(3)], name=WEEKLY_NAME)
    existing = current_list([existing_row(n) for n in (1, 2, 3)])
    result = merge(import_nppes(weekly, watch=existing["npi"]), existing)
    kept = rows_by_id(result.table)
    assert sorted(kept) == [npi(1), npi(2)]
    assert kept[npi(2)]["source_date"] == "2026-10-12"  # not in this week's file: unchanged
    assert [common.DEACTIVATED in line for line in result.removed] == [True]


def test_an_address_no_longer_listed_for_a_cms_clinician_is_listed(monthly: Path) -> None:
    second_office = existing_row(1, id=f"{npi(1)}-OLD", address="1 Gone Rd")
    result = merge(import_nppes(monthly), current_list([existing_row(1), second_office]))
    assert [ADDRESS_GONE in line for line in result.removed] == [True]


def test_refresh_writes_a_file_the_app_accepts(monthly: Path, tmp_path: Path) -> None:
    current = tmp_path / "specialists.csv"
    current.write_bytes(csv_bytes([existing_row(1), existing_row(5)], columns=COLUMNS))
    done = refresh("nppes", monthly, merge_with=current)
    table, problems = read_table(done.csv_bytes)
    assert table is not None and not problems
    assert "notes" in table.columns  # staff's own column survives
    assert any("Taken out" in line for line in done.lines)
