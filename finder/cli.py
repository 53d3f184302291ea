"""Command-line tools for the people who keep the specialists list: check a CSV, fill in coordinates.

Run as `python -m finder validate FILE.csv` or `python -m finder geocode IN.csv -o OUT.csv`.
Messages are for clinic staff, so every failure is a sentence, never a traceback: even a bug
in this package ends in one plain sentence and exit code 2 (set NEUROFINDER_DEBUG=1 for the
details). Exit codes: 0 all good, 1 the file has problems to fix, 2 the command could not do
its job (no such file, output not writable, a file geocode cannot fill without losing rows, a bug).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from tqdm import tqdm

from finder.batch_geocode import DEFAULT_CACHE_DIR, FileNotUsable, GeocodeResult, geocode_csv
from finder.csv_io import load_specialists, read_capped
from finder.geocoding import DEFAULT_USER_AGENT
from finder.registry_files import RegistryFileError
from finder.registry_refresh import parse_day, parse_states, refresh
from finder.settings import Settings
from finder.wording import counted

USER_AGENT_ENV = "NEUROFINDER_USER_AGENT"
#: Set to 1 to see the full error behind "something went wrong" (for a bug report).
DEBUG_ENV = "NEUROFINDER_DEBUG"
#: Retries per street address when the service times out; the batch can afford to wait.
GEOCODE_RETRIES = 2
EXIT_OK, EXIT_PROBLEMS, EXIT_CANNOT_RUN = 0, 1, 2


class _CannotRun(Exception):
    """The command cannot start or finish (no such file, folder not writable); the message says why."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args = _parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except _CannotRun as error:
        print(error, file=sys.stderr)
        return EXIT_CANNOT_RUN
    except KeyboardInterrupt:
        print("Stopped before the end; no file was written.", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except Exception as error:  # a bug: say so in one sentence, keep the traceback for whoever asks
        if os.environ.get(DEBUG_ENV) == "1":
            traceback.print_exc()
        print(
            f"Something went wrong inside the tool ({type(error).__name__}), so the command stopped and no file "
            f"was written. Please report it; run again with {DEBUG_ENV}=1 to see the details.",
            file=sys.stderr,
        )
        return EXIT_CANNOT_RUN


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m finder",
        description="Tools for the NeuroFinder specialists list (a CSV file saved from a spreadsheet).",
        epilog="Exit codes: 0 everything is fine, 1 the file has problems to fix, 2 the command could not do its job "
        f"(no such file, output not writable, or an internal error; {DEBUG_ENV}=1 shows its details).",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "validate",
        help="check a specialists CSV and list its problems",
        description="Check a specialists CSV the way the website reads it. Problems are listed with their "
        "spreadsheet row and column (the first 1,000; the rest are counted). Rows with an ERROR are left out "
        "of the website until fixed; WARNING rows are shown but worth a look.",
        epilog="Exit codes: 0 no errors (warnings are fine), 1 at least one error (including a file that is not "
        "a usable CSV), 2 the file could not be checked (no such file, or an internal error).",
    )
    check.add_argument("file", type=Path, metavar="FILE.csv", help="the CSV file to check")
    check.set_defaults(run=_validate)

    fill = commands.add_parser(
        "geocode",
        help="fill in missing latitude and longitude",
        description="Fill in blank latitude and longitude cells. A row is placed at the centre of its ZIP "
        "code (offline) when the ZIP is known, otherwise its street address is looked up online on "
        "OpenStreetMap, at most one address a second. Everything else in the file is copied unchanged.",
        epilog="Exit codes: 0 every row has coordinates, 1 some rows could not be placed (the output is still "
        "written, those rows keep blank coordinates and are listed), 2 nothing was written (the input has problems "
        "that would lose rows, the output cannot be written, or an internal error).",
    )
    fill.add_argument("file", type=Path, metavar="IN.csv", help="the CSV file with blank coordinates")
    fill.add_argument(
        "-o", "--output", type=Path, required=True, metavar="OUT.csv", help="where to write the filled-in CSV"
    )
    fill.add_argument(
        "--offline", action="store_true", help="never contact the address service; use ZIP code centres only"
    )
    fill.add_argument(
        "--user-agent",
        default=os.environ.get(USER_AGENT_ENV) or DEFAULT_USER_AGENT,
        help=f"how we introduce ourselves to OpenStreetMap, ideally with a contact e-mail "
        f"(default: ${USER_AGENT_ENV}, else a generic NeuroFinder name)",
    )
    fill.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE_DIR,
        metavar="FOLDER",
        help=f"where looked-up addresses are remembered so a re-run asks nothing twice (default: {DEFAULT_CACHE_DIR})",
    )
    fill.set_defaults(run=_geocode)
    _add_import(
        commands,
        "import-nppes",
        "nppes",
        summary="make the list from the NPI Registry's national file (NPPES)",
        description="Read NPPES's npidata_pfile_*.csv (the monthly full file or a weekly update), or the .zip it "
        "is downloaded as, and write every active individual neurologist as a specialists list, placed at the "
        "centre of their practice ZIP code. Prints what was kept and what was left out, and why.",
    )
    _add_import(
        commands,
        "import-cms",
        "cms",
        summary="make the list from CMS's Doctors and Clinicians national file",
        description="Read CMS's DAC_NationalDownloadableFile.csv (or a .zip holding it) and write every "
        "neurologist, one row per practice address, with telehealth and the practice's name.",
    )
    return parser


