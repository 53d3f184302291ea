"""Check a specialists table and turn it into clean rows the search can use.

Staff edit the CSV by hand, so a bad row must never take the site down: every row with an
error is left out and reported with its spreadsheet row number, its column and a reason in
plain words; warnings are reported but the row is kept. Per-column rules are a pandera
schema; rules that need several columns or a suggestion (duplicates, ZIP distance,
"did you mean") are vectorized pandas next to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from finder import npi, vocabulary
from finder.columns import ALL_COLUMNS, REQUIRED_COLUMNS
from finder.distance import miles_between
from finder.provenance import parse_date
from finder.zip_index import STATE_NAMES, state_code, zip_table

Severity = Literal["error", "warning"]
#: Spreadsheet row of the first data row: row 1 holds the column names.
FIRST_DATA_ROW = 2
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


@dataclass
class ValidationReport:
    """The usable rows (normalized, with search helper columns) and every problem found."""

    specialists: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def rows_left_out(self) -> int:
        return self.rows_read - len(self.specialists)

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a table (row, column, severity, message) for display or download."""
        return pd.DataFrame(
            {
                "row": pd.array([p.row for p in self.problems], dtype="Int64"),
                "column": [p.column or "" for p in self.problems],
                "severity": [p.severity for p in self.problems],
                "message": [p.message for p in self.problems],
            }
        )


def empty_specialists() -> pd.DataFrame:
    """A table with every output column and no rows, for when nothing usable was read."""
    return _finish(pd.DataFrame(columns=list(ALL_COLUMNS), dtype=str))


class _Collector:
    """Gathers problems row by row and remembers which rows have errors."""

    def __init__(self, index: pd.Index) -> None:
        self.problems: list[Problem] = []
        self.failed = pd.Series(False, index=index)

    def add(self, severity: Severity, mask: pd.Series, column: str, messages: pd.Series | str) -> None:
        """Record a problem for every row where mask is true; messages may differ per row."""
        mask = mask.fillna(False).astype(bool)
        if isinstance(messages, str):
            messages = pd.Series(messages, index=mask.index)
        self.add_rows(severity, messages[mask], column)

    def add_rows(self, severity: Severity, messages: pd.Series, column: str) -> None:
        """Record one problem per entry of messages, which is indexed by table row."""
        self.problems.extend(
            Problem(severity, str(message), int(index) + FIRST_DATA_ROW, column) for index, message in messages.items()
        )
        if severity == "error":
            self.failed |= self.failed.index.isin(messages.index)


def _quoted(values: pd.Series) -> pd.Series:
    return "“" + values.astype(str).str.slice(0, 60) + "”"


_SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(str, pa.Check.str_length(min_value=1, error="the id is missing")),
        "name": pa.Column(
            str,
            [
                pa.Check.str_length(min_value=1, error="the name is missing"),
                pa.Check.str_length(max_value=120, error="the name is longer than 120 characters"),
            ],
        ),
        "address": pa.Column(str, pa.Check.str_length(min_value=1, error="the street address is missing")),
        "city": pa.Column(str, pa.Check.str_length(min_value=1, error="the city is missing")),
        "state": pa.Column(
            str, pa.Check.isin(list(STATE_NAMES), error="is not a US state; use the two-letter code, like IL")
        ),
        "zip": pa.Column(str, pa.Check.str_matches(r"^\d{5}$", error="is not a five-digit ZIP code")),
        "phone_digits": pa.Column(
            str, pa.Check.str_matches(r"^\d{10}$", error="is not a 10-digit US phone number with area code")
        ),
        "latitude": pa.Column(
            float, pa.Check.in_range(-90, 90, error="latitude must be between -90 and 90"), nullable=True
        ),
        "longitude": pa.Column(
            float, pa.Check.in_range(-180, 180, error="longitude must be between -180 and 180"), nullable=True
        ),
    },
    strict=False,
)
# pandera reports the normalized column; staff know the one they typed.
_SOURCE_COLUMN = {"phone_digits": "phone"}


