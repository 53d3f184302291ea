"""Street-address lookup through OpenStreetMap's Nominatim, used only when offline lookup cannot answer.

Nominatim's usage policy asks for a real user agent and at most one request a second, so
every call goes through geopy's RateLimiter and has a deadline. Callers get a `Location` or
None, and a `GeocodingError` (never a geopy exception) when the service cannot be reached
or answers with something that is not a usable position. `cached` keeps the answers on disk
for the batch filling, which asks about the same addresses run after run.
"""

from __future__ import annotations

import functools
import math
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent import futures
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from finder.places import Location

DEFAULT_USER_AGENT = "NeuroFinder/1.0 (neurology specialist finder; set geocoder.user_agent in secrets)"
DEFAULT_DOMAIN = "nominatim.openstreetmap.org"
#: A coordinate as Nominatim writes it ("41.8781136"); ASCII digits only, no exponent, no "nan".
_DECIMAL = re.compile(r"[-+]?[0-9]{1,3}(?:\.[0-9]+)?")
#: The United States and its territories, boxed generously: from American Samoa to Alaska, and from
#: the Aleutians and Guam (east of 144°E) round to Maine. It keeps out 0,0 and other junk positions.
_US_LATITUDES = (-15.0, 72.0)
_US_WEST_OF = -64.0
_US_EAST_OF = 144.0
#: The file `cached` keeps its answers in, inside the folder it is given.
CACHE_FILE_NAME = "addresses.sqlite3"


class GeocodingError(RuntimeError):
    """The address service failed (offline, timed out, refused, gave junk); the message is safe to show."""


Geocode = Callable[[str], Location | None]
_Args = ParamSpec("_Args")
_Result = TypeVar("_Result")


def nominatim(
    user_agent: str = DEFAULT_USER_AGENT,
    *,
    timeout: float = 5.0,
    min_delay_seconds: float = 1.0,
    max_retries: int = 0,
    adapter_factory: Callable[..., Any] | None = None,
    domain: str = DEFAULT_DOMAIN,
    scheme: str = "https",
) -> Geocode:
    """A US-only geocode function over Nominatim with rate limiting and a deadline of `timeout` seconds
    per request, from connecting to the last byte of the answer.

    `adapter_factory` is geopy's hook for the HTTP layer; tests pass a fake there so
    everything above the network edge is the real code. `domain` and `scheme` point it at
    another Nominatim server (a clinic's own, or a local one in tests).

    geopy is imported here, not with the module: a ZIP or city search never needs it, and every
    server start would pay ~70-100 ms for it.
    """
    from geopy.exc import GeopyError
    from geopy.extra.rate_limiter import RateLimiter

    options: dict[str, Any] = {"user_agent": user_agent, "timeout": timeout, "domain": domain, "scheme": scheme}
    if adapter_factory is not None:
        options["adapter_factory"] = adapter_factory
    client = _unchecked_nominatim()(**options)
    limited = RateLimiter(
        _with_deadline(client.geocode, timeout),
        min_delay_seconds=min_delay_seconds,
        max_retries=max_retries,
        swallow_exceptions=False,
    )

    def geocode(query: str) -> Location | None:
        try:
            answer = limited(query, exactly_one=True, country_codes="us")
        except GeopyError as error:
            raise GeocodingError(
                f"The street-address service is not reachable right now ({type(error).__name__})."
            ) from error
        return read_answer(answer)

    return geocode


@functools.cache
def _unchecked_nominatim() -> type[Any]:
    """geopy's Nominatim client handing back the service's JSON as sent (a class made on first use, as
    geopy is imported then).

    geopy's own reading places a hit without coordinates at 0,0, quietly wraps a longitude of
    200 to -160 and raises ValueError or TypeError on other junk; `read_answer` checks instead.
    """
    from geopy.geocoders import Nominatim

    class UncheckedNominatim(Nominatim):
        def _parse_json(self, places: Any, exactly_one: bool) -> Any:
            return places

    return UncheckedNominatim


