"""Streamlit building blocks of the Manage data page, for clinic staff who are not programmers.

The page checks an uploaded list the same way the site reads it, shows what is wrong and
what would change, and hands back a file to commit: Community Cloud does not keep uploads.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from finder.app_data import SpecialistList
from finder.batch_geocode import FileNotUsable, geocode_csv, missing_coordinates
from finder.compare import compare_lists
from finder.csv_io import load_specialists, read_table
from finder.csv_write import source_csv_bytes, spreadsheet_csv_bytes
from finder.geocoding import nominatim
from finder.settings import Settings
from finder.staff_access import password_matches
from finder.validation import ValidationReport

UNLOCKED = "staff-unlocked"
WORKING_FILE = "staff-working-file"
GEOCODE_SUMMARY = "staff-geocode-summary"
GEOCODE_CACHE = Path(tempfile.gettempdir()) / "neurofinder-geocode-cache"
PREVIEW_COLUMNS = {
    "row": st.column_config.NumberColumn("Row", help="Row number in your spreadsheet", format="%d"),
    "id": st.column_config.TextColumn("id"),
    "name": st.column_config.TextColumn("Name"),
    "credentials": st.column_config.TextColumn("Credentials"),
    "subspecialty_labels": st.column_config.TextColumn("Subspecialties", width="large"),
    "clinic": st.column_config.TextColumn("Clinic"),
    "address": st.column_config.TextColumn("Address"),
    "city": st.column_config.TextColumn("City"),
    "state": st.column_config.TextColumn("State"),
    "zip": st.column_config.TextColumn("ZIP"),
    "phone": st.column_config.TextColumn("Phone"),
    "accepting_new_patients": st.column_config.CheckboxColumn("Accepting"),
    "telehealth": st.column_config.CheckboxColumn("Telehealth"),
    "languages": st.column_config.TextColumn("Languages"),
    "website": st.column_config.LinkColumn("Website"),
    "latitude": st.column_config.NumberColumn("Latitude", format="%.4f"),
    "longitude": st.column_config.NumberColumn("Longitude", format="%.4f"),
}
PROBLEM_COLUMNS = {
    "row": st.column_config.NumberColumn("Row", format="%d", help="Row number in your spreadsheet"),
    "column": st.column_config.TextColumn("Column"),
    "severity": st.column_config.TextColumn("Kind", help="error: the row is left out; warning: shown, but check it"),
    "message": st.column_config.TextColumn("What to fix", width="large"),
}


def unlocked(password: str) -> bool:
    """Ask for the staff password; True once this browser session has given the right one."""
    if st.session_state.get(UNLOCKED):
        if st.sidebar.button("Lock the Manage data page"):
            del st.session_state[UNLOCKED]
            st.rerun()
        return True
    if not password:
        st.warning(
            "This page is locked because no staff password has been set. An administrator can set one in "
            "the app's secrets (on Streamlit Community Cloud: App settings › Secrets), like this:\n\n"
            '```toml\n[manage]\npassword = "a long passphrase only staff know"\n```',
            icon="🔒",
        )
        return False
    with st.form("unlock"):
        given = st.text_input("Staff password", type="password")
        if st.form_submit_button("Unlock"):
            if password_matches(given, password):
                st.session_state[UNLOCKED] = True
                st.rerun()
            st.error("That password is not right. Ask the person who looks after the app's settings.")
    return False


def current_list_status(current: SpecialistList) -> None:
    """What patients see now, and anything wrong with it."""
    st.subheader("The list patients see now")
    st.markdown(f"{len(current.report.specialists)} specialists, from {current.source}.")
    if current.staff_warning:
        st.error(current.staff_warning, icon="⚠️")
    if current.report.problems:
        with st.expander(f"{len(current.report.problems)} problems in the current list"):
            problems_table(current.report)


def problems_table(report: ValidationReport) -> None:
    st.dataframe(report.problems_frame(), column_config=PROBLEM_COLUMNS, hide_index=True, width="stretch")


def working_file(upload: UploadedFile) -> bytes:
    """The uploaded bytes, or the version with coordinates filled in once staff asked for that."""
    kept = st.session_state.get(WORKING_FILE)
    if not kept or kept["file_id"] != upload.file_id:
        kept = {"file_id": upload.file_id, "data": upload.getvalue()}
        st.session_state[WORKING_FILE] = kept
    return kept["data"]


@st.cache_data(show_spinner="Checking the file…", max_entries=4)
def check(data: bytes) -> tuple[ValidationReport, pd.DataFrame | None]:
    """The file's check report and its cells as read (None when unreadable), computed once per
    version of the file: every click on the page re-runs it, and a large list takes seconds."""
    table, _ = read_table(data)
    return load_specialists(data), table


def validation_summary(report: ValidationReport) -> None:
    """Counts first, then every problem with its row, column and what to do."""
    st.subheader("Check results")
    read, usable, errors, warnings = st.columns(4)
    read.metric("Rows read", report.rows_read)
    usable.metric("Rows patients will see", len(report.specialists))
    errors.metric("Errors (row left out)", len(report.errors))
    warnings.metric("Warnings (row shown)", len(report.warnings))
    if not report.problems:
        st.success("Every row passed the checks.", icon="✅")
        return
    if any(problem.row is None and problem.severity == "error" for problem in report.errors):
        st.error("This file cannot be used as it is. Fix the problems below and upload it again.", icon="🚫")
    problems_table(report)
    st.download_button(
        "Download this list of problems (CSV)",
        spreadsheet_csv_bytes(report.problems_frame()),
        file_name="specialists-problems.csv",
        mime="text/csv",
    )


def fill_coordinates(data: bytes, table: pd.DataFrame | None, settings: Settings) -> None:
    """Offer to fill blank map positions: ZIP centres at once, street addresses online at 1 a second."""
    if summary := st.session_state.pop(GEOCODE_SUMMARY, None):
        st.info(summary, icon="📍")
    missing = missing_coordinates(table) if table is not None else 0
    if not missing:
        return
    st.subheader("Missing map positions")
    online = "then by street address online (about one a second)" if settings.geocoder_enabled else "only"
    st.markdown(f"{missing} rows have no latitude/longitude. They can be placed by ZIP code first, {online}.")
    if not st.button(f"Fill missing map positions ({missing} rows)"):
        return
    progress = st.progress(0.0, text="Placing rows…")
    geocode = (
        nominatim(settings.geocoder_user_agent, timeout=settings.geocoder_timeout_seconds, max_retries=1)
        if settings.geocoder_enabled
        else None
    )
    try:
        result = geocode_csv(
            data,
            geocode,
            cache_dir=GEOCODE_CACHE,
            on_progress=lambda done, total: progress.progress(done / max(total, 1), text=f"Placed {done} of {total}"),
        )
    except FileNotUsable as error:
        st.error("Nothing was filled in: " + "; ".join(p.message for p in error.problems))
        return
    st.session_state[WORKING_FILE]["data"] = result.csv_bytes()
    st.session_state[GEOCODE_SUMMARY] = (
        f"Placed {result.filled_from_zip} rows by ZIP code and {result.filled_from_address} by street address; "
        f"{len(result.unplaced)} could not be placed"
        + "".join(f"\n- row {row}: {reason}" for row, reason in result.unplaced)
    )
    st.rerun()


def preview(report: ValidationReport) -> None:
    """The usable rows as a table and on a map."""
    if report.specialists.empty:
        return
    st.subheader("Preview of the rows patients will see")
    table = report.specialists.reindex(columns=list(PREVIEW_COLUMNS))
    st.dataframe(table, column_config=PREVIEW_COLUMNS, hide_index=True, width="stretch")
    st.map(report.specialists, latitude="latitude", longitude="longitude", size=2000)


def comparison(current: pd.DataFrame, new: pd.DataFrame) -> None:
    """Added, removed and changed specialists, so a mistaken upload is seen before it is published."""
    st.subheader("Changes compared with the current list")
    changes = compare_lists(current, new)
    added, removed, changed, same = st.columns(4)
    added.metric("Added", len(changes.added))
    removed.metric("Not in the new list", len(changes.removed))
    changed.metric("Changed", len(changes.changed))
    same.metric("Unchanged", changes.unchanged)
    listed = {"id": "id", "name": "Name", "city": "City", "state": "State"}
    gone = "Not in the new list (removed, or left out by an error)"
    for title, rows in (("Added", changes.added), (gone, changes.removed)):
        if not rows.empty:
            with st.expander(f"{title}: {len(rows)}"):
                st.dataframe(rows.reindex(columns=list(listed)).rename(columns=listed), hide_index=True)
    if not changes.changed.empty:
        with st.expander(f"Changed: {len(changes.changed)}"):
            st.dataframe(
                changes.changed,
                hide_index=True,
                width="stretch",
                column_config={"what changed": st.column_config.TextColumn("What changed", width="large")},
            )


def download_checked(table: pd.DataFrame | None, report: ValidationReport) -> None:
    """The file to commit, with every row kept (rows with errors stay, so nothing is lost)."""
    if table is None:
        return
    st.subheader("Publish")
    if report.errors:
        st.warning(
            f"{len(report.errors)} problems still leave rows out. You can publish now (those rows stay hidden "
            "until fixed) or fix them first.",
            icon="⚠️",
        )
    st.markdown(
        "The app's server does not keep uploaded files. Download the checked file and replace "
        "`data/specialists.csv` in the project repository with it (on GitHub: open the file, "
        "choose the upload or edit button, and commit). The site shows the new list a minute or two later."
    )
    st.download_button(
        "Download the checked file",
        source_csv_bytes(table),
        file_name="specialists.csv",
        mime="text/csv",
        type="primary",
    )
