"""The secretariat's admin for campaigns, responses and the requests around them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys import selectors, services
from surveys.models import (
    AccessRequest,
    Campaign,
    DeadlineChange,
    LateRequest,
    Organisation,
    PlannedPurchase,
    RequestStatus,
    Respondent,
    Response,
    ThematicArea,
)


class ThematicAreaInline(admin.TabularInline):
    model = ThematicArea
    extra = 0
    fields = ["position", "code", "name", "description"]


class DeadlineChangeInline(admin.TabularInline):
    model = DeadlineChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "previous_deadline", "new_deadline", "changed_by", "reason"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Deadline history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ExtendDeadlineForm(forms.Form):
    new_deadline = forms.DateTimeField(
        label=gettext_lazy("New deadline (in the campaign's time zone)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_new_deadline(self) -> dt.datetime:
        value = self.cleaned_data["new_deadline"]
        # The staff member types a wall-clock time of the campaign's zone, whatever their own.
        value = timezone.make_aware(timezone.make_naive(value), self.campaign.zone)
        if value <= self.campaign.deadline:
            raise forms.ValidationError(_("The new deadline must be later than the current one."))
        return value


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "opens_at", "deadline", "time_zone", "is_published", "responses_link"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ThematicAreaInline, DeadlineChangeInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Campaign | None = None) -> list[str]:
        # Once a campaign exists its deadline moves only through "Extend the deadline" (recorded).
        return ["deadline"] if obj else []

    @admin.display(description=gettext_lazy("Responses"))
    def responses_link(self, campaign: Campaign) -> str:
        url = reverse("admin:surveys_response_changelist") + f"?campaign__id__exact={campaign.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Responses"))

    def get_urls(self) -> list[Any]:
        return [
            path("<int:campaign_id>/extend-deadline/", self.admin_site.admin_view(self.extend_deadline_view),
                 name="surveys_campaign_extend_deadline"),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        extra_context = {**(extra_context or {}),
                         "extend_url": reverse("admin:surveys_campaign_extend_deadline", args=[object_id])}
        return super().change_view(request, object_id, form_url, extra_context)

    def extend_deadline_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = get_object_or_404(Campaign, pk=campaign_id)
        if not self.has_change_permission(request, campaign):
            return redirect("admin:index")
        form = ExtendDeadlineForm(request.POST or None, campaign=campaign)
        if request.method == "POST" and form.is_valid():
            services.extend_deadline(campaign, new_deadline=form.cleaned_data["new_deadline"], by=request.user,
                                     reason=form.cleaned_data["reason"])
            self.message_user(request, _("The deadline is extended; drafts are told by e-mail."), messages.SUCCESS)
            return redirect("admin:surveys_campaign_change", campaign.pk)
        return render(request, "admin/surveys/extend_deadline.html", {
            **self.admin_site.each_context(request), "title": _("Extend the deadline of %(name)s") % {"name": campaign.name},
            "campaign": campaign, "form": form, "opts": self.model._meta,
        })


class AreaInterestFilter(admin.SimpleListFilter):
    title = gettext_lazy("area of interest")
    parameter_name = "area"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        campaign_id = request.GET.get("campaign__id__exact")
        areas = ThematicArea.objects.select_related("campaign")
        if campaign_id and campaign_id.isdigit():
            areas = areas.filter(campaign_id=campaign_id)
        return [(str(a.pk), f"{a.name} ({a.campaign.slug})") for a in areas]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Response]) -> QuerySet[Response]:
        if self.value() and self.value().isdigit():
            return queryset.filter(interests__area_id=self.value())
        return queryset


class RespondentInline(admin.TabularInline):
    model = Respondent
    extra = 0
    fields = ["user", "is_owner", "added_at"]
    readonly_fields = ["user", "added_at"]
    autocomplete_fields: list[str] = []


class PersonalDeadlineForm(forms.Form):
    until = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["organisation_name", "country", "campaign", "status", "eligibility", "submitted_at", "updated_at"]
    list_filter = ["campaign", "status", "eligibility", ("organisation__country", admin.AllValuesFieldListFilter),
                   AreaInterestFilter]
    search_fields = ["organisation__name", "respondents__user__email", "contact_name"]
    list_select_related = ["organisation", "campaign"]
    show_full_result_count = False
    date_hierarchy = "updated_at"
    readonly_fields = ["campaign", "organisation", "status", "submitted_at", "revision", "eligibility", "answers"]
    fields = ["campaign", "organisation", "status", "eligibility", "submitted_at", "personal_deadline", "answers"]
    inlines = [RespondentInline]
    actions = ["give_one_more_week"]

    @admin.display(description=gettext_lazy("organisation"), ordering="organisation__name")
    def organisation_name(self, response: Response) -> str:
        return response.organisation.name

    @admin.display(description=gettext_lazy("country"), ordering="organisation__country")
    def country(self, response: Response) -> str:
        return response.organisation.country.code

    @admin.display(description=gettext_lazy("answers"))
    def answers(self, response: Response) -> str:
        """Every answer, readable, as the respondent's review page shows it (escaped)."""
        parts = []
        for section in selectors.answers_of(response):
            rows = "".join(format_html("<dt>{}</dt><dd>{}</dd>", label, value) for label, value in section.rows)
            parts.append(format_html("<h3>{}</h3><dl>{}</dl>", section.title, format_html(rows)))
        return format_html("".join(parts))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=gettext_lazy("Give the selected respondents one more week"))
    def give_one_more_week(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        for response in queryset.select_related("campaign"):
            base = max(response.campaign.deadline, response.personal_deadline or response.campaign.deadline, timezone.now())
            services.extend_personal_deadline(response, until=base + dt.timedelta(days=7))
        self.message_user(request, _("%(count)d respondents got one more week.") % {"count": queryset.count()})


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "body_type", "size", "purchasing_volume"]
    list_filter = ["body_type", "size"]
    search_fields = ["name"]
    show_full_result_count = False


