"""Test doubles that stand in only at the network edge.

geopy lets a geocoder take an `adapter_factory`: the adapter is the piece that does HTTP.
Replacing it keeps Nominatim's real request building, parsing and geopy's RateLimiter in play.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from geopy.adapters import BaseSyncAdapter

Answer = list[dict[str, Any]] | Exception


def nominatim_place(lat: float, lon: float, name: str) -> list[dict[str, Any]]:
    """Nominatim's JSON for one search hit."""
    return [{"lat": str(lat), "lon": str(lon), "display_name": name, "place_id": 1, "boundingbox": []}]


class FakeNominatim:
    """Answers Nominatim searches from a table (query text -> JSON or exception) and records calls."""

    def __init__(self, answers: dict[str, Answer] | None = None, default: Answer | None = None) -> None:
        self.answers = answers or {}
        self.default: Answer = [] if default is None else default
        self.calls: list[tuple[float, str, float | None]] = []  # (monotonic time, query, timeout)
        self.user_agents: list[str] = []

    def adapter_factory(self) -> Callable[..., BaseSyncAdapter]:
        fake = self

        class Adapter(BaseSyncAdapter):
            def get_json(self, url: str, *, timeout: float | None, headers: dict[str, str]) -> Any:
                query = parse_qs(urlsplit(url).query).get("q", [""])[0]
                fake.calls.append((time.monotonic(), query, timeout))
                fake.user_agents.append(headers.get("User-Agent", ""))
                answer = fake.answers.get(query, fake.default)
                if isinstance(answer, Exception):
                    raise answer
                return answer

            def get_text(self, url: str, *, timeout: float | None, headers: dict[str, str]) -> str:
                raise AssertionError("Nominatim searches use get_json")

        return Adapter
