"""Every condition page, shipped now or added later, meets the page standard in docs/condition-format.md.

Patients act on these pages, so each check runs once per file in data/conditions/: the red
flags come first and name the local emergency number, a specialist section and real sources
are there, the review state is honest, and the words stay at a grade-8 reading level.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from pathlib import Path

import frontmatter
import pytest

from finder import vocabulary
from finder.conditions import (
    CONDITIONS_DIR,
    EMERGENCY_HEADING,
    Condition,
    ConditionLibrary,
    load_library,
    split_emergency,
)

with warnings.catch_warnings():
    # textstat 0.7.4 (see requirements-dev.txt) reads its word lists through the deprecated pkg_resources.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import textstat

ROOT = Path(__file__).resolve().parents[1]
SLUGS = sorted(path.stem for path in CONDITIONS_DIR.glob("*.md"))
CALL_LINE = "**Call 911 (or your local emergency number) if:**"
SAME_DAY_LINE = "**Get medical care the same day if:**"
LOCAL_NUMBER = "(or your local emergency number)"
SPECIALIST_HEADING = "When should I see a specialist?"
MAX_GRADE = 8.0
# A page that names stroke among its red flags lists every sign, so no page teaches a partial list.
STROKE_SIGNS = {
    "face droop": r"\bface\b",
    "arm or leg weakness": r"\barm\b",
    "speech trouble": r"speak|speech|talk",
    "vision loss": r"vision|\bsee\b|sight",
    "loss of balance": r"balance",
    "sudden severe headache": r"headache",
}
# Red flags that are never a "same day" matter: each is always under the 911 list (docs/condition-format.md).
# A sudden face droop, sudden weakness of a limb or one side, or trouble speaking can be a stroke.
SAME_DAY_NEVER = {
    "a face that droops (stroke sign)": (r"\bdroop",),
    "trouble speaking (stroke sign)": (r"speech|\bspeak|slurred|find words",),
    "weakness on one side (stroke sign)": (r"\bweak|\bnumb", r"one side"),
    "sudden weakness of an arm, leg, hand or foot (stroke sign)": (
        r"\bsudden",
        r"\bweak|\bnumb|cannot lift",
        r"\b(?:arm|leg|hand|foot|feet|wrist)s?\b",
    ),
    "weakness spreading or worsening over hours to days (Guillain-Barré)": (
        r"\bweak",
        r"spread|one day to the next|over hours|quickly|\bfast\b",
    ),
    "loss of bladder or bowel control, or numbness between the legs (spinal cord)": (
        r"bladder|bowel|pass(?:ing)? urine|hold urine|urine or stool|between the legs|saddle",
    ),
    "sudden or nonstop vertigo (stroke)": (
        r"vertigo|dizz",
        r"nonstop|constant|does not stop|\bsudden\w*,? (?:\w+,? ){0,3}(?:vertigo|dizz)",
    ),
    "thoughts of self-harm or suicide (crisis)": (r"suicid|self-harm|harm(?:ing)? (?:yourself|themselves)",),
}
# A stroke sign in a "same day" bullet is allowed only where the bullet says it built up slowly (a tumor, a relapse).
GRADUAL = r"\bslowly\b|over (?:weeks|months)"
SELF_HARM = r"suicid|self-harm|harm(?:ing)? (?:yourself|themselves|himself|herself)"
# A head injury red flag gives the whole rule, or links to the page that does (docs/condition-format.md rule 3).
HEAD_INJURY = r"head injury|hits? (?:their|your|his|her) head|hit their head"
HEAD_INJURY_RULE = {
    "a headache": r"headache",
    "repeated vomiting": r"vomit|throws? up",
    "confusion": r"confus",
    "passing out": r"pass(?:es)? out|passed out",
    "being hard to wake": r"hard to wake|cannot be woken",
    "a blood thinner": r"blood thinner",
    "age 65 or older": r"\b65\b",
}
# A seizure red flag that names the 5-minute rule gives the whole rule and links to the epilepsy page.
SEIZURE_RULE = {
    "more than 5 minutes": r"5 minutes",
    "repeats without waking up": r"without (?:the person )?waking",
    "a first seizure": r"\bfirst\b",
    "a link to the epilepsy page": r"\[\[epilepsy[|\]]",
}
# Every file whose words reach a patient or staff member and may mention the emergency number.
TEXT_FILES = sorted(
    [*CONDITIONS_DIR.glob("*.md"), ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "finder").glob("*.py")]
)
_LINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")


def plain_text(body: str) -> str:
    """The page text as a reader sees it, for the reading-grade check (the measure documented in the format guide).

    Markdown syntax is stripped and nothing is added: [[slug|words]] becomes its words, [[slug]] the
    slug's words, [text](url) its text; heading marks, list markers and emphasis marks go. List items
    are not given full stops, so a list of fragments counts as one long sentence, as it reads.
    """
    text = _LINK.sub(lambda match: match.group(2) or match.group(1).replace("-", " "), body)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^[ \t]{0,3}#+[ \t]*", "", text, flags=re.MULTILINE)
    text = re.sub(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", "", text, flags=re.MULTILINE)
    return re.sub(r"[*_`]+", "", text)


def reading_grade(body: str) -> float:
    return textstat.flesch_kincaid_grade(plain_text(body))


@cache
def front_matter(slug: str) -> dict[str, object]:
    """The file's own front matter, before the loader normalizes anything."""
    return frontmatter.loads((CONDITIONS_DIR / f"{slug}.md").read_text(encoding="utf-8")).metadata