@admin.register(LateRequest)
class LateRequestAdmin(admin.ModelAdmin):
    list_display = ["response", "status", "created_at", "decided_by"]
    list_filter = ["status", "response__campaign"]
    list_select_related = ["response__organisation", "response__campaign", "decided_by"]
    readonly_fields = ["response", "motivation", "status", "created_at", "decided_by", "decided_at"]
    fields = ["response", "motivation", "status", "created_at", "decided_by", "decided_at", "decision_note"]
    actions = ["accept", "decline"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: QuerySet[LateRequest], accept: bool) -> None:
        pending = queryset.filter(status=RequestStatus.PENDING).select_related("response__campaign")
        for late in pending:
            services.decide_late_request(late, accept=accept, by=request.user, note=late.decision_note)
        self.message_user(request, _("%(count)d requests decided; the respondents are told by e-mail.") % {"count": len(pending)})

    @admin.action(description=gettext_lazy("Accept: give them %(days)s days to complete their answers") % {"days": 7})
    def accept(self, request: HttpRequest, queryset: QuerySet[LateRequest]) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=gettext_lazy("Decline the selected requests"))
    def decline(self, request: HttpRequest, queryset: QuerySet[LateRequest]) -> None:
        self._decide(request, queryset, False)


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    list_display = ["requester", "response", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["requester", "response__organisation", "response__campaign"]
    readonly_fields = ["response", "requester", "message", "status", "created_at", "decided_at"]


@admin.register(PlannedPurchase)
class PlannedPurchaseAdmin(admin.ModelAdmin):
    list_display = ["description", "cpv_code", "area", "response"]
    list_filter = ["area__campaign"]
    search_fields = ["description", "cpv_code"]
    list_select_related = ["area", "response__organisation", "response__campaign"]
    show_full_result_count = False
