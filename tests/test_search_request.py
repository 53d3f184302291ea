"""Searches read from page URLs: any link, however odd or hostile, gives a search and plain-text notes.

Notes and the folded form's label are Markdown. They are checked with a real CommonMark parser
(markdown-it-py): whatever a link holds must come out as one paragraph of plain text, with no
link, image, HTML or formatting, and of bounded length.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from finder.conditions import ConditionLibrary
from finder.limits import MAX_TEXT_LENGTH
from finder.search import DEFAULT_RADIUS_MILES, RADIUS_CHOICES_MILES
from finder.search_form import search_summary
from finder.search_request import MAX_ECHO_LENGTH, SearchRequest, echo, from_query_params

PARAMETERS = ("location", "radius", "sub", "condition", "accepting", "telehealth", "language", "name")
#: Longest note or label: our own words (under 100 characters) plus a value of at most
#: MAX_ECHO_LENGTH characters, each of which may gain an escaping backslash, for each value shown.
LONGEST_MARKDOWN = 600
HOSTILE_VALUES = (
    "[Urgent: call 555-0100](https://evil.example/call)",
    "![](https://evil.example/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "<https://evil.example>",
    "<script>alert(1)</script>",
    "**bold** _em_ `code` ~~gone~~ # heading",
    "- list item\n> quote\n    code block",
    ":red[coloured] :smile: $x^2$",
    "&lt;b&gt; &#x3C;b&#x3E; &amp;",
    "[x]: https://evil.example\n[x]",
    "https://evil.example www.evil.example WWW.EVIL.EXAMPLE call@evil.example mailto:a@evil.example",
    "\\[not\\](escaped)",
    "²",
    "①",
    "٣",
    "9" * 10_000,
    "x" * 100_000,
)
_MARKDOWN = MarkdownIt("commonmark")
#: What GitHub-flavoured Markdown turns into a link even in plain text (remark-gfm's patterns, ASCII \w).
_AUTOLINK_LITERAL = re.compile(r"(?i)https?://|www\.|[-.\w+]+@[-\w]+(\.[-\w]+)+", re.ASCII)


def plain_text(markdown: str) -> str:
    """What a reader sees, asserting the Markdown is a single paragraph of nothing but text.

    Streamlit's renderer also links bare web and e-mail addresses found in the text (GitHub's
    "autolink literals", which CommonMark lacks), so the text must hold none; the invisible
    word joiners that break them up are left out of what is returned.
    """
    blocks = _MARKDOWN.parse(markdown)
    assert [block.type for block in blocks] == ["paragraph_open", "inline", "paragraph_close"], markdown
    children = blocks[1].children or []
    assert [child.type for child in children] == ["text"], markdown
    assert not _AUTOLINK_LITERAL.search(children[0].content), markdown
    return children[0].content.replace("\u2060", "")


@pytest.mark.parametrize("radius", ["²", "①", "٣", "9" * 10_000, "7", "-5", "25.0", " 25", "1e2", "0x19", "abc"])
def test_a_radius_that_is_not_one_of_ours_gives_the_default_and_a_note(radius: str, library: ConditionLibrary) -> None:
    request, notes = from_query_params({"radius": radius}, library)
    assert request.radius_miles == DEFAULT_RADIUS_MILES
    [note] = notes
    shown = plain_text(note)
    assert shown.startswith("The link asked for a radius of “")
    assert shown.endswith(f"”; we used {DEFAULT_RADIUS_MILES} miles.")
    assert len(shown) < 120


@pytest.mark.parametrize("radius", [str(miles) for miles in RADIUS_CHOICES_MILES])
def test_each_radius_choice_is_read(radius: str, library: ConditionLibrary) -> None:
    assert from_query_params({"radius": radius}, library) == (SearchRequest(radius_miles=int(radius)), [])


def test_a_link_round_trips(library: ConditionLibrary) -> None:
    request = SearchRequest(
        location="Chicago, IL",
        radius_miles=50,
        subspecialties=("epilepsy", "movement-disorders"),
        condition="myoclonus",
        accepting_new_patients=True,
        telehealth=True,
        language="Spanish",
        name="Ng",
    )
    assert from_query_params(request.to_query_params(), library) == (request, [])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"sub": "epilepsy,[Urgent: call 555-0100](https://evil.example/call)"},
            "The link named 1 kind of specialist we do not list, so the search leaves them out.",
        ),
        (
            {"condition": "![](https://evil.example/pixel.png)"},
            "The link named a condition we do not have a page for (“![](https://evil.example/pixel.png)”).",
        ),
        ({"radius": "<b>50</b>"}, "The link asked for a radius of “<b>50</b>”; we used 25 miles."),
    ],
)
def test_notes_show_link_values_as_text_not_links_images_or_html(
    params: dict[str, str], expected: str, library: ConditionLibrary
) -> None:
    _, notes = from_query_params(params, library)
    assert [plain_text(note) for note in notes] == [expected]


def test_a_huge_value_is_shortened_in_the_note(library: ConditionLibrary) -> None:
    _, notes = from_query_params({"condition": "a" * 100_000}, library)
    assert plain_text(notes[0]) == f"The link named a condition we do not have a page for (“{'a' * MAX_ECHO_LENGTH}…”)."


def test_echo_shortens_then_escapes() -> None:
    assert echo("  a   b  ") == "a b"
    assert echo("[" * 100) == "\\[" * MAX_ECHO_LENGTH + "…"
    assert plain_text(echo("x" * (MAX_ECHO_LENGTH - 1) + " [y](z)")) == "x" * (MAX_ECHO_LENGTH - 1) + "…"


def test_search_summary_shows_the_search_as_plain_text(library: ConditionLibrary) -> None:
    image = "![](https://evil.example/x.png) "
    request = SearchRequest(location=image + "x" * 500, radius_miles=10)
    label = plain_text(search_summary(request, library))
    assert label == f"Change search: {image}{'x' * (MAX_ECHO_LENGTH - len(image))}… · 10 miles"
    assert search_summary(SearchRequest(), library) == "Search"
    with_condition = SearchRequest(location="60614", condition="myoclonus", subspecialties=("epilepsy",))
    assert (
        plain_text(search_summary(with_condition, library)) == "Change search: 60614 · 25 miles · Myoclonus · Epilepsy"
    )
    with_kinds = SearchRequest(location="60614", subspecialties=("epilepsy", "headache-medicine"))
    assert (
        plain_text(search_summary(with_kinds, library))
        == "Change search: 60614 · 25 miles · Epilepsy · Headache medicine"
    )


_values = st.one_of(
    st.text(),
    st.sampled_from(HOSTILE_VALUES),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), max_size=6),  # digits of every script
    st.lists(st.sampled_from((*HOSTILE_VALUES, "epilepsy", "myoclonus", "25"))).map(",".join),
)


@settings(max_examples=200, deadline=None)
@given(params=st.dictionaries(st.one_of(st.sampled_from(PARAMETERS), st.text()), _values))
def test_any_link_gives_a_search_and_plain_bounded_notes(params: dict[str, str], library: ConditionLibrary) -> None:
    request, notes = from_query_params(params, library)

    assert request.radius_miles in RADIUS_CHOICES_MILES
    assert all(len(text) <= MAX_TEXT_LENGTH for text in (request.language, request.name))
    assert len(request.location) <= MAX_TEXT_LENGTH + 1  # one over: the lookup then says it is too long
    for markdown in [*notes, search_summary(request, library)]:
        assert len(markdown) <= LONGEST_MARKDOWN
        plain_text(markdown)


def test_every_active_filter_is_named_and_can_be_removed_alone() -> None:
    request = SearchRequest(
        location="10001", subspecialties=("epilepsy", "sleep-medicine"), accepting_new_patients=True,
        telehealth=True, language="Spanish", name="Ruiz", gender="female",
    )  # fmt: skip
    filters = dict(request.active_filters())
    assert list(filters) == [
        "Epilepsy", "Sleep medicine", "accepting new patients", "video visits", "speaks Spanish",
        "name contains “Ruiz”", "female doctor",
    ]  # fmt: skip
    assert filters["Epilepsy"] == replace(request, subspecialties=("sleep-medicine",))
    assert filters["speaks Spanish"] == replace(request, language="")
    assert SearchRequest(location="10001").active_filters() == []
