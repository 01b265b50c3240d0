"""The survey itself: one page per step, the review and submit, and what happens around them.

Every view starts from `survey_context`, the one place that finds the campaign and the signed-in
person's own response: nobody reaches another organisation's answers through these addresses.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bigbuyers.http import SignedInRequest
from bigbuyers.ratelimit import limit_posts
from surveys import access_requests, selectors
from surveys.deadlines import deadline_for, is_open_for
from surveys.forms import AccessRequestForm, LateRequestForm, SubmitForm
from surveys.models import AccessRequest, RequestStatus
from surveys.pages import PAGE_KINDS, PageContext, save_page
from surveys.questionnaire.models import PageKind
from surveys.questionnaire.structure import Page
from surveys.services import colleagues
from surveys.services.deadlines import send_late_request
from surveys.services.eligibility import eligibility_of
from surveys.services.responses import OrganisationAlreadyAnswering, SurveyClosed, response_for, submit_response
from surveys.views.campaigns import get_content_or_404


def survey_context(request: SignedInRequest, slug: str) -> PageContext:
    content = get_content_or_404(slug)
    return PageContext(content.campaign, response_for(request.user, content.campaign), request.user, content=content)


def _is_open(ctx: PageContext) -> bool:
    return is_open_for(ctx.campaign, ctx.response)


def _page(request: HttpRequest, ctx: PageContext, template: str, extra: dict[str, Any], *, status: int = 200) -> HttpResponse:
    done = ctx.response.steps_done if ctx.response else []
    return render(request, template, {
        "campaign": ctx.campaign, "response": ctx.response, "steps": ctx.pages, "steps_done": done,
        "deadline": deadline_for(ctx.campaign, ctx.response), "is_open": _is_open(ctx), **extra,
    }, status=status)


def render_page(request: HttpRequest, ctx: PageContext, page: Page, forms: dict[str, Any], *,
                status: int = 200, **extra: Any) -> HttpResponse:
    """One page of the questionnaire with its forms, through its kind's template."""
    return _page(request, ctx, PAGE_KINDS[page.kind].template, {
        "step": page, **forms, "previous": ctx.previous_key(page.key), **extra}, status=status)


@login_required
def survey_resume(request: SignedInRequest, slug: str) -> HttpResponse:
    """Go to the first page not yet saved, or to the review once all are."""
    ctx = survey_context(request, slug)
    if not _is_open(ctx):
        return redirect("survey_closed", slug)
    missing = ctx.first_missing()
    if missing is None:
        return redirect("survey_review", slug)
    return redirect("survey_step", slug, missing.key)


@login_required
def survey_step(request: SignedInRequest, slug: str, step: str) -> HttpResponse:
    """Show one page; on POST validate it, save the draft, and go on (or back)."""
    ctx = survey_context(request, slug)
    if ctx.response is None and step != PageKind.ORGANISATION:
        return redirect("survey_step", slug, PageKind.ORGANISATION)
    page = ctx.page(step)
    if page is None:
        if ctx.questionnaire.page(step) is not None:  # a page that earlier answers leave out
            return redirect("survey_resume", slug)
        raise Http404
    kind = PAGE_KINDS[page.kind]
    if request.method != "POST":
        if not _is_open(ctx):
            return redirect("survey_closed", slug)
        return render_page(request, ctx, page, kind.forms(ctx, page, None))

    forms = kind.forms(ctx, page, request.POST)
    if not _is_open(ctx):
        # Refused, but the page keeps what was typed so that nothing is lost.
        return render_page(request, ctx, page, forms, status=403, refused_closed=True)
    if not all(f.is_valid() for f in forms.values()):
        return render_page(request, ctx, page, forms, status=400)
    try:
        response = save_page(ctx, page, forms)
    except OrganisationAlreadyAnswering as clash:
        access_requests.remember_found_response(request.session, ctx.campaign, clash.response)
        return _page(request, ctx, "surveys/organisation_taken.html", {
            "existing": clash.response, "form": AccessRequestForm()}, status=409)
    except SurveyClosed:
        return render_page(request, ctx, page, forms, status=403, refused_closed=True)
    if kind.after_save is not None and (answer := kind.after_save(request, ctx, page, response, forms)):
        return answer
    # The pages asked may have changed with these answers (conditions): read them again.
    after = ctx
    if ctx.response is None or ctx.questionnaire.decided_by(page):
        after = PageContext(ctx.campaign, response, ctx.user, content=ctx.content, saved_since_read=True)
    if "back" in request.POST and after.page(page.key) and after.previous_key(page.key):
        return redirect("survey_step", slug, after.previous_key(page.key))
    messages.success(request, _("Your answers are saved."))
    following = after.next_key(page.key) if after.page(page.key) else None
    return redirect("survey_step", slug, following) if following else redirect("survey_review", slug)


