"""Test doubles that stand in only at the network edge.

geopy lets a geocoder take an `adapter_factory`: the adapter is the piece that does HTTP.
Replacing it keeps Nominatim's real request building, parsing and geopy's RateLimiter in play.
Where the HTTP itself is under test, `dripping_server` is a real server on 127.0.0.1.
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

from geopy.adapters import BaseSyncAdapter

#: The JSON the service sends (any JSON at all, for junk answers), or an exception the adapter raises.
Answer = Any


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


@contextmanager
def dripping_server(*, in_headers: bool, interval: float = 0.1, lasting: float = 30.0) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 that answers one byte every `interval` seconds for `lasting` seconds,
    in its headers or in its body: every read gets a byte in time, yet the answer never ends.

    Yields "127.0.0.1:PORT".
    """
    stop = threading.Event()
    start = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    start += b"X-Slow: " if in_headers else b"Content-Length: 1000000\r\n\r\n[ "

    class Drip(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.recv(65536)  # the request; any will do
            self.request.sendall(start)
            until = time.monotonic() + lasting
            while time.monotonic() < until and not stop.wait(interval):
                try:
                    self.request.sendall(b"a" if in_headers else b" ")
                except OSError:  # the client hung up
                    return

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Drip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
