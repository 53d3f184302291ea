"""The map's data: every result present, exactly as the list has it, and nothing a script could run."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from finder.csv_io import load_specialists
from finder.mapping import (
    CLUSTER_THRESHOLD,
    MAP_COLUMNS,
    POPUP_STYLE,
    POSITION_STEPS_PER_DEGREE,
    build_map,
    marker_table,
)
from finder.sample_data import make_specialists
from finder.search import SearchCriteria, search
from finder.vocabulary import labels_of_mask
from tests.helpers_csv import csv_bytes, specialists

CENTRE = (41.8868, -87.6386)
#: Text that breaks out of a JavaScript string or template literal, or out of the <script> element.
SCRIPT_ATTACKS = (
    "${globalThis.pwned = 1}",
    "`; globalThis.pwned = 1; `",
    "back\\slash \\` and \\${x}",
    "</script><script>globalThis.pwned = 1</script>",
    "<!-- <script>",
    "quote ' and \" both",
    "new\nline \u2028 separator",
    # branca re-parses every script folium writes as a Jinja template, on the server
    "{{ 6 * 7 }} {% if true %}evaluated{% endif %} {# hidden #}",
)
TEXT_COLUMNS = ("name", "credentials", "clinic", "address", "city", "languages")


def results(rows: list[dict[str, str]]) -> pd.DataFrame:
    """Rows through the real loader and search, as the page would map them."""
    report = load_specialists(csv_bytes(rows))
    assert len(report.specialists) == len(rows), [str(problem) for problem in report.errors]
    return search(report.specialists, SearchCriteria(*CENTRE, radius_miles=100)).matches


def spread(count: int, **cells: str) -> list[dict[str, str]]:
    """Valid rows a little apart from each other, with `cells` in every row."""
    rows = specialists(count)
    for number, row in enumerate(rows):
        row.update(
            cells,
            latitude=f"{CENTRE[0] + 0.01 * (number % 9):.4f}",
            longitude=f"{CENTRE[1] - 0.01 * (number // 9):.4f}",
        )
    return rows


def page_table(page: str) -> dict[str, object]:
    """The JSON table the rendered page hands to the browser."""
    match = re.search(r"var table = (\{.*?\});\n", page)
    assert match, "no marker table in the map page"
    return json.loads(match.group(1))


def test_every_result_is_on_the_map_with_its_popup_facts() -> None:
    found = results(spread(60))
    table = marker_table(found, CENTRE)
    assert table["name"] == found["name"].tolist()
    assert table["cluster"] is True and len(found) > CLUSTER_THRESHOLD
    steps = POSITION_STEPS_PER_DEGREE
    lats = [CENTRE[0] + north / steps for north in table["north"]]
    lons = [CENTRE[1] + east / steps for east in table["east"]]
    assert lats == pytest.approx(found["latitude"].tolist(), abs=0.51 / steps)
    assert lons == pytest.approx(found["longitude"].tolist(), abs=0.51 / steps)
    tenths = list(itertools.accumulate(table["tenths_step"]))
    assert [t / 10 for t in tenths] == pytest.approx(found["distance_miles"].tolist(), abs=0.05)
    labels = [
        "; ".join(label for bit, label in enumerate(table["labels"]) if mask & (1 << bit)) for mask in table["mask"]
    ]
    assert labels == [labels_of_mask(mask) for mask in found["subspecialty_mask"]]
    assert [table["credentials"][code] for code in table["credential"]] == found["credentials"].tolist()
    assert table["phone"] == [int(digits) for digits in found["phone_digits"]]


def test_few_results_are_single_pins_and_a_phone_that_cannot_be_called_is_left_out() -> None:
    found = results(spread(3))
    found.loc[0, "phone_digits"] = "555"
    table = marker_table(found, CENTRE)
    assert table["cluster"] is False
    assert table["phone"][0] == 0 and all(len(str(phone)) == 10 for phone in table["phone"][1:])


@pytest.mark.parametrize("attack", SCRIPT_ATTACKS)
@pytest.mark.parametrize("count", [3, CLUSTER_THRESHOLD + 5], ids=["pins", "clustered"])
def test_hostile_text_reaches_the_browser_as_data_only(attack: str, count: int) -> None:
    """The page holds the text unchanged inside its JSON, and outside the JSON exactly what a benign map holds."""
    benign_page = build_map(results(spread(count)), CENTRE, 25).get_root().render()
    hostile = results(spread(count, **dict.fromkeys(TEXT_COLUMNS, f"{attack} x")))
    hostile_page = build_map(hostile, CENTRE, 25).get_root().render()

    assert page_table(hostile_page)["name"] == hostile["name"].tolist()
    for token in ("</script", "<!--", "<script"):
        assert hostile_page.count(token) == benign_page.count(token)
    outside = re.sub(r"var table = \{.*?\};\n", "", hostile_page)
    benign_outside = re.sub(r"var table = \{.*?\};\n", "", benign_page)
    for token in ("`", "${", "\\"):
        assert outside.count(token) == benign_outside.count(token), token


def test_npis_travel_only_for_the_rows_that_have_one() -> None:
    rows = spread(4)
    rows[2]["npi"] = "1234567893"  # a valid check digit
    table = marker_table(results(rows), CENTRE)
    position = results(rows)["npi"].tolist().index("1234567893")
    assert table["npi_rows"] == [position] and table["npi"] == [1234567893]


def test_five_thousand_results_make_a_map_page_under_250_kb() -> None:
    """Issue 9's budget for a national search: every result on the map in at most 250 KB of HTML."""
    everyone = load_specialists(make_specialists(5_000).to_csv(index=False).encode()).specialists
    found = search(everyone, SearchCriteria(39.1, -94.6, radius_miles=5_000)).matches
    assert len(found) == 5_000
    page = build_map(found, (39.1, -94.6), 250).get_root().render()
    assert len(page.encode()) <= 250 * 1024


