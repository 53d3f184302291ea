"""An optional live specialists list, read from a CSV URL such as a published spreadsheet.

Staff can then update the list without a code change. Whatever the source does (a broken
file, a connection cut mid-body, a byte every few seconds, a redirect to another site, a list
that suddenly lost most of its rows), it must never raise into a page nor reach patients:
patients keep the last good list, and staff read the reason in plain words.

Two parts, both free of Streamlit so they can be tested directly:

- `fetch_csv`: one download under a total deadline and a size cap, redirects checked by hand.
- `LiveKeeper`: the last good list per URL, kept in module state and on disk (where clearing
  Streamlit's caches cannot reach it), refreshed in the background, one fetch per URL at a time.
- `choose`: from the keeper's status, the list to serve (live, last good or bundled) and the
  words staff see about it.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import logging
import os
import re
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from finder.csv_io import MAX_FILE_BYTES, load_specialists
from finder.safety import safe_url
from finder.table_contract import ValidationReport

logger = logging.getLogger(__name__)

#: Total time allowed for one download: connecting, every redirect and the whole body.
FETCH_TIMEOUT_SECONDS = 10.0
#: A new file is refused when fewer than this share of its rows can be used: most likely a broken export.
MIN_USABLE_SHARE = 0.5
#: A new list is refused when it has fewer usable rows than this share of the last good one.
MIN_SHARE_OF_LAST_GOOD = 0.5
MAX_REDIRECTS = 5
#: Extra time a page that has nothing to show yet waits for the checks after the download.
CHECK_GRACE_SECONDS = 5.0
#: Where the last good copy is kept unless the settings name another folder.
DEFAULT_STORE_DIR = Path(tempfile.gettempdir()) / "neurofinder-live"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 64 * 1024
# Plain text only: a compressed body would need decoding that a hostile server can stretch without limit.
_REQUEST_HEADERS = {"User-Agent": "NeuroFinder live list", "Accept": "text/csv, */*", "Accept-Encoding": "identity"}
_SHOWABLE = re.compile(r"[A-Za-z0-9.+-]{1,100}")  # a host or scheme safe to quote in a Markdown message


class LiveSourceError(RuntimeError):
    """The live list could not be used; the message says why in plain words."""


class _Watchdog:
    """Cuts the current connection when the total deadline passes, whatever it is waiting for.

    A socket timeout only limits each read, so a server sending one byte every few seconds
    (in the headers, a chunk-size line or the body) could hold a fetch for hours; shutting the
    socket down from a timer thread wakes any blocked read at once.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._connection: http.client.HTTPConnection | None = None
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return max(self._end - time.monotonic(), 0.001)

    def watch(self, connection: http.client.HTTPConnection) -> None:
        """Follow a new connection: its socket can be cut from the moment it exists."""
        with self._lock:
            self._connection, self._sock = connection, None

    def connected(self) -> None:
        """Pin the connected socket (http.client lets go of it when a response runs to the end of the
        connection) and raise TimeoutError if the deadline passed before there was a socket to cut."""
        with self._lock:
            self._sock = self._connection.sock if self._connection else None
        if self.expired:
            raise TimeoutError

    def check(self) -> None:
        """Raise TimeoutError if the socket was cut: a cut reads like the end of the file."""
        if self.expired:
            raise TimeoutError

    def _cut(self) -> None:
        with self._lock:
            self.expired = True
            sock = self._sock or (self._connection.sock if self._connection else None)
        if sock is not None:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's, also under TLS


def _showable(text: str | None, fallback: str) -> str:
    return text if text and _SHOWABLE.fullmatch(text) else fallback


def _is_web_url(url: str) -> bool:
    """An absolute http(s) address with a host and a valid port (urlsplit checks the port only when asked)."""
    try:
        port = urlsplit(url).port  # raises ValueError unless it is a number from 0 to 65535
    except ValueError:
        return False
    return bool(safe_url(url)) and port != 0


def _host_allowed(host: str, home: str, redirect_hosts: Iterable[str]) -> bool:
    """The configured host exactly, or a redirect host or one of its subdomains."""
    return host == home or any(host == extra or host.endswith("." + extra) for extra in redirect_hosts)


