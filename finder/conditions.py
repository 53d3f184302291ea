"""The condition library: patient pages kept as Markdown files with front matter in data/conditions/.

This module holds what the pages need (the conditions, the symptom search, the links between
pages) and serves the library from a checked copy on disk; reading and checking the files
themselves is finder.condition_reader's job, done only when a file or the checking code changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache, cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

from finder import disk_cache, vocabulary

CONDITIONS_DIR = Path(__file__).resolve().parents[1] / "data" / "conditions"
#: A link to another condition page inside a page's text: [[slug]] or [[slug|words shown]].
LINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
#: A condition file's name without .md, which is also its page's address: lower-case words joined by dashes.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Every page's first section (docs/condition-format.md): the red flags, shown before anything else.
EMERGENCY_HEADING = "When is it an emergency?"
_SECTION = re.compile(r"^## +(.+?) *$", re.MULTILINE)
_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about a condition ("my arm jerks at night").
_STOP_WORDS = frozenset(
    ("a", "an", "and", "are", "at", "i", "im", "is", "it", "my", "of", "on", "or", "the", "to", "with", "when",
     "in", "have", "has", "been", "keep", "keeps", "get", "gets", "me", "mine", "our", "your", "his", "her",
     "their", "left", "right", "arm", "arms", "leg", "legs", "hand", "hands", "night", "day", "sometimes")
)  # fmt: skip
#: A typed word counts as a near match of an index word from this similarity (0-100).
FUZZY_CUTOFF = 80
#: What the checked copy depends on besides the files: the code that reads and checks them, and its libraries.
_READING_CODE = ("condition_reader.py", "conditions.py", "vocabulary.py")
_READING_LIBRARIES = ("pydantic", "PyYAML", "python-frontmatter")


@dataclass(frozen=True)
class Source:
    """A reference a page was written from; its address was checked to be an http(s) link when read."""

    title: str
    publisher: str
    url: str


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


def render_body(condition: Condition, library: ConditionLibrary, href: Callable[[str], str]) -> str:
    """The page text with [[slug|text]] turned into Markdown links (plain text when the page is missing)."""

    def link(match: re.Match[str]) -> str:
        slug, text = match.group(1), match.group(2)
        target = library.get(slug)
        shown = text or (target.title if target else slug)
        return f"[{shown}]({href(slug)})" if target else shown

    return LINK.sub(link, condition.body)


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


def load_library(folder: Path = CONDITIONS_DIR) -> ConditionLibrary:
    """Read and check every condition file in `folder`; never raises on bad content."""
    from finder.condition_reader import read_library  # pydantic and YAML only when files are read

    return read_library(folder)


def kept_library(folder: Path = CONDITIONS_DIR, directory: Path | None = None) -> ConditionLibrary:
    """The library `load_library` reads from `folder`, from its checked copy on disk when the files, the
    checking code and its libraries are all unchanged (the same copy a restart left), else read and kept.

    The copy is JSON, never pickle: a file in a shared temporary folder must not be able to run code.
    """
    try:
        key = _library_key(folder)
    except OSError:  # unreadable folder or file: let the reader say so in plain words
        return load_library(folder)
    return disk_cache.kept(
        "conditions",
        key,
        lambda: load_library(folder),
        lambda path: _from_json(json.loads(path.read_text(encoding="utf-8"))),
        lambda library, path: path.write_text(_to_json(library), encoding="utf-8"),
        ".json",
        directory,
    )


def _library_key(folder: Path) -> str:
    """A name for everything the checked library depends on: each file's name and bytes, the folder, the code."""
    digest = hashlib.sha256(str(folder.resolve()).encode())
    digest.update(disk_cache.code_fingerprint(_READING_CODE).encode())
    for name in _READING_LIBRARIES:
        digest.update(f"{name}=={_version(name)}".encode())
    for path in sorted(folder.glob("*.md")):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "missing"


def _to_json(library: ConditionLibrary) -> str:
    return json.dumps(
        {"conditions": [asdict(condition) for condition in library.conditions.values()], "problems": library.problems},
        default=dt.date.isoformat,
    )


def _from_json(kept: dict[str, Any]) -> ConditionLibrary:
    conditions = {}
    for entry in kept["conditions"]:
        last_reviewed = entry["last_reviewed"]
        condition = Condition(
            slug=entry["slug"],
            title=entry["title"],
            summary=entry["summary"],
            also_known_as=tuple(entry["also_known_as"]),
            symptom_words=tuple(entry["symptom_words"]),
            subspecialties=tuple(entry["subspecialties"]),
            related=tuple(entry["related"]),
            updated=dt.date.fromisoformat(entry["updated"]),
            reviewed_by=entry["reviewed_by"],
            last_reviewed=dt.date.fromisoformat(last_reviewed) if last_reviewed else None,
            sources=tuple(Source(**source) for source in entry["sources"]),
            body=entry["body"],
        )
        conditions[condition.slug] = condition
    return ConditionLibrary(conditions, list(kept["problems"]))
