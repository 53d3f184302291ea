"""Check a specialists table and turn it into clean rows the search can use.

Staff edit the CSV by hand, so a bad row must never take the site down: every row with an
error is left out and reported with its spreadsheet row number, its column and a reason in
plain words; warnings are reported but the row is kept. Per-column rules are pandera
checks; rules that need several columns or a suggestion (duplicates, ZIP distance,
"did you mean") are vectorized pandas next to them.

A broken file can fail in every row, so the checks work on whole columns, count every
problem but build messages only for the first MAX_PROBLEMS, and refuse the file outright
when one column fails in nearly every row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from finder import npi, vocabulary
from finder.columns import ALL_COLUMNS, REQUIRED_COLUMNS
from finder.distance import miles_between
from finder.provenance import parse_date
from finder.zip_index import STATE_NAMES, state_code, zip_table

if TYPE_CHECKING:
    import pandera.pandas as pa

Severity = Literal["error", "warning"]
#: Spreadsheet row of the first data row: row 1 holds the column names.
FIRST_DATA_ROW = 2
#: Problems listed one by one; the rest are counted ("…and 12,345 more").
MAX_PROBLEMS = 1000
#: A file is refused, not checked further, when one column fails in more than this share of its rows…
MOSTLY_FAILING = 0.9
#: …and it has at least this many rows (a short file is better served by its row-by-row problems).
MIN_ROWS_TO_REFUSE = 20
#: How far (miles) a specialist may sit from their ZIP's centre before we ask staff to check.
ZIP_DISTANCE_WARNING_MILES = 50.0
#: Rough boxes (lat_min, lat_max, lon_min, lon_max) around the states and territories.
US_BOXES: tuple[tuple[float, float, float, float], ...] = (
    (24.0, 49.6, -125.0, -66.5),  # contiguous states
    (51.0, 71.6, -180.0, -129.0),  # Alaska
    (51.0, 53.5, 172.0, 180.0),  # Alaska's western Aleutians
    (18.5, 22.5, -160.6, -154.5),  # Hawaii
    (17.5, 18.6, -67.5, -64.5),  # Puerto Rico and the Virgin Islands
    (13.0, 21.0, 144.0, 146.5),  # Guam and the Northern Mariana Islands
    (-14.6, -10.9, -171.2, -168.0),  # American Samoa
)
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "x"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0"})


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


def empty_specialists() -> pd.DataFrame:
    """A table with every output column and no rows, for when nothing usable was read."""
    return _finish(pd.DataFrame(columns=list(ALL_COLUMNS), dtype=str))


Messages = str | Callable[[pd.Index], pd.Series]


class _Collector:
    """Gathers problems check by check, remembers which rows have errors, and notices a column that
    fails in almost every row (the file is then refused instead of checked further)."""

    def __init__(self, index: pd.Index, log: ProblemLog) -> None:
        self.log = log
        self.failed = pd.Series(False, index=index)
        self.refusal: Problem | None = None

    def add(
        self, severity: Severity, mask: pd.Series, column: str, messages: Messages, *, may_refuse: bool = True
    ) -> None:
        """Record a problem for every row where mask is true.

        messages is one text for all rows, or a function from the first failing rows' index to
        their texts: texts are only built for rows that can be listed, however many fail.
        """
        mask = mask.fillna(False).astype(bool)
        failing = mask.index[mask.to_numpy()]
        if failing.empty:
            return
        self.log.count(severity, column, len(failing))
        first = failing[: self.log.limit]
        texts = pd.Series(messages, index=first) if isinstance(messages, str) else messages(first)
        for index, text in texts.items():
            self.log.keep(Problem(severity, str(text), int(index) + FIRST_DATA_ROW, column))
        if severity != "error":
            return
        self.failed |= mask
        rows = len(mask)
        if may_refuse and self.refusal is None and rows >= MIN_ROWS_TO_REFUSE and len(failing) > MOSTLY_FAILING * rows:
            self.refusal = Problem(
                "error",
                f"the “{column}” column has errors in {len(failing):,} of {rows:,} rows, so this file was not "
                "used. Check that row 1 names the columns above the right data and that this is the specialists "
                "list; the first problems are listed.",
            )


def _quoted(values: pd.Series) -> pd.Series:
    return "“" + values.astype(str).str.slice(0, 60) + "”"


@cache
def _column_rules() -> dict[str, list[pa.Check]]:
    """Per-column rules. Each Check leaves blank (NaN) coordinates alone: a missing position is its own error.

    Made on first use: importing pandera takes a few hundred ms, which a server that reads its list
    from the checked copy (finder.table_cache) does not need to pay before its first page.
    """
    import pandera.pandas as pa

    return {
        "id": [pa.Check.str_length(min_value=1, error="the id is missing")],
        "name": [
            pa.Check.str_length(min_value=1, error="the name is missing"),
            pa.Check.str_length(max_value=120, error="the name is longer than 120 characters"),
        ],
        "address": [pa.Check.str_length(min_value=1, error="the street address is missing")],
        "city": [pa.Check.str_length(min_value=1, error="the city is missing")],
        "state": [pa.Check.isin(list(STATE_NAMES), error="is not a US state; use the two-letter code, like IL")],
        "zip": [pa.Check.str_matches(r"^\d{5}$", error="is not a five-digit ZIP code")],
        "phone_digits": [pa.Check.str_matches(r"^\d{10}$", error="is not a 10-digit US phone number with area code")],
        "latitude": [pa.Check.in_range(-90, 90, error="latitude must be between -90 and 90")],
        "longitude": [pa.Check.in_range(-180, 180, error="longitude must be between -180 and 180")],
    }


# The rules check the normalized column; staff know the one they typed.
_SOURCE_COLUMN = {"phone_digits": "phone"}


def validate(raw: pd.DataFrame, log: ProblemLog | None = None) -> ValidationReport:
    """Check a table of text cells (as read from the CSV) and return usable rows plus problems.

    Problems go to `log` (a new one if None), after any the reader already put there. Columns are
    matched by `column_key`; when two match the same name the first is used (the reader refuses
    such files, so this only keeps a direct call from failing).
    """
    log = log if log is not None else ProblemLog()
    rows_read = len(raw)
    position: dict[str, int] = {}
    for index, name in enumerate(raw.columns):
        position.setdefault(column_key(name), index)
    missing = [column for column in REQUIRED_COLUMNS if column not in position]
    if missing:
        log.add(Problem("error", _missing_columns_message(missing, raw.columns)))
        return ValidationReport(empty_specialists(), log, rows_read)
    for name in raw.columns:
        key = column_key(name)
        if key and key not in ALL_COLUMNS:
            log.add(Problem("warning", f"the column “{name}” is not used by the app and is ignored", column=str(name)))
    table = pd.DataFrame(
        {
            column: raw.iloc[:, position[column]].fillna("").astype(str).str.strip()
            if column in position
            else pd.Series("", index=raw.index, dtype=str)
            for column in ALL_COLUMNS
        },
        index=raw.index,
    )
    check = _Collector(table.index, log)
    for step in _STEPS:
        step(table, check)
        if check.refusal is not None:
            log.add(check.refusal)
            return ValidationReport(empty_specialists(), log, rows_read)
    good = table[~check.failed].copy()
    good["row"] = good.index + FIRST_DATA_ROW
    return ValidationReport(_finish(good.reset_index(drop=True)), log, rows_read)


def _missing_columns_message(missing: list[str], columns: pd.Index) -> str:
    message = "the file has no column named " + ", ".join(f"“{c}”" for c in missing)
    separator = next((mark for mark in (";", "\t") if len(columns) == 1 and mark in str(columns[0])), "")
    if separator:
        name = "semicolons" if separator == ";" else "tabs"
        return (
            f"{message}. Its columns are separated by {name}, not commas: save it again as "
            "“CSV UTF-8 (comma delimited)”."
        )
    return f"{message}. The first row must hold the column names; see the staff guide."


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


def _normalize_zip(table: pd.DataFrame, check: _Collector) -> None:
    original = table["zip"]
    table["zip"], short = clean_zips(original)
    check.add(
        "warning", short, "zip",
        lambda rows: _quoted(original.loc[rows]) + " read as " + _quoted(table["zip"].loc[rows])
        + ": spreadsheets drop leading zeros, so store ZIP codes as text",
    )  # fmt: skip


def _normalize_state(table: pd.DataFrame, check: _Collector) -> None:
    table["state"] = _map_unique(table["state"], lambda state: state_code(state) or state)


_PHONE_EXTENSION = r"(?i)(\s*(?:ext\.?|x|#)\s*\d+)$"


def _normalize_phone(table: pd.DataFrame, check: _Collector) -> None:
    """Keep the digits for tel: links and show every valid number as (312) 555-0142 [x12]."""
    extension = table["phone"].str.extract(_PHONE_EXTENSION, expand=False).fillna("")
    digits = table["phone"].str.replace(_PHONE_EXTENSION, "", regex=True).str.replace(r"\D", "", regex=True)
    digits = digits.where(~digits.str.fullmatch(r"1\d{10}"), digits.str.slice(1))  # drop the country code
    table["phone_digits"] = digits
    formatted = "(" + digits.str.slice(0, 3) + ") " + digits.str.slice(3, 6) + "-" + digits.str.slice(6) + extension
    table["phone"] = table["phone"].where(~digits.str.fullmatch(r"\d{10}"), formatted)


def _normalize_coordinates(table: pd.DataFrame, check: _Collector) -> None:
    for column in ("latitude", "longitude"):
        text = table[column]
        numbers = pd.to_numeric(text, errors="coerce")
        check.add(
            "error",
            numbers.isna() & text.ne(""),
            column,
            lambda rows, text=text: _quoted(text.loc[rows]) + " is not a number",
        )
        table[column] = numbers.astype(float)
    missing = table["latitude"].isna() | table["longitude"].isna()
    check.add(
        "error", missing & ~check.failed, "latitude",
        "the coordinates are missing; fill them with “Fill missing map positions” on the Manage data page "
        "(the staff guide explains how)",
        may_refuse=False,  # a new list without map positions is normal: the Manage page fills them
    )  # fmt: skip


def _check_columns(table: pd.DataFrame, check: _Collector) -> None:
    """The per-column rules: the value is shown first when the message is about the value."""
    for checked, rules in _column_rules().items():
        column = _SOURCE_COLUMN.get(checked, checked)
        for rule in rules:
            passed = rule(table[checked]).check_output.reindex(table.index, fill_value=True)
            check.add("error", ~passed, column, partial(_rule_messages, table[column], rule.error, column))


def _rule_messages(values: pd.Series, message: str, column: str, rows: pd.Index) -> pd.Series:
    shown = values.loc[rows].astype(str)
    if not message.startswith("is "):
        return pd.Series(message, index=rows)
    return (_quoted(shown) + " " + message).where(shown.ne(""), f"the {column} is missing")


def _check_zip_known(table: pd.DataFrame, check: _Collector) -> None:
    zips = zip_table()
    well_formed = table["zip"].str.fullmatch(r"\d{5}")
    zip_state = table["zip"].map(zips["state"])  # a hash lookup; isin() would convert all 42k ZIPs each call
    known = zip_state.notna()
    check.add(
        "error",
        well_formed & ~known,
        "zip",
        lambda rows: _quoted(table["zip"].loc[rows]) + " is not a US ZIP code we know",
    )
    mismatch = known & table["state"].isin(list(STATE_NAMES)) & zip_state.ne(table["state"])
    check.add(
        "warning", mismatch, "state",
        lambda rows: "ZIP " + table["zip"].loc[rows] + " is in " + zip_state.loc[rows].astype(str)
        + ", not " + table["state"].loc[rows],
    )  # fmt: skip


def _in_us(lat: pd.Series, lon: pd.Series) -> pd.Series:
    inside = pd.Series(False, index=lat.index)
    for lat_min, lat_max, lon_min, lon_max in US_BOXES:
        inside |= lat.between(lat_min, lat_max) & lon.between(lon_min, lon_max)
    return inside


def _check_coordinates(table: pd.DataFrame, check: _Collector) -> None:
    lat, lon = table["latitude"], table["longitude"]
    in_range = lat.between(-90, 90) & lon.between(-180, 180)
    outside = in_range & ~_in_us(lat, lon)

    def outside_messages(rows: pd.Index) -> pd.Series:
        la, lo = lat.loc[rows], lon.loc[rows]
        hint = pd.Series("", index=rows)
        hint[_in_us(lo, la)] = "; latitude and longitude look swapped"
        hint[_in_us(la, -lo)] = "; US longitudes are negative (is the minus sign missing?)"
        hint[_in_us(lo, -la)] = "; latitude and longitude look swapped, and US longitudes are negative"
        return "the point " + la.round(4).astype(str) + ", " + lo.round(4).astype(str) + " is outside the US" + hint

    check.add("error", outside, "latitude", outside_messages)
    zips = zip_table()
    centre_lat = table["zip"].map(zips["lat"])
    centre_lon = table["zip"].map(zips["lon"])
    distance = pd.Series(miles_between(lat, lon, centre_lat, centre_lon), index=table.index)
    far = ~check.failed & (distance > ZIP_DISTANCE_WARNING_MILES)
    check.add(
        "warning", far, "latitude",
        lambda rows: "the coordinates are " + distance.loc[rows].round(0).astype("Int64").astype(str)
        + " miles from the centre of ZIP " + table["zip"].loc[rows] + "; check the coordinates or the ZIP",
    )  # fmt: skip


def _check_duplicate_ids(table: pd.DataFrame, check: _Collector) -> None:
    ids = table["id"]
    repeated = ids.ne("") & ids.duplicated(keep="first")

    def messages(rows: pd.Index) -> pd.Series:
        first_row = (ids.index.to_series() + FIRST_DATA_ROW).groupby(ids).min()
        return (
            "the id "
            + _quoted(ids.loc[rows])
            + " is already used on row "
            + ids.loc[rows].map(first_row).astype(str)
            + "; ids must be unique"
        )

    check.add("error", repeated, "id", messages)


def _normalize_subspecialties(table: pd.DataFrame, check: _Collector) -> None:
    cells = table["subspecialties"]
    parsed = {cell: _parse_subspecialties(cell) for cell in cells.unique()}
    unknown = cells.map({cell: bool(names) for cell, (_, names) in parsed.items()}).astype(bool)
    check.add(
        "error", unknown, "subspecialties",
        lambda rows: _map_unique(cells.loc[rows], lambda cell: "; ".join(map(_did_you_mean, parsed[cell][1]))),
    )  # fmt: skip
    table["subspecialty_mask"] = cells.map({cell: mask for cell, (mask, _) in parsed.items()}).astype("int64")
    check.add(
        "error", table["subspecialty_mask"].eq(0) & ~unknown, "subspecialties",
        "no subspecialty is given; list at least one, e.g. General neurology",
    )  # fmt: skip


def _parse_subspecialties(cell: str) -> tuple[int, list[str]]:
    """The bit mask of the subspecialties a cell names, and the names that are not ours."""
    slugs = [(name, vocabulary.to_slug(name)) for name in vocabulary.split_list(cell)]
    return vocabulary.mask_of({slug for _, slug in slugs if slug}), [name for name, slug in slugs if not slug]


def _did_you_mean(name: str) -> str:
    suggestion = vocabulary.closest(name)
    return f"“{name[:60]}” is not a subspecialty we list" + (f"; did you mean “{suggestion}”?" if suggestion else "")


def _normalize_optional(table: pd.DataFrame, check: _Collector) -> None:
    for column in ("accepting_new_patients", "telehealth"):
        words = table[column].str.lower()
        understood = words.isin(TRUE_WORDS | FALSE_WORDS) | words.eq("")
        check.add(
            "warning", ~understood, column,
            lambda rows, column=column: _quoted(table[column].loc[rows])
            + " is not yes or no, so it is shown as unknown",
        )  # fmt: skip
        table[column] = pd.Series(
            np.where(words.isin(TRUE_WORDS), True, np.where(words.isin(FALSE_WORDS), False, None)),
            index=table.index,
            dtype="boolean",
        )
    website = table["website"]
    safe = website.str.match(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", case=False)
    check.add(
        "warning", website.ne("") & ~safe, "website",
        lambda rows: _quoted(website.loc[rows])
        + " is not a web address starting with https:// or http://, so it is not shown",
    )  # fmt: skip
    table["website"] = website.where(safe, "")
    languages = _map_unique(
        table["languages"],
        lambda cell: "; ".join(" ".join(name.split()).title() for name in vocabulary.split_list(cell)),
    )
    table["languages"] = languages
    table["languages_key"] = ";" + languages.str.replace("; ", ";", regex=False).str.lower() + ";"


GENDER_WORDS = {"female": "female", "f": "female", "male": "male", "m": "male"}


def _normalize_registry_columns(table: pd.DataFrame, check: _Collector) -> None:
    """npi (check digit), gender and source_date: a bad cell is reported and shown as unknown, the row stays."""
    npis = table["npi"].str.replace(r"\.0$", "", regex=True)  # a spreadsheet that stored it as a number
    valid = npi.valid_mask(npis)
    check.add(
        "warning", npis.ne("") & ~valid, "npi",
        lambda rows: _quoted(npis.loc[rows]) + " is not a valid NPI (10 digits ending in the right check digit), "
        "so no NPI Registry link is shown; check it on npiregistry.cms.hhs.gov",
    )  # fmt: skip
    table["npi"] = npis.where(valid, "")
    given = table["gender"]
    table["gender"] = given.str.lower().map(GENDER_WORDS).fillna("")
    check.add(
        "warning", given.ne("") & table["gender"].eq(""), "gender",
        lambda rows: _quoted(given.loc[rows]) + " is not female or male, so it is shown as unknown",
    )  # fmt: skip
    dates = table["source_date"]
    check.add(
        "warning", dates.ne("") & _map_unique(dates, lambda date: "" if parse_date(date) is None else "ok").eq(""),
        "source_date", lambda rows: _quoted(dates.loc[rows]) + " is not a date written as YYYY-MM-DD, e.g. 2026-11-09",
    )  # fmt: skip


_STEPS: tuple[Callable[[pd.DataFrame, _Collector], None], ...] = (
    _normalize_zip,
    _normalize_state,
    _normalize_phone,
    _normalize_coordinates,
    _check_columns,
    _check_zip_known,
    _check_coordinates,
    _check_duplicate_ids,
    _normalize_subspecialties,
    _normalize_optional,
    _normalize_registry_columns,
)


def _map_unique(values: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """`function` applied to each distinct cell once: lists repeat the same few states, languages and
    subspecialties, and the unique values are all that becomes Python strings."""
    return values.map({value: function(value) for value in values.unique()}).astype("str")


def _finish(table: pd.DataFrame) -> pd.DataFrame:
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
