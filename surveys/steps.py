"""The built-in pages of the survey, in their usual order: their key and their title.

A campaign whose questionnaire has no page rows asks exactly these (surveys/questionnaire/structure.py);
what each page does is in the one table of pages, surveys/pages.py.
"""

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
