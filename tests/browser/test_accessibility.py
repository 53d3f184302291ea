"""axe-core on every page, at desktop and phone sizes, in a real Chromium.

A patient using a screen reader, a keyboard or a magnifier meets problems no unit test sees:
grey text too faint to read, headings that skip levels, a map iframe with no name. axe-core
(installed from npm by scripts/test.sh, like the map's libraries) checks the rendered page,
and the map's own document inside its iframe, against WCAG. The test fails on
any serious or critical violation and on any heading-order violation, naming the rule, the
element and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Frame, Locator, Page, expect

from finder.accessibility import NEW_TAB_NOTE
from finder.results_ui import LOCATION_LABEL, RESULTS_HEADING_ID
from finder.search import DEFAULT_RADIUS_MILES
from tests.browser.cdn import NODE_MODULES
from tests.browser.conftest import STAFF_PASSWORD
from tests.browser.test_patient_journey import SYMPTOM_LABEL
from tests.browser.test_search_in_browser import MAP_IFRAME, MARKER, SEARCH_LABEL, expected_names, show_results_map

pytestmark = pytest.mark.browser

AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
FAILING_IMPACTS = frozenset({"serious", "critical"})
# Not serious by axe's grading, but a screen-reader user jumps by headings, so a skipped level misleads.
ALWAYS_FAILING_RULES = frozenset({"heading-order"})
KEYBOARD_ZIP = "10001"
WHERE_LABEL = "Where are you? ZIP code, city and state, or street address"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# A list with problems staff must see: a missing name, a bad ZIP, a duplicate NPI and a good row.
CHECKED_CSV = (
    "npi,name,credentials,subspecialties,clinic,address,city,state,zip,phone,latitude,longitude\n"
    "1234567893,Dr Ada Good,MD,epilepsy,Good Clinic,1 Main St,New York,NY,10001,2125550100,40.75,-73.99\n"
    ",,MD,epilepsy,,2 Main St,New York,NY,1000,2125550101,,\n"
)


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {self.help}\n    " + "\n    ".join(self.targets)


def axe_violations(frame: Frame) -> list[Violation]:
    """axe-core's violations in one document; each frame is checked on its own, so the map counts too."""
    if not frame.evaluate("typeof window.axe === 'object'"):
        frame.add_script_tag(path=AXE_SCRIPT)
    found = frame.evaluate(
        "async () => (await axe.run(document, {iframes: false, resultTypes: ['violations']})).violations"
        ".map(v => ({rule: v.id, impact: v.impact || '', help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' >>> ') + '  ' + n.html.slice(0, 160))}))"
    )
    return [Violation(v["rule"], v["impact"], v["help"], tuple(v["targets"])) for v in found]


def blocking(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.impact in FAILING_IMPACTS or v.rule in ALWAYS_FAILING_RULES]


