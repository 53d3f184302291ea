"""How fast NeuroFinder is where patients feel it, at 1k, 10k and 100k specialists, in one table.

Each figure is the median of several runs (test machines are shared and noisy), measured beside
the naive way in the same run where there is one, with the ratio naive / ours and the target
from issue 9:

- search alone: finder.search.find (filters, distance, sort: the rows found, nearest first) vs
  one geopy geodesic() per row; both must find the same specialists at the same distances before
  either is timed
- map build: what the find page does for a map it has not built yet (take the map's columns of
  the rows found, finder.mapping.build_map, render its HTML), for the 5,000 specialists nearest
  the middle of the country (all of them at 1k), vs one folium Marker with a Popup per result
- map HTML: the size of that page, ours vs the naive one
- warm rerun: the find page re-run with the same search (ZIP 10001, 100 miles) in Streamlit's
  AppTest, the list already loaded
- new search, AppTest: the find page run with a ZIP it has not searched yet (100 miles), one after
  another through load_test's 26 metro ZIPs: no shared cache helps, so this is the CPU a patient
  searching somewhere new costs the server (what `load_test.py --new-searches` puts under load)
- cold start, for 10k rows and up: from launching `streamlit run app.py` to a client having the
  whole results page of /find?location=10001&radius=100 (Streamlit's websocket protocol, no
  browser), first with an empty temporary folder, then again as a restart that finds what the
  first start kept there
- cold start, server up: from launching to the server answering its health check, the part of a
  cold start that is Streamlit's own, before the app runs at all
- warm rerun, server: on that restarted server, the same search again over the websocket; unlike
  AppTest this includes what Streamlit does around a script run (sending, clean-up after it)

The lists come from finder.sample_data (checked with finder.csv_io.load_specialists) and are kept
in the temporary folder, so only the first run pays for generating them (about 2 minutes for
100k). Run from the repository root:

    python scripts/benchmark.py [--sizes 1000,10000] [--quick] [--server-python /tmp/deployed/bin/python]

Cold starts depend on what is installed: see measuring.add_server_python.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import folium
import pandas as pd
import streamlit.logger
from folium.plugins import MarkerCluster
from geopy.distance import geodesic

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finder import search as searching
from finder import vocabulary
from finder.csv_io import load_specialists
from finder.distance import METRES_PER_MILE
from finder.mapping import CLUSTER_THRESHOLD, LEAFLET_IMAGES, MAP_COLUMNS, MARKER_COLOUR, build_map
from finder.safety import directions_url, escape_map_html, safe_url, tel_url
from finder.search import Found, SearchCriteria, find, search
from scripts import load_test, measuring

SIZES = (1_000, 10_000, 100_000)
#: Cold starts launch servers; below this many rows they say more about Python's imports than the app.
COLD_START_MIN_ROWS = 10_000
SEARCH = SearchCriteria(
    lat=41.9217,
    lon=-87.6490,
    radius_miles=50,
    subspecialties=("movement-disorders", "epilepsy", "clinical-neurophysiology"),
    accepting_new_patients=True,
)
#: The map is measured with the specialists nearest Kansas City, the middle of the country.
MAP_CENTRE = (39.0997, -94.5786)
MAP_RESULTS = 5_000
FIND_QUERY = {"location": "10001", "radius": "100"}
FIND_QUERY_STRING = "location=10001&radius=100"
#: The find page's success line, whose number is the count of results.
RESULTS_LINE = re.compile(r"([\d,]+) specialists? within 100 miles")
AT_10K, AT_100K = 10_000, 100_000
#: The measures in the order the table lists them.
MEASURES = (
    "search alone",
    "map build",
    "map HTML",
    "warm rerun, same search",
    "new search, AppTest",
    "warm rerun, server",
    "cold start, server up",
    "cold start, new list",
    "cold start, restart",
)
#: Issue 9's targets, (measure, rows) -> limit in the measure's unit; a figure at or below its limit is met.
TARGETS: dict[tuple[str, int], float] = {
    **{("search alone", AT_10K): 2, ("search alone", AT_100K): 10},
    **{("map build", rows): 30 for rows in (AT_10K, AT_100K)},
    **{("map HTML", rows): 250 for rows in (AT_10K, AT_100K)},
    **{("warm rerun, same search", AT_10K): 120, ("warm rerun, same search", AT_100K): 200},
    **{(cold, AT_10K): 1500 for cold in ("cold start, new list", "cold start, restart")},
    **{(cold, AT_100K): 2500 for cold in ("cold start, new list", "cold start, restart")},
}


@dataclass(frozen=True)
class Repeats:
    """How many timed runs each figure's median takes."""

    search: int
    naive_search: int
    map: int
    naive_map: int
    rerun: int
    cold: int


