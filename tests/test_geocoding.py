"""The address service's answers: junk is a failure (never a place at 0,0, never kept), and a request has a deadline.

Junk answers come through the real Nominatim client with only geopy's HTTP adapter faked
(tests/fakes.py); the deadline is tested against a real, slow server on 127.0.0.1.
"""

from __future__ import annotations

import math
import sqlite3
import time
from pathlib import Path
from typing import Any

import geopy.geocoders
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finder import app_data
from finder.batch_geocode import geocode_csv
from finder.cli import main
from finder.csv_io import read_table
from finder.geocoding import CACHE_FILE_NAME, GeocodingError, cached, nominatim, read_answer
from finder.location import LocationError
from finder.places import Location
from tests.fakes import FakeNominatim, dripping_server, nominatim_place
from tests.helpers_csv import csv_bytes, specialists

ADDRESS = "1 Main St, Springfield, ZZ 99999"  # no ZIP or city we know, so only the service can place it
CHICAGO = nominatim_place(41.8789, -87.6359, "Willis Tower, Chicago")


def hit(**fields: Any) -> list[dict[str, Any]]:
    """A one-place answer: Chicago's, with `fields` replaced (None removes the field)."""
    place = {**CHICAGO[0], **fields}
    return [{key: value for key, value in place.items() if value is not None}]


JUNK_ANSWERS: dict[str, Any] = {
    "latitude abc": hit(lat="abc"),
    "latitude nan": hit(lat="nan"),
    "longitude inf": hit(lon="inf"),
    "latitude -inf": hit(lat="-inf"),
    "latitude 1e308": hit(lat="1e308"),
    "latitude 1e308 as a number": hit(lat=1e308),
    "latitude null": [{**CHICAGO[0], "lat": None}],
    "both null": [{**CHICAGO[0], "lat": None, "lon": None}],
    "no latitude": hit(lat=None),
    "no coordinates": hit(lat=None, lon=None),
    "latitude 91": hit(lat="91"),
    "longitude 200": hit(lon="200"),
    "0,0": hit(lat="0", lon="0"),
    "0,0 as numbers": hit(lat=0, lon=0),
    "in Europe": hit(lat="48.85", lon="2.35"),
    "latitude true": hit(lat=True),
    "latitude a list": hit(lat=[41.8]),
    "latitude with an exponent": hit(lat="4.18e1"),
    "latitude in Arabic digits": hit(lat="٤١.٨"),
    "latitude with underscores": hit(lat="4_1.8"),
    "latitude with a comma": hit(lat="41,8"),
    "no name": hit(display_name=None),
    "blank name": hit(display_name="  "),
    "a number as name": hit(display_name=12),
    "a place that is not an object": ["Chicago"],
    "a list of lists": [[41.8, -87.6]],
    "an error object": {"error": "Unable to geocode"},
    "an object": CHICAGO[0],
    "a string": "[]",
    "a number": 5,
    "null": None,
    "true": True,
}


def geocoder(fake: FakeNominatim, **options: Any) -> Any:
    return nominatim("NeuroFinder tests", min_delay_seconds=0, adapter_factory=fake.adapter_factory(), **options)


@pytest.mark.parametrize("answer", JUNK_ANSWERS.values(), ids=JUNK_ANSWERS.keys())
def test_a_junk_answer_is_a_failure_not_a_place(answer: Any) -> None:
    geocode = geocoder(FakeNominatim({ADDRESS: answer}))
    with pytest.raises(GeocodingError, match=r"^The street-address service gave an unusable (answer|position) \("):
        geocode(ADDRESS)


def test_a_good_answer_and_an_empty_one() -> None:
    geocode = geocoder(FakeNominatim({ADDRESS: CHICAGO, "Nowhere": []}))
    assert geocode(ADDRESS) == Location(41.8789, -87.6359, "Willis Tower, Chicago")
    assert geocode("Nowhere") is None
    # Nominatim writes coordinates as text, but numbers are fine too; Alaska's Aleutians lie east of 180°.
    assert read_answer(hit(lat=41, lon=-87.5)) == Location(41.0, -87.5, "Willis Tower, Chicago")
    assert read_answer(hit(lat="52.84", lon="173.18", display_name="Attu\n Island")) == Location(
        52.84, 173.18, "Attu Island"
    )


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_coordinates = st.one_of(
    _json,
    st.floats().map(str),
    st.from_regex(r"[-+]?[0-9]{1,4}(\.[0-9]{1,8})?", fullmatch=True),
)


@settings(max_examples=200, deadline=None)
@given(
    answer=st.one_of(
        _json,
        st.lists(
            st.fixed_dictionaries({}, optional={"lat": _coordinates, "lon": _coordinates, "display_name": _json}),
            min_size=1,
            max_size=2,
        ),
    )
)
def test_any_answer_gives_a_us_place_nothing_or_a_geocoding_error(answer: Any) -> None:
    try:
        place = read_answer(answer)
    except GeocodingError as error:
        assert str(error).startswith("The street-address service gave an unusable")
        return
    if place is not None:
        assert math.isfinite(place.lat) and math.isfinite(place.lon)
        assert -15 <= place.lat <= 72 and (place.lon <= -64 or place.lon >= 144)
        assert place.label.strip()


