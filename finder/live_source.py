"""An optional live specialists list, read from a CSV URL such as a published spreadsheet.

Staff can then update the list without a code change. A fetch that fails, or a file that
does not pass the checks, must never reach patients: the caller keeps serving the last
good list and shows staff the reason from here.
"""

from __future__ import annotations

import requests

from finder.csv_io import MAX_FILE_BYTES, load_specialists
from finder.safety import safe_url
from finder.validation import ValidationReport

FETCH_TIMEOUT_SECONDS = 10.0
#: A new file is refused when fewer than this share of its rows can be used: most likely a broken export.
MIN_USABLE_SHARE = 0.5


class LiveSourceError(RuntimeError):
    """The live list could not be used; the message says why in plain words."""


def fetch_csv(url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> bytes:
    """The CSV's bytes, or LiveSourceError (bad URL, network error, HTTP error, too large)."""
    if not safe_url(url):
        raise LiveSourceError("the live list's address must start with https:// (or http://)")
    try:
        with requests.get(url, timeout=timeout, stream=True) as response:
            response.raise_for_status()
            data = response.raw.read(MAX_FILE_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        raise LiveSourceError(f"the live list could not be downloaded ({type(error).__name__}: {error})") from error
    if len(data) > MAX_FILE_BYTES:
        raise LiveSourceError(f"the live list is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return data


def check_live(report: ValidationReport) -> None:
    """Raise LiveSourceError when a freshly read list should not replace the one being served."""
    file_errors = [p for p in report.errors if p.row is None]
    if file_errors:
        raise LiveSourceError("the live list cannot be used: " + "; ".join(p.message for p in file_errors))
    if report.rows_read and len(report.specialists) < MIN_USABLE_SHARE * report.rows_read:
        raise LiveSourceError(
            f"only {len(report.specialists)} of {report.rows_read} rows in the live list pass the checks, "
            "so it was not used; fix the rows listed on the Manage data page"
        )


def load_live(url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> ValidationReport:
    """Fetch and validate the live list; raise LiveSourceError when it must not be served."""
    report = load_specialists(fetch_csv(url, timeout))
    check_live(report)
    return report
