"""Read a specialists CSV however a spreadsheet saved it, and write one that is safe to open.

Staff files arrive with a byte-order mark, in Windows-1252, as an Excel workbook renamed
to .csv, or with a stray comma in one row. Reading never raises: the file's problems come
back as `Problem`s and the rows that could be read go on to validation.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from finder.validation import FIRST_DATA_ROW, Problem, ValidationReport, empty_specialists, validate

#: Largest file we accept (a 100k-row list is about 20 MB).
MAX_FILE_BYTES = 50 * 1024 * 1024
# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = r"[+-]?\d+(?:\.\d+)?"  # -87.62 is a longitude, not a formula


def decode(data: bytes) -> tuple[str, list[Problem]]:
    """Text of the file: UTF-8 (with or without BOM), else Windows-1252 with a warning."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        # Excel's "CSV" (not "CSV UTF-8") writes Windows-1252; Latin-1 is a subset of it in practice.
        text = data.decode("cp1252", errors="replace")
        line = data[: error.start].count(b"\n") + 1
        return text, [
            Problem(
                "warning",
                f"the file is not saved as UTF-8 (first odd character on line {line}); it was read as "
                "Windows-1252/Latin-1. Check accented names, and next time save as “CSV UTF-8”.",
            )
        ]


def read_table(data: bytes) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Parse CSV bytes into a table of text cells, or None with the reason it cannot be used."""
    if len(data) > MAX_FILE_BYTES:
        return None, [Problem("error", f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")]
    if data.startswith(b"PK\x03\x04"):
        return None, [Problem("error", "this is an Excel workbook, not a CSV file: use File › Save As › CSV UTF-8")]
    if b"\x00" in data[:4096]:
        return None, [Problem("error", "this is not a text CSV file (it contains binary data)")]
    text, problems = decode(data)
    if not text.strip():
        return None, [*problems, Problem("error", "the file is empty")]
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        return None, [*problems, Problem("error", f"the file is not valid CSV: {error}")]
    header, body = records[0], records[1:]
    width = len(header)
    rows: dict[int, list[str]] = {}
    for position, cells in enumerate(body):
        if not any(cell.strip() for cell in cells):
            continue  # blank spreadsheet rows are harmless
        if len(cells) != width:
            problems.append(
                Problem(
                    "error",
                    f"this row has {len(cells)} cells but the first row names {width} columns; "
                    "look for an extra comma or a missing quote",
                    row=position + FIRST_DATA_ROW,
                )
            )
            continue
        rows[position] = cells
    if not rows and not any(p.severity == "error" and p.row for p in problems):
        return None, [*problems, Problem("error", "the file has column names but no specialists")]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=header, dtype=str)
    return table, problems


def load_specialists(source: bytes | str | Path) -> ValidationReport:
    """Read and validate a specialists CSV (bytes, or a path) without ever raising on bad content."""
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as error:
            return ValidationReport(
                empty_specialists(), [Problem("error", f"the file cannot be read: {error.strerror}")]
            )
    table, problems = read_table(data)
    if table is None:
        return ValidationReport(empty_specialists(), problems)
    report = validate(table)
    bad_shape = sum(1 for p in problems if p.row is not None)
    report.problems = sorted([*problems, *report.problems], key=lambda p: p.row or 0)
    report.rows_read += bad_shape
    return report


def neutralize_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas (OWASP: prefix with a quote)."""
    safe = table.copy()
    for column in safe.columns:
        if pd.api.types.is_string_dtype(safe[column]) or safe[column].dtype == object:
            text = safe[column].astype("string")
            risky = (text.str.startswith(FORMULA_PREFIXES) & ~text.str.fullmatch(_PLAIN_NUMBER)).fillna(False)
            safe[column] = safe[column].where(~risky, "'" + text)
    return safe


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV bytes with formula-looking cells neutralized, for downloads."""
    return neutralize_formulas(table).to_csv(index=False, lineterminator="\r\n").encode("utf-8")
