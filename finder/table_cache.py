"""A checked copy of a specialists file, kept on disk by the file's content, so a restart does not check it again.

Reading and checking a national list takes seconds; reading the checked table back from
Parquet takes milliseconds. The cache is keyed by a hash of the file's bytes *and* of the
code that checks it, so an edited file or a changed rule can never be served from an old
copy. Anything wrong with the cache (missing, half-written, unreadable, another version of
pyarrow) just means checking the file again: the cache can make loading faster, never wrong.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from finder import disk_cache
from finder.table_contract import Problem, ProblemLog, ValidationReport

DEFAULT_CACHE_DIR = disk_cache.CACHE_DIR
#: The modules whose code decides what a checked table holds (every finder module the reader and the checks
#: import); editing any of them retires old copies.
CHECKING_MODULES = (
    "csv_io.py", "csv_fast.py", "csv_write.py", "validation.py", "table_contract.py", "vocabulary.py", "zip_index.py",
    "table_cache.py", "npi.py", "provenance.py", "distance.py", "places.py", "disk_cache.py",
)  # fmt: skip
#: Copies kept; older ones are removed so a server that sees many versions does not fill its disk.
MAX_COPIES = 8

log = logging.getLogger(__name__)


_CODE_FINGERPRINT = disk_cache.code_fingerprint(CHECKING_MODULES)


def cache_key(data: bytes) -> str:
    """Names the checked copy of exactly these bytes, checked by exactly this code."""
    return hashlib.sha256(data).hexdigest()[:32] + "-" + _CODE_FINGERPRINT


def checked(data: bytes, check: Callable[[bytes], ValidationReport], directory: Path | None = None) -> ValidationReport:
    """The report for `data`: from the disk copy when there is one, else from `check` (and then stored).

    `directory` defaults to DEFAULT_CACHE_DIR, looked up at each call.
    """
    directory = directory or DEFAULT_CACHE_DIR
    key = cache_key(data)
    table_path, facts_path = directory / f"{key}.parquet", directory / f"{key}.json"
    try:
        return _read(table_path, facts_path)
    except FileNotFoundError:
        pass
    except Exception as error:  # a damaged or foreign copy: check the file again instead
        log.warning("ignoring the checked copy %s: %s", table_path, error)
    report = check(data)
    try:
        _write(report, table_path, facts_path)
        _prune(directory)
    except Exception as error:  # a read-only or full disk costs speed, not the list
        log.warning("could not keep a checked copy in %s: %s", directory, error)
    return report


def _read(table_path: Path, facts_path: Path) -> ValidationReport:
    facts = json.loads(facts_path.read_text(encoding="utf-8"))
    log = ProblemLog(facts["limit"])
    log.counts.update({(severity, column): count for severity, column, count in facts["counts"]})
    for problem in facts["problems"]:
        log.keep(Problem(**problem))
    table = pd.read_parquet(table_path)
    with contextlib.suppress(OSError):  # most recently used, for pruning; a read-only copy is still a good copy
        os.utime(facts_path)
    return ValidationReport(table, log, facts["rows_read"])


def _write(report: ValidationReport, table_path: Path, facts_path: Path) -> None:
    """The table as Parquet and the rest as JSON, each renamed into place whole so readers never see half a file."""
    facts = {
        "rows_read": report.rows_read,
        "limit": report.log.limit,
        "counts": [[severity, column, count] for (severity, column), count in report.log.counts.items()],
        "problems": [dataclasses.asdict(problem) for problem in report.problems],
    }
    disk_cache.write_whole(table_path, lambda partial: report.specialists.to_parquet(partial, index=False))
    disk_cache.write_whole(facts_path, lambda partial: partial.write_text(json.dumps(facts), encoding="utf-8"))


def _prune(directory: Path) -> None:
    copies = sorted(directory.glob("*.json"), key=lambda path: path.stat().st_mtime, reverse=True)
    for old in copies[MAX_COPIES:]:
        old.unlink(missing_ok=True)
        old.with_suffix(".parquet").unlink(missing_ok=True)
