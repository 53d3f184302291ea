"""Where a specialists list comes from and how fresh it is, in the words patients and staff read.

Imported rows carry `source` (e.g. "NPI Registry") and `source_date` (the public file's date,
YYYY-MM-DD). A list made of them says "NPI Registry, file of November 2026"; rows staff typed
in themselves have no source and are counted as such.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

NPPES_SOURCE = "NPI Registry"
CMS_SOURCE = "CMS Doctors and Clinicians"


def parse_date(value: str) -> dt.date | None:
    """A YYYY-MM-DD (or YYYYMMDD) date at the start of value, or None."""
    value = value.strip()
    for form, length in (("%Y-%m-%d", 10), ("%Y%m%d", 8)):
        try:
            return dt.datetime.strptime(value[:length], form).date()
        except ValueError:
            continue
    return None


def month_label(day: dt.date) -> str:
    """'November 2026'."""
    return day.strftime("%B %Y")


def describe_sources(specialists: pd.DataFrame) -> str:
    """'NPI Registry, file of November 2026' for an imported list ('' when no row names a source).

    Several sources are listed most rows first; each with the newest file date its rows carry
    (a weekly update refreshes only the rows that changed, the rest were current too).
    """
    if "source" not in specialists or specialists.empty:
        return ""
    sources = specialists["source"].fillna("").astype(str).str.strip()
    if not sources.ne("").any():
        return ""
    dates = specialists.get("source_date", pd.Series("", index=specialists.index)).fillna("").astype(str)
    parts = []
    for source, count in sources.value_counts().items():
        if not source:
            parts.append(f"{count:,} added by the clinic")
            continue
        days = [day for day in dates[sources.eq(source)].map(parse_date) if day is not None]
        parts.append(f"{source}, file of {month_label(max(days))}" if days else str(source))
    return "; ".join(parts)
