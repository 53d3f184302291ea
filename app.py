"""NeuroFinder: find a neurology specialist near you, and learn about neurological conditions.

Run with `streamlit run app.py`. This file only sets up the page and the navigation; each
page lives in pages/ and the logic in the finder package.
"""

import streamlit as st

st.set_page_config(page_title="NeuroFinder", page_icon="🧠", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon="🏠", default=True),
        st.Page("pages/find_specialist.py", title="Find a specialist", icon="🔎", url_path="find"),
        st.Page("pages/conditions.py", title="Learn about conditions", icon="📖", url_path="conditions"),
    ]
)
navigation.run()