def page(library: ConditionLibrary, slug: str) -> Condition:
    condition = library.get(slug)
    assert condition is not None, f"{slug}.md did not load: {library.problems}"
    return condition


def red_flags(library: ConditionLibrary, slug: str) -> str:
    _, section, _ = split_emergency(page(library, slug).body)
    assert section, f"{slug}.md has no “## {EMERGENCY_HEADING}” section"
    return section


def list_items(section: str, line: str) -> list[str]:
    """The bullets of the list right after `line` in an emergency section, each on one line ([] if no such line)."""
    if line not in section:
        return []
    block = section.split(line, 1)[1].strip().split("\n\n", 1)[0]
    return [" ".join(item.split()) for item in re.split(r"^- ", block, flags=re.MULTILINE) if item.strip()]


def same_day_problems(section: str) -> list[str]:
    """Each "same day" bullet that names a red flag the format guide puts under 911, with the rule it breaks."""
    return [
        f"{rule}: “{item}”"
        for item in list_items(section, SAME_DAY_LINE)
        for rule, patterns in SAME_DAY_NEVER.items()
        if all(re.search(pattern, item, flags=re.IGNORECASE) for pattern in patterns)
        and not ("stroke sign" in rule and re.search(GRADUAL, item, flags=re.IGNORECASE))
    ]


# Pages each cross-page rule applies to, chosen when the tests are collected, so none is skipped.
_BODIES = {slug: condition.body for slug, condition in load_library().conditions.items()}
_RED_FLAGS = {slug: " ".join(split_emergency(body)[1].split()) for slug, body in _BODIES.items()}
STROKE_PAGES = sorted(slug for slug, section in _RED_FLAGS.items() if "stroke" in section.lower())
SELF_HARM_PAGES = sorted(slug for slug, body in _BODIES.items() if re.search(SELF_HARM, body, flags=re.IGNORECASE))
HEAD_INJURY_PAGES = sorted(
    slug for slug, section in _RED_FLAGS.items() if re.search(HEAD_INJURY, section, flags=re.IGNORECASE)
)
SEIZURE_RULE_PAGES = sorted(slug for slug, section in _RED_FLAGS.items() if "5 minutes" in section)


def test_each_cross_page_rule_applies_to_some_pages() -> None:
    """The rules below are parametrized over the pages they apply to; an empty list would test nothing."""
    assert STROKE_PAGES and SELF_HARM_PAGES and HEAD_INJURY_PAGES and SEIZURE_RULE_PAGES


def test_the_real_library_loads_with_no_problems(library: ConditionLibrary) -> None:
    assert library.problems == []
    assert sorted(library.conditions) == SLUGS


