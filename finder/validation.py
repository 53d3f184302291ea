"""Check a specialists table and turn it into clean rows the search can use.

Staff edit the CSV by hand, so a bad row must never take the site down: every row with an
error is left out and reported with its spreadsheet row number, its column and a reason in
plain words; warnings are reported but the row is kept. Every rule is vectorized pandas:
the per-column ones are a table of (column, test, message); the ones that need several
columns or a suggestion (duplicates, ZIP distance, "did you mean") are steps of their own.

A broken file can fail in every row, so the checks work on whole columns, count every
problem but build messages only for the first MAX_PROBLEMS, and refuse the file outright
when one column fails in nearly every row.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from finder import npi, vocabulary
from finder.distance import miles_between
from finder.provenance import parse_date
from finder.table_contract import (
    ALL_COLUMNS,
    FIRST_DATA_ROW,
    REQUIRED_COLUMNS,
    Problem,
    ProblemLog,
    Severity,
    ValidationReport,
    clean_zips,
    column_key,
    empty_specialists,
    with_helper_columns,
)
from finder.zip_index import STATE_NAMES, state_code, zip_table

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
        spreadsheet_rows = (texts.index.to_numpy(dtype=np.int64) + FIRST_DATA_ROW).tolist()
        for row, text in zip(spreadsheet_rows, texts.astype(str).tolist(), strict=True):
            self.log.keep(Problem(severity, text, row, column))
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


def _quoted_with(values: pd.Series, words: str, rows: pd.Index) -> pd.Series:
    """Messages that quote the cell, then say what is wrong with it."""
    return _quoted(values.loc[rows]) + words


def _filled(values: pd.Series) -> pd.Series:
    return values.ne("")


def _within(low: float, high: float, numbers: pd.Series) -> pd.Series:
    """In range, or blank: a missing position is its own error."""
    return numbers.between(low, high) | numbers.isna()


#: Per-column rules: the column tested, which of its cells pass, and what is said about the others.
COLUMN_RULES: tuple[tuple[str, Callable[[pd.Series], pd.Series], str], ...] = (
    ("id", _filled, "the id is missing"),
    ("name", _filled, "the name is missing"),
    ("name", lambda names: names.str.len().le(120), "the name is longer than 120 characters"),
    ("address", _filled, "the street address is missing"),
    ("city", _filled, "the city is missing"),
    ("state", lambda states: states.isin(list(STATE_NAMES)), "is not a US state; use the two-letter code, like IL"),
    ("zip", lambda zips: zips.str.match(r"^\d{5}$"), "is not a five-digit ZIP code"),
    ("phone_digits", lambda digits: digits.str.match(r"^\d{10}$"), "is not a 10-digit US phone number with area code"),
    ("latitude", partial(_within, -90, 90), "latitude must be between -90 and 90"),
    ("longitude", partial(_within, -180, 180), "longitude must be between -180 and 180"),
)

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
    return ValidationReport(with_helper_columns(good.reset_index(drop=True)), log, rows_read)


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


#: A number already shown the way every valid one is (most cells): its digits are where the pattern says.
_SHOWN_PHONE = r"\([0-9]{3}\) [0-9]{3}-[0-9]{4}"


def _normalize_phone(table: pd.DataFrame, check: _Collector) -> None:
    """Keep the digits for tel: links and show every valid number as (312) 555-0142 [x12]."""
    table["phone_digits"], table["phone"] = _phones(table["phone"])


def _phones(phones: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each number's digits and how it is shown. Cells already shown right are kept as they are, so the
    general rule (`_phone_parts`, several times slower) reads only the others."""
    ready = phones.str.fullmatch(_SHOWN_PHONE)
    digits, shown = _phone_parts(phones[~ready])
    ready_digits = phones.str.slice(1, 4) + phones.str.slice(6, 9) + phones.str.slice(10)
    return ready_digits.where(ready, digits), phones.where(ready, shown)


