"""Files the app keeps on disk between server starts, so a restart does not redo slow work.

Everything kept here is derived from something else (a specialists file, an installed package's
data) and named after exactly what it was derived from, so a kept file can make a start faster
but never serve something out of date. Each file is written whole under a temporary name and then
renamed into place, so a reader never sees half a file, even with several servers sharing the folder.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pandas as pd

#: NEUROFINDER_CACHE_DIR lets a container keep these files in a folder built into its image
#: (see the Dockerfile), so even the first start of a new container finds them.
CACHE_DIR = Path(os.environ.get("NEUROFINDER_CACHE_DIR") or Path(tempfile.gettempdir()) / "neurofinder-checked-lists")

log = logging.getLogger(__name__)
#: Whatever a cache keeps: a table, a library of pages.
Kept = TypeVar("Kept")


def write_whole(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write` with a temporary path next to `path`, then rename the finished file into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        write(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def kept(
    family: str,
    version: str,
    build: Callable[[], Kept],
    read: Callable[[Path], Kept],
    write: Callable[[Kept, Path], object],
    suffix: str,
    directory: Path | None = None,
    shipped: Path | None = None,
) -> Kept:
    """What `build` makes, read from disk when this `version` of it was kept before.

    `version` must name everything the result depends on (a package's version, the building code's
    fingerprint, the input files): a copy with the same name is served without building. It is
    looked for first in `shipped` (a read-only folder of copies that come with the app), then in
    `directory`; a result built here is kept in `directory` (`write` to a path, `read` back from
    one), and copies of other versions of the same family there are removed. Anything wrong with
    the disk (unreadable, damaged, read-only, full) just means building it again.
    """
    directory = directory or CACHE_DIR
    name = f"{family}-{version}{suffix}"
    path = directory / name
    for candidate in ([shipped / name] if shipped else []) + [path]:
        try:
            return read(candidate)
        except FileNotFoundError:
            pass
        except Exception as error:  # a damaged or foreign copy: look further, or build it again
            log.warning("ignoring the kept copy %s: %s", candidate, error)
    made = build()
    try:
        write_whole(path, lambda partial: write(made, partial))
        for old in directory.glob(f"{family}-*{suffix}"):
            if old != path:
                old.unlink(missing_ok=True)
    except Exception as error:  # a read-only or full disk costs speed, not the result
        log.warning("could not keep %s: %s", path, error)
    return made


def kept_table(
    family: str,
    version: str,
    build: Callable[[], pd.DataFrame],
    directory: Path | None = None,
    shipped: Path | None = None,
) -> pd.DataFrame:
    """The table `build` makes, kept as Parquet (see `kept`)."""
    return kept(family, version, build, pd.read_parquet, _write_parquet, ".parquet", directory, shipped)


def _write_parquet(table: pd.DataFrame, path: Path) -> None:
    table.to_parquet(path)


def code_fingerprint(modules: Iterable[str]) -> str:
    """A name for the code of these finder modules (file names in the package): a copy made by other code
    must never be served, so each cache keys its copies by the code that made them."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for name in modules:
        path = package / name
        digest.update(path.read_bytes() if path.is_file() else name.encode())
    return digest.hexdigest()[:16]
