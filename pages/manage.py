"""Manage data (staff only): check a new specialists list, fill map positions, compare, download.

Locked until the password in Streamlit secrets ([manage] password) is given.
"""

import streamlit as st

from finder import app_data, staff_ui, ui
from finder.compare import compare_lists, large_removal
from finder.csv_io import MAX_FILE_BYTES
from finder.settings import load_settings

ui.page_setup("Manage data")
st.title("Manage the specialists list")
settings = load_settings()
if not staff_ui.unlocked(settings.manage_password):
    st.stop()

current = app_data.specialist_list()
staff_ui.current_list_status(current)

st.header("Check a new list")
st.markdown(
    "Not sure what a column should hold? The staff guide explains each one "
    "(ask whoever looks after the app, or open docs/staff-guide.md in the project)."
)
upload = st.file_uploader(
    "Upload a specialists list saved as CSV UTF-8",
    type=["csv"],
    max_upload_size=MAX_FILE_BYTES // (1024 * 1024),
)
if upload is None:
    st.stop()

data = staff_ui.working_file(upload)
report, table = staff_ui.check(data)
changes = compare_lists(current.report.specialists, report.specialists)
removal = large_removal(changes)
staff_ui.large_removal_alert(removal)
staff_ui.validation_summary(report)
staff_ui.fill_coordinates(data, table, settings)
staff_ui.preview(report)
if report.specialists.empty:
    st.stop()
staff_ui.comparison(changes)
staff_ui.download_checked(table, report, removal, upload.file_id)
