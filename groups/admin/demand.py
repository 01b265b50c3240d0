"""The demand picture in the admin: a campaign's interest per area, by country and type of body, planned
purchases by CPV division and group, and challenges, as charts with their tables (groups/selectors/demand.py).

A mixin of the matching runs' admin: its URLs hang from it, behind staff_view with the permission to view runs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from groups.charts import bar_chart
from groups.selectors.demand import demand_picture
from surveys.models import Campaign


class DemandPictureMixin:
    """The demand picture's two pages; the admin using it provides ``_page``."""

    _page: Any

    def demand_index_view(self, request: HttpRequest) -> HttpResponse:
        """The campaigns, each with a link to its demand picture."""
        return self._page(request, "admin/groups/demand_index.html", {
            "title": _("Demand picture"), "campaigns": Campaign.objects.order_by("-opens_at")})

    def demand_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        """Interest per area, by country and type of body, planned purchases and challenges; charts and tables."""
        campaign = get_object_or_404(Campaign, pk=campaign_id)
        picture = demand_picture(campaign, eligible_only=request.GET.get("eligible") == "1")
        areas_chart = bar_chart(
            chart_id="chart-areas", title=_("Interest per area"),
            description=_("Bodies interested in each area, split into high priority and interested; the table "
                          "below gives the same figures."),
            rows=[(a.area.name, [a.high_priority, a.interested]) for a in picture.areas],
            series=[_("High priority"), _("Interested")])
        country_chart = bar_chart(
            chart_id="chart-countries", title=_("Responding bodies per country"),
            description=_("Number of bodies that answered, per country; the table below gives them per area too."),
            rows=[(str(row.label), [row.bodies]) for row in picture.by_country], series=[_("Bodies")])
        type_chart = bar_chart(
            chart_id="chart-types", title=_("Responding bodies per type of body"),
            description=_("Number of bodies that answered, per type of body; the table below gives them per area."),
            rows=[(str(row.label), [row.bodies]) for row in picture.by_body_type], series=[_("Bodies")])
        cpv_chart = bar_chart(
            chart_id="chart-cpv", title=_("Bodies per CPV division"),
            description=_("Number of bodies that plan purchases in each CPV division; the table below gives the "
                          "purchases too, and the groups within each division."),
            rows=[(d.title, [d.bodies]) for d in picture.cpv_divisions], series=[_("Bodies")])
        return self._page(request, "admin/groups/demand.html", {
            "title": _("Demand picture: %(campaign)s") % {"campaign": campaign.name}, "picture": picture,
            "campaign": campaign, "areas_chart": areas_chart, "country_chart": country_chart,
            "type_chart": type_chart, "cpv_chart": cpv_chart,
            "unknown_codes_url": reverse("admin:surveys_plannedpurchase_changelist")
            + f"?response__campaign__id__exact={campaign.pk}&cpv=unknown",
            "new_run_url": reverse("admin:groups_matchingrun_add") + f"?campaign={campaign.pk}",
        })