def read_answer(answer: object) -> Location | None:
    """The first hit of a Nominatim search answer (a JSON list of places), or None when it found nothing.

    Raises GeocodingError for anything that is not a named place at a real US position.
    """
    if isinstance(answer, list) and not answer:
        return None
    if not isinstance(answer, list) or not isinstance(answer[0], dict):
        raise GeocodingError("The street-address service gave an unusable answer (not a list of places).")
    hit = answer[0]
    return place_at(
        _coordinate(hit.get("lat"), "latitude"), _coordinate(hit.get("lon"), "longitude"), hit.get("display_name")
    )


def place_at(lat: object, lon: object, label: object) -> Location:
    """A Location, when (lat, lon) is a real position in the United States or its territories and it has a name.

    Raises GeocodingError otherwise, so no junk position is ever shown, written or kept.
    """
    if not isinstance(label, str) or not label.strip():
        raise GeocodingError("The street-address service gave an unusable answer (a place without a name).")
    south, north = _US_LATITUDES
    if not (
        isinstance(lat, int | float)
        and isinstance(lon, int | float)
        and math.isfinite(lat)
        and math.isfinite(lon)
        and south <= lat <= north
        and (-180.0 <= lon <= _US_WEST_OF or _US_EAST_OF <= lon <= 180.0)
    ):
        raise GeocodingError(
            f"The street-address service gave an unusable position ({lat}, {lon}: not in the United States)."
        )
    return Location(float(lat), float(lon), " ".join(label.split()))


@contextmanager
def cached(geocode: Geocode, directory: Path) -> Iterator[Geocode]:
    """`geocode` with its answers kept in `directory`; errors (including unusable positions) pass through
    and are not kept, and a kept position that is no longer accepted is asked for again."""
    directory.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(directory / CACHE_FILE_NAME)) as db:
        db.execute("CREATE TABLE IF NOT EXISTS answers (query TEXT PRIMARY KEY, lat REAL, lon REAL, label TEXT)")

        def lookup(query: str) -> Location | None:
            key = " ".join(query.lower().split())
            stored = db.execute("SELECT lat, lon, label FROM answers WHERE query = ?", (key,)).fetchone()
            if stored is not None and stored[0] is None:
                return None
            if stored is not None:
                try:
                    return place_at(*stored)
                except GeocodingError:
                    pass  # a junk position kept by an older version (e.g. 0,0): ask again and replace it
            place = geocode(query)
            with db:  # commit each answer at once, so an interrupted run keeps what it paid for
                db.execute(
                    "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
                    (key, *((place.lat, place.lon, place.label) if place else (None, None, None))),
                )
            return place

        yield lookup


def _coordinate(value: object, name: str) -> float:
    """A latitude or longitude from the JSON: a decimal number, as text (Nominatim's way) or as a number."""
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        return float(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    shown = "missing" if value is None else f"“{str(value)[:20]}”"
    raise GeocodingError(f"The street-address service gave an unusable position (the {name} is {shown}).")


def _with_deadline(call: Callable[_Args, _Result], seconds: float) -> Callable[_Args, _Result]:
    """`call`, given up on (GeocoderTimedOut) once `seconds` have passed in all.

    geopy's timeout applies to each network read, so a server sending a byte every few
    seconds could hold one request for minutes. The request runs in a daemon thread and the
    caller stops waiting at the deadline; the abandoned request ends on its own when the
    server stops or a read times out, and never holds up the program's exit.
    """

    def bounded(*args: _Args.args, **kwargs: _Args.kwargs) -> _Result:
        outcome: futures.Future[_Result] = futures.Future()

        def run() -> None:
            try:
                outcome.set_result(call(*args, **kwargs))
            except BaseException as error:  # handed to the caller, who re-raises it
                outcome.set_exception(error)

        threading.Thread(target=run, name="geocoder-request", daemon=True).start()
        futures.wait((outcome,), timeout=seconds)
        if not outcome.done():
            from geopy.exc import GeocoderTimedOut  # loaded already by whoever made `call`

            raise GeocoderTimedOut(f"no complete answer within {seconds:g} seconds")
        return outcome.result()

    return bounded
