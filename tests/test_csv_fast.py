"""The fast reader (Arrow's C parser) either declines a file or reads exactly what the careful reader reads.

"Exactly" means the same cells, row positions, column names, rows read and problems. The files are
generated with every quirk we know of: quotes in and around cells, embedded commas and line breaks,
blank and ragged rows, a byte-order mark, Windows-1252, `="..."` and apostrophe formula protection,
and all three kinds of line ending.
"""

from __future__ import annotations

import codecs
import csv
import io
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from finder import csv_fast
from finder.csv_io import CsvTable, read_csv_table
from finder.table_contract import ALL_COLUMNS

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADER = ",".join(ALL_COLUMNS[:4])
PIECES = ['"', '""', ",", "\n", "\r", "\r\n", " ", "\t", "\xa0", "\u2028", "=", "'", "'=", '="', "a", "é", "’", "🧠"]
CELL = st.lists(st.one_of(st.sampled_from(PIECES), st.characters(exclude_categories=["Cs"], exclude_characters="\x00")),
                max_size=6).map("".join)  # fmt: skip
#: Rows as a spreadsheet writes them: mostly four cells, some blank, some ragged.
ROW = st.one_of(
    st.lists(CELL, min_size=4, max_size=4),
    st.lists(st.sampled_from(["", " ", "\t"]), min_size=0, max_size=4),
    st.lists(CELL, min_size=1, max_size=6),
)


def careful(data: bytes) -> CsvTable:
    with mock.patch.object(csv_fast, "parse_plain", return_value=None):
        return read_csv_table(data)


def assert_same(data: bytes) -> bool:
    """Both readers agree on `data`; True when the fast one read it (did not decline)."""
    expected = careful(data)
    parsed: list[object] = []
    parse = csv_fast.parse_plain
    with mock.patch.object(csv_fast, "parse_plain", lambda *args: parsed.append(parse(*args)) or parsed[0]):
        got = read_csv_table(data)
    assert got.rows_read == expected.rows_read
    assert got.log.problems() == expected.log.problems()
    assert got.log.counts == expected.log.counts
    if expected.table is None:
        assert got.table is None
    else:
        assert got.table is not None
        assert got.table.columns.tolist() == expected.table.columns.tolist()
        assert got.table.index.tolist() == expected.table.index.tolist()
        assert got.table.to_numpy().tolist() == expected.table.to_numpy().tolist()
        assert got.table.dtypes.tolist() == expected.table.dtypes.tolist()
    return bool(parsed) and parsed[0] is not None


