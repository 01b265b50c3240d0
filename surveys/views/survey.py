"""The survey itself: one page per step, the review and submit, and what happens around them.

Every view starts from `survey_context`, the one place that finds the campaign and the signed-in
person's own response: nobody reaches another organisation's answers through these addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bigbuyers.ratelimit import limit_posts
from surveys import access_requests, selectors, services
from surveys.deadlines import deadline_for, is_open_for
from surveys.eligibility import Outcome
from surveys.forms import (
    AccessRequestForm,
    ChallengesForm,
    ConsentForm,
    ContactForm,
    InterestsForm,
    InterviewForm,
    LateRequestForm,
    OrganisationForm,
    PurchaseFormSet,
    RecommendationsForm,
    SubmitForm,
)
from surveys.models import AccessRequest, Campaign, RequestStatus, Response, ThematicArea
from surveys.steps import STEPS, first_missing_step, next_step, previous_step, step_by_slug
from surveys.views.campaigns import get_campaign_or_404


@dataclass
class SurveyContext:
    campaign: Campaign
    response: Response | None

    @cached_property
    def areas(self) -> list[ThematicArea]:
        """The campaign's areas, read only by the steps that ask about them."""
        return selectors.areas_of(self.campaign)

    @property
    def is_open(self) -> bool:
        return is_open_for(self.campaign, self.response)


def survey_context(request: HttpRequest, slug: str) -> SurveyContext:
    campaign = get_campaign_or_404(slug, with_areas=False)
    return SurveyContext(campaign, services.response_for(request.user, campaign))


def _page(request: HttpRequest, ctx: SurveyContext, template: str, extra: dict[str, Any], *, status: int = 200) -> HttpResponse:
    done = ctx.response.steps_done if ctx.response else []
    return render(request, template, {
        "campaign": ctx.campaign, "response": ctx.response, "steps": STEPS, "steps_done": done,
        "deadline": deadline_for(ctx.campaign, ctx.response), "is_open": ctx.is_open, **extra,
    }, status=status)


@login_required
def survey_resume(request: HttpRequest, slug: str) -> HttpResponse:
    """Go to the first step not yet saved, or to the review once all are."""
    ctx = survey_context(request, slug)
    if not ctx.is_open:
        return redirect("survey_closed", slug)
    missing = first_missing_step(ctx.response.steps_done if ctx.response else [])
    if missing is None:
        return redirect("survey_review", slug)
    return redirect("survey_step", slug, missing)


def _forms_for(step: str, ctx: SurveyContext, data: Any = None) -> dict[str, Any]:
    """The bound (with `data`) or initial forms of a step."""
    response = ctx.response
    if step == "organisation":
        initial = OrganisationForm.initial_for(response.organisation if response else None)
        return {"form": OrganisationForm(data, initial=initial)}
    assert response is not None
    if step == "contact":
        return {"form": ContactForm(data, initial=ContactForm.initial_for(response))}
    if step == "interests":
        return {"form": InterestsForm(data, areas=ctx.areas, initial=InterestsForm.initial_for(response, ctx.areas))}
    if step == "purchases":
        rows = [{"description": p.description, "area": p.area_id, "cpv_code": p.cpv_code,
                 "expected_timing": p.expected_timing} for p in response.purchases.all()]
        formset = PurchaseFormSet(data, initial=rows, form_kwargs={"areas": ctx.areas}, prefix="purchases")
        if data is None and not rows:
            formset.extra = 1
        return {"formset": formset}
    if step == "challenges":
        areas = selectors.interested_areas(response, ctx.areas)
        return {"form": ChallengesForm(data, areas=areas, initial=ChallengesForm.initial_for(response, areas))}
    if step == "recommendations":
        return {"form": RecommendationsForm(data, initial=RecommendationsForm.initial_for(response))}
    if step == "interview":
        return {"form": InterviewForm(data, initial=InterviewForm.initial_for(response))}
    if step == "consent":
        return {"form": ConsentForm(data, initial=ConsentForm.initial_for(response))}
    raise Http404


def _is_valid(forms: dict[str, Any]) -> bool:
    return all(f.is_valid() for f in forms.values())


