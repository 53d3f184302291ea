"""What benchmark.py and load_test.py share: test lists, a throwaway copy of the app on loopback,
a websocket client that speaks Streamlit's own protocol, and the arithmetic of the tables.

The client sends what a browser sends when it opens a page (a `rerun_script` BackMsg with the
page's name and its query string) and reads ForwardMsgs until the script has finished, so a
"page run" here is the server's whole work for one page view, without a browser's cost.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import websockets
import zipcodes
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from finder.sample_data import make_specialists  # noqa: E402

#: Streamlit names a page in pages/ after its file: pages/find.py is /find.
FIND_PAGE_NAME = "find"
#: The seed of every generated list, so each run measures the same specialists.
SEED = 1
#: Generating 100,000 specialists takes a minute or two, so each generated list is kept here,
#: named after the generator's code: a changed generator makes a new file, never a stale one.
LISTS_DIR = Path(tempfile.gettempdir()) / "neurofinder-benchmark-lists"
#: Copied, not linked: finder/ finds data/ next to itself through Path(__file__).resolve(),
#: which would follow a link back to the repository's own list.
COPIED = ("app.py", "pages", "finder")
LINKED = (".streamlit", "data/conditions")
STARTUP_TIMEOUT_SECONDS = 120.0
PAGE_TIMEOUT_SECONDS = 120.0


def sample_csv(rows: int) -> Path:
    """A CSV of `rows` fictional specialists from finder.sample_data, generated once per generator version."""
    generator = (REPO_ROOT / "finder" / "sample_data.py").read_bytes() + zipcodes.__version__.encode()
    path = LISTS_DIR / f"specialists-{rows}-seed{SEED}-{hashlib.sha256(generator).hexdigest()[:12]}.csv"
    if not path.is_file():
        LISTS_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        make_specialists(rows, seed=SEED).to_csv(partial, index=False)
        partial.replace(path)  # whole or absent, even if two runs generate at once
    return path


def app_copy(folder: Path, specialists_csv: Path) -> Path:
    """A copy of the app in `folder` whose bundled list (data/specialists.csv) is `specialists_csv`."""
    folder.mkdir(parents=True)
    for name in COPIED:
        source, target = REPO_ROOT / name, folder / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    for name in LINKED:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).symlink_to(REPO_ROOT / name)
    (folder / "data" / "specialists.csv").symlink_to(specialists_csv.resolve())
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running `streamlit run app.py` on loopback: perf_counter() just before it was launched, and when it
    first answered its health check."""

    process: subprocess.Popen[bytes]
    port: int
    started: float
    log: Path
    ready: float = math.nan

    @property
    def stream_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/_stcore/stream"

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextlib.contextmanager
def serve(
    app_folder: Path, temp_folder: Path, options: Sequence[str] = (), python: str = sys.executable
) -> Iterator[Server]:
    """Start the app in `app_folder` with the `python` interpreter, wait until it answers its health check,
    and always stop it.

    TMPDIR points at `temp_folder`, so whatever the app keeps in the temporary folder (such as
    a checked copy of the list) starts out empty unless the caller reuses the folder. `options`
    are Streamlit settings as "name=value" (e.g. "runner.postScriptGC=false"), to try one out.
    """
    port = free_port()
    temp_folder.mkdir(parents=True, exist_ok=True)
    log = temp_folder / f"streamlit-{port}.log"
    command = [
        python,
        *("-m", "streamlit", "run", "app.py"),
        *("--server.headless", "true"),
        *("--server.port", str(port)),
        *("--server.address", "127.0.0.1"),
        *(part for option in options for part in streamlit_flag(option)),
    ]
    env = {**os.environ, "NEUROFINDER_GEOCODER": "off", "TMPDIR": str(temp_folder)}
    with log.open("wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=app_folder, env=env, stdout=sink, stderr=subprocess.STDOUT)
    server = Server(process, port, started, log)
    try:
        deadline = started + STARTUP_TIMEOUT_SECONDS
        while not _healthy(port):
            # Another program may hold the port: only our own live process counts as started.
            if process.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"streamlit did not start on port {port}; its output:\n{server.output()}")
            time.sleep(0.02)
        server.ready = time.perf_counter()
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited (another program answers on port {port}):\n{server.output()}")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def add_server_python(parser: argparse.ArgumentParser) -> None:
    """The --server-python option: the interpreter the measured server runs under.

    Streamlit reads the metadata of every installed package when it starts (looking for
    components), so a development environment with the test tools installed starts ~0.5-1 s
    slower than Community Cloud, which installs requirements.txt only. Cold starts are
    measured as deployed with an environment made the same way:
    `python -m venv /tmp/deployed && /tmp/deployed/bin/pip install -r requirements.txt`.
    """
    parser.add_argument(
        "--server-python",
        default=sys.executable,
        metavar="PATH",
        help="run the server with this Python, e.g. a venv with only requirements.txt installed, as deployed "
        "(default: this Python)",
    )