def validate(raw: pd.DataFrame) -> ValidationReport:
    """Check a table of text cells (as read from the CSV) and return usable rows plus problems."""
    raw = raw.rename(columns=column_key)
    rows_read = len(raw)
    missing = [column for column in REQUIRED_COLUMNS if column not in raw.columns]
    if missing:
        return ValidationReport(
            empty_specialists(),
            [Problem("error", "the file has no column named " + ", ".join(f"“{c}”" for c in missing)
                     + ". The first row must hold the column names; see docs/staff-guide.md.")],
            rows_read,
        )  # fmt: skip
    problems = [
        Problem("warning", f"the column “{column}” is not used by the app and is ignored", column=column)
        for column in raw.columns
        if column not in ALL_COLUMNS
    ]
    table = raw.reindex(columns=list(ALL_COLUMNS), fill_value="").fillna("").astype(str)
    table = table.apply(lambda column: column.str.strip())
    check = _Collector(table.index)

    _normalize_zip(table, check)
    _normalize_state(table)
    _normalize_phone(table)
    _normalize_coordinates(table, check)
    _run_schema(table, raw, check)
    _check_zip_known(table, check)
    _check_coordinates(table, check)
    _check_duplicate_ids(table, check)
    _normalize_subspecialties(table, check)
    _normalize_optional(table, check)
    _normalize_registry_columns(table, check)

    problems += sorted(
        check.problems, key=lambda p: (p.row or 0, ALL_COLUMNS.index(p.column) if p.column in ALL_COLUMNS else 99)
    )
    good = table[~check.failed].copy()
    good["row"] = good.index + FIRST_DATA_ROW
    return ValidationReport(_finish(good.reset_index(drop=True)), problems, rows_read)


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
        _quoted(original) + " read as " + _quoted(table["zip"])
        + ": spreadsheets drop leading zeros, so store ZIP codes as text",
    )  # fmt: skip


def _normalize_state(table: pd.DataFrame) -> None:
    states = table["state"]
    table["state"] = states.map(lambda s: state_code(s) or s)


_PHONE_EXTENSION = r"(?i)(\s*(?:ext\.?|x|#)\s*\d+)$"


def _normalize_phone(table: pd.DataFrame) -> None:
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
        check.add("error", numbers.isna() & text.ne(""), column, _quoted(text) + " is not a number")
        table[column] = numbers.astype(float)
    missing = table["latitude"].isna() | table["longitude"].isna()
    unparsable = check.failed
    check.add(
        "error", missing & ~unparsable, "latitude",
        "the coordinates are missing; run “python -m finder geocode” or use the Manage data page to fill them",
    )  # fmt: skip


def _run_schema(table: pd.DataFrame, raw: pd.DataFrame, check: _Collector) -> None:
    try:
        _SCHEMA.validate(table, lazy=True)
    except pa.errors.SchemaErrors as failure:
        cases = failure.failure_cases
        cases = cases[cases["index"].notna()]
        for (checked_column, message), group in cases.groupby(["column", "check"], sort=False):
            column = _SOURCE_COLUMN.get(checked_column, checked_column)
            values = raw[column].reindex(group["index"].astype(int).unique()).fillna("").astype(str).str.strip()
            if message.startswith("is "):  # a message about the value: show the value first
                texts = ("“" + values.str.slice(0, 60) + "” " + message).where(
                    values.ne(""), f"the {column} is missing"
                )
            else:
                texts = pd.Series(message, index=values.index)
            check.add_rows("error", texts, column)


