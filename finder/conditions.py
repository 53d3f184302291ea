"""The condition library: patient pages kept as Markdown files with front matter in data/conditions/.

Staff edit these files by hand, so loading checks each one (pydantic for the front matter,
plus cross-file checks for links) and reports what is wrong by file name instead of
raising. A file with a fatal problem is left out; a broken link or unknown subspecialty
is dropped and reported while the rest of the page is still shown.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator, model_validator

from finder import vocabulary

CONDITIONS_DIR = Path(__file__).resolve().parents[1] / "data" / "conditions"
_LINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
#: Every page's first section (docs/condition-format.md): the red flags, shown before anything else.
EMERGENCY_HEADING = "When is it an emergency?"
_SECTION = re.compile(r"^## +(.+?) *$", re.MULTILINE)
_WORD = re.compile(r"[a-z0-9]+")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Words that say nothing about a condition ("my arm jerks at night").
_STOP_WORDS = frozenset(
    ("a", "an", "and", "are", "at", "i", "im", "is", "it", "my", "of", "on", "or", "the", "to", "with", "when",
     "in", "have", "has", "been", "keep", "keeps", "get", "gets", "me", "mine", "our", "your", "his", "her",
     "their", "left", "right", "arm", "arms", "leg", "legs", "hand", "hands", "night", "day", "sometimes")
)  # fmt: skip
#: A typed word counts as a near match of an index word from this similarity (0-100).
FUZZY_CUTOFF = 80
#: Condition pages are a few KB; a file far larger is a mistake and is not parsed.
MAX_FILE_BYTES = 100_000
#: The front matter needs a list of small mappings at most (sources).
MAX_NESTING = 10


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    url: HttpUrl


class FrontMatter(BaseModel):
    """What each condition file must declare; extra keys are refused so typos are caught."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    also_known_as: list[str] = []
    symptom_words: list[str] = []
    subspecialties: list[str] = Field(min_length=1)
    related: list[str] = []
    updated: dt.date
    reviewed_by: str = ""
    last_reviewed: dt.date | None = None
    sources: list[Source] = Field(min_length=1)

    @field_validator("sources")
    @classmethod
    def _web_links_only(cls, sources: list[Source]) -> list[Source]:
        for source in sources:
            if source.url.scheme not in {"http", "https"}:
                raise ValueError(f"the source link {source.url} must start with https://")
        return sources

    @model_validator(mode="after")
    def _review_is_named_and_dated(self) -> FrontMatter:
        """A review claim needs both who signed off and when, so a page never half-claims a review."""
        if bool(self.reviewed_by.strip()) != (self.last_reviewed is not None):
            raise ValueError("“reviewed_by” and “last_reviewed” go together: give both, or neither")
        return self


@dataclass(frozen=True)
class Condition:
    slug: str
    title: str
    summary: str
    also_known_as: tuple[str, ...]
    symptom_words: tuple[str, ...]
    subspecialties: tuple[str, ...]
    related: tuple[str, ...]
    updated: dt.date
    reviewed_by: str
    last_reviewed: dt.date | None
    sources: tuple[Source, ...]
    body: str

    @property
    def subspecialty_labels(self) -> list[str]:
        return [vocabulary.LABELS[slug] for slug in self.subspecialties]

    @property
    def review_badge(self) -> str:
        """The short form of review_status for the top of the page, where a patient decides how far to trust it."""
        updated = f"updated {self.updated:%B %-d, %Y}"
        if self.reviewed_by and self.last_reviewed:
            return f"Reviewed by {self.reviewed_by} on {self.last_reviewed:%B %-d, %Y}; {updated}."
        return f"Not yet reviewed by a clinician; {updated}. Sources are listed at the end of the page."

    @property
    def review_status(self) -> str:
        """Who checked this page, in words that never claim a clinical review that has not happened."""
        updated = f"Last updated {self.updated:%B %-d, %Y}."
        if self.reviewed_by and self.last_reviewed:
            return f"Reviewed by {self.reviewed_by} on {self.last_reviewed:%B %-d, %Y}. {updated}"
        publishers = ", ".join(dict.fromkeys(source.publisher for source in self.sources))
        return f"Written from public sources ({publishers}); not yet reviewed by a clinician. {updated}"


