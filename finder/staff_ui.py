"""Streamlit building blocks of the Manage data page, for clinic staff who are not programmers.

The page checks an uploaded list the same way the site reads it, shows what is wrong and
what would change, and hands back a file to commit: Community Cloud does not keep uploads.
"""

from __future__ import annotations

import math
import secrets
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import cast

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.elements.lib.column_types import ColumnConfig
from streamlit.runtime.uploaded_file_manager import UploadedFile

from finder.app_data import SpecialistList
from finder.batch_geocode import FileNotUsable, geocode_csv, missing_coordinates
from finder.compare import Comparison, LargeRemoval
from finder.csv_io import check_csv
from finder.csv_write import source_csv_bytes, spreadsheet_csv_bytes
from finder.problem_list import problems_markdown
from finder.safety import escape_markdown
from finder.settings import Settings
from finder.staff_access import PasswordThrottle
from finder.table_contract import COLUMN_LABELS, ValidationReport

UNLOCKED = "staff-unlocked"
SESSION_KEY = "staff-session-key"
CONFIRM_REMOVAL = "staff-confirm-removal"
WORKING_FILE = "staff-working-file"
GEOCODE_SUMMARY = "staff-geocode-summary"
GEOCODE_CACHE = Path(tempfile.gettempdir()) / "neurofinder-geocode-cache"
_COLUMN_KIND: dict[str, Callable[[str], ColumnConfig]] = {
    "row": partial(st.column_config.NumberColumn, help="Row number in your spreadsheet", format="%d"),
    "subspecialty_labels": partial(st.column_config.TextColumn, width="large"),
    "accepting_new_patients": st.column_config.CheckboxColumn,
    "telehealth": st.column_config.CheckboxColumn,
    "website": st.column_config.LinkColumn,
    "latitude": partial(st.column_config.NumberColumn, format="%.4f"),
    "longitude": partial(st.column_config.NumberColumn, format="%.4f"),
}
#: The checked list's preview: each column under its staff label (table_contract), shown as its kind.
PREVIEW_COLUMNS = {
    column: _COLUMN_KIND.get(column, st.column_config.TextColumn)(label) for column, label in COLUMN_LABELS.items()
}


@st.cache_resource
def password_throttle() -> PasswordThrottle:
    """One for the whole server, so opening a new browser session does not start the wait over."""
    return PasswordThrottle()


def seconds(wait: float) -> str:
    """A wait in whole seconds, rounded up so the page never says 0 while the wait is still on."""
    whole = math.ceil(wait)
    return f"{whole} second" if whole == 1 else f"{whole} seconds"


def unlocked(password: str) -> bool:
    """Ask for the staff password; True once this browser session has given the right one.

    Wrong passwords make the next try wait longer (see finder.staff_access); the form says how long."""
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
    throttle = password_throttle()
    session = st.session_state.setdefault(SESSION_KEY, secrets.token_urlsafe(16))
    with st.form("unlock"):
        given = st.text_input("Staff password", type="password")
        if not st.form_submit_button("Unlock"):
            if wait := throttle.wait_seconds(session):
                st.info(f"After a wrong password the next try waits a little. You can try again in {seconds(wait)}.")
            return False
        attempt = throttle.attempt(session, given, password)
        if attempt.outcome == "unlocked":
            st.session_state[UNLOCKED] = True
            st.rerun()
        if attempt.outcome == "wrong":
            st.error(
                f"That password is not right. You can try again in {seconds(attempt.wait_seconds)}. "
                "If you do not know it, ask the person who looks after the app's settings."
            )
        else:
            st.error(f"Please wait {seconds(attempt.wait_seconds)} more before the next try; that one was not checked.")
    return False


def current_list_status(current: SpecialistList) -> None:
    """What patients see now, and anything wrong with it."""
    st.header("The list patients see now")
    st.markdown(f"{len(current.report.specialists)} specialists, from {current.source}.")
    if current.provenance:
        st.markdown(f"Where the specialists come from: {escape_markdown(current.provenance)}.")
    if current.staff_warning:
        st.error(escape_markdown(current.staff_warning), icon="⚠️")
    if current.report.problems:
        left_out, warnings = current.report.rows_left_out, current.report.warning_count
        with st.expander(f"Problems in the current list: {left_out} rows left out, {warnings} warnings"):
            st.markdown(problems_markdown(current.report.problems))
            if more := current.report.not_listed():
                st.caption(escape_markdown(more))


def working_file(upload: UploadedFile) -> bytes:
    """The uploaded bytes, or the version with coordinates filled in once staff asked for that."""
    kept: dict[str, object] | None = st.session_state.get(WORKING_FILE)
    if not kept or kept["file_id"] != upload.file_id:
        kept = {"file_id": upload.file_id, "data": upload.getvalue()}
        st.session_state[WORKING_FILE] = kept
    return cast(bytes, kept["data"])  # only this function and fill_coordinates store it, always as bytes


