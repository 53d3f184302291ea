"""Location lookup: ZIP and city offline, street addresses through Nominatim faked at its HTTP edge."""

import pytest
import zipcodes
from geopy.exc import GeocoderServiceError, GeocoderTimedOut

from finder.geocoding import nominatim
from finder.location import AmbiguousLocation, LocationError, resolve_location
from finder.zip_index import zip_centroid, zip_table
from tests.fakes import FakeNominatim, nominatim_place


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("10001", "New York, NY"),
        ("  60614-1234 ", "Chicago, IL"),
        ("Springfield, IL", "Springfield, IL"),
        ("springfield il", "Springfield, IL"),
        ("St. Louis, Missouri", "Saint Louis, MO"),
        ("Ft Worth, TX", "Fort Worth, TX"),
        ("New York NY", "New York, NY"),
        ("Salt Lake City Utah", "Salt Lake City, UT"),
        ("Washington DC", "Washington, DC"),
        ("Chicago", "Chicago, IL"),  # a city alone: the best-known one, named in the label
    ],
)
def test_zip_and_city_are_answered_offline(text: str, label: str) -> None:
    place = resolve_location(text, geocode=None)
    assert place.label == label
    assert not place.approximate


def test_zip_gives_its_centroid() -> None:
    place = resolve_location("02115")
    assert (place.lat, place.lon) == pytest.approx((42.34, -71.09), abs=0.02)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("99999", "could not find the ZIP code 99999"),
        ("", "Enter a ZIP code"),
        ("x" * 300, "longer than 200 characters"),
    ],
)
def test_bad_locations_say_what_is_wrong(text: str, phrase: str) -> None:
    with pytest.raises(LocationError, match=phrase):
        resolve_location(text)


def test_street_address_goes_to_nominatim_with_user_agent_and_timeout() -> None:
    fake = FakeNominatim({"1 Main St, Boulder, CO": nominatim_place(40.01, -105.27, "1 Main St, Boulder")})
    geocode = nominatim("NeuroFinder-test/1.0", timeout=3, adapter_factory=fake.adapter_factory())
    place = resolve_location("1 Main St, Boulder, CO", geocode)
    assert (place.lat, place.lon, place.label) == (40.01, -105.27, "1 Main St, Boulder")
    assert [call[1:] for call in fake.calls] == [("1 Main St, Boulder, CO", 3)]
    assert fake.user_agents == ["NeuroFinder-test/1.0"]


def test_offline_answers_never_call_the_geocoder() -> None:
    fake = FakeNominatim()
    geocode = nominatim(adapter_factory=fake.adapter_factory())
    resolve_location("10001", geocode)
    resolve_location("Denver, CO", geocode)
    assert fake.calls == []


def test_unknown_address_says_so() -> None:
    geocode = nominatim(adapter_factory=FakeNominatim(default=[]).adapter_factory())
    with pytest.raises(LocationError, match="could not find “Nowhere Lane 5”"):
        resolve_location("Nowhere Lane 5", geocode)


@pytest.mark.parametrize("failure", [GeocoderTimedOut("slow"), GeocoderServiceError("down")])
def test_geocoder_failure_falls_back_to_the_zip_in_the_address(failure: Exception) -> None:
    geocode = nominatim(adapter_factory=FakeNominatim(default=failure).adapter_factory())
    place = resolve_location("1 Main St, Springfield, IL 62704", geocode)
    assert place.approximate
    assert place.label == "Springfield, IL"


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("abc", r"We could not find “abc”, and the street-address service is not answering right now\. Try a ZIP"),
        ("the big hospital downtown", r"could not find “the big hospital downtown”, and the street-address service"),
        ("12 Elm Rd", r"^We cannot look up street addresses right now\. Please search by ZIP code"),
    ],
)
def test_geocoder_failure_without_zip_or_city_says_what_happened_in_plain_words(query: str, says: str) -> None:
    """Not found, or the service is down: either way what to type instead, and no technical names."""
    geocode = nominatim(adapter_factory=FakeNominatim(default=GeocoderTimedOut("slow")).adapter_factory())
    with pytest.raises(LocationError, match=says) as raised:
        resolve_location(query, geocode)
    assert "Geocoder" not in str(raised.value) and "(" not in str(raised.value)


def test_no_geocoder_falls_back_to_city_in_the_address() -> None:
    place = resolve_location("1 Main St, Boulder, CO", geocode=None)
    assert place.approximate
    assert place.label == "Boulder, CO"


def test_zip_codes_the_data_places_at_0_0_are_unknown_not_in_the_atlantic() -> None:
    """APO/FPO ZIPs have no position in the bundled data; they must not become a search at 0,0."""
    raw = {row["zip_code"]: row for row in zipcodes.list_all()}
    nowhere = sorted(code for code, row in raw.items() if float(row["lat"]) == 0 and float(row["long"]) == 0)
    assert nowhere, "the bundled data no longer has 0,0 ZIPs; this test can go"
    assert all(zip_centroid(code) is None for code in nowhere)
    with pytest.raises(LocationError, match=nowhere[0]):
        resolve_location(nowhere[0])
    assert (zip_table()["lat"].abs() + zip_table()["lon"].abs()).gt(0).all()


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("NYC", "New York, NY"),
        ("la", "Los Angeles, CA"),
        ("D.C.", "Washington, DC"),
        ("St Louis, MO", "Saint Louis, MO"),
    ],
)
def test_common_city_nicknames_are_found_offline(typed: str, label: str) -> None:
    assert resolve_location(typed).label == label


@pytest.mark.parametrize("typed", ["abc", "Gotham City", "zzzz, QQ"])
def test_an_unknown_place_name_is_not_found_not_blamed_on_the_address_service(typed: str) -> None:
    with pytest.raises(LocationError) as problem:
        resolve_location(typed)
    assert str(problem.value).startswith(f"We could not find “{typed}”.") and "60614" in str(problem.value)
    assert "address" not in str(problem.value)


def test_a_city_name_several_states_share_asks_which_one_biggest_first() -> None:
    with pytest.raises(AmbiguousLocation) as problem:
        resolve_location("springfield")
    assert str(problem.value) == "There is more than one Springfield. Which one do you mean?"
    assert problem.value.choices[:3] == ("Springfield, MA", "Springfield, IL", "Springfield, MO")


def test_a_city_that_dwarfs_its_namesakes_is_searched_and_says_so() -> None:
    place = resolve_location("Denver")
    assert place.label == "Denver, CO"
    assert "Denver, IA" in place.alternatives and len(place.alternatives) <= 5
    assert resolve_location("Chicago").alternatives == ()
