"""Writing CSV files, and the one formula-protection rule that reading undoes.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula,
so every file we hand out puts an apostrophe in front of such a cell, which Excel, LibreOffice
and Sheets take to mean "this is text". Plain numbers such as -87.62 are left alone: they are
not formulas. The rule is reversible: a cell that already starts with an apostrophe gets one
more, and the reader (`unprotect`) removes exactly one apostrophe that stands before a trigger
or another apostrophe. So the specialists file round-trips exactly, what is loaded is what was
written, and an address like "-12 Main St" never comes back as "'-12 Main St".

Two writers, one rule: `source_csv_bytes` for the specialists file itself (read back by the
app and by the next upload), `spreadsheet_csv_bytes` for one-way exports people open (a
patient's results list, the list of problems). Both are UTF-8 with a byte-order mark, which
Excel needs to show accented names right, and CRLF line ends, which make the csv writer quote
a cell holding a lone carriage return instead of splitting its row in two.
"""

from __future__ import annotations

import pandas as pd

#: A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
_PLAIN_NUMBER = r"[+-]?\d+(?:\.\d+)?"
_MARKED = r"'[=+\-@\t\r']"


def protect(text: pd.Series) -> pd.Series:
    """Text cells safe to open in a spreadsheet: one apostrophe before a formula trigger or an apostrophe."""
    risky = (text.str.startswith((*FORMULA_TRIGGERS, TEXT_MARK)) & ~text.str.fullmatch(_PLAIN_NUMBER)).fillna(False)
    return text.where(~risky, TEXT_MARK + text)


def unprotect(text: pd.Series) -> pd.Series:
    """The cells as they were before `protect`: one apostrophe before a trigger or an apostrophe is dropped."""
    if not text.str.startswith(TEXT_MARK).any():  # most columns: a plain test, ten times cheaper than the pattern
        return text
    marked = text.str.match(_MARKED).fillna(False)
    return text.where(~marked, text.str.slice(1)) if marked.any() else text


def source_csv_bytes(table: pd.DataFrame) -> bytes:
    """The specialists file (the Manage page's checked file, the geocode command's output).

    Every cell and column name is written as text, protected; reading the file back
    (`csv_io.read_table`) gives exactly this table again.
    """
    text = table.astype("str")
    return _csv_bytes(text.apply(protect), text.columns)


def spreadsheet_csv_bytes(table: pd.DataFrame) -> bytes:
    """A one-way export for people to open: text cells and column names protected, numbers left as numbers."""
    safe = table.copy()
    for position, (_, column) in enumerate(table.items()):
        if pd.api.types.is_string_dtype(column) or column.dtype == object:
            text = column.astype("string")
            protected = protect(text)
            safe.isetitem(position, column.where(protected.eq(text).fillna(True), protected))
    return _csv_bytes(safe, table.columns)


def _csv_bytes(table: pd.DataFrame, columns: pd.Index) -> bytes:
    header = protect(pd.Series([str(name) for name in columns], dtype="str")).tolist()
    text: str = table.to_csv(index=False, header=header, lineterminator="\r\n")
    return text.encode("utf-8-sig")
