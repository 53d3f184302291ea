"""The specialists table's contract: what every layer that reads, checks, writes or shows it agrees on.

The columns and what each means, the labels staff see for them, how a column name in a file is
matched, how ZIP codes broken by spreadsheets are repaired, how rows are numbered (as in the
spreadsheet), and the report a check hands back (its problems, counted and listed). The checker
(validation), the reader (csv_io), the writers (csv_write), the geocoder (batch_geocode), the
importers and the Manage page all depend on this module, and it depends on none of them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from finder import vocabulary

REQUIRED_COLUMNS: dict[str, str] = {
    "id": "A unique identifier for the specialist, e.g. NF-0001. Never reuse one.",
    "name": "The specialist's full name as patients should see it.",
    "credentials": "Degrees and board titles, e.g. MD or DO, FAAN. May be blank.",
    "subspecialties": "One or more subspecialties separated by ';', e.g. Movement disorders; Epilepsy.",
    "clinic": "Clinic or practice name. May be blank.",
    "address": "Street address, e.g. 123 Main St, Suite 4.",
    "city": "City.",
    "state": "Two-letter state code (IL) or the state's name (Illinois).",
    "zip": "Five-digit ZIP code. Spreadsheets often drop a leading zero: 02115, not 2115.",
    "phone": "Phone number with area code, e.g. (312) 555-0142.",
    "latitude": "Decimal degrees, e.g. 41.8781. Leave blank to have the Manage data page fill it.",
    "longitude": "Decimal degrees, negative in the US, e.g. -87.6298. Filled with latitude.",
}

OPTIONAL_COLUMNS: dict[str, str] = {
    "accepting_new_patients": "yes, no, or blank if unknown.",
    "telehealth": "yes, no, or blank if unknown: does the specialist offer video visits?",
    "languages": "Languages spoken besides English or including it, separated by ';', e.g. English; Spanish.",
    "website": "Full web address starting with https:// (or http://). Other kinds of links are not shown.",
    "npi": "The specialist's 10-digit National Provider Identifier. Cards link to its public NPI Registry page.",
    "gender": "female, male, or blank if unknown; patients can filter on it.",
    "source": "Where the row comes from, e.g. NPI Registry (filled by the import commands; blank for your own rows).",
    "source_date": "The date of the public file the row was imported from, e.g. 2026-11-09.",
}

ALL_COLUMNS: tuple[str, ...] = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)

#: What staff see as each column's heading on the Manage page (the preview of a checked list).
COLUMN_LABELS: dict[str, str] = {
    "row": "Row",
    "id": "id",
    "name": "Name",
    "credentials": "Credentials",
    "subspecialty_labels": "Subspecialties",
    "clinic": "Clinic",
    "address": "Address",
    "city": "City",
    "state": "State",
    "zip": "ZIP",
    "phone": "Phone",
    "accepting_new_patients": "Accepting",
    "telehealth": "Telehealth",
    "languages": "Languages",
    "website": "Website",
    "latitude": "Latitude",
    "longitude": "Longitude",
}

Severity = Literal["error", "warning"]
#: Spreadsheet row of the first data row: row 1 holds the column names.
FIRST_DATA_ROW = 2
#: Problems listed one by one; the rest are counted ("…and 12,345 more").
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file; row is the spreadsheet row (None for the whole file)."""

    severity: Severity
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"row {self.row}" if self.row else "", self.column or "") if part)
        return (
            f"{self.severity.upper()} {where}: {self.message}" if where else f"{self.severity.upper()}: {self.message}"
        )


def _problem_order(problem: Problem) -> tuple[int, int]:
    """Whole-file problems first, then by row, then in column order."""
    column = ALL_COLUMNS.index(problem.column) if problem.column in ALL_COLUMNS else len(ALL_COLUMNS)
    return problem.row or 0, column


