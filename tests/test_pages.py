"""Page tests: the real app (app.py with its navigation) run by Streamlit's AppTest."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from finder import app_data, table_cache, vocabulary
from finder.conditions import CONDITIONS_DIR, ConditionLibrary
from finder.results_ui import chip_label
from tests.apptest_pages import CONDITIONS, FIND, cards, distances, open_page, submit
from tests.helpers_csv import csv_bytes, specialists


def search(app: AppTest, location: str) -> AppTest:
    return submit(app, "ZIP code", location, "Search")


def test_home_page_location_box_goes_straight_to_results() -> None:
    results = submit(open_page(), "Where are you?", "Denver, CO", "Find specialists near me")
    assert not results.exception
    assert results.query_params["location"] == "Denver, CO"
    assert distances(results)


@pytest.mark.parametrize(("button", "hint"), [("Find specialists near me", "ZIP code"), ("Look it up", "dizzy")])
def test_home_page_says_what_to_type_when_a_box_is_submitted_empty(button: str, hint: str) -> None:
    app = open_page()
    app = next(widget for widget in app.button if widget.label == button).click().run()
    assert not app.exception
    assert [warning.value for warning in app.warning if hint in warning.value]


def test_home_page_sends_people_to_search_and_conditions() -> None:
    app = open_page()
    assert not app.exception
    # The page body, not the sidebar menu, which names the same pages on every page.
    cards = [(link.label, link.proto.page) for link in app.main.get("page_link")]
    assert cards == [("Find a specialist", "find"), ("Learn about conditions", "conditions")]


def test_zip_search_lists_results_sorted_by_distance() -> None:
    app = search(open_page(FIND), "10001")
    assert not app.exception
    assert app.success and "within 25 miles of New York" in app.success[0].value.replace("\\", "")
    found = distances(app)
    assert len(found) >= 3
    assert found == sorted(found)
    assert all(miles <= 25 for miles in found)
    assert app.query_params["location"] == "10001"  # the search is in the URL, ready to share


def test_show_more_adds_the_next_nearest_cards() -> None:
    app = open_page(FIND, location="10001", radius="250")
    first = distances(app)
    assert len(first) == 20
    more = next(button for button in app.button if button.label.startswith("Show 20 more"))
    app = more.click().run()
    assert not app.exception
    shown = distances(app)
    assert len(shown) == 40 and shown[:20] == first and shown == sorted(shown)


def test_an_ambiguous_city_asks_which_one_with_a_button_each_keeping_the_filters() -> None:
    app = open_page(FIND, location="Springfield", radius="50", sub="epilepsy")
    assert not app.exception
    assert "more than one Springfield" in app.warning[0].value
    choices = {button.label: button for button in app.button if button.label.startswith("Springfield, ")}
    assert list(choices)[:2] == ["Springfield, MA", "Springfield, IL"]
    assert distances(app) == []  # nothing is searched until the patient chooses
    chosen = choices["Springfield, IL"].click().run()
    # The address says the place chosen, so a bookmark or a shared link brings it back.
    assert dict(chosen.query_params) == {"location": "Springfield, IL", "radius": "50", "sub": "epilepsy"}
    outcome = [alert.value.replace("\\", "") for alert in (*chosen.success, *chosen.warning)]
    assert any("within 50 miles of Springfield, IL" in text for text in outcome)


def test_a_city_searched_among_namesakes_says_which_and_offers_the_others() -> None:
    app = open_page(FIND, location="Denver")
    assert not app.exception
    assert app.info[0].value.replace("\\", "").startswith("Showing Denver, CO.")
    assert distances(app)
    iowa = next(button for button in app.button if button.label == "Denver, IA")
    assert iowa.click().run().query_params["location"] == "Denver, IA"


def test_a_shared_link_shows_every_filter_and_each_removes_in_one_tap() -> None:
    app = open_page(
        FIND, location="10001", radius="50", sub="epilepsy", accepting="1", telehealth="1", language="Spanish"
    )
    assert not app.exception
    summary = app.expander[0].label.replace("\\", "")
    for words in ("10001", "50 miles", "Epilepsy", "accepting new patients", "video visits", "speaks Spanish"):
        assert words in summary
    removers = [button.label for button in app.button if button.label.startswith(chip_label(""))]
    assert removers == [
        chip_label(words) for words in ("Epilepsy", "accepting new patients", "video visits", "speaks Spanish")
    ]
    next(button for button in app.button if button.label == chip_label("speaks Spanish")).click()
    app.run()
    # The address itself loses the filter, so a reload or a shared link does not bring it back.
    assert dict(app.query_params) == {
        "location": "10001", "radius": "50", "sub": "epilepsy", "accepting": "1", "telehealth": "1",
    }  # fmt: skip
    next(button for button in app.button if button.label == chip_label("Epilepsy")).click()
    app.run()
    assert "sub" not in app.query_params and "language" not in app.query_params
    assert [button.label for button in app.button if button.label.startswith(chip_label(""))] == [
        chip_label("accepting new patients"), chip_label("video visits"),
    ]  # fmt: skip


@pytest.mark.parametrize(("location", "form_open"), [("99999", True), ("Gotham City", True), ("10001", False)])
def test_the_search_form_stays_open_when_the_place_could_not_be_found(location: str, form_open: bool) -> None:
    app = open_page(FIND, location=location)
    assert not app.exception
    assert app.expander[0].proto.expanded is form_open


def test_bad_zip_shows_an_error_and_no_exception() -> None:
    app = search(open_page(FIND), "99999")
    assert not app.exception
    shown = [error.value.replace("\\", "") for error in app.error]  # the message is escaped Markdown
    assert shown == ["We could not find the ZIP code 99999. Check the five digits."]
    assert distances(app) == []


def test_street_address_without_geocoder_falls_back_to_its_city() -> None:
    app = search(open_page(FIND), "200 E Randolph St, Chicago, IL")
    assert not app.exception
    assert "searched around Chicago, IL" in app.warning[0].value.replace("\\", "")
    assert distances(app)


def test_nothing_nearby_offers_the_nearest_outside_the_radius() -> None:
    app = open_page(FIND, location="89316", radius="5", sub="neuro-oncology")  # Eureka, Nevada
    assert not app.exception
    assert "No matching specialists within 5 miles" in app.warning[0].value
    found = distances(app)
    assert found and found == sorted(found) and min(found) > 5
    [how_far] = [block.value for block in app.markdown if block.value.startswith("The nearest")]
    assert f" {round(min(found)):,} to " in how_far and how_far.endswith(" miles away:")  # not "a little farther"


def test_myoclonus_page_shows_red_flags_first_then_its_sections_and_disclaimer() -> None:
    app = open_page(CONDITIONS, condition="myoclonus")
    assert not app.exception
    assert app.title[0].value == "Myoclonus"
    [red_box] = app.error
    assert red_box.value.startswith("**When is it an emergency?**")
    assert "**Call 911 (or your local emergency number) if:**" in red_box.value
    assert "infantile spasms" in red_box.value and "](conditions?condition=epilepsy)" in red_box.value
    text = "\n".join(block.value for block in app.markdown)
    assert "When is it an emergency?" not in text  # shown once, in the red box
    for heading in ("What is myoclonus?", "What causes myoclonus?", "How is myoclonus diagnosed?",
                    "How is myoclonus treated?", "When should I see a specialist?"):  # fmt: skip
        assert f"## {heading}" in text
    assert "not medical advice" in app.info[0].value
    assert "(or your local emergency number)" in app.info[0].value
    assert [h.value for h in app.header] == ["Related conditions", "Sources"]
    captions = [caption.value for caption in app.caption]
    assert captions[0].startswith("Not yet reviewed by a clinician")
    assert any("not yet reviewed by a clinician" in caption for caption in captions)
    assert not any("Last reviewed" in caption for caption in captions)


def test_myoclonus_finder_action_opens_the_search_with_its_subspecialties() -> None:
    page = open_page(CONDITIONS, condition="myoclonus")
    action = next(link for link in page.get("page_link") if link.label == "Find a specialist for Myoclonus")
    params = dict(parse_qsl(action.proto.query_string))
    expected = ["movement-disorders", "epilepsy", "clinical-neurophysiology", "child-neurology"]
    assert params["sub"].split(",") == expected

    app = open_page(FIND, **params, location="60614", radius="100")
    assert not app.exception
    chosen = next(w for w in app.multiselect if w.label.startswith("Type of specialist"))
    assert chosen.value == expected
    explanation = next(block.value for block in app.markdown if block.value.startswith("**Myoclonus**"))
    assert "Movement disorders, Epilepsy, Clinical neurophysiology (EEG/EMG), Child neurology" in explanation
    assert distances(app)
    wanted_labels = [vocabulary.LABELS[slug] for slug in expected]
    found = cards(app)
    assert found
    for card in found:
        treats = html.unescape(re.search(r"</h3><p>(.*?)</p>", card).group(1))
        assert any(label in treats for label in wanted_labels), card


@pytest.mark.parametrize("query", ["twitching", "jerks"])
def test_symptom_search_on_the_index_finds_myoclonus(query: str) -> None:
    app = open_page(CONDITIONS, q=query)
    assert not app.exception
    assert app.get("page_link")[0].label == "Myoclonus"


def test_a_shared_search_link_restores_the_same_search() -> None:
    first = open_page(FIND)
    next(w for w in first.multiselect if w.label.startswith("Type of specialist")).set_value(["general-neurology"])
    next(w for w in first.select_slider).set_value(50)
    next(w for w in first.checkbox if w.label == "Accepting new patients").check()
    first = search(first, "Chicago, IL")
    assert not first.exception
    shared = dict(first.query_params)
    assert shared == {"location": "Chicago, IL", "radius": "50", "sub": "general-neurology", "accepting": "1"}

    again = open_page(FIND, **shared)
    assert not again.exception
    assert distances(again) == distances(first) != []
    assert next(w for w in again.text_input if w.label.startswith("ZIP code")).value == "Chicago, IL"
    assert next(w for w in again.select_slider).value == 50
    assert next(w for w in again.checkbox if w.label == "Accepting new patients").value is True


def test_a_hand_edited_link_with_odd_values_still_works() -> None:
    app = open_page(FIND, location="60614", radius="7", sub="epilepsy,podiatry", condition="nope")
    assert not app.exception
    notes = " ".join(info.value for info in app.info)
    assert "radius of “7”" in notes and "1 kind of specialist we do not list" in notes and "“nope”" in notes
    assert distances(app)


@pytest.mark.parametrize("slug", sorted(path.stem for path in CONDITIONS_DIR.glob("*.md")))
def test_every_condition_page_renders_red_flags_and_its_finder_action(library: ConditionLibrary, slug: str) -> None:
    condition = library.get(slug)
    assert condition is not None
    app = open_page(CONDITIONS, condition=slug)
    assert not app.exception
    assert app.title[0].value == condition.title
    assert [box.value.split("\n")[0] for box in app.error] == ["**When is it an emergency?**"]
    assert "(or your local emergency number)" in app.error[0].value
    labels = [link.label for link in app.get("page_link")]
    assert len(labels) == len(set(labels)), f"links with the same words (WCAG 2.4.4): {labels}"
    actions = [link for link in app.get("page_link") if link.proto.page == "find" and link.proto.query_string]
    assert [link.label for link in actions] == [
        f"Find a specialist for {condition.title}",  # in the box at the top
        f"Done reading? Search near you for specialists who treat {condition.title}",  # after the text
    ]
    for action in actions:
        params = dict(parse_qsl(action.proto.query_string))
        assert params == {"condition": slug, "sub": ",".join(condition.subspecialties)}


def test_unknown_condition_slug_shows_the_index_instead() -> None:
    app = open_page(CONDITIONS, condition="no-such-page")
    assert not app.exception
    assert "do not have a page for that condition" in app.warning[0].value
    assert app.header[0].value == "All conditions, A to Z"


def test_from_my_arm_jerks_on_the_home_page_to_specialists_who_treat_it() -> None:
    index = submit(open_page(), "Not sure", "my arm jerks", "Look it up")
    assert not index.exception
    assert index.query_params["q"] == "my arm jerks"
    first = index.get("page_link")
    matches = [link for link in first if link.proto.query_string.startswith("condition=")]
    assert matches[0].label == "Myoclonus"

    page = open_page(CONDITIONS, **dict(parse_qsl(matches[0].proto.query_string)))
    action = next(link for link in page.get("page_link") if link.label == "Find a specialist for Myoclonus")
    search_page = open_page(FIND, **dict(parse_qsl(action.proto.query_string)))
    assert "Enter where you are" in search_page.markdown[-1].value
    results = search(search_page, "60614")
    assert not results.exception
    assert distances(results)
    assert results.query_params["condition"] == "myoclonus"


def test_a_broken_specialists_file_gives_patients_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "specialists.csv"
    broken.write_bytes(b"PK\x03\x04 an Excel workbook saved with the wrong name")
    monkeypatch.setattr(app_data, "SPECIALISTS_CSV", broken)
    app = open_page(FIND, location="60614")
    assert not app.exception
    assert "not available right now" in app.error[0].value


def test_an_edited_specialists_file_is_served_at_once_never_a_stale_checked_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked copies on disk are keyed by the file's content, so neither an edit nor a restart serves an old list."""
    listed = tmp_path / "specialists.csv"
    monkeypatch.setattr(app_data, "SPECIALISTS_CSV", listed)
    monkeypatch.setattr(table_cache, "DEFAULT_CACHE_DIR", tmp_path / "checked")
    for count in (3, 5, 3):  # the last one is already on disk, but so is the 5-row copy
        listed.write_bytes(csv_bytes(specialists(count)))
        app_data._load_bundled.clear()  # as after a restart: only the copies on disk remain
        assert len(distances(open_page(FIND, location="60606"))) == count
    assert len(list((tmp_path / "checked").glob("*.parquet"))) == 2


def test_the_lists_size_under_the_search_is_not_read_as_a_second_result_count() -> None:
    """The old "800 specialists." sat a few lines above "12 specialists within 25 miles …": a second count."""
    app = open_page(FIND, location="10001")
    assert not app.exception
    size = len(app_data.bundled_specialists().table)
    notice = next(caption.value for caption in app.caption if "sample data" in caption.value)
    assert notice.startswith(f"The list we search has {size:,} specialists in all.")
    assert not re.match(r"\d", notice), notice
    assert re.match(r"\d+ specialists? within", app.success[0].value)  # the count of results is the one number


def test_patient_pages_never_load_streamlits_emoji_catalogue() -> None:
    """An emoji tab icon made Streamlit import its list of every emoji (~50 ms of each server's first page)."""
    script = textwrap.dedent(
        """
        import sys
        from tests.apptest_pages import CONDITIONS, FIND, open_page
        pages = [open_page(), open_page(FIND, location="10001"), open_page(CONDITIONS, condition="myoclonus")]
        assert not any(page.exception for page in pages), [page.exception for page in pages]
        print("streamlit.emojis" in sys.modules)
        """
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"