def streamlit_flag(option: str) -> tuple[str, str]:
    """ "runner.postScriptGC=false" as the command-line flag `streamlit run` takes."""
    name, equals, value = option.partition("=")
    if not equals or not name.strip():
        raise ValueError(f"a Streamlit option is written name=value, not {option!r}")
    return f"--{name.strip()}", value.strip()


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user + system): psutil when installed, else Linux's /proc."""
    try:
        import psutil
    except ImportError:
        # /proc/PID/stat: after the command name in brackets, fields 12 and 13 are utime and stime in clock ticks.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB: psutil when installed, else Linux's /proc."""
    try:
        import psutil
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS line in /proc/{pid}/status") from None
    return psutil.Process(pid).memory_info().rss / 2**20


def rerun_request(query_string: str, page_name: str = FIND_PAGE_NAME) -> bytes:
    """The message a browser sends to open a page: rerun the script for this page and query string."""
    message = BackMsg()
    message.rerun_script.query_string = query_string
    message.rerun_script.page_name = page_name
    context = message.rerun_script.context_info
    context.timezone, context.locale = "UTC", "en-US"
    context.url = f"http://127.0.0.1/{page_name}?{query_string}"
    return message.SerializeToString()


@dataclass(frozen=True)
class PageRun:
    """What one page run sent back: how long it took, its alerts' text, and an exception if the script raised."""

    seconds: float
    alerts: tuple[str, ...]
    exception: str | None


async def run_page(
    connection: websockets.ClientConnection, request: bytes, timeout: float = PAGE_TIMEOUT_SECONDS
) -> PageRun:
    """Send one rerun request and read the answer up to the script's end (not a run cut short for a rerun).

    Raises TimeoutError when the page takes longer than `timeout` seconds.
    """
    started = time.perf_counter()
    await connection.send(request)
    alerts: list[str] = []
    exception = None
    async with asyncio.timeout(timeout):
        while True:
            message = ForwardMsg.FromString(await connection.recv())
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                if element.WhichOneof("type") == "alert":
                    alerts.append(element.alert.body)
                elif element.WhichOneof("type") == "exception":
                    exception = element.exception.message or element.exception.type
            elif kind == "script_finished":
                status = message.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    exception = exception or "the page did not compile"
                return PageRun(time.perf_counter() - started, tuple(alerts), exception)


def connect(url: str) -> websockets.connect:
    """A websocket to the app, as the browser opens it (Streamlit's subprotocol, no size limit on messages)."""
    return websockets.connect(url, subprotocols=[websockets.Subprotocol("streamlit")], max_size=None)


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` (0-100) of the values lie, interpolating between neighbours."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * share / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` calls of `run`: the middle of several runs shrugs off a busy neighbour."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return percentile(times, 50)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub Markdown table, padded to line up in a terminal; the first column left, the rest right."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def machine() -> str:
    """The machine in a few words, with how busy it is: shared machines make figures noisy."""
    return f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