def _check_zip_known(table: pd.DataFrame, check: _Collector) -> None:
    zips = zip_table()
    well_formed = table["zip"].str.fullmatch(r"\d{5}")
    known = table["zip"].isin(zips.index)
    check.add("error", well_formed & ~known, "zip", _quoted(table["zip"]) + " is not a US ZIP code we know")
    zip_state = table["zip"].map(zips["state"])
    mismatch = known & table["state"].isin(list(STATE_NAMES)) & zip_state.ne(table["state"])
    check.add(
        "warning", mismatch, "state",
        "ZIP " + table["zip"] + " is in " + zip_state.fillna("") + ", not " + table["state"],
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
    hint = pd.Series("", index=table.index)
    hint[outside & _in_us(lon, lat)] = "; latitude and longitude look swapped"
    hint[outside & _in_us(lat, -lon)] = "; US longitudes are negative (is the minus sign missing?)"
    hint[outside & _in_us(lon, -lat)] = "; latitude and longitude look swapped, and US longitudes are negative"
    check.add(
        "error", outside, "latitude",
        "the point " + lat.round(4).astype(str) + ", " + lon.round(4).astype(str) + " is outside the US" + hint,
    )  # fmt: skip
    zips = zip_table()
    centre_lat = table["zip"].map(zips["lat"])
    centre_lon = table["zip"].map(zips["lon"])
    distance = pd.Series(miles_between(lat, lon, centre_lat, centre_lon), index=table.index)
    far = ~check.failed & (distance > ZIP_DISTANCE_WARNING_MILES)
    check.add(
        "warning", far, "latitude",
        "the coordinates are " + distance.round(0).astype("Int64").astype(str)
        + " miles from the centre of ZIP " + table["zip"] + "; check the coordinates or the ZIP",
    )  # fmt: skip


def _check_duplicate_ids(table: pd.DataFrame, check: _Collector) -> None:
    ids = table["id"]
    present = ids.ne("")
    first_row = (ids.index.to_series() + FIRST_DATA_ROW).groupby(ids).transform("min")
    repeated = present & ids.duplicated(keep="first")
    check.add(
        "error", repeated, "id",
        "the id " + _quoted(ids) + " is already used on row " + first_row.astype(str) + "; ids must be unique",
    )  # fmt: skip


def _normalize_subspecialties(table: pd.DataFrame, check: _Collector) -> None:
    parts = table["subspecialties"].str.split(";").explode().str.strip()
    parts = parts[parts.ne("") & parts.notna()]
    slugs = parts.map(lambda name: vocabulary.to_slug(name) or "")
    unknown = parts[slugs.eq("")]
    if not unknown.empty:
        hints = unknown.map(
            lambda name: (
                f"“{name[:60]}” is not a subspecialty we list"
                + (f"; did you mean “{suggestion}”?" if (suggestion := vocabulary.closest(name)) else "")
            )
        )
        check.add_rows("error", hints.groupby(level=0).agg("; ".join), "subspecialties")
    pairs = slugs[slugs.ne("")].reset_index().drop_duplicates()
    pairs.columns = ["row", "slug"]
    masks = pairs["slug"].map(vocabulary.BITS).groupby(pairs["row"]).sum()
    table["subspecialty_mask"] = masks.reindex(table.index, fill_value=0).astype("int64")
    check.add(
        "error", table["subspecialty_mask"].eq(0) & ~table.index.isin(unknown.index), "subspecialties",
        "no subspecialty is given; list at least one, e.g. General neurology",
    )  # fmt: skip


def _normalize_optional(table: pd.DataFrame, check: _Collector) -> None:
    for column in ("accepting_new_patients", "telehealth"):
        words = table[column].str.lower()
        understood = words.isin(TRUE_WORDS | FALSE_WORDS) | words.eq("")
        check.add(
            "warning", ~understood, column,
            _quoted(table[column]) + " is not yes or no, so it is shown as unknown",
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
        _quoted(website) + " is not a web address starting with https:// or http://, so it is not shown",
    )  # fmt: skip
    table["website"] = website.where(safe, "")
    languages = (
        table["languages"].str.split(";").map(lambda names: [" ".join(n.split()).title() for n in names if n.strip()])
    )
    table["languages"] = languages.map("; ".join)
    table["languages_key"] = ";" + languages.map(";".join).str.lower() + ";"


GENDER_WORDS = {"female": "female", "f": "female", "male": "male", "m": "male"}


def _normalize_registry_columns(table: pd.DataFrame, check: _Collector) -> None:
    """npi (check digit), gender and source_date: a bad cell is reported and shown as unknown, the row stays."""
    npis = table["npi"].str.replace(r"\.0$", "", regex=True)  # a spreadsheet that stored it as a number
    valid = npi.valid_mask(npis)
    check.add(
        "warning", npis.ne("") & ~valid, "npi",
        _quoted(npis) + " is not a valid NPI (10 digits ending in the right check digit), so no NPI Registry "
        "link is shown; check it on npiregistry.cms.hhs.gov",
    )  # fmt: skip
    table["npi"] = npis.where(valid, "")
    given = table["gender"]
    table["gender"] = given.str.lower().map(GENDER_WORDS).fillna("")
    check.add(
        "warning", given.ne("") & table["gender"].eq(""), "gender",
        _quoted(given) + " is not female or male, so it is shown as unknown",
    )  # fmt: skip
    dates = table["source_date"]
    check.add(
        "warning", dates.ne("") & dates.map(parse_date).isna(), "source_date",
        _quoted(dates) + " is not a date written as YYYY-MM-DD, e.g. 2026-11-09",
    )  # fmt: skip


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
