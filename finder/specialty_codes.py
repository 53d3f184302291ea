"""Which registry codes make someone a neurologist, and which of our subspecialties each one means.

Source of the codes: the NUCC Health Care Provider Taxonomy code set (https://taxonomy.nucc.org),
group "Allopathic & Osteopathic Physicians › Psychiatry & Neurology" (codes 2084…), as used in
NPPES's `Healthcare Provider Taxonomy Code_1` … `_15`; and the Medicare specialty names CMS
writes in the Doctors and Clinicians file (`pri_spec`, `sec_spec_all`).

Two rules matter more than the table itself:
- Sleep medicine, hospice and palliative medicine and pain medicine are held by psychiatrists,
  internists and anaesthetists too, so these codes only add their tag to someone who also holds
  a neurology code; alone they never make a neurologist.
- Psychiatry codes (2084P0800X and the rest of the 2084 group not listed here) are never neurology.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from finder import vocabulary

Role = Literal["neurology", "added"]  # "neurology": enough on its own; "added": only with a neurology code


@dataclass(frozen=True)
class RegistryCode:
    code: str
    name: str  # the code set's own name, for people reading this table
    slug: str  # our subspecialty
    role: Role


NUCC_CODES: tuple[RegistryCode, ...] = (
    RegistryCode("2084N0400X", "Neurology", "general-neurology", "neurology"),
    RegistryCode(
        "2084N0402X", "Neurology with Special Qualifications in Child Neurology", "child-neurology", "neurology"
    ),
    RegistryCode("2084N0600X", "Clinical Neurophysiology", "clinical-neurophysiology", "neurology"),
    RegistryCode("2084E0001X", "Epilepsy Medicine", "epilepsy", "neurology"),
    RegistryCode("2084N0008X", "Neuromuscular Medicine", "neuromuscular", "neurology"),
    RegistryCode("2084V0102X", "Vascular Neurology", "vascular-neurology", "neurology"),
    RegistryCode("2084B0040X", "Behavioral Neurology & Neuropsychiatry", "behavioral-neurology", "neurology"),
    RegistryCode("2084A2900X", "Neurocritical Care", "neurocritical-care", "neurology"),
    RegistryCode("2084S0012X", "Sleep Medicine", "sleep-medicine", "added"),
    RegistryCode("2084H0002X", "Hospice and Palliative Medicine", "palliative-care", "added"),
    RegistryCode("2084P2900X", "Pain Medicine", "pain-medicine", "added"),
)
NEUROLOGY_CODES: frozenset[str] = frozenset(c.code for c in NUCC_CODES if c.role == "neurology")
_BY_CODE = {c.code: c for c in NUCC_CODES}

#: Medicare specialty names (upper case, as CMS writes them) that add a tag to a neurologist.
CMS_ADDED_SPECIALTIES: dict[str, str] = {
    "SLEEP MEDICINE": "sleep-medicine",
    "HOSPICE/PALLIATIVE CARE": "palliative-care",
    "HOSPICE AND PALLIATIVE CARE": "palliative-care",
    "PAIN MANAGEMENT": "pain-medicine",
    "INTERVENTIONAL PAIN MANAGEMENT": "pain-medicine",
}
# CMS lists secondary specialties in one cell; releases have used commas and vertical bars between them.
_CMS_SEPARATORS = re.compile(r"\s*[,|;]\s*")


def _ordered(slugs: Iterable[str]) -> list[str]:
    """Slugs without repeats, in the vocabulary's order, so the same codes always read the same."""
    chosen = set(slugs)
    return [slug for slug in vocabulary.SLUGS if slug in chosen]


def subspecialties_from_nucc(codes: Iterable[str]) -> list[str]:
    """Our subspecialties for one person's taxonomy codes; empty when none of them is a neurology code."""
    found = [_BY_CODE[code] for code in codes if code in _BY_CODE]
    if not any(c.role == "neurology" for c in found):
        return []
    return _ordered(c.slug for c in found)


def cms_specialty_names(primary: str, secondary_all: str) -> list[str]:
    """Every specialty name of one CMS row, upper case and trimmed."""
    names = [primary, *_CMS_SEPARATORS.split(secondary_all)]
    return [" ".join(name.upper().split()) for name in names if name and name.strip()]


def is_cms_neurology(name: str) -> bool:
    """NEUROLOGY and its variants (e.g. a child or pediatric neurology name); never NEUROPSYCHIATRY alone."""
    return "NEUROLOGY" in name


def subspecialties_from_cms(names: Iterable[str]) -> list[str]:
    """Our subspecialties for one person's CMS specialty names; empty when none is neurology."""
    names = list(names)
    neurology = [name for name in names if is_cms_neurology(name)]
    if not neurology:
        return []
    core = ["child-neurology" if re.search(r"CHILD|PEDIATRIC", name) else "general-neurology" for name in neurology]
    return _ordered([*core, *(CMS_ADDED_SPECIALTIES[name] for name in names if name in CMS_ADDED_SPECIALTIES)])
