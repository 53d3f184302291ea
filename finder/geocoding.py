"""Street-address lookup through OpenStreetMap's Nominatim, used only when offline lookup cannot answer.

Nominatim's usage policy asks for a real user agent and at most one request a second, so
every call goes through geopy's RateLimiter and has a timeout. Callers get a `Place` or
None, and a `GeocodingError` (never a geopy exception) when the service cannot be reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

DEFAULT_USER_AGENT = "NeuroFinder/1.0 (neurology specialist finder; set geocoder.user_agent in secrets)"


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    label: str


class GeocodingError(RuntimeError):
    """The address service failed (offline, timed out, refused); the message is safe to show."""


Geocode = Callable[[str], Place | None]


def nominatim(
    user_agent: str = DEFAULT_USER_AGENT,
    *,
    timeout: float = 5.0,
    min_delay_seconds: float = 1.0,
    max_retries: int = 0,
    adapter_factory: Callable[..., Any] | None = None,
) -> Geocode:
    """A US-only geocode function over Nominatim with rate limiting and a timeout.

    `adapter_factory` is geopy's hook for the HTTP layer; tests pass a fake there so
    everything above the network edge is the real code.
    """
    options: dict[str, Any] = {"user_agent": user_agent, "timeout": timeout}
    if adapter_factory is not None:
        options["adapter_factory"] = adapter_factory
    client = Nominatim(**options)
    limited = RateLimiter(
        client.geocode,
        min_delay_seconds=min_delay_seconds,
        max_retries=max_retries,
        swallow_exceptions=False,
    )

    def geocode(query: str) -> Place | None:
        try:
            found = limited(query, exactly_one=True, country_codes="us")
        except GeopyError as error:
            raise GeocodingError(
                f"The street-address service is not reachable right now ({type(error).__name__})."
            ) from error
        if found is None:
            return None
        return Place(float(found.latitude), float(found.longitude), str(found.address))

    return geocode
