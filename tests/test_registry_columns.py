"""The columns the imports add (npi, gender, source, source_date), wherever the app reads them."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from finder.conditions import ConditionLibrary
from finder.csv_io import load_specialists
from finder.mapping import build_map, marker_table
from finder.provenance import describe_sources
from finder.search import SearchCriteria, offers_gender, search
from finder.search_request import SearchRequest, from_query_params
from tests.helpers_csv import VALID_ROW, csv_bytes
from tests.registry_fixtures import npi
from tests.test_mapping import CENTRE, page_table

COLUMNS = [*VALID_ROW, "npi", "gender", "source", "source_date"]


def load(rows: list[dict[str, str]]) -> tuple[pd.DataFrame, list[str]]:
    report = load_specialists(csv_bytes(rows, columns=COLUMNS))
    return report.specialists, [str(problem) for problem in report.problems]


def row(number: int, **cells: str) -> dict[str, str]:
    return {**VALID_ROW, "id": f"NF-{number}", "name": f"Ana Ruiz {number}", **cells}


@pytest.mark.parametrize(
    ("cell", "kept"),
    [
        (npi(1), npi(1)),
        (f"{npi(1)}.0", npi(1)),  # a spreadsheet that stored it as a number
        ("1234567890", ""),  # wrong check digit
        ("123456789", ""),
        ("１２３４５６７８９３", ""),  # full-width digits look right but are not an NPI
        ("=HYPERLINK(1)", ""),
        ("", ""),
    ],
)
def test_an_npi_is_checked_and_a_bad_one_only_loses_its_link(cell: str, kept: str) -> None:
    table, problems = load([row(1, npi=cell)])
    assert len(table) == 1  # a bad NPI never hides the specialist
    assert table["npi"].tolist() == [kept]
    assert bool([p for p in problems if "npi" in p]) == (cell != "" and kept == "")


@pytest.mark.parametrize(
    ("cell", "kept", "warned"),
    [("F", "female", False), ("male", "male", False), ("Female ", "female", False), ("X", "", True), ("", "", False)],
)
def test_gender_is_female_male_or_unknown(cell: str, kept: str, warned: bool) -> None:
    table, problems = load([row(1, gender=cell)])
    assert table["gender"].tolist() == [kept]
    assert any("gender" in p for p in problems) == warned


def test_a_source_date_that_is_not_a_date_is_reported() -> None:
    _, problems = load([row(1, source="NPI Registry", source_date="Nov 2026")])
    assert any("source_date" in p and "YYYY-MM-DD" in p for p in problems)


def test_the_gender_filter_keeps_only_the_chosen_gender() -> None:
    table, _ = load([row(1, gender="F"), row(2, gender="M"), row(3)])
    assert offers_gender(table)
    found = search(table, SearchCriteria(*CENTRE, gender="female")).matches
    assert found["id"].tolist() == ["NF-1"]
    assert len(search(table, SearchCriteria(*CENTRE)).matches) == 3


def test_a_list_without_genders_offers_no_gender_filter() -> None:
    table, _ = load([row(1)])
    assert not offers_gender(table)


def test_the_gender_choice_travels_in_the_link(library: ConditionLibrary) -> None:
    request = SearchRequest(location="60614", gender="male")
    assert from_query_params(request.to_query_params(), library) == (request, [])
    odd, notes = from_query_params({"location": "60614", "gender": "<b>robot</b>"}, library)
    assert odd.gender == "" and "searched for any" in notes[0]


@pytest.mark.parametrize(
    ("sources", "dates", "expected"),
    [
        (["NPI Registry"] * 3, ["2026-11-09"] * 3, "NPI Registry, file of November 2026"),
        (["NPI Registry", "NPI Registry"], ["2026-10-12", "2026-11-09"], "NPI Registry, file of November 2026"),
        (
            ["NPI Registry", "NPI Registry", "", "CMS Doctors and Clinicians"],
            ["2026-11-09", "2026-11-09", "", "2026-10-01"],
            "NPI Registry, file of November 2026; 1 added by the clinic; CMS Doctors and Clinicians, file of "
            "October 2026",
        ),
        (["", ""], ["", ""], ""),
        (["Our own survey"], ["not a date"], "Our own survey"),
    ],
)
def test_the_list_says_where_it_comes_from(sources: list[str], dates: list[str], expected: str) -> None:
    assert describe_sources(pd.DataFrame({"source": sources, "source_date": dates})) == expected


def test_a_list_without_a_source_column_names_none() -> None:
    assert describe_sources(pd.DataFrame({"name": ["Ana"]})) == ""


def test_each_map_popup_can_link_to_the_npi_registry() -> None:
    table, _ = load([row(1, npi=npi(1)), row(2, npi="1234567890"), row(3)])
    found = search(table, SearchCriteria(*CENTRE)).matches
    markers = marker_table(found, CENTRE)
    assert markers["npi"] == [int(npi(1))]  # only the valid NPI travels, with its row
    assert found["npi"].iloc[markers["npi_rows"][0]] == npi(1)
    assert markers["registry"] == "https://npiregistry.cms.hhs.gov/provider-view/"
    page = build_map(search(table, SearchCriteria(*CENTRE)).matches, CENTRE, 25).get_root().render()
    assert page_table(page)["npi"] == markers["npi"]
    assert re.search(r'link\(\s*"NPI Registry",\s*table\.registry \+ registered', page)
