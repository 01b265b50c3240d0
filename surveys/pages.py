"""The one table of survey pages: what each kind of page shows, how it saves, and what it does next.

A campaign's questionnaire (surveys/questionnaire/structure.py) is an ordered list of pages; each page has
a kind, and ``PAGE_KINDS`` says for every kind, built-in or custom, which template shows it, which forms
it asks (bound to the POST, or with the saved answers), which service saves them, and anything it does
after saving (the organisation page shows the eligibility; the planned purchases add a row). The survey's
views go through this table only: a built-in page and a page of the secretariat's go through the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from bigbuyers.models import User
from surveys import selectors
from surveys.eligibility import Outcome
from surveys.forms import (
    ChallengesForm,
    ConsentForm,
    ContactForm,
    InterestsForm,
    InterviewForm,
    OrganisationForm,
    PurchaseFormSet,
    RecommendationsForm,
)
from surveys.models import Campaign, Response, ThematicArea
from surveys.questionnaire import services as questionnaire_services
from surveys.questionnaire import structure
from surveys.questionnaire.fields import CustomPageForm
from surveys.questionnaire.models import PageKind
from surveys.services.eligibility import eligibility_of
from surveys.services.responses import (
    save_answers,
    save_challenges,
    save_consent,
    save_interests,
    save_organisation,
    save_purchases,
)

if TYPE_CHECKING:
    from surveys.kept import CampaignContent
    from surveys.questionnaire.structure import Page, Questionnaire, Visibility


@dataclass
class PageContext:
    """A person's survey in one campaign: the campaign, their response (None before the first page) and
    the questionnaire, with what is read from them once per request.

    `content` is what the process keeps of the campaign (surveys/kept.py): without it the areas and the
    questionnaire are read. The built-in answers that conditions read come from the response and its
    organisation as read at the start of the request, unless `saved_since_read` (then from the database)."""

    campaign: Campaign
    response: Response | None
    user: User
    content: CampaignContent | None = field(default=None, kw_only=True)
    saved_since_read: bool = field(default=False, kw_only=True)

    @cached_property
    def questionnaire(self) -> Questionnaire:
        return self.content.questionnaire if self.content else structure.questionnaire_of(self.campaign.pk)

    @cached_property
    def areas(self) -> list[ThematicArea]:
        return self.content.areas if self.content else selectors.areas_of(self.campaign)

    @cached_property
    def answers(self) -> dict[structure.Item, Any]:
        if self.response is None or not self.questionnaire.questions:
            return {}
        return structure.answers_by_item(questionnaire_services.current_answers(self.response))

    @cached_property
    def built_in(self) -> structure.BuiltInValues:
        assert self.response is not None
        if self.saved_since_read:
            return questionnaire_services.built_in_values(self.response)
        organisation = self.response.organisation  # read with the response
        return structure.BuiltInValues(
            body_type=organisation.body_type, country=organisation.country or "", size=organisation.size,
            purchasing_volume=organisation.purchasing_volume, interview_willing=self.response.interview_willing,
            # (a query: left empty when no condition reads them)
            interested_areas=tuple(a.code for a in self.interested_areas)
            if "interested_areas" in self.questionnaire.reads else ())

    @cached_property
    def page_visibility(self) -> Visibility:
        """Which pages this response is asked (the questions of a page are decided where the page is shown): from
        the built-in answers when the questionnaire has conditions, and from the answers when the pages depend
        on them."""
        if self.response is None or not self.questionnaire.has_conditions:
            return structure.everything_visible(self.questionnaire)
        answers = self.answers if self.questionnaire.pages_read_answers else {}  # (a query: only when needed)
        return structure.visibility(self.questionnaire, self.built_in, answers)

    @cached_property
    def pages(self) -> list[Page]:
        """The pages this response is asked, in order."""
        return [p for p in self.questionnaire.pages if self.page_visibility.shows_page(p.key)]

    def page(self, key: str) -> Page | None:
        return next((p for p in self.pages if p.key == key), None)

    def next_key(self, key: str) -> str | None:
        keys = [p.key for p in self.pages]
        index = keys.index(key)
        return keys[index + 1] if index + 1 < len(keys) else None

    def previous_key(self, key: str) -> str | None:
        keys = [p.key for p in self.pages]
        index = keys.index(key)
        return keys[index - 1] if index > 0 else None

    def first_missing(self) -> Page | None:
        """The first page not yet saved, or None when every page asked is (then the review comes)."""
        done = self.response.steps_done if self.response else []
        return next((p for p in self.pages if p.key not in done), None)

    @cached_property
    def interested_areas(self) -> list[ThematicArea]:
        assert self.response is not None
        return selectors.interested_areas(self.response, self.areas)


Forms = dict[str, Any]


@dataclass(frozen=True)
class PageKindSpec:
    """What one kind of page does (see the module's docstring)."""

    template: str
    forms: Callable[[PageContext, Page, Any], Forms]
    save: Callable[[PageContext, Page, Forms], Response]
    after_save: Callable[[HttpRequest, PageContext, Page, Response, Forms], HttpResponse | None] | None = None


# Built-in pages ---------------------------------------------------------------------------------------------

def _organisation_forms(ctx: PageContext, page: Page, data: Any) -> Forms:
    initial = OrganisationForm.initial_for(ctx.response.organisation if ctx.response else None)
    return {"form": OrganisationForm(data, initial=initial)}


def _organisation_save(ctx: PageContext, page: Page, forms: Forms) -> Response:
    return save_organisation(user=ctx.user, campaign=ctx.campaign, response=ctx.response,
                             data=forms["form"].cleaned_data)


def _organisation_after(request: HttpRequest, ctx: PageContext, page: Page, response: Response,
                        forms: Forms) -> HttpResponse | None:
    # The outcome is shown before the respondent invests time in the rest: a page of its own when there is
    # something to explain, a line in the confirmation when the body can take part.
    assessment = eligibility_of(response)
    if assessment.outcome != Outcome.ELIGIBLE:
        return redirect("survey_eligibility", ctx.campaign.slug)
    messages.success(request, " ".join([
        _("Your answers are saved."), _("Your organisation can take part in this campaign."),
        *([] if response.eligibility_decided else [str(assessment.reasons[-1])]),  # the line on travel costs
    ]))
    return redirect("survey_step", ctx.campaign.slug, ctx.next_key(page.key))


def _plain(form_class: Any) -> Callable[[PageContext, Page, Any], Forms]:
    def forms(ctx: PageContext, page: Page, data: Any) -> Forms:
        assert ctx.response is not None
        return {"form": form_class(data, initial=form_class.initial_for(ctx.response))}
    return forms


def _save_plain(ctx: PageContext, page: Page, forms: Forms) -> Response:
    assert ctx.response is not None
    save_answers(ctx.response, step=page.kind, values=forms["form"].cleaned_data)
    return ctx.response


def _interests_forms(ctx: PageContext, page: Page, data: Any) -> Forms:
    assert ctx.response is not None
    return {"form": InterestsForm(data, areas=ctx.areas, initial=InterestsForm.initial_for(ctx.response, ctx.areas))}


def _interests_save(ctx: PageContext, page: Page, forms: Forms) -> Response:
    assert ctx.response is not None
    form = forms["form"]
    save_interests(ctx.response, levels=form.levels(), other=form.cleaned_data["other_area_interest"].strip())
    return ctx.response


def _purchases_forms(ctx: PageContext, page: Page, data: Any) -> Forms:
    assert ctx.response is not None
    rows = [{"description": p.description, "area": p.area_id, "cpv_code": p.cpv_code,
             "expected_timing": p.expected_timing} for p in ctx.response.purchases.all()]
    formset = PurchaseFormSet(data, initial=rows, form_kwargs={"areas": ctx.areas}, prefix="purchases")
    if data is None and not rows:
        formset.extra = 1
    return {"formset": formset}


def _purchases_save(ctx: PageContext, page: Page, forms: Forms) -> Response:
    assert ctx.response is not None
    rows = [f.cleaned_data for f in forms["formset"].forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("description")]
    save_purchases(ctx.response, rows=rows)
    return ctx.response


def _purchases_after(request: HttpRequest, ctx: PageContext, page: Page, response: Response,
                     forms: Forms) -> HttpResponse | None:
    if "add_row" not in request.POST:
        return None
    from surveys.views.survey import render_page  # the page again, with a new empty row to fill

    ctx.response = response
    fresh = _purchases_forms(ctx, page, None)
    fresh["formset"].extra = 1
    messages.success(request, _("Saved. A new row was added at the end."))
    return render_page(request, ctx, page, {**fresh, "focus_last_row": True})


def _challenges_forms(ctx: PageContext, page: Page, data: Any) -> Forms:
    assert ctx.response is not None
    areas = ctx.interested_areas
    return {"form": ChallengesForm(data, areas=areas, initial=ChallengesForm.initial_for(ctx.response, areas))}


def _challenges_save(ctx: PageContext, page: Page, forms: Forms) -> Response:
    assert ctx.response is not None
    form = forms["form"]
    save_challenges(ctx.response, texts=form.texts(), general=form.cleaned_data["general_challenges"].strip())
    return ctx.response


def _consent_save(ctx: PageContext, page: Page, forms: Forms) -> Response:
    assert ctx.response is not None
    save_consent(ctx.response, keep_informed=forms["form"].cleaned_data["keep_informed"])
    return ctx.response


# Custom pages -----------------------------------------------------------------------------------------------

def _custom_forms(ctx: PageContext, page: Page, data: Any) -> Forms:
    assert ctx.response is not None
    shown = structure.everything_visible(ctx.questionnaire)
    if ctx.questionnaire.has_conditions:  # this page's own conditions are decided when it is sent
        shown = structure.visibility(ctx.questionnaire, ctx.built_in, ctx.answers, open_page=page.key)
    questions = [q for q in page.asked if shown.shows(q)]
    areas = ctx.interested_areas if any(q.per_area for q in questions) else []
    return {"form": CustomPageForm(data, questions=questions, areas=areas, answers=ctx.answers, live=shown.live,
                                   values=shown.values, texts=ctx.questionnaire.texts)}


def _custom_save(ctx: PageContext, page: Page, forms: Forms) -> Response:
    assert ctx.response is not None
    questionnaire_services.save_custom_page(ctx.response, page, values=forms["form"].values())
    return ctx.response


PAGE_KINDS: dict[str, PageKindSpec] = {
    PageKind.ORGANISATION: PageKindSpec("surveys/steps/organisation.html", _organisation_forms, _organisation_save,
                                        _organisation_after),
    PageKind.CONTACT: PageKindSpec("surveys/steps/contact.html", _plain(ContactForm), _save_plain),
    PageKind.INTERESTS: PageKindSpec("surveys/steps/interests.html", _interests_forms, _interests_save),
    PageKind.PURCHASES: PageKindSpec("surveys/steps/purchases.html", _purchases_forms, _purchases_save,
                                     _purchases_after),
    PageKind.CHALLENGES: PageKindSpec("surveys/steps/challenges.html", _challenges_forms, _challenges_save),
    PageKind.RECOMMENDATIONS: PageKindSpec("surveys/steps/recommendations.html", _plain(RecommendationsForm),
                                           _save_plain),
    PageKind.INTERVIEW: PageKindSpec("surveys/steps/interview.html", _plain(InterviewForm), _save_plain),
    PageKind.CONSENT: PageKindSpec("surveys/steps/consent.html", _plain(ConsentForm), _consent_save),
    PageKind.CUSTOM: PageKindSpec("surveys/steps/custom.html", _custom_forms, _custom_save),
}


def save_page(ctx: PageContext, page: Page, forms: Forms) -> Response:
    """Save a page through its kind's service, then forget the answers its new values hide elsewhere (when
    they can hide any: submitting forgets the rest, after changes to the questionnaire)."""
    response = PAGE_KINDS[page.kind].save(ctx, page, forms)
    if ctx.questionnaire.questions and ctx.questionnaire.decided_by(page):
        questionnaire_services.forget_hidden_answers(response, ctx.questionnaire)
        response.refresh_from_db(fields=["steps_done"])
    return response
