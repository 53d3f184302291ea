"""Build specialists CSV files for tests: valid rows to spoil one cell of, and the bytes a spreadsheet would save.

Written with the csv module, not pandas, so the files do not depend on the code under test.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from finder.table_contract import ALL_COLUMNS

#: A specialist every check accepts: coordinates at the centre of ZIP 60606 in Chicago.
VALID_ROW: dict[str, str] = {
    "id": "NF-1",
    "name": "Ana Ruiz",
    "credentials": "MD",
    "subspecialties": "Epilepsy; Sleep medicine",
    "clinic": "Loop Neurology",
    "address": "233 S Wacker Dr",
    "city": "Chicago",
    "state": "IL",
    "zip": "60606",
    "phone": "(312) 555-0142",
    "latitude": "41.8868",
    "longitude": "-87.6386",
    "accepting_new_patients": "yes",
    "telehealth": "no",
    "languages": "English; Spanish",
    "website": "https://www.example.org/ana-ruiz",
}


def specialists(count: int) -> list[dict[str, str]]:
    """`count` valid rows with ids NF-1, NF-2, …, which are spreadsheet rows 2, 3, …"""
    return [{**VALID_ROW, "id": f"NF-{number}", "name": f"Ana Ruiz {number}"} for number in range(1, count + 1)]


def csv_bytes(
    rows: Sequence[Mapping[str, str]], columns: Sequence[str] = ALL_COLUMNS, encoding: str = "utf-8"
) -> bytes:
    """The CSV a spreadsheet would save for these rows (cells not in `columns` are dropped)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode(encoding)
