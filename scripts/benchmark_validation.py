"""Measure reading and checking a specialists CSV at the upload cap: seconds and peak memory.

Builds three files just under MAX_FILE_BYTES (50 MB) in a temporary folder:
  good       sample specialists, every row valid
  errors     every row wrong in a dozen cells (the issue's "12 million problems" file)
  tiny-cells one-letter cells: the most cells a 50 MB file can hold
and runs finder.csv_io.load_specialists on each in a fresh child process, which reports its
own peak RSS (ru_maxrss). With --baseline REV the same is done with the finder
package as it was at git revision REV, for comparison in the same run. Target: peak RSS
under 1 GB and seconds, not minutes, for every file. Wall-clock and CPU seconds are both shown: on
a busy machine the CPU time is the fairer comparison. Run from the repository root:

    python scripts/benchmark_validation.py [--baseline 8e3711f] [--timeout 600]
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finder.csv_io import MAX_FILE_BYTES
from finder.sample_data import make_specialists
from finder.table_contract import ALL_COLUMNS

ROOT = Path(__file__).resolve().parents[1]

#: Leave room for the header so every file is just under the cap.
TARGET_BYTES = MAX_FILE_BYTES - 4096
#: A child may not use more than this much memory (the old code needed over 5 GB on the errors file).
CHILD_MEMORY_LIMIT = 12 * 1024**3
# Every cell wrong except the subspecialty (a valid one keeps older code from stopping early).
ERROR_ROW = "ab,,MD,Epilepsy,,,,ZZ,123,555,north,west,maybe,maybe,x,javascript:x\r\n"
TINY_ROW = ",".join("a" * len(ALL_COLUMNS)) + "\r\n"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", metavar="REV", help="also measure the finder package at this git revision")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a child is stopped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        files = build_files(folder)
        packages = {"this code": ROOT}
        if args.baseline:
            packages[f"at {args.baseline}"] = baseline_package(args.baseline, folder / "baseline")
        print(f"| file (size) | {' | '.join(packages)} |")
        print(f"|---|{'---|' * len(packages)}")
        for name, path in files.items():
            cells = [measure(root, path, args.timeout) for root in packages.values()]
            print(f"| {name} ({path.stat().st_size / 1024**2:.1f} MB) | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
