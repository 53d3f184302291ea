"""Files the app keeps on disk between server starts, so a restart does not redo slow work.

Everything kept here is derived from something else (a specialists file, an installed package's
data) and named after exactly what it was derived from, so a kept file can make a start faster
but never serve something out of date. Each file is written whole under a temporary name and then
renamed into place, so a reader never sees half a file, even with several servers sharing the folder.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

#: NEUROFINDER_CACHE_DIR lets a container keep these files in a folder built into its image
#: (see the Dockerfile), so even the first start of a new container finds them.
CACHE_DIR = Path(os.environ.get("NEUROFINDER_CACHE_DIR") or Path(tempfile.gettempdir()) / "neurofinder-checked-lists")

log = logging.getLogger(__name__)


def write_whole(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write` with a temporary path next to `path`, then rename the finished file into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        write(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def kept_table(
    family: str,
    version: str,
    build: Callable[[], pd.DataFrame],
    directory: Path | None = None,
    shipped: Path | None = None,
) -> pd.DataFrame:
    """The table `build` makes, read from disk when this `version` of it was kept before.

    `version` must name everything the table depends on (a package's version, the building code's
    fingerprint): a copy with the same name is served without building. It is looked for first in
    `shipped` (a read-only folder of copies that come with the app), then in `directory`; a table
    built here is kept in `directory`, and copies of other versions of the same family there are
    removed. Anything wrong with the disk (unreadable, damaged, read-only, full) just means
    building the table again.
    """
    directory = directory or CACHE_DIR
    name = f"{family}-{version}.parquet"
    path = directory / name
    for candidate in ([shipped / name] if shipped else []) + [path]:
        try:
            return pd.read_parquet(candidate)
        except FileNotFoundError:
            pass
        except Exception as error:  # a damaged or foreign copy: look further, or build the table again
            log.warning("ignoring the kept table %s: %s", candidate, error)
    table = build()
    try:
        write_whole(path, table.to_parquet)
        for old in directory.glob(f"{family}-*.parquet"):
            if old != path:
                old.unlink(missing_ok=True)
    except Exception as error:  # a read-only or full disk costs speed, not the table
        log.warning("could not keep the table %s: %s", path, error)
    return table
