"""Write the ZIP table that ships with the app (finder/shipped/) for the installed zipcodes version.

A server reads that copy instead of building the table from the zipcodes package (about a second
at every start with an empty disk). Run it after changing the zipcodes pin in requirements.txt or
finder.zip_index.build_zip_table; tests/test_disk_cache.py fails until the shipped copy matches.

    python scripts/make_zip_table.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finder import disk_cache, zip_index


def main() -> None:
    version = zip_index.zip_table_version()
    path = zip_index.SHIPPED_DIR / f"zips-{version}.parquet"
    table = zip_index.build_zip_table()
    disk_cache.write_whole(path, lambda partial: table.to_parquet(partial, compression="zstd", compression_level=19))
    for old in zip_index.SHIPPED_DIR.glob("zips-*.parquet"):
        if old != path:
            old.unlink()
    print(f"wrote {path.name} in finder/shipped/ ({path.stat().st_size:,} bytes, {len(table):,} ZIPs)")


if __name__ == "__main__":
    main()
