"""The secretariat's admin for campaigns: their areas, questionnaire pages, country policy and deadline."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
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

from bigbuyers.admin import RecordInline
from bigbuyers.http import signed_in_user
from bigbuyers.staff_views import staff_view
from surveys.admin import dashboard
from surveys.country_groups import COUNTRY_GROUPS, EU
from surveys.eligibility import Outcome
from surveys.models import Campaign, DeadlineChange, PolicyChange, ThematicArea
from surveys.questionnaire.admin import QuestionnairePageInline, questionnaire_urls
from surveys.questionnaire.services import ensure_pages
from surveys.selectors import policy_change_counts
from surveys.services.deadlines import extend_deadline
from surveys.services.eligibility import save_campaign


class ThematicAreaInline(TranslationTabularInline):
    """The areas, with their name and description in each language (English is required, the others fall back to it)."""

    model = ThematicArea
    extra = 0
    fields = ["position", "code", "name", "description"]


class DeadlineChangeInline(RecordInline):
    model = DeadlineChange
    fields = ["changed_at", "previous_deadline", "new_deadline", "changed_by", "reason"]
    verbose_name_plural = gettext_lazy("Deadline history")

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


class PolicyChangeInline(RecordInline):
    model = PolicyChange
    fields = ["changed_at", "changed_by", "eligible", "reimbursed", "changed_responses"]
    verbose_name_plural = gettext_lazy("Country policy history")

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
        return format_html('<a href="{}">{}</a>', changes_url(change), change.changes)  # type: ignore[attr-defined]  # get_queryset's count


def changes_url(change: PolicyChange) -> str:
    return reverse("admin:surveys_eligibilitychange_changelist") + f"?policy_change={change.pk}"


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
        """Through the service: a change of the country policy is recorded and re-evaluates the responses."""
        policy_change = save_campaign(obj, by=signed_in_user(request))
        if policy_change is None:
            return
        changed, kept = policy_change_counts(policy_change)
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
        site = self.admin_site
        return [
            path("<int:campaign_id>/extend-deadline/",
                 staff_view(self.extend_deadline_view, permission="surveys.change_campaign", site=site),
                 name="surveys_campaign_extend_deadline"),
            path("<int:campaign_id>/dashboard/",
                 staff_view(partial(dashboard.dashboard_view, site=site), permission="surveys.view_campaign", site=site),
                 name="surveys_campaign_dashboard"),
            path("<int:campaign_id>/report/", staff_view(dashboard.report_view, permission="surveys.view_campaign", site=site),
                 name="surveys_campaign_report"),
            *questionnaire_urls(site),
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
        form = ExtendDeadlineForm(request.POST or None, campaign=campaign)
        if request.method == "POST" and form.is_valid():
            extend_deadline(campaign, new_deadline=form.cleaned_data["new_deadline"], by=signed_in_user(request),
                            reason=form.cleaned_data["reason"])
            self.message_user(request, _("The deadline is extended; drafts are told by e-mail."), messages.SUCCESS)
            return redirect("admin:surveys_campaign_change", campaign.pk)
        return render(request, "admin/surveys/extend_deadline.html", {
            **self.admin_site.each_context(request), "title": _("Extend the deadline of %(name)s") % {"name": campaign.name},
            "campaign": campaign, "form": form, "opts": self.model._meta,
        })
