"""The secretariat's admin for responses (answers, eligibility decisions, exports, e-mails) and organisations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.cache import cache
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries

from bigbuyers.admin import BulkEmailActionMixin, ExportActionsMixin, RecordInline, bulk_email_action, export_action
from bigbuyers.exports import ExportTable
from bigbuyers.http import signed_in_user
from bigbuyers.models import User
from bigbuyers.paginators import EstimatedCountPaginator
from bigbuyers.staff_views import staff_view
from surveys import selectors
from surveys.eligibility import Outcome
from surveys.exports import EXPORT as RESPONSES_EXPORT
from surveys.exports import responses_table
from surveys.models import (
    AreaInterest,
    Campaign,
    EligibilityChange,
    EligibilityDecision,
    Organisation,
    Respondent,
    Response,
    ThematicArea,
)
from surveys.services.deadlines import give_more_time
from surveys.services.eligibility import assess_response, decide_eligibility


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
        # "<area id>" or "<area id>:<level>" (the dashboard links to each level); one join, one condition.
        area, _sep, level = (self.value() or "").partition(":")
        if not area.isdigit() or (level and not level.isdigit()):
            return queryset
        interests = AreaInterest.objects.filter(area_id=int(area), **({"level": int(level)} if level else {}))
        return queryset.filter(pk__in=interests.values("response_id"))


class CountryFilter(admin.SimpleListFilter):
    """The countries of the organisations, listed from a cached query (they change rarely; 250,000 rows
    need not be read for every page of the list)."""

    title = gettext_lazy("country")
    parameter_name = "country"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes: list[str] = cache.get_or_set("admin:organisation-countries", lambda: list(
            Organisation.objects.order_by("country").values_list("country", flat=True).distinct()), 600) or []
        return [(code, f"{countries.name(code) or code} ({code})") for code in codes]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Response]) -> QuerySet[Response]:
        if value := self.value():
            return queryset.filter(organisation__country=value.upper()[:2])
        return queryset


class RespondentInline(admin.TabularInline):
    model = Respondent
    extra = 0
    fields = ["user", "is_owner", "added_at"]
    readonly_fields = ["user", "added_at"]
    autocomplete_fields = ()


class EligibilityDecisionInline(RecordInline):
    model = EligibilityDecision
    fields = ["decided_at", "decided_by", "previous_outcome", "outcome", "reason"]
    verbose_name_plural = gettext_lazy("Decisions of the secretariat on eligibility")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[EligibilityDecision]:
        return super().get_queryset(request).select_related("decided_by")


class EligibilityChangeInline(RecordInline):
    model = EligibilityChange
    fields = ["changed_at", "changed_by", "previous_outcome", "outcome"]
    verbose_name_plural = gettext_lazy("Eligibility changed by a change of the campaign's country policy")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[EligibilityChange]:
        return super().get_queryset(request).select_related("policy_change__changed_by")

    @admin.display(description=gettext_lazy("changed at"))
    def changed_at(self, change: EligibilityChange) -> Any:
        return change.policy_change.changed_at

    @admin.display(description=gettext_lazy("policy changed by"))
    def changed_by(self, change: EligibilityChange) -> Any:
        return change.policy_change.changed_by


class EligibilityDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"), widget=forms.RadioSelect,
        choices=[(Outcome.ELIGIBLE.value, Outcome.ELIGIBLE.label), (Outcome.NOT_ELIGIBLE.value, Outcome.NOT_ELIGIBLE.label)],
        error_messages={"required": gettext_lazy("Choose eligible or not eligible.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text=gettext_lazy("Kept with the decision, your name and the time, and shown on the response. "
                               "The respondent is not shown it."),
        error_messages={"required": gettext_lazy("Write the reason for the decision: a decision is kept with its reason.")},
    )


def decide_url(response: Response) -> str:
    return reverse("admin:surveys_response_decide_eligibility", args=[response.pk])


def _more_time_label() -> str:
    days = settings.LATE_ADMISSION_DAYS  # read when the list is shown, in the viewer's language
    return ngettext("Give the selected respondents %(days)d more day",
                    "Give the selected respondents %(days)d more days", days) % {"days": days}


def _respondents(responses: QuerySet[Response]) -> QuerySet[User]:
    return User.objects.filter(respondents__response__in=responses.order_by().values("pk"))


def _describe_responses(responses: QuerySet[Response]) -> str:
    return _("Respondents of the selected responses (%(campaigns)s)") % {
        "campaigns": ", ".join(Campaign.objects.filter(pk__in=responses.order_by().values("campaign_id"))
                               .values_list("slug", flat=True)[:5])}


@admin.register(Response)
class ResponseAdmin(ExportActionsMixin, BulkEmailActionMixin, admin.ModelAdmin):
    list_display = ["organisation_name", "country", "campaign", "status", "eligibility", "eligibility_decided",
                    "submitted_at", "updated_at"]
    # Every filter is backed by an index (surveys/migrations/0001, 0003): campaign+status, campaign+eligibility,
    # the organisation's country, an area's interests, the dates; the default order by -updated_at too.
    list_filter = ["campaign", "status", "eligibility", "eligibility_decided", CountryFilter, AreaInterestFilter,
                   "interview_willing", ("submitted_at", admin.DateFieldListFilter),
                   ("created_at", admin.DateFieldListFilter)]
    search_fields = ["organisation__name", "respondents__user__email", "contact_name"]
    search_help_text = gettext_lazy("Part of the organisation's name, the contact's name or a respondent's e-mail.")
    list_select_related = ["organisation", "campaign"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # No date hierarchy: its two queries (first and last date, then every distinct day) read every
    # matching row on each page; the date filters above do the same job from an index.
    readonly_fields = ["campaign", "organisation", "status", "submitted_at", "revision", "eligibility",
                       "eligibility_decided", "answers"]
    fields = ["campaign", "organisation", "status", "eligibility", "eligibility_decided", "submitted_at",
              "personal_deadline", "answers"]
    inlines = [RespondentInline, EligibilityDecisionInline, EligibilityChangeInline]
    export_kind = RESPONSES_EXPORT
    actions = ["more_time",
               export_action("csv", gettext_lazy("Export the selected responses (CSV, every answer)")),
               export_action("xlsx", gettext_lazy("Export the selected responses (XLSX, every answer)")),
               bulk_email_action(people=_respondents, source="responses", describe=_describe_responses,
                                 description=gettext_lazy("Write an e-mail to the respondents of the selected responses"))]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Response],
                           search_term: str) -> tuple[QuerySet[Response], bool]:
        """Each word in the organisation's name, the contact's name or a respondent's e-mail.

        Subqueries rather than joins: each one is a trigram-index scan (surveys/migrations/0003,
        bigbuyers/migrations/0002) and no row comes twice, so the list needs no DISTINCT.
        """
        campaign = request.GET.get("campaign", "")
        if campaign.isdigit() and request.path == reverse("admin:autocomplete"):
            # A search from another admin's autocomplete that names a campaign (a matching run's pinned bodies).
            queryset = queryset.filter(campaign_id=int(campaign))
        for word in search_term.split()[:5]:
            queryset = queryset.filter(
                Q(organisation_id__in=Organisation.objects.filter(name__icontains=word).values("pk"))
                | Q(pk__in=Respondent.objects.filter(user__email__icontains=word).values("response_id"))
                | Q(contact_name__icontains=word)
            )
        return queryset, False

    def export_table(self, queryset: QuerySet[Response], *, filters: dict[str, Any]) -> ExportTable:
        return responses_table(queryset, title=_("Responses chosen in the admin"),
                               filename=f"responses-{timezone.localdate().isoformat()}", filters=filters)

    def get_urls(self) -> list[Any]:
        return [
            path("<int:response_id>/decide-eligibility/",
                 staff_view(self.decide_eligibility_view, permission="surveys.change_response", site=self.admin_site),
                 name="surveys_response_decide_eligibility"),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        extra_context = {**(extra_context or {}),
                         "decide_url": reverse("admin:surveys_response_decide_eligibility", args=[object_id])}
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_eligibility_view(self, request: HttpRequest, response_id: int) -> HttpResponse:
        """The secretariat decides (or overrides) a response's eligibility, with a written reason."""
        response = get_object_or_404(Response.objects.select_related("organisation", "campaign"), pk=response_id)
        form = EligibilityDecisionForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                needed_review = response.eligibility == Outcome.NEEDS_REVIEW
                decision = decide_eligibility(response, outcome=form.cleaned_data["outcome"],
                                              reason=form.cleaned_data["reason"], by=signed_in_user(request))
                self.message_user(request, _("Decision recorded: %(organisation)s is “%(outcome)s”.") % {
                    "organisation": response.organisation.name, "outcome": decision.get_outcome_display()},
                    messages.SUCCESS)
                if needed_review:  # back to the queue, for the next one
                    return redirect(reverse("admin:surveys_eligibilityreview_changelist")
                                    + f"?campaign__id__exact={response.campaign_id}")
                return redirect("admin:surveys_response_change", response.pk)
            self.message_user(request, _("The decision was not recorded: correct the errors below."), messages.ERROR)
        return render(request, "admin/surveys/decide_eligibility.html", {
            **self.admin_site.each_context(request),
            "title": _("Eligibility of %(organisation)s") % {"organisation": response.organisation.name},
            "response": response, "assessment": assess_response(response), "form": form,
            "decisions": response.eligibility_decisions.select_related("decided_by"),
            "opts": self.model._meta, "original": response,
        }, status=400 if form.errors else 200)

    @admin.display(description=gettext_lazy("organisation"), ordering="organisation__name")
    def organisation_name(self, response: Response) -> str:
        return response.organisation.name

    @admin.display(description=gettext_lazy("country"), ordering="organisation__country")
    def country(self, response: Response) -> str:
        return response.organisation.country.code

    @admin.display(description=gettext_lazy("answers"))
    def answers(self, response: Response) -> str:
        """Every answer, readable, as the respondent's review page shows it (escaped)."""
        return format_html_join("", "<h3>{}</h3><dl>{}</dl>", (
            (section.title, format_html_join("", "<dt>{}</dt><dd>{}</dd>", section.rows))
            for section in selectors.answers_of(response)
        ))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=lazy(_more_time_label, str)())
    def more_time(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        count = give_more_time(queryset)
        self.message_user(request, ngettext("%(count)d respondent got %(days)d more days.",
                                            "%(count)d respondents got %(days)d more days.", count)
                          % {"count": count, "days": settings.LATE_ADMISSION_DAYS})


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country_code", "body_type", "size", "purchasing_volume"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # "city.example" means https://
    list_filter = ["body_type", "size"]
    # icontains on the name: a trigram-index scan on PostgreSQL (surveys/migrations/0003).
    search_fields = ["name"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    @admin.display(description=gettext_lazy("country"), ordering="country")
    def country_code(self, organisation: Organisation) -> str:
        # The field itself would rebuild the list of 250 countries for every row (django-countries' choices).
        return organisation.country.code
