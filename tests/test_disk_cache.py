"""Tables kept on disk between starts make a start faster, never wrong: another version means building again."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import zipcodes

from finder import disk_cache, zip_index

REPO_ROOT = Path(__file__).resolve().parents[1]


class CountingBuild:
    """Builds a small table, counting how often the cache had to call it."""

    def __init__(self, value: float = 1.0) -> None:
        self.calls = 0
        self.value = value

    def __call__(self) -> pd.DataFrame:
        self.calls += 1
        return pd.DataFrame({"lat": [self.value, 2.0]}, index=pd.Index(["60614", "10001"], name="zip"))


def test_a_kept_table_is_read_back_as_built_without_building_again(tmp_path: Path) -> None:
    build = CountingBuild()
    first = disk_cache.kept_table("zips", "1.0-abc", build, tmp_path)
    second = disk_cache.kept_table("zips", "1.0-abc", build, tmp_path)
    assert build.calls == 1
    pd.testing.assert_frame_equal(first, build())
    pd.testing.assert_frame_equal(second, build())


def test_another_version_is_built_afresh_and_the_old_copy_removed(tmp_path: Path) -> None:
    disk_cache.kept_table("zips", "1.0-abc", CountingBuild(1.0), tmp_path)
    newer = CountingBuild(5.0)
    table = disk_cache.kept_table("zips", "2.0-abc", newer, tmp_path)
    assert newer.calls == 1 and table["lat"].iloc[0] == 5.0  # never the old version's rows
    assert [path.name for path in tmp_path.glob("zips-*")] == ["zips-2.0-abc.parquet"]


@pytest.mark.parametrize("damage", [b"", b"not parquet at all", b"PAR1\x00\x00PAR1"])
def test_a_damaged_copy_is_built_again_and_replaced(tmp_path: Path, damage: bytes) -> None:
    (tmp_path / "zips-1.0-abc.parquet").write_bytes(damage)
    build = CountingBuild()
    pd.testing.assert_frame_equal(disk_cache.kept_table("zips", "1.0-abc", build, tmp_path), build())
    assert build.calls == 2  # once for the answer above, once for the comparison
    again = CountingBuild()
    disk_cache.kept_table("zips", "1.0-abc", again, tmp_path)
    assert again.calls == 0  # the damaged file was replaced by a good copy


def test_a_disk_that_cannot_be_written_still_gives_the_table(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    build = CountingBuild()
    pd.testing.assert_frame_equal(disk_cache.kept_table("zips", "1.0-abc", build, blocked), build())


def test_a_shipped_copy_is_served_without_building_and_only_for_its_own_version(tmp_path: Path) -> None:
    shipped, kept = tmp_path / "shipped", tmp_path / "kept"
    shipped.mkdir()
    CountingBuild(7.0)().to_parquet(shipped / "zips-1.0-abc.parquet")
    build = CountingBuild(1.0)
    assert disk_cache.kept_table("zips", "1.0-abc", build, kept, shipped)["lat"].iloc[0] == 7.0
    assert build.calls == 0 and not kept.exists()  # read as shipped, nothing copied
    assert disk_cache.kept_table("zips", "2.0-abc", build, kept, shipped)["lat"].iloc[0] == 1.0
    assert build.calls == 1 and [path.name for path in shipped.iterdir()] == ["zips-1.0-abc.parquet"]


def test_the_shipped_zip_table_is_the_one_the_installed_zipcodes_builds() -> None:
    """Fails after a zipcodes upgrade or an edit of build_zip_table until `python scripts/make_zip_table.py` is run
    (until then servers build the table at start, as before: slower, never wrong)."""
    shipped = zip_index.SHIPPED_DIR / f"zips-{zip_index.zip_table_version()}.parquet"
    assert shipped.is_file(), f"{shipped.name} is missing: run python scripts/make_zip_table.py"
    assert [path.name for path in zip_index.SHIPPED_DIR.glob("zips-*.parquet")] == [shipped.name]
    pd.testing.assert_frame_equal(pd.read_parquet(shipped), zip_index.build_zip_table(), check_index_type=True)


def test_the_kept_zip_table_is_exactly_the_one_built_from_the_package() -> None:
    zip_index.zip_table.cache_clear()
    try:
        pd.testing.assert_frame_equal(zip_index.zip_table(), zip_index.build_zip_table(), check_index_type=True)
    finally:
        zip_index.zip_table.cache_clear()


def test_the_zip_table_is_named_after_the_zipcodes_version_and_this_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new zipcodes release (new or moved ZIPs) or an edit of zip_index.py never reads an old copy."""
    current = zip_index.zip_table_version()
    assert current.startswith(zipcodes.__version__ + "-")
    monkeypatch.setattr(zipcodes, "__version__", "99.0.0")
    assert zip_index.zip_table_version() != current
    assert zip_index.zip_table_version().startswith("99.0.0-")


def test_a_new_zipcodes_version_builds_the_table_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(disk_cache, "CACHE_DIR", tmp_path)
    stale = zip_index.build_zip_table().head(3)  # an "old release" that knew only three ZIPs
    stale.to_parquet(tmp_path / "zips-0.0.1-old.parquet")
    zip_index.zip_table.cache_clear()
    try:
        monkeypatch.setattr(zip_index, "zip_table_version", lambda: "0.0.1-old")
        assert len(zip_index.zip_table()) == 3  # that release's own copy is served for that release only
        zip_index.zip_table.cache_clear()
        monkeypatch.setattr(zip_index, "zip_table_version", lambda: "0.0.2-new")
        assert len(zip_index.zip_table()) > 40_000  # the next release builds its own, from the package
        assert [path.name for path in tmp_path.glob("zips-*")] == ["zips-0.0.2-new.parquet"]
    finally:
        zip_index.zip_table.cache_clear()


def test_heavy_libraries_load_on_first_use_and_then_work() -> None:
    """A restart serving the checked copy does not import the stemmer, rapidfuzz, geopy or folium (~0.3-0.5 s
    together) for what a page needs first; validating a new file, a symptom search, a street address and a map
    import them when they are needed, and work."""
    script = textwrap.dedent(
        """
        import sys
        from finder import app_data, csv_io, results_ui, ui  # what a page imports
        from finder.conditions import load_library
        library = load_library()
        late = ("snowballstemmer", "rapidfuzz", "geopy", "folium", "branca")
        print(sorted(name for name in late if name in sys.modules))
        from tests.helpers_csv import VALID_ROW, csv_bytes
        report = csv_io.load_specialists(csv_bytes([VALID_ROW, {**VALID_ROW, "id": "NF-2", "phone": "555-01"}]))
        print(len(report.specialists), [problem.column for problem in report.errors])
        print([condition.slug for condition in library.search("my hand shakes")][:1])
        print([condition.slug for condition in library.search("seizrues")][:1])
        from finder import geocoding, mapping
        geocoding.nominatim(domain="127.0.0.1:9")
        mapping.build_map(report.specialists, (41.9, -87.6), 25).get_root().render()
        print(sorted(name for name in late if name in sys.modules))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    before, validated, stemmed, fuzzy, after = done.stdout.strip().splitlines()
    assert before == "[]"
    assert after == str(sorted(["snowballstemmer", "rapidfuzz", "geopy", "folium", "branca"]))
    assert validated == "1 ['phone']"  # the per-column rules ran and caught the short phone number
    assert stemmed != "[]" and fuzzy != "[]"
