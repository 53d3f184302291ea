"""Filling in coordinates: ZIP centres offline, street addresses through the real Nominatim client.

Only geopy's HTTP adapter is fake (tests/fakes.py), so the request building, answer parsing and
RateLimiter spacing under test are the real ones.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import subprocess
import sys
from pathlib import Path

import geopy.geocoders
import pytest
from geopy.exc import GeocoderTimedOut, GeocoderUnavailable
from geopy.extra.rate_limiter import RateLimiter

from finder.batch_geocode import MAX_FAILURES_IN_A_ROW, FileNotUsable, GeocodeResult, geocode_csv
from finder.cli import main
from finder.csv_io import read_table
from finder.geocoding import Geocode, nominatim
from finder.places import Location
from finder.table_contract import ALL_COLUMNS
from finder.zip_index import zip_centroid
from tests.fakes import FakeNominatim, nominatim_place
from tests.helpers_csv import csv_bytes, specialists

REPO = Path(__file__).resolve().parents[1]
MIN_DELAY = 0.05
WACKER = "233 S Wacker Dr, Chicago, IL 99999"  # the query for a row whose ZIP we do not know
MICHIGAN = "100 N Michigan Ave, Chicago, IL 99999"
CHICAGO_ZIP = zip_centroid("60606") or Location(0, 0, "ZIP 60606 is missing from the ZIP data")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")  # -87.62 is a longitude, not a formula


def geocoder(fake: FakeNominatim) -> Geocode:
    """The real Nominatim client, fast enough for tests and without retries (each retry waits 5 s)."""
    return nominatim("NeuroFinder tests", min_delay_seconds=MIN_DELAY, adapter_factory=fake.adapter_factory())


def needing_coordinates(count: int, **cells: str) -> list[dict[str, str]]:
    return [{**row, "latitude": "", "longitude": "", **cells} for row in specialists(count)]


def run(rows: list[dict[str, str]], fake: FakeNominatim | None, cache: Path) -> GeocodeResult:
    return geocode_csv(csv_bytes(rows), geocoder(fake) if fake else None, cache_dir=cache)


def coordinates(result: GeocodeResult) -> list[tuple[str, str]]:
    return list(zip(result.table["latitude"], result.table["longitude"], strict=True))


def test_the_zip_centre_is_used_first_without_asking_the_service(tmp_path: Path) -> None:
    rows = needing_coordinates(2)
    rows[1].update({"zip": "2115", "city": "Boston", "state": "MA"})  # a spreadsheet dropped the leading zero
    fake = FakeNominatim()

    result = run(rows, fake, tmp_path)

    assert fake.calls == []
    assert (result.filled_from_zip, result.filled_from_address, result.unplaced) == (2, 0, [])
    chicago, boston = zip_centroid("60606"), zip_centroid("02115")
    assert chicago and boston
    assert coordinates(result) == [(str(chicago.lat), str(chicago.lon)), (str(boston.lat), str(boston.lon))]
    assert result.table["zip"].tolist() == ["60606", "2115"]  # only coordinates are written


def test_the_street_address_is_looked_up_when_the_zip_is_unknown(tmp_path: Path) -> None:
    fake = FakeNominatim({WACKER: nominatim_place(41.8789, -87.6359, "Willis Tower, Chicago")})

    result = run(needing_coordinates(1, zip="99999"), fake, tmp_path)

    assert [query for _, query, _ in fake.calls] == [WACKER]
    assert fake.user_agents == ["NeuroFinder tests"]
    assert (result.filled_from_zip, result.filled_from_address, result.unplaced) == (0, 1, [])
    assert coordinates(result) == [("41.8789", "-87.6359")]


def test_addresses_are_looked_up_no_faster_than_the_rate_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The limiter runs on a clock the test controls, so the check is exact and does not depend on machine load."""
    now = [0.0]
    sent_at: list[float] = []
    let_through = RateLimiter._acquire_request_slot

    def acquire(limiter: RateLimiter) -> None:
        let_through(limiter)
        sent_at.append(now[0])

    monkeypatch.setattr(RateLimiter, "_clock", lambda limiter: now[0])
    monkeypatch.setattr(RateLimiter, "_sleep", lambda limiter, seconds: now.__setitem__(0, now[0] + seconds))
    monkeypatch.setattr(RateLimiter, "_acquire_request_slot", acquire)
    rows = needing_coordinates(4, zip="99999")
    for number, row in enumerate(rows):
        row["address"] = f"{number + 1} Main St"
    fake = FakeNominatim(default=nominatim_place(41.88, -87.63, "Chicago"))

    result = run(rows, fake, tmp_path)

    assert result.filled_from_address == 4
    assert len(fake.calls) == len(sent_at) == 4
    assert [later - earlier for earlier, later in itertools.pairwise(sent_at)] == pytest.approx([MIN_DELAY] * 3)