@dataclass
class ConditionLibrary:
    """All usable conditions by slug, the problems found while loading, and a symptom index."""

    conditions: dict[str, Condition]
    problems: list[str] = field(default_factory=list)

    @cached_property
    def _index(self) -> dict[str, Counter[str]]:
        """Word -> how many of each condition's names and symptom phrases contain it.

        Built on the first symptom search rather than at loading: the find page, which every
        server start shows first, needs the library but not the index (nor the stemmer).
        """
        index: dict[str, Counter[str]] = {}
        for condition in self.conditions.values():
            for phrase in (
                condition.title,
                condition.slug.replace("-", " "),
                *condition.also_known_as,
                *condition.symptom_words,
            ):
                for word in _words(phrase):
                    index.setdefault(word, Counter())[condition.slug] += 1
        return index

    def get(self, slug: str) -> Condition | None:
        return self.conditions.get(slug)

    def alphabetical(self) -> list[Condition]:
        return sorted(self.conditions.values(), key=lambda c: c.title.lower())

    def search(self, query: str) -> list[Condition]:
        """Conditions whose names, other names or symptom words match what a patient typed, best first.

        Words are compared after light stemming ("twitching" ~ "twitch") and with a small
        typo allowance ("seizrue"). Scoring is TF-IDF-like: a word counts more when a
        condition lists it in several phrases and when few conditions list it at all.
        """
        from rapidfuzz import fuzz, process  # here, not at the top: only a symptom search needs it

        scores: dict[str, float] = {}
        vocabulary_words = list(self._index)
        for word in _words(query):
            if word in self._index:
                matches = {word: 100.0}
            elif len(word) >= 4:
                found = process.extract(word, vocabulary_words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
                matches = {match: score for match, score, _ in found}
            else:
                matches = {}
            for match, similarity in matches.items():
                holders = self._index[match]
                rarity = math.log(1 + len(self.conditions) / len(holders))
                for slug, count in holders.items():
                    scores[slug] = scores.get(slug, 0) + similarity / 100 * (1 + math.log(count)) * rarity
        ranked = sorted(scores, key=lambda slug: (-scores[slug], self.conditions[slug].title))
        return [self.conditions[slug] for slug in ranked]


def _words(text: str) -> set[str]:
    """The stems of the meaningful words: 'jerks', 'jerking' and 'jerked' all become 'jerk'."""
    words = [word for word in _WORD.findall(text.lower().replace("'", "")) if word not in _STOP_WORDS]
    return set(_stemmer().stemWords(words))


@cache
def _stemmer() -> Any:
    """The English stemmer, made on first use (see ConditionLibrary._index)."""
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def _plain_errors(error: ValidationError) -> str:
    """pydantic's report in words a content editor understands."""
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "front matter"
        if problem["type"] == "missing":
            parts.append(f"“{where}” is missing")
        elif problem["type"] == "extra_forbidden":
            parts.append(f"“{where}” is not a field we know (check the spelling)")
        elif problem["type"] == "string_type":
            parts.append(f"“{where}” must be text (put it in quotes if it looks like a date, a number or yes/no)")
        else:
            parts.append(f"“{where}”: {problem['msg']}")
    return "; ".join(parts)


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader with two guards for hand-edited front matter.

    A value YAML reads as a date or number but cannot build (2026-02-30, `!!float abc`) becomes a
    YAML error naming the value, instead of a bare ValueError. Nesting deeper than a condition page
    needs is refused before it is built: tens of thousands of levels crash the YAML reader outright.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise yaml.composer.ComposerError(
                    problem=f"the values are nested more than {MAX_NESTING} levels deep",
                    problem_mark=self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as error:
            value = str(node.value)[:40] if isinstance(node, yaml.ScalarNode) else "a value"
            kind = node.tag.rpartition(":")[2]
            raise yaml.constructor.ConstructorError(
                problem=f"“{value}” is not a valid {kind}: {error}", problem_mark=node.start_mark
            ) from error


class _FrontMatterYAML(YAMLHandler):
    """python-frontmatter's YAML handling with the guarded loader."""

    def load(self, fm: str, **kwargs: object) -> Any:  # as YAMLHandler.load: whatever the YAML holds
        return yaml.load(fm, Loader=_FrontMatterLoader)


class _Unusable(ValueError):
    """What makes a condition file unusable, in words for its editor."""


def _load(path: Path) -> frontmatter.Post:
    """The file's front matter and text, read with the size and YAML guards."""
    with path.open("rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _Unusable(f"the file is larger than {MAX_FILE_BYTES // 1000} KB; condition pages are a few KB")
    text, handler = data.decode("utf-8"), _FrontMatterYAML()
    if not handler.detect(text):
        raise _Unusable("no front matter: the file must start with “name: value” lines between two --- lines")
    metadata, content = frontmatter.parse(text, handler=handler)
    post = frontmatter.Post(content, handler)
    post.metadata.update(metadata)  # not Post(**metadata): YAML keys need not be text (2026-01-01: x)
    return post


def _read(path: Path) -> tuple[Condition | None, list[str]]:
    name = path.name
    slug = path.stem
    if not _SLUG.match(slug):
        return None, [f"{name}: file names must be lower-case words joined by dashes, like essential-tremor.md"]
    try:
        post = _load(path)
        meta = FrontMatter.model_validate(post.metadata)
    except _Unusable as problem:
        return None, [f"{name}: {problem}"]
    except (OSError, UnicodeDecodeError) as error:
        return None, [f"{name}: cannot be read ({error})"]
    except yaml.YAMLError as error:
        detail = getattr(error, "problem", None) or str(error).splitlines()[0]
        return None, [f"{name}: the front matter is not valid YAML ({detail})"]
    except ValidationError as error:
        return None, [f"{name}: {_plain_errors(error)}"]
    problems = []
    known = []
    for name_given in meta.subspecialties:
        if found := vocabulary.to_slug(name_given):
            known.append(found)
        else:
            hint = vocabulary.closest(name_given)
            problems.append(
                f"{name}: “{name_given}” is not a subspecialty we list" + (f"; did you mean “{hint}”?" if hint else "")
            )
    if not known:
        return None, [*problems, f"{name}: no known subspecialty, so the page cannot link to the search"]
    condition = Condition(
        slug=slug,
        title=meta.title,
        summary=" ".join(meta.summary.split()),
        also_known_as=tuple(meta.also_known_as),
        symptom_words=tuple(meta.symptom_words),
        subspecialties=tuple(dict.fromkeys(known)),
        related=tuple(meta.related),
        updated=meta.updated,
        reviewed_by=" ".join(meta.reviewed_by.split()),
        last_reviewed=meta.last_reviewed,
        sources=tuple(meta.sources),
        body=post.content,
    )
    return condition, problems


def load_library(folder: Path = CONDITIONS_DIR) -> ConditionLibrary:
    """Read every condition file in folder; never raises on bad content."""
    conditions: dict[str, Condition] = {}
    problems: list[str] = []
    if not folder.is_dir():
        return ConditionLibrary({}, [f"the condition folder {folder} does not exist"])
    for path in sorted(folder.glob("*.md")):
        try:
            condition, found = _read(path)
        except Exception as error:  # the boundary: one odd file must never take the whole library down
            condition, found = None, [f"{path.name}: cannot be used ({type(error).__name__}: {str(error)[:200]})"]
        problems += found
        if condition:
            conditions[condition.slug] = condition
    for slug, condition in list(conditions.items()):
        broken = [other for other in condition.related if other not in conditions or other == slug]
        dead_links = sorted({m.group(1) for m in _LINK.finditer(condition.body)} - set(conditions))
        problems += [f"{slug}.md: the related condition “{other}” does not exist" for other in broken]
        problems += [f"{slug}.md: the link [[{other}]] leads to a page that does not exist" for other in dead_links]
        if broken:
            conditions[slug] = replace(condition, related=tuple(r for r in condition.related if r not in broken))
    return ConditionLibrary(conditions, problems)


def render_body(condition: Condition, library: ConditionLibrary, href: Callable[[str], str]) -> str:
    """The page text with [[slug|text]] turned into Markdown links (plain text when the page is missing)."""

    def link(match: re.Match[str]) -> str:
        slug, text = match.group(1), match.group(2)
        target = library.get(slug)
        shown = text or (target.title if target else slug)
        return f"[{shown}]({href(slug)})" if target else shown

    return _LINK.sub(link, condition.body)


def split_emergency(text: str) -> tuple[str, str, str]:
    """(text before, the emergency section without its heading, text after), so a page can show its red flags first.

    A page without the section gives (text, "", ""): it still renders whole, and the content
    checks report the missing section.
    """
    headings = list(_SECTION.finditer(text))
    for number, heading in enumerate(headings):
        if heading.group(1) == EMERGENCY_HEADING:
            end = headings[number + 1].start() if number + 1 < len(headings) else len(text)
            return text[: heading.start()].strip(), text[heading.end() : end].strip(), text[end:].strip()
    return text, "", ""
