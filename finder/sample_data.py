"""Deterministic, clearly fictional specialists placed at real US ZIP centroids.

Used for the bundled sample CSV (`python scripts/make_sample_data.py`) and, at larger
sizes, by the benchmark. Names are drawn from common name lists, phones use the 555-01xx
range reserved for fiction, and websites use the reserved example.org domain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from finder.distance import miles_between
from finder.table_contract import ALL_COLUMNS
from finder.vocabulary import LABELS
from finder.zip_index import zip_table

#: Metro centres the sample clusters around (ZIP), covering every region and many states.
METRO_ZIPS: tuple[str, ...] = (
    "10001", "11201", "07102", "19103", "02115", "06510", "02903", "03301", "05401", "04101",
    "21201", "20001", "23219", "27514", "28202", "29201", "30303", "32806", "33136", "35233",
    "37203", "38103", "40202", "39216", "70112", "72205", "73104", "75201", "77030", "78229",
    "79902", "87102", "85006", "84112", "80045", "82001", "59101", "83702", "89102", "89501",
    "90033", "92103", "94143", "95817", "97239", "98104", "99508", "96813", "55455", "53226",
    "60614", "61602", "46202", "48109", "43210", "44195", "15213", "14642", "12208", "50309",
    "52242", "63110", "64108", "66160", "68198", "57105", "58102", "26506", "19801", "00936",
)  # fmt: skip
FIRST_NAMES = (
    "Avery", "Jordan", "Priya", "Mateo", "Hannah", "Kwame", "Mei", "Diego", "Fatima", "Elias",
    "Sofia", "Noah", "Amara", "Lucas", "Ingrid", "Rahul", "Chloe", "Tomás", "Yara", "Samuel",
    "Leah", "Omar", "Grace", "Hiroshi", "Nadia", "Caleb", "Isabel", "Tariq", "Elena", "Marcus",
)  # fmt: skip
LAST_NAMES = (
    "Alvarez", "Bennett", "Chen", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Johansson", "Kapoor", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Patel", "Quinn",
    "Rossi", "Santos", "Tanaka", "Underwood", "Vasquez", "Whitfield", "Xu", "Yilmaz", "Zielinski",
    "Abernathy", "Brightwater", "Castellano", "Delacroix", "Fairbanks", "Greenleaf", "Holloway",
)  # fmt: skip
STREETS = ("Oak", "Maple", "Cedar", "Lakeview", "Hillcrest", "River", "Park", "Elm", "Medical Center", "Campus")
STREET_TYPES = ("St", "Ave", "Blvd", "Dr", "Way", "Pkwy")
CLINIC_KINDS = ("Neurology Associates", "Neuroscience Center", "Brain & Spine Clinic", "Neurology Group")
LANGUAGES = ("Spanish", "Mandarin", "Vietnamese", "Arabic", "French", "Hindi", "Korean", "Russian", "Portuguese")
# The sample predates the two tags only registry imports give; leaving them out keeps it the same.
SAMPLE_LABELS = [label for slug, label in LABELS.items() if slug not in {"pain-medicine", "palliative-care"}]
# General neurology is the most common practice; the rest are spread evenly.
SUBSPECIALTY_WEIGHTS = np.array([2.5 if label == LABELS["general-neurology"] else 1.0 for label in SAMPLE_LABELS])
CLUSTER_RADIUS_MILES = 20.0


def make_specialists(count: int, seed: int = 2026) -> pd.DataFrame:
    """`count` fictional specialists as CSV-ready text columns, the same every time for a seed."""
    rng = np.random.default_rng(seed)
    zips = zip_table()
    standard = zips[zips["standard"]]
    # Candidate ZIPs near each metro centre, so searches around a city find several people.
    nearby = {
        metro: standard.index[
            miles_between(zips.at[metro, "lat"], zips.at[metro, "lon"], standard["lat"], standard["lon"])
            <= CLUSTER_RADIUS_MILES
        ]
        for metro in METRO_ZIPS
    }
    labels = SAMPLE_LABELS
    rows = []
    for number in range(1, count + 1):
        metro = METRO_ZIPS[rng.integers(len(METRO_ZIPS))]
        zip_code = str(rng.choice(nearby[metro]))
        place = zips.loc[zip_code]
        chosen = rng.choice(
            len(labels), size=rng.integers(1, 4), replace=False, p=SUBSPECIALTY_WEIGHTS / SUBSPECIALTY_WEIGHTS.sum()
        )
        extra_languages = list(rng.choice(LANGUAGES, size=rng.choice([0, 0, 1, 2]), replace=False))
        last = str(rng.choice(LAST_NAMES))
        rows.append(
            {
                "id": f"NF-{number:05d}",
                "name": f"{rng.choice(FIRST_NAMES)} {last}",
                "credentials": str(rng.choice(["MD", "MD", "DO", "MD, PhD", "MD, FAAN"])),
                "subspecialties": "; ".join(labels[i] for i in sorted(chosen)),
                "clinic": f"{place['city'].title()} {rng.choice(CLINIC_KINDS)}",
                "address": f"{rng.integers(10, 9900)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
                + (f", Suite {rng.integers(100, 600)}" if rng.random() < 0.5 else ""),
                "city": place["city"].title(),
                "state": place["state"],
                "zip": zip_code,
                "phone": f"({rng.integers(201, 990)}) 555-01{rng.integers(0, 100):02d}",
                "latitude": f"{place['lat']:.4f}",
                "longitude": f"{place['lon']:.4f}",
                "accepting_new_patients": "yes" if rng.random() < 0.7 else "no",
                "telehealth": "yes" if rng.random() < 0.55 else "no",
                "languages": "; ".join(["English", *extra_languages]),
                "website": f"https://www.example.org/neurofinder-sample/{last.lower()}-{number}"
                if rng.random() < 0.6
                else "",
            }
        )
    return pd.DataFrame(rows, columns=list(ALL_COLUMNS))