def _save(step: str, request: HttpRequest, ctx: SurveyContext, forms: dict[str, Any]) -> Response:
    response = ctx.response
    if step == "organisation":
        return services.save_organisation(user=request.user, campaign=ctx.campaign, response=response,
                                          data=forms["form"].cleaned_data)
    assert response is not None
    data = forms["form"].cleaned_data if "form" in forms else None
    if step == "interests":
        services.save_interests(response, levels=forms["form"].levels(), other=data["other_area_interest"].strip())
    elif step == "purchases":
        rows = [f.cleaned_data for f in forms["formset"].forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("description")]
        services.save_purchases(response, rows=rows)
    elif step == "challenges":
        services.save_challenges(response, texts=forms["form"].texts(), general=data["general_challenges"].strip())
    elif step == "consent":
        services.save_consent(response, keep_informed=data["keep_informed"])
    else:
        services.save_answers(response, step=step, values=data)
    return response


@login_required
def survey_step(request: HttpRequest, slug: str, step: str) -> HttpResponse:
    """Show one step; on POST validate it, save the draft, and go on (or back)."""
    ctx = survey_context(request, slug)
    current = step_by_slug(step)
    if current is None:
        raise Http404
    if ctx.response is None and step != "organisation":
        return redirect("survey_step", slug, "organisation")
    template = f"surveys/steps/{step}.html"
    if request.method != "POST":
        if not ctx.is_open:
            return redirect("survey_closed", slug)
        return _page(request, ctx, template, {"step": current, **_forms_for(step, ctx),
                                              "previous": previous_step(step)})

    forms = _forms_for(step, ctx, request.POST)
    add_row = step == "purchases" and "add_row" in request.POST
    if not ctx.is_open:
        # Refused, but the page keeps what was typed so that nothing is lost.
        return _page(request, ctx, template, {"step": current, **forms, "previous": previous_step(step),
                                              "refused_closed": True}, status=403)
    if not _is_valid(forms):
        return _page(request, ctx, template, {"step": current, **forms, "previous": previous_step(step)}, status=400)
    try:
        response = _save(step, request, ctx, forms)
    except services.OrganisationAlreadyAnswering as clash:
        access_requests.remember_found_response(request.session, ctx.campaign, clash.response)
        return _page(request, ctx, "surveys/organisation_taken.html", {
            "existing": clash.response, "form": AccessRequestForm()}, status=409)
    except services.SurveyClosed:
        return _page(request, ctx, template, {"step": current, **forms, "previous": previous_step(step),
                                              "refused_closed": True}, status=403)
    if add_row:
        ctx.response = response
        forms = _forms_for(step, ctx)
        forms["formset"].extra = 1
        messages.success(request, _("Saved. A new row was added at the end."))
        return _page(request, ctx, template, {"step": current, **forms, "previous": previous_step(step),
                                              "focus_last_row": True})
    if "back" in request.POST and previous_step(step):
        return redirect("survey_step", slug, previous_step(step))
    if step == "organisation":
        # The outcome is shown before the respondent invests time in the rest: a page of its own when
        # there is something to explain, a line in the confirmation when the body can take part.
        assessment = services.eligibility_of(response)
        if assessment.outcome != Outcome.ELIGIBLE:
            return redirect("survey_eligibility", slug)
        messages.success(request, " ".join([
            _("Your answers are saved."), _("Your organisation can take part in this campaign."),
            *([] if response.eligibility_decided else [str(assessment.reasons[-1])]),  # the line on travel costs
        ]))
        return redirect("survey_step", slug, next_step(step))
    messages.success(request, _("Your answers are saved."))
    following = next_step(step)
    return redirect("survey_step", slug, following) if following else redirect("survey_review", slug)


@login_required
def survey_eligibility(request: HttpRequest, slug: str) -> HttpResponse:
    """Where the organisation stands, shown right after the organisation step."""
    ctx = survey_context(request, slug)
    if ctx.response is None:
        return redirect("survey_step", slug, "organisation")
    return _page(request, ctx, "surveys/eligibility.html", {"assessment": services.eligibility_of(ctx.response)})


