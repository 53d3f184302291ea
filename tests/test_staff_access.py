"""The staff password and the growing wait after wrong guesses, with a clock the tests move by hand."""

from __future__ import annotations

import logging
import threading

import pytest

from finder.staff_access import (
    MAX_TRACKED_SESSIONS,
    SERVER_BACKOFF,
    SESSION_BACKOFF,
    Attempt,
    Backoff,
    PasswordThrottle,
    password_matches,
    session_tag,
)

PASSWORD = "correct horse battery staple"


class Clock:
    """Time that only moves when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(clock: Clock) -> PasswordThrottle:
    return PasswordThrottle(clock=clock)


def guess_wrong(throttle: PasswordThrottle, clock: Clock, session: str = "a") -> Attempt:
    """A wrong guess made as soon as it is allowed."""
    clock.now += throttle.wait_seconds(session)
    return throttle.attempt(session, "guess", PASSWORD)


def test_password_needs_a_configured_exact_match() -> None:
    assert password_matches(PASSWORD, PASSWORD)
    assert not password_matches(PASSWORD + " ", PASSWORD)
    assert not password_matches("", "")  # no password set: the page stays locked


def test_the_session_wait_doubles_up_to_five_minutes() -> None:
    assert [SESSION_BACKOFF.wait(n) for n in range(0, 5)] == [0, 1, 2, 4, 8]
    assert SESSION_BACKOFF.wait(9) == 256 and SESSION_BACKOFF.wait(10) == SESSION_BACKOFF.wait(10_000) == 300


def test_the_server_wait_grows_slower_and_stops_lower() -> None:
    assert all(SERVER_BACKOFF.wait(n) <= SESSION_BACKOFF.wait(n) for n in range(1, 100))
    assert SERVER_BACKOFF.wait(10_000) == 30


@pytest.mark.parametrize(
    "numbers",
    [(0, 2, 10, 20), (5, 2, 1, 20), (1, 2, 10, 5), (1, 0.5, 10, 20)],
    ids=["no-first-wait", "cap-below-first", "forgotten-before-cap", "shrinking"],
)
def test_a_backoff_that_would_not_slow_guessing_is_refused(numbers: tuple[float, float, float, float]) -> None:
    with pytest.raises(ValueError, match="needs"):
        Backoff(*numbers)


def test_a_wrong_password_makes_the_next_try_wait_and_a_too_early_one_is_not_checked(
    throttle: PasswordThrottle, clock: Clock
) -> None:
    assert throttle.wait_seconds("a") == 0
    assert throttle.attempt("a", "guess", PASSWORD) == Attempt("wrong", 1)
    clock.now += 0.5
    assert throttle.attempt("a", PASSWORD, PASSWORD) == Attempt("wait", 0.5)  # right, but too early
    clock.now += 0.5
    assert throttle.attempt("a", PASSWORD, PASSWORD) == Attempt("unlocked")


def test_each_wrong_guess_waits_longer(throttle: PasswordThrottle, clock: Clock) -> None:
    waits = [guess_wrong(throttle, clock).wait_seconds for _ in range(12)]
    assert waits == sorted(waits) and waits[:4] == [1, 2, 4, 8] and waits[-1] == 300


def test_the_right_password_clears_the_session_count(throttle: PasswordThrottle, clock: Clock) -> None:
    for _ in range(5):
        guess_wrong(throttle, clock)
    clock.now += throttle.wait_seconds("a")
    assert throttle.attempt("a", PASSWORD, PASSWORD).outcome == "unlocked"
    clock.now += SERVER_BACKOFF.cap  # past the server-wide wait
    # The session's 6th wrong guess would wait 32 s; it starts over, so only the server-wide count remains.
    assert guess_wrong(throttle, clock).wait_seconds == max(SESSION_BACKOFF.wait(1), SERVER_BACKOFF.wait(6))


def test_a_new_session_does_not_start_the_wait_over(throttle: PasswordThrottle, clock: Clock) -> None:
    for session in range(20):  # a stranger opening a fresh session for every guess
        guess_wrong(throttle, clock, session=f"stranger-{session}")
    assert throttle.wait_seconds("fresh") > 0
    refused = throttle.attempt("fresh", "guess", PASSWORD)
    assert refused.outcome == "wait" and refused.wait_seconds <= SERVER_BACKOFF.cap
    clock.now += SERVER_BACKOFF.cap
    assert throttle.attempt("staff", PASSWORD, PASSWORD).outcome == "unlocked"  # staff get in within 30 s


def test_old_wrong_guesses_are_forgotten(throttle: PasswordThrottle, clock: Clock) -> None:
    for _ in range(8):
        guess_wrong(throttle, clock)
    clock.now += SESSION_BACKOFF.forget + 1
    assert throttle.wait_seconds("a") == 0
    assert throttle.attempt("a", "guess", PASSWORD) == Attempt("wrong", 1)


def test_memory_stays_bounded_when_many_sessions_guess(clock: Clock) -> None:
    no_server_wait = Backoff(first=1e-9, growth=1, cap=1e-9, forget=1e-9)
    throttle = PasswordThrottle(clock=clock, server_backoff=no_server_wait)
    for session in range(MAX_TRACKED_SESSIONS + 50):
        clock.now += 0.001
        assert throttle.attempt(f"s{session}", "guess", PASSWORD).outcome == "wrong"
    assert len(throttle._sessions) == MAX_TRACKED_SESSIONS
    clock.now += SESSION_BACKOFF.forget + 1
    throttle.attempt("late", "guess", PASSWORD)
    assert list(throttle._sessions) == ["late"]


def test_concurrent_guesses_are_each_counted(throttle: PasswordThrottle) -> None:
    """Many threads guessing at once: exactly one per session is checked, the rest are told to wait."""
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def guess(session: str) -> None:
        start.wait()
        outcomes.append(throttle.attempt(session, "guess", PASSWORD).outcome)

    threads = [threading.Thread(target=guess, args=("same",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["wait"] * 7 + ["wrong"]


def test_wrong_guesses_are_logged_without_the_password(
    throttle: PasswordThrottle, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="neurofinder.staff")
    guess_wrong(throttle, clock, session="session-key")
    guess_wrong(throttle, clock, session="session-key")
    assert PASSWORD not in caplog.text and "guess" not in caplog.text and "session-key" not in caplog.text
    last = caplog.records[-1]
    assert last.name == "neurofinder.staff" and last.levelno == logging.WARNING
    assert session_tag("session-key") in last.getMessage() and "2 wrong in this session" in last.getMessage()
    assert " UTC " in last.getMessage()
    throttle.attempt("session-key", PASSWORD, PASSWORD)
    assert len(caplog.records) == 2  # the right password, and tries refused unchecked, are not failures
