"""A response's answers written out page by page, as the review page, the e-mailed copy, the admin and the
person's data export show them. One builder per kind of page (the built-in ones read the response and its
prefetched rows; the custom one reads the answers), so nothing here queries the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from surveys.cpv.selectors import code_and_label
from surveys.forms import AVAILABILITY_CHOICES
from surveys.models import Response, ThematicArea
from surveys.questionnaire.fields import answer_text
from surveys.questionnaire.models import PageKind
from surveys.questionnaire.structure import (
    BuiltInValues,
    Page,
    Questionnaire,
    Visibility,
    answers_by_item,
    everything_visible,
    visibility,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass
class Section:
    """A titled group of question/answer pairs, as the review page and the e-mailed copy show them."""

    step: str
    title: str
    rows: list[tuple[StrOrPromise, StrOrPromise]] = field(default_factory=list)


def _organisation(response: Response, page: Page) -> Section:
    org = response.organisation
    none = _("Not answered")
    section = Section(page.key, _("Your organisation"), [
        (_("Name"), org.name), (_("Country"), str(org.country.name)), (_("Type of body"), org.get_body_type_display()),
    ])
    for field_name in ("general_interest", "legal_personality", "publicly_controlled"):
        if getattr(org, field_name):
            field = org._meta.get_field(field_name)
            assert isinstance(field, models.Field)
            section.rows.append((capfirst(field.verbose_name),
                                 getattr(org, f"get_{field_name}_display")()))
    section.rows += [
        (_("Number of staff"), org.get_size_display() or none),
        (_("Yearly purchasing volume"), org.get_purchasing_volume_display() or none),
        (_("Website"), org.website or none),
    ]
    return section


def _contact(response: Response, page: Page) -> Section:
    none = _("Not answered")
    return Section(page.key, _("Contact person"), [
        (_("Name"), response.contact_name or none), (_("Job title"), response.contact_role or none),
        (_("Telephone"), response.contact_phone or none),
    ])


def _interests(response: Response, page: Page) -> Section:
    section = Section(page.key, _("Areas of interest"), [
        (i.area.name, i.get_level_display()) for i in response.interests.all()] or [(_("Areas"), _("None chosen"))])
    if response.other_area_interest:
        section.rows.append((_("Another area"), response.other_area_interest))
    return section


def _purchases(response: Response, page: Page) -> Section:
    return Section(page.key, _("Planned purchases"), [
        (p.description, " · ".join(filter(None, [p.area.name if p.area else "",
                                                 code_and_label(p.cpv_code, p.cpv_label),  # type: ignore[attr-defined]  # with_answers reads the label
                                                 p.expected_timing])) or "—")
        for p in response.purchases.all()] or [(_("Planned purchases"), _("None listed"))])


def _challenges(response: Response, page: Page) -> Section:
    section = Section(page.key, _("Challenges and unmet needs"), [(c.area.name, c.text) for c in response.challenges.all()])
    section.rows.append((_("Other challenges"), response.general_challenges or _("Not answered")))
    return section


def _recommendations(response: Response, page: Page) -> Section:
    return Section(page.key, _("Recommendations"), [(_("Recommendations"), response.recommendations or _("Not answered"))])


def _interview(response: Response, page: Page) -> Section:
    none = _("Not answered")
    labels = dict(AVAILABILITY_CHOICES)
    willing = {True: _("Yes"), False: _("No"), None: none}[response.interview_willing]
    section = Section(page.key, _("Follow-up interview"), [(_("Willing to be interviewed"), willing)])
    if response.interview_willing:
        section.rows += [
            (_("Preferred way"), {"video": _("Video call"), "phone": _("Telephone")}.get(response.interview_mode, none)),
            (_("Available"), ", ".join(str(labels.get(slot, slot)) for slot in response.interview_availability) or none),
            (_("Notes"), response.interview_notes or none),
        ]
    return section


def _consent(response: Response, page: Page) -> Section:
    none = _("Not answered")
    return Section(page.key, _("Consent"), [
        (_("Privacy notice"), _("Agreed (version %(version)s)") % {"version": response.consent_version}
         if response.consent_version else none),
        (_("News about the initiative"), _("Yes") if response.keep_informed else _("No")),
    ])


BUILT_IN_SECTIONS: dict[str, Callable[[Response, Page], Section]] = {
    PageKind.ORGANISATION: _organisation, PageKind.CONTACT: _contact, PageKind.INTERESTS: _interests,
    PageKind.PURCHASES: _purchases, PageKind.CHALLENGES: _challenges, PageKind.RECOMMENDATIONS: _recommendations,
    PageKind.INTERVIEW: _interview, PageKind.CONSENT: _consent,
}


def built_in_values_of(response: Response) -> BuiltInValues:
    """The built-in answers conditions read, from a response fetched with selectors.with_answers (no query)."""
    org = response.organisation
    return BuiltInValues(body_type=org.body_type, country=org.country.code or "", size=org.size,
                         purchasing_volume=org.purchasing_volume,
                         interested_areas=tuple(i.area.code for i in response.interests.all()),
                         interview_willing=response.interview_willing)


def _custom(response: Response, page: Page, answers: dict, shown: Visibility) -> Section:
    none = _("Not answered")
    areas = [i.area for i in response.interests.all()]
    section = Section(page.key, page.title)
    for question in page.questions:
        asked = question.retired_at is None and shown.shows(question)
        targets: Sequence[ThematicArea | None] = [None]
        if question.per_area:
            targets = areas
        for area in targets:
            answer = answers.get((question.pk, area.pk if area else None))
            if asked or answer is not None:
                label = f"{question.label} – {area.name}" if area is not None else question.label
                section.rows.append((label, answer_text(question, answer, none=none)))
    return section


def sections_of(response: Response, questionnaire: Questionnaire) -> list[Section]:
    """The sections of `response` (fetched with selectors.with_answers), in its questionnaire's order; a custom
    page shows the questions its conditions ask and any answer kept, and is left out when it has none."""
    answers = answers_by_item(response.custom_answers.all()) if questionnaire.questions else {}
    shown = (visibility(questionnaire, built_in_values_of(response), answers) if questionnaire.has_conditions
             else everything_visible(questionnaire))
    sections = []
    for page in questionnaire.pages:
        if page.is_custom:
            section = _custom(response, page, answers, shown)
            if section.rows:
                sections.append(section)
        else:
            sections.append(BUILT_IN_SECTIONS[page.kind](response, page))
    return sections