@pytest.mark.parametrize("in_headers", [True, False], ids=["drip in the headers", "drip in the body"])
def test_a_server_that_drips_its_answer_is_given_up_on_at_the_deadline(in_headers: bool) -> None:
    with dripping_server(in_headers=in_headers, lasting=30) as host:
        geocode = nominatim("NeuroFinder tests", timeout=1, min_delay_seconds=0, domain=host, scheme="http")
        started = time.monotonic()
        with pytest.raises(GeocodingError, match=r"not reachable right now \(GeocoderTimedOut\)"):
            geocode(ADDRESS)
        assert time.monotonic() - started < 10  # 1 s deadline; the server would drip for 30 s


def rows_needing_the_service(count: int) -> list[dict[str, str]]:
    rows = specialists(count)
    for number, row in enumerate(rows):
        row.update({"latitude": "", "longitude": "", "zip": "99999", "address": f"{number + 1} Main St"})
    return rows


def test_junk_answers_leave_rows_blank_with_a_reason_and_are_not_kept(tmp_path: Path) -> None:
    queries = [f"{number} Main St, Chicago, IL 99999" for number in (1, 2)]
    junk = FakeNominatim({queries[0]: hit(lat=None, lon=None), queries[1]: hit(lat="nan")})
    healthy = FakeNominatim(default=CHICAGO)
    data = csv_bytes(rows_needing_the_service(2))

    first = geocode_csv(data, geocoder(junk), cache_dir=tmp_path)
    second = geocode_csv(data, geocoder(healthy), cache_dir=tmp_path)

    assert first.table["latitude"].tolist() == first.table["longitude"].tolist() == ["", ""]
    assert first.filled_from_address == 0
    assert [(row, reason.split(" (")[0]) for row, reason in first.unplaced] == [
        (2, "The street-address service gave an unusable position"),
        (3, "The street-address service gave an unusable position"),
    ]
    assert [query for _, query, _ in healthy.calls] == queries  # nothing was kept from the junk
    assert second.table["latitude"].tolist() == ["41.8789", "41.8789"]


def test_a_junk_position_kept_by_an_older_version_is_asked_again(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / CACHE_FILE_NAME) as db:
        db.execute("CREATE TABLE answers (query TEXT PRIMARY KEY, lat REAL, lon REAL, label TEXT)")
        db.execute("INSERT INTO answers VALUES (?, 0.0, 0.0, 'Chicago')", (ADDRESS.lower(),))
        db.execute("INSERT INTO answers VALUES ('nowhere', NULL, NULL, NULL)")  # "not found" is kept
    db.close()
    fake = FakeNominatim({ADDRESS: CHICAGO})

    with cached(geocoder(fake), tmp_path) as lookup:
        assert lookup(ADDRESS) == Location(41.8789, -87.6359, "Willis Tower, Chicago")
        assert lookup("Nowhere") is None
        assert lookup(ADDRESS) == Location(41.8789, -87.6359, "Willis Tower, Chicago")

    assert [query for _, query, _ in fake.calls] == [ADDRESS]


def test_geocode_command_lists_rows_with_junk_answers_and_writes_no_zero_coordinates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeNominatim(
        {"1 Main St, Chicago, IL 99999": hit(lat="abc"), "2 Main St, Chicago, IL 99999": hit(lat=None, lon=None)}
    )
    monkeypatch.setattr(geopy.geocoders.options, "default_adapter_factory", fake.adapter_factory())
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(csv_bytes(rows_needing_the_service(2)))

    code = main(["geocode", str(source), "-o", str(output), "--cache-dir", str(tmp_path / "cache")])

    assert code == 1
    written, _ = read_table(output.read_bytes())
    assert written is not None and written["latitude"].tolist() == ["", ""]
    printed = capsys.readouterr().out
    assert "0 from their street address, 2 could not be placed" in printed
    assert "  row 2: The street-address service gave an unusable position (the latitude is “abc”)" in printed
    assert "  row 3: The street-address service gave an unusable position (the latitude is missing)" in printed


@pytest.fixture
def app_geocoder(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The app's own cached geocoder, switched on, with geopy's HTTP adapter faked and empty caches."""
    fake = FakeNominatim()
    monkeypatch.delenv("NEUROFINDER_GEOCODER")
    monkeypatch.setattr(geopy.geocoders.options, "default_adapter_factory", fake.adapter_factory())
    app_data._geocoder.clear()
    app_data._geocode_cached.clear()
    yield fake
    app_data._geocoder.clear()
    app_data._geocode_cached.clear()


def test_the_app_does_not_keep_a_junk_answer(app_geocoder: FakeNominatim) -> None:
    app_geocoder.answers[ADDRESS] = hit(lat="1e308")
    with pytest.raises(LocationError, match="cannot look up street addresses right now"):
        app_data.locate(ADDRESS)

    app_geocoder.answers[ADDRESS] = CHICAGO
    place = app_data.locate(ADDRESS)
    assert (place.lat, place.lon, place.approximate) == (41.8789, -87.6359, False)
    assert len(app_geocoder.calls) == 2
