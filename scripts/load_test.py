"""How many patients one NeuroFinder server holds: concurrent searches against a real server.

Starts a throwaway copy of the app with `streamlit run` on 127.0.0.1 (its own free port, the
bundled list or `--rows N` generated specialists), checks once that a search really comes back
with results, then for each number of sessions N (1, 5, 10, 20 by default) opens N sessions at
once for `--seconds` (60 by default). Each session is a websocket client speaking Streamlit's own
protocol, as a browser does, minus the browser: it opens the find page with a 100-mile search
around a ZIP, waits for the whole page, and searches again at once, moving through a fixed list
of ZIPs spread over the US (session i starts at the i-th ZIP, so sessions search different
places). Nothing leaves the machine; the server is stopped at the end, also on Ctrl+C.

How to read the table, one line per N:
- searches/s: whole find pages the server finished per second, all sessions together. When it
  stops growing with N, the server's CPU is the limit (2 cores here, shared with the client).
- p50 / p95: time from asking for the page to having all of it (list and map), for half and for
  95% of the searches. Every session searches without pause, so this is a worst case: real
  patients read between clicks. p95 above 2 s at the concurrency you expect means: add a replica
  (docs/deploy.md).
- errors: pages that raised an exception, showed no results line, took longer than
  --timeout seconds, or lost their connection. Anything but 0 needs a look at the server log.
- server CPU / client CPU: cores each kept busy, on average. Streamlit runs every session in
  one Python process, which rarely gets much past one core (Python's global interpreter lock):
  a server near 1.0 is full, and more cores help only as more replicas. A client near 1.0
  means the measuring itself is the limit.
- RSS: the server's resident memory before the sessions opened, the highest seen while they
  ran, and after they closed. Community Cloud allows an app roughly 1-2.7 GB.

Run from the repository root (the defaults take about 4-5 minutes):

    python scripts/load_test.py [--rows 100000] [--sessions 1,5,10,20] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finder import zip_index
from scripts import measuring

#: Real ZIP codes from coast to coast, north to south (metro areas the sample list covers).
ZIPS = (
    "10001", "02115", "19103", "20001", "27514", "30303", "33136", "37203",
    "44195", "46202", "48109", "53226", "55455", "60614", "63110", "64108",
    "70112", "75201", "77030", "80045", "84112", "85006", "90033", "94143",
    "97239", "98104",
)  # fmt: skip
#: With --new-searches: every street-delivery ZIP the app knows, in a fixed shuffled order.
NEW_SEARCH_SEED = 9
RADIUS_MILES = 100
#: Every search page says "... within 100 miles of <place>", whether it found anyone or not.
RESULTS_LINE = re.compile(rf"within {RADIUS_MILES} miles of")
SESSION_COUNTS = (1, 5, 10, 20)
RSS_SAMPLE_SECONDS = 0.5
RECONNECT_PAUSE_SECONDS = 0.5


def search_request(session: int, search: int) -> bytes:
    """The find page for the session's next ZIP: session i starts at ZIPS[i] and moves one on per search."""
    return place_request(ZIPS[(session + search) % len(ZIPS)])


def place_request(place: str) -> bytes:
    return measuring.rerun_request(f"location={place}&radius={RADIUS_MILES}")


def new_places() -> itertools.cycle[str]:
    """ZIPs from all over the country, none searched twice in a run (about 30,000 before they repeat), so the
    server's shared caches of results and maps never help: the cost of patients who each search somewhere new.

    The street-delivery ZIPs of the app's own ZIP table, so every one can be searched (the zipcodes package
    also lists ZIPs without a position, which the app rightly says it cannot place).
    """
    table = zip_index.zip_table()
    places = sorted(table.index[table["standard"]])
    random.Random(NEW_SEARCH_SEED).shuffle(places)
    return itertools.cycle(places)


def problem_with(page: measuring.PageRun) -> str | None:
    """Why a finished page does not count as a search with results, or None when it does."""
    if page.exception:
        return f"the page raised: {page.exception}"
    if not any(RESULTS_LINE.search(alert) for alert in page.alerts):
        return f"no 'within {RADIUS_MILES} miles' line among the alerts {list(page.alerts)}"
    return None


@dataclass
class Level:
    """What N sessions saw in one bounded run."""

    sessions: int
    seconds: float = 0.0
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_cpu: float = 0.0  # cores kept busy on average: one Python process cannot use much more than one
    client_cpu: float = 0.0
    rss_before: float = 0.0
    rss_peak: float = 0.0
    rss_after: float = 0.0

    def cells(self) -> list[str]:
        return [
            str(self.sessions),
            f"{len(self.times):,}",
            f"{len(self.times) / self.seconds:.1f}",
            f"{measuring.percentile(self.times, 50) * 1000:,.0f} ms",
            f"{measuring.percentile(self.times, 95) * 1000:,.0f} ms",
            str(len(self.errors)),
            f"{self.server_cpu:.2f}",
            f"{self.client_cpu:.2f}",
            *(f"{mb:,.0f} MB" for mb in (self.rss_before, self.rss_peak, self.rss_after)),
        ]


HEADERS = (
    "sessions",
    "searches",
    "searches/s",
    "p50",
    "p95",
    "errors",
    "server CPU",
    "client CPU",
    "RSS before",
    "RSS peak",
    "RSS after",
)


