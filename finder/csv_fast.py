"""Parse a plainly written CSV file with Arrow's C parser, and only such a file.

csv_io's careful reader goes one record at a time through Python's csv module so that it can
give back the rows an unclosed quote swallowed and name each ragged row by its spreadsheet row
and text line. That care costs about a second per 100,000 rows. Most files need none of it:
every record is one line, every quote mark opens or closes a whole cell (or is doubled inside
one), and every line is as wide as the header. For such a file Python's csv module and Arrow's
parser read the same cells, so this module checks those conditions on the raw bytes (a few
vectorized passes) and parses with Arrow; for any other file it declines (returns None) and the
careful reader reads it. Declining is always safe; the tests compare both readers on generated
files with every quirk we know of.
"""

from __future__ import annotations

import codecs
import csv
import io

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

#: The characters Python's str.strip() removes (str.isspace); a row of only these is a blank row.
PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
_BLANK = "^[" + "".join(f"\\x{{{ord(character):x}}}" for character in PYTHON_WHITESPACE) + "]*$"
_QUOTE, _COMMA, _LF, _CR = ord('"'), ord(","), ord("\n"), ord("\r")
_CELL_ENDS = np.array([_COMMA, _LF, _CR], dtype=np.uint8)


def parse_plain(data: bytes, encoding: str) -> tuple[list[str], pa.Table] | None:
    """The header's cells and the rows below it as Arrow text columns (one per header cell), or None
    when the file is not plainly written and must be read by the careful reader.

    `encoding` is the one the careful reader would use ("utf-8-sig" or "cp1252"). Both are ASCII in
    the bytes that matter here (quote, comma, line breaks), so the checks run on the raw bytes.
    """
    if encoding == "utf-8-sig":  # the careful reader drops one byte-order mark, and only one
        data, encoding = data.removeprefix(codecs.BOM_UTF8), "utf-8"
    raw = np.frombuffer(data, dtype=np.uint8)
    if not data or not _plain_quotes(data, raw):
        return None
    header_end = _first_line_end(data)
    header_line = data[:header_end]
    header = next(csv.reader([header_line.decode(encoding, errors="replace")]), [])
    body = data[header_end:]
    if header_line.count(b'"') % 2 or not "".join(header).strip() or not body:
        return None  # a quoted line break in row 1, or no names or rows: the careful reader words these
    if encoding != "utf-8":
        body = body.decode(encoding, errors="replace").encode("utf-8")
    if body.startswith(codecs.BOM_UTF8):
        return None  # Arrow drops a byte-order mark at the start of what it parses; csv keeps it as text
    table = _arrow_table(body, len(header))
    # A record that spans lines holds a quoted line break; the careful reader numbers such files' lines.
    if table is None or table.num_rows != _lines(raw) - 1 or _longest_cell(table) >= csv.field_size_limit():
        return None
    return header, table


def _lines(raw: np.ndarray) -> int:
    """How many lines Python's universal newlines see: a line ends at LF, at CR LF, or at a lone CR."""
    returns = np.flatnonzero(raw == _CR)
    followed = returns[returns + 1 < len(raw)] + 1
    breaks = np.count_nonzero(raw == _LF) + len(returns) - np.count_nonzero(raw[followed] == _LF)
    return int(breaks) + int(raw[-1] not in (_LF, _CR))


def _first_line_end(data: bytes) -> int:
    """Where the second line starts (the file's length when it has one line)."""
    ends = [end for end in (data.find(b"\n"), data.find(b"\r")) if end >= 0]
    if not ends:
        return len(data)
    end = min(ends) + 1
    return end + 1 if data[end - 1 : end + 1] == b"\r\n" else end


def _plain_quotes(data: bytes, raw: np.ndarray) -> bool:
    """Whether every quote mark opens a cell, closes it, or is doubled inside it.

    Taken in order, the marks pair up as (open, close). A doubled mark inside a cell is then a close
    directly followed by an open. So the file is plain when each open starts a cell (first on its line,
    after a comma, or right after a close) and each close ends one (last, before a comma or line break,
    or right before an open). Then Python's csv module and Arrow split every line into the same cells.
    """
    if b'"' not in data:
        return True
    marks = np.flatnonzero(raw == _QUOTE)
    if len(marks) % 2:
        return False
    opens, closes = marks[0::2], marks[1::2]
    opens_cell = (opens == 0) | np.isin(raw[np.maximum(opens - 1, 0)], _CELL_ENDS)
    opens_cell[1:] |= opens[1:] - 1 == closes[:-1]
    closes_cell = (closes == len(raw) - 1) | np.isin(raw[np.minimum(closes + 1, len(raw) - 1)], _CELL_ENDS)
    closes_cell[:-1] |= closes[:-1] + 1 == opens[1:]
    return bool(opens_cell.all() and closes_cell.all())


def _longest_cell(table: pa.Table) -> int:
    """Bytes in the longest cell: csv cannot read a cell over its field size limit (the careful reader says so)."""
    longest = (pc.max(pc.binary_length(column)).as_py() for column in table.columns)
    return max((length or 0 for length in longest), default=0)


def _arrow_table(body: bytes, width: int) -> pa.Table | None:
    """The body's cells as text, or None when a row is not `width` cells wide (or Arrow cannot parse it)."""
    names = [str(number) for number in range(width)]
    try:
        return pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None


def blank_cells(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Which cells are empty or only whitespace, by the same rule as Python's str.strip()."""
    return np.asarray(pc.match_substring_regex(column, _BLANK).to_numpy(zero_copy_only=False), dtype=bool)


def blank_rows(table: pa.Table) -> np.ndarray:
    """The positions of the rows whose every cell is blank (spreadsheets save empty rows as ',,,')."""
    candidates = np.arange(table.num_rows)
    for column in table.columns:
        if not len(candidates):
            break
        candidates = candidates[blank_cells(column.take(candidates))]
    return candidates
