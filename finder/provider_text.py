"""Registry text as people write it: names, credentials, phone numbers and addresses.

NPPES and CMS write everything in capitals (`MCCOY`, `M.D.`, `3125550142`, `675 N SAINT CLAIR ST`).
Names go through nameparser, which knows McCoy, MacDonald, O'Brien and name particles far better
than hand-written rules; text that already has mixed case is left as its owner wrote it.
Every function takes a pandas column and works once per distinct value, because a national
import repeats the same first names, cities and credentials thousands of times.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
from nameparser import HumanName

# Credentials whose usual spelling is not all capitals; everything else (MD, DO, FAAN, MPH) is.
_MIXED_CASE_CREDENTIALS = {
    "PHD": "PhD", "DRPH": "DrPH", "MSC": "MSc", "BSC": "BSc", "MMSC": "MMSc", "MBCHB": "MBChB",
    "EDD": "EdD", "PSYD": "PsyD", "DPHIL": "DPhil", "MPHIL": "MPhil", "SCD": "ScD", "DSC": "DSc",
}  # fmt: skip
# Words an address or organization keeps in capitals after title-casing.
_CAPITAL_WORDS = frozenset(
    {"NE", "NW", "SE", "SW", "PO", "US", "USA", "LLC", "PLLC", "LLP", "PC", "PA", "SC", "MD", "DO", "II", "III", "IV"}
)
_ORDINAL = re.compile(r"\b(\d+)(St|Nd|Rd|Th)\b")
_WORD = re.compile(r"[A-Za-z]+")


def _all_capitals(text: str) -> bool:
    return text == text.upper() and text != text.lower()


@lru_cache(maxsize=200_000)
def _name_part(part: str, kind: str) -> str:
    if not _all_capitals(part):
        return part
    human = HumanName(**{kind: part})  # type: ignore[arg-type]  # kind is "first" or "last", not "constants"
    human.capitalize(force=True)
    tidy = str(getattr(human, kind))
    # nameparser writes particles in lower case (van, de la); alone at the start of a surname
    # Americans capitalize them: Van Houten-Sauter, De la Cruz, Del Toro.
    return tidy[:1].upper() + tidy[1:] if kind == "last" else tidy


def _tidy_column(values: pd.Series, kind: str) -> pd.Series:
    values = values.fillna("").astype(str).str.strip()
    return values.map({value: _name_part(value, kind) for value in values.unique()})


def full_names(first: pd.Series, middle: pd.Series, last: pd.Series, suffix: pd.Series) -> pd.Series:
    """'First M. Last Suffix', each part capitalized the way the person would write it."""
    middle = _tidy_column(middle, "middle")
    initial = middle.str.slice(0, 1).where(middle.eq(""), middle.str.slice(0, 1) + ".")
    parts = pd.DataFrame(
        {
            "first": _tidy_column(first, "first"),
            "middle": initial,
            "last": _tidy_column(last, "last"),
            "suffix": _tidy_column(suffix, "suffix"),
        }
    )
    joined = parts["first"] + " " + parts["middle"] + " " + parts["last"] + " " + parts["suffix"]
    return joined.str.split().str.join(" ")


@lru_cache(maxsize=20_000)
def _credentials(text: str) -> str:
    tokens: list[str] = []
    for piece in re.split(r"[,;/]+", text.upper().replace(".", "")):
        run = ""  # "M. D." arrives as two one-letter words: put runs of single letters back together
        for word in piece.split():
            if len(word) == 1:
                run += word
                continue
            tokens.extend([run, word] if run else [word])
            run = ""
        if run:
            tokens.append(run)
    spelled = (_MIXED_CASE_CREDENTIALS.get(token, token) for token in tokens)
    return ", ".join(dict.fromkeys(spelled))


def credentials(values: pd.Series) -> pd.Series:
    """'M.D., PH.D.' → 'MD, PhD'; 'MD FAAN' → 'MD, FAAN'."""
    values = values.fillna("").astype(str).str.strip()
    return values.map({value: _credentials(value) for value in values.unique()})


def phones(values: pd.Series) -> pd.Series:
    """US numbers as (312) 555-0142; anything that is not 10 digits (after a leading 1) becomes blank."""
    digits = values.fillna("").astype(str).str.replace(r"[^0-9]", "", regex=True)  # ASCII digits only
    digits = digits.where(~digits.str.fullmatch(r"1[0-9]{10}"), digits.str.slice(1))
    formatted = "(" + digits.str.slice(0, 3) + ") " + digits.str.slice(3, 6) + "-" + digits.str.slice(6)
    return formatted.where(digits.str.fullmatch(r"[0-9]{10}"), "")


@lru_cache(maxsize=200_000)
def _place(text: str) -> str:
    text = " ".join(text.split())
    if not _all_capitals(text):
        return text
    titled = _WORD.sub(lambda m: m.group(0) if m.group(0) in _CAPITAL_WORDS else m.group(0).capitalize(), text)
    return _ORDINAL.sub(lambda m: m.group(1) + m.group(2).lower(), titled)


def places(values: pd.Series) -> pd.Series:
    """Addresses, cities and practice names out of capitals: '675 N SAINT CLAIR ST' → '675 N Saint Clair St'."""
    values = values.fillna("").astype(str)
    return values.map({value: _place(value) for value in values.unique()})


def zip5(values: pd.Series) -> pd.Series:
    """The 5-digit ZIP of a 9- or 5-digit postal code ('606112991' → '60611'); blank when there is none."""
    digits = values.fillna("").astype(str).str.strip().str.replace("-", "", regex=False)
    return digits.str.slice(0, 5).where(digits.str.fullmatch(r"[0-9]{5}(?:[0-9]{4})?"), "")