@login_required
def survey_review(request: HttpRequest, slug: str) -> HttpResponse:
    """Every answer on one page, with links back to each step, and the submit button."""
    ctx = survey_context(request, slug)
    if ctx.response is None:
        return redirect("survey_step", slug, "organisation")
    missing = first_missing_step(ctx.response.steps_done)
    return _page(request, ctx, "surveys/review.html", {
        "sections": selectors.answers_of(ctx.response), "missing": step_by_slug(missing) if missing else None,
        "submit_form": SubmitForm(initial={"revision": ctx.response.revision}),
        "assessment": services.eligibility_of(ctx.response),
    })


@login_required
@require_POST
@limit_posts("submit", per_ip="RATELIMIT_SUBMIT_PER_IP")
def survey_submit(request: HttpRequest, slug: str) -> HttpResponse:
    ctx = survey_context(request, slug)
    if ctx.response is None:
        return redirect("survey_step", slug, "organisation")
    form = SubmitForm(request.POST)
    missing = first_missing_step(ctx.response.steps_done)
    if not form.is_valid() or missing:
        messages.error(request, _("Some steps are not complete yet."))
        return redirect("survey_review", slug)
    try:
        services.submit_response(ctx.response, revision=form.cleaned_data["revision"])
    except services.SurveyClosed:
        return redirect("survey_closed", slug)
    ctx.response.refresh_from_db()
    if ctx.response.revision != form.cleaned_data["revision"]:
        messages.warning(request, _("Your answers changed in the meantime: check them and submit again."))
        return redirect("survey_review", slug)
    return redirect("survey_done", slug)


@login_required
def survey_done(request: HttpRequest, slug: str) -> HttpResponse:
    ctx = survey_context(request, slug)
    if ctx.response is None or not ctx.response.is_submitted:
        return redirect("survey_resume", slug)
    return _page(request, ctx, "surveys/done.html", {})


@login_required
def survey_closed(request: HttpRequest, slug: str) -> HttpResponse:
    """After the deadline: the draft is kept and shown, and a late expression of interest offered."""
    ctx = survey_context(request, slug)
    if ctx.is_open:
        return redirect("survey_resume", slug)
    late = getattr(ctx.response, "late_request", None) if ctx.response else None
    form = LateRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and ctx.response is not None:
        if form.is_valid():
            services.send_late_request(ctx.response, motivation=form.cleaned_data["motivation"].strip())
            messages.success(request, _("Thank you. The secretariat will answer your request by e-mail."))
            return redirect("survey_closed", slug)
    sections = selectors.answers_of(ctx.response) if ctx.response else []
    return _page(request, ctx, "surveys/closed.html", {"sections": sections, "late": late, "form": form},
                 status=400 if form.errors else 200)


@login_required
@require_POST
@limit_posts("access-request", per_ip="RATELIMIT_ACCESS_REQUEST_PER_IP")
def request_access(request: HttpRequest, slug: str, response_id: int) -> HttpResponse:
    """A colleague asks for access to the response their organisation already started: the one that the
    organisation step found in their way, no other (surveys/access_requests.py)."""
    ctx = survey_context(request, slug)
    existing = access_requests.found_response_or_404(request.session, ctx.campaign, response_id)
    form = AccessRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, ctx, "surveys/organisation_taken.html", {"existing": existing, "form": form}, status=400)
    services.request_access(existing, user=request.user, message=form.cleaned_data["message"].strip())
    messages.success(request, _("Your request was sent to the colleagues working on this response."))
    return redirect("campaign_detail", slug)


@login_required
def survey_colleagues(request: HttpRequest, slug: str) -> HttpResponse:
    """People working on this response, and colleagues' pending requests to join them."""
    ctx = survey_context(request, slug)
    if ctx.response is None:
        raise Http404
    if request.method == "POST":
        access_request = get_object_or_404(
            AccessRequest, pk=request.POST.get("request", 0) if str(request.POST.get("request", "")).isdigit() else 0,
            response=ctx.response, status=RequestStatus.PENDING,
        )
        accept = request.POST.get("decision") == "accept"
        services.decide_access_request(access_request, accept=accept)
        messages.success(request, _("Request accepted.") if accept else _("Request declined."))
        return redirect("survey_colleagues", slug)
    return _page(request, ctx, "surveys/colleagues.html", {
        "respondents": ctx.response.respondents.select_related("user"),
        "pending": ctx.response.access_requests.filter(status=RequestStatus.PENDING).select_related("requester"),
    })
