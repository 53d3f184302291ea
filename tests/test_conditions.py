"""The condition library: every shipped page is valid, broken files are reported, symptoms find pages."""

from pathlib import Path

import pytest

from finder import vocabulary
from finder.conditions import CONDITIONS_DIR, ConditionLibrary, load_library, render_body, split_emergency

MYOCLONUS_SUBSPECIALTIES = ("movement-disorders", "epilepsy", "clinical-neurophysiology", "child-neurology")


#: Every shipped page, found when the tests are collected, so each gets its own test and none is skipped.
SHIPPED = sorted(path.stem for path in CONDITIONS_DIR.glob("*.md"))


def test_every_shipped_condition_loads_without_problems(library: ConditionLibrary) -> None:
    assert library.problems == []
    assert len(library.conditions) >= 13  # myoclonus and at least 12 more
    assert sorted(library.conditions) == SHIPPED


@pytest.mark.parametrize("slug", SHIPPED)
def test_each_condition_has_https_sources_our_subspecialties_and_its_sections(
    library: ConditionLibrary, slug: str
) -> None:
    condition = library.conditions[slug]
    assert condition.sources and all(str(s.url).startswith("https://") for s in condition.sources)
    assert all(subspecialty in vocabulary.LABELS for subspecialty in condition.subspecialties)
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


@pytest.mark.parametrize("query", ["baby jerks", "infant spasms", "infantile spasms", "my baby keeps stiffening"])
def test_a_baby_with_jerks_or_spasms_finds_myoclonus_or_epilepsy_first(library: ConditionLibrary, query: str) -> None:
    found = [condition.slug for condition in library.search(query)]
    assert found[0] in {"myoclonus", "epilepsy"}, found


def test_parkinsonism_lists_more_than_parkinsons_and_each_page_explains_it(library: ConditionLibrary) -> None:
    found = library.search("parkinsonism")
    assert len(found) >= 2 and "parkinsons-disease" in [condition.slug for condition in found]
    for condition in found:
        assert "parkinsonism" in condition.body.lower(), condition.slug


@pytest.mark.parametrize(
    "query",
    ["multiple system atrophy", "progressive supranuclear palsy", "drug-induced parkinsonism", "kinetic tremor"],
)
def test_a_look_alike_condition_lands_on_a_page_that_explains_it(library: ConditionLibrary, query: str) -> None:
    """Names of other conditions must never land silently on a page that does not mention them."""
    first = library.search(query)[0]
    assert query in " ".join(first.body.lower().split()), first.slug


@pytest.mark.parametrize(
    ("slug", "not_a_synonym"), [("parkinsons-disease", "parkinsonism"), ("essential-tremor", "kinetic tremor")]
)
def test_a_symptom_with_other_causes_is_not_listed_as_another_name(
    library: ConditionLibrary, slug: str, not_a_synonym: str
) -> None:
    condition = library.get(slug)
    assert condition is not None
    assert not_a_synonym not in [name.lower() for name in condition.also_known_as]


# The issue-11 fixes, each a fact a patient must find on the page (lower case, spaces collapsed).
SAFETY_FACTS = [
    ("migraine-and-headache", "pregnancy or in the 6 weeks after giving birth"),
    ("migraine-and-headache", "preeclampsia"),
    ("migraine-and-headache", "giant cell arteritis"),
    ("migraine-and-headache", "jaw pain when you chew"),
    ("migraine-and-headache", "takes a blood thinner, or who is 65 or older, hits their head"),
    ("migraine-and-headache", "headache gets worse after a head injury"),
    ("migraine-and-headache", "first-line option for prevention"),
    ("migraine-and-headache", "atogepant"),
    ("migraine-and-headache", "rimegepant"),
    ("myoclonus", "infantile spasms"),
    ("myoclonus", "serotonin syndrome"),
    ("myoclonus", "gabapentin and pregabalin"),
    ("myoclonus", "taken during pregnancy, valproate can cause serious birth defects"),
    ("myoclonus", "child neurologist"),
    ("parkinsons-disease", "gamble, shop, eat or seek sex"),
    ("parkinsons-disease", "fall asleep suddenly, even while driving"),
    ("parkinsons-disease", "most common cause of parkinsonism, but it is not the only one"),
    ("restless-legs-syndrome", "no longer advised for routine use"),
    ("restless-legs-syndrome", "augmentation"),
    ("restless-legs-syndrome", "transferrin saturation"),
    ("restless-legs-syndrome", "75 to 100 ng/ml"),
    ("restless-legs-syndrome", "may call these levels normal"),
    ("restless-legs-syndrome", "another problem does not explain it better"),
    ("epilepsy", "sudden unexpected death in epilepsy"),
    ("epilepsy", "the best way to lower the risk is to control seizures"),
    ("epilepsy", "rescue medicine"),
    ("epilepsy", "seizure action plan"),
    ("peripheral-neuropathy", "steroids do not help guillain-barré syndrome"),
    ("peripheral-neuropathy", "it is treated with **steroids**, **ivig** or **plasma exchange**"),
    ("myasthenia-gravis", "about 10 to 15 in 100 people with mg have a tumor of the thymus"),
    ("myasthenia-gravis", "but they can spread"),
    ("multiple-sclerosis", "about 6 to 7 years less than average"),
    ("multiple-sclerosis", "gap has been shrinking"),
    ("als", "about 3 years or more after their first symptoms"),
    ("als", "about 1 in 5 live 5 years or more"),
    ("als", "1 in 10 live 10 years or more"),
    ("als", "up to half of people with als have some change"),
    ("als", "about 15 in 100 develop a type of dementia called frontotemporal dementia"),
    ("tourette-and-tics", "violent tics can injure the neck or spine"),
    ("alzheimers-and-dementia", "people with lewy body dementia can react badly to antipsychotic medicines"),
    ("alzheimers-and-dementia", "shot under the skin"),
]