class ProblemLog:
    """Every problem counted by kind, but only the first `limit` (whole-file ones, then by row) kept.

    A broken 50 MB file can have millions of problems; nobody reads past the first screens, and
    keeping them all took gigabytes. The counts stay exact so the summary never understates.
    """

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.limit = limit
        #: (severity, column or "") -> how many problems of that kind were found.
        self.counts: Counter[tuple[Severity, str]] = Counter()
        self._kept: list[Problem] = []

    def add(self, problem: Problem) -> None:
        """Count one problem and keep it if it is among the first."""
        self.count(problem.severity, problem.column)
        self.keep(problem)

    def count(self, severity: Severity, column: str | None, number: int = 1) -> None:
        """Count problems without keeping them (the caller keeps the first few with `keep`)."""
        self.counts[severity, column or ""] += number

    def keep(self, problem: Problem) -> None:
        """Keep an already counted problem; the list is trimmed to the first `limit` as it grows."""
        self._kept.append(problem)
        if len(self._kept) > 2 * self.limit:
            self._kept = self.problems()

    def problems(self) -> list[Problem]:
        """The first `limit` problems in reading order."""
        return sorted(self._kept, key=_problem_order)[: self.limit]

    def total(self, severity: Severity | None = None) -> int:
        return sum(n for (kind, _), n in self.counts.items() if severity in (None, kind))


@dataclass
class ValidationReport:
    """The usable rows (normalized, with search helper columns) and the problems found.

    `problems` lists the first MAX_PROBLEMS; `error_count` and `warning_count` count all of them.
    """

    specialists: pd.DataFrame
    log: ProblemLog = field(default_factory=ProblemLog)
    rows_read: int = 0

    @property
    def problems(self) -> list[Problem]:
        return self.log.problems()

    @property
    def errors(self) -> list[Problem]:
        """The listed errors (at most MAX_PROBLEMS; `error_count` has the total)."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The listed warnings (at most MAX_PROBLEMS; `warning_count` has the total)."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def error_count(self) -> int:
        return self.log.total("error")

    @property
    def warning_count(self) -> int:
        return self.log.total("warning")

    @property
    def rows_left_out(self) -> int:
        return self.rows_read - len(self.specialists)

    def not_listed(self) -> str:
        """'' when every problem is listed, else a sentence saying how many more there are, by column."""
        hidden = self.log.total() - len(self.problems)
        if hidden <= 0:
            return ""
        listed = Counter((p.severity, p.column or "") for p in self.problems)
        unlisted = Counter({kind: count - listed[kind] for kind, count in self.log.counts.items()})
        kinds = [
            f"{count:,} {severity}s in {f'“{column}”' if column else 'the file'}"
            for (severity, column), count in unlisted.most_common()
            if count > 0
        ]
        return (
            f"…and {hidden:,} more problems of the same kinds, not listed here ({'; '.join(kinds)}). "
            "Fix the ones listed, then check the file again."
        )

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a table (row, column, severity, message) for display or download, with a
        last line saying how many more there are when not all are listed."""
        problems = self.problems
        more = self.not_listed()
        return pd.DataFrame(
            {
                "row": pd.array([p.row for p in problems] + ([None] if more else []), dtype="Int64"),
                "column": [p.column or "" for p in problems] + ([""] if more else []),
                "severity": [p.severity for p in problems] + (["…"] if more else []),
                "message": [p.message for p in problems] + ([more] if more else []),
            }
        )


def column_key(name: object) -> str:
    """A column name as we match it: 'Accepting New Patients ' and 'accepting_new_patients' are the same."""
    return str(name).strip().lower().replace(" ", "_")


def clean_zips(zips: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ZIP codes as typed, repaired the way spreadsheets break them, and which had a leading zero restored.

    Spreadsheets store ZIPs as numbers: 2115 for 02115, or 60614.0; a ZIP+4 is cut to five digits.
    """
    cleaned = zips.str.strip().str.replace(r"\.0$", "", regex=True).str.replace(r"-\d{4}$", "", regex=True)
    short = cleaned.str.fullmatch(r"\d{3,4}")
    return cleaned.where(~short, cleaned.str.zfill(5)), short


def empty_specialists() -> pd.DataFrame:
    """A table with every output column and no rows, for when nothing usable was read."""
    return with_helper_columns(pd.DataFrame(columns=list(ALL_COLUMNS), dtype=str))


def with_helper_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Add the display and search helper columns with the right types, whatever survived."""
    if "subspecialty_mask" not in table:
        table["subspecialty_mask"] = pd.Series(dtype="int64")
    for column in ("phone_digits", "languages_key"):
        if column not in table:
            table[column] = pd.Series(dtype=str)
    if "row" not in table:
        table["row"] = pd.Series(dtype="int64")
    masks = table["subspecialty_mask"]
    table["subspecialty_labels"] = masks.map({mask: vocabulary.labels_of_mask(mask) for mask in masks.unique()})
    for column in ("latitude", "longitude"):
        table[column] = table[column].astype(float)
    return table
