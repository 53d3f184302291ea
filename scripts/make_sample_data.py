"""Write the bundled sample list, data/specialists.csv: 800 fictional specialists.

Run from the repository root: python scripts/make_sample_data.py
The output is the same on every run, so a diff shows only deliberate changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finder.sample_data import make_specialists

SAMPLE_SIZE = 800
OUTPUT = Path(__file__).resolve().parents[1] / "data" / "specialists.csv"


def main() -> None:
    make_specialists(SAMPLE_SIZE).to_csv(OUTPUT, index=False)
    print(f"wrote {SAMPLE_SIZE} sample specialists to {OUTPUT}")


if __name__ == "__main__":
    main()