@pytest.mark.parametrize(("slug", "fact"), SAFETY_FACTS)
def test_page_states_the_safety_fact(library: ConditionLibrary, slug: str, fact: str) -> None:
    condition = library.get(slug)
    assert condition is not None
    assert fact in " ".join(condition.body.lower().split())


@pytest.mark.parametrize(
    ("slug", "guideline_url"),
    [
        ("migraine-and-headache", "https://doi.org/10.1111/head.14692"),
        ("restless-legs-syndrome", "https://doi.org/10.5664/jcsm.11390"),
        ("epilepsy", "https://pubmed.ncbi.nlm.nih.gov/28438841/"),
        ("stroke", "https://doi.org/10.1161/STR.0000000000000513"),
        ("tourette-and-tics", "https://doi.org/10.1212/WNL.0000000000007466"),
        ("myasthenia-gravis", "https://doi.org/10.1212/WNL.0000000000011124"),
        ("peripheral-neuropathy", "https://doi.org/10.1111/ene.16073"),
        ("parkinsons-disease", "https://doi.org/10.1212/WNL.0000000000012868"),
    ],
)
def test_treatment_advice_cites_its_clinical_guideline(
    library: ConditionLibrary, slug: str, guideline_url: str
) -> None:
    condition = library.get(slug)
    assert condition is not None
    assert guideline_url in [str(source.url) for source in condition.sources]


def test_narcolepsy_points_to_the_seizure_criteria_instead_of_911_for_any_seizure(library: ConditionLibrary) -> None:
    narcolepsy = library.get("narcolepsy-and-sleep-disorders")
    assert narcolepsy is not None
    _, red_flags, _ = split_emergency(narcolepsy.body)
    assert "[[epilepsy]]" in red_flags and "more than 5 minutes" in red_flags
    assert "has a seizure" not in narcolepsy.body


def test_split_emergency_takes_out_exactly_that_section() -> None:
    body = "Intro.\n\n## When is it an emergency?\n\n**Call:**\n- now\n\n## What is it?\nMore."
    assert split_emergency(body) == ("Intro.", "**Call:**\n- now", "## What is it?\nMore.")
    assert split_emergency("Intro.\n## When is it an emergency?\n- now") == ("Intro.", "- now", "")
    assert split_emergency("## What is it?\nText.") == ("## What is it?\nText.", "", "")


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
    badge = load_library(tmp_path).conditions["good"].review_badge
    assert (
        badge
        == "Not yet reviewed by a clinician; updated November 29, 2026. Sources are listed at the end of the page."
    )


def test_a_signed_off_page_names_its_reviewer_and_date(tmp_path: Path) -> None:
    write(tmp_path, "good.md", GOOD + '\nreviewed_by: "Ana  Ruiz, MD"\nlast_reviewed: 2026-12-01')
    status = load_library(tmp_path).conditions["good"].review_status
    assert status.startswith("Reviewed by Ana Ruiz, MD on December 1, 2026.")
    badge = load_library(tmp_path).conditions["good"].review_badge
    assert badge == "Reviewed by Ana Ruiz, MD on December 1, 2026; updated November 29, 2026."


@pytest.mark.parametrize("half_claim", ['reviewed_by: "Ana Ruiz, MD"', "last_reviewed: 2026-12-01"])
def test_a_review_needs_both_a_name_and_a_date(tmp_path: Path, half_claim: str) -> None:
    write(tmp_path, "half.md", GOOD + "\n" + half_claim)
    library = load_library(tmp_path)
    assert "half" not in library.conditions
    assert any(p.startswith("half.md:") and "go together" in p for p in library.problems)
