"""Offline US ZIP code and city centroids, from the `zipcodes` package's bundled data.

Built into pandas tables so that a lookup is a dictionary hit and the validator can compare
50k rows with their ZIP centroids in one vectorized step. Building the ZIP table takes about a
second (the package hands out 42,000 dicts), so it is built once per version of the package and
of the code that builds it, kept on disk (finder.disk_cache) and read back in milliseconds by later
starts. A copy for the pinned version also ships with the app (finder/shipped/, made by
scripts/make_zip_table.py), so a server whose disk starts empty, as on every Community Cloud
reboot, does not build it either.
"""

from __future__ import annotations

import hashlib
import inspect
from functools import lru_cache
from pathlib import Path

import pandas as pd
import zipcodes

from finder import disk_cache
from finder.places import Location

STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}  # fmt: skip
_STATE_BY_NAME = {name.lower(): code for code, name in STATE_NAMES.items()}
# People write "St. Louis" and "Ft Worth"; the ZIP data spells them out.
_CITY_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}


def city_key(city: str) -> str:
    """A city name folded for matching: lower case, single spaces, common abbreviations spelled out."""
    words = city.lower().replace(".", " ").split()
    return " ".join(_CITY_ABBREVIATIONS.get(word, word) for word in words)


def state_code(text: str) -> str | None:
    """'IL', 'il' or 'Illinois' -> 'IL'; None for anything else."""
    text = text.strip().rstrip(".")
    if text.upper() in STATE_NAMES:
        return text.upper()
    return _STATE_BY_NAME.get(text.lower())


#: Copies of the ZIP table that come with the app; only the one named after the installed zipcodes
#: version and the current build_zip_table is ever read.
SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"


def zip_table_version() -> str:
    """Names what the ZIP table is made from: the zipcodes data and the code of build_zip_table."""
    code = hashlib.sha256(inspect.getsource(build_zip_table).encode()).hexdigest()[:12]
    return f"{zipcodes.__version__}-{code}"


@lru_cache(maxsize=1)
def zip_table() -> pd.DataFrame:
    """Every ZIP code with a known centroid, with its city and state, indexed by the 5-digit string."""
    return disk_cache.kept_table("zips", zip_table_version(), build_zip_table, shipped=SHIPPED_DIR)


def build_zip_table() -> pd.DataFrame:
    """The ZIP table, from the zipcodes package.

    The bundled data gives some ZIPs (military APO/FPO addresses, a few in the territories) the
    position 0,0, a point in the Atlantic. They are left out: a search there, or a specialist
    placed there, would be wrong, and "we do not know that ZIP" is the honest answer.
    """
    rows = zipcodes.list_all()
    table = pd.DataFrame(
        {
            "zip": [r["zip_code"] for r in rows],
            "lat": pd.to_numeric([r["lat"] for r in rows]),
            "lon": pd.to_numeric([r["long"] for r in rows]),
            "city": [r["city"] for r in rows],
            "state": [r["state"] for r in rows],
            "standard": [r["zip_code_type"] == "STANDARD" for r in rows],
        }
    )
    no_position = table["lat"].eq(0) & table["lon"].eq(0)
    return table[~no_position].set_index("zip")


@lru_cache(maxsize=1)
def city_table() -> pd.DataFrame:
    """One centroid per (city, state): the mean of its street-delivery ZIPs, else of all its ZIPs."""
    zips = zip_table().reset_index()
    zips["city_key"] = zips["city"].map(city_key)
    # Prefer STANDARD ZIPs (real neighbourhoods) over PO boxes and single-building ZIPs.
    zips = zips.sort_values("standard", ascending=False)
    has_standard = zips.groupby(["city_key", "state"])["standard"].transform("any")
    zips = zips[zips["standard"] | ~has_standard]
    return zips.groupby(["city_key", "state"]).agg(
        lat=("lat", "mean"), lon=("lon", "mean"), city=("city", "first"), zips=("zip", "count")
    )


def zip_centroid(zip_code: str) -> Location | None:
    """The centre of a 5-digit ZIP, labelled 'City, ST', or None when there is no such ZIP."""
    table = zip_table()
    if zip_code not in table.index:
        return None
    row = table.loc[zip_code]
    return Location(float(row["lat"]), float(row["lon"]), f"{row['city']}, {row['state']}")


def city_centroid(city: str, state: str) -> Location | None:
    """The centre of a city in a state, labelled 'City, ST', or None when we do not know it."""
    table = city_table()
    key = city_key(city)
    if (key, state) not in table.index:
        return None
    row = table.loc[(key, state)]
    return Location(float(row["lat"]), float(row["lon"]), f"{row['city']}, {state}")


def city_candidates(city: str) -> list[tuple[Location, int]]:
    """Every state's city of that name with its number of ZIP codes, the biggest first."""
    table = city_table()
    key = city_key(city)
    if key not in table.index.get_level_values("city_key"):
        return []
    rows = table.loc[key].sort_values("zips", ascending=False, kind="stable")
    return [
        (Location(float(row.lat), float(row.lon), f"{row.city}, {state}"), int(row.zips))
        for state, row in rows.iterrows()
    ]