@st.cache_data(show_spinner="Checking the file…", max_entries=4)
def check(data: bytes) -> tuple[ValidationReport, pd.DataFrame | None]:
    """The file's check report and its cells as read (None when unreadable), computed once per
    version of the file: every click on the page re-runs it, and a large list takes seconds."""
    return check_csv(data)


def validation_summary(report: ValidationReport) -> None:
    """Counts of rows first, then every problem, grouped by row, with its column and what to do."""
    st.header("Check results")
    read, usable, left_out, warnings = st.columns(4)
    read.metric("Rows read", report.rows_read)
    usable.metric("Rows patients will see", len(report.specialists))
    left_out.metric("Rows left out (errors)", report.rows_left_out)
    warnings.metric("Warnings to check", report.warning_count)
    if not report.problems:
        st.success("Every row passed the checks.", icon="✅")
        return
    if any(problem.row is None and problem.severity == "error" for problem in report.errors):
        st.error("This file cannot be used as it is. Fix the problems below and upload it again.", icon="🚫")
    st.markdown(problems_markdown(report.problems))
    if more := report.not_listed():
        st.caption(escape_markdown(more))
    st.download_button(
        "Download this list of problems (CSV)",
        partial(spreadsheet_csv_bytes, report.problems_frame()),  # written when tapped, not on every click
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
    st.header("Missing map positions")
    online = "then by street address online (about one a second)" if settings.geocoder_enabled else "only"
    st.markdown(f"{missing} rows have no latitude/longitude. They can be placed by ZIP code first, {online}.")
    if not st.button(f"Fill missing map positions ({missing} rows)"):
        return
    progress = st.progress(0.0, text="Placing rows…")
    geocode = settings.geocoder(max_retries=1)
    try:
        result = geocode_csv(
            data,
            geocode,
            cache_dir=GEOCODE_CACHE,
            on_progress=partial(_show_progress, progress),
        )
    except FileNotUsable as error:
        st.error("Nothing was filled in: " + "; ".join(escape_markdown(p.message) for p in error.problems))
        return
    st.session_state[WORKING_FILE]["data"] = result.csv_bytes()
    st.session_state[GEOCODE_SUMMARY] = (
        f"Placed {result.filled_from_zip} rows by ZIP code and {result.filled_from_address} by street address; "
        f"{len(result.unplaced)} could not be placed"
        + "".join(f"\n- row {row}: {escape_markdown(reason)}" for row, reason in result.unplaced)
    )
    st.rerun()


def _show_progress(bar: DeltaGenerator, done: int, total: int) -> None:
    bar.progress(done / max(total, 1), text=f"Placed {done} of {total}")


def preview(report: ValidationReport) -> None:
    """The usable rows as a table and on a map."""
    if report.specialists.empty:
        return
    st.header("Preview of the rows patients will see")
    table = report.specialists.reindex(columns=list(PREVIEW_COLUMNS))
    st.dataframe(table, column_config=PREVIEW_COLUMNS, hide_index=True, width="stretch")
    st.map(report.specialists, latitude="latitude", longitude="longitude", size=2000)


def large_removal_alert(removal: LargeRemoval | None) -> None:
    """The first thing under the upload when a new list would take many specialists away from patients."""
    if removal:
        st.error(removal.warning, icon="🛑")


def comparison(changes: Comparison) -> None:
    """Added, removed and changed specialists, so a mistaken upload is seen before it is published."""
    st.header("Changes compared with the current list")
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


def download_checked(
    table: pd.DataFrame | None, report: ValidationReport, removal: LargeRemoval | None, file_id: str
) -> None:
    """The file to commit, with every row kept (rows with errors stay, so nothing is lost). When it would
    remove many specialists, only after staff tick that they mean it, asked afresh for each upload."""
    if table is None:
        return
    st.header("Publish")
    if report.rows_left_out:
        st.warning(
            f"{report.rows_left_out} rows are still left out because of errors. You can publish now (those rows "
            "stay hidden until fixed) or fix them first.",
            icon="⚠️",
        )
    st.markdown(
        "The app's server does not keep uploaded files. Download the checked file and replace "
        "`data/specialists.csv` in the project repository with it (on GitHub: open the file, "
        "choose the upload or edit button, and commit). The site shows the new list a minute or two later."
    )
    if removal and not st.checkbox(removal.confirmation, key=f"{CONFIRM_REMOVAL}-{file_id}-{removal.removed}"):
        st.info("The download appears once you tick the box above.", icon="☝️")
        return
    st.download_button(
        "Download the checked file",
        partial(source_csv_bytes, table),  # made when tapped: a large list takes seconds to write
        file_name="specialists.csv",
        mime="text/csv",
        type="primary",
    )