def settled(page: Page) -> None:
    """Wait until Streamlit has finished running the page, so axe sees what a patient sees."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)


def open_home(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/")
    expect(page.get_by_role("button", name="Find specialists near me")).to_be_visible()


def open_find_with_results(page: Page, app_url: str) -> None:
    """The results as they first appear: on a phone the list, on a desktop the list beside the map."""
    page.goto(f"{app_url}/find?location=10001&radius=50")
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_be_visible()
    expect(page.locator(".nf-card").first).to_be_visible()


def open_find_map(page: Page, app_url: str) -> None:
    """The results with the map showing (a phone taps Map on the List / Map switch)."""
    open_find_with_results(page, app_url)
    show_results_map(page)
    expect(page.locator(MAP_IFRAME).first.content_frame.locator(MARKER).first).to_be_visible()


def open_conditions(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/conditions")
    expect(page.get_by_role("heading", name="All conditions, A to Z")).to_be_visible()


def open_condition(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/conditions?condition=myoclonus")
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()


def open_manage_locked(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/manage")
    expect(page.get_by_label("Staff password")).to_be_visible()


def open_manage_with_report(page: Page, app_url: str) -> None:
    open_manage_locked(page, app_url)
    page.get_by_label("Staff password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Unlock").click()
    page.locator("input[type=file]").set_input_files(
        {"name": "specialists.csv", "mimeType": "text/csv", "buffer": CHECKED_CSV.encode()}
    )
    expect(page.get_by_role("heading", name="Check results")).to_be_visible()


PAGES: dict[str, Callable[[Page, str], None]] = {
    "home": open_home,
    "find-results": open_find_with_results,
    "find-map": open_find_map,
    "conditions": open_conditions,
    "condition-myoclonus": open_condition,
    "manage-locked": open_manage_locked,
    "manage-report": open_manage_with_report,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page_name", PAGES)
def test_no_serious_accessibility_violations(
    new_page: Callable[..., Page], app_url: str, page_name: str, size: str
) -> None:
    phone = size == "phone"
    page = new_page(viewport=SIZES[size], is_mobile=phone, has_touch=phone)
    PAGES[page_name](page, app_url)
    settled(page)
    report, checked = [], []
    for frame in page.frames:
        checked.append(frame.evaluate("Boolean(document.querySelector('.leaflet-container'))"))
        if problems := blocking(axe_violations(frame)):
            where = "the page" if frame is page.main_frame else f"the frame {re.sub(r'[?#].*', '', frame.url)}"
            report.append(f"In {where}:\n  " + "\n  ".join(map(str, problems)))
    assert not report, f"axe-core found on {page_name} ({size}):\n" + "\n".join(report)
    if page_name == "find-map":  # the map's own document was checked too, not only the frame around it
        assert any(checked), "axe never looked inside the map's frame"


def focused(page: Page) -> Locator:
    return page.locator("*:focus")


# Near enough to the accessible name for these checks: the label, or the text a screen reader is not told to skip.
SPOKEN_NAME = """e => {
  if (e.getAttribute('aria-label')) return e.getAttribute('aria-label');
  const copy = e.cloneNode(true);
  copy.querySelectorAll('[aria-hidden="true"]').forEach(hidden => hidden.remove());
  return copy.textContent.trim() || e.tagName;
}"""


def tab_until(page: Page, name: re.Pattern[str], most: int) -> list[str]:
    """Press Tab (and nothing else) until the focused element's accessible name matches; the names passed on the way."""
    passed: list[str] = []
    for _ in range(most):
        page.keyboard.press("Tab")
        now = focused(page)
        label = now.evaluate(SPOKEN_NAME) if now.count() else "?"
        passed.append(" ".join(str(label).split())[:60])
        if now.count() and name.search(passed[-1]):
            return passed
    raise AssertionError(f"{most} presses of Tab never reached {name.pattern!r}; they went through {passed}")


def keyboard_search(page: Page, app_url: str) -> None:
    """From the top of the find page to a search for the ZIP, with the keyboard only."""
    page.goto(f"{app_url}/find")
    expect(page.get_by_label(SEARCH_LABEL)).to_be_visible()
    settled(page)
    passed = tab_until(page, re.compile(re.escape(SEARCH_LABEL)), most=15)
    assert passed[0] == "Skip to main content", passed
    expect(focused(page)).to_have_accessible_name(SEARCH_LABEL)
    page.keyboard.type(KEYBOARD_ZIP)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_be_visible()
    expect(page).to_have_url(re.compile(rf"location={KEYBOARD_ZIP}"))


def test_the_keyboard_alone_reaches_the_search_box_and_searches(new_page: Callable[..., Page], app_url: str) -> None:
    keyboard_search(new_page(viewport=SIZES["desktop"]), app_url)


def test_the_keyboard_alone_goes_from_the_search_to_the_first_results_call_button(
    new_page: Callable[..., Page], app_url: str
) -> None:
    page = new_page(viewport=SIZES["desktop"])
    keyboard_search(page, app_url)
    nearest = expected_names(KEYBOARD_ZIP, DEFAULT_RADIUS_MILES)[0]
    tab_until(page, re.compile(r"^Call\b"), most=15)
    expect(focused(page)).to_have_accessible_name(re.compile(rf"^Call {re.escape(nearest)}"))


@pytest.mark.parametrize(("box", "button"), [(WHERE_LABEL, "Find specialists near me"), (SYMPTOM_LABEL, "Look it up")])
def test_an_empty_home_box_says_what_to_type_and_keeps_the_focus_there(
    new_page: Callable[..., Page], app_url: str, box: str, button: str
) -> None:
    page = new_page(viewport=SIZES["phone"], is_mobile=True, has_touch=True)
    open_home(page, app_url)
    settled(page)
    page.get_by_role("button", name=button).click()  # a tap on the button, with nothing typed
    expect(page.get_by_test_id("stAlertContentWarning").filter(has_text="first")).to_be_visible()
    expect(page.get_by_label(box)).to_be_focused()
    page.keyboard.type("   ")
    page.keyboard.press("Enter")  # only spaces, sent with the keyboard: the same message, still in the box
    expect(page.get_by_test_id("stAlertContentWarning").filter(has_text="first")).to_be_visible()
    expect(page.get_by_label(box)).to_be_focused()


