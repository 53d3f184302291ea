"""The specialists CSV's columns, with the plain-words description staff see in docs and messages."""

from __future__ import annotations

REQUIRED_COLUMNS: dict[str, str] = {
    "id": "A unique identifier for the specialist, e.g. NF-0001. Never reuse one.",
    "name": "The specialist's full name as patients should see it.",
    "credentials": "Degrees and board titles, e.g. MD or DO, FAAN. May be blank.",
    "subspecialties": "One or more subspecialties separated by ';', e.g. Movement disorders; Epilepsy.",
    "clinic": "Clinic or practice name. May be blank.",
    "address": "Street address, e.g. 123 Main St, Suite 4.",
    "city": "City.",
    "state": "Two-letter state code (IL) or the state's name (Illinois).",
    "zip": "Five-digit ZIP code. Spreadsheets often drop a leading zero: 02115, not 2115.",
    "phone": "Phone number with area code, e.g. (312) 555-0142.",
    "latitude": "Decimal degrees, e.g. 41.8781. Leave blank to have the Manage data page fill it.",
    "longitude": "Decimal degrees, negative in the US, e.g. -87.6298. Filled with latitude.",
}

OPTIONAL_COLUMNS: dict[str, str] = {
    "accepting_new_patients": "yes, no, or blank if unknown.",
    "telehealth": "yes, no, or blank if unknown: does the specialist offer video visits?",
    "languages": "Languages spoken besides English or including it, separated by ';', e.g. English; Spanish.",
    "website": "Full web address starting with https:// (or http://). Other kinds of links are not shown.",
    "npi": "The specialist's 10-digit National Provider Identifier. Cards link to its public NPI Registry page.",
    "gender": "female, male, or blank if unknown; patients can filter on it.",
    "source": "Where the row comes from, e.g. NPI Registry (filled by the import commands; blank for your own rows).",
    "source_date": "The date of the public file the row was imported from, e.g. 2026-11-09.",
}

ALL_COLUMNS: tuple[str, ...] = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