@st.composite
def written_files(draw: st.DrawFn) -> bytes:
    """Files a csv writer makes, with any quoting, line ending and encoding."""
    rows = draw(st.lists(ROW, max_size=8))
    text = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    ending = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    csv.writer(text, quoting=quoting, lineterminator=ending).writerows([ALL_COLUMNS[:4], *rows])
    body = text.getvalue() + draw(st.sampled_from(["", ending, ending * 2]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return body.encode(encoding, errors="replace")


@FUZZ
@given(written_files())
def test_written_files_read_the_same_both_ways(data: bytes) -> None:
    assert_same(data)


#: Bits of CSV text thrown together: quotes in odd places, stray line breaks, protections, a BOM mid-file.
QUIRKS = st.sampled_from(['"', '""', '","', ",", ", ", "\n", "\r", "\r\n", "\n\r", " ", "a", "b c", "='1'",
                          '="01"', "'-2", "'+", "é", "\ufeff", "\x85", "\x1c"])  # fmt: skip


@FUZZ
@given(st.lists(QUIRKS, max_size=40).map("".join), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_any_text_under_a_header_reads_the_same_both_ways(body: str, encoding: str) -> None:
    assert_same((HEADER + "\r\n" + body).encode(encoding, errors="replace"))


@FUZZ
@given(st.lists(QUIRKS, max_size=40).map("".join))
@example('\ufeff\ufeff,","\n,')  # a second byte-order mark is the first column's name, not dropped as well
def test_any_text_at_all_reads_the_same_both_ways(text: str) -> None:
    assert_same(text.encode("utf-8"))


@pytest.mark.parametrize(
    "body",
    [
        'NF-1,"Ruiz, Ana","MD, PhD",Epilepsy\r\n',  # commas inside quoted cells
        'NF-1,"Ana ""Nan"" Ruiz",MD,""\r\n',  # doubled quotes, an empty quoted cell
        '"NF-1","Ana","MD","Epilepsy"\n"NF-2","Bo","DO","Sleep medicine"\n',  # every cell quoted
        "NF-1,Ana,MD,Epilepsy\r\n,,,\r\n\r\nNF-2,Bo,DO,Sleep\r\n",  # blank rows keep later rows' numbers
        "NF-1,Ana,MD,Epilepsy\rNF-2,Bo,DO,Sleep\r",  # old Mac line ends
        "NF-1,Ana,MD,Epilepsy\r\n\r\n\r\n",  # blank lines at the end
        "NF-1,'=cmd(),'+1,'-2 Main St\r\n",  # formula protection undone
        "NF-1,\xa0,\u2028,Epilepsy\r\n \xa0,,\x1c,\r\n",  # whitespace Python strips, in a kept and a blank row
    ],
)
def test_plain_files_are_read_fast_and_the_same(body: str) -> None:
    assert assert_same((HEADER + "\r\n" + body).encode("utf-8"))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_a_byte_order_mark_or_windows_1252_is_read_fast_and_the_same(encoding: str) -> None:
    assert assert_same((HEADER + "\r\nNF-1,José Núñez,MD,Epilepsy\r\n").encode(encoding))


@pytest.mark.parametrize(
    "body",
    [
        'NF-1,"Ana\r\nRuiz",MD,Epilepsy\r\n',  # a line break inside a cell: lines and rows differ
        'NF-1,"Ana,MD,Epilepsy\r\nNF-2,Bo,DO,Sleep\r\n',  # an unclosed quote swallowing rows
        'NF-1,"Ana"x,MD,Epilepsy\r\n',  # text after a closing quote
        'NF-1,="0123",Ana,x"y\r\n',  # quotes inside an unquoted cell (Excel's way to keep a leading zero)
        'NF-1, "Ana",MD,Epilepsy\r\n',  # a space before an opening quote
        "NF-1,Ana,MD\r\nNF-2,Bo,DO,Sleep,extra\r\n",  # ragged rows
        "NF-1,Ana,MD,Epilepsy\r\n   \r\n",  # a row of one blank cell: Arrow would call it ragged
        "",  # no rows at all
        "\ufeff\r\n",  # a byte-order mark as the first cell, which Arrow would drop
    ],
)
def test_files_that_need_care_are_declined_and_read_carefully(body: str) -> None:
    assert not assert_same((HEADER + "\r\n" + body).encode("utf-8"))


def test_a_cell_too_long_for_csv_is_left_to_the_careful_reader() -> None:
    data = (HEADER + "\r\nNF-1,Ana,MD," + "x" * csv.field_size_limit() + "\r\n").encode()

    assert not assert_same(data)


def test_columns_without_names_and_named_twice_are_reported_the_same() -> None:
    data = b"id,name,,Name,\r\nNF-1,Ana,,Bo,\r\nNF-2,Bo,x,Cy,\r\n"

    assert assert_same(data)


def test_the_whitespace_list_is_pythons() -> None:
    spaces = "".join(chr(point) for point in range(0x110000) if chr(point).isspace())

    assert spaces == csv_fast.PYTHON_WHITESPACE


def test_a_national_sized_plain_list_is_read_fast() -> None:
    rows = "".join(f'NF-{n},"Ruiz, Ana {n}",MD,Epilepsy\r\n' for n in range(30_000))
    data = codecs.BOM_UTF8 + (HEADER + "\r\n" + rows + ",,,\r\n").encode()

    assert assert_same(data)
    table = read_csv_table(data).table
    assert isinstance(table, pd.DataFrame)
    assert table.shape == (30_000, 4)
    assert table.iloc[-1, 1] == "Ruiz, Ana 29999"
