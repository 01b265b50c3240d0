"""The survey's steps, in order: their address, their title and the template that shows them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise


STEPS: tuple[Step, ...] = (
    Step("organisation", _("Organisation")),
    Step("contact", _("Contact person")),
    Step("interests", _("Areas of interest")),
    Step("purchases", _("Planned purchases")),
    Step("challenges", _("Challenges")),
    Step("recommendations", _("Recommendations")),
    Step("interview", _("Interview")),
    Step("consent", _("Consent")),
)
STEP_SLUGS = tuple(step.slug for step in STEPS)


def step_by_slug(slug: str) -> Step | None:
    return next((step for step in STEPS if step.slug == slug), None)


def next_step(slug: str) -> str | None:
    index = STEP_SLUGS.index(slug)
    return STEP_SLUGS[index + 1] if index + 1 < len(STEP_SLUGS) else None


def previous_step(slug: str) -> str | None:
    index = STEP_SLUGS.index(slug)
    return STEP_SLUGS[index - 1] if index > 0 else None


def first_missing_step(done: list[str]) -> str | None:
    """The first step not yet saved, or None when every step is done (then the review comes)."""
    return next((slug for slug in STEP_SLUGS if slug not in done), None)