async def one_session(
    url: str, session: int, deadline: float, timeout: float, level: Level, places: itertools.cycle[str] | None
) -> None:
    """Search without pause until the deadline, reconnecting after a lost connection (counted as an error).

    `places`, when given, is shared by all sessions: each search takes the next place from it.
    """
    search = 0
    while time.perf_counter() < deadline:
        try:
            async with measuring.connect(url) as connection:
                while time.perf_counter() < deadline:
                    request = place_request(next(places)) if places else search_request(session, search)
                    page = await measuring.run_page(connection, request, timeout)
                    search += 1
                    if problem := problem_with(page):
                        level.errors.append(problem)
                    else:
                        level.times.append(page.seconds)
        except (OSError, TimeoutError, websockets.WebSocketException) as error:
            level.errors.append(f"session {session}: {type(error).__name__}: {error}")
            await asyncio.sleep(RECONNECT_PAUSE_SECONDS)


async def watch_memory(pid: int, level: Level) -> None:
    while True:
        level.rss_peak = max(level.rss_peak, measuring.rss_mb(pid))
        await asyncio.sleep(RSS_SAMPLE_SECONDS)


async def run_level(
    server: measuring.Server, sessions: int, seconds: float, timeout: float, places: itertools.cycle[str] | None = None
) -> Level:
    """N sessions at once for `seconds`; searches started before the end are waited for, up to `timeout`."""
    level = Level(sessions)
    pid = server.process.pid
    level.rss_before = level.rss_peak = measuring.rss_mb(pid)
    watcher = asyncio.create_task(watch_memory(pid, level))
    server_cpu, client_cpu = measuring.cpu_seconds(pid), time.process_time()
    started = time.perf_counter()
    deadline = started + seconds
    clients = (one_session(server.stream_url, i, deadline, timeout, level, places) for i in range(sessions))
    await asyncio.gather(*clients)
    level.seconds = time.perf_counter() - started
    level.server_cpu = (measuring.cpu_seconds(pid) - server_cpu) / level.seconds
    level.client_cpu = (time.process_time() - client_cpu) / level.seconds
    watcher.cancel()
    level.rss_after = measuring.rss_mb(pid)
    level.rss_peak = max(level.rss_peak, level.rss_after)
    return level


async def check_client(server: measuring.Server, timeout: float) -> None:
    """One search first: if it does not come back with results, the figures would measure nothing."""
    async with measuring.connect(server.stream_url) as connection:
        page = await measuring.run_page(connection, search_request(0, 0), timeout)
    if problem := problem_with(page):
        raise SystemExit(f"The first search did not work ({problem}); the server said:\n{server.output()}")


def load_test(
    specialists_csv: Path,
    session_counts: list[int],
    seconds: float,
    timeout: float,
    options: Sequence[str] = (),
    new_searches: bool = False,
    python: str = sys.executable,
) -> list[Level]:
    """Start the app on loopback with this list, run each level, and always stop the server."""
    with tempfile.TemporaryDirectory(prefix="neurofinder-load-test-") as work:
        folder = measuring.app_copy(Path(work) / "app", specialists_csv)
        with measuring.serve(folder, Path(work) / "tmp", options, python) as server:
            asyncio.run(check_client(server, timeout))
            levels = []
            places = new_places() if new_searches else None
            for sessions in session_counts:
                print(f"{sessions} sessions for {seconds:g} s…", file=sys.stderr, flush=True)
                levels.append(asyncio.run(run_level(server, sessions, seconds, timeout, places)))
            return levels


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, help="serve this many generated specialists (default: the bundled list)")
    parser.add_argument(
        "--sessions",
        type=lambda text: [int(count) for count in text.split(",")],
        default=list(SESSION_COUNTS),
        help="comma-separated numbers of concurrent sessions (default 1,5,10,20)",
    )
    parser.add_argument("--seconds", type=float, default=60, help="how long each number of sessions runs (default 60)")
    parser.add_argument("--timeout", type=float, default=30, help="a page slower than this counts as an error")
    parser.add_argument(
        "--streamlit-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="run the server with this Streamlit setting, to see what it changes (repeatable)",
    )
    parser.add_argument(
        "--new-searches",
        action="store_true",
        help="every search a ZIP not yet searched in the run (no help from the server's shared caches)",
    )
    measuring.add_server_python(parser)
    args = parser.parse_args(argv)
    if not all(0 < count <= 100 for count in args.sessions) or not 0 < args.seconds <= 600:
        parser.error("sessions must be 1-100 and seconds at most 600: this is a bounded test")
    specialists_csv = measuring.sample_csv(args.rows) if args.rows else measuring.REPO_ROOT / "data" / "specialists.csv"
    try:
        flags = [measuring.streamlit_flag(option) for option in args.streamlit_option]
    except ValueError as problem:
        parser.error(str(problem))
    levels = load_test(
        specialists_csv,
        args.sessions,
        args.seconds,
        args.timeout,
        args.streamlit_option,
        args.new_searches,
        args.server_python,
    )
    rows = f"{args.rows:,} generated" if args.rows else "the bundled"
    print(measuring.markdown_table(HEADERS, [level.cells() for level in levels]))
    print(
        f"\n{rows} specialists, a {RADIUS_MILES}-mile ZIP search per page"
        + (", every search somewhere new" if args.new_searches else ", 26 ZIPs in turn")
        + f", {args.seconds:g} s per line, "
        f"server and clients on {measuring.machine()}."
        + "".join(f" Streamlit option {name[2:]}={value}." for name, value in flags)
    )
    for level in levels:
        for error in sorted(set(level.errors))[:5]:
            print(f"  {level.sessions} sessions, error: {error}")


if __name__ == "__main__":
    main()