def _phone_parts(phones: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The digits (a leading country code 1 dropped) and, for 10 digits, (312) 555-0142 plus any extension."""
    extension = phones.str.extract(_PHONE_EXTENSION, expand=False).fillna("")
    digits = phones.str.replace(_PHONE_EXTENSION, "", regex=True).str.replace(r"\D", "", regex=True)
    digits = digits.where(~digits.str.fullmatch(r"1\d{10}"), digits.str.slice(1))  # drop the country code
    formatted = "(" + digits.str.slice(0, 3) + ") " + digits.str.slice(3, 6) + "-" + digits.str.slice(6) + extension
    return digits, phones.where(~digits.str.fullmatch(r"\d{10}"), formatted)


def _normalize_coordinates(table: pd.DataFrame, check: _Collector) -> None:
    for column in ("latitude", "longitude"):
        text = table[column]
        numbers = pd.to_numeric(text, errors="coerce")
        check.add(
            "error",
            numbers.isna() & text.ne(""),
            column,
            partial(_quoted_with, text, " is not a number"),
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
    for checked, passes, message in COLUMN_RULES:
        column = _SOURCE_COLUMN.get(checked, checked)
        check.add("error", ~passes(table[checked]), column, partial(_rule_messages, table[column], message, column))


def _rule_messages(values: pd.Series, message: str, column: str, rows: pd.Index) -> pd.Series:
    shown = values.loc[rows].astype(str)
    if not message.startswith("is "):
        return pd.Series(message, index=rows)
    return (_quoted(shown) + " " + message).where(shown.ne(""), f"the {column} is missing")


def _check_zip_known(table: pd.DataFrame, check: _Collector) -> None:
    zips = zip_table()
    well_formed = table["zip"].str.fullmatch(r"\d{5}")
    zip_state = _on_distinct(table["zip"], lambda distinct: distinct.map(zips["state"]))
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
    centre_lat = _on_distinct(table["zip"], lambda distinct: distinct.map(zips["lat"]))
    centre_lon = _on_distinct(table["zip"], lambda distinct: distinct.map(zips["lon"]))
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
    unknown = _on_distinct(
        cells, lambda distinct: distinct.map({cell: bool(names) for cell, (_, names) in parsed.items()}).astype(bool)
    )  # astype: an empty column maps to text, and text & bool is going away in pandas
    check.add(
        "error", unknown, "subspecialties",
        lambda rows: _map_unique(cells.loc[rows], lambda cell: "; ".join(map(_did_you_mean, parsed[cell][1]))),
    )  # fmt: skip
    masks = {cell: mask for cell, (mask, _) in parsed.items()}
    table["subspecialty_mask"] = _on_distinct(cells, lambda distinct: distinct.map(masks)).astype("int64")
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
        words = _on_distinct(table[column], lambda distinct: distinct.str.lower())
        understood = words.isin(TRUE_WORDS | FALSE_WORDS) | words.eq("")
        check.add(
            "warning", ~understood, column,
            partial(_quoted_with, table[column], " is not yes or no, so it is shown as unknown"),
        )  # fmt: skip
        flags = pd.Series(pd.NA, index=table.index, dtype="boolean")
        flags[words.isin(TRUE_WORDS)] = True
        flags[words.isin(FALSE_WORDS)] = False
        table[column] = flags
    website = table["website"]
    safe = _web_addresses(website)
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
    table["languages_key"] = _on_distinct(
        languages, lambda distinct: ";" + distinct.str.replace("; ", ";", regex=False).str.lower() + ";"
    )


#: A web address as the website column accepts it (https:// or http://, a dotted host, no spaces).
_WEB_ADDRESS = r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$"
#: The same for text of printable ASCII, where the only space is " " and case-folding is ASCII's; written
#: without \s and case flags, pandas hands it to Arrow's regular expressions instead of Python's.
_ASCII_WEB_ADDRESS = r"^[hH][tT][tT][pP][sS]?://[^ /?#]+\.[^ /?#]+(?:[/?#][^ ]*)?$"


def _web_addresses(cells: pd.Series) -> pd.Series:
    """Which cells are web addresses: printable ASCII ones (nearly all) by the fast pattern, the rest by Python's."""
    plain = cells.str.fullmatch(r"[ -~]*")
    safe = cells.str.match(_ASCII_WEB_ADDRESS)
    safe[~plain] = cells[~plain].str.match(_WEB_ADDRESS, case=False)
    return safe


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
    table["gender"] = _on_distinct(given, lambda distinct: distinct.str.lower().map(GENDER_WORDS).fillna(""))
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


def _on_distinct(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """A cell-by-cell `transform` run on each distinct cell once and spread back over the column.

    Lists repeat the same few states, ZIPs, yes/no words, languages and subspecialties: finding the
    distinct cells (Arrow hashes them) and transforming those is several times cheaper than
    transforming, or hash-looking-up, every cell, and gives the same column."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    done = transform(pd.Series(distinct, dtype=values.dtype))
    return pd.Series(done.array.take(codes), index=values.index, name=values.name)


def _map_unique(values: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """`function` applied to each distinct cell once; only those become Python strings."""
    return _on_distinct(values, lambda distinct: distinct.map(function)).astype("str")
