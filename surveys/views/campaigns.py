"""Public pages: the list of campaigns and one campaign's page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bigbuyers.ratelimit import limit_posts
from surveys import selectors
from surveys.deadlines import deadline_for, is_open_for
from surveys.forms import EmailForm
from surveys.kept import CampaignContent, published_content
from surveys.models import Campaign
from surveys.services.responses import response_for
from surveys.services.signin import request_signin_link


def get_content_or_404(slug: str) -> CampaignContent:
    """The published campaign `slug` with its areas and questionnaire (surveys/kept.py)."""
    try:
        return published_content(slug)
    except Campaign.DoesNotExist:
        raise Http404 from None


def home(request: HttpRequest) -> HttpResponse:
    open_campaigns, closed_campaigns = selectors.home_campaigns()
    return render(request, "surveys/home.html", {"campaigns": open_campaigns, "closed_campaigns": closed_campaigns})


def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    content = get_content_or_404(slug)
    campaign = content.campaign
    response = response_for(request.user, campaign)
    return render(request, "surveys/campaign_detail.html", {
        "campaign": campaign, "areas": content.areas, "response": response,
        "deadline": deadline_for(campaign, response), "is_open": is_open_for(campaign, response),
        "coverage": selectors.country_coverage(campaign),
    })


@limit_posts("signin", per_ip="RATELIMIT_SIGNIN_PER_IP", per_field=("email", "RATELIMIT_SIGNIN_PER_EMAIL"))
def survey_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start or resume: a signed-in person goes to the survey; anyone else gets a sign-in link."""
    campaign = get_content_or_404(slug).campaign
    survey_path = reverse("survey_resume", args=[campaign.slug])
    if request.user.is_authenticated:
        return redirect(survey_path)
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request_signin_link(email=form.cleaned_data["email"], next_path=survey_path)
        request.session["signin_email"] = form.cleaned_data["email"]
        return redirect("signin_sent")
    return render(request, "surveys/survey_start.html", {"campaign": campaign, "form": form},
                  status=400 if form.errors else 200)