@pytest.mark.parametrize("slug", SLUGS)
def test_page_opens_with_plain_words_then_the_emergency_section(library: ConditionLibrary, slug: str) -> None:
    body = page(library, slug).body
    headings = re.findall(r"^## +(.+?) *$", body, flags=re.MULTILINE)
    assert headings and headings[0] == EMERGENCY_HEADING, f"first section is {headings[:1]}"
    intro, _, _ = split_emergency(body)
    assert re.search(r"\w[^.!?]*[.!?]", plain_text(intro)), "say what the condition is before the red flags"


@pytest.mark.parametrize("slug", SLUGS)
def test_emergency_section_says_when_to_call_in_a_list(library: ConditionLibrary, slug: str) -> None:
    section = red_flags(library, slug)
    for line in (CALL_LINE, SAME_DAY_LINE):
        if line == CALL_LINE or line in section:
            after = section.split(line, 1)[1].lstrip("\n")
            assert after.startswith("- "), f"“{line}” must be followed by a bulleted list"
    assert CALL_LINE in section


@pytest.mark.parametrize("slug", STROKE_PAGES)
def test_a_page_naming_stroke_lists_every_stroke_sign(library: ConditionLibrary, slug: str) -> None:
    section = red_flags(library, slug).lower()
    missing = [sign for sign, pattern in STROKE_SIGNS.items() if not re.search(pattern, section)]
    assert missing == []


@pytest.mark.parametrize("slug", SLUGS)
def test_seizure_red_flags_agree_on_five_minutes(library: ConditionLibrary, slug: str) -> None:
    section = " ".join(red_flags(library, slug).lower().split())
    assert set(re.findall(r"seizures?[^.]*?(\d+) minutes", section)) <= {"5"}


@pytest.mark.parametrize("slug", SLUGS)
def test_no_911_red_flag_is_downgraded_to_same_day(library: ConditionLibrary, slug: str) -> None:
    assert same_day_problems(red_flags(library, slug)) == []


@pytest.mark.parametrize("slug", SELF_HARM_PAGES)
def test_a_page_naming_self_harm_gives_988_and_911(library: ConditionLibrary, slug: str) -> None:
    section = red_flags(library, slug)
    assert "988" in section, "name the 988 Suicide & Crisis Lifeline in the emergency section"
    call_911 = list_items(section, CALL_LINE)
    assert [item for item in call_911 if re.search(SELF_HARM, item, flags=re.IGNORECASE)], "put self-harm under 911"


@pytest.mark.parametrize("slug", HEAD_INJURY_PAGES)
def test_a_head_injury_red_flag_gives_the_whole_rule(library: ConditionLibrary, slug: str) -> None:
    section = " ".join(red_flags(library, slug).split())
    if "[[concussion-and-brain-injury" in section:
        return
    missing = [sign for sign, pattern in HEAD_INJURY_RULE.items() if not re.search(pattern, section, re.IGNORECASE)]
    assert missing == [], "give the whole head injury rule or link to [[concussion-and-brain-injury]]"


@pytest.mark.parametrize("slug", SEIZURE_RULE_PAGES)
def test_a_seizure_red_flag_gives_the_whole_rule(library: ConditionLibrary, slug: str) -> None:
    section = " ".join(red_flags(library, slug).split())
    rule = {sign: pattern for sign, pattern in SEIZURE_RULE.items() if slug != "epilepsy" or "link" not in sign}
    assert [sign for sign, pattern in rule.items() if not re.search(pattern, section, re.IGNORECASE)] == []


def test_list_items_reads_each_wrapped_bullet_of_the_right_list() -> None:
    section = f"{CALL_LINE}\n\n- One\n  two.\n- Three.\n\nText.\n\n{SAME_DAY_LINE}\n\n- Four."
    assert list_items(section, CALL_LINE) == ["One two.", "Three."]
    assert list_items(section, SAME_DAY_LINE) == ["Four."]
    assert list_items("no list here", SAME_DAY_LINE) == []


