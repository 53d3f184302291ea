"""Fixes for what Streamlit's own rendering gets wrong for keyboard and screen-reader users.

Streamlit's Markdown opens every link in a new tab, a tel: link and a link to another page of
this app included: a new tab breaks Back, and on a phone a call link leaves an empty tab behind.
Only links to other web sites should open in a new tab, and those should say so. Streamlit has
no option for this, so one small script, added once per page by `finder.ui.page_setup`, sets it
right for every link on the page, now and as Streamlit redraws it; a style rule adds a visible
arrow whose spoken text is "(opens in a new tab)".

The scripts are fixed text: nothing a patient or staff member typed is ever put into them, except
the label in `focus_field`, which is passed as JSON.
"""

from __future__ import annotations

from itertools import count

import streamlit as st

from finder.safety import script_string

#: What a screen reader says after the name of a link that opens a new tab.
NEW_TAB_NOTE = "(opens in a new tab)"


# Streamlit draws no ring round its page links (the menu, the filter chips) when Tab reaches them, and its
# buttons and page links (the menu, a condition page's "Find a specialist", the symptom search's matches) are
# 28-32 px high: a keyboard user must see where they are (WCAG 2.4.7), and a patient with a tremor needs
# 44 px to hit (WCAG 2.5.5). On a phone, Streamlit's top gap and 44-pixel
# page title took a quarter of the first screen, before anything the patient came for.
_STYLE = f"""<style>
a[target="_blank"]::after {{ content: " \\2197" / " {NEW_TAB_NOTE}"; }}
a:focus-visible, button:focus-visible, summary:focus-visible {{
    outline: 3px solid #0b4a8b !important; outline-offset: 2px;
}}
[data-testid="stMain"] button, [data-testid="stPageLink-NavLink"] {{ min-height: 44px; }}
@media (max-width: 640px) {{
    [data-testid="stMainBlockContainer"] {{ padding-top: 4rem; }}
    [data-testid="stMain"] h1 {{ font-size: 2rem; }}
}}
</style>"""

# Runs once per browser tab (Streamlit switches pages without reloading): a MutationObserver
# re-checks every link Streamlit adds or changes.
_SCRIPT = """<script>
(() => {
  if (window.neurofinderLinks) return;
  window.neurofinderLinks = true;
  const fixLink = (link) => {
    let url;
    try { url = new URL(link.getAttribute("href") || "", document.baseURI); } catch (error) { return; }
    const otherSite = /^https?:$/.test(url.protocol) && url.origin !== window.location.origin;
    if (!otherSite && link.target === "_blank") link.target = "_self";
  };
  const fixAll = (root) => {
    if (!(root instanceof Element)) return;
    if (root.matches("a[href]")) fixLink(root);
    root.querySelectorAll("a[href]").forEach(fixLink);
  };
  new MutationObserver((changes) => changes.forEach((change) => {
    if (change.type === "attributes") fixAll(change.target);
    change.addedNodes.forEach(fixAll);
  })).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["href", "target"],
  });
  fixAll(document.body);
})();
</script>"""

_runs = count()


def fix_links() -> None:
    """Add the style rule and the link script to the page (an invisible element, in the sidebar)."""
    st.html(_STYLE)
    st.html(_SCRIPT, unsafe_allow_javascript=True)


def focus_field(label: str) -> None:
    """Put the keyboard focus back in the text box with this label, e.g. after it was submitted empty.

    Streamlit disables a form's boxes until the page has finished running, and a disabled box cannot
    take the focus, so the script waits (up to 5 s) for the box to be enabled. Each call's script
    differs (a counter), so Streamlit inserts it anew and it runs every time.
    """
    st.html(
        f"""<script>/* {next(_runs)} */ (() => {{
  const selector = "input[aria-label=" + CSS.escape({script_string(label)}) + "]";
  let tries = 100;
  const focus = () => {{
    const box = document.querySelector(selector);
    if (box && !box.disabled) box.focus();
    else if (--tries > 0) setTimeout(focus, 50);
  }};
  focus();
}})();</script>""",
        unsafe_allow_javascript=True,
    )