def test_an_empty_result_still_draws_the_centre_and_radius() -> None:
    page = build_map(results(spread(1)).iloc[0:0], CENTRE, 25).get_root().render()
    assert "var table" not in page and "L.circle(" in page and "L.circleMarker(" in page


def test_the_map_page_lets_people_zoom() -> None:
    """folium's own viewport tag forbids pinch zoom; people with low vision need it to read a popup."""
    page = build_map(pd.DataFrame(columns=["latitude", "longitude"]), (40.7, -74.0), 25).get_root().render()
    viewport = re.search(r'<meta name="viewport" content="([^"]*)"', page)
    assert viewport is not None
    assert "width=device-width" in viewport.group(1)
    assert "user-scalable" not in viewport.group(1)
    assert "maximum-scale" not in viewport.group(1)


def test_the_map_page_carries_its_own_styles() -> None:
    """The 44 px popup actions and the screen-reader-only cluster text depend on this style sheet."""
    found = load_specialists(csv_bytes(specialists(3))).specialists
    rendered = build_map(found, (41.9, -87.6), 25).get_root().render()
    assert POPUP_STYLE in rendered
    assert rendered.count(POPUP_STYLE) == 1


def test_each_map_element_is_written_once_with_folium_own_steps() -> None:
    """The map's parts go into the page as finished text, not re-read as templates; folium's steps still run."""
    page = build_map(results(spread(30)), CENTRE, 25).get_root().render()
    calls = (
        "L.tileLayer(",
        "L.circle(",
        "L.circleMarker(",
        ".createPane(",
        ".fitBounds(",
        "L.Control.Scale(",
        "var table = ",
    )
    for call in calls:
        assert page.count(call) == 1, call
    tiles = re.search(r"var (tile_layer_\w+) = L\.tileLayer\(", page)
    assert tiles and f"{tiles.group(1)}.addTo(" in page  # the layer's own "add me to the map" call


def test_the_map_needs_only_its_own_columns() -> None:
    """The page takes only MAP_COLUMNS (and the distance) out of the list for the map: same page as whole rows."""
    found = results(spread(30, clinic="Lakeside {{ 6 * 7 }}"))
    narrow = found[[*MAP_COLUMNS, "distance_miles"]]
    anonymous = re.compile(r"_[0-9a-f]{32}")
    whole = build_map(found, CENTRE, 25).get_root().render()
    assert anonymous.sub("", build_map(narrow, CENTRE, 25).get_root().render()) == anonymous.sub("", whole)


def test_the_map_loads_without_every_folium_plugin() -> None:
    """`folium.plugins` imports all of folium's plugins (~0.25 s of a server's first map); the map needs none."""
    check = "import sys, finder.mapping; sys.exit('folium.plugins' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", check], cwd=Path(__file__).resolve().parents[1]).returncode == 0
