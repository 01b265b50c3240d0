"""The secretariat's pages about a campaign as a whole: the dashboard and the needs-assessment report.

Both are admin views hung from the campaign's admin (CampaignAdmin.get_urls), behind
bigbuyers.staff_views.staff_view with the permission to view campaigns. Their figures come from the section
providers every app registers (surveys/dashboard.py), so these views know nothing of groups or communities.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from surveys import dashboard
from surveys.models import Campaign


def dashboard_view(request: HttpRequest, campaign_id: int, *, site: AdminSite) -> HttpResponse:
    """Counts about the campaign, each linked to the admin list behind it, as charts with their tables."""
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    return TemplateResponse(request, "admin/surveys/campaign_dashboard.html", {
        **site.each_context(request), "title": _("Dashboard of %(name)s") % {"name": campaign.name},
        "campaign": campaign, "sections": dashboard.for_user(dashboard.dashboard_sections(campaign), request.user),
        "generated_at": dashboard.generated_at(campaign), "opts": Campaign._meta,
    })


def report_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The needs-assessment report: printable, and with no personal data (see surveys/report.py)."""
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    return TemplateResponse(request, "surveys/report.html", {
        "campaign": campaign, "sections": dashboard.report_sections(campaign),
        "generated_at": dashboard.generated_at(campaign),
    })
