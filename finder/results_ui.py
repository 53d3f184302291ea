"""The find page's results: what was searched, the count, the list of cards, the map and the place questions.

Cards are written as HTML (`result_cards_html`, a pure function) so that each specialist is a
heading a screen reader can jump to, Call and Directions are real 44-pixel buttons named after
the specialist, and emoji are hidden from assistive technology; Markdown can do none of that.
Every text from the CSV or a link is escaped here, and only tel: links for a valid phone and
http(s) links become clickable (Streamlit's own sanitizer then runs over the HTML as well).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from finder import accessibility, app_data, memory, npi
from finder.app_data import SpecialistList
from finder.conditions import Condition, ConditionLibrary
from finder.csv_write import spreadsheet_csv_bytes
from finder.location import AmbiguousLocation, LocationError
from finder.places import Location
from finder.safety import directions_url, escape_html, escape_markdown, safe_url, tel_url
from finder.search import Found, SearchCriteria, find, rows
from finder.search_request import SearchRequest, echo
from finder.table_contract import COLUMN_LABELS
from finder.ui import FOCUS_KEY, SEARCHES_KEY, condition_href, new_search
from finder.wording import counted, nearest_outside

memory.cap_malloc_arenas()  # before the page runs' threads allocate: see finder/memory.py

#: Result cards shown at first and added by each "Show more".
PAGE_SIZE = 20
MAP_HEIGHT = 480
#: Built maps kept per server (about 250 KB each for 5,000 results).
MAP_CACHE_ENTRIES = 64
#: Searches whose results are kept per server, shared by every session: row positions and distances,
#: 16 bytes a result (~130 KB for 8,000).
RESULTS_CACHE_ENTRIES = 64
#: The criteria are a small frozen dataclass: their repr names every field, and is ~30 times cheaper
#: for Streamlit to hash than the dataclass itself (0.35 ms, three times a page run).
CHEAP_KEYS: dict[str | type[Any], Callable[[Any], Any]] = {SearchCriteria: repr}
_EXPORTED = ("name", "credentials", "subspecialty_labels", "clinic", "address", "city", "state", "zip", "phone")
#: The patient's results file: staff labels for the list's columns, then how far, then the website.
EXPORT_COLUMNS = {
    **{column: COLUMN_LABELS[column] for column in _EXPORTED},
    "distance_miles": "Miles away",
    "website": COLUMN_LABELS["website"],
}
_EXPORTED_FROM_LIST = (*_EXPORTED, "website")
LOCATION_LABEL = "ZIP code, city and state, or street address"
LIST_UNAVAILABLE = (
    "We are sorry: the list of specialists is not available right now. Please try again later, "
    "or call your doctor's office for a referral."
)
#: The results heading's id: focus moves there after Search, so a screen reader starts at the results.
RESULTS_HEADING_ID = "results"
#: The List / Map switch; the list comes first (on a phone the map would otherwise be far below the cards).
VIEW_KEY = "results-view"
LIST_VIEW, MAP_VIEW = "List", "Map"
#: The container of the map shown beside the list; hidden on narrow screens, where the switch shows it instead.
MAP_BESIDE_LIST_KEY = "results-map-beside-list"
NEW_TAB = " (opens in a new tab)"
RESULTS_STYLE = f"""<style>
.stHtml ol.nf-cards {{ list-style: none; margin: 0; padding: 0; }}  /* Streamlit indents lists in st.html */
.nf-card {{ border: 1px solid #c9d1dc; border-radius: 8px; padding: 12px 16px; margin: 0 0 12px; color: #1a2233; }}
.nf-card h3 {{ font-size: 1.15rem; font-weight: 700; margin: 0 0 4px; padding: 0; line-height: 1.3; }}
.nf-card p {{ margin: 0 0 6px; }}
.nf-facts {{ color: #3d4452; font-size: 0.92rem; }}
.nf-actions {{ display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }}
.nf-card a.nf-action {{
    display: inline-flex; align-items: center; gap: 6px; box-sizing: border-box; min-height: 44px; min-width: 44px;
    padding: 0 14px; border: 1px solid #1c5fa8; border-radius: 6px; background: #ffffff; color: #0b4a8b;
    font-weight: 600; text-decoration: none;
}}
.nf-card .nf-icon {{
    font-family: "Material Symbols Rounded"; font-size: 20px; font-weight: 400; line-height: 1;
    font-feature-settings: "liga"; -webkit-font-feature-settings: "liga";
}}
.nf-card a.nf-action:hover {{ background: #eef4fb; }}
.nf-card a.nf-action:focus-visible {{ outline: 3px solid #0b4a8b; outline-offset: 2px; }}
#{RESULTS_HEADING_ID} {{ margin: 0; padding: 0.5rem 0 0; }}
#{RESULTS_HEADING_ID}:focus {{ outline: none; }}
#{RESULTS_HEADING_ID}:focus-visible {{ outline: 3px solid #0b4a8b; outline-offset: 2px; }}
@media (max-width: 640px) {{ .st-key-{MAP_BESIDE_LIST_KEY} {{ display: none; }} }}
</style>"""


def list_unavailable() -> None:
    """What a patient sees when no list could be loaded: an apology and where else to turn, no traceback."""
    st.error(LIST_UNAVAILABLE, icon=":material/build:")


def treated_by(condition: Condition | None) -> None:
    """For a search started from a condition: who usually treats it, and a link back to its page."""
    if condition:
        title = escape_markdown(condition.title)
        st.markdown(
            f"**{title}** is usually treated by: {', '.join(condition.subspecialty_labels)}. "
            f"[Read about {title}]({condition_href(condition.slug)})"
        )


def _start(request: SearchRequest) -> None:
    """Put a search in the URL (to share) and have the next run draw it with focus on the results."""
    st.query_params.from_dict(request.to_query_params())
    new_search()


def submit(request: SearchRequest) -> None:
    """Start a search from the form, and draw it now."""
    _start(request)
    st.rerun()


def _action(icon: str, text: str, href: str, name: str, external: bool) -> str:
    """A 44-pixel button link; `name` (what a screen reader says) starts with the visible text.

    `icon` is a Material Symbol's name, drawn with the font Streamlit serves for its own icons: emoji
    showed as empty boxes on computers without an emoji font (the README screenshots among them).
    """
    new_tab = ' target="_blank" rel="noopener noreferrer"' if external else ""
    label = name + (NEW_TAB if external else "")
    return (
        f'<a class="nf-action" href="{escape_html(href)}"{new_tab} aria-label="{escape_html(label)}">'
        f'<span class="nf-icon" aria-hidden="true">{icon}</span>{escape_html(text)}</a>'
    )


def _actions(specialist: pd.Series) -> list[str]:
    """Call (same tab: a phone call keeps the page), then directions, website and registry (new tabs)."""
    name = str(specialist["name"])
    actions = []
    if call := tel_url(specialist["phone_digits"]):
        actions.append(_action("call", "Call", call, f"Call {name} at {specialist['phone']}", external=False))
    lat, lon = float(specialist["latitude"]), float(specialist["longitude"])
    if math.isfinite(lat) and math.isfinite(lon):
        place = specialist["clinic"] or name
        actions.append(
            _action("directions", "Directions", directions_url(lat, lon), f"Directions to {place}", external=True)
        )
    if website := safe_url(specialist["website"]):
        actions.append(_action("language", "Website", website, f"Website of {name}", external=True))
    if npi.is_valid(specialist["npi"]):  # the public listing, so a patient can check who this is
        link = npi.registry_url(specialist["npi"])
        actions.append(_action("badge", "NPI Registry", link, f"NPI Registry page of {name}", external=True))
    return actions


def facts(specialist: pd.Series) -> list[str]:
    """Distance, new patients, video visits and languages, in plain words (not escaped)."""
    found = [f"{specialist['distance_miles']:.1f} miles away"] if "distance_miles" in specialist else []
    accepting = specialist["accepting_new_patients"]
    if not pd.isna(accepting):
        found.append("Accepting new patients" if accepting else "Not accepting new patients")
    telehealth = specialist["telehealth"]
    if not pd.isna(telehealth) and telehealth:
        found.append("Offers video visits")
    if specialist["languages"]:
        found.append("Speaks " + specialist["languages"].replace(";", ","))
    return found


def specialist_card_html(specialist: pd.Series) -> str:
    """One result as a list item: the name as a heading, what they treat, where, the actions, the facts."""
    name = escape_html(specialist["name"])
    if specialist["credentials"]:
        name += f", {escape_html(specialist['credentials'])}"
    address = f"{specialist['address']}, {specialist['city']}, {specialist['state']} {specialist['zip']}"
    where = [escape_html(part) for part in (specialist["clinic"], address, specialist["phone"]) if part]
    return (
        f'<li class="nf-card"><h3>{name}</h3>'
        f"<p>{escape_html(specialist['subspecialty_labels'])}</p>"
        f"<p>{'<br>'.join(where)}</p>"
        f'<div class="nf-actions">{"".join(_actions(specialist))}</div>'
        f'<p class="nf-facts">{escape_html(" · ".join(facts(specialist)))}</p></li>'
    )


def result_cards_html(results: pd.DataFrame) -> str:
    """The cards as one list (their styles come with the results heading, `RESULTS_STYLE`)."""
    cards = "".join(specialist_card_html(specialist) for _, specialist in results.iterrows())
    return f'<ol class="nf-cards" aria-label="Specialists, nearest first">{cards}</ol>'


@st.cache_resource(max_entries=RESULTS_CACHE_ENTRIES, show_spinner=False, hash_funcs=CHEAP_KEYS)
def _searched(data_version: str, criteria: SearchCriteria, _table: pd.DataFrame) -> Found:
    """One search's row positions, shared (read-only) by the page run, its list fragment and its download.

    Sessions hold the search, not its rows, and the rows are taken from the shared list only where
    they are shown (`rows`). Keyed like `map_page`: the list's fingerprint and the criteria.
    """
    return find(_table, criteria)


def searched(specialists: SpecialistList, criteria: SearchCriteria) -> Found:
    """Which rows of `specialists` match `criteria`, nearest first, found once while it stays in the shared cache."""
    return _searched(specialists.version, criteria, specialists.table)


@st.fragment
def result_list(specialists: SpecialistList, criteria: SearchCriteria, state_key: str) -> None:
    """Cards for the nearest results, "Show more" in steps, and a CSV download of all of them.

    A fragment: "Show more" reruns only this list, not the map or the search beside it. Only the
    rows on the cards are taken from the list.
    """
    found = searched(specialists, criteria)
    shown = st.session_state.get(state_key, PAGE_SIZE)
    st.html(result_cards_html(rows(specialists.table, found, stop=shown)))
    if (remaining := len(found) - shown) > 0:
        st.button(
            f"Show {min(PAGE_SIZE, remaining)} more ({remaining} not shown yet)",
            key=f"{state_key}-more",
            on_click=st.session_state.__setitem__,
            args=(state_key, shown + PAGE_SIZE),
        )
    st.download_button(
        "Download this list (CSV)",
        partial(search_csv, specialists, criteria),  # made when tapped, not on every page run (~100 ms for 8,000)
        file_name="neurology-specialists.csv",
        mime="text/csv",
        key=f"{state_key}-download",
        on_click="ignore",
    )


def search_csv(specialists: SpecialistList, criteria: SearchCriteria) -> bytes:
    """The results file of a search, for the download button: the rows the list shows, all of them."""
    return results_csv(rows(specialists.table, searched(specialists, criteria), columns=_EXPORTED_FROM_LIST))


def results_csv(results: pd.DataFrame) -> bytes:
    """The results as a spreadsheet-safe CSV with readable column names."""
    return spreadsheet_csv_bytes(results.reindex(columns=list(EXPORT_COLUMNS)).rename(columns=EXPORT_COLUMNS).round(1))


@st.cache_resource(max_entries=MAP_CACHE_ENTRIES, show_spinner=False, hash_funcs=CHEAP_KEYS)  # a str: never copied
def map_page(data_version: str, criteria: SearchCriteria, _table: pd.DataFrame, _found: Found) -> str:
    """The map's whole HTML page, built once per search and list: a rerun with the same search reuses it.

    The rows found follow from the list and the criteria, so those two are the key (`_table` and
    `_found` are not hashed: hashing thousands of rows on every run would cost what the cache saves).
    `data_version` is the list's content fingerprint, so an edited list never gets an old map.
    """
    from finder.mapping import MAP_COLUMNS, build_map  # folium's import (0.2-0.5 s) waits for the first map

    shown = rows(_table, _found, columns=MAP_COLUMNS)
    return build_map(shown, (criteria.lat, criteria.lon), criteria.radius_miles).get_root().render()


def results_map(specialists: SpecialistList, criteria: SearchCriteria, found: Found, place: str) -> None:
    """The map in its own frame, titled for screen readers; pan and zoom stay in the browser (no reruns)."""
    title = f"Map of {counted(len(found), 'specialist')} near {place}"
    st.iframe(map_page(specialists.version, criteria, specialists.table, found), height=MAP_HEIGHT, alt=title)


def find_place(text: str) -> tuple[Location | None, LocationError | None]:
    """The place a patient typed, or why it could not be found (shown by `place_problem`)."""
    if not text:
        return None, None
    try:
        return app_data.locate(text), None
    except LocationError as problem:
        return None, problem


def place_problem(problem: LocationError, request: SearchRequest) -> None:
    """Why the search could not run: a choice of places for an ambiguous name, else what was wrong."""
    if isinstance(problem, AmbiguousLocation):
        which_place(problem, request)
    else:
        st.error(escape_markdown(problem), icon=":material/location_on:")  # it may quote the location from the link
    # The box stays open below: the patient retypes at once, or tabs back to a place offered above.
    accessibility.focus_field(LOCATION_LABEL)


def approximate_place(where: Location) -> None:
    """Say so when a street address could only be placed at its city or ZIP."""
    if where.approximate:
        st.warning(
            f"We could not look up the exact address, so we searched around {escape_markdown(where.label)}.",
            icon=":material/location_on:",
        )


def place_choices(labels: tuple[str, ...], request: SearchRequest, key: str) -> None:
    """One button per place: the same search at that place, so the patient taps instead of retyping.

    Buttons, not page links, as for the filter chips: a link to the page already shown leaves the old
    address in the browser, so a bookmark or a shared link would ask again or show another place.
    """
    for number, label in enumerate(labels):
        st.button(
            label,
            icon=":material/location_on:",
            key=f"{key}-{number}",
            on_click=_start,
            args=(replace(request, location=label),),
        )


def which_place(problem: AmbiguousLocation, request: SearchRequest) -> None:
    """A city name several states share: ask which one, biggest first, instead of guessing."""
    st.warning(escape_markdown(problem), icon=":material/location_on:")
    place_choices(problem.choices, request, key="which-place")


def other_places(where: Location, request: SearchRequest) -> None:
    """Say which of several same-named cities was searched, and offer the others."""
    if where.alternatives:
        st.info(
            f"Showing {escape_markdown(where.label)}. Did you mean another place with this name?",
            icon=":material/location_on:",
        )
        with st.expander("Other places with this name"):
            place_choices(where.alternatives, request, key="other-place")


#: The key of the row of filter chips, and the prefix of each chip's key (their CSS classes: `st-key-…`).
CHIPS_KEY = "filter-chips"
CHIP_KEY = "remove-filter-"
#: Said by a screen reader before each chip's words, hidden on screen (chips stay short enough for two a line).
CHIP_PREFIX = "Remove filter:"
#: Chips flow tightly, two or more to a line on a phone, so four filters do not push the first result off the
#: first screen; each stays a 44-pixel target. The prefix is in an <em> (the only markup a button label takes),
#: clipped rather than hidden, so it stays part of the button's accessible name.
CHIP_STYLE = f"""<style>
.st-key-{CHIPS_KEY} {{ gap: 0.5rem; }}
[class*="st-key-{CHIP_KEY}"] button {{ min-height: 44px; padding: 0 12px; }}
[class*="st-key-{CHIP_KEY}"] button em {{
    position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap;
}}
</style>"""


def chip_label(words: str) -> str:
    """A filter chip's label: the filter's words on screen, read out as "Remove filter: <words>"."""
    return f"*{CHIP_PREFIX}* {echo(words)}"


def removable_filters(request: SearchRequest) -> None:
    """The active filters as buttons that each rerun the search without that filter: one tap, no form.

    Buttons, not page links: a link back to the same page redraws it but leaves the old address in the
    browser, so a reload or a shared link would bring the removed filter back.
    """
    filters = request.active_filters()
    if not filters:
        return
    st.html(CHIP_STYLE)
    st.caption("Filters in use (tap ✕ to remove one):")
    with st.container(horizontal=True, key=CHIPS_KEY):
        for number, (words, without) in enumerate(filters):  # the icon is hidden from screen readers
            st.button(
                chip_label(words), icon=":material/close:", key=f"{CHIP_KEY}{number}", on_click=_start, args=(without,)
            )


def _count_line(count: int, request: SearchRequest, place: str) -> str:
    """How many were found, where, and with which filters, so the number explains itself."""
    filters = [echo(words) for words, _ in request.active_filters()]
    matching = f" who match: {', '.join(filters)}" if filters else ""
    return f"{counted(count, 'specialist')} within {request.radius_miles} miles of {place}{matching}. Nearest first."


def _focus_results_heading() -> None:
    """After Search, move keyboard and screen-reader focus to the results heading (Streamlit has no API).

    Streamlit keeps an element whose text did not change, and then its script does not run again, so
    each search's script carries the number of searches so far.
    """
    if not st.session_state.pop(FOCUS_KEY, False):
        return
    st.html(
        f"""<script data-search="{st.session_state.get(SEARCHES_KEY, 0)}">
        (function focusResults(tries) {{
            var heading = document.getElementById("{RESULTS_HEADING_ID}");
            if (heading) {{ heading.focus(); return; }}
            if (tries < 100) {{ setTimeout(function () {{ focusResults(tries + 1); }}, 50); }}
        }})(0);
        </script>""",
        unsafe_allow_javascript=True,
    )


def search_results(
    request: SearchRequest, where: Location, specialists: SpecialistList, library: ConditionLibrary
) -> None:
    """The search around `where` and its outcome: a heading, the count (a polite live region), a List / Map
    switch, then the list, beside the map on wide screens."""
    criteria = request.criteria(where, library, specialists.offers_gender)
    found = searched(specialists, criteria)
    st.html(f'{RESULTS_STYLE}<h2 id="{RESULTS_HEADING_ID}" tabindex="-1">Results</h2>')
    _focus_results_heading()
    place = escape_markdown(where.label)
    if not found.within_radius:
        st.warning(f"No matching specialists within {request.radius_miles} miles of {place}.", icon=":material/search:")
        if not len(found):
            st.markdown("No specialist in our list matches these filters. Try fewer filters.")
            return
        st.markdown(nearest_outside(found.distances[0], found.distances[-1], len(found)))
    else:
        st.success(_count_line(len(found), request, place), icon=":material/check_circle:")
    view = st.segmented_control(
        "Show the results as", [LIST_VIEW, MAP_VIEW], default=LIST_VIEW, required=True, key=VIEW_KEY
    )
    state_key = f"shown-{hash(request)}"
    if view == MAP_VIEW:
        results_map(specialists, criteria, found, where.label)
        return
    listing, beside = st.columns([1, 1], gap="medium")
    with listing:
        result_list(specialists, criteria, state_key)
    with beside, st.container(key=MAP_BESIDE_LIST_KEY):
        results_map(specialists, criteria, found, where.label)