def _follow(current: str, location: str | None, home: str, redirect_hosts: tuple[str, ...]) -> str:
    """The redirect's target, or LiveSourceError when it leaves the allowed web addresses."""
    if not location:
        raise LiveSourceError("the live list could not be downloaded: the server sent a redirect without an address")
    try:
        target = urljoin(current, location.strip())
    except ValueError:
        target = ""
    parts = urlsplit(target)
    if not _is_web_url(target):
        scheme = _showable(parts.scheme, "not valid")
        raise LiveSourceError(
            f"the live list's address redirects to a non-web address ({scheme}), which is not followed"
        )
    if urlsplit(current).scheme == "https" and parts.scheme == "http":
        raise LiveSourceError("the live list's address redirects from https to unencrypted http, which is not followed")
    host = (parts.hostname or "").lower()
    if not _host_allowed(host, home, redirect_hosts):
        raise LiveSourceError(
            f"the live list's address redirects to another site ({_showable(host, 'an unusual address')}), which is "
            "not followed; an administrator can allow it with redirect_hosts under [data] in the app's settings"
        )
    return target


def _open(url: str, watchdog: _Watchdog) -> http.client.HTTPResponse:
    """Send the GET and return the response once its headers have arrived."""
    parts = urlsplit(url)
    host = parts.hostname or ""  # never blank here: safe_url refused addresses without a host
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            host, parts.port, timeout=watchdog.remaining(), context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, parts.port, timeout=watchdog.remaining())
    watchdog.watch(connection)
    connection.connect()
    watchdog.connected()
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection.request("GET", target, headers=_REQUEST_HEADERS)
    return connection.getresponse()


def _too_large(max_bytes: int) -> LiveSourceError:
    return LiveSourceError(f"the live list is larger than {max_bytes / (1024 * 1024):g} MB, so it was not used")


def _read_body(response: http.client.HTTPResponse, max_bytes: int, watchdog: _Watchdog) -> bytes:
    """The whole body, refused past max_bytes or when the connection ends before the announced length."""
    if response.status != 200:
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = ""
        raise LiveSourceError(
            f"the live list could not be downloaded: the server answered HTTP {response.status} {phrase}".rstrip()
        )
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise LiveSourceError(
            f"the live list could not be read: the server sent it compressed ({_showable(encoding, 'unknown')}) "
            "although the app asked for plain text"
        )
    # A chunked body announces no length: any Content-Length next to it is to be ignored (RFC 9112).
    announced = "" if response.getheader("Transfer-Encoding") else (response.getheader("Content-Length") or "").strip()
    if announced.isdigit() and int(announced) > max_bytes:
        raise _too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(_CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    watchdog.check()
    if announced.isdigit() and size != int(announced):
        raise http.client.IncompleteRead(b"", int(announced) - size)
    return b"".join(chunks)


def _download_reason(error: BaseException, watchdog: _Watchdog, host: str) -> str:
    """Why a download failed, in words a clinic's staff can act on."""
    if watchdog.expired or isinstance(error, TimeoutError):
        why = f"it did not arrive within {watchdog.seconds:g} seconds"
    elif isinstance(error, socket.gaierror):
        why = f"the server name {_showable(host, 'in the address')} could not be found"
    elif isinstance(error, ConnectionRefusedError):
        why = "the server refused the connection"
    elif isinstance(error, ssl.SSLCertVerificationError):
        why = "the server's security certificate could not be verified"
    elif isinstance(error, ConnectionError | http.client.IncompleteRead):
        why = "the connection was cut before the whole file arrived"
    else:
        logger.warning("Live list download failed", exc_info=error)
        why = "the server's answer could not be read (the details are in the app's log)"
    return f"the live list could not be downloaded: {why}"


def fetch_csv(
    url: str,
    timeout: float = FETCH_TIMEOUT_SECONDS,
    redirect_hosts: tuple[str, ...] = (),
    max_bytes: int = MAX_FILE_BYTES,
) -> bytes:
    """The CSV's bytes, or LiveSourceError saying in plain words why not (never any other exception).

    `timeout` is a total deadline for connecting, every redirect and the whole body, enforced by
    a watchdog rather than per read. Redirects are followed by hand, only to http(s), never from
    https down to http, and only to the configured host or to `redirect_hosts` (and their
    subdomains): a published spreadsheet can be moved, but must not send the app elsewhere.
    """
    if not _is_web_url(url):
        raise LiveSourceError("the live list's address must start with https:// (or http://)")
    home = (urlsplit(url).hostname or "").lower()
    with _Watchdog(timeout) as watchdog:
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response = _open(url, watchdog)
                try:
                    if response.status not in _REDIRECTS:
                        return _read_body(response, max_bytes, watchdog)
                    url = _follow(url, response.getheader("Location"), home, redirect_hosts)
                finally:
                    response.close()
        except LiveSourceError:
            raise
        except Exception as error:
            raise LiveSourceError(_download_reason(error, watchdog, urlsplit(url).hostname or "")) from error
    raise LiveSourceError(f"the live list's address redirects more than {MAX_REDIRECTS} times, so it was not followed")


def check_live(report: ValidationReport, last_good_rows: int = 0, accept_shrink_to: int = 0) -> None:
    """Raise LiveSourceError when a freshly read list should not replace the one being served.

    Two rules: most rows of the file must pass on their own (else it is likely a broken export),
    and it must not have lost most of the last good list's rows at once (a one-row file must not
    replace 300 specialists). A deliberate big cut is let through once an administrator sets
    `accept_shrink_to` to the new count: the setting names one size, so forgetting it there does
    not switch the protection off.
    """
    file_errors = [p for p in report.errors if p.row is None]
    if file_errors:
        raise LiveSourceError("the live list cannot be used: " + "; ".join(p.message for p in file_errors))
    usable = len(report.specialists)
    if report.rows_read and usable < MIN_USABLE_SHARE * report.rows_read:
        raise LiveSourceError(
            f"only {usable} of {report.rows_read} rows in the live list pass the checks, "
            "so it was not used; fix the rows listed on the Manage data page"
        )
    if usable < MIN_SHARE_OF_LAST_GOOD * last_good_rows and usable != accept_shrink_to:
        raise LiveSourceError(
            f"the live list now has {usable} usable specialists against {last_good_rows} in the last good list, "
            f"so it was not used: a list that loses more than {1 - MIN_SHARE_OF_LAST_GOOD:.0%} of its rows at once "
            f"is usually a broken export. If it really is that much shorter, an administrator can accept it by "
            f"setting accept_shrink_to = {usable} under [data] in the app's settings"
        )


@dataclass(frozen=True)
class LiveSource:
    """Where the live list comes from and how it is fetched, from the app's settings."""

    url: str
    refresh_seconds: float = 15 * 60
    timeout: float = FETCH_TIMEOUT_SECONDS
    redirect_hosts: tuple[str, ...] = ()
    accept_shrink_to: int = 0
    store_dir: Path | None = DEFAULT_STORE_DIR  # None: keep the last good list in memory only


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per fetched list
class GoodList:
    """A live list that passed every check, and when it was fetched (seconds since the epoch)."""

    report: ValidationReport
    fetched_at: float


@dataclass(frozen=True)
class LiveStatus:
    """What to serve (None: nothing good yet) and why the latest fetch was refused ("" when it was used)."""

    good: GoodList | None
    problem: str = ""
    checked_at: float | None = None


def fetched_description(good: GoodList) -> str:
    """Where a live list came from, for staff: "the live list, fetched 2026-11-30 21:05 UTC"."""
    return f"the live list, fetched {utc_time(good.fetched_at)}"


def utc_time(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))