@login_required
def survey_eligibility(request: SignedInRequest, slug: str) -> HttpResponse:
    """Where the organisation stands, shown right after the organisation step."""
    ctx = survey_context(request, slug)
    if ctx.response is None:
        return redirect("survey_step", slug, "organisation")
    return _page(request, ctx, "surveys/eligibility.html", {"assessment": eligibility_of(ctx.response)})


@login_required
def survey_review(request: SignedInRequest, slug: str) -> HttpResponse:
    """Every answer on one page, with links back to each step, and the submit button."""
    ctx = survey_context(request, slug)
    if ctx.response is None:
        return redirect("survey_step", slug, "organisation")
    return _page(request, ctx, "surveys/review.html", {
        "sections": selectors.answers_of(ctx.response, loaded=True, questionnaire=ctx.questionnaire),
        "missing": ctx.first_missing(),
        "submit_form": SubmitForm(initial={"revision": ctx.response.revision}),
        "assessment": eligibility_of(ctx.response),
    })


@login_required
@require_POST
@limit_posts("submit", per_ip="RATELIMIT_SUBMIT_PER_IP")
def survey_submit(request: SignedInRequest, slug: str) -> HttpResponse:
    ctx = survey_context(request, slug)
    if ctx.response is None:
        return redirect("survey_step", slug, "organisation")
    form = SubmitForm(request.POST)
    if not form.is_valid() or ctx.first_missing():
        messages.error(request, _("Some steps are not complete yet."))
        return redirect("survey_review", slug)
    try:
        submit_response(ctx.response, revision=form.cleaned_data["revision"])
    except SurveyClosed:
        return redirect("survey_closed", slug)
    ctx.response.refresh_from_db()
    if ctx.response.revision != form.cleaned_data["revision"]:
        messages.warning(request, _("Your answers changed in the meantime: check them and submit again."))
        return redirect("survey_review", slug)
    return redirect("survey_done", slug)


@login_required
def survey_done(request: SignedInRequest, slug: str) -> HttpResponse:
    ctx = survey_context(request, slug)
    if ctx.response is None or not ctx.response.is_submitted:
        return redirect("survey_resume", slug)
    return _page(request, ctx, "surveys/done.html", {})


@login_required
def survey_closed(request: SignedInRequest, slug: str) -> HttpResponse:
    """After the deadline: the draft is kept and shown, and a late expression of interest offered."""
    ctx = survey_context(request, slug)
    if _is_open(ctx):
        return redirect("survey_resume", slug)
    late = getattr(ctx.response, "late_request", None) if ctx.response else None
    form = LateRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and ctx.response is not None and form.is_valid():
        send_late_request(ctx.response, motivation=form.cleaned_data["motivation"].strip())
        messages.success(request, _("Thank you. The secretariat will answer your request by e-mail."))
        return redirect("survey_closed", slug)
    sections = selectors.answers_of(ctx.response, loaded=True, questionnaire=ctx.questionnaire) if ctx.response else []
    return _page(request, ctx, "surveys/closed.html", {"sections": sections, "late": late, "form": form},
                 status=400 if form.errors else 200)


@login_required
@require_POST
@limit_posts("access-request", per_ip="RATELIMIT_ACCESS_REQUEST_PER_IP")
def request_access(request: SignedInRequest, slug: str, response_id: int) -> HttpResponse:
    """A colleague asks for access to the response their organisation already started: the one that the
    organisation step found in their way, no other (surveys/access_requests.py)."""
    ctx = survey_context(request, slug)
    existing = access_requests.found_response_or_404(request.session, ctx.campaign, response_id)
    form = AccessRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, ctx, "surveys/organisation_taken.html", {"existing": existing, "form": form}, status=400)
    colleagues.request_access(existing, user=request.user, message=form.cleaned_data["message"].strip())
    messages.success(request, _("Your request was sent to the colleagues working on this response."))
    return redirect("campaign_detail", slug)


@login_required
def survey_colleagues(request: SignedInRequest, slug: str) -> HttpResponse:
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
        colleagues.decide_access_request(access_request, accept=accept)
        messages.success(request, _("Request accepted.") if accept else _("Request declined."))
        return redirect("survey_colleagues", slug)
    return _page(request, ctx, "surveys/colleagues.html", {
        "respondents": ctx.response.respondents.select_related("user"),
        "pending": ctx.response.access_requests.filter(status=RequestStatus.PENDING).select_related("requester"),
    })
