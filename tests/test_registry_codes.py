"""NPI check digits, the NUCC/CMS specialty table and registry text tidying."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finder import npi, provider_text
from finder.specialty_codes import NUCC_CODES, cms_specialty_names, subspecialties_from_cms, subspecialties_from_nucc
from finder.vocabulary import LABELS


def luhn_valid(number: str) -> bool:
    """The textbook Luhn check, written independently of finder.npi."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def test_the_npi_cms_uses_as_its_example_is_valid() -> None:
    assert npi.is_valid("1234567893")
    assert not npi.is_valid("1234567890")


@pytest.mark.parametrize("text", ["", "123456789", "12345678933", "12345 67893", "123456789X", "１２３４５６７８９３"])
def test_anything_but_ten_plain_digits_is_not_an_npi(text: str) -> None:
    assert not npi.is_valid(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_npi_check_matches_luhn_with_the_80840_prefix(number: str) -> None:
    assert npi.is_valid(number) == luhn_valid("80840" + number)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 9), st.integers(1, 9))
def test_changing_any_one_digit_breaks_the_check(first_nine: str, position: int, change: int) -> None:
    valid = first_nine + str(npi.check_digit(first_nine))
    mistyped = valid[:position] + str((int(valid[position]) + change) % 10) + valid[position + 1 :]
    assert not npi.is_valid(mistyped)


_NPI_LIKE = st.one_of(
    st.text(alphabet="0123456789", min_size=10, max_size=10),
    st.text(alphabet="0123456789 X-١٢３\n", max_size=12),
    st.none(),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_NPI_LIKE, max_size=30))
def test_the_whole_column_check_agrees_with_checking_each_cell(cells: list[str | None]) -> None:
    column = pd.Series(cells, dtype="str", index=range(100, 100 + len(cells)))
    expected = [npi.is_valid(cell or "") for cell in cells]
    mask = npi.valid_mask(column)
    assert mask.tolist() == expected
    assert mask.index.equals(column.index)


def test_registry_link_is_the_public_provider_view() -> None:
    assert npi.registry_url("1234567893") == "https://npiregistry.cms.hhs.gov/provider-view/1234567893"


def test_every_code_maps_to_a_subspecialty_we_list() -> None:
    assert all(code.slug in LABELS for code in NUCC_CODES)
    assert len({code.code for code in NUCC_CODES}) == len(NUCC_CODES) == 11


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["2084N0400X"], ["general-neurology"]),
        (["2084N0402X"], ["child-neurology"]),
        (["2084S0012X"], []),  # sleep medicine alone: held by internists and psychiatrists too
        (["2084H0002X", "2084P2900X"], []),
        (["2084P0800X"], []),  # psychiatry is never neurology
        (["2084P0800X", "2084S0012X"], []),
        (["2084S0012X", "2084N0400X", "2084P2900X"], ["general-neurology", "sleep-medicine", "pain-medicine"]),
        (["2084A2900X", "2084H0002X"], ["neurocritical-care", "palliative-care"]),
        (["2084E0001X", "2084N0600X", "2084N0008X", "2084V0102X", "2084B0040X"], [
            "epilepsy", "clinical-neurophysiology", "neuromuscular", "vascular-neurology", "behavioral-neurology",
        ]),
        (["207R00000X", "", "2084N0400X", "2084N0400X"], ["general-neurology"]),
    ],
)  # fmt: skip
def test_nucc_codes_give_our_subspecialties(codes: list[str], expected: list[str]) -> None:
    assert subspecialties_from_nucc(codes) == expected


@pytest.mark.parametrize(
    ("primary", "secondary", "expected"),
    [
        ("NEUROLOGY", "", ["general-neurology"]),
        ("INTERNAL MEDICINE", "SLEEP MEDICINE, NEUROLOGY", ["general-neurology", "sleep-medicine"]),
        ("PSYCHIATRY", "SLEEP MEDICINE", []),
        ("NEUROPSYCHIATRY", "", []),
        ("NEUROSURGERY", "", []),
        (
            "neurology",
            "hospice/palliative care|pain management",
            ["general-neurology", "pain-medicine", "palliative-care"],
        ),
        ("PEDIATRIC NEUROLOGY", "", ["child-neurology"]),
    ],
)
def test_cms_specialty_names_give_our_subspecialties(primary: str, secondary: str, expected: list[str]) -> None:
    assert subspecialties_from_cms(cms_specialty_names(primary, secondary)) == expected


def column(*values: str) -> pd.Series:
    return pd.Series(values, dtype=object)


def test_names_are_written_the_way_people_write_them() -> None:
    names = provider_text.full_names(
        column("LEONARD", "ANNE-MARIE", "SEAN", "Ana", "MARIA"),
        column("QUINCY", "", "", "", ""),
        column("MCCOY", "VAN HOUTEN-SAUTER", "O'BRIEN", "de la Vega", "MACDONALD"),
        column("III", "", "JR.", "", ""),
    )
    assert names.tolist() == [
        "Leonard Q. McCoy III",
        "Anne-Marie Van Houten-Sauter",
        "Sean O'Brien Jr.",
        "Ana de la Vega",  # already in mixed case: left as its owner wrote it
        "Maria MacDonald",
    ]


def test_credentials_are_tidied() -> None:
    assert provider_text.credentials(
        column("M.D.", "M.D., PH.D.", "MD PHD", "M. D.", "D.O.,F.A.A.N.", "MBBS; MRCP", "", "M.D.,M.D.")
    ).tolist() == ["MD", "MD, PhD", "MD, PhD", "MD", "DO, FAAN", "MBBS, MRCP", "", "MD"]


def test_phones_and_zips_are_formatted() -> None:
    assert provider_text.phones(column("3125550142", "13125550142", "555-0142", "")).tolist() == [
        "(312) 555-0142", "(312) 555-0142", "", "",
    ]  # fmt: skip
    assert provider_text.zip5(column("606112991", "60611", "60611-2991", "6061", "ABCDE")).tolist() == [
        "60611", "60611", "60611", "", "",
    ]  # fmt: skip


def test_places_come_out_of_capitals() -> None:
    assert provider_text.places(
        column("675 N SAINT CLAIR ST", "1ST AVE NE", "PO BOX 12", "ST. LOUIS", "Main St", "ACME NEUROLOGY LLC")
    ).tolist() == ["675 N Saint Clair St", "1st Ave NE", "PO Box 12", "St. Louis", "Main St", "Acme Neurology LLC"]
