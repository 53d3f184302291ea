"""Find a specialist: the search form, the results list and the map.

The search lives in the URL (st.query_params), so every search can be bookmarked or shared.
"""

import streamlit as st

from finder import app_data, results_ui, ui
from finder.search_form import search_form
from finder.search_request import from_query_params

ui.page_setup("Find a specialist")
specialists = app_data.specialist_list()
library = app_data.condition_library()
request, notes = from_query_params(st.query_params.to_dict(), library)

st.title("Find a neurology specialist")
for note in notes:  # Markdown with every value from the link already escaped
    st.info(note)

where, place_problem = results_ui.find_place(request.location)
if place_problem:  # above the form, so a phone shows it on the first screen
    results_ui.place_problem(place_problem, request)
search_form(request, specialists, library, expanded=where is None)

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
    st.stop()
results_ui.other_places(where, request)
results_ui.approximate_place(where)
results_ui.search_results(request, where, specialists, library)
