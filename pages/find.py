"""Find a specialist: the search form, the results list and the map.

The search lives in the URL (st.query_params), so every search can be bookmarked or shared.
"""

import streamlit as st

from finder import app_data, ui, vocabulary
from finder.location import AmbiguousLocation, LocationError
from finder.places import Location
from finder.safety import escape_markdown
from finder.search import RADIUS_CHOICES_MILES, SearchCriteria, search
from finder.search_request import GENDERS, SearchRequest, from_query_params

ui.page_setup("Find a specialist")
specialists = app_data.specialist_list()
library = app_data.condition_library()
request, notes = from_query_params(st.query_params.to_dict(), library)

st.title("Find a neurology specialist")
for note in notes:  # Markdown with every value from the link already escaped
    st.info(note)

where: Location | None = None
place_problem: LocationError | None = None
if request.location:
    try:
        where = app_data.locate(request.location)
    except LocationError as problem:
        place_problem = problem

conditions = {c.slug: c.title for c in library.alphabetical()}
# With a search in the URL (a shared link, or after Search) the results matter most, so on a
# phone the form folds away into one line that says what was searched; it stays open when there is
# nothing to search yet or the place could not be found, so the patient can retype at once.
with st.expander(ui.search_summary(request, library), expanded=where is None), st.form("search"):
    location = st.text_input(
        "ZIP code, city and state, or street address",
        value=request.location,
        placeholder="for example 60614, or Denver, CO",
        max_chars=200,
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
    name = right.text_input("Name contains (optional)", value=request.name, max_chars=100)
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
        request = SearchRequest(
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
        st.query_params.from_dict(request.to_query_params())
        st.rerun()  # draw the page from the URL, with the form folded above the results

st.caption(specialists.notice)
if specialists.report.specialists.empty:
    st.error(
        "We are sorry: the list of specialists is not available right now. Please try again later, "
        "or call your doctor's office for a referral.",
        icon="🛠️",
    )
    st.stop()
if chosen := library.get(request.condition):
    st.markdown(
        f"**{escape_markdown(chosen.title)}** is usually treated by: {', '.join(chosen.subspecialty_labels)}. "
        f"[Read about {escape_markdown(chosen.title)}]({ui.condition_href(chosen.slug)})"
    )
if not request.location:
    st.markdown("Enter where you are to see the nearest specialists, sorted by distance.")
    st.stop()
ui.removable_filters(request)

if isinstance(place_problem, AmbiguousLocation):
    ui.which_place(place_problem, request)
    st.stop()
if where is None:
    st.error(escape_markdown(place_problem), icon="📍")  # it may quote the location from the link
    st.stop()
ui.other_places(where, request)
if where.approximate:
    st.warning(
        f"We could not look up the exact address, so we searched around {escape_markdown(where.label)}.", icon="📍"
    )

wanted = request.subspecialties_for(library)
criteria = SearchCriteria(
    lat=where.lat,
    lon=where.lon,
    radius_miles=request.radius_miles,
    subspecialties=wanted,
    accepting_new_patients=request.accepting_new_patients,
    telehealth=request.telehealth,
    language=request.language,
    name_contains=request.name,
    gender=request.gender if specialists.offers_gender else "",
)
result = search(specialists.report.specialists, criteria)
ui.search_results(result, where, request, state_key=f"shown-{hash(request)}")
