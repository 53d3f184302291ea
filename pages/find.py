"""Find a specialist: the search form, the results list and the map.

The search lives in the URL (st.query_params), so every search can be bookmarked or shared.
"""

import streamlit as st

from finder import app_data, limits, results_ui, ui, vocabulary
from finder.search import RADIUS_CHOICES_MILES, search
from finder.search_request import GENDERS, SearchRequest, from_query_params

ui.page_setup("Find a specialist")
specialists = app_data.specialist_list()
library = app_data.condition_library()
request, notes = from_query_params(st.query_params.to_dict(), library)

st.title("Find a neurology specialist")
for note in notes:  # Markdown with every value from the link already escaped
    st.info(note)

where, place_problem = results_ui.find_place(request.location)
conditions = {c.slug: c.title for c in library.alphabetical()}
# With a search in the URL (a shared link, or after Search) the results matter most, so on a
# phone the form folds away into one line that says what was searched; it stays open when there is
# nothing to search yet or the place could not be found, so the patient can retype at once.
with st.expander(results_ui.search_summary(request, library), expanded=where is None), st.form("search"):
    location = st.text_input(
        "ZIP code, city and state, or street address",
        value=request.location,
        placeholder="for example 60614, or Denver, CO",
        max_chars=limits.MAX_TEXT_LENGTH,
    )
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
    name = right.text_input("Name contains (optional)", value=request.name, max_chars=limits.MAX_NAME_LENGTH)
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
        results_ui.submit(
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

st.caption(specialists.notice)
if specialists.table.empty:
    results_ui.list_unavailable()
    st.stop()
results_ui.treated_by(library.get(request.condition))
if not request.location:
    st.markdown("Enter where you are to see the nearest specialists, sorted by distance.")
    st.stop()
results_ui.removable_filters(request)
if where is None:
    results_ui.place_problem(place_problem, request)
    st.stop()
results_ui.other_places(where, request)
results_ui.approximate_place(where)

criteria = request.criteria(where, library, specialists.offers_gender)
results_ui.search_results(search(specialists.table, criteria), where, request, criteria, specialists.version)
