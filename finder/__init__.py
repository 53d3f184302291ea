"""NeuroFinder's logic: loading and checking the specialists list, placing locations, searching,
drawing the map and serving the condition library.

Everything outside the few rendering modules (ui, staff_ui, app_data, settings) is plain Python
with no Streamlit, so it can be tested and used from the command line (`python -m finder`).
"""
