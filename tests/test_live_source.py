"""The live CSV source against hostile servers: a real threaded HTTP server on 127.0.0.1 plays the
published spreadsheet, and nothing it does may raise, hang a page, or take the last good list away."""

from __future__ import annotations

import contextlib
import http.server
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st

from finder import app_data
from finder.csv_io import MAX_FILE_BYTES, load_specialists
from finder.live_source import (
    GoodList,
    LiveKeeper,
    LiveSource,
    LiveSourceError,
    LiveStatus,
    Serving,
    _follow,
    choose,
    fetch_csv,
)
from finder.table_contract import ALL_COLUMNS
from finder.wording import list_size
from tests.apptest_pages import FIND, MANAGE, PASSWORD, distances, open_page, unlock
from tests.helpers_csv import csv_bytes, specialists

Answer = Callable[[http.server.BaseHTTPRequestHandler], None]
GOOD = csv_bytes(specialists(300))
DEADLINE = 2.0


def send(data: bytes, status: int = 200, **headers: str) -> Answer:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        handler.wfile.write(data)

    return answer


def redirect(location: str) -> Answer:
    return send(b"", 302, Location=location)


def cut_short(data: bytes) -> Answer:
    """Announce more bytes than are sent, then close: a connection cut mid-body."""

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data) + 1000))
        handler.end_headers()
        handler.wfile.write(data[: len(data) // 2])

    return answer


def drip(head: bytes = b"HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\n", every: float = 0.5) -> Answer:
    """Send `head`, then one byte every `every` seconds until the client goes away."""

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        with contextlib.suppress(OSError):
            handler.wfile.write(head)
            for _ in range(10_000):
                handler.wfile.write(b"x")
                time.sleep(every)

    return answer


def endless(total: int) -> Answer:
    """A body with no announced length, `total` bytes long, ended by closing the connection."""

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        block = b"x" * 65536
        with contextlib.suppress(OSError):
            for _ in range(total // len(block) + 1):
                handler.wfile.write(block)

    return answer


def slow(data: bytes, seconds: float) -> Answer:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(data)(handler)

    return answer


class Web:
    """What the little web server answers (path -> answer) and how often each path was asked for."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.elsewhere = f"http://localhost:{port}"  # the same server under another host name
        self.answers: dict[str, Answer] = {}
        self.hits: Counter[str] = Counter()


@pytest.fixture
def web() -> Iterator[Web]:
    web: Web

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            web.hits[self.path] += 1
            web.answers.get(self.path, send(b"not found", 404))(self)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    web = Web(server.server_address[1])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield web
    server.shutdown()
    server.server_close()


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


def inline_keeper(clock: Clock) -> LiveKeeper:
    """A keeper that refreshes in the caller's thread, so a test sees each outcome at once."""
    return LiveKeeper(clock=clock, run=lambda job: job())


def source(web: Web, tmp_path: Path, path: str = "/list.csv", **options: object) -> LiveSource:
    options = {"store_dir": tmp_path / "kept", **options}
    return LiveSource(web.base + path, refresh_seconds=60, timeout=DEADLINE, **options)


def assert_plain(reason: str) -> None:
    """Words staff can read: no exception names, tracebacks, errno numbers or raw bytes."""
    assert "live list" in reason
    assert not re.search(r"[a-z]Error|Exception|Traceback|errno|\bb'|<", reason), reason  # not ValueError, b'..'


def rows(status: LiveStatus) -> int:
    assert status.good is not None
    return len(status.good.report.specialists)


# --- Every hostile answer, after a good 300-row list: refused in plain words, the good list kept ---

HOSTILE: dict[str, tuple[Callable[[Web], Answer], str]] = {
    "duplicate column": (lambda web: send(csv_bytes(specialists(3), (*ALL_COLUMNS, "name"))), ""),
    "no known subspecialty": (
        lambda web: send(csv_bytes([{**row, "subspecialties": "Podiatry"} for row in specialists(300)])),
        "",
    ),
    "not a list": (lambda web: send(b"this is not the list\n"), "no specialists"),
    "cut mid-body": (lambda web: cut_short(GOOD), "the connection was cut before the whole file arrived"),
    "byte drip in the body": (lambda web: drip(), f"did not arrive within {DEADLINE:g} seconds"),
    "byte drip in the headers": (lambda web: drip(b"HTTP/1.0 200 OK\r\nX-Slow: "), "did not arrive within"),
    "oversize body": (lambda web: endless(MAX_FILE_BYTES + 1), "larger than 50 MB"),
    "HTTP 500": (lambda web: send(b"oops", 500), "the server answered HTTP 500 Internal Server Error"),
    "redirect to another host": (lambda web: redirect(web.elsewhere + "/elsewhere.csv"), "another site (localhost)"),
    "redirect to a non-web scheme": (lambda web: redirect("ftp://127.0.0.1/list.csv"), "non-web address (ftp)"),
    "1 row after 300": (
        lambda web: send(csv_bytes(specialists(1))),
        "now has 1 usable specialists against 300 in the last good list",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_source_never_raises_and_patients_keep_the_last_good_list(
    web: Web, tmp_path: Path, case: str
) -> None:
    clock = Clock()
    keeper = inline_keeper(clock)
    web.answers["/list.csv"] = send(GOOD)
    first = keeper.current(source(web, tmp_path))
    assert rows(first) == 300 and not first.problem

    make_answer, phrase = HOSTILE[case]
    web.answers["/list.csv"] = make_answer(web)
    web.answers["/elsewhere.csv"] = send(GOOD)  # what a redirect elsewhere would bring in if followed
    clock.now += 61
    started = time.monotonic()
    status = keeper.current(source(web, tmp_path))
    assert time.monotonic() - started < 3 * DEADLINE  # a drip is given up at the deadline, not after minutes
    assert status.good is first.good
    assert phrase in status.problem
    assert_plain(status.problem)
    assert status.checked_at == clock.now


def test_a_deliberate_big_cut_is_accepted_once_an_administrator_names_its_size(web: Web, tmp_path: Path) -> None:
    clock = Clock()
    keeper = inline_keeper(clock)
    web.answers["/list.csv"] = send(GOOD)
    keeper.current(source(web, tmp_path, accept_shrink_to=2))
    web.answers["/list.csv"] = send(csv_bytes(specialists(2)))
    clock.now += 61
    status = keeper.current(source(web, tmp_path, accept_shrink_to=2))
    assert rows(status) == 2 and not status.problem


# --- The download itself ---


def test_redirects_on_the_same_host_are_followed_and_other_hosts_only_when_allowed(web: Web) -> None:
    web.answers["/moved.csv"] = redirect("/list.csv")
    web.answers["/list.csv"] = send(GOOD)
    assert fetch_csv(web.base + "/moved.csv") == GOOD
    web.answers["/away.csv"] = redirect(web.elsewhere + "/list.csv")
    with pytest.raises(LiveSourceError, match=r"another site \(localhost\)"):
        fetch_csv(web.base + "/away.csv")
    assert fetch_csv(web.base + "/away.csv", redirect_hosts=("localhost",)) == GOOD
    web.answers["/loop.csv"] = redirect("/loop.csv")
    with pytest.raises(LiveSourceError, match="redirects more than 5 times"):
        fetch_csv(web.base + "/loop.csv")


@pytest.mark.parametrize(
    ("location", "phrase"),
    [
        ("http://sheets.example.org/list.csv", "from https to unencrypted http"),
        ("javascript:alert(1)", "non-web address (javascript)"),
        ("https://files.example.org/list.csv", "another site (files.example.org)"),
        ("https://evil.example.org[x]/", "non-web address (not valid)"),
        ("https://sheets.example.org:99999/", "non-web address (https)"),
        ("", "a redirect without an address"),
    ],
)
def test_redirect_rules(location: str, phrase: str) -> None:
    with pytest.raises(LiveSourceError, match=re.escape(phrase)):
        _follow("https://sheets.example.org/pub", location, "sheets.example.org", ("googleusercontent.com",))


def test_an_allowed_redirect_host_covers_its_subdomains() -> None:
    target = "https://doc-0s-sheets.googleusercontent.com/pub/x?output=csv"
    assert _follow("https://docs.google.com/pub", target, "docs.google.com", ("googleusercontent.com",)) == target


def raw(data: bytes) -> Answer:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.wfile.write(data)

    return answer


def test_a_chunked_body_is_read_whole_and_a_cut_one_is_refused(web: Web) -> None:
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\nConnection: close\r\n\r\n"
    half = len(GOOD) // 2
    chunks = b"%x\r\n%s\r\n%x\r\n%s\r\n" % (half, GOOD[:half], len(GOOD) - half, GOOD[half:])
    web.answers["/chunked.csv"] = raw(head + chunks + b"0\r\n\r\n")
    assert fetch_csv(web.base + "/chunked.csv") == GOOD  # the stray Content-Length is ignored
    web.answers["/cut.csv"] = raw(head + chunks[: len(chunks) // 2])
    with pytest.raises(LiveSourceError, match="the connection was cut"):
        fetch_csv(web.base + "/cut.csv")


def test_only_web_addresses_are_fetched() -> None:
    with pytest.raises(LiveSourceError, match="must start with https://"):
        fetch_csv("file:///etc/passwd")
    with pytest.raises(LiveSourceError, match="must start with https://"):
        fetch_csv("http://127.0.0.1:99999/list.csv")
    with pytest.raises(LiveSourceError, match="the server refused the connection"):
        fetch_csv("http://127.0.0.1:9/closed-port.csv")


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts every connection and never sends a byte."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                held.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/list.csv"
    listener.close()
    for connection in held:
        connection.close()


def test_a_server_that_never_answers_is_given_up_at_the_deadline(silent_server: str) -> None:
    started = time.monotonic()
    with pytest.raises(LiveSourceError, match="did not arrive within 1 seconds"):
        fetch_csv(silent_server, timeout=1)
    assert time.monotonic() - started < 8  # the default deadline (10 s) would fail this


def test_a_file_announced_too_large_or_compressed_is_refused_unread(web: Web) -> None:
    web.answers["/big.csv"] = drip(f"HTTP/1.0 200 OK\r\nContent-Length: {MAX_FILE_BYTES + 1}\r\n\r\n".encode())
    with pytest.raises(LiveSourceError, match="larger than 50 MB"):
        fetch_csv(web.base + "/big.csv")
    web.answers["/zipped.csv"] = send(b"\x1f\x8b...", Content_Encoding="gzip")
    with pytest.raises(LiveSourceError, match=r"compressed \(gzip\)"):
        fetch_csv(web.base + "/zipped.csv")


# --- The keeper: background refresh, one fetch at a time, kept on disk ---


def test_the_list_is_refreshed_once_per_period_not_on_every_call(web: Web, tmp_path: Path) -> None:
    clock = Clock()
    keeper = inline_keeper(clock)
    web.answers["/list.csv"] = send(GOOD)
    for _ in range(3):
        keeper.current(source(web, tmp_path))
    assert web.hits["/list.csv"] == 1
    clock.now += 61
    keeper.current(source(web, tmp_path))
    assert web.hits["/list.csv"] == 2


def test_a_page_never_waits_on_a_refresh_once_a_good_list_exists(web: Web, tmp_path: Path) -> None:
    clock = Clock()
    keeper = LiveKeeper(clock=clock)
    web.answers["/list.csv"] = send(GOOD)
    first = keeper.current(source(web, tmp_path))  # nothing good yet: this one waits for the download
    assert rows(first) == 300

    web.answers["/list.csv"] = drip()
    clock.now += 61
    started = time.monotonic()
    during = keeper.current(source(web, tmp_path))
    assert time.monotonic() - started < 1.0
    assert during.good is first.good and not during.problem
    give_up = time.monotonic() + 10
    while not (after := keeper.current(source(web, tmp_path))).problem and time.monotonic() < give_up:
        time.sleep(0.1)
    assert after.good is first.good and "did not arrive within" in after.problem
    assert web.hits["/list.csv"] == 2


def test_sessions_arriving_together_share_one_download(web: Web, tmp_path: Path) -> None:
    keeper = LiveKeeper()
    web.answers["/list.csv"] = slow(GOOD, 0.5)
    answers: list[LiveStatus] = []
    sessions = [
        threading.Thread(target=lambda: answers.append(keeper.current(source(web, tmp_path)))) for _ in range(5)
    ]
    for session in sessions:
        session.start()
    for session in sessions:
        session.join(timeout=30)
    assert [rows(status) for status in answers] == [300] * 5
    assert web.hits["/list.csv"] == 1


def test_the_last_good_list_survives_a_restart_on_disk(web: Web, tmp_path: Path) -> None:
    clock = Clock()
    web.answers["/list.csv"] = send(GOOD)
    first = inline_keeper(clock).current(source(web, tmp_path))
    web.answers["/list.csv"] = send(b"oops", 500)
    clock.now += 3600
    after_restart = inline_keeper(clock).current(source(web, tmp_path))
    assert rows(after_restart) == 300
    assert first.good and after_restart.good and after_restart.good.fetched_at == first.good.fetched_at
    assert "HTTP 500" in after_restart.problem


def test_a_folder_others_can_write_to_is_neither_read_nor_written(web: Web, tmp_path: Path) -> None:
    clock = Clock()
    web.answers["/list.csv"] = send(GOOD)
    inline_keeper(clock).current(source(web, tmp_path))
    (tmp_path / "kept").chmod(0o777)  # now anyone could have swapped the copy
    web.answers["/list.csv"] = send(b"oops", 500)
    status = inline_keeper(clock).current(source(web, tmp_path))
    assert status.good is None and "HTTP 500" in status.problem

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    web.answers["/list.csv"] = send(GOOD)
    inline_keeper(clock).current(source(web, tmp_path, store_dir=shared))
    assert list(shared.iterdir()) == []


def test_a_damaged_kept_copy_is_ignored(web: Web, tmp_path: Path) -> None:
    clock = Clock()
    web.answers["/list.csv"] = send(GOOD)
    inline_keeper(clock).current(source(web, tmp_path))
    (kept,) = (tmp_path / "kept").iterdir()
    kept.write_bytes(b"\xff\xfe not what was saved")
    web.answers["/list.csv"] = send(b"oops", 500)
    status = inline_keeper(clock).current(source(web, tmp_path))
    assert status.good is None and "HTTP 500" in status.problem


def test_a_refresh_that_cannot_start_is_a_reason_not_a_crash(web: Web, tmp_path: Path) -> None:
    def no_threads_left(job: Callable[[], None]) -> None:
        raise RuntimeError("can't start new thread")

    web.answers["/list.csv"] = send(GOOD)
    status = LiveKeeper(clock=Clock(), run=no_threads_left).current(source(web, tmp_path))
    assert status.good is None and "could not be refreshed just now" in status.problem


# --- The pages ---


@pytest.fixture
def keeper(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[LiveKeeper, Clock]]:
    """A fresh keeper for the app, refreshing inline so a page run sees each outcome."""
    clock = Clock()
    fresh = inline_keeper(clock)
    monkeypatch.setattr(app_data, "LIVE_LISTS", fresh)
    yield fresh, clock


def live_secrets(web: Web, tmp_path: Path) -> dict[str, dict[str, object]]:
    data = {"csv_url": web.base + "/list.csv", "last_good_dir": str(tmp_path / "kept")}
    return {"data": data, "manage": {"password": PASSWORD}}


def test_a_broken_first_live_list_leaves_patients_the_bundled_one_and_tells_staff(
    web: Web, tmp_path: Path, keeper: tuple[LiveKeeper, Clock]
) -> None:
    web.answers["/list.csv"] = send(csv_bytes(specialists(3), (*ALL_COLUMNS, "name")))  # duplicate column
    secrets = live_secrets(web, tmp_path)
    find = open_page(FIND, secrets, location="60614")
    assert not find.exception
    assert app_data.SAMPLE_DATA_NOTICE in find.caption[0].value
    assert distances(find)
    staff = unlock(open_page(MANAGE, secrets), PASSWORD)
    assert not staff.exception
    warning = staff.error[0].value.replace("\\", "")  # Markdown escapes, as the page shows it
    assert "the live list could not" in warning or "the live list cannot" in warning
    assert "Patients are being shown the list bundled with the app" in warning


def test_a_bad_live_list_keeps_the_last_good_one_for_patients(
    web: Web, tmp_path: Path, keeper: tuple[LiveKeeper, Clock]
) -> None:
    _, clock = keeper
    web.answers["/list.csv"] = send(csv_bytes(specialists(3)))
    secrets = live_secrets(web, tmp_path)
    find = open_page(FIND, secrets)
    assert any(caption.value.startswith(list_size(3)) for caption in find.caption)

    web.answers["/list.csv"] = send(b"this is not the list\n")
    clock.now += 15 * 60  # the refresh period has passed
    find = find.run()
    assert not find.exception
    assert any(caption.value.startswith(list_size(3)) for caption in find.caption)
    staff = unlock(open_page(MANAGE, secrets), PASSWORD)
    warning = staff.error[0].value.replace("\\", "")  # Markdown escapes, as the page shows it
    assert "the file has column names but no specialists" in warning
    assert "Patients are being shown the live list, fetched 2025-06-15 15:06 UTC instead." in warning
    assert "3 specialists, from the live list, fetched 2025-06-15 15:06 UTC." in [m.value for m in staff.markdown]


def test_clearing_streamlits_caches_neither_drops_the_live_list_nor_refetches_it(
    web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_data, "LIVE_LISTS", LiveKeeper())
    web.answers["/list.csv"] = send(csv_bytes(specialists(3)))
    find = open_page(FIND, live_secrets(web, tmp_path))
    assert any(caption.value.startswith(list_size(3)) for caption in find.caption)
    web.answers["/list.csv"] = send(b"oops", 500)
    st.cache_data.clear()  # what any visitor's clear_cache websocket message does
    st.cache_resource.clear()
    find = find.run()
    assert not find.exception
    assert any(caption.value.startswith(list_size(3)) for caption in find.caption)
    assert web.hits["/list.csv"] == 1


def test_a_redirect_to_an_allowed_host_in_the_settings_is_followed_by_the_app(
    web: Web, tmp_path: Path, keeper: tuple[LiveKeeper, Clock]
) -> None:
    web.answers["/list.csv"] = redirect(web.elsewhere + "/published.csv")
    web.answers["/published.csv"] = send(csv_bytes(specialists(3)))
    secrets = live_secrets(web, tmp_path)
    secrets["data"]["redirect_hosts"] = ["localhost"]
    find = open_page(FIND, secrets)
    assert not find.exception
    assert any(caption.value.startswith(list_size(3)) for caption in find.caption)


def test_why_the_live_list_is_not_used_reaches_staff_as_plain_text(
    web: Web, tmp_path: Path, keeper: tuple[LiveKeeper, Clock]
) -> None:
    web.answers["/list.csv"] = send(b"**bold** [link](https://example.org) _list_\n")  # a header row only
    staff = unlock(open_page(MANAGE, live_secrets(web, tmp_path)), PASSWORD)
    assert not staff.exception
    assert "[link](" not in staff.error[0].value and "**bold**" not in staff.error[0].value


def test_rows_the_live_list_leaves_out_are_listed_for_staff(
    web: Web, tmp_path: Path, keeper: tuple[LiveKeeper, Clock]
) -> None:
    rows = specialists(3)
    rows[2]["zip"] = "99999"
    web.answers["/list.csv"] = send(csv_bytes(rows))
    staff = unlock(open_page(MANAGE, live_secrets(web, tmp_path)), PASSWORD)
    assert staff.expander[0].label == "Problems in the current list: 1 rows left out, 0 warnings"
    assert any("**Row 4**: left out until fixed\n    - zip (error):" in text.value for text in staff.markdown)


# --- Which list is served ---

BUNDLED = "the bundled list"


def good_list() -> GoodList:
    return GoodList(load_specialists(csv_bytes(specialists(3))), fetched_at=1_750_000_000.0)


def test_a_good_live_list_is_served_without_a_word_to_staff() -> None:
    good = good_list()
    assert choose(LiveStatus(good), BUNDLED) == Serving(good, "")


def test_a_refused_refresh_keeps_the_last_good_list_and_tells_staff_which_is_shown() -> None:
    good = good_list()
    serving = choose(LiveStatus(good, "the file is empty", checked_at=1_750_000_600.0), BUNDLED)
    assert serving.live is good
    assert serving.staff_warning == (
        "the file is empty (checked 2025-06-15 15:16 UTC). "
        "Patients are being shown the live list, fetched 2025-06-15 15:06 UTC instead."
    )


def test_without_any_good_live_list_the_bundled_one_is_served_and_staff_are_told() -> None:
    serving = choose(LiveStatus(None, "the live list is still being downloaded"), BUNDLED)
    assert serving == Serving(
        None, "the live list is still being downloaded. Patients are being shown the bundled list instead."
    )