FULL = Repeats(search=30, naive_search=3, map=10, naive_map=3, rerun=7, cold=5)
#: Three cold starts even when quick: a single start varies by half a second on a shared machine.
QUICK = Repeats(search=10, naive_search=1, map=3, naive_map=1, rerun=5, cold=3)


@dataclass(frozen=True)
class Figure:
    """One line of the table: a measure at one size, ours and (where there is one) the naive way."""

    measure: str
    rows: int
    results: int | None  # specialists the search found, or drawn on the map
    unit: str  # "ms" or "KB"
    ours: float
    naive: float | None = None

    @property
    def target(self) -> float | None:
        return TARGETS.get((self.measure, self.rows))

    def cells(self) -> list[str]:
        met = "" if self.target is None else ("met" if self.ours <= self.target else "NOT MET")
        return [
            self.measure,
            f"{self.rows:,}",
            "—" if self.results is None else f"{self.results:,}",
            amount(self.ours, self.unit),
            "—" if self.naive is None else amount(self.naive, self.unit),
            "—" if self.naive is None else f"{self.naive / self.ours:,.0f}x",
            "—" if self.target is None else f"≤ {self.target:,g} {self.unit}",
            met,
        ]


HEADERS = ("measure", "rows", "results", "ours", "naive way", "naive ÷ ours", "target", "met?")


def amount(value: float, unit: str) -> str:
    """A figure with as many decimals as it is worth: 0.84 ms, 12.3 ms, 1,234 ms."""
    decimals = 2 if value < 10 else 1 if value < 100 else 0
    return f"{value:,.{decimals}f} {unit}"


def naive_search(specialists: pd.DataFrame, criteria: SearchCriteria) -> list[tuple[float, str]]:
    """BASELINE, not the app's code: test each row in Python and call geopy for its distance."""
    wanted = vocabulary.mask_of(criteria.subspecialties)
    found = []
    for row in specialists.itertuples(index=False):
        accepting = row.accepting_new_patients
        if not row.subspecialty_mask & wanted or accepting is pd.NA or not accepting:
            continue
        miles = geodesic((criteria.lat, criteria.lon), (row.latitude, row.longitude)).miles
        if miles <= criteria.radius_miles:
            found.append((miles, row.id))
    return sorted(found)


def check_agreement(matches: pd.DataFrame, naive: list[tuple[float, str]]) -> None:
    """Both ways must find the same people at the same distances (within 0.5%), or the timing means nothing."""
    ours = dict(zip(matches["id"], matches["distance_miles"], strict=True))
    theirs = {specialist: miles for miles, specialist in naive}
    assert ours.keys() == theirs.keys(), "the vectorized and naive searches found different specialists"
    assert all(abs(ours[key] - theirs[key]) <= 0.005 * theirs[key] + 1e-9 for key in ours)


def naive_popup_html(specialist: pd.Series) -> str:
    """BASELINE, not the app's code: the escaped HTML card the app put in every popup before issue 9."""
    name = escape_map_html(specialist["name"])
    credentials = escape_map_html(specialist["credentials"])
    lines = [
        f"<strong>{name}</strong>{', ' + credentials if credentials else ''}",
        escape_map_html(specialist["subspecialty_labels"]),
        escape_map_html(specialist["clinic"]),
        escape_map_html(f"{specialist['address']}, {specialist['city']}, {specialist['state']} {specialist['zip']}"),
    ]
    if tel := tel_url(str(specialist["phone_digits"])):
        lines.append(f'<a href="{escape_map_html(tel)}">{escape_map_html(specialist["phone"])}</a>')
    links = [
        f'<a href="{escape_map_html(directions_url(specialist["latitude"], specialist["longitude"]))}"'
        ' target="_blank" rel="noopener noreferrer">Directions</a>'
    ]
    if website := safe_url(specialist["website"]):
        links.append(f'<a href="{escape_map_html(website)}" target="_blank" rel="noopener noreferrer">Website</a>')
    lines.append(" · ".join(links))
    lines.append(f"{specialist['distance_miles']:.1f} miles away")
    return "<br>".join(line for line in lines if line)