def _add_import(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, kind: str, summary: str, description: str
) -> None:
    command = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog="Exit codes: 0 done, 1 done but some neurologists were left out because of a problem in their "
        "registry entry (they are listed), 2 nothing was written (the file cannot be used, or the output "
        "cannot be written). A monthly refresh is one command: add --merge data/specialists.csv.",
    )
    command.add_argument("file", type=Path, metavar="FILE", help="the downloaded .csv or .zip file")
    command.add_argument(
        "-o", "--output", type=Path, required=True, metavar="OUT.csv", help="where to write the specialists list"
    )
    command.add_argument(
        "--states",
        type=_states,
        default=frozenset(),
        metavar="IL,WI",
        help="keep only practices in these states (two-letter codes, separated by commas)",
    )
    command.add_argument(
        "--merge",
        type=Path,
        metavar="EXISTING.csv",
        help="the list patients see now: rows are matched by NPI and what staff entered (accepting new patients, "
        "languages, websites, extra subspecialties) is kept; specialists who disappeared are listed",
    )
    command.add_argument(
        "--source-date",
        type=_day,
        metavar="YYYY-MM-DD",
        help="the file's release date, when its name does not say (patients see 'file of November 2026')",
    )
    command.set_defaults(run=_import, kind=kind)


def _states(text: str) -> frozenset[str]:
    try:
        return parse_states(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _day(text: str) -> dt.date:
    try:
        return parse_day(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _import(args: argparse.Namespace) -> int:
    try:
        with tqdm(desc="Reading", unit="B", unit_scale=True, disable=None) as bar:

            def on_progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            done = refresh(args.kind, args.file, args.states, args.merge, args.source_date, on_progress)
    except RegistryFileError as error:
        raise _CannotRun(f"{error} No file was written.") from error
    _write(args.output, done.csv_bytes)
    for line in done.lines:
        print(line)
    print(f"Wrote {args.output}. Check it with: python -m finder validate {args.output}")
    return EXIT_PROBLEMS if done.needs_a_look else EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    report = load_specialists(_read(args.file))
    for problem in report.problems:
        print(problem)
    if more := report.not_listed():
        print(more)
    print(
        f"{counted(report.rows_read, 'row')} read, {len(report.specialists):,} usable, "
        f"{report.rows_left_out:,} left out; {counted(report.error_count, 'error')}, "
        f"{counted(report.warning_count, 'warning')}"
    )
    return EXIT_PROBLEMS if report.error_count else EXIT_OK


def _geocode(args: argparse.Namespace) -> int:
    data = _read(args.file)
    # geopy logs each retry as a warning with a traceback; the rows it gives up on are listed at the end instead.
    logging.getLogger("geopy").setLevel(logging.ERROR)
    geocode = Settings(geocoder_enabled=not args.offline, geocoder_user_agent=args.user_agent).geocoder(
        max_retries=GEOCODE_RETRIES
    )
    try:
        with tqdm(desc="Placing rows", unit=" rows", disable=None) as bar:

            def on_progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            result = geocode_csv(data, geocode, cache_dir=args.cache_dir, on_progress=on_progress)
    except FileNotUsable as error:
        for problem in error.problems:
            print(problem)
        return EXIT_CANNOT_RUN
    except (OSError, sqlite3.Error) as error:
        raise _CannotRun(
            f"The address memory in {args.cache_dir} cannot be used ({error}). "
            "Delete that folder, or choose another with --cache-dir."
        ) from error
    _write(args.output, result.csv_bytes())
    _print_summary(result, args.output)
    return EXIT_PROBLEMS if result.unplaced else EXIT_OK


def _print_summary(result: GeocodeResult, output: Path) -> None:
    for note in result.notes:
        print(note)
    print(
        f"Wrote {output}: {counted(len(result.table), 'row')}; {result.already_had} already had coordinates, "
        f"{result.filled_from_zip} placed at their ZIP code's centre, {result.filled_from_address} from their "
        f"street address, {len(result.unplaced)} could not be placed."
    )
    if result.unplaced:
        print("These rows still have blank coordinates (fix them and run again):")
        for row, reason in result.unplaced:
            print(f"  row {row}: {reason}")


def _read(path: Path) -> bytes:
    try:
        return read_capped(path)
    except FileNotFoundError as error:
        raise _CannotRun(f"There is no file at {path}. Check the file name and folder.") from error
    except IsADirectoryError as error:
        raise _CannotRun(f"{path} is a folder, not a CSV file.") from error
    except OSError as error:
        raise _CannotRun(f"The file {path} cannot be read: {error.strerror}.") from error


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file, so the output (which may be the input) is never left half-written."""
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise _CannotRun(f"The output {path} cannot be written: {error.strerror}.") from error