def link_targets(page: Page) -> list[tuple[str, str]]:
    """(href, target) of every link in the page's main part, except jumps to a heading on the same page."""
    return page.get_by_test_id("stMain").evaluate(
        "main => [...main.querySelectorAll('a[href]')].filter(a => !a.getAttribute('href').startsWith('#'))"
        ".map(a => [a.href, a.target])"
    )


def assert_only_other_sites_open_new_tabs(page: Page, app_url: str) -> None:
    """Links within the app and phone links stay in the tab; links to other sites open a new one and say so."""
    page.wait_for_function("() => window.neurofinderLinks === true")  # the page's link script has run
    targets = link_targets(page)
    assert targets, "no links found"
    same_tab = [(href, target) for href, target in targets if href.startswith((app_url, "tel:"))]
    other_sites = [(href, target) for href, target in targets if (href, target) not in same_tab]
    assert same_tab and other_sites, targets
    assert [link for link in same_tab if link[1] == "_blank"] == [], "app or phone links that open a new tab"
    assert [link for link in other_sites if link[1] != "_blank"] == [], "other sites that replace the app"
    for href, _ in other_sites[:5]:
        link = page.get_by_test_id("stMain").locator(f'a[href="{href}"]').first
        expect(link).to_have_accessible_name(re.compile(re.escape(NEW_TAB_NOTE) + "$"))


