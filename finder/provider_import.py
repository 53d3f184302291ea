"""What both registry imports share: turning kept registry rows into our columns, and the summary.

The NPPES and CMS readers (nppes_import, cms_import) decide who is a neurologist; this module
tidies their text, places each practice at its ZIP code's centre (offline, no geocoder call for
a national file), and leaves out with a reason, never silently, any row that cannot be shown:
a practice outside the US or the chosen states, or a neurologist whose registry entry lacks a
usable ZIP code, street address or phone number (those are listed for staff to look at).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from finder import provider_text, registry_files, vocabulary
from finder.registry_files import DamagedRows
from finder.table_contract import ALL_COLUMNS
from finder.wording import counted
from finder.zip_index import STATE_NAMES, zip_table

# Why a row of the registry file is not in the output, in the words the summary prints.
DEACTIVATED = "deactivated NPI"
NOT_INDIVIDUAL = "not an individual (an organization)"
NO_NEUROLOGY = "no neurology code"
REPEATED = "the same NPI again further on in the file (the later row is used)"
OUTSIDE_US = "practice address outside the US"
OTHER_STATE = "practice in a state not chosen with --states"
NO_ADDRESS = "no practice street address or city"
UNKNOWN_ZIP = "practice ZIP code unknown"
NO_PHONE = "no practice phone number"
DAMAGED = "damaged row (wrong number of cells)"
#: Reasons that mean a real neurologist is missing from the list: each is listed for staff to look at.
TO_LOOK_AT = (NO_ADDRESS, UNKNOWN_ZIP, NO_PHONE)
#: The fields a reader hands over for each kept row (text), besides `subspecialties` (a list of slugs).
CANDIDATE_FIELDS = (
    "id", "npi", "first", "middle", "last", "suffix", "credentials", "clinic", "address1", "address2",
    "city", "state", "postal", "country", "phone", "sex", "telehealth",
)  # fmt: skip
GENDERS = {"F": "female", "M": "male"}
#: How the summary explains a file date taken from the file's modification time.
MODIFIED = "the file's modification date; pass --source-date to give the real one"
COORDINATE_DECIMALS = 4


@dataclass
class ImportSummary:
    """What an import read, kept and left out, in plain words for the person who ran it."""

    source: str
    file_name: str
    source_date: dt.date
    date_note: str  # how the date was found, e.g. "from the file name"
    rows_read: int = 0
    kept: int = 0
    people: int = 0  # distinct NPIs among the kept rows
    left_out: Counter[str] = field(default_factory=Counter)
    by_state: Counter[str] = field(default_factory=Counter)
    to_look_at: list[str] = field(default_factory=list)
    damaged_examples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def needs_a_look(self) -> bool:
        return bool(self.to_look_at) or self.left_out[DAMAGED] > 0

    def lines(self) -> list[str]:
        """The summary, one line (or indented list item) each."""
        day = f"{self.source_date.day} {self.source_date:%B %Y}"
        lines = [
            f"Read {counted(self.rows_read, 'row')} of {self.file_name} ({self.source}, file of {day}: "
            f"{self.date_note}) in {_duration(self.seconds)}.",
            f"Kept {counted(self.kept, 'neurologist')}."
            if self.people == self.kept
            else f"Kept {counted(self.kept, 'row')}: {counted(self.people, 'neurologist')}, "
            "some at more than one practice address.",
        ]
        if self.left_out:
            lines.append(f"Left out {counted(sum(self.left_out.values()), 'row')}:")
            width = len(f"{max(self.left_out.values()):,}")
            lines += [f"  {count:>{width},} {reason}" for reason, count in self.left_out.most_common()]
        if self.by_state:
            lines.append(
                "Kept by state: " + ", ".join(f"{state} {count:,}" for state, count in self.by_state.most_common())
            )
        if self.damaged_examples:
            lines.append("Damaged rows (skipped):")
            lines += [f"  {example}" for example in self.damaged_examples]
            if (more := self.left_out[DAMAGED] - len(self.damaged_examples)) > 0:
                lines.append(f"  and {more:,} more")
        if self.to_look_at:
            lines.append(
                "Neurologists left out because their registry entry needs a look "
                "(add them by hand if you know the details):"
            )
            lines += [f"  {line}" for line in self.to_look_at]
        return lines + self.notes


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.1f} seconds"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def build_rows(
    candidates: pd.DataFrame, states: frozenset[str], source: str, source_date: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Our columns for the kept registry rows, and the rows left out (npi, name, reason, detail).

    `candidates` holds CANDIDATE_FIELDS as text plus `subspecialties` as lists of slugs.
    """
    names = provider_text.full_names(*(candidates[part] for part in ("first", "middle", "last", "suffix")))
    state = candidates["state"].str.strip().str.upper()
    country = candidates["country"].str.strip().str.upper()
    zips = provider_text.zip5(candidates["postal"])
    phone = provider_text.phones(candidates["phone"])
    places = zip_table()
    street = provider_text.places(candidates["address1"].str.strip())
    suite = provider_text.places(candidates["address2"].str.strip())
    city = provider_text.places(candidates["city"].str.strip())

    reason = pd.Series("", index=candidates.index)
    detail = pd.Series("", index=candidates.index)

    def leave_out(mask: pd.Series, why: str, text: pd.Series | str = "") -> None:
        mask = mask & reason.eq("")
        reason[mask] = why
        detail[mask] = text if isinstance(text, str) else text[mask]

    leave_out(~country.isin(["", "US"]) | ~state.isin(list(STATE_NAMES)), OUTSIDE_US)
    if states:
        leave_out(~state.isin(list(states)), OTHER_STATE)
    leave_out(street.eq("") | city.eq(""), NO_ADDRESS, "the practice street address or city is blank")
    latitude, longitude = zips.map(places["lat"]), zips.map(places["lon"])
    leave_out(
        latitude.isna(), UNKNOWN_ZIP,
        "practice ZIP “" + candidates["postal"].str.slice(0, 12) + "” is not a US ZIP code we know",
    )  # fmt: skip
    leave_out(
        phone.eq(""), NO_PHONE, "the practice phone “" + candidates["phone"].str.slice(0, 20) + "” is not 10 digits"
    )

    kept = reason.eq("")
    rows = pd.DataFrame(
        {
            "id": candidates["id"],
            "name": names,
            "credentials": provider_text.credentials(candidates["credentials"]),
            "subspecialties": candidates["subspecialties"].map(
                lambda slugs: "; ".join(vocabulary.LABELS[slug] for slug in slugs)
            ),
            "clinic": provider_text.places(candidates["clinic"].str.strip()),
            "address": street.where(suite.eq(""), street + ", " + suite),
            "city": city,
            "state": state,
            "zip": zips,
            "phone": phone,
            "latitude": latitude.map(f"{{:.{COORDINATE_DECIMALS}f}}".format),
            "longitude": longitude.map(f"{{:.{COORDINATE_DECIMALS}f}}".format),
            "accepting_new_patients": "",
            "telehealth": candidates["telehealth"],
            "languages": "",
            "website": "",
            "npi": candidates["npi"],
            "gender": candidates["sex"].str.strip().str.upper().map(GENDERS).fillna(""),
            "source": source,
            "source_date": source_date.isoformat(),
        },
        index=candidates.index,
    )[kept]
    left_out = pd.DataFrame(
        {"npi": candidates["npi"], "name": names, "reason": reason, "detail": detail}, index=candidates.index
    )[~kept]
    return rows.reindex(columns=list(ALL_COLUMNS)).reset_index(drop=True), left_out.reset_index(drop=True)


