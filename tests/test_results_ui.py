"""The find page's results: cards that are safe and usable with a screen reader or a shaky hand,
the List / Map switch, focus after Search, and the map built once per search and list."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

import pandas as pd
import pytest

from finder import app_data, mapping, results_ui
from finder.app_data import SpecialistList
from finder.csv_io import load_specialists
from finder.location import resolve_location
from finder.search import Found, SearchCriteria, find, search
from finder.search_request import SearchRequest
from finder.validation import ValidationReport
from tests.apptest_pages import FIND, cards, open_page
from tests.helpers_csv import csv_bytes, specialists

CENTRE = (41.8868, -87.6386)
#: Text that would become markup, script or a link if it were pasted into the card unescaped.
ATTACKS = (
    "<img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    "[click](javascript:alert(1))",
    "</li></ol><h1>fake</h1>",
    "&lt;b&gt; already escaped",
)
#: Websites that must never become a link.
BAD_WEBSITES = ("javascript:alert(1)", "data:text/html,<b>x</b>", "//evil.example/x", "ftp://files.example/")
ALLOWED_TAGS = {"style", "ol", "li", "h3", "p", "br", "div", "a", "span"}


class Card(HTMLParser):
    """What a browser would build from a card: its tags with attributes, its heading and its visible text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.heading = ""
        self.text = ""
        self._open: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag != "br":
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self._open.pop()

    def handle_data(self, data: str) -> None:
        if "style" in self._open:
            return
        self.text += data
        if "h3" in self._open:
            self.heading += data

    def links(self) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.tags if tag == "a"]


def found(rows: list[dict[str, str]]) -> pd.DataFrame:
    report = load_specialists(csv_bytes(rows))
    assert len(report.specialists) == len(rows), [str(problem) for problem in report.errors]
    return search(report.specialists, SearchCriteria(*CENTRE, radius_miles=100)).matches


def one_card(**cells: str) -> Card:
    row = specialists(1)[0]
    row.update(cells)
    return Card(results_ui.result_cards_html(found([row])))


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("column", ["name", "credentials", "clinic", "address", "city"])
def test_text_from_the_list_shows_as_text_and_makes_no_markup(column: str, attack: str) -> None:
    card = one_card(**{column: attack})
    assert {tag for tag, _ in card.tags} <= ALLOWED_TAGS
    assert not [name for _, attrs in card.tags for name in attrs if name.startswith("on")]
    assert attack in card.text  # shown exactly as written, not interpreted
    for link in card.links():
        assert link["href"].startswith(("tel:+1", "https://")), link


@pytest.mark.parametrize("website", BAD_WEBSITES)
def test_only_web_links_become_a_website_button(website: str) -> None:
    card = one_card(website=website)
    assert not [link for link in card.links() if "Website" in link["aria-label"]]


def test_each_card_is_a_heading_with_named_big_buttons_and_only_web_pages_open_a_new_tab() -> None:
    card = one_card(name="Hiroshi Greenleaf", clinic="New York Brain & Spine Clinic", website="https://example.org/hg")
    assert card.heading.startswith("Hiroshi Greenleaf")
    names = {link["aria-label"]: link for link in card.links()}
    call = next(link for name, link in names.items() if name.startswith("Call Hiroshi Greenleaf at "))
    assert call["href"].startswith("tel:+1") and "target" not in call  # a call keeps the page
    directions = names["Directions to New York Brain & Spine Clinic (opens in a new tab)"]
    website = names["Website of Hiroshi Greenleaf (opens in a new tab)"]
    for link in (directions, website):
        assert link["target"] == "_blank" and "noopener" in link["rel"]
    assert directions["href"].startswith("https://www.google.com/maps/dir/")
    assert all(attrs.get("aria-hidden") == "true" for tag, attrs in card.tags if tag == "span")  # the emoji
    assert "min-height: 44px" in results_ui.RESULTS_STYLE and "min-width: 44px" in results_ui.RESULTS_STYLE


@pytest.mark.parametrize("digits", ["5550100", "not a number", "", "12345678901"])
def test_no_call_button_without_a_phone_that_can_be_called(digits: str) -> None:
    shown = found(specialists(1))
    shown.loc[0, "phone_digits"] = digits  # a table from elsewhere than the checker: the card still refuses it
    card = Card(results_ui.result_cards_html(shown))
    assert not [link for link in card.links() if link["href"].startswith("tel:")]
    assert [link for link in card.links() if link["aria-label"].startswith("Directions to ")]


def test_the_request_makes_the_criteria_with_the_conditions_specialists() -> None:
    library = app_data.condition_library()
    request = SearchRequest(
        location="60614", radius_miles=50, subspecialties=("sleep",), condition="myoclonus",
        accepting_new_patients=True, telehealth=True, language="Spanish", name="Ng", gender="female",
    )  # fmt: skip
    where = resolve_location("60614")
    criteria = request.criteria(where, library, offers_gender=True)
    assert (criteria.lat, criteria.lon, criteria.radius_miles) == (where.lat, where.lon, 50)
    assert criteria.subspecialties[0] == "sleep" and "movement-disorders" in criteria.subspecialties
    assert (criteria.accepting_new_patients, criteria.telehealth, criteria.language, criteria.name) == (
        True, True, "Spanish", "Ng",
    )  # fmt: skip
    assert criteria.gender == "female"
    assert request.criteria(where, library, offers_gender=False).gender == ""  # nobody would match


def listed(count: int) -> SpecialistList:
    report = load_specialists(csv_bytes(specialists(count)))
    return SpecialistList(ValidationReport(report.specialists, report.log, report.rows_read), [], "", "")


