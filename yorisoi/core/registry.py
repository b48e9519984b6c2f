"""Small registries through which higher apps contribute to lower apps' pages.

A lower app never imports a higher one (DESIGN.md, "Layers"). The case page shows assessments and
referrals, and the home page shows each role's work, because the higher apps register providers
here in their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    """A block of a page: a template and its context, in a given order."""

    order: int
    template: str
    context: dict[str, Any]


# home_providers: fn(request) -> Section | None, shown on the signed-in home page.
home_providers: list[Callable[..., Section | None]] = []
# case_section_providers: fn(request, case) -> Section | None, shown on the case page.
case_section_providers: list[Callable[..., Section | None]] = []
# timeline_providers: fn(user, case) -> list[TimelineEntry], merged into the case timeline.
timeline_providers: list[Callable[..., list]] = []
# nav_providers: fn(request) -> list[(label, url, order)], the main navigation.
nav_providers: list[Callable[..., list]] = []


def collect_sections(providers, *args) -> list[Section]:
    sections = [s for p in providers if (s := p(*args)) is not None]
    return sorted(sections, key=lambda s: s.order)


# demo_loaders: (order, fn(stdout)) that `yorisoi loaddemo` runs in order; each is idempotent.
demo_loaders: list[tuple[int, Callable[..., None]]] = []

# plan_context_providers: fn(user, case) -> Section | None, shown beside the plan editor
# (the assessments app shows the latest assessment there).
plan_context_providers: list[Callable[..., Section | None]] = []
# case_flag_providers: fn(user, case) -> list[(label, css_class)], extra badges on a case header.
case_flag_providers: list[Callable[..., list]] = []


@dataclass(frozen=True)
class TimelineEntry:
    """One item of a case timeline. `template` renders it with `entry` in context."""

    when: Any  # datetime (aware) or date
    kind: str  # e.g. "contact", "status", "phase", "plan", "assessment", "referral"
    template: str
    context: dict[str, Any]
