"""The secretariat's admin for campaigns, responses and the requests around them."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from bigbuyers import exports
from bigbuyers.admin import BulkEmailActionMixin, bulk_email_action
from bigbuyers.models import User
from bigbuyers.paginators import EstimatedCountPaginator
from surveys import admin_purchases  # noqa: F401 - registers the planned purchases' admin
from surveys import admin_views, selectors
from surveys.exports import EXPORT as RESPONSES_EXPORT
from surveys.exports import responses_table
from surveys.questionnaire.admin import QuestionnairePageInline, questionnaire_urls
from surveys.questionnaire.services import ensure_pages
from surveys.country_groups import COUNTRY_GROUPS, EU
from surveys.eligibility import Outcome
from surveys.models import (
    AccessRequest,
    AreaInterest,
    Campaign,
    DeadlineChange,
    EligibilityChange,
    EligibilityDecision,
    EligibilityReview,
    LateRequest,
    Organisation,
    PolicyChange,
    RequestStatus,
    Respondent,
    Response,
    ThematicArea,
)
from surveys.services.deadlines import decide_late_request, extend_deadline, extend_personal_deadline
from surveys.services.eligibility import assess_response, change_policy, decide_eligibility

POLICY_FIELDS = ("eligible_country_groups", "reimbursed_country_groups")


class ThematicAreaInline(TranslationTabularInline):
    """The areas, with their name and description in each language (English is required, the others fall back to it)."""

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

    def get_queryset(self, request: HttpRequest) -> QuerySet[DeadlineChange]:
        # The row's title (__str__) names the campaign; the person is a column.
        return super().get_queryset(request).select_related("campaign", "changed_by")


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


def country_group_choices() -> list[tuple[str, str]]:
    """The country groups, each with what ticking it admits, in the active language (EEA: the EU and three more)."""
    eu = COUNTRY_GROUPS[EU]
    choices = []
    for key, group in COUNTRY_GROUPS.items():
        if key == EU:
            members = _("the %(count)d Member States") % {"count": len(group.codes)}
        else:
            others = ", ".join(sorted(str(countries.name(code)) for code in group.codes - eu.codes))
            members = _("%(eu)s and %(others)s") % {"eu": eu.label, "others": others} if eu.codes <= group.codes else others
        choices.append((key, f"{group.label} ({members})"))
    return choices


class CampaignAdminForm(forms.ModelForm):
    """The campaign, with its country policy as checkboxes over the known groups (stored as JSON lists)."""

    eligible_country_groups = forms.MultipleChoiceField(
        label=capfirst(Campaign._meta.get_field("eligible_country_groups").verbose_name),
        help_text=Campaign._meta.get_field("eligible_country_groups").help_text,
        choices=country_group_choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick at least one group: otherwise no body could take part.")},
    )
    reimbursed_country_groups = forms.MultipleChoiceField(
        label=capfirst(Campaign._meta.get_field("reimbursed_country_groups").verbose_name),
        help_text=Campaign._meta.get_field("reimbursed_country_groups").help_text,
        choices=country_group_choices, widget=forms.CheckboxSelectMultiple, required=False,
    )

    class Meta:
        model = Campaign
        fields = "__all__"

    def clean_eligible_country_groups(self) -> list[str]:
        return [key for key in COUNTRY_GROUPS if key in self.cleaned_data["eligible_country_groups"]]

    def clean_reimbursed_country_groups(self) -> list[str]:
        return [key for key in COUNTRY_GROUPS if key in self.cleaned_data["reimbursed_country_groups"]]


class PolicyChangeInline(admin.TabularInline):
    model = PolicyChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "eligible", "reimbursed", "changed_responses"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Country policy history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[PolicyChange]:
        # The row's title (__str__) names the campaign.
        return (super().get_queryset(request).select_related("campaign", "changed_by")
                .annotate(changes=Count("eligibility_changes")))

    @admin.display(description=gettext_lazy("eligible groups"))
    def eligible(self, change: PolicyChange) -> str:
        return f"{', '.join(change.previous_eligible_groups) or '—'} → {', '.join(change.eligible_groups) or '—'}"

    @admin.display(description=gettext_lazy("reimbursed groups"))
    def reimbursed(self, change: PolicyChange) -> str:
        return f"{', '.join(change.previous_reimbursed_groups) or '—'} → {', '.join(change.reimbursed_groups) or '—'}"

    @admin.display(description=gettext_lazy("responses whose outcome changed"))
    def changed_responses(self, change: PolicyChange) -> str:
        return format_html('<a href="{}">{}</a>', changes_url(change), change.changes)


def changes_url(change: PolicyChange) -> str:
    return reverse("admin:surveys_eligibilitychange_changelist") + f"?policy_change={change.pk}"


class PolicyChangeFilter(admin.SimpleListFilter):
    """The policy changes, newest first, named with their campaign (fetched in one query)."""

    title = gettext_lazy("policy change")
    parameter_name = "policy_change"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        changes = PolicyChange.objects.select_related("campaign")[:50]
        return [(str(c.pk), f"{c} ({c.changed_at:%Y-%m-%d %H:%M})") for c in changes]

    def queryset(self, request: HttpRequest, queryset: QuerySet[EligibilityChange]) -> QuerySet[EligibilityChange]:
        if self.value() and self.value().isdigit():
            return queryset.filter(policy_change_id=self.value())
        return queryset


@admin.register(Campaign)
class CampaignAdmin(TranslationAdmin):
    form = CampaignAdminForm
    list_display = ["name", "slug", "opens_at", "deadline", "time_zone", "is_published", "responses_link",
                    "eligibility_counts"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ThematicAreaInline, QuestionnairePageInline, DeadlineChangeInline, PolicyChangeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        # Counted in the same query as the campaigns: the list and the page do not grow with the responses.
        counts = {f"{outcome.value}_count": Count("responses", filter=Q(responses__eligibility=outcome.value))
                  for outcome in Outcome}
        return super().get_queryset(request).annotate(**counts)

    def get_readonly_fields(self, request: HttpRequest, obj: Campaign | None = None) -> list[str]:
        # Once a campaign exists its deadline moves only through "Extend the deadline" (recorded).
        return ["deadline", "eligibility_counts"] if obj else []

    @admin.display(description=gettext_lazy("Responses"))
    def responses_link(self, campaign: Campaign) -> str:
        url = reverse("admin:surveys_response_changelist") + f"?campaign__id__exact={campaign.pk}"
        return format_html('<a href="{}">{}</a> · <a href="{}">{}</a>', url, _("Responses"),
                           reverse("admin:surveys_campaign_dashboard", args=[campaign.pk]), _("Dashboard"))

    @admin.display(description=gettext_lazy("Eligibility of the responses"))
    def eligibility_counts(self, campaign: Campaign) -> str:
        """One link per outcome to the responses with it (those needing review: to the review queue)."""
        links = []
        for outcome in Outcome:
            if outcome == Outcome.NEEDS_REVIEW:
                url = reverse("admin:surveys_eligibilityreview_changelist") + f"?campaign__id__exact={campaign.pk}"
            else:
                url = (reverse("admin:surveys_response_changelist")
                       + f"?campaign__id__exact={campaign.pk}&eligibility__exact={outcome.value}")
            links.append((url, outcome.value, outcome.label, getattr(campaign, f"{outcome.value}_count", 0)))
        return format_html_join(" · ", '<a href="{}" class="eligibility-count-{}">{}: {}</a>', links)

    def save_model(self, request: HttpRequest, obj: Campaign, form: forms.ModelForm, change: bool) -> None:
        """A change of the country policy goes through the service, which records it and re-evaluates the responses."""
        if not change or not set(POLICY_FIELDS) & set(form.changed_data):
            super().save_model(request, obj, form, change)
            return
        wanted = {name: getattr(obj, name) for name in POLICY_FIELDS}
        for name in POLICY_FIELDS:  # the other fields are saved as usual; the policy by change_policy
            setattr(obj, name, form.initial[name])
        super().save_model(request, obj, form, change)
        policy_change = change_policy(obj, eligible_groups=wanted["eligible_country_groups"],
                                      reimbursed_groups=wanted["reimbursed_country_groups"], by=request.user)
        if policy_change is None:
            return
        changed = policy_change.eligibility_changes.count()
        kept = Response.objects.filter(campaign=obj, eligibility_decided=True).count()
        self.message_user(request, format_html(
            "{} <a href=\"{}\">{}</a> {}",
            ngettext("The country policy changed: %(count)d response changed its eligibility outcome.",
                     "The country policy changed: %(count)d responses changed their eligibility outcome.",
                     changed) % {"count": changed},
            changes_url(policy_change), _("See them."),
            ngettext("%(count)d response decided by the secretariat keeps its decision.",
                     "%(count)d responses decided by the secretariat keep their decision.", kept) % {"count": kept},
        ), messages.WARNING if changed else messages.SUCCESS)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<int:campaign_id>/extend-deadline/", view(self.extend_deadline_view),
                 name="surveys_campaign_extend_deadline"),
            path("<int:campaign_id>/dashboard/", view(partial(admin_views.dashboard_view, site=self.admin_site)),
                 name="surveys_campaign_dashboard"),
            path("<int:campaign_id>/report/", view(admin_views.report_view), name="surveys_campaign_report"),
            *questionnaire_urls(view, self.admin_site),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        extra_context = {**(extra_context or {}),
                         "extend_url": reverse("admin:surveys_campaign_extend_deadline", args=[object_id])}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        ensure_pages(form.instance)  # a campaign's questionnaire is written out on its first save

    def extend_deadline_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = get_object_or_404(Campaign, pk=campaign_id)
        if not self.has_change_permission(request, campaign):
            return redirect("admin:index")
        form = ExtendDeadlineForm(request.POST or None, campaign=campaign)
        if request.method == "POST" and form.is_valid():
            extend_deadline(campaign, new_deadline=form.cleaned_data["new_deadline"], by=request.user,
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
        # "<area id>" or "<area id>:<level>" (the dashboard links to each level); one join, one condition.
        area, _sep, level = (self.value() or "").partition(":")
        if not area.isdigit() or (level and not level.isdigit()):
            return queryset
        interests = AreaInterest.objects.filter(area_id=area, **({"level": level} if level else {}))
        return queryset.filter(pk__in=interests.values("response_id"))


class CountryFilter(admin.SimpleListFilter):
    """The countries of the organisations, listed from a cached query (they change rarely; 250,000 rows
    need not be read for every page of the list)."""

    title = gettext_lazy("country")
    parameter_name = "country"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = cache.get_or_set("admin:organisation-countries", lambda: list(
            Organisation.objects.order_by("country").values_list("country", flat=True).distinct()), 600)
        return [(code, f"{countries.name(code) or code} ({code})") for code in codes]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Response]) -> QuerySet[Response]:
        if self.value():
            return queryset.filter(organisation__country=self.value().upper()[:2])
        return queryset


class RespondentInline(admin.TabularInline):
    model = Respondent
    extra = 0
    fields = ["user", "is_owner", "added_at"]
    readonly_fields = ["user", "added_at"]
    autocomplete_fields: list[str] = []


class EligibilityDecisionInline(admin.TabularInline):
    model = EligibilityDecision
    extra = 0
    can_delete = False
    fields = ["decided_at", "decided_by", "previous_outcome", "outcome", "reason"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Decisions of the secretariat on eligibility")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[EligibilityDecision]:
        return super().get_queryset(request).select_related("decided_by")


class EligibilityChangeInline(admin.TabularInline):
    model = EligibilityChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "previous_outcome", "outcome"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Eligibility changed by a change of the campaign's country policy")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

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


class PersonalDeadlineForm(forms.Form):
    until = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


def _respondents(responses: QuerySet[Response]) -> QuerySet[User]:
    return User.objects.filter(respondents__response__in=responses.order_by().values("pk"))


def _describe_responses(responses: QuerySet[Response]) -> str:
    return _("Respondents of the selected responses (%(campaigns)s)") % {
        "campaigns": ", ".join(Campaign.objects.filter(pk__in=responses.order_by().values("campaign_id"))
                               .values_list("slug", flat=True)[:5])}


@admin.register(Response)
class ResponseAdmin(BulkEmailActionMixin, admin.ModelAdmin):
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
    actions = ["give_one_more_week", "export_csv", "export_xlsx",
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

    def has_export_permission(self, request: HttpRequest) -> bool:
        return exports.may_export(request, RESPONSES_EXPORT)

    def _export(self, request: HttpRequest, queryset: QuerySet[Response], fmt: str) -> HttpResponse:
        filters = {"changelist": request.GET.urlencode(), "select_across": request.POST.get("select_across") == "1",
                   "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)[:200]}
        table = responses_table(queryset, title=_("Responses chosen in the admin"),
                                filename=f"responses-{timezone.localdate().isoformat()}", filters=filters)
        return exports.download(request, kind=RESPONSES_EXPORT, fmt=fmt, table=table)

    @admin.action(description=gettext_lazy("Export the selected responses (CSV, every answer)"), permissions=["export"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Response]) -> HttpResponse:
        return self._export(request, queryset, "csv")

    @admin.action(description=gettext_lazy("Export the selected responses (XLSX, every answer)"), permissions=["export"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Response]) -> HttpResponse:
        return self._export(request, queryset, "xlsx")

    def get_urls(self) -> list[Any]:
        return [
            path("<int:response_id>/decide-eligibility/", self.admin_site.admin_view(self.decide_eligibility_view),
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
        if not self.has_change_permission(request, response):
            raise PermissionDenied
        form = EligibilityDecisionForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                needed_review = response.eligibility == Outcome.NEEDS_REVIEW
                decision = decide_eligibility(response, outcome=form.cleaned_data["outcome"],
                                              reason=form.cleaned_data["reason"], by=request.user)
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

    @admin.action(description=gettext_lazy("Give the selected respondents one more week"))
    def give_one_more_week(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        for response in queryset.select_related("campaign"):
            base = max(response.campaign.deadline, response.personal_deadline or response.campaign.deadline, timezone.now())
            extend_personal_deadline(response, until=base + dt.timedelta(days=7))
        count = queryset.count()
        self.message_user(request, ngettext("%(count)d respondent got one more week.",
                                            "%(count)d respondents got one more week.", count) % {"count": count})


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
            decide_late_request(late, accept=accept, by=request.user, note=late.decision_note)
        self.message_user(request, ngettext("%(count)d request decided; the respondent is told by e-mail.",
                                            "%(count)d requests decided; the respondents are told by e-mail.",
                                            len(pending)) % {"count": len(pending)})

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


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EligibilityDecision)
class EligibilityDecisionAdmin(ReadOnlyAdmin):
    list_display = ["decided_at", "response", "previous_outcome", "outcome", "decided_by", "reason"]
    list_filter = ["outcome", "response__campaign"]
    list_select_related = ["response__organisation", "response__campaign", "decided_by"]
    search_fields = ["response__organisation__name", "reason"]
    show_full_result_count = False


@admin.register(EligibilityChange)
class EligibilityChangeAdmin(ReadOnlyAdmin):
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
