"""A patient's search as a small value that round-trips through the page URL.

Every search has a link that can be bookmarked or sent to a family member, e.g.
`find?location=60614&radius=25&sub=movement-disorders,epilepsy`. Anything odd in a shared
or hand-edited URL is dropped with a note, never an error. A link can be written by anyone, so
whatever a note repeats from it is shortened and escaped: it shows as text, never as a link or image.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from finder import vocabulary
from finder.conditions import ConditionLibrary
from finder.limits import MAX_TEXT_LENGTH
from finder.places import Location
from finder.safety import escape_markdown
from finder.search import DEFAULT_RADIUS_MILES, RADIUS_CHOICES_MILES, SearchCriteria

#: The doctor's-gender filter's choices, as they appear in the URL and in the gender column.
GENDERS: dict[str, str] = {"female": "Female", "male": "Male"}
#: How much of a value from a link is repeated back on the page; the rest is cut off with "…".
MAX_ECHO_LENGTH = 60
#: A radius as the form writes it: a few ASCII digits ("²" and "①" are digits to str.isdigit, not to int).
_RADIUS = re.compile(r"[0-9]{1,4}")


@dataclass(frozen=True)
class SearchRequest:
    """A search as the patient asked for it (a place in words, filters by name), before the place is found."""

    location: str = ""
    radius_miles: int = DEFAULT_RADIUS_MILES
    subspecialties: tuple[str, ...] = ()
    condition: str = ""
    accepting_new_patients: bool = False
    telehealth: bool = False
    language: str = ""
    name: str = ""
    gender: str = ""

    def to_query_params(self) -> dict[str, str]:
        """The URL parameters for this search; defaults are left out to keep links short."""
        params = {
            "location": self.location,
            "radius": str(self.radius_miles) if self.radius_miles != DEFAULT_RADIUS_MILES else "",
            "sub": ",".join(self.subspecialties),
            "condition": self.condition,
            "accepting": "1" if self.accepting_new_patients else "",
            "telehealth": "1" if self.telehealth else "",
            "language": self.language,
            "name": self.name,
            "gender": self.gender,
        }
        return {key: value for key, value in params.items() if value}

    def active_filters(self) -> list[tuple[str, SearchRequest]]:
        """Each filter narrowing this search, as (plain words for it, the same search without it)."""
        filters = [
            (vocabulary.LABELS[slug], replace(self, subspecialties=tuple(s for s in self.subspecialties if s != slug)))
            for slug in self.subspecialties
        ]
        if self.accepting_new_patients:
            filters.append(("accepting new patients", replace(self, accepting_new_patients=False)))
        if self.telehealth:
            filters.append(("video visits", replace(self, telehealth=False)))
        if self.language:
            filters.append((f"speaks {self.language}", replace(self, language="")))
        if self.name:
            filters.append((f"name contains “{self.name}”", replace(self, name="")))
        if self.gender:
            filters.append((f"{self.gender} doctor", replace(self, gender="")))
        return filters

    def subspecialties_for(self, library: ConditionLibrary) -> tuple[str, ...]:
        """The chosen subspecialties plus those that treat the chosen condition, without repeats."""
        condition = library.get(self.condition)
        from_condition = condition.subspecialties if condition else ()
        return tuple(dict.fromkeys((*self.subspecialties, *from_condition)))

    def criteria(self, where: Location, library: ConditionLibrary, offers_gender: bool) -> SearchCriteria:
        """What to search for around `where`: the condition widens the subspecialties, and a gender
        asked for in a link is ignored when the list does not say doctors' genders (nobody would match)."""
        return SearchCriteria(
            lat=where.lat,
            lon=where.lon,
            radius_miles=self.radius_miles,
            subspecialties=self.subspecialties_for(library),
            accepting_new_patients=self.accepting_new_patients,
            telehealth=self.telehealth,
            language=self.language,
            name=self.name,
            gender=self.gender if offers_gender else "",
        )


def _text(value: str, limit: int = MAX_TEXT_LENGTH) -> str:
    return " ".join(value.split())[:limit]


def echo(value: str) -> str:
    """A value from a link (or typed by a patient) as Markdown that shows it as plain text, shortened."""
    text = " ".join(value.split())
    if len(text) > MAX_ECHO_LENGTH:
        text = text[:MAX_ECHO_LENGTH].rstrip() + "…"
    return escape_markdown(text)


def _note(template: str, *values: str) -> str:
    """A note about a link, with every value taken from the link passed through `echo`."""
    return template.format(*(echo(value) for value in values))


def from_query_params(params: Mapping[str, str], library: ConditionLibrary) -> tuple[SearchRequest, list[str]]:
    """Read a search from URL parameters; returns it with notes (Markdown) about anything that was ignored."""
    notes: list[str] = []
    request = SearchRequest(
        # One character over the limit is kept, so the lookup says the place is too long instead of searching
        # an address cut short.
        location=_text(params.get("location", ""), MAX_TEXT_LENGTH + 1),
        language=_text(params.get("language", "")),
        name=_text(params.get("name", "")),
        accepting_new_patients=params.get("accepting", "") in {"1", "true", "yes"},
        telehealth=params.get("telehealth", "") in {"1", "true", "yes"},
    )
    if radius := params.get("radius", ""):
        if _RADIUS.fullmatch(radius) and int(radius) in RADIUS_CHOICES_MILES:
            request = replace(request, radius_miles=int(radius))
        else:
            notes.append(_note(f"The link asked for a radius of “{{}}”; we used {DEFAULT_RADIUS_MILES} miles.", radius))
    wanted = [part.strip() for part in params.get("sub", "").split(",") if part.strip()]
    slugs = [slug for slug in wanted if slug in vocabulary.LABELS]
    if unknown := [part for part in wanted if part not in vocabulary.LABELS]:
        # Not repeated: free text from a link shown in the app's own box reads like a message from us.
        kinds = "1 kind of specialist" if len(unknown) == 1 else f"{len(unknown)} kinds of specialist"
        notes.append(f"The link named {kinds} we do not list, so the search leaves them out.")
    request = replace(request, subspecialties=tuple(dict.fromkeys(slugs)))
    if gender := params.get("gender", ""):
        if gender in GENDERS:
            request = replace(request, gender=gender)
        else:
            notes.append(_note("The link asked for a doctor's gender of “{}”; we searched for any.", gender))
    if condition := params.get("condition", ""):
        if library.get(condition):
            request = replace(request, condition=condition)
        else:
            notes.append(_note("The link named a condition we do not have a page for (“{}”).", condition))
    return request, notes