def naive_map(specialists: pd.DataFrame, centre: tuple[float, float], radius_miles: float) -> folium.Map:
    """BASELINE, not the app's code: the map as the app built it before issue 9, one folium Marker with
    its own icon, tooltip and Popup per result (without the old 300-marker cap, so it shows them all)."""
    fmap = folium.Map(location=centre, zoom_start=10, control_scale=True, tiles="OpenStreetMap")
    folium.Circle(
        centre, radius=radius_miles * METRES_PER_MILE, color=MARKER_COLOUR, weight=1, fill=True, fill_opacity=0.05
    ).add_to(fmap)
    folium.CircleMarker(centre, radius=8, color="#c0392b", fill=True, fill_opacity=0.9, tooltip="You").add_to(fmap)
    layer = MarkerCluster(name="Specialists").add_to(fmap) if len(specialists) > CLUSTER_THRESHOLD else fmap
    for _, specialist in specialists.iterrows():
        icon = folium.CustomIcon(
            LEAFLET_IMAGES + "marker-icon.png",
            icon_size=(25, 41),
            icon_anchor=(12, 41),
            popup_anchor=(1, -34),
            shadow_image=LEAFLET_IMAGES + "marker-shadow.png",
            shadow_size=(41, 41),
            shadow_anchor=(12, 41),
        )
        folium.Marker(
            (specialist["latitude"], specialist["longitude"]),
            popup=folium.Popup(naive_popup_html(specialist), max_width=320, lazy=True),
            tooltip=escape_map_html(specialist["name"]),
            icon=icon,
        ).add_to(layer)
    lats, lons = specialists["latitude"], specialists["longitude"]
    fmap.fit_bounds([(lats.min(), lons.min()), (lats.max(), lons.max())])
    return fmap


def map_figures(table: pd.DataFrame, rows: int, repeats: Repeats) -> list[Figure]:
    """Build and render the map of the MAP_RESULTS specialists nearest MAP_CENTRE (all in a small list), both ways."""
    everyone = find(table, SearchCriteria(lat=MAP_CENTRE[0], lon=MAP_CENTRE[1], radius_miles=20_000))
    nearest = Found(everyone.positions[:MAP_RESULTS], everyone.distances[:MAP_RESULTS], within_radius=True)
    shown = searching.rows(table, nearest)
    radius = float(shown["distance_miles"].iloc[-1])  # the search whose radius just reaches the last one shown

    def ours() -> str:  # as results_ui.map_page does on a miss
        return build_map(searching.rows(table, nearest, columns=MAP_COLUMNS), MAP_CENTRE, radius).get_root().render()

    def naive() -> str:
        return naive_map(shown, MAP_CENTRE, radius).get_root().render()

    ours_kb, naive_kb = (len(html().encode()) / 1024 for html in (ours, naive))
    return [
        Figure("map build", rows, len(shown), "ms", ms(ours, repeats.map), ms(naive, repeats.naive_map)),
        Figure("map HTML", rows, len(shown), "KB", ours_kb, naive_kb),
    ]


def ms(run: Callable[[], object], repeat: int) -> float:
    return measuring.median_seconds(run, repeat) * 1000


def results_count(alerts: list[str]) -> int:
    """The number in the find page's success line ("806 specialists within 100 miles of …")."""
    for alert in alerts:
        if found := RESULTS_LINE.search(alert):
            return int(found.group(1).replace(",", ""))
    raise RuntimeError(f"the find page did not show its results line; its alerts were {alerts}")


def page_runs(csv: Path, rows: int, repeat: int) -> list[Figure]:
    """Re-run the find page with the same search in AppTest, the list already cached; then search new places."""
    from streamlit.testing.v1 import AppTest

    from finder import app_data

    bundled = app_data.SPECIALISTS_CSV
    app_data.SPECIALISTS_CSV = csv  # AppTest runs the pages in this process, so they read this list
    try:
        app = AppTest.from_file(str(measuring.REPO_ROOT / "app.py"), default_timeout=measuring.PAGE_TIMEOUT_SECONDS)
        app.switch_page("pages/find.py")
        for key, value in FIND_QUERY.items():
            app.query_params[key] = value
        app.run()
        if app.exception:
            raise RuntimeError(f"the find page failed: {[error.value for error in app.exception]}")
        found = results_count([alert.value for alert in app.success])
        same = Figure("warm rerun, same search", rows, found, "ms", ms(app.run, repeat))
        places = iter(load_test.ZIPS[1:])  # ZIPS[0] is FIND_QUERY's, searched above

        def new_search() -> None:
            app.query_params["location"] = next(places)
            app.run()
            alerts = [alert.value for alert in (*app.success, *app.warning)]  # found some, or the nearest outside
            if app.exception or not any("within 100 miles of" in alert for alert in alerts):
                raise RuntimeError(f"the find page failed: {[error.value for error in app.exception]} {alerts}")

        new = Figure("new search, AppTest", rows, None, "ms", ms(new_search, min(repeat * 4, len(load_test.ZIPS) - 1)))
        return [same, new]
    finally:
        app_data.SPECIALISTS_CSV = bundled


@dataclass(frozen=True)
class ServedSearch:
    """A server's first results page, timed from launch, and the same search repeated on it."""

    up: float  # launch to answering its health check: Streamlit's own start, before any page runs
    seconds: float
    results: int
    reruns: list[float]


