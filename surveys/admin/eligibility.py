"""The secretariat's admin for eligibility: the review queue, the decisions and the changes a policy made."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy

from bigbuyers.admin import ReadOnlyModelAdmin
from surveys.admin.responses import decide_url
from surveys.eligibility import Outcome
from surveys.models import EligibilityChange, EligibilityDecision, EligibilityReview, PolicyChange, Response
from surveys.services.eligibility import assess_response


class PolicyChangeFilter(admin.SimpleListFilter):
    """The policy changes, newest first, named with their campaign (fetched in one query)."""

    title = gettext_lazy("policy change")
    parameter_name = "policy_change"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        changes = PolicyChange.objects.select_related("campaign")[:50]
        return [(str(c.pk), f"{c} ({c.changed_at:%Y-%m-%d %H:%M})") for c in changes]

    def queryset(self, request: HttpRequest, queryset: QuerySet[EligibilityChange]) -> QuerySet[EligibilityChange]:
        if (value := self.value()) and value.isdigit():
            return queryset.filter(policy_change_id=int(value))
        return queryset


@admin.register(EligibilityReview)
class EligibilityReviewAdmin(admin.ModelAdmin):
    """The secretariat's queue: responses the rules could not decide. Deciding takes them out of it."""

    list_display = ["organisation_link", "country", "body_type", "campaign", "status", "why", "updated_at"]
    list_display_links = None
    list_filter = ["campaign", "status"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "campaign"]
    show_full_result_count = False
    ordering = ["updated_at"]  # the longest waiting first
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Response]:
        return super().get_queryset(request).filter(eligibility=Outcome.NEEDS_REVIEW)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return redirect("admin:surveys_response_decide_eligibility", object_id)

    @admin.display(description=gettext_lazy("organisation"), ordering="organisation__name")
    def organisation_link(self, response: Response) -> str:
        return format_html('<a href="{}">{}</a>', decide_url(response), response.organisation.name)

    @admin.display(description=gettext_lazy("country"), ordering="organisation__country")
    def country(self, response: Response) -> str:
        return response.organisation.country.code

    @admin.display(description=gettext_lazy("type of body"))
    def body_type(self, response: Response) -> str:
        return response.organisation.get_body_type_display()

    @admin.display(description=gettext_lazy("what the secretariat should check"))
    def why(self, response: Response) -> str:
        """The rules' reasons, computed from the rows already fetched (pure rules: no query per row)."""
        assessment = assess_response(response)
        return format_html_join("", "<p>{}</p>", ((str(reason),) for reason in assessment.reasons))


@admin.register(EligibilityDecision)
class EligibilityDecisionAdmin(ReadOnlyModelAdmin):
    list_display = ["decided_at", "response", "previous_outcome", "outcome", "decided_by", "reason"]
    list_filter = ["outcome", "response__campaign"]
    list_select_related = ["response__organisation", "response__campaign", "decided_by"]
    search_fields = ["response__organisation__name", "reason"]
    show_full_result_count = False


@admin.register(EligibilityChange)
class EligibilityChangeAdmin(ReadOnlyModelAdmin):
    """The responses whose outcome a change of their campaign's policy changed (linked from the campaign)."""

    list_display = ["response_link", "country", "previous_outcome", "outcome", "changed_at", "changed_by"]
    list_filter = [PolicyChangeFilter, "outcome", "previous_outcome"]
    list_select_related = ["response__organisation", "response__campaign", "policy_change__changed_by",
                           "policy_change__campaign"]
    search_fields = ["response__organisation__name"]
    show_full_result_count = False

    @admin.display(description=gettext_lazy("response"), ordering="response__organisation__name")
    def response_link(self, change: EligibilityChange) -> str:
        url = reverse("admin:surveys_response_change", args=[change.response_id])
        return format_html('<a href="{}">{}</a>', url, change.response)

    @admin.display(description=gettext_lazy("country"))
    def country(self, change: EligibilityChange) -> str:
        return change.response.organisation.country.code

    @admin.display(description=gettext_lazy("changed at"), ordering="policy_change__changed_at")
    def changed_at(self, change: EligibilityChange) -> Any:
        return change.policy_change.changed_at

    @admin.display(description=gettext_lazy("policy changed by"))
    def changed_by(self, change: EligibilityChange) -> Any:
        return change.policy_change.changed_by
