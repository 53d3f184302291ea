"""Read a specialists CSV however a spreadsheet saved it, without ever raising on its content.

Staff files arrive with a byte-order mark, in Windows-1252, as an Excel workbook renamed to
.csv, with a stray comma in one row, with a quote mark that is never closed, or with a column
named twice. The file's problems come back as `Problem`s naming the spreadsheet row (and the
text-file line when that differs), and the rows that could be read go on to validation.

A plainly written file (most are) is parsed by Arrow's C parser (finder.csv_fast), which reads
exactly the same cells; any other file is read one record at a time into Arrow string columns,
so even a 50 MB file of tiny cells never becomes millions of Python strings held at once.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from finder import csv_fast
from finder.csv_write import unprotect
from finder.table_contract import (
    ALL_COLUMNS,
    FIRST_DATA_ROW,
    MAX_PROBLEMS,
    Problem,
    ProblemLog,
    ValidationReport,
    column_key,
    empty_specialists,
)
from finder.validation import MIN_ROWS_TO_REFUSE, MOSTLY_FAILING, validate

#: Largest file we accept (a 100k-row list is about 20 MB).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Rows gathered as Python lists before they are packed into Arrow columns.
_CHUNK_ROWS = 20_000
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class CsvTable:
    """A file's cells as text (None when the file cannot be used), its problems, and its row count."""

    table: pd.DataFrame | None
    log: ProblemLog
    #: Non-blank rows below the column names, including those left out for their shape.
    rows_read: int = 0


def read_csv_table(data: bytes, limit: int = MAX_PROBLEMS) -> CsvTable:
    """Parse CSV bytes into a table of text cells indexed by row position (spreadsheet row - 2)."""
    log = ProblemLog(limit)
    refusal = _not_a_csv(data)
    if refusal:
        log.add(Problem("error", refusal))
        return CsvTable(None, log)
    encoding = _encoding(data, log)
    plain = csv_fast.parse_plain(data, encoding)
    if plain is not None:
        return _Reader(log).read_plain(*plain)
    lines = _Lines(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="replace", newline=""))
    return _Reader(log).read(lines)


def read_table(data: bytes) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The file's cells as text (None when it cannot be used) and its first problems."""
    read = read_csv_table(data)
    return read.table, read.log.problems()


def load_specialists(source: bytes | str | Path, limit: int = MAX_PROBLEMS) -> ValidationReport:
    """Read and validate a specialists CSV (bytes, or a path) without ever raising on bad content."""
    if isinstance(source, bytes):
        return check_csv(source, limit)[0]
    try:
        data = read_capped(Path(source))
    except OSError as error:
        log = ProblemLog(limit)
        log.add(Problem("error", f"the file cannot be read: {error.strerror}"))
        return ValidationReport(empty_specialists(), log)
    return check_csv(data, limit)[0]


def check_csv(data: bytes, limit: int = MAX_PROBLEMS) -> tuple[ValidationReport, pd.DataFrame | None]:
    """The check report and the cells as read (None when the file cannot be used), from one parse.

    The Manage page needs both: the report for staff, the cells to fill in and hand back unchanged.
    """
    read = read_csv_table(data, limit)
    if read.table is None:
        return ValidationReport(empty_specialists(), read.log, read.rows_read), None
    report = validate(read.table, read.log)
    report.rows_read = read.rows_read
    return report, read.table


def read_capped(path: Path) -> bytes:
    """The file's bytes, but no more than one byte over the size limit: enough to refuse a huge file
    without loading all of it."""
    with path.open("rb") as file:
        return file.read(MAX_FILE_BYTES + 1)


def _not_a_csv(data: bytes) -> str:
    """Why the bytes are not a CSV file at all, or ''."""
    if len(data) > MAX_FILE_BYTES:
        return f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
    if data.startswith(b"PK\x03\x04"):
        return "this is an Excel workbook, not a CSV file: use File › Save As › CSV UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "this file is saved as Unicode text (UTF-16), not CSV: use File › Save As › CSV UTF-8"
    if b"\x00" in data:
        return "this is not a text CSV file (it contains binary data)"
    text = data.removeprefix(codecs.BOM_UTF8)
    if not text or text.isspace():  # isspace: the same ASCII whitespace as strip(), without a copy of the file
        return "the file is empty"
    return ""


def _encoding(data: bytes, log: ProblemLog) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 with a warning."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        # Excel's "CSV" (not "CSV UTF-8") writes Windows-1252; Latin-1 is a subset of it in practice.
        line = data[: error.start].count(b"\n") + 1
        log.add(
            Problem(
                "warning",
                f"the file is not saved as UTF-8 (first odd character on line {line}); it was read as "
                "Windows-1252/Latin-1. Check accented names, and next time save as “CSV UTF-8”.",
            )
        )
        return "cp1252"
    return "utf-8-sig"


