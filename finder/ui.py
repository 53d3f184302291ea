"""Streamlit building blocks shared by the pages: result cards, the results map, condition pages.

Everything staff or patients typed is escaped here before it reaches Markdown or HTML.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from finder import accessibility, npi
from finder.conditions import EMERGENCY_HEADING, Condition, ConditionLibrary, render_body, split_emergency
from finder.csv_write import spreadsheet_csv_bytes
from finder.location import AmbiguousLocation
from finder.mapping import build_map
from finder.places import Location
from finder.safety import directions_url, escape_markdown, markdown_link, safe_url, tel_url
from finder.search import SearchResult
from finder.search_request import SearchRequest, echo

HOME_PAGE = "app.py"
FIND_PAGE = "pages/find.py"
CONDITIONS_PAGE = "pages/conditions.py"
MANAGE_PAGE = "pages/manage.py"
#: The menu: (page file, label, icon). Streamlit's own file-name menu is switched off in config.toml.
MENU: tuple[tuple[str, str, str], ...] = (
    (HOME_PAGE, "Home", "🏠"),
    (FIND_PAGE, "Find a specialist", "🔎"),
    (CONDITIONS_PAGE, "Learn about conditions", "📖"),
    (MANAGE_PAGE, "Manage data (staff)", "🗂️"),
)
#: Result cards shown at first and added by each "Show more".
PAGE_SIZE = 20
MAP_HEIGHT = 480
DISCLAIMER = (
    "This information is for general education and is not medical advice. It cannot diagnose you or "
    "replace a visit with a doctor who knows your health. **If you think you are having a medical "
    "emergency, call 911 (or your local emergency number).**"
)
EXPORT_COLUMNS = {
    "name": "Name",
    "credentials": "Credentials",
    "subspecialty_labels": "Subspecialties",
    "clinic": "Clinic",
    "address": "Address",
    "city": "City",
    "state": "State",
    "zip": "ZIP",
    "phone": "Phone",
    "distance_miles": "Miles away",
    "website": "Website",
}


def page_setup(title: str) -> None:
    """Every page's first call: browser-tab title, wide layout, the menu with readable names, and the
    fixes for links and the map frame (finder.accessibility)."""
    st.set_page_config(page_title=f"{title} · NeuroFinder", page_icon="🧠", layout="wide")
    with st.sidebar:
        for page, label, icon in MENU:
            st.page_link(page, label=label, icon=icon)
        accessibility.fix_links_and_frames()


def condition_href(slug: str) -> str:
    """Relative link to a condition page, usable inside Markdown text."""
    return f"conditions?condition={slug}"


def specialist_card(specialist: pd.Series) -> None:
    """One result: who, what they treat, where, and one-tap call and directions."""
    with st.container(border=True):
        name = f"**{escape_markdown(specialist['name'])}**"
        if specialist["credentials"]:
            name += f", {escape_markdown(specialist['credentials'])}"
        st.markdown(f"{name}  \n{escape_markdown(specialist['subspecialty_labels'])}")
        address = f"{specialist['address']}, {specialist['city']}, {specialist['state']} {specialist['zip']}"
        clinic = f"{escape_markdown(specialist['clinic'])}  \n" if specialist["clinic"] else ""
        st.markdown(f"{clinic}{escape_markdown(address)}")
        links = [
            "📞 " + markdown_link(specialist["phone"], tel_url(specialist["phone_digits"])),
            "🧭 " + markdown_link("Directions", directions_url(specialist["latitude"], specialist["longitude"])),
        ]
        if website := safe_url(specialist["website"]):
            links.append("🌐 " + markdown_link("Website", website))
        if npi.is_valid(specialist["npi"]):  # the public listing, so a patient can check who this is
            links.append("🪪 " + markdown_link("NPI Registry", npi.registry_url(specialist["npi"])))
        st.markdown(" · ".join(links))
        st.caption(" · ".join(_facts(specialist)))


def _facts(specialist: pd.Series) -> list[str]:
    facts = [f"{specialist['distance_miles']:.1f} miles away"] if "distance_miles" in specialist else []
    accepting = specialist["accepting_new_patients"]
    if not pd.isna(accepting):
        facts.append("Accepting new patients" if accepting else "Not accepting new patients")
    telehealth = specialist["telehealth"]
    if not pd.isna(telehealth) and telehealth:
        facts.append("Offers video visits")
    if specialist["languages"]:
        facts.append("Speaks " + escape_markdown(specialist["languages"].replace(";", ",")))
    return facts


@st.fragment
def result_list(results: pd.DataFrame, state_key: str) -> None:
    """Cards for the nearest results, "Show more" in steps, and a CSV download of all of them.

    A fragment: "Show more" reruns only this list, not the map or the search beside it.
    """
    shown = st.session_state.get(state_key, PAGE_SIZE)
    for _, specialist in results.head(shown).iterrows():
        specialist_card(specialist)
    if (remaining := len(results) - shown) > 0:
        st.button(
            f"Show {min(PAGE_SIZE, remaining)} more ({remaining} not shown yet)",
            key=f"{state_key}-more",
            on_click=st.session_state.__setitem__,
            args=(state_key, shown + PAGE_SIZE),
        )
    st.download_button(
        "Download this list (CSV)",
        partial(results_csv, results),  # made when tapped, not on every page run (~100 ms for 8,000 results)
        file_name="neurology-specialists.csv",
        mime="text/csv",
        key=f"{state_key}-download",
        on_click="ignore",
    )


def results_csv(results: pd.DataFrame) -> bytes:
    """The results as a spreadsheet-safe CSV with readable column names."""
    return spreadsheet_csv_bytes(results.reindex(columns=list(EXPORT_COLUMNS)).rename(columns=EXPORT_COLUMNS).round(1))


def results_map(results: pd.DataFrame, where: Location, radius_miles: float) -> None:
    """The folium map; returned_objects=[] keeps pan and zoom from re-running the page."""
    fmap = build_map(results, (where.lat, where.lon), radius_miles)
    st_folium(fmap, height=MAP_HEIGHT, use_container_width=True, returned_objects=[], key="results-map")


def place_links(labels: tuple[str, ...], request: SearchRequest) -> None:
    """One link per place: the same search at that place, so the patient taps instead of retyping."""
    for label in labels:
        params = replace(request, location=label).to_query_params()
        st.page_link(FIND_PAGE, label=label, icon="📍", query_params=params)


def which_place(problem: AmbiguousLocation, request: SearchRequest) -> None:
    """A city name several states share: ask which one, biggest first, instead of guessing."""
    st.warning(escape_markdown(problem), icon="📍")
    place_links(problem.choices, request)


def other_places(where: Location, request: SearchRequest) -> None:
    """Say which of several same-named cities was searched, and offer the others."""
    if where.alternatives:
        st.info(f"Showing {escape_markdown(where.label)}. Did you mean another place with this name?", icon="📍")
        with st.expander("Other places with this name"):
            place_links(where.alternatives, request)


def search_summary(request: SearchRequest, library: ConditionLibrary) -> str:
    """One line saying what was searched, every filter included, for the folded search form's label
    (Markdown, each part shortened and escaped: the location may come from a link anyone wrote)."""
    if not request.location:
        return "Search"
    condition = library.get(request.condition)
    parts = [
        request.location,
        f"{request.radius_miles} miles",
        condition.title if condition else "",
        *(words for words, _ in request.active_filters()),
    ]
    return "Change search: " + " · ".join(echo(part) for part in parts if part)


def removable_filters(request: SearchRequest) -> None:
    """The active filters as links that each rerun the search without that filter: one tap, no form."""
    filters = request.active_filters()
    if not filters:
        return
    st.caption("Filters in use (tap one to remove it):")
    with st.container(horizontal=True):
        for words, without in filters:
            st.page_link(FIND_PAGE, label=f"✕ {echo(words)}", query_params=without.to_query_params())


def search_results(result: SearchResult, where: Location, request: SearchRequest, state_key: str) -> None:
    """The outcome of a search: a one-line summary, then the list beside the map (stacked on phones)."""
    place = escape_markdown(where.label)
    if result.matches.empty:
        st.warning(f"No matching specialists within {request.radius_miles} miles of {place}.", icon="🔍")
        if result.nearest_outside.empty:
            st.markdown("No specialist in our list matches these filters. Try fewer filters.")
            return
        st.markdown("These are the nearest ones that match, a little farther away:")
        shown = result.nearest_outside
    else:
        count = len(result.matches)
        noun = "specialist" if count == 1 else "specialists"
        st.success(f"{count} {noun} within {request.radius_miles} miles of {place}, nearest first.", icon="✅")
        shown = result.matches
    listing, mapped = st.columns([1, 1], gap="medium")
    with mapped:
        results_map(shown, where, request.radius_miles)
    with listing:
        result_list(shown, state_key)


def disclaimer() -> None:
    st.info(DISCLAIMER, icon="ℹ️")


def find_specialist_link(condition: Condition) -> None:
    """The page's main action, boxed so it stands out: the search with the condition's subspecialties chosen."""
    with st.container(border=True):
        st.markdown(f"**Looking for a specialist near you?** {condition.title} is usually treated by specialists in:")
        st.markdown(", ".join(condition.subspecialty_labels))
        st.page_link(
            FIND_PAGE,
            label=f"Find a specialist for {condition.title}",
            icon="🔎",
            query_params={"condition": condition.slug, "sub": ",".join(condition.subspecialties)},
        )


def condition_summary(condition: Condition) -> None:
    """One line of the index: the page link and its one-sentence summary."""
    st.page_link(CONDITIONS_PAGE, label=condition.title, query_params={"condition": condition.slug})
    st.caption(condition.summary)


def by_first_letter(conditions: list[Condition]) -> dict[str, list[Condition]]:
    """Group an alphabetical list under its first letters, for browsing A to Z."""
    groups: dict[str, list[Condition]] = {}
    for condition in conditions:
        groups.setdefault(condition.title[0].upper(), []).append(condition)
    return groups


def emergency_box(red_flags: str) -> None:
    """The page's red flags in a red box near the top, so nobody has to read past the basics to find them."""
    st.error(f"**{EMERGENCY_HEADING}**\n\n{red_flags}", icon="🚨")


def condition_page(condition: Condition, library: ConditionLibrary) -> None:
    """A whole condition page: red flags first, then the finder action, the text, related pages and sources."""
    intro, red_flags, rest = split_emergency(render_body(condition, library, condition_href))
    st.title(condition.title)
    st.markdown(f"*{condition.summary}*")
    st.caption(escape_markdown(condition.review_badge))
    if red_flags:
        emergency_box(red_flags)
    disclaimer()
    find_specialist_link(condition)
    for text in (intro, rest):
        if text:
            st.markdown(text)
    if related := [library.get(slug) for slug in condition.related]:
        st.header("Related conditions")
        for other in related:
            if other:
                st.page_link(CONDITIONS_PAGE, label=other.title, query_params={"condition": other.slug})
    st.header("Sources")
    st.markdown(
        "\n".join(f"- {markdown_link(s.title, str(s.url))}, {escape_markdown(s.publisher)}" for s in condition.sources)
    )
    st.caption(escape_markdown(condition.review_status))
    find_specialist_link(condition)
