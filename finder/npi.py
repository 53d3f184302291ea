"""National Provider Identifiers: the check digit, and the public NPI Registry page of each one.

An NPI is 10 digits whose last is a Luhn check digit computed as if the number were prefixed
with 80840 (the ISO card-issuer prefix for US health). Checking it catches a mistyped or
shifted NPI before patients are sent to someone else's registry page.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: The ISO 7812 issuer prefix NPIs are checked under; its Luhn contribution is this constant.
_PREFIX_SUM = 24
_TEN_DIGITS = re.compile(r"[0-9]{10}")  # not \d: it also matches other scripts' digits
REGISTRY_PAGE = "https://npiregistry.cms.hhs.gov/provider-view/"


def check_digit(first_nine: str) -> int:
    """The tenth digit that makes `first_nine` a valid NPI."""
    total = _PREFIX_SUM
    # Luhn doubles every second digit counting from the right of the full number; with the check
    # digit still to come, that is the last of the nine and every other one before it.
    for position, char in enumerate(reversed(first_nine)):
        digit = int(char)
        if position % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return (10 - total % 10) % 10


def is_valid(npi: str) -> bool:
    """True for exactly 10 digits whose last is the right check digit."""
    return bool(_TEN_DIGITS.fullmatch(npi)) and check_digit(npi[:9]) == int(npi[9])


def valid_mask(npis: pd.Series) -> pd.Series:
    """is_valid for a column of text (blank cells are simply not valid), the whole column at once.

    A map of thousands of results and a list of 100,000 rows both ask this; one Python call per
    cell cost ~0.5 µs each, so the ten-digit cells are checked together as a table of digits.
    """
    text = npis.fillna("").astype(str)
    shaped = text.str.fullmatch(_TEN_DIGITS.pattern).to_numpy(dtype=bool, na_value=False)
    valid = np.zeros(len(text), dtype=bool)
    if shaped.any():
        digits = np.frombuffer("".join(text[shaped]).encode("ascii"), dtype=np.uint8).reshape(-1, 10) - ord("0")
        doubled = digits[:, 8::-2] * 2  # the last of the first nine and every other one before it, as check_digit
        total = _PREFIX_SUM + np.where(doubled > 9, doubled - 9, doubled).sum(axis=1) + digits[:, 7::-2].sum(axis=1)
        valid[shaped] = (10 - total % 10) % 10 == digits[:, 9]
    return pd.Series(valid, index=npis.index)


def registry_url(npi: str) -> str:
    """The specialist's public page on the NPI Registry, where a patient can check the listing."""
    return REGISTRY_PAGE + npi