def record_left_out(summary: ImportSummary, left_out: pd.DataFrame) -> None:
    """Count the rows build_rows left out, and list those that need a look."""
    summary.left_out.update(left_out["reason"].value_counts().to_dict())
    look = left_out[left_out["reason"].isin(TO_LOOK_AT)]
    summary.to_look_at += [f"NPI {r.npi} {r.name}: {r.detail}" for r in look.itertuples()]


def watch_set(npis: Iterable[str]) -> pa.Array:
    """NPIs to follow through the file (those of the list being refreshed), as the reader's bytes."""
    return pa.array(sorted({npi.encode() for npi in npis}), pa.binary())


def note_watched(npis: pa.Array, masks: dict[str, pa.Array], watched_npis: pa.Array, reasons: dict[str, str]) -> None:
    """Remember why each watched NPI in this block was left out (`masks`: reason -> rows, plus "kept")."""
    if not len(watched_npis):
        return
    watched = pc.and_(pc.is_in(npis, value_set=watched_npis), pc.invert(masks["kept"]))
    if not pc.any(watched).as_py():
        return
    for reason, mask in masks.items():
        if reason != "kept":
            for npi in pc.filter(npis, pc.and_(watched, mask)).to_pylist():
                reasons[npi.decode("ascii", errors="replace")] = reason