def test_the_lists_version_follows_its_content() -> None:
    assert listed(3).version == listed(3).version
    assert listed(3).version != listed(4).version
    edited = listed(3)
    changed = edited.table.copy()
    changed.loc[0, "phone"] = "(312) 555-0199"
    assert SpecialistList(ValidationReport(changed, edited.report.log, 3), [], "", "").version != edited.version


def test_the_version_is_worked_out_once_per_table_even_for_the_copies_made_each_page_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hashes: list[int] = []
    real_hash = pd.util.hash_pandas_object
    monkeypatch.setattr(pd.util, "hash_pandas_object", lambda *a, **k: hashes.append(1) or real_hash(*a, **k))
    served = listed(3)
    warned = replace(served, staff_warning="the live list could not be fetched")  # as specialist_list() does
    assert served.version == warned.version and len(hashes) == 1


def test_the_map_is_built_once_per_search_and_again_when_the_list_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[int] = []
    real_build = mapping.build_map

    def counting_build(*args, **kwargs):  # type: ignore[no-untyped-def]
        builds.append(1)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(mapping, "build_map", counting_build)
    results_ui.map_page.clear()
    criteria = SearchCriteria(*CENTRE, radius_miles=100)
    first, second = listed(3), listed(4)
    found = find(first.table, criteria)
    page = results_ui.map_page(first.version, criteria, first.table, found)
    assert results_ui.map_page(first.version, criteria, first.table, found) == page and len(builds) == 1  # same search
    results_ui.map_page(first.version, SearchCriteria(*CENTRE, radius_miles=50), first.table, found)
    assert len(builds) == 2  # another search
    results_ui.map_page(second.version, criteria, second.table, find(second.table, criteria))
    assert len(builds) == 3  # the same search on an edited list


def test_the_count_names_every_active_filter() -> None:
    params = {"location": "10001", "radius": "250", "accepting": "1", "telehealth": "1", "language": "Spanish"}
    app = open_page(FIND, **params)
    assert not app.exception
    request = SearchRequest(location="10001", radius_miles=250, accepting_new_patients=True, telehealth=True,
                            language="Spanish")  # fmt: skip
    everyone = app_data.bundled_specialists()
    expected = search(everyone.table, request.criteria(resolve_location("10001"), app_data.condition_library(), False))
    line = app.success[0].value.replace("\\", "")
    count = len(expected.matches)
    assert line.startswith(f"{count} specialists within 250 miles of New York, NY who match: accepting new patients, ")
    assert line.endswith("video visits, speaks Spanish. Nearest first.")


def test_the_list_comes_first_and_the_map_switch_shows_the_map_alone() -> None:
    app = open_page(FIND, location="60614")
    switch = app.button_group[0]
    assert switch.value == results_ui.LIST_VIEW
    assert cards(app) and len(app.get("iframe")) == 1  # beside the list on wide screens (hidden on phones)
    app = switch.set_value(results_ui.MAP_VIEW).run()
    assert not app.exception
    assert not cards(app)
    frames = app.get("iframe")
    assert len(frames) == 1 and "var table" in frames[0].proto.srcdoc


def test_focus_moves_to_the_results_after_search_only() -> None:
    app = open_page(FIND)
    next(widget for widget in app.text_input if widget.label.startswith("ZIP code")).input("60614")
    app = next(widget for widget in app.button if widget.label == "Search").click().run()
    focus = f'getElementById("{results_ui.RESULTS_HEADING_ID}")'
    scripts = [html.value for html in app.get("html") if "<script" in html.value and focus in html.value]
    assert len(scripts) == 1
    assert f'<h2 id="{results_ui.RESULTS_HEADING_ID}" tabindex="-1">' in "".join(h.value for h in app.get("html"))
    shared = open_page(FIND, location="60614")  # a link opened later: the page starts at the top as usual
    assert not [html.value for html in shared.get("html") if "<script" in html.value and focus in html.value]


def test_the_download_holds_the_searched_rows_after_reruns_and_after_the_shared_results_are_dropped() -> None:
    """Sessions keep the search, not its table: the file is the same rows however the shared cache has moved on."""
    served, other = listed(4), listed(3)
    near, far = SearchCriteria(*CENTRE, radius_miles=100), SearchCriteria(0.0, 0.0, radius_miles=5)
    expected = results_ui.results_csv(search(served.table, near).matches)
    results_ui._searched.clear()
    first = results_ui.search_csv(served, near)
    results_ui.searched(other, near)  # another session, another list
    results_ui.searched(served, SearchCriteria(*CENTRE, radius_miles=50))  # another search
    assert first == expected == results_ui.search_csv(served, near)
    results_ui._searched.clear()  # the shared results went (evicted, or a visitor cleared the caches)
    assert results_ui.search_csv(served, near) == expected
    # nobody within 5 miles: the list, and so the file, holds the nearest ones outside the radius
    assert results_ui.search_csv(served, far) == results_ui.results_csv(search(served.table, far).nearest_outside)
    assert len(search(served.table, far).nearest_outside) > 0


def test_the_shared_results_hold_row_positions_not_rows() -> None:
    """A cached search costs 16 bytes a result, not a copy of its rows: 64 searches of 8,000 results fit in ~8 MB."""
    served = listed(4)
    near = SearchCriteria(*CENTRE, radius_miles=100)
    results_ui._searched.clear()
    found = results_ui.searched(served, near)
    assert isinstance(found, Found) and len(found) == len(search(served.table, near).matches) > 0
    assert found.positions.nbytes + found.distances.nbytes == 16 * len(found)
    assert results_ui.searched(served, near) is found  # one object, shared by every session and rerun