def test_a_second_run_asks_the_service_nothing(tmp_path: Path) -> None:
    rows = needing_coordinates(2, zip="99999")
    rows[1]["address"] = "100 N Michigan Ave"
    answers = {WACKER: nominatim_place(41.8789, -87.6359, "Willis Tower")}  # Michigan Ave: not found
    first_fake, second_fake = FakeNominatim(answers), FakeNominatim(answers)

    first = run(rows, first_fake, tmp_path)
    second = run(rows, second_fake, tmp_path)

    assert len(first_fake.calls) == 2
    assert second_fake.calls == []
    assert coordinates(second) == coordinates(first) == [("41.8789", "-87.6359"), ("", "")]
    assert (
        second.unplaced
        == first.unplaced
        == [(3, f"the street-address service could not find “{MICHIGAN}”; check the address and ZIP code")]
    )


def test_service_errors_keep_the_row_list_it_and_are_asked_again_next_time(tmp_path: Path) -> None:
    rows = needing_coordinates(3, zip="99999")
    rows[1]["address"] = "100 N Michigan Ave"
    rows[2]["address"] = "1 Unreachable Rd"
    broken = FakeNominatim(
        {
            WACKER: nominatim_place(41.8789, -87.6359, "Willis Tower"),
            MICHIGAN: GeocoderTimedOut("timed out"),
            "1 Unreachable Rd, Chicago, IL 99999": GeocoderUnavailable("connection refused"),
        }
    )
    healthy = FakeNominatim(default=nominatim_place(41.88, -87.62, "Chicago"))

    first = run(rows, broken, tmp_path)
    second = run(rows, healthy, tmp_path)

    assert first.table["id"].tolist() == ["NF-1", "NF-2", "NF-3"]
    assert coordinates(first) == [("41.8789", "-87.6359"), ("", ""), ("", "")]
    assert [(row, reason.split(" (")[0]) for row, reason in first.unplaced] == [
        (3, "The street-address service is not reachable right now"),
        (4, "The street-address service is not reachable right now"),
    ]
    assert "GeocoderTimedOut" in first.unplaced[0][1]
    assert [query for _, query, _ in healthy.calls] == [MICHIGAN, "1 Unreachable Rd, Chicago, IL 99999"]
    assert second.unplaced == []


def test_a_service_that_keeps_failing_is_no_longer_asked(tmp_path: Path) -> None:
    rows = needing_coordinates(MAX_FAILURES_IN_A_ROW + 2, zip="99999")
    rows[-1]["zip"] = "60606"  # ZIP rows are still placed after the service gave up
    down = FakeNominatim(default=GeocoderUnavailable("connection refused"))

    result = run(rows, down, tmp_path)

    assert len(down.calls) == MAX_FAILURES_IN_A_ROW
    assert result.filled_from_zip == 1
    assert "stopped answering" in result.unplaced[-1][1]
    assert len(result.unplaced) == MAX_FAILURES_IN_A_ROW + 1


