"""The checks' shortcuts give the same answers as the general rules they stand in for, on any text.

Each shortcut handles the common case a faster way (a phone already shown right, a web address in
plain ASCII, a column's distinct cells instead of all of them); these properties pin that the
answers do not drift from the general rule, whatever staff type.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from finder import validation

FUZZ = settings(max_examples=200, deadline=None)
DIGITS = st.sampled_from(["0", "1", "5", "9", "٣", "３"])  # ASCII, Arabic-Indic and full-width digits
PHONE_PIECES = st.one_of(DIGITS, st.sampled_from(["(", ")", " ", "-", ".", "+", "x", "ext", "#", "\n", "\xa0", "a"]))
PHONE = st.one_of(
    st.lists(PHONE_PIECES, max_size=20).map("".join),
    st.tuples(*[st.text("0123456789", min_size=n, max_size=n) for n in (3, 3, 4)]).map(
        lambda parts: "({}) {}-{}".format(*parts)
    ),
)
ODD = st.sampled_from(["a", "a", "a", "a", "a", "é", " ", "\xa0", "\x0b", "\x1c", "\n", "K", "/", "?", "#", "."])
#: Mostly shaped like web addresses (scheme in any case, host, dot, path), with odd characters anywhere.
URL = st.one_of(
    st.tuples(
        st.sampled_from(["http", "https", "HTTPS", "hTtP", "httpſ", "ftp", "javascript", ""]),
        st.sampled_from(["://", "://", ":/", ""]),
        st.lists(ODD, min_size=1, max_size=3).map("".join),
        st.sampled_from([".", ".", ""]),
        st.lists(ODD, min_size=1, max_size=3).map("".join),
        st.sampled_from(["", "/", "?q", "#f"]),
        st.lists(ODD, max_size=3).map("".join),
    ).map("".join),
    st.text(max_size=12),
)


def texts(values: list[str]) -> pd.Series:
    return pd.Series(values, dtype="str", index=range(10, 10 + len(values)))


@FUZZ
@given(st.lists(PHONE, max_size=12))
@example(
    ["(312) 555-0142", "(312) 555-0142 x12", "(312) 555-01425", "(٣١٢) 555-0142", "(312) 555-0142\n", "1 312 555 0142"]
)
def test_phones_already_shown_right_get_the_general_rules_answer(values: list[str]) -> None:
    phones = texts(values)

    digits, shown = validation._phones(phones)
    expected_digits, expected_shown = validation._phone_parts(phones)

    assert digits.tolist() == expected_digits.tolist()
    assert shown.tolist() == expected_shown.tolist()
    assert shown.index.equals(phones.index)


@FUZZ
@given(st.lists(URL, max_size=12))
@example(
    [
        "https://a.b",
        "HTTPS://A.B/c",
        "httpſ://a.b",
        "https://a a.b",
        "https://a.b/ c",
        "https://a.b/\xa0",
        "http://a.b\n",
    ]
)
def test_ascii_web_addresses_get_pythons_answer(values: list[str]) -> None:
    cells = texts(values)

    safe = validation._web_addresses(cells)

    assert safe.dtype == bool
    assert safe.tolist() == cells.str.match(validation._WEB_ADDRESS, case=False).tolist()


@FUZZ
@given(st.lists(st.sampled_from(["Yes", "YES", "", " no", "İ", "K", "ß", "ǅ"]), max_size=12))
def test_a_transform_of_the_distinct_cells_is_the_transform_of_the_column(values: list[str]) -> None:
    cells = texts(values)

    lowered = validation._on_distinct(cells, lambda distinct: distinct.str.lower())

    assert lowered.tolist() == cells.str.lower().tolist()
    assert lowered.index.equals(cells.index)
