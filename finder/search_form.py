"""The find page's search form, folded into one line that says what was searched once there are results.

With a search in the URL (a shared link, or after Search) the results matter most, so on a phone the
form folds away; it stays open when there is nothing to search yet or the place could not be found,
so the patient can retype at once.
"""

from __future__ import annotations

import streamlit as st

from finder import vocabulary
from finder.app_data import SpecialistList
from finder.conditions import ConditionLibrary
from finder.limits import MAX_NAME_LENGTH
from finder.results_ui import LOCATION_LABEL, submit
from finder.search import RADIUS_CHOICES_MILES
from finder.search_request import GENDERS, SearchRequest, echo


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


def search_form(request: SearchRequest, specialists: SpecialistList, library: ConditionLibrary, expanded: bool) -> None:
    """Where, how far, what for and the filters; Search puts the new search in the URL and shows it."""
    conditions = {c.slug: c.title for c in library.alphabetical()}
    with st.expander(search_summary(request, library), expanded=expanded), st.form("search"):
        location = st.text_input(
            LOCATION_LABEL,
            value=request.location,
            placeholder="for example 60614, or Denver, CO",
        )  # no max_chars: a longer paste would vanish without a word; the search says it is too long
        radius = st.select_slider(
            "How far can you travel?",
            options=RADIUS_CHOICES_MILES,
            value=request.radius_miles,
            format_func=lambda miles: f"{miles} miles",
        )
        condition = st.selectbox(
            "I need help with (optional)",
            options=["", *conditions],
            index=[*conditions].index(request.condition) + 1 if request.condition else 0,
            format_func=lambda slug: conditions.get(slug, "Any condition"),
        )
        subspecialties = st.multiselect(
            "Type of specialist (optional)",
            options=vocabulary.SLUGS,
            default=request.subspecialties,
            format_func=vocabulary.LABELS.__getitem__,
            placeholder="Any neurologist",
        )
        left, right = st.columns(2)
        accepting = left.checkbox("Accepting new patients", value=request.accepting_new_patients)
        telehealth = right.checkbox("Offers video visits (telehealth)", value=request.telehealth)
        languages = ["", *specialists.languages]
        language = left.selectbox(
            "Speaks",
            options=languages,
            index=languages.index(request.language) if request.language in languages else 0,
            format_func=lambda name: name or "Any language",
        )
        name = right.text_input("Name contains (optional)", value=request.name, max_chars=MAX_NAME_LENGTH)
        genders = ["", *GENDERS]
        gender = (
            left.selectbox(
                "Doctor's gender",
                options=genders,
                index=genders.index(request.gender),
                format_func=lambda value: GENDERS.get(value, "Any"),
            )
            if specialists.offers_gender
            else ""
        )
        if st.form_submit_button("Search", type="primary", width="stretch"):
            submit(
                SearchRequest(
                    location=location.strip(),
                    radius_miles=radius,
                    subspecialties=tuple(subspecialties),
                    condition=condition,
                    accepting_new_patients=accepting,
                    telehealth=telehealth,
                    language=language,
                    name=name.strip(),
                    gender=gender,
                )
            )  # draws the page from the URL, with the form folded above the results