def test_offline_never_asks_and_says_why_a_row_is_left(tmp_path: Path) -> None:
    rows = needing_coordinates(3)
    rows[1]["zip"] = "99999"
    rows[2].update({"zip": "", "address": ""})

    result = geocode_csv(csv_bytes(rows), None, cache_dir=tmp_path / "cache")

    assert result.unplaced == [
        (3, "the ZIP code “99999” is not one we know, and looking up street addresses was switched off (offline)"),
        (4, "the ZIP code is missing, and there is no street address to look up"),
    ]
    assert not (tmp_path / "cache").exists()


def test_every_row_and_cell_is_kept_in_order_and_existing_coordinates_untouched(tmp_path: Path) -> None:
    rows = specialists(5)
    rows[0].update({"latitude": "41.88", "longitude": " -87.6300 "})  # odd but present: left as typed
    rows[1].update({"latitude": "", "longitude": ""})
    rows[2].update({"latitude": "north", "longitude": "-87.63"})  # wrong, but for the validator to report
    rows[3].update({"latitude": "", "longitude": "", "zip": "99999"})
    rows[4].update({"latitude": "41.9", "longitude": ""})  # half missing: both are filled from the ZIP
    for number, row in enumerate(rows):
        row["notes"] = f"=note\r{number}, “quoted”"
    columns = ["notes", *reversed(ALL_COLUMNS)]
    data = csv_bytes(rows, columns=columns)

    result = geocode_csv(data, None, cache_dir=tmp_path)
    written, problems = read_table(result.csv_bytes())

    before, _ = read_table(data)
    assert problems == []
    assert written is not None and before is not None
    assert written.columns.tolist() == columns
    centre = [str(value) for value in (CHICAGO_ZIP.lat, CHICAGO_ZIP.lon)]
    before.loc[[1, 4], ["latitude", "longitude"]] = [centre, centre]
    assert written.equals(before)
    assert (result.already_had, result.filled_from_zip, [row for row, _ in result.unplaced]) == (2, 2, [5])


def test_row_numbers_stay_those_of_the_file_after_a_blank_line(tmp_path: Path) -> None:
    rows = needing_coordinates(2, zip="99999")
    data = csv_bytes(rows).replace(b"\r\nNF-2", b"\r\n,,,,,,,,,,,,,,,\r\nNF-2")

    result = geocode_csv(data, None, cache_dir=tmp_path)

    assert [row for row, _ in result.unplaced] == [2, 4]
    assert result.table["id"].tolist() == ["NF-1", "NF-2"]


def test_a_file_with_an_unreadable_row_is_refused_rather_than_losing_it(tmp_path: Path) -> None:
    data = csv_bytes(needing_coordinates(2)) + b"NF-3,too,few,cells\r\n"

    with pytest.raises(FileNotUsable) as refused:
        geocode_csv(data, None, cache_dir=tmp_path)

    assert [(p.severity, p.row) for p in refused.value.problems] == [("error", 4), ("error", None)]
    assert "so that no specialist is lost" in str(refused.value)


def test_columns_are_found_whatever_their_case_and_added_when_missing(tmp_path: Path) -> None:
    columns = ["ID", "Name", "Address", "City", "State", "ZIP"]
    data = csv_bytes(
        [{"ID": "NF-1", "Name": "Ana", "Address": "1 Main St", "City": "Boston", "State": "MA", "ZIP": "2115"}],
        columns=columns,
    )

    result = geocode_csv(data, None, cache_dir=tmp_path)

    assert result.table.columns.tolist() == [*columns, "latitude", "longitude"]
    assert result.filled_from_zip == 1


def test_progress_is_reported_for_each_row_needing_coordinates(tmp_path: Path) -> None:
    rows = [*needing_coordinates(3), *specialists(2)]
    for number, row in enumerate(rows):
        row["id"] = f"NF-{number}"
    seen: list[tuple[int, int]] = []

    geocode_csv(csv_bytes(rows), None, cache_dir=tmp_path, on_progress=lambda done, total: seen.append((done, total)))

    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


