"""Reading condition files: the checks a hand-edited page must pass before patients see it.

Staff edit these files by hand, so each is checked (pydantic for the front matter, a guarded
YAML reader, plus cross-file checks for links) and what is wrong is reported by file name
instead of raising. A file with a fatal problem is left out; a broken link or unknown
subspecialty is dropped and reported while the rest of the page is still shown.

Kept apart from finder.conditions so that serving the library from its checked copy
(`conditions.kept_library`) needs none of pydantic, PyYAML or python-frontmatter
(~0.1 s of imports and ~0.1 s of YAML a server start).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator, model_validator

from finder import vocabulary
from finder.conditions import LINK, SLUG, Condition, ConditionLibrary, Source

#: Condition pages are a few KB; a file far larger is a mistake and is not parsed.
MAX_FILE_BYTES = 100_000
#: The front matter needs a list of small mappings at most (sources).
MAX_NESTING = 10


class SourceEntry(BaseModel):
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
    sources: list[SourceEntry] = Field(min_length=1)

    @field_validator("sources")
    @classmethod
    def _web_links_only(cls, sources: list[SourceEntry]) -> list[SourceEntry]:
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
    if not SLUG.match(slug):
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
        sources=tuple(Source(s.title, s.publisher, str(s.url)) for s in meta.sources),
        body=post.content,
    )
    return condition, problems


def read_library(folder: Path) -> ConditionLibrary:
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
        dead_links = sorted({m.group(1) for m in LINK.finditer(condition.body)} - set(conditions))
        problems += [f"{slug}.md: the related condition “{other}” does not exist" for other in broken]
        problems += [f"{slug}.md: the link [[{other}]] leads to a page that does not exist" for other in dead_links]
        if broken:
            conditions[slug] = replace(condition, related=tuple(r for r in condition.related if r not in broken))
    return ConditionLibrary(conditions, problems)
