"""The fixed list of neurology subspecialties that the CSV, the search and the condition pages share.

Staff type subspecialties by hand, so each one has a short URL-safe slug (used in
links and front matter), a label patients read, and aliases that staff commonly write.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Subspecialty:
    slug: str
    label: str
    aliases: tuple[str, ...] = ()


SUBSPECIALTIES: tuple[Subspecialty, ...] = (
    Subspecialty("general-neurology", "General neurology", ("neurology", "general")),
    Subspecialty("movement-disorders", "Movement disorders", ("movement", "movement disorder")),
    Subspecialty("epilepsy", "Epilepsy", ("seizures", "epileptology")),
    Subspecialty(
        "clinical-neurophysiology",
        "Clinical neurophysiology (EEG/EMG)",
        ("clinical neurophysiology", "neurophysiology", "eeg", "emg", "eeg/emg"),
    ),
    Subspecialty("neuromuscular", "Neuromuscular medicine", ("neuromuscular medicine",)),
    Subspecialty(
        "child-neurology",
        "Child neurology",
        ("pediatric neurology", "paediatric neurology", "child neurology"),
    ),
    Subspecialty("sleep-medicine", "Sleep medicine", ("sleep",)),
    Subspecialty(
        "vascular-neurology",
        "Vascular neurology (stroke)",
        ("vascular neurology", "stroke", "vascular neurology/stroke", "cerebrovascular"),
    ),
    Subspecialty(
        "behavioral-neurology",
        "Behavioral neurology and dementia",
        ("behavioral neurology", "dementia", "memory", "cognitive neurology", "behavioural neurology"),
    ),
    Subspecialty("headache-medicine", "Headache medicine", ("headache", "migraine")),
    Subspecialty(
        "neuroimmunology",
        "Multiple sclerosis and neuroimmunology",
        ("multiple sclerosis", "ms", "neuroimmunology", "multiple sclerosis/neuroimmunology"),
    ),
    Subspecialty("neuro-oncology", "Neuro-oncology", ("neuro oncology", "neurooncology", "brain tumor")),
    Subspecialty(
        "neurocritical-care", "Neurocritical care", ("neuro critical care", "neuro icu", "neurointensive care")
    ),
    Subspecialty("neuro-ophthalmology", "Neuro-ophthalmology", ("neuro ophthalmology", "neuroophthalmology")),
    # Registry imports give these to neurologists who also hold the board certification (see specialty_codes).
    Subspecialty("pain-medicine", "Pain medicine", ("pain", "pain management", "interventional pain management")),
    Subspecialty(
        "palliative-care",
        "Hospice and palliative care",
        ("palliative care", "hospice", "palliative medicine", "hospice and palliative medicine"),
    ),
)

SLUGS: tuple[str, ...] = tuple(s.slug for s in SUBSPECIALTIES)
LABELS: dict[str, str] = {s.slug: s.label for s in SUBSPECIALTIES}
#: Bit of each subspecialty in the integer mask the search filters on.
BITS: dict[str, int] = {slug: 1 << i for i, slug in enumerate(SLUGS)}


def _key(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


_LOOKUP: dict[str, str] = {}
for _s in SUBSPECIALTIES:
    for _name in (_s.slug, _s.slug.replace("-", " "), _s.label, *_s.aliases):
        _LOOKUP[_key(_name)] = _s.slug


def to_slug(name: str) -> str | None:
    """The slug for a slug, label or alias typed in any case; None when it is not one of ours."""
    return _LOOKUP.get(_key(name))


def closest(name: str) -> str | None:
    """The label of the subspecialty a mistyped name most likely meant, for 'did you mean' hints."""
    match = difflib.get_close_matches(_key(name), list(_LOOKUP), n=1, cutoff=0.6)
    return LABELS[_LOOKUP[match[0]]] if match else None


def mask_of(slugs: list[str] | tuple[str, ...] | set[str] | frozenset[str]) -> int:
    """The bit mask with one bit set per slug (unknown slugs are ignored)."""
    mask = 0
    for slug in slugs:
        mask |= BITS.get(slug, 0)
    return mask


def split_list(cell: str) -> list[str]:
    """Split a ';'-separated CSV cell into its trimmed, non-empty parts."""
    return [part.strip() for part in str(cell).split(";") if part.strip()]


def labels_of_mask(mask: int) -> str:
    """The labels of the bits set in mask, in vocabulary order, joined for display."""
    return "; ".join(LABELS[slug] for slug, bit in BITS.items() if mask & bit)