@pytest.fixture
def fake_service(monkeypatch: pytest.MonkeyPatch) -> FakeNominatim:
    """The command builds its own Nominatim client; geopy's default adapter is its network edge."""
    fake = FakeNominatim({WACKER: nominatim_place(41.8789, -87.6359, "Willis Tower")})
    monkeypatch.setattr(geopy.geocoders.options, "default_adapter_factory", fake.adapter_factory())
    monkeypatch.setenv("NEUROFINDER_USER_AGENT", "Lakeside Clinic (it@lakeside.example)")
    return fake


def test_geocode_command_writes_the_file_and_exits_0_when_all_placed(
    tmp_path: Path, fake_service: FakeNominatim, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = needing_coordinates(2)
    rows[1]["zip"] = "99999"
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(csv_bytes(rows))

    code = main(["geocode", str(source), "-o", str(output), "--cache-dir", str(tmp_path / "cache")])

    assert code == 0
    assert fake_service.user_agents == ["Lakeside Clinic (it@lakeside.example)"]
    written, _ = read_table(output.read_bytes())
    assert written is not None
    assert written["latitude"].tolist() == [str(CHICAGO_ZIP.lat), "41.8789"]
    assert capsys.readouterr().out == (
        f"Wrote {output}: 2 rows; 0 already had coordinates, 1 placed at their ZIP code's centre, "
        "1 from their street address, 0 could not be placed.\n"
    )


def test_geocode_command_exits_1_and_lists_rows_it_could_not_place(
    tmp_path: Path, fake_service: FakeNominatim, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = needing_coordinates(2, zip="99999")
    rows[1]["address"] = "100 N Michigan Ave"
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(csv_bytes(rows))

    code = main(["geocode", str(source), "-o", str(output), "--cache-dir", str(tmp_path / "cache")])

    assert code == 1
    assert output.exists()
    assert capsys.readouterr().out.splitlines()[1:] == [
        "These rows still have blank coordinates (fix them and run again):",
        f"  row 3: the street-address service could not find “{MICHIGAN}”; check the address and ZIP code",
    ]


def test_geocode_command_refuses_a_file_it_would_lose_rows_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(b"PK\x03\x04" + bytes(100))

    assert main(["geocode", str(source), "-o", str(output), "--offline"]) == 2
    assert not output.exists()
    assert capsys.readouterr().out.startswith("ERROR: this is an Excel workbook")


def test_python_m_finder_geocode_offline_end_to_end(tmp_path: Path) -> None:
    rows = needing_coordinates(2)
    rows[1]["zip"] = "99999"
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes(rows))

    done = subprocess.run(
        [sys.executable, "-m", "finder", "geocode", str(source), "-o", str(source), "--offline"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )

    assert (done.returncode, done.stderr) == (1, "")
    assert "  row 3: the ZIP code “99999” is not one we know" in done.stdout
    written, _ = read_table(source.read_bytes())
    assert written is not None
    assert written["id"].tolist() == ["NF-1", "NF-2"]
    assert written["latitude"].tolist() == [str(CHICAGO_ZIP.lat), ""]
    assert not (tmp_path / ".geocode-cache").exists()


def test_the_written_file_is_safe_to_open_in_a_spreadsheet_and_reads_back_exactly(tmp_path: Path) -> None:
    rows = needing_coordinates(3)
    rows[0].update({"address": "-12 Main St", "name": '=HYPERLINK("https://evil.example")', "clinic": "'Tis"})
    rows[1].update({"clinic": "@SUM(1)", "credentials": "+MD"})
    columns = [*ALL_COLUMNS, "=notes"]
    data = csv_bytes(rows, columns=columns)

    result = geocode_csv(data, None, cache_dir=tmp_path)
    written = result.csv_bytes()

    cells = [cell for row in csv.reader(io.StringIO(written.decode("utf-8-sig"), newline="")) for cell in row]
    risky = [
        cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not PLAIN_NUMBER.fullmatch(cell)
    ]
    assert risky == []
    read_back, problems = read_table(written)
    assert problems == [] and read_back is not None
    assert read_back.columns.tolist() == columns
    assert read_back.equals(result.table)
    assert read_back["address"].tolist()[0] == "-12 Main St"
