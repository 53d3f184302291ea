"""Streamlit building blocks shared by the pages: page setup and the menu, condition pages.

The find page's results have their own module, finder.results_ui.

Everything staff or patients typed is escaped here before it reaches Markdown or HTML.
"""

from __future__ import annotations

from typing import NoReturn
from urllib.parse import quote

import streamlit as st

from finder import accessibility
from finder.conditions import EMERGENCY_HEADING, Condition, ConditionLibrary, render_body, split_emergency
from finder.safety import escape_markdown, markdown_link

HOME_PAGE = "app.py"
FIND_PAGE = "pages/find.py"
CONDITIONS_PAGE = "pages/conditions.py"
MANAGE_PAGE = "pages/manage.py"
#: The menu: (page file, label, icon). Streamlit's own file-name menu is switched off in config.toml.
#: Material icons, not emoji: Streamlit hides them from screen readers, which would read an emoji out
#: as part of each link's name ("house Home").
MENU: tuple[tuple[str, str, str], ...] = (
    (HOME_PAGE, "Home", ":material/home:"),
    (FIND_PAGE, "Find a specialist", ":material/search:"),
    (CONDITIONS_PAGE, "Learn about conditions", ":material/menu_book:"),
    (MANAGE_PAGE, "Manage data (staff)", ":material/table_edit:"),
)
#: Set for the next run of the find page only: move focus to the results heading once they are drawn.
FOCUS_KEY = "focus-results-after-search"
#: Searches so far in this session: each focus script differs from the last, or the browser would not run it again.
SEARCHES_KEY = "searches-in-this-session"
DISCLAIMER = (
    "This information is for general education and is not medical advice. It cannot diagnose you or "
    "replace a visit with a doctor who knows your health. **If you think you are having a medical "
    "emergency, call 911 (or your local emergency number).**"
)


#: The browser tab's icon: the brain emoji drawn by the browser itself, as Streamlit draws an emoji icon, but
#: written as an ASCII data: address. Given the emoji, Streamlit loads its catalogue of every emoji to check it
#: (~50 ms of each server's first page); given a Material Symbol, each browser fetches the icon from Google.
PAGE_ICON = "data:image/svg+xml," + quote(
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'><text y='.9em' font-size='90'>🧠</text></svg>"
)


def page_setup(title: str) -> None:
    """Every page's first call: browser-tab title, wide layout, the menu with readable names, and the
    fixes for links and the map frame (finder.accessibility)."""
    st.set_page_config(page_title=f"{title} · NeuroFinder", page_icon=PAGE_ICON, layout="wide")
    with st.sidebar:
        for page, label, icon in MENU:
            st.page_link(page, label=label, icon=icon)
        accessibility.fix_links()


def new_search() -> None:
    """Note that the next find page run draws a new search, so keyboard focus moves to its results."""
    st.session_state[SEARCHES_KEY] = st.session_state.get(SEARCHES_KEY, 0) + 1
    st.session_state[FOCUS_KEY] = True


def open_search(query_params: dict[str, str]) -> NoReturn:
    """Go to the find page with this search (from the home page's box), focus on its results."""
    new_search()
    st.switch_page(FIND_PAGE, query_params=query_params)


def condition_href(slug: str) -> str:
    """Relative link to a condition page, usable inside Markdown text."""
    return f"conditions?condition={slug}"


def disclaimer() -> None:
    st.info(DISCLAIMER, icon=":material/info:")


def find_specialist_link(condition: Condition, label: str) -> None:
    """A link to the search with the condition's subspecialties chosen. A page's two such links are worded
    apart: in a screen reader's list of links, two identical names read as a mistake (WCAG 2.4.4)."""
    st.page_link(
        FIND_PAGE,
        label=label,
        icon=":material/search:",
        query_params={"condition": condition.slug, "sub": ",".join(condition.subspecialties)},
    )


def find_specialist_box(condition: Condition) -> None:
    """The page's main action, boxed so it stands out, with the kinds of specialist who treat the condition."""
    with st.container(border=True):
        st.markdown(f"**Looking for a specialist near you?** {condition.title} is usually treated by specialists in:")
        st.markdown(", ".join(condition.subspecialty_labels))
        find_specialist_link(condition, f"Find a specialist for {condition.title}")


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
    st.error(f"**{EMERGENCY_HEADING}**\n\n{red_flags}", icon=":material/e911_emergency:")


def condition_page(condition: Condition, library: ConditionLibrary) -> None:
    """A whole condition page: red flags first, then the finder action, the text, related pages and sources."""
    intro, red_flags, rest = split_emergency(render_body(condition, library, condition_href))
    st.title(condition.title)
    st.markdown(f"*{condition.summary}*")
    st.caption(escape_markdown(condition.review_badge))
    if red_flags:
        emergency_box(red_flags)
    disclaimer()
    find_specialist_box(condition)
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
    find_specialist_link(condition, f"Done reading? Search near you for specialists who treat {condition.title}")
