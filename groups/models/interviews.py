"""Follow-up interviews: the slots the secretariat opens, and the interviews booked in them."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from surveys.models import TIME_ZONE_CHOICES, Campaign, Response


class InterviewMode(models.TextChoices):
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Telephone")


class InterviewSlot(models.Model):
    """A time at which one interviewer can hold one interview for a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="interview_slots",
                                 verbose_name=_("campaign"))
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interview_slots",
                                    limit_choices_to={"is_staff": True}, verbose_name=_("interviewer"))
    starts_at = models.DateTimeField(_("starts at"))
    duration = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=30, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    mode = models.CharField(_("held by"), max_length=10, choices=InterviewMode.choices, default=InterviewMode.VIDEO)
    video_link = models.URLField(_("video call link"), max_length=500, blank=True,
                                 help_text=_("Required for a video call; the interviewer phones otherwise."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["interviewer", "starts_at"], name="one_slot_per_interviewer_and_start"),
            models.CheckConstraint(condition=Q(mode="phone") | ~Q(video_link=""), name="video_slot_has_a_link"),
            models.CheckConstraint(condition=Q(duration__gte=10), name="slot_duration_at_least_ten_minutes"),
        ]
        indexes = [models.Index(fields=["campaign", "starts_at"]),
                   # The admin's order and date hierarchy over every campaign (and the interviews' order).
                   models.Index(fields=["starts_at"], name="interview_slot_starts_idx")]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at, self.campaign.zone)
        return f"{start:%Y-%m-%d %H:%M} ({self.campaign.time_zone}), {self.interviewer}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration)


class InterviewStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", pgettext_lazy("an interview", "Cancelled")  # French: "annulé", not "annulée"


class InterviewSource(models.TextChoices):
    RESPONDENT = "respondent", _("Booked by the respondent")
    ASSIGNMENT = "assignment", _("Assigned automatically")
    SECRETARIAT = "secretariat", _("Booked by the secretariat")


class InterviewOutcome(models.TextChoices):
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("The respondent did not come")
    DECLINED = "declined", _("The respondent declined")


class Interview(models.Model):
    """A response's follow-up interview in one slot.

    The row is the calendar event: its UID never changes, and its SEQUENCE goes up with every change
    sent (moved to another slot, cancelled), as calendar programs expect (RFC 5546). A slot holds at
    most one booked interview and a response has at most one: the database enforces both, so two
    people pressing "Book" on the same slot at the same moment cannot both get it.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="interviews",
                                 verbose_name=_("response"))
    slot = models.ForeignKey(InterviewSlot, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("slot"))
    status = models.CharField(_("status"), max_length=10, choices=InterviewStatus.choices, default=InterviewStatus.BOOKED)
    source = models.CharField(_("booked how"), max_length=12, choices=InterviewSource.choices,
                              default=InterviewSource.RESPONDENT)
    time_zone = models.CharField(_("respondent's time zone"), max_length=64, choices=TIME_ZONE_CHOICES,
                                 help_text=_("Times in the respondent's e-mails are shown in this zone."))
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    scheduled_at = models.DateTimeField(_("time set at"), default=timezone.now,
                                        help_text=_("When the interview got its current time."))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=InterviewOutcome.choices, blank=True)
    notes = models.TextField(_("interviewer's notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["slot"], condition=Q(status="booked"), name="one_booked_interview_per_slot"),
            models.UniqueConstraint(fields=["response"], condition=Q(status="booked"),
                                    name="one_booked_interview_per_response"),
            models.CheckConstraint(condition=Q(status="booked") | Q(cancelled_at__isnull=False),
                                   name="cancelled_interview_has_cancelled_at"),
        ]
        indexes = [models.Index(fields=["status", "slot"])]

    def __str__(self) -> str:
        return f"{self.response.organisation.name}: {self.slot}"

    @property
    def uid(self) -> str:
        """The calendar UID, stable for the life of the interview."""
        return f"interview-{self.pk}@{urlsplit(settings.SITE_URL).hostname or 'bigbuyers'}"

    @property
    def is_booked(self) -> bool:
        return self.status == InterviewStatus.BOOKED
