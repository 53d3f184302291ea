"""Do at build time what a server's first start would do, so every new container starts like a restart.

A container image (see the Dockerfile) runs `python -m finder.first_start data/specialists.csv`
once: the copies it keeps (in NEUROFINDER_CACHE_DIR) are then found by every server the image starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from finder.conditions import kept_library
from finder.csv_io import load_specialists
from finder.table_cache import checked
from finder.zip_index import zip_table


def prepare(csv_path: Path) -> None:
    """Ready the ZIP table (built only for a zipcodes version the app does not ship a copy for), and check the
    condition pages and `csv_path`, keeping all three on disk."""
    zip_table()
    kept_library()
    checked(csv_path.read_bytes(), load_specialists)


if __name__ == "__main__":
    prepare(Path(sys.argv[1]))