class _Lines:
    """The file's lines for csv.reader, remembering those of the current record, so that a record
    which swallowed the rows after it (an unclosed quote) can be given back and read again."""

    def __init__(self, stream: Iterator[str]) -> None:
        self._stream = stream
        self._again: list[str] = []  # lines to read again, the next one last
        self.record: list[str] = []
        self.count = 0  # lines consumed so far: the current record ends on this line

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._again.pop() if self._again else next(self._stream)
        self.record.append(line)
        self.count += 1
        return line

    def give_back(self, lines: list[str]) -> None:
        self._again.extend(reversed(lines))
        self.count -= len(lines)


class _Reader:
    """One pass over the records: checks the column names and each row's shape, and packs the rows."""

    def __init__(self, log: ProblemLog) -> None:
        self.lines = _Lines(iter(()))
        self.log = log
        self.rows_read = 0
        self.shape_errors = 0
        self.positions = array("q")
        self.chunk: list[list[str]] = []
        self.columns: list[list[pa.Array]] = []
        self.blank_named: dict[int, int | None] = {}  # unnamed column -> first row with data in it

    def read(self, lines: _Lines) -> CsvTable:
        """Read the file record by record (any file)."""
        self.lines = lines
        records = self._records()
        header = next(records, [])
        if header is None:
            refusal = "row 1 cannot be read: one of its cells is far too long"
        elif not "".join(header).strip():
            refusal = "row 1 is empty; it must hold the column names"
        elif len(self.lines.record) > 1:
            refusal = (
                f"the column names in row 1 run on to line {self.lines.count}: a quote mark in row 1 is not closed "
                "where it should be"
            )
        else:
            refusal = ""
        if refusal or header is None:
            self.log.add(Problem("error", refusal))
            return CsvTable(None, self.log)
        header = self._start(header)
        for position, cells in enumerate(records):
            self._row(cells, header, position)
        self._pack()
        return self._finish(header, np.frombuffer(self.positions, dtype=np.int64))

    def read_plain(self, header: list[str], body: pa.Table) -> CsvTable:
        """The same table and problems from a file csv_fast parsed: each record is one line as wide as row 1,
        so the only rows to leave out are blank ones, and no row has a shape problem."""
        header = self._start(header)
        blank = csv_fast.blank_rows(body)
        positions = np.arange(body.num_rows, dtype=np.int64)
        if len(blank):
            kept = np.ones(body.num_rows, dtype=bool)
            kept[blank] = False
            positions, body = positions[kept], body.filter(pa.array(kept))
        self.rows_read = body.num_rows
        for index in self.blank_named:
            filled = np.flatnonzero(~csv_fast.blank_cells(body.column(index)))
            self.blank_named[index] = int(positions[filled[0]]) + FIRST_DATA_ROW if len(filled) else None
        self.columns = [list(column.chunks) for column in body.columns]
        return self._finish(header, positions)

    def _start(self, header: list[str]) -> list[str]:
        """The column names as staff typed them (formula protection undone); one empty column per name."""
        header = unprotect(pd.Series(header, dtype="str")).tolist()
        self.columns = [[] for _ in header]
        self.blank_named = {index: None for index, name in enumerate(header) if not column_key(name)}
        return header

    def _finish(self, header: list[str], positions: np.ndarray) -> CsvTable:
        """The file's problems with its columns and overall shape, and the table unless they make it unusable."""
        usable = self._header_problems(header)
        if self.rows_read >= MIN_ROWS_TO_REFUSE and self.shape_errors > MOSTLY_FAILING * self.rows_read:
            self.log.add(
                Problem(
                    "error",
                    f"{self.shape_errors:,} of {self.rows_read:,} rows do not have the {len(header)} cells that row 1 "
                    "names, so this file was not used. Check that row 1 is the row of column names and that the file "
                    "was saved as “CSV UTF-8 (comma delimited)”; the first rows are listed.",
                )
            )
            usable = False
        if not self.rows_read:
            self.log.add(Problem("error", "the file has column names but no specialists"))
            usable = False
        return CsvTable(self._table(header, positions) if usable else None, self.log, self.rows_read)

    def _records(self) -> Iterator[list[str] | None]:
        """Each record's cells, or None for one csv cannot read (only a cell over csv's size limit does);
        `lines.record` holds the record's lines."""
        records = csv.reader(self.lines)
        while True:
            self.lines.record = []
            try:
                yield next(records)
            except StopIteration:
                return
            except csv.Error:  # usually an unclosed quote that ran on and on
                yield None

    def _row(self, cells: list[str] | None, header: list[str], position: int) -> None:
        if cells is not None and not "".join(cells).strip():
            return  # blank spreadsheet rows are harmless
        self.rows_read += 1
        row = position + FIRST_DATA_ROW
        first_line = self.lines.count - len(self.lines.record) + 1
        at_line = f" (line {first_line} of the text file)" if row != first_line else ""
        width = len(header)
        if len(self.lines.record) > 1 and (cells is None or _swallowed_rows(cells, width)):
            self._unclosed_quote(row, at_line, first_line)
        elif cells is None:
            self._shape_error(row, f"this row{at_line} cannot be read: one of its cells is far too long")
        elif len(cells) != width:
            self._shape_error(
                row,
                f"this row{at_line} has {len(cells)} cells but the first row names {width} columns; "
                "look for an extra comma or a missing quote",
            )
        else:
            if self.blank_named:
                self._note_blank_named(cells, row)
            self.positions.append(position)
            self.chunk.append(cells)
            if len(self.chunk) >= _CHUNK_ROWS:
                self._pack()

    def _note_blank_named(self, cells: list[str], row: int) -> None:
        for index, first_row in self.blank_named.items():
            if first_row is None and cells[index].strip():
                self.blank_named[index] = row

    def _unclosed_quote(self, row: int, at_line: str, first_line: int) -> None:
        """Report the record where a quote opened, and give back the lines it swallowed to be read as rows."""
        last_line = self.lines.count
        self._shape_error(
            row,
            f'a quote mark (") opens a cell in this row{at_line} and the cell runs on to line {last_line}, so '
            f"lines {first_line + 1} to {last_line} were read into it. This row is left out; those lines are read "
            "as rows of their own. Remove the stray quote mark, or add the closing one.",
        )
        self.lines.give_back(self.lines.record[1:])

    def _shape_error(self, row: int, message: str) -> None:
        self.shape_errors += 1
        if self.shape_errors <= self.log.limit:
            self.log.add(Problem("error", message, row=row))
        else:
            self.log.count("error", None)

    def _pack(self) -> None:
        """Move the gathered rows into Arrow columns. Each column is joined on NUL, which no accepted
        file contains, and split again in Arrow: several times faster than converting cell by cell."""
        if not self.chunk:
            return
        for column, values in zip(self.columns, zip(*self.chunk, strict=True), strict=True):
            joined = pa.array(["\0".join(values)], type=pa.large_string())
            column.append(pc.list_flatten(pc.split_pattern(joined, "\0")))
        self.chunk = []

    def _table(self, header: list[str], positions: np.ndarray) -> pd.DataFrame:
        index = pd.Index(positions, dtype="int64")
        table = pd.DataFrame(
            {
                number: unprotect(
                    pd.Series(pd.array(pa.chunked_array(pieces, pa.large_string()), dtype="str"), index=index)
                )
                for number, pieces in enumerate(self.columns)
            },
            index=index,
        )
        table.columns = header
        return table

    def _header_problems(self, header: list[str]) -> bool:
        """Report columns named twice and columns without a name; False when the file cannot be used."""
        usable = True
        named: dict[str, list[int]] = {}
        for index, name in enumerate(header):
            named.setdefault(column_key(name), []).append(index)
        for key, indexes in named.items():
            if key in ALL_COLUMNS and len(indexes) > 1:
                columns = " and ".join(f"{_letter(i)} (“{header[i]}”)" for i in indexes)
                self.log.add(
                    Problem(
                        "error",
                        f"columns {columns} are both the “{key}” column; keep one and delete or rename the others",
                    )
                )
                usable = False
        for index, first_row in self.blank_named.items():
            if first_row is None:
                self.log.add(Problem("warning", f"column {_letter(index)} has no name and no data; it is ignored"))
            else:
                self.log.add(
                    Problem(
                        "error",
                        f"column {_letter(index)} has no name in row 1 but holds data (first on row {first_row}); "
                        "give it a name or delete the column",
                    )
                )
                usable = False
        return usable


def _swallowed_rows(cells: list[str], width: int) -> bool:
    """Whether a record that spans several lines looks like a quote that swallowed the rows after it:
    it has the wrong number of cells, or a line inside a cell has as many commas as a whole row."""
    if len(cells) != width:
        return True
    commas = max(width - 1, 1)
    return any(
        line.count(",") >= commas
        for cell in cells
        if "\n" in cell or "\r" in cell
        for line in _LINE_BREAK.split(cell)[1:]
    )


def _letter(index: int) -> str:
    """The spreadsheet letter of a column: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