def serve_and_search(app_folder: Path, temp_folder: Path, reruns: int, python: str) -> ServedSearch:
    """Launch the server, time it to a client having the whole results page, then repeat the search."""
    with measuring.serve(app_folder, temp_folder, python=python) as server:

        async def searches() -> tuple[float, list[measuring.PageRun]]:
            async with measuring.connect(server.stream_url) as connection:
                request = measuring.rerun_request(FIND_QUERY_STRING)
                pages = [await measuring.run_page(connection, request)]
                finished = time.perf_counter()
                pages += [await measuring.run_page(connection, request) for _ in range(reruns)]
                return finished, pages

        finished, pages = asyncio.run(searches())
        if failed := [page.exception for page in pages if page.exception]:
            raise RuntimeError(f"the find page failed: {failed[0]}; server output:\n{server.output()}")
        found = results_count(list(pages[0].alerts))
        reruns_seconds = [page.seconds for page in pages[1:]]
        return ServedSearch(server.ready - server.started, finished - server.started, found, reruns_seconds)


def served(csv: Path, rows: int, repeats: Repeats, work: Path, python: str) -> list[Figure]:
    """Cold starts: a first start with an empty temporary folder, then a restart that finds what the first
    one kept there; on the restarted server, the same search again (as AppTest does, but over the wire)."""
    folder = measuring.app_copy(work / f"app-{rows}", csv)
    first, again = [], []
    for attempt in range(repeats.cold):
        temp = work / f"tmp-{rows}-{attempt}"
        first.append(serve_and_search(folder, temp, reruns=0, python=python))
        again.append(serve_and_search(folder, temp, reruns=repeats.rerun, python=python))
    found = first[0].results

    def median_ms(values: list[float]) -> float:
        return measuring.percentile(values, 50) * 1000

    return [
        Figure("cold start, server up", rows, None, "ms", median_ms([run.up for run in first + again])),
        Figure("cold start, new list", rows, found, "ms", median_ms([run.seconds for run in first])),
        Figure("cold start, restart", rows, found, "ms", median_ms([run.seconds for run in again])),
        Figure("warm rerun, server", rows, found, "ms", median_ms([t for run in again for t in run.reruns])),
    ]


def figures_at(rows: int, repeats: Repeats, work: Path, server_python: str) -> list[Figure]:
    """Every figure for one list size."""
    csv = measuring.sample_csv(rows)
    report = load_specialists(csv.read_bytes())
    if report.errors or len(report.specialists) != rows:
        raise RuntimeError(f"the generated list of {rows} did not pass the checks: {report.errors[:3]}")
    table = report.specialists
    matches = search(table, SEARCH).matches
    check_agreement(matches, naive_search(table, SEARCH))
    found = [
        Figure(
            "search alone",
            rows,
            len(matches),
            "ms",
            ms(lambda: find(table, SEARCH), repeats.search),
            ms(lambda: naive_search(table, SEARCH), repeats.naive_search),
        ),
        *map_figures(table, rows, repeats),
        *page_runs(csv, rows, repeats.rerun),
    ]
    if rows >= COLD_START_MIN_ROWS:
        found += served(csv, rows, repeats, work, server_python)
    return found


def report(figures: list[Figure], quick: bool) -> str:
    """The table, measures in MEASURES order and sizes ascending, and a line on how many targets were met."""
    ordered = sorted(figures, key=lambda figure: (MEASURES.index(figure.measure), figure.rows))
    judged = [figure for figure in figures if figure.target is not None]
    missed = sum(figure.ours > figure.target for figure in judged)  # type: ignore[operator]
    verdict = (
        f"{len(judged) - missed} of {len(judged)} targets met"
        if judged
        else f"Issue 9 sets targets at {AT_10K:,} and {AT_100K:,} rows only"
    )
    return (
        measuring.markdown_table(HEADERS, [figure.cells() for figure in ordered])
        + f"\n\n{verdict}. Medians of {'quick' if quick else 'full'} runs on {measuring.machine()}."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(size) for size in text.split(",")],
        default=list(SIZES),
        help="comma-separated list sizes (default 1000,10000,100000)",
    )
    parser.add_argument("--quick", action="store_true", help="fewer timed runs per figure: a rougher table, sooner")
    measuring.add_server_python(parser)
    args = parser.parse_args(argv)
    repeats = QUICK if args.quick else FULL
    # The app's cached functions are defined in this process, outside a server, which Streamlit warns about.
    streamlit.logger.set_log_level("error")
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="neurofinder-benchmark-") as work:
        for rows in args.sizes:
            print(f"measuring {rows:,} specialists…", file=sys.stderr, flush=True)
            figures += figures_at(rows, repeats, Path(work), args.server_python)
    print(report(figures, args.quick))


if __name__ == "__main__":
    main()
