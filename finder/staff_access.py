"""The password check for staff pages, and the growing wait after wrong guesses.

The password lives in Streamlit secrets; comparing in constant time keeps response timing
from revealing how much of a guess was right. The page is on the open internet, so each wrong
guess makes the next try wait longer, counted per browser session and for the whole server.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

LOG = logging.getLogger("neurofinder.staff")
#: Sessions remembered at once; the oldest are forgotten first (the server-wide wait still holds).
MAX_TRACKED_SESSIONS = 10_000


@dataclass(frozen=True)
class Backoff:
    """How long to wait after the n-th recent wrong guess: `first` seconds, times `growth` for each
    further one, never more than `cap`; guesses older than `forget` seconds no longer count."""

    first: float
    growth: float
    cap: float
    forget: float

    def __post_init__(self) -> None:
        if not 0 < self.first <= self.cap <= self.forget or self.growth < 1:
            raise ValueError("a backoff needs 0 < first <= cap <= forget and growth >= 1")

    def wait(self, failures: int) -> float:
        if failures <= 0:
            return 0.0
        try:
            return min(self.cap, self.first * self.growth ** (failures - 1))
        except OverflowError:  # thousands of failures: long past the cap
            return self.cap


#: One browser session: 1, 2, 4, 8 … seconds, at most 5 minutes; forgotten after an hour without a
#: wrong guess. Someone guessing from one session gets about a dozen tries in the first hour.
SESSION_BACKOFF = Backoff(first=1.0, growth=2.0, cap=300.0, forget=3600.0)
#: The whole server, so opening new sessions does not start over. It grows slowly (×1.25 a guess) and
#: stops at 30 seconds: a stranger guessing from many sessions is held to about two tries a minute,
#: while staff typing the right password during such an attack wait at most half a minute.
SERVER_BACKOFF = Backoff(first=1.0, growth=1.25, cap=30.0, forget=900.0)


@dataclass
class _Tally:
    """Recent wrong guesses from one session (or the whole server)."""

    failures: int = 0
    last_failure: float = -math.inf

    def wait_left(self, backoff: Backoff, now: float) -> float:
        if now - self.last_failure > backoff.forget:
            return 0.0
        return max(0.0, self.last_failure + backoff.wait(self.failures) - now)

    def fail(self, backoff: Backoff, now: float) -> None:
        if now - self.last_failure > backoff.forget:
            self.failures = 0
        self.failures += 1
        self.last_failure = now


@dataclass(frozen=True)
class Attempt:
    """What happened to one try: unlocked, a wrong password, or refused unchecked because the wait
    was not over. `wait_seconds` is how long until the next try will be checked."""

    outcome: Literal["unlocked", "wrong", "wait"]
    wait_seconds: float = 0.0


def password_matches(given: str, expected: str) -> bool:
    """True only when a password is configured and the given one equals it."""
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def session_tag(session: str) -> str:
    """A short hash naming a session in the log, so its attempts can be followed without logging its key."""
    return hashlib.sha256(session.encode("utf-8")).hexdigest()[:10]


class PasswordThrottle:
    """Checks passwords, making each session and the whole server wait longer after wrong ones.

    Safe to share between sessions (Streamlit runs each in its own thread). Nothing sleeps: a try
    made during the wait is refused at once without being checked, so no server thread is held and
    a guess made too early tells nothing. The clock is injectable so tests need not wait.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        session_backoff: Backoff = SESSION_BACKOFF,
        server_backoff: Backoff = SERVER_BACKOFF,
    ) -> None:
        self._clock = clock
        self._session_backoff = session_backoff
        self._server_backoff = server_backoff
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, _Tally] = OrderedDict()  # least recent wrong guess first
        self._server = _Tally()

    def wait_seconds(self, session: str) -> float:
        """Seconds until this session's next try will be checked (0 when it may try now)."""
        with self._lock:
            return self._wait(session, self._clock())

    def attempt(self, session: str, given: str, expected: str) -> Attempt:
        """Check `given` unless the session must still wait; a right password clears the session's count."""
        with self._lock:
            now = self._clock()
            if (wait := self._wait(session, now)) > 0:
                return Attempt("wait", wait)
            if password_matches(given, expected):
                self._sessions.pop(session, None)
                return Attempt("unlocked")
            tally = self._sessions.pop(session, None) or _Tally()
            tally.fail(self._session_backoff, now)
            self._sessions[session] = tally
            self._server.fail(self._server_backoff, now)
            self._forget_old(now)
            wait, counts = self._wait(session, now), (tally.failures, self._server.failures)
        LOG.warning(
            "Wrong staff password at %s from session %s: %d wrong in this session, %d recently on the server; "
            "next try checked in %.0f s",
            time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            session_tag(session),
            *counts,
            wait,
        )
        return Attempt("wrong", wait)

    def _wait(self, session: str, now: float) -> float:
        own = self._sessions.get(session, _Tally()).wait_left(self._session_backoff, now)
        return max(own, self._server.wait_left(self._server_backoff, now))

    def _forget_old(self, now: float) -> None:
        """Drop sessions whose guesses no longer count, and the oldest beyond MAX_TRACKED_SESSIONS."""
        forget = self._session_backoff.forget
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if len(self._sessions) <= MAX_TRACKED_SESSIONS and now - oldest.last_failure <= forget:
                return
            self._sessions.popitem(last=False)
