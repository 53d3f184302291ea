"""Benchmark the specialist search (filter + distance + sort) at 1k, 10k and 100k specialists.

Prints the median time of finder.search.search and of the same search done the naive way
(a Python loop with one geopy geodesic() call per row), and their ratio. Target: under
20 ms at 100k on one core. Run from the repository root:

    python scripts/benchmark_search.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from geopy.distance import geodesic

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finder import vocabulary
from finder.csv_io import load_specialists
from finder.sample_data import make_specialists
from finder.search import SearchCriteria, search

SIZES = (1_000, 10_000, 100_000)
CRITERIA = SearchCriteria(
    lat=41.9217,
    lon=-87.6490,
    radius_miles=50,
    subspecialties=("movement-disorders", "epilepsy", "clinical-neurophysiology"),
    accepting_new_patients=True,
)


def naive_search(specialists: pd.DataFrame, criteria: SearchCriteria) -> list[tuple[float, str]]:
    """What a first version might do: test each row in Python and call geopy for its distance."""
    wanted = vocabulary.mask_of(criteria.subspecialties)
    found = []
    for row in specialists.itertuples(index=False):
        accepting = row.accepting_new_patients
        if not row.subspecialty_mask & wanted or accepting is pd.NA or not accepting:
            continue
        miles = geodesic((criteria.lat, criteria.lon), (row.latitude, row.longitude)).miles
        if miles <= criteria.radius_miles:
            found.append((miles, row.id))
    return sorted(found)


def check_agreement(matches: pd.DataFrame, naive: list[tuple[float, str]]) -> None:
    """Both ways must find the same people at the same distances (within 0.5%), or the timing means nothing."""
    ours = dict(zip(matches["id"], matches["distance_miles"], strict=True))
    theirs = {specialist: miles for miles, specialist in naive}
    assert ours.keys() == theirs.keys(), "the vectorized and naive searches found different specialists"
    assert all(abs(ours[key] - theirs[key]) <= 0.005 * theirs[key] + 1e-9 for key in ours)


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per size for the vectorized search")
    parser.add_argument("--naive-repeat", type=int, default=3, help="timed runs per size for the naive search")
    args = parser.parse_args()

    print("building the test lists (fictional specialists at real ZIP centroids)…", flush=True)
    largest = make_specialists(max(SIZES), seed=1)
    print(f"{'specialists':>12} {'matches':>8} {'vectorized ms':>14} {'naive ms':>10} {'speed-up':>9}")
    for size in SIZES:
        report = load_specialists(largest.head(size).to_csv(index=False).encode())
        table = report.specialists
        matches = search(table, CRITERIA).matches
        check_agreement(matches, naive_search(table, CRITERIA))
        fast = median_ms(lambda table=table: search(table, CRITERIA), args.repeat)
        slow = median_ms(lambda table=table: naive_search(table, CRITERIA), args.naive_repeat)
        print(f"{size:>12,} {len(matches):>8} {fast:>14.2f} {slow:>10.1f} {slow / fast:>8.0f}x", flush=True)


if __name__ == "__main__":
    main()