@dataclass(frozen=True)
class Serving:
    """Which list patients get (the good live one, or None for the bundled one) and what staff are told."""

    live: GoodList | None
    staff_warning: str = ""


def choose(status: LiveStatus, bundled_description: str) -> Serving:
    """The last good live list whenever there is one, else the bundled list; when the latest fetch was
    refused, staff read why, when it was checked, and which list patients see instead."""
    if not status.problem:
        return Serving(status.good)
    served = fetched_description(status.good) if status.good else bundled_description
    checked = f" (checked {utc_time(status.checked_at)})" if status.checked_at else ""
    return Serving(status.good, f"{status.problem}{checked}. Patients are being shown {served} instead.")


@dataclass
class _Entry:
    good: GoodList | None = None
    problem: str = ""
    checked_at: float | None = None
    started_at: float | None = None
    running: threading.Event | None = None  # set when the fetch in flight ends

    def status(self) -> LiveStatus:
        problem = self.problem or ("the live list is still being downloaded" if self.good is None else "")
        return LiveStatus(self.good, problem, self.checked_at)


def _in_background(job: Callable[[], None]) -> None:
    threading.Thread(target=job, name="neurofinder-live-refresh", daemon=True).start()


class LiveKeeper:
    """The last good live list per URL, refreshed in the background; thread-safe, shared by all sessions.

    Pages get an answer at once: the last good list, even while a refresh runs or after it
    failed. Only while nothing good has ever been seen does a page wait, for at most the fetch
    deadline plus the checks. The list lives here (module state) and in a file in the source's
    store_dir written atomically, so neither a cache clear nor a server restart loses it.
    `clock` (wall time) and `run` (how a refresh is started) are injectable for tests.
    """

    def __init__(
        self, clock: Callable[[], float] = time.time, run: Callable[[Callable[[], None]], None] = _in_background
    ) -> None:
        self._clock = clock
        self._run = run
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}

    def current(self, source: LiveSource) -> LiveStatus:
        """What to serve now; starts a refresh when the refresh period has passed and none is running."""
        with self._lock:
            entry = self._entries.get(source.url)
            if entry is None:
                entry = self._entries[source.url] = _Entry(good=_read_kept(source))
            now = self._clock()
            start = entry.running is None and (
                entry.started_at is None or not 0 <= now - entry.started_at < source.refresh_seconds
            )
            if start:
                entry.running, entry.started_at = threading.Event(), now
            running, waiting = entry.running, entry.good is None
        if start:
            try:
                self._run(lambda: self._refresh(entry, source))
            except Exception:  # no thread could be started: serve what there is, try again next period
                logger.exception("The live list's refresh could not be started")
                self._finish(
                    entry, None, "the live list could not be refreshed just now (the details are in the app's log)"
                )
        if waiting and running is not None:
            running.wait(source.timeout + CHECK_GRACE_SECONDS)
        with self._lock:
            return entry.status()

    def _refresh(self, entry: _Entry, source: LiveSource) -> None:
        """Fetch and check once; whatever happens, record the outcome and release the waiters."""
        good, problem = None, ""
        try:
            with self._lock:
                last_good_rows = len(entry.good.report.specialists) if entry.good else 0
            data = fetch_csv(source.url, source.timeout, source.redirect_hosts)
            report = load_specialists(data)
            check_live(report, last_good_rows, source.accept_shrink_to)
            good = GoodList(report, self._clock())
            _keep(source, data, good.fetched_at)
        except LiveSourceError as error:
            problem = str(error)
        except Exception:
            logger.exception("The live list from %s could not be checked", source.url)
            problem = (
                "the live list could not be checked: the file has something the checks do not expect "
                "(the details are in the app's log); compare it with the staff guide"
            )
        finally:
            self._finish(entry, good, problem)

    def _finish(self, entry: _Entry, good: GoodList | None, problem: str) -> None:
        """Record an attempt's outcome and release the pages waiting for it."""
        with self._lock:
            if good is not None:
                entry.good = good
            entry.problem, entry.checked_at = problem, self._clock()
            if entry.running is not None:
                entry.running.set()
            entry.running = None


