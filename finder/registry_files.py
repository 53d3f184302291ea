"""Stream a national registry file (a CSV of many gigabytes, or the .zip it is downloaded as).

Only the columns an import needs are converted, by pyarrow's streaming CSV reader, one block
at a time, so memory stays flat whatever the file's size. A zip archive is read straight from
its member, never extracted. Every column arrives as bytes: a stray non-UTF-8 byte in one
name must not stop a 9-million-row import, so text is decoded only for the rows kept.
Whatever goes wrong comes back as a `RegistryFileError` whose message says it in plain words.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

#: Bytes per block handed to the CSV parser: large enough to parse fast, small enough to keep memory low.
BLOCK_BYTES = 2 << 20
#: How many damaged rows are described one by one; the rest are counted.
DAMAGED_ROWS_LISTED = 20
Progress = Callable[[int, int], None]


class RegistryFileError(Exception):
    """The file cannot be imported; the message says why and what to do."""


@dataclass(frozen=True)
class SourceFile:
    """The file being read: its name (which carries the release date), size and modification date."""

    path: Path
    member: str | None  # the CSV inside a zip archive
    size: int  # bytes of CSV text to read
    modified: dt.date

    @property
    def name(self) -> str:
        return self.member or self.path.name


@dataclass
class DamagedRows:
    """Rows with the wrong number of cells (a cut-off download, a stray quote): skipped, counted, described."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def handler(self, row: pa_csv.InvalidRow) -> str:
        self.count += 1
        if len(self.examples) < DAMAGED_ROWS_LISTED:
            where = f"line {row.number}" if row.number is not None else "a line"
            self.examples.append(
                f"{where} has {row.actual_columns} cells instead of {row.expected_columns}: {row.text[:80]!r}"
            )
        return "skip"


class _CountingReader(io.RawIOBase):
    """A binary stream that remembers how many bytes were read, for the progress bar."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.done = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.done += len(data)
        return data


@contextmanager
def open_source(path: Path, member_pattern: str) -> Iterator[tuple[IO[bytes], SourceFile]]:
    """The file's CSV text as a binary stream: the file itself, or the zip member whose name matches."""
    try:
        modified = dt.date.fromtimestamp(path.stat().st_mtime)
        if path.is_dir():
            raise RegistryFileError(f"{path} is a folder, not a file. Give the downloaded .csv or .zip file.")
        with path.open("rb") as probe:
            looks_zipped = probe.read(4) == b"PK\x03\x04"
        if looks_zipped:
            with zipfile.ZipFile(path) as archive:
                member = _member(archive, member_pattern, path)
                with archive.open(member) as stream:
                    yield stream, SourceFile(path, member.filename, member.file_size, modified)
        else:
            with path.open("rb") as stream:
                yield stream, SourceFile(path, None, path.stat().st_size, modified)
    except FileNotFoundError as error:
        raise RegistryFileError(f"There is no file at {path}. Check the file name and folder.") from error
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise RegistryFileError(
            f"The zip file {path} is damaged or incomplete ({error}). Download it again."
        ) from error
    except OSError as error:
        raise RegistryFileError(f"The file {path} cannot be read: {error.strerror or error}.") from error


def _member(archive: zipfile.ZipFile, pattern: str, path: Path) -> zipfile.ZipInfo:
    matches = [
        info
        for info in archive.infolist()
        if re.fullmatch(pattern, Path(info.filename).name, re.IGNORECASE) and "fileheader" not in info.filename.lower()
    ]
    if not matches:
        names = ", ".join(info.filename for info in archive.infolist()[:8]) or "nothing"
        raise RegistryFileError(f"The zip file {path.name} holds no file named like {pattern} (it holds {names}).")
    return max(matches, key=lambda info: info.file_size)


def read_header(stream: IO[bytes], path: Path) -> list[str]:
    """The column names on the first line, trimmed (and without a byte-order mark)."""
    line = stream.readline()
    if not line.strip():
        raise RegistryFileError(f"The file {path.name} is empty.")
    text = line.decode("utf-8-sig", errors="replace")
    return [name.strip() for name in next(csv.reader([text]))]


def find_columns(
    header: Sequence[str], wanted: Mapping[str, Sequence[str]], required: Sequence[str], kind: str
) -> dict[str, str]:
    """For each wanted field, the header's name for it (fields may go by several names across releases)."""
    present = {name.lower(): name for name in header}  # releases differ in capitals, e.g. Cred / cred
    found = {
        key: next((present[name.lower()] for name in names if name.lower() in present), "")
        for key, names in wanted.items()
    }
    missing = [wanted[key][0] for key in required if not found[key]]
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise RegistryFileError(
            f"This does not look like {kind}: it has no column named " + ", ".join(f"“{name}”" for name in missing[:3])
            + f"{more}. Its first columns are: {', '.join(header[:5])[:200]}."
        )  # fmt: skip
    return {key: name for key, name in found.items() if name}


def batches(
    stream: IO[bytes],
    header: Sequence[str],
    columns: Sequence[str],
    damaged: DamagedRows,
    on_progress: Progress | None = None,
    total: int = 0,
) -> Iterator[pa.RecordBatch]:
    """The file's rows, block by block, with only `columns`, every cell as bytes ('' when empty)."""
    counting = _CountingReader(stream)
    rows = 0
    try:
        reader = pa_csv.open_csv(
            counting,
            read_options=pa_csv.ReadOptions(column_names=list(header), block_size=BLOCK_BYTES, use_threads=False),
            parse_options=pa_csv.ParseOptions(invalid_row_handler=damaged.handler),
            convert_options=pa_csv.ConvertOptions(
                include_columns=list(columns),
                column_types=dict.fromkeys(columns, pa.binary()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        if str(error).startswith("Empty CSV file"):  # column names and no rows: a week with no changes
            return
        raise _unreadable(rows, error) from error
    try:
        for batch in reader:
            rows += batch.num_rows
            if on_progress:
                on_progress(counting.done, total)
            yield batch
        if on_progress:
            on_progress(total, total)  # the header line was read before counting began
    except (pa.ArrowInvalid, OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise _unreadable(rows, error) from error


def _unreadable(rows: int, error: Exception) -> RegistryFileError:
    return RegistryFileError(
        f"The file could not be read past row {rows + 1:,} ({str(error)[:200]}). "
        "It may be cut short or damaged: download it again."
    )


def text(column: pa.Array | pa.ChunkedArray) -> pd.Series:
    """Decode a (small) column of bytes: UTF-8, or Windows-1252 for a value that is not UTF-8."""
    try:
        return pd.Series(pc.cast(column, pa.string()).to_pylist(), dtype=object).fillna("").astype(str)
    except pa.ArrowInvalid:
        return pd.Series(
            [_decode(value) for value in column.to_pylist()],
            dtype=object,
        ).astype(str)


def _decode(value: bytes | None) -> str:
    if value is None:
        return ""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")