@pytest.mark.parametrize(
    "bullet",
    [
        "Your face droops on one side, even with no other signs.",
        "Your aura comes with weakness on one side of the body.",
        "Your hand or foot suddenly becomes weak.",
        "A headache comes with changes in vision or speech.",
        "Weakness is spreading to other parts of the body over hours or days.",
        "You have new trouble controlling your bladder or bowels, or numbness between the legs.",
        "You have strong, nonstop vertigo that has lasted for hours and is new for you.",
        "You have sudden, strong dizziness.",
        "You have thoughts of harming yourself.",
    ],
)
def test_same_day_check_catches_each_downgraded_red_flag(bullet: str) -> None:
    assert same_day_problems(f"{SAME_DAY_LINE}\n\n- {bullet}")


def test_same_day_check_passes_same_day_matters() -> None:
    bullets = [
        "You cannot close your eye fully, or your eye is red or painful.",
        "Numbness in the hand has crept up over weeks after a tight cast was taken off.",
        "You suddenly lose hearing in one ear.",
        "Someone talks about death, about feeling hopeless, or about being a burden.",
        "Your weakness is clearly worse than usual, for example with an infection.",
        "A headache comes with changes in vision or speech that have built up slowly over weeks.",
    ]
    assert same_day_problems(SAME_DAY_LINE + "\n\n" + "\n".join(f"- {b}" for b in bullets)) == []


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_911_also_names_the_local_emergency_number(path: Path) -> None:
    text = " ".join(path.read_text(encoding="utf-8").split())
    bare = [text[max(0, m.start() - 40) : m.end() + 40] for m in re.finditer(r"\b911\b", text)]
    assert [snippet for snippet in bare if LOCAL_NUMBER not in snippet] == []


@pytest.mark.parametrize("slug", SLUGS)
def test_page_says_when_to_see_a_specialist(library: ConditionLibrary, slug: str) -> None:
    assert f"\n## {SPECIALIST_HEADING}\n" in f"\n{page(library, slug).body}\n"


@pytest.mark.parametrize("slug", SLUGS)
def test_page_cites_at_least_two_web_sources(library: ConditionLibrary, slug: str) -> None:
    sources = page(library, slug).sources
    assert len(sources) >= 2
    assert all(source.url.startswith(("http://", "https://")) for source in sources)


@pytest.mark.parametrize("slug", SLUGS)
def test_subspecialties_are_vocabulary_slugs(slug: str) -> None:
    given = front_matter(slug)["subspecialties"]
    assert isinstance(given, list) and given
    assert [name for name in given if name not in vocabulary.SLUGS] == []


@pytest.mark.parametrize("slug", SLUGS)
def test_review_state_is_a_named_dated_sign_off_or_says_not_reviewed(library: ConditionLibrary, slug: str) -> None:
    meta = front_matter(slug)
    condition = page(library, slug)
    if meta.get("reviewed_by") or meta.get("last_reviewed"):
        assert condition.reviewed_by and condition.last_reviewed
        assert condition.review_status.startswith(f"Reviewed by {condition.reviewed_by}")
    else:
        assert "not yet reviewed by a clinician" in condition.review_status
        assert "Not yet reviewed by a clinician" in condition.review_badge


@pytest.mark.parametrize("slug", SLUGS)
def test_page_reads_at_grade_8_or_below(library: ConditionLibrary, slug: str) -> None:
    grade = reading_grade(page(library, slug).body)
    assert grade <= MAX_GRADE, f"Flesch-Kincaid grade {grade}: use shorter sentences and plainer words"


def test_plain_text_keeps_the_words_a_reader_sees_and_drops_the_markup() -> None:
    body = "## What is it?\n\nSee **[[epilepsy|seizures]]** or [[restless-legs-syndrome]].\n\n- one\n1. two"
    assert plain_text(body) == "What is it?\n\nSee seizures or restless legs syndrome.\n\none\ntwo"


def test_reading_grade_fails_dense_text_and_passes_plain_text() -> None:
    dense = "Paroxysmal hyperkinetic manifestations necessitate comprehensive electrophysiological characterization."
    plain = "A seizure is a short burst of odd activity in the brain. It often stops on its own."
    assert reading_grade(dense) > MAX_GRADE >= reading_grade(plain)
