"""Measure reading and checking a specialists CSV: seconds by list size, and seconds and peak memory at the upload cap.

First, the sample lists benchmark.py uses (10,000 and 100,000 rows by default): in a fresh child
process each, the imports, the first load and check (what a server pays for a new list, with the
modules it loads on first use) and the median of the following ones.

Then three files just under MAX_FILE_BYTES (50 MB) in a temporary folder:
  good       sample specialists, every row valid
  errors     every row wrong in a dozen cells (the issue's "12 million problems" file)
  tiny-cells one-letter cells: the most cells a 50 MB file can hold
and runs finder.csv_io.load_specialists on each in a fresh child process, which reports its
own peak RSS (ru_maxrss). With --baseline REV the same is done with the finder
package as it was at git revision REV, for comparison in the same run. Target: peak RSS
under 1 GB and seconds, not minutes, for every file. Wall-clock and CPU seconds are both shown: on
a busy machine the CPU time is the fairer comparison. Run from the repository root:

    python scripts/benchmark_validation.py [--baseline f8e8969] [--rows 10000 100000] [--repeats 5] [--timeout 600]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finder.csv_io import MAX_FILE_BYTES
from finder.sample_data import make_specialists
from finder.table_contract import ALL_COLUMNS
from scripts.measuring import sample_csv

ROOT = Path(__file__).resolve().parents[1]

#: Leave room for the header so every file is just under the cap.
TARGET_BYTES = MAX_FILE_BYTES - 4096
#: A child may not use more than this much memory (the old code needed over 5 GB on the errors file).
CHILD_MEMORY_LIMIT = 12 * 1024**3
# Every cell wrong except the subspecialty (a valid one keeps older code from stopping early).
ERROR_ROW = "ab,,MD,Epilepsy,,,,ZZ,123,555,north,west,maybe,maybe,x,javascript:x\r\n"
TINY_ROW = ",".join("a" * len(ALL_COLUMNS)) + "\r\n"
TIMED_CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
started = time.perf_counter()
from finder.csv_io import load_specialists
imports = time.perf_counter() - started
data = open(sys.argv[2], "rb").read()
seconds, cpu = [], []
for _ in range(int(sys.argv[3])):
    started, cpu_started = time.perf_counter(), time.process_time()
    report = load_specialists(data)
    seconds.append(time.perf_counter() - started)
    cpu.append(time.process_time() - cpu_started)
print(json.dumps({"imports": imports, "seconds": seconds, "cpu": cpu, "usable": len(report.specialists)}))
"""
CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from finder.csv_io import load_specialists
data = open(sys.argv[2], "rb").read()
started, cpu = time.perf_counter(), time.process_time()
try:
    report = load_specialists(data)
    found = {"rows": report.rows_read, "usable": len(report.specialists), "listed": len(report.problems)}
except BaseException as error:  # the old code crashed on some files: measure that too
    found = {"failed": f"{type(error).__name__}: {error}"[:70]}
found["seconds"], found["cpu"] = time.perf_counter() - started, time.process_time() - cpu
found["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(found))
"""


def build_files(folder: Path) -> dict[str, Path]:
    """The three test files, each just under the upload cap."""
    header = ",".join(ALL_COLUMNS) + "\r\n"
    sample = make_specialists(20_000).to_csv(index=False, lineterminator="\r\n")
    rows = int(20_000 * (TARGET_BYTES - len(header)) / (len(sample) - len(header)))
    files = {
        "good": make_specialists(rows).to_csv(index=False, lineterminator="\r\n"),
        "errors": header + ERROR_ROW * ((TARGET_BYTES - len(header)) // len(ERROR_ROW)),
        "tiny-cells": header + TINY_ROW * ((TARGET_BYTES - len(header)) // len(TINY_ROW)),
    }
    paths = {}
    for name, text in files.items():
        data = text.encode()
        if len(data) > MAX_FILE_BYTES:  # the sample's row length varies a little
            data = data[: data.rindex(b"\r\n", 0, TARGET_BYTES) + 2]
        paths[name] = folder / f"{name}.csv"
        paths[name].write_bytes(data)
    return paths


def baseline_package(revision: str, folder: Path) -> Path:
    """The finder package as it was at a git revision, unpacked into folder."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "finder"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def measure(package_root: Path, path: Path, timeout: float) -> str:
    """Run one load in a child process; its seconds, peak memory and what it found, as a table cell."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_LIMIT, CHILD_MEMORY_LIMIT))

    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(package_root), str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"stopped after {timeout:.0f} s"
    if done.returncode != 0:
        return f"killed ({done.stderr.strip().splitlines()[-1][:60] if done.stderr.strip() else done.returncode})"
    result = json.loads(done.stdout)
    cost = f"{result['seconds']:.1f} s ({result['cpu']:.1f} s CPU), {result['peak_mb']:,.0f} MB peak"
    if "failed" in result:
        return f"{cost}, then crashed ({result['failed']})"
    return f"{cost}; {result['rows']:,} rows, {result['usable']:,} usable, {result['listed']:,} problems listed"


def timed(package_root: Path, path: Path, repeats: int, timeout: float) -> dict[str, float]:
    """Imports, first load and check, and the median of the rest (wall-clock and CPU), in seconds, from one fresh
    child process."""
    done = subprocess.run(
        [sys.executable, "-c", TIMED_CHILD, str(package_root), str(path), str(repeats + 1)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    result = json.loads(done.stdout)
    first, *rest = result["seconds"]
    return {
        "imports": result["imports"],
        "first": first,
        "median": statistics.median(rest),
        "cpu": statistics.median(result["cpu"][1:]),
        "usable": result["usable"],
    }


def by_size(packages: dict[str, Path], sizes: list[int], repeats: int, timeout: float) -> None:
    """One table: each list size's seconds with each package, and how many times faster this code is (by the
    median wall-clock and CPU seconds; on a busy machine CPU is the steadier one)."""
    names = list(packages)
    heads = " | ".join(f"{name}: imports / first / median (CPU)" for name in names)
    print(f"| rows | {heads} | times faster: median (CPU) |")
    print(f"|---:|{'---|' * len(names)}---:|")
    for rows in sizes:
        path = sample_csv(rows)
        found = [timed(root, path, repeats, timeout) for root in packages.values()]
        cells = [f"{f['imports']:.2f} / {f['first']:.2f} / {f['median']:.2f} ({f['cpu']:.2f}) s" for f in found]
        ratio = f"{found[-1]['median'] / found[0]['median']:.1f}× ({found[-1]['cpu'] / found[0]['cpu']:.1f}×)"
        print(f"| {rows:,} | {' | '.join(cells)} | {ratio if len(found) > 1 else ''} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", metavar="REV", help="also measure the finder package at this git revision")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a child is stopped")
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 100_000], help="sample list sizes to time")
    parser.add_argument("--repeats", type=int, default=5, help="loads timed after the first, per list size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        packages = {"this code": ROOT}
        if args.baseline:
            packages[f"at {args.baseline}"] = baseline_package(args.baseline, folder / "baseline")
        print(f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.\n")
        if args.rows:
            by_size(packages, args.rows, args.repeats, args.timeout)
            print()
        files = build_files(folder)
        print(f"| file (size) | {' | '.join(packages)} |")
        print(f"|---|{'---|' * len(packages)}")
        for name, path in files.items():
            cells = [measure(root, path, args.timeout) for root in packages.values()]
            print(f"| {name} ({path.stat().st_size / 1024**2:.1f} MB) | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