@dataclass
class Stream:
    """What a reader gathers while it streams a file: counts by reason, kept rows, watched NPIs' reasons."""

    watch: pa.Array
    rows_read: int = 0
    left_out: Counter[str] = field(default_factory=Counter)
    kept: list[pa.RecordBatch] = field(default_factory=list)
    left_out_npis: dict[str, str] = field(default_factory=dict)

    def add(self, batch: pa.RecordBatch, npis: pa.Array, masks: dict[str, pa.Array]) -> None:
        """Count one block's rows by reason and keep its rows with masks["kept"] (still as bytes)."""
        self.rows_read += batch.num_rows
        for reason, mask in masks.items():
            if reason != "kept" and (count := pc.sum(mask).as_py()):
                self.left_out[reason] += count
        note_watched(npis, masks, self.watch, self.left_out_npis)
        if pc.any(masks["kept"]).as_py():
            self.kept.append(batch.filter(masks["kept"]))

    def kept_text(self, columns: dict[str, str]) -> dict[str, pd.Series]:
        """The kept rows' cells as text, field by field, decoded once for the whole file."""
        if not self.kept:
            return {key: pd.Series(dtype=object) for key in columns}
        table = pa.Table.from_batches(self.kept)
        return {key: registry_files.text(table.column(name)) for key, name in columns.items()}


#: A reader's rule for one block: boolean masks per reason for leaving rows out, and "kept".
Classify = Callable[[pa.RecordBatch, dict[str, str]], dict[str, pa.Array]]


def stream_file(
    path: Path,
    member_pattern: str,
    fields: Mapping[str, Sequence[str]],
    required: Sequence[str],
    kind: str,
    classify: Classify,
    watch: Iterable[str],
    on_progress: registry_files.Progress | None,
) -> tuple[Stream, dict[str, str], registry_files.SourceFile, DamagedRows]:
    """Read a registry file (or the .zip holding it) block by block: `classify` keeps rows, the rest are counted.

    Returns what was gathered, the file's name for each field, the file read and its damaged rows.
    """
    stream = Stream(watch_set(watch))
    damaged = DamagedRows()
    with registry_files.open_source(path, member_pattern) as (source_stream, source):
        header = registry_files.read_header(source_stream, path)
        columns = registry_files.find_columns(header, fields, required, kind)
        for batch in registry_files.batches(
            source_stream, header, list(columns.values()), damaged, on_progress, source.size
        ):
            stream.add(batch, batch.column(columns["npi"]), classify(batch, columns))
    return stream, columns, source, damaged


def candidates_table(text: dict[str, pd.Series], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """A table with every candidate field (blank where the file has no such column)."""
    rows = len(next(iter(text.values())))
    blank = pd.Series([""] * rows, dtype=object)
    return pd.DataFrame({name: text.get(name, blank) for name in (*CANDIDATE_FIELDS, *extra)})


@dataclass
class Imported:
    """The rows to write, the summary, and why each watched NPI was left out (for a refresh's merge)."""

    rows: pd.DataFrame
    summary: ImportSummary
    left_out_npis: dict[str, str]
    full_file: bool  # False for an update that lists only the records that changed


def finish(
    stream: Stream,
    candidates: pd.DataFrame,
    summary: ImportSummary,
    damaged: DamagedRows,
    states: frozenset[str],
    full_file: bool,
    started: float,
) -> Imported:
    """Build the output rows from the kept candidates and complete the summary."""
    rows, left_out = build_rows(candidates, states, summary.source, summary.source_date)
    summary.rows_read = stream.rows_read + damaged.count
    summary.left_out.update(stream.left_out)
    if damaged.count:
        summary.left_out[DAMAGED] = damaged.count
        summary.damaged_examples = damaged.examples
    record_left_out(summary, left_out)
    summary.kept, summary.people = len(rows), rows["npi"].nunique()
    summary.by_state = Counter(rows["state"].value_counts().to_dict())
    reasons = {**stream.left_out_npis, **dict(zip(left_out["npi"], left_out["reason"], strict=True))}
    for npi in rows["npi"]:
        reasons.pop(npi, None)  # left out in one row of the file, kept from another
    summary.seconds = time.monotonic() - started
    return Imported(rows, summary, reasons, full_file)