def _kept_file(source: LiveSource) -> Path | None:
    """The file holding the URL's last good copy, in a folder only this user can write to (else None).

    A folder others can write to (such as a shared temporary folder) would let them plant a list.
    """
    if source.store_dir is None:
        return None
    try:
        source.store_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = source.store_dir.stat()
    except OSError as error:
        logger.warning("The live list's last good copy cannot be kept in %s: %s", source.store_dir, error)
        return None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        logger.warning("Not keeping the live list in %s: other users can write there", source.store_dir)
        return None
    return source.store_dir / f"live-{hashlib.sha256(source.url.encode()).hexdigest()[:32]}.csv"


def _keep(source: LiveSource, data: bytes, fetched_at: float) -> None:
    """Write a JSON header line and the CSV to a temporary file, then rename it over the old copy.

    Never raises: a list that passed the checks is served from memory even if the disk is full.
    """
    path = _kept_file(source)
    if path is None:
        return
    header = json.dumps({"url": source.url, "fetched_at": fetched_at}).encode() + b"\n"
    incoming: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".incoming-", delete=False) as handle:
            incoming = Path(handle.name)
            handle.write(header)
            handle.write(data)
        os.replace(incoming, path)
    except OSError as error:
        logger.warning("The live list's last good copy could not be saved: %s", error)
        if incoming is not None:
            incoming.unlink(missing_ok=True)


def _read_kept(source: LiveSource) -> GoodList | None:
    """The copy kept by an earlier run, checked again; None when there is none or it cannot be used."""
    path = _kept_file(source)
    if path is None or not path.exists():
        return None
    try:
        header, _, data = path.read_bytes().partition(b"\n")
        meta = json.loads(header)
        if meta.get("url") != source.url:
            return None
        report = load_specialists(data)
        check_live(report)
        return GoodList(report, float(meta["fetched_at"]))
    except Exception:
        logger.warning("The kept copy of the live list in %s was not used", path, exc_info=True)
        return None
