"""Learn about conditions: the index (search by name or symptom, A to Z) and each condition's page.

`?condition=myoclonus` shows one page and `?q=jerks` a symptom search, so both can be shared.
"""

import streamlit as st

from finder import app_data, ui
from finder.limits import MAX_TEXT_LENGTH
from finder.safety import escape_markdown

#: The symptom search's URL parameter, which is also the search box's key.
QUERY_PARAM = "q"

library = app_data.condition_library()
slug = st.query_params.get("condition", "")
condition = library.get(slug)
ui.page_setup(condition.title if condition else "Learn about conditions")  # the browser tab names the page shown

if condition:
    # A page link that only changes ?condition= does not update the address bar (Streamlit 1.67); one
    # write of the parameters does, so the page can be reloaded, bookmarked and shared. The browser adds
    # a history entry only when the address changes, so a page opened from a link adds none and Back works
    # (clearing first added an entry for the bare index, where Back from the next page then landed).
    st.query_params.from_dict({"condition": slug})
    ui.condition_page(condition, library)
    st.stop()

st.title("Learn about conditions")
if slug:
    st.warning("We do not have a page for that condition yet. Here is everything we do have.")
ui.disclaimer()
# The box and the link's ?q= are one (Streamlit's binding): a shared link fills the box, each search updates the
# address, and Back from a condition page shows the search again, in the box too. (Passing ?q= as the box's
# value made every change a new widget, so every second search was lost; copying it into the box's state
# once left the box empty on Back, since the state went when the box was not shown.)
query = st.text_input(
    "Search by condition or symptom",
    key=QUERY_PARAM,
    bind="query-params",
    placeholder="for example: jerks, shaking, seizure, memory loss",
    max_chars=MAX_TEXT_LENGTH,
)
if query and query.strip():
    found = library.search(query)
    if found:
        st.markdown(f"Conditions that match “{escape_markdown(query)}”:")
        for match in found:
            ui.condition_summary(match)
    else:
        st.markdown(f"Nothing matches “{escape_markdown(query)}”. Try another word, or browse the list below.")

st.header("All conditions, A to Z")
for letter, group in ui.by_first_letter(library.alphabetical()).items():
    st.markdown(f"**{letter}**")
    for each in group:
        ui.condition_summary(each)

if library.problems:
    with st.expander("Notes for staff: some condition files have problems"):
        for problem in library.problems:
            st.markdown(f"- {escape_markdown(problem)}")
