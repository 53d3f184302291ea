"""Time the NPPES import on a generated file of a million NPPES-shaped rows, next to a naive reader.

Run from the repository root: python scripts/benchmark_import.py [--rows 1000000] [--keep FILE]

The file has the published 330-column header (tests/data/nppes-header.csv), every value quoted,
and a mix like the national file's: about three quarters individuals, a fifth organizations,
3% deactivated NPIs (almost every field blank), a few reactivated ones, one to fifteen taxonomy
slots, and about 0.4% neurologists among internists, psychiatrists and sleep physicians.

Each way of reading runs in its own fresh Python process, which reports its wall time, its CPU
time and its peak memory (RSS); the ZIP code table every run loads once is timed apart. Rows per
CPU second is the single-core speed even on a busy machine; the target is at least 200,000 input
rows per second on one core and a peak RSS under 600 MB. The naive way is what one would write
first: pandas read_csv of every column, in chunks.
Both must keep the same NPIs, or the timings mean nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from finder.npi import check_digit  # noqa: E402
from finder.nppes_import import import_nppes  # noqa: E402
from finder.specialty_codes import NEUROLOGY_CODES as NUCC_NEUROLOGY  # noqa: E402
from finder.zip_index import zip_table  # noqa: E402

HEADER = next(csv.reader((ROOT / "tests" / "data" / "nppes-header.csv").open(encoding="utf-8")))
FILE_NAME = "npidata_pfile_20050523-20261109.csv"
#: Distinct row bodies; the file repeats them with a fresh NPI each.
TEMPLATES = 20_000
LAST_NAMES = ("SMITH", "MCCOY", "O'BRIEN", "VAN HOUTEN-SAUTER", "NGUYEN", "GARCIA", "MACDONALD", "DE LA CRUZ", "PATEL")
FIRST_NAMES = ("MARIA", "JOHN", "ANNE-MARIE", "WEI", "FATIMA", "JOSE", "EMILY", "KWAME", "PRIYA", "DAVID")
OTHER_CODES = ("207R00000X", "207Q00000X", "363L00000X", "163W00000X", "122300000X", "2084P0800X", "207RS0012X")
NEUROLOGY_CODES = ("2084N0400X", "2084N0402X", "2084V0102X", "2084E0001X", "2084N0600X")
SLOT_COUNTS = (1, 2, 3, 4, 5, 8, 15)
SLOT_WEIGHTS = (0.60, 0.20, 0.10, 0.04, 0.03, 0.02, 0.01)


def _template(rng: np.random.Generator, places: list[tuple[str, str, str]]) -> list[str]:
    """One row body (every column but NPI) of the kind the national file is made of."""

    def pick(options: Sequence[Any]) -> Any:
        return options[rng.integers(len(options))]

    cells = dict.fromkeys(HEADER, "")
    kind = rng.random()
    if kind < 0.03:
        cells["NPI Deactivation Date"] = "05/01/2019"
        return [cells[name] for name in HEADER[1:]]
    individual = kind < 0.79
    cells["Entity Type Code"] = "1" if individual else "2"
    if individual:
        cells["Provider Last Name (Legal Name)"] = pick(LAST_NAMES)
        cells["Provider First Name"] = pick(FIRST_NAMES)
        cells["Provider Middle Name"] = pick(["", "Q", "ANN"])
        cells["Provider Credential Text"] = pick(["M.D.", "MD", "D.O.", "NP", "M.D., PH.D."])
        cells["Provider Sex Code"] = pick(["F", "M"])
        cells["Is Sole Proprietor"] = "N"
        if rng.random() < 0.01:
            cells["NPI Deactivation Date"], cells["NPI Reactivation Date"] = "01/15/2019", "02/01/2020"
    else:
        cells["Provider Organization Name (Legal Business Name)"] = "LAKESHORE NEUROLOGY AND SLEEP ASSOCIATES LLC"
        cells["Employer Identification Number (EIN)"] = "<UNAVAIL>"
        cells["Authorized Official Last Name"], cells["Authorized Official First Name"] = "JONES", "MARY"
        cells["Authorized Official Title or Position"] = "CHIEF FINANCIAL OFFICER"
        cells["Authorized Official Telephone Number"] = "3125550100"
        cells["Is Organization Subpart"] = "N"
    zip_code, city, state = pick(places)
    for place in ("Mailing", "Practice Location"):
        cells[f"Provider First Line Business {place} Address"] = f"{rng.integers(1, 9999)} N SAINT CLAIR ST"
        cells[f"Provider Second Line Business {place} Address"] = pick(["", "SUITE 1100"])
        cells[f"Provider Business {place} Address City Name"] = city.upper()
        cells[f"Provider Business {place} Address State Name"] = state
        cells[f"Provider Business {place} Address Postal Code"] = zip_code + f"{rng.integers(0, 10_000):04d}"
        cells[f"Provider Business {place} Address Country Code (If outside U.S.)"] = "US"
        cells[f"Provider Business {place} Address Telephone Number"] = f"312{rng.integers(0, 10**7):07d}"
        cells[f"Provider Business {place} Address Fax Number"] = f"312{rng.integers(0, 10**7):07d}"
    cells["Provider Enumeration Date"], cells["Last Update Date"] = "05/23/2005", "07/08/2021"
    cells["Certification Date"] = "07/08/2021"
    slots = int(rng.choice(SLOT_COUNTS, p=SLOT_WEIGHTS))
    neurologist = individual and rng.random() < 0.005
    for slot in range(1, slots + 1):
        code = pick(NEUROLOGY_CODES) if neurologist and slot == slots else pick(OTHER_CODES)
        cells[f"Healthcare Provider Taxonomy Code_{slot}"] = code
        cells[f"Provider License Number_{slot}"] = f"036{rng.integers(0, 10**6):06d}"
        cells[f"Provider License Number State Code_{slot}"] = "IL"
        cells[f"Healthcare Provider Primary Taxonomy Switch_{slot}"] = "Y" if slot == 1 else "N"
    for slot in range(1, pick([1, 1, 2, 4])):
        cells[f"Other Provider Identifier_{slot}"] = f"{rng.integers(0, 10**8):08d}"
        cells[f"Other Provider Identifier Type Code_{slot}"] = "05"
        cells[f"Other Provider Identifier State_{slot}"] = "IL"
    return [cells[name] for name in HEADER[1:]]


def generate(path: Path, rows: int, seed: int = 8) -> None:
    """Write `rows` NPPES-shaped rows (plus the header) to path, the same for a seed."""
    rng = np.random.default_rng(seed)
    standard = zip_table().query("standard")
    places = list(zip(standard.index, standard["city"], standard["state"], strict=True))
    bodies = []
    for _ in range(TEMPLATES):
        text = io.StringIO()
        csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(_template(rng, places))
        bodies.append(text.getvalue())
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(f'"{name}"' for name in HEADER) + "\n")
        for number in range(rows):
            first_nine = f"1{number:08d}"
            out.write(f'"{first_nine}{check_digit(first_nine)}",{bodies[number % TEMPLATES]}')


def measure_ours(path: Path) -> dict[str, object]:
    result = import_nppes(path)
    return {"rows": result.summary.rows_read, "kept": sorted(result.rows["npi"]), "summary": result.summary.lines()}


def measure_naive(path: Path) -> dict[str, object]:
    """pandas read_csv of every column, a chunk at a time, filtered with the same rules."""
    rows, kept = 0, []
    slots = [f"Healthcare Provider Taxonomy Code_{n}" for n in range(1, 16)]
    for chunk in pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=100_000):
        rows += len(chunk)
        deactivation, reactivation = chunk["NPI Deactivation Date"], chunk["NPI Reactivation Date"]
        back = pd.to_datetime(reactivation, format="%m/%d/%Y", errors="coerce") >= pd.to_datetime(
            deactivation, format="%m/%d/%Y", errors="coerce"
        )
        active = deactivation.eq("") | back
        neurology = chunk[slots].isin(NUCC_NEUROLOGY).any(axis=1)
        kept += chunk.loc[active & chunk["Entity Type Code"].eq("1") & neurology, "NPI"].tolist()
    return {"rows": rows, "kept": sorted(kept)}


def _child(method: str, path: Path) -> None:
    """Run one way of reading in this (fresh) process and print what it measured as JSON."""
    wall, cpu = time.perf_counter(), time.process_time()
    zip_table()
    setup = time.perf_counter() - wall
    wall, cpu = time.perf_counter(), time.process_time()
    found = (measure_ours if method == "ours" else measure_naive)(path)
    found["setup_seconds"] = setup
    found["seconds"] = time.perf_counter() - wall
    found["cpu_seconds"] = time.process_time() - cpu
    found["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(json.dumps(found))


def _run(method: str, path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", method, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to generate (default 1,000,000)")
    parser.add_argument("--keep", type=Path, help="write the generated file here and keep it")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / FILE_NAME
        started = time.perf_counter()
        generate(path, args.rows)
        size = path.stat().st_size
        print(f"Generated {args.rows:,} rows ({size / 1e9:.2f} GB) in {time.perf_counter() - started:.0f} s: {path}")
        results = {
            "ours (pyarrow, needed columns)": _run("ours", path),
            "naive (pandas, all columns)": _run("naive", path),
        }
        ours, naive = results.values()
        if ours["kept"] != naive["kept"] or ours["rows"] != naive["rows"]:
            sys.exit("The two ways disagree on who is kept: fix that before reading the timings.")
        print(f"Both read {ours['rows']:,} rows and keep the same {len(ours['kept']):,} neurologists.\n")
        print("| way | rows/s (wall) | rows/s (per CPU second) | peak RSS |")
        print("|---|---:|---:|---:|")
        for name, found in results.items():
            print(
                f"| {name} | {found['rows'] / found['seconds']:,.0f} | {found['rows'] / found['cpu_seconds']:,.0f} "
                f"| {found['peak_rss_mb']:,.0f} MB |"
            )
        print(f"(Not counted above: loading the ZIP code table once per run, {ours['setup_seconds']:.1f} s.)")
        print("\nThe import's own summary:\n" + "\n".join(ours["summary"]))


if __name__ == "__main__":
    main()
