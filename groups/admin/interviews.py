"""The secretariat's admin for interviews: slots (one by one or a series), invitations, automatic
assignment, and each interview's notes and outcome. Changes that people must hear of (booking, moving,
cancelling) go through groups.services.interviews, which sends the calendar messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bigbuyers.admin import RecordInline
from bigbuyers.models import User
from bigbuyers.staff_views import staff_view
from groups.models import Interview, InterviewMode, InterviewSlot, InterviewStatus
from groups.selectors.interviews import open_slots
from groups.services import interviews as services
from surveys.forms import AVAILABILITY_CHOICES
from surveys.models import Campaign

WEEKDAY_CHOICES = [(0, gettext_lazy("Monday")), (1, gettext_lazy("Tuesday")), (2, gettext_lazy("Wednesday")),
                   (3, gettext_lazy("Thursday")), (4, gettext_lazy("Friday")), (5, gettext_lazy("Saturday")),
                   (6, gettext_lazy("Sunday"))]
MAX_SERIES = 500


def _booked(**filters: Any) -> QuerySet[Interview]:
    return Interview.objects.filter(status=InterviewStatus.BOOKED, **filters)


def _in_campaign_zone(moment: dt.datetime, campaign: Campaign) -> str:
    return f"{timezone.localtime(moment, campaign.zone):%a %Y-%m-%d %H:%M} ({campaign.time_zone})"


class SlotSeriesForm(forms.Form):
    campaign: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(label=gettext_lazy("Campaign"),
                                                                        queryset=Campaign.objects.all())
    interviewer = forms.ModelChoiceField(label=gettext_lazy("Interviewer"),
                                         queryset=User.objects.filter(is_staff=True, is_active=True).order_by("email"))
    first_day = forms.DateField(label=gettext_lazy("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=gettext_lazy("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    weekdays = forms.TypedMultipleChoiceField(label=gettext_lazy("On"), choices=WEEKDAY_CHOICES, coerce=int,
                                              initial=[0, 1, 2, 3, 4], widget=forms.CheckboxSelectMultiple)
    day_start = forms.TimeField(label=gettext_lazy("From (campaign's time zone)"), initial=dt.time(9),
                                widget=forms.TimeInput(attrs={"type": "time"}))
    day_end = forms.TimeField(label=gettext_lazy("Until"), initial=dt.time(17),
                              widget=forms.TimeInput(attrs={"type": "time"}))
    duration = forms.IntegerField(label=gettext_lazy("Length of an interview (minutes)"), initial=30,
                                  min_value=10, max_value=240)
    pause = forms.IntegerField(label=gettext_lazy("Pause between interviews (minutes)"), initial=15,
                               min_value=0, max_value=240)
    mode = forms.ChoiceField(label=gettext_lazy("Held by"), choices=InterviewMode.choices)
    video_link = forms.URLField(label=gettext_lazy("Video call link"), required=False, max_length=500,
                                 assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", _("The last day cannot be before the first."))
        if data.get("day_start") and data.get("day_end") and data["day_end"] <= data["day_start"]:
            self.add_error("day_end", _("The day must end after it starts."))
        if data.get("mode") == InterviewMode.VIDEO and not data.get("video_link"):
            self.add_error("video_link", _("A video call needs its link."))
        if not self.errors:
            data["starts"] = services.series_starts(
                first_day=data["first_day"], last_day=data["last_day"], weekdays=data["weekdays"],
                day_start=data["day_start"], day_end=data["day_end"], duration=data["duration"],
                pause=data["pause"], zone=data["campaign"].time_zone,
            )
            if not data["starts"]:
                raise forms.ValidationError(_("These settings give no slot at all."))
            if len(data["starts"]) > MAX_SERIES:
                raise forms.ValidationError(_("These settings give %(count)d slots; open at most %(max)d at once.")
                                            % {"count": len(data["starts"]), "max": MAX_SERIES})
        return data


class CampaignForm(forms.Form):
    campaign: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(label=gettext_lazy("Campaign"),
                                                                        queryset=Campaign.objects.all())


class RescheduleForm(forms.Form):
    slot = forms.ModelChoiceField(label=gettext_lazy("New time"), queryset=InterviewSlot.objects.none())

    def __init__(self, *args: Any, interview: Interview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaign = interview.slot.campaign
        slot = self.fields["slot"]
        assert isinstance(slot, forms.ModelChoiceField)
        slot.queryset = open_slots(campaign)
        slot.label_from_instance = lambda s: (  # type: ignore[assignment]  # each slot in the campaign's zone
            f"{_in_campaign_zone(s.starts_at, campaign)}, {s.duration} min, {s.get_mode_display()}, {s.interviewer}"
        )


class InterviewHistoryInline(RecordInline):
    model = Interview
    fields = ["response", "status", "source", "outcome"]
    verbose_name_plural = gettext_lazy("Interviews in this slot")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Interview]:
        # The row's title (Interview.__str__) names the slot, whose own names its campaign's zone and interviewer.
        return super().get_queryset(request).select_related("response__organisation", "response__campaign",
                                                            "slot__campaign", "slot__interviewer")


class BookedFilter(admin.SimpleListFilter):
    title = gettext_lazy("booked")
    parameter_name = "booked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("Booked")), ("no", _("Free"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[InterviewSlot]) -> QuerySet[InterviewSlot]:
        booked = Exists(_booked(slot=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(booked)
        if self.value() == "no":
            return queryset.exclude(booked)
        return queryset


@admin.register(InterviewSlot)
class InterviewSlotAdmin(admin.ModelAdmin):
    list_display = ["start", "duration", "interviewer", "mode", "campaign", "booked_by"]
    list_filter = ["campaign", BookedFilter, "mode", ("interviewer", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["campaign", "interviewer"]
    date_hierarchy = "starts_at"
    show_full_result_count = False
    fields = ("campaign", "interviewer", "starts_at", "duration", "mode", "video_link")
    inlines = [InterviewHistoryInline]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "video_link":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[InterviewSlot]:
        booked = _booked(slot=OuterRef("pk")).values("response__organisation__name")[:1]
        return super().get_queryset(request).annotate(booked_organisation=Subquery(booked))

    def get_readonly_fields(self, request: HttpRequest, obj: InterviewSlot | None = None) -> tuple[str, ...]:
        # A booked slot changes only by moving its interview, so that both sides hear of it.
        if obj is not None and _booked(slot=obj).exists():
            return self.fields
        return ()

    @admin.display(description=gettext_lazy("starts"), ordering="starts_at")
    def start(self, slot: InterviewSlot) -> str:
        return _in_campaign_zone(slot.starts_at, slot.campaign)

    @admin.display(description=gettext_lazy("booked by"))
    def booked_by(self, slot: InterviewSlot) -> str:
        return getattr(slot, "booked_organisation", None) or "—"

    def get_urls(self) -> list[Any]:
        site = self.admin_site
        return [
            path("series/", staff_view(self.series_view, permission="groups.add_interviewslot", site=site),
                 name="groups_interviewslot_series"),
            path("invite/", staff_view(self.invite_view, permission="groups.change_interviewslot", site=site),
                 name="groups_interviewslot_invite"),
            path("assign/", staff_view(self.assign_view, permission="groups.change_interviewslot", site=site),
                 name="groups_interviewslot_assign"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra_context = {**(extra_context or {}),
                         "series_url": reverse("admin:groups_interviewslot_series"),
                         "invite_url": reverse("admin:groups_interviewslot_invite"),
                         "assign_url": reverse("admin:groups_interviewslot_assign")}
        return super().changelist_view(request, extra_context)

    def _form_page(self, request: HttpRequest, form: forms.Form, *, title: str, intro: str, button: str,
                   status: int = 200) -> HttpResponse:
        return render(request, "admin/groups/interview_form.html", {
            **self.admin_site.each_context(request), "title": title, "intro": intro, "button": button, "form": form,
            "opts": self.model._meta,
        }, status=status)

    def series_view(self, request: HttpRequest) -> HttpResponse:
        """Open a series of slots: chosen weekdays between two dates, back to back within the working day."""
        form = SlotSeriesForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            created, skipped = services.create_slot_series(
                data["campaign"], interviewer=data["interviewer"], starts=data["starts"], duration=data["duration"],
                mode=data["mode"], video_link=data["video_link"],
            )
            text = ngettext("%(count)d slot opened.", "%(count)d slots opened.", len(created)) % {"count": len(created)}
            if skipped:
                text += " " + ngettext("%(count)d skipped: it overlaps another slot of the interviewer.",
                                       "%(count)d skipped: they overlap other slots of the interviewer.",
                                       skipped) % {"count": skipped}
            self.message_user(request, text, messages.SUCCESS if created else messages.WARNING)
            return redirect(reverse("admin:groups_interviewslot_changelist")
                            + f"?campaign__id__exact={data['campaign'].pk}")
        return self._form_page(
            request, form, title=_("Open a series of interview slots"), button=_("Open the slots"),
            intro=_("Times are wall-clock times of the campaign's time zone. Slots that would overlap one of the "
                    "interviewer's existing slots are skipped."),
            status=400 if form.errors else 200,
        )

    def invite_view(self, request: HttpRequest) -> HttpResponse:
        """E-mail the booking link to willing respondents without an interview (each person once)."""
        form = CampaignForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            campaign = form.cleaned_data["campaign"]
            count = services.invite_to_book(campaign)
            self.message_user(request, ngettext(
                "%(count)d invitation to book an interview is on its way.",
                "%(count)d invitations to book an interview are on their way.", count) % {"count": count},
                messages.SUCCESS)
            return redirect(reverse("admin:groups_interviewslot_changelist") + f"?campaign__id__exact={campaign.pk}")
        return self._form_page(
            request, form, title=_("Invite respondents to book an interview"), button=_("Send the invitations"),
            intro=_("Every respondent of a submitted response who agreed to an interview, is not ineligible and has "
                    "no interview yet gets a link to book one. Nobody is invited twice: run it again after opening "
                    "more slots to reach only those who came since."),
        )

    def assign_view(self, request: HttpRequest) -> HttpResponse:
        """Book open slots automatically for willing respondents, by their stated availability."""
        form = CampaignForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            campaign = form.cleaned_data["campaign"]
            report = services.assign_interviews(campaign)
            self.message_user(request, _(
                "%(assigned)d interviews booked for %(candidates)d respondents waiting with a stated availability "
                "(%(slots)d open slots). Both sides received a calendar invitation.") % {
                "assigned": len(report.assigned), "candidates": report.candidates, "slots": report.open_slots},
                messages.SUCCESS if report.assigned else messages.WARNING)
            return redirect(reverse("admin:groups_interview_changelist") + f"?slot__campaign__id__exact={campaign.pk}")
        return self._form_page(
            request, form, title=_("Assign interview slots automatically"), button=_("Assign the slots"),
            intro=_("Books as many interviews as possible: each willing respondent without an interview gets at most "
                    "one open slot that starts in a half-day they ticked (in their country's time zone) and is held "
                    "the way they prefer. Both sides get a calendar invitation."),
        )


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["organisation", "start", "interviewer", "status", "outcome", "source", "campaign"]
    list_filter = ["status", "outcome", "source", "slot__campaign", ("slot__interviewer", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["response__organisation", "slot__campaign", "slot__interviewer"]
    search_fields = ["response__organisation__name", "response__respondents__user__email", "response__contact_name"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["response_link", "when", "slot", "status", "source", "time_zone", "sequence",
                           "scheduled_at", "cancelled_at"]}),
        (gettext_lazy("What the respondent said"), {"fields": ["contact", "availability"]}),
        (gettext_lazy("The interview"), {"fields": ["outcome", "notes"]}),
    ]
    readonly_fields = ["response_link", "when", "slot", "status", "source", "time_zone", "sequence", "scheduled_at",
                       "cancelled_at", "contact", "availability"]
    actions = ["cancel_interviews"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # booked by respondents, by the assignment, or moved here: never typed in

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancelled instead, so that both sides get the cancellation

    def get_queryset(self, request: HttpRequest) -> QuerySet[Interview]:
        return super().get_queryset(request).select_related(
            "response__organisation", "response__campaign", "slot__campaign", "slot__interviewer")

    @admin.display(description=gettext_lazy("organisation"), ordering="response__organisation__name")
    def organisation(self, interview: Interview) -> str:
        return interview.response.organisation.name

    @admin.display(description=gettext_lazy("campaign"))
    def campaign(self, interview: Interview) -> str:
        return interview.slot.campaign.name

    @admin.display(description=gettext_lazy("starts"), ordering="slot__starts_at")
    def start(self, interview: Interview) -> str:
        return _in_campaign_zone(interview.slot.starts_at, interview.slot.campaign)

    @admin.display(description=gettext_lazy("interviewer"))
    def interviewer(self, interview: Interview) -> str:
        return str(interview.slot.interviewer)

    @admin.display(description=gettext_lazy("when"))
    def when(self, interview: Interview) -> str:
        slot = interview.slot
        return (f"{_in_campaign_zone(slot.starts_at, slot.campaign)}, {slot.duration} min, {slot.get_mode_display()}"
                + (f" ({slot.video_link})" if slot.video_link else ""))

    @admin.display(description=gettext_lazy("response"))
    def response_link(self, interview: Interview) -> str:
        return format_html('<a href="{}">{}</a>', reverse("admin:surveys_response_change", args=[interview.response_id]),
                           interview.response)

    @admin.display(description=gettext_lazy("contact"))
    def contact(self, interview: Interview) -> str:
        response = interview.response
        emails = ", ".join(response.respondents.values_list("user__email", flat=True))
        return " · ".join(part for part in [response.contact_name, response.contact_role, response.contact_phone,
                                            emails] if part) or "—"

    @admin.display(description=gettext_lazy("availability"))
    def availability(self, interview: Interview) -> str:
        labels = dict(AVAILABILITY_CHOICES)
        response = interview.response
        chosen = ", ".join(str(labels.get(code, code)) for code in response.interview_availability) or "—"
        return " · ".join(part for part in [chosen, response.interview_mode, response.interview_notes] if part)

    @admin.action(description=gettext_lazy("Cancel the selected interviews (both sides are told)"))
    def cancel_interviews(self, request: HttpRequest, queryset: QuerySet[Interview]) -> None:
        count = sum(services.cancel_interview(interview) for interview in queryset.filter(status=InterviewStatus.BOOKED))
        self.message_user(request, ngettext("%(count)d interview cancelled.", "%(count)d interviews cancelled.", count)
                          % {"count": count}, messages.SUCCESS)

    def get_urls(self) -> list[Any]:
        return [
            path("<int:interview_id>/reschedule/",
                 staff_view(self.reschedule_view, permission="groups.change_interview", site=self.admin_site),
                 name="groups_interview_reschedule"),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        extra_context = {**(extra_context or {}),
                         "reschedule_url": reverse("admin:groups_interview_reschedule", args=[object_id])}
        return super().change_view(request, object_id, form_url, extra_context)

    def reschedule_view(self, request: HttpRequest, interview_id: int) -> HttpResponse:
        """Move a booked interview to another open slot of its campaign; both sides get the update."""
        interview = get_object_or_404(self.get_queryset(request), pk=interview_id)
        if not interview.is_booked:
            self.message_user(request, _("A cancelled interview cannot be moved."), messages.ERROR)
            return redirect("admin:groups_interview_change", interview.pk)
        form = RescheduleForm(request.POST or None, interview=interview)
        if request.method == "POST" and form.is_valid():
            try:
                services.reschedule_interview(interview, slot=form.cleaned_data["slot"])
            except (services.SlotTaken, services.SlotUnavailable):
                form.add_error("slot", _("This slot has just been taken. Choose another one."))
            else:
                self.message_user(request, _("The interview is moved; both sides received the updated invitation."),
                                  messages.SUCCESS)
                return redirect("admin:groups_interview_change", interview.pk)
        return render(request, "admin/groups/interview_form.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta, "original": interview,
            "title": _("Move the interview of %(organisation)s") % {"organisation": interview.response.organisation.name},
            "intro": _("Now: %(when)s. Choose one of the campaign's open slots.") % {"when": self.when(interview)},
            "button": _("Move the interview"),
        }, status=400 if form.errors else 200)
