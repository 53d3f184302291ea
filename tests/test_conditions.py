"""The condition library: every shipped page is valid, broken files are reported, symptoms find pages."""

from pathlib import Path

import pytest

from finder import vocabulary
from finder.conditions import ConditionLibrary, load_library, render_body

MYOCLONUS_SUBSPECIALTIES = ("movement-disorders", "epilepsy", "clinical-neurophysiology")


def test_every_shipped_condition_loads_without_problems(library: ConditionLibrary) -> None:
    assert library.problems == []
    assert len(library.conditions) >= 13  # myoclonus and at least 12 more
    for condition in library.conditions.values():
        assert condition.sources and all(str(s.url).startswith("https://") for s in condition.sources)
        assert all(slug in vocabulary.LABELS for slug in condition.subspecialties)
        assert condition.body.count("\n## ") >= 4, f"{condition.slug} needs its sections"


def test_myoclonus_page_content(library: ConditionLibrary) -> None:
    myoclonus = library.get("myoclonus")
    assert myoclonus is not None
    assert myoclonus.subspecialties == MYOCLONUS_SUBSPECIALTIES
    text = myoclonus.body.lower()
    for fact in ("negative myoclonus", "cortex", "brainstem", "spinal cord", "eeg", "emg", "mri",
                 "clonazepam", "levetiracetam", "valpro", "primidone", "botulinum"):  # fmt: skip
        assert fact in text, fact
    assert {"epilepsy", "parkinsons-disease", "alzheimers-and-dementia", "multiple-sclerosis"} <= set(myoclonus.related)


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("twitching", "myoclonus"),
        ("my arm jerks", "myoclonus"),
        ("seizure", "epilepsy"),
        ("seizrue", "epilepsy"),
        ("shaking hands", "essential-tremor"),
        ("memory loss", "alzheimers-and-dementia"),
        ("Parkinson's", "parkinsons-disease"),
    ],
)
def test_symptom_search(library: ConditionLibrary, query: str, expected_first: str) -> None:
    assert library.search(query)[0].slug == expected_first


def test_search_with_no_match_is_empty(library: ConditionLibrary) -> None:
    assert library.search("zzzz qqqq") == []


def test_body_links_become_condition_links(library: ConditionLibrary) -> None:
    myoclonus = library.get("myoclonus")
    assert myoclonus is not None
    text = render_body(myoclonus, library, lambda slug: f"conditions?condition={slug}")
    assert "[[" not in text
    assert "](conditions?condition=epilepsy)" in text


def write(folder: Path, name: str, front: str, body: str = "## What is it?\nText.") -> None:
    (folder / name).write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")


GOOD = """title: Good
summary: A fine page.
subspecialties: [epilepsy]
updated: 2026-11-29
sources:
  - {title: A, publisher: B, url: "https://example.org/a"}"""


def test_bad_files_are_reported_by_name_and_good_ones_kept(tmp_path: Path) -> None:
    write(tmp_path, "good.md", GOOD, "## Hi\nSee [[missing-page]] and [[good|itself]].")
    write(tmp_path, "no-title.md", GOOD.replace("title: Good\n", ""))
    write(tmp_path, "odd-specialty.md", GOOD.replace("[epilepsy]", "[epilepsy, movment disorders]"))
    write(tmp_path, "only-odd.md", GOOD.replace("[epilepsy]", "[podiatry]"))
    write(tmp_path, "broken-related.md", GOOD + "\nrelated: [good, nowhere]")
    write(tmp_path, "bad-url.md", GOOD.replace("https://example.org/a", "javascript:alert(1)"))
    write(tmp_path, "typo-key.md", GOOD + "\nsubspecialtes: [epilepsy]")
    write(tmp_path, "bad-yaml.md", "title: [unclosed")
    library = load_library(tmp_path)
    report = "\n".join(library.problems)
    assert set(library.conditions) == {"good", "odd-specialty", "broken-related"}
    assert "no-title.md: “title” is missing" in report
    assert "“movment disorders” is not a subspecialty we list; did you mean “Movement disorders”?" in report
    assert "only-odd.md: no known subspecialty" in report
    assert "broken-related.md: the related condition “nowhere” does not exist" in report
    assert library.conditions["broken-related"].related == ("good",)
    assert "good.md: the link [[missing-page]] leads to a page that does not exist" in report
    assert "bad-url.md: “sources.0.url”" in report
    assert "typo-key.md: “subspecialtes” is not a field we know" in report
    assert "bad-yaml.md: the front matter is not valid YAML" in report
    good = library.get("good")
    assert good is not None
    assert render_body(good, library, lambda slug: slug) == "## Hi\nSee missing-page and [itself](good)."


def test_a_page_without_a_reviewer_says_so_and_never_claims_a_review(tmp_path: Path) -> None:
    write(tmp_path, "good.md", GOOD)
    status = load_library(tmp_path).conditions["good"].review_status
    assert status == "Written from public sources (B); not yet reviewed by a clinician. Last updated November 29, 2026."
    assert "Reviewed" not in status


def test_a_signed_off_page_names_its_reviewer_and_date(tmp_path: Path) -> None:
    write(tmp_path, "good.md", GOOD + '\nreviewed_by: "Ana  Ruiz, MD"\nlast_reviewed: 2026-12-01')
    status = load_library(tmp_path).conditions["good"].review_status
    assert status.startswith("Reviewed by Ana Ruiz, MD on December 1, 2026.")


@pytest.mark.parametrize("half_claim", ['reviewed_by: "Ana Ruiz, MD"', "last_reviewed: 2026-12-01"])
def test_a_review_needs_both_a_name_and_a_date(tmp_path: Path, half_claim: str) -> None:
    write(tmp_path, "half.md", GOOD + "\n" + half_claim)
    library = load_library(tmp_path)
    assert "half" not in library.conditions
    assert any(p.startswith("half.md:") and "go together" in p for p in library.problems)