def test_condition_links_stay_in_the_tab_and_back_returns(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page(viewport=SIZES["desktop"])
    open_condition(page, app_url)
    assert_only_other_sites_open_new_tabs(page, app_url)
    # The [[epilepsy]] link inside the page's own text, which Streamlit's Markdown made open a new tab.
    page.get_by_test_id("stMarkdown").get_by_role("link", name="Epilepsy", exact=True).first.click()
    expect(page.get_by_role("heading", name="Epilepsy", level=1)).to_be_visible()
    assert len(page.context.pages) == 1, [other.url for other in page.context.pages]
    page.go_back()
    expect(page.get_by_role("heading", name="Myoclonus", level=1)).to_be_visible()


def test_phone_links_in_results_stay_in_the_tab(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page(viewport=SIZES["phone"], is_mobile=True, has_touch=True)
    open_find_with_results(page, app_url)
    assert_only_other_sites_open_new_tabs(page, app_url)


def test_the_map_frame_has_a_name(new_page: Callable[..., Page], app_url: str) -> None:
    """A screen reader announces the frame by this title, so it says what the map shows."""
    page = new_page(viewport=SIZES["phone"], is_mobile=True, has_touch=True)
    open_find_map(page, app_url)
    expect(page.locator(MAP_IFRAME).first).to_have_attribute("title", re.compile(r"^Map of \d+ specialists? near "))


def test_no_document_blocks_zooming(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page(viewport=SIZES["phone"], is_mobile=True, has_touch=True)
    open_find_map(page, app_url)
    assert len(page.frames) > 1, "the map's frame was not there to check"
    for frame in page.frames:
        viewport = frame.evaluate(
            "[...document.querySelectorAll('meta[name=viewport]')].map(m => m.content).join(' ')"
        ).replace(" ", "")
        assert not re.search(r"maximum-scale=1(\.0)?(,|$)|user-scalable=(no|0)", viewport), (frame.url, viewport)


# Text nodes with an emoji that assistive technology can reach (not inside aria-hidden), anywhere on the page.
SPOKEN_EMOJI = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (/\\p{Extended_Pictographic}/u.test(node.data) && !element.closest('[aria-hidden="true"]')) {
      found.push(element.outerHTML.slice(0, 120));
    }
  }
  return found;
}"""


@pytest.mark.parametrize(
    "page_name",
    PAGES,
)
def test_decorative_emoji_are_hidden_from_screen_readers(
    new_page: Callable[..., Page], app_url: str, page_name: str
) -> None:
    page = new_page(viewport=SIZES["desktop"])
    PAGES[page_name](page, app_url)
    settled(page)
    spoken = page.evaluate(SPOKEN_EMOJI)
    assert not spoken, f"emoji a screen reader reads out on {page_name}: {spoken[:5]}"


# The focused element's ring: its outline style and width in px.
FOCUS_RING = "() => { const style = getComputedStyle(document.activeElement); "
FOCUS_RING += "return [style.outlineStyle, parseFloat(style.outlineWidth)]; }"


def test_keyboard_focus_shows_on_menu_links_and_filter_chips_which_are_big_enough(
    new_page: Callable[..., Page], app_url: str
) -> None:
    """Streamlit's own page links and buttons show no ring when Tab reaches them; ours must."""
    page = new_page(viewport=SIZES["phone"], is_mobile=True, has_touch=True)
    page.goto(f"{app_url}/find?location=10001&radius=50&sub=epilepsy&language=Spanish")
    chip = page.get_by_role("button", name="Remove filter: Epilepsy")
    expect(chip).to_be_visible()
    box = chip.bounding_box()
    assert box and box["height"] >= 44, box
    chip.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # reached by the keyboard, so the browser shows focus as it would to a Tab user
    expect(chip).to_be_focused()
    style, width = page.evaluate(FOCUS_RING)
    assert style != "none" and width >= 2, (style, width)

    desktop = new_page(viewport=SIZES["desktop"])
    desktop.goto(f"{app_url}/find")
    expect(desktop.get_by_role("link", name="Home")).to_be_visible()
    tab_until(desktop, re.compile(r"^Home$"), most=5)
    style, width = desktop.evaluate(FOCUS_RING)
    assert style != "none" and width >= 2, (style, width)


def test_a_search_from_the_home_page_lands_the_keyboard_on_the_results(
    new_page: Callable[..., Page], app_url: str
) -> None:
    page = new_page(viewport=SIZES["desktop"])
    page.goto(f"{app_url}/")
    box = page.get_by_label(WHERE_LABEL)
    box.fill("10001")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/find\?location=10001"))
    page.wait_for_function(f"document.activeElement && document.activeElement.id === '{RESULTS_HEADING_ID}'")


@pytest.mark.parametrize(("typed", "says"), [("abc", "We could not find"), ("Springfield", "Which one do you mean?")])
def test_a_place_that_cannot_be_searched_is_explained_on_the_first_screen(
    new_page: Callable[..., Page], app_url: str, typed: str, says: str
) -> None:
    """On a phone the answer must not sit under the open form, out of sight; the location box has the focus."""
    page = new_page(viewport=SIZES["phone"], is_mobile=True, has_touch=True)
    page.goto(f"{app_url}/find?location={typed}")
    message = page.get_by_text(says)
    expect(message).to_be_visible()
    box = message.bounding_box()
    assert box and box["y"] + box["height"] <= SIZES["phone"]["height"], box
    expect(page.get_by_label(LOCATION_LABEL)).to_be_focused()  # not lost on the page: the patient types at once


@pytest.mark.parametrize("start", ["/", "/find"])
def test_a_pasted_place_that_is_too_long_is_explained_not_dropped(
    new_page: Callable[..., Page], app_url: str, start: str
) -> None:
    """A limit on the box made a pasted 300-character address vanish, then "type where you are first"."""
    page = new_page(viewport=SIZES["phone"], is_mobile=True, has_touch=True)
    page.goto(f"{app_url}{start}")
    box = page.get_by_label(WHERE_LABEL if start == "/" else LOCATION_LABEL)
    box.fill("1 Main Street, " * 20)
    box.press("Enter")
    expect(page.get_by_text("That location is longer than 200 characters")).to_be_visible()
    expect(page.get_by_label(LOCATION_LABEL)).to_be_focused()  # the patient can retype at once


PAGE_LINKS = """() => [...document.querySelectorAll('[data-testid="stPageLink-NavLink"]')]
    .filter(link => link.getClientRects().length)
    .map(link => [link.innerText.replace(/\\s+/g, ' ').trim(), link.getBoundingClientRect().height])"""


@pytest.mark.parametrize("address", ["/conditions?condition=myoclonus", "/conditions?q=jerks"])
def test_page_links_are_big_enough_to_tap_on_a_phone(new_page: Callable[..., Page], app_url: str, address: str) -> None:
    """A condition page's "Find a specialist" and a symptom search's matches were 28-px pills (WCAG 2.5.5)."""
    page = new_page(viewport=SIZES["phone"], is_mobile=True, has_touch=True)
    page.goto(f"{app_url}{address}")
    expect(
        page.get_by_role("link", name="Myoclonus").or_(page.get_by_role("heading", name="Myoclonus")).first
    ).to_be_visible()
    expect(page.get_by_test_id("stPageLink-NavLink").filter(visible=True).first).to_be_visible()
    links = page.evaluate(PAGE_LINKS)
    assert links
    small = [(name, height) for name, height in links if height < 44]
    assert not small, small
