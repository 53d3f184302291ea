"""NeuroFinder's home page and entry point: `streamlit run app.py`.

The other pages are the files in pages/ (Streamlit's pages-directory convention, which
gives each page a stable, shareable URL: /find, /conditions, /manage). The home page gets a
worried patient moving at once: a location box that goes straight to results, and a
symptom box for those who do not know which specialist they need.
"""

import streamlit as st

from finder import accessibility, app_data, ui
from finder.limits import MAX_TEXT_LENGTH

WHERE_LABEL = "Where are you? ZIP code, city and state, or street address"
SYMPTOM_LABEL = "Not sure what to search for? Describe what is happening"

ui.page_setup("Home")
st.title("NeuroFinder")  # the brain emoji stays in the tab icon: in the heading a screen reader would read it out
# A tagline, not a section: a heading here would skip from level 1 to level 4.
st.markdown("**Find a neurology specialist near you, and understand what you are going through.**")
st.caption(
    "NeuroFinder gives general information, not medical advice. "
    "**In an emergency, call 911 (or your local emergency number).**"
)

with st.form("quick-search"):
    where = st.text_input(
        WHERE_LABEL,
        placeholder="for example 60614, or Denver, CO",
    )  # no max_chars: a longer paste would vanish without a word; the search says it is too long
    if st.form_submit_button("Find specialists near me", type="primary"):
        if where.strip():
            ui.open_search({"location": where.strip()})
        st.warning(
            "Type where you are first: a ZIP code like 60614, or a city and state like Denver, CO.",
            icon=":material/location_on:",
        )
        accessibility.focus_field(WHERE_LABEL)  # so the patient can type at once

with st.form("symptom"):
    symptom = st.text_input(
        SYMPTOM_LABEL,
        placeholder="for example: my arm jerks",
        max_chars=MAX_TEXT_LENGTH,
    )
    if st.form_submit_button("Look it up"):
        if symptom.strip():
            st.switch_page(ui.CONDITIONS_PAGE, query_params={"q": symptom.strip()})
        st.warning("Type what is happening first, for example “my hand shakes” or “dizzy”.", icon=":material/chat:")
        accessibility.focus_field(SYMPTOM_LABEL)

find, learn = st.columns(2)
with find, st.container(border=True):
    st.markdown("**More search options**  \nFilter by the kind of care, language, telehealth and more.")
    st.page_link(ui.FIND_PAGE, label="Find a specialist", icon=":material/search:")
with learn, st.container(border=True):
    st.markdown("**Learn about conditions**  \nPlain-language pages on myoclonus, epilepsy, Parkinson's and more.")
    st.page_link(ui.CONDITIONS_PAGE, label="Learn about conditions", icon=":material/menu_book:")

st.caption(app_data.specialist_list().notice)  # where the list comes from, or that it is sample data
