"""Campaigns, their thematic areas, organisations and their needs-assessment responses."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from surveys.country_groups import COUNTRY_GROUPS
from surveys.eligibility import Answer, BodyType, Outcome

TIME_ZONE_CHOICES = sorted((name, name) for name in available_timezones() if "/" in name and not name.startswith("Etc/"))
# Derived from the groups themselves, so that a label or a group is defined once (surveys/country_groups.py).
COUNTRY_GROUP_CHOICES = [(key, group.label) for key, group in COUNTRY_GROUPS.items()]


def validate_country_groups(value: object) -> None:
    known = set(COUNTRY_GROUPS)
    if not isinstance(value, list) or not all(isinstance(item, str) and item in known for item in value):
        raise ValidationError(_("Choose country groups among: %(groups)s."), params={"groups": ", ".join(sorted(known))})


class Campaign(models.Model):
    """One yearly needs-assessment survey and what follows it."""

    slug = models.SlugField(_("short name in addresses"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One sentence shown in lists."))
    introduction = models.TextField(_("introduction"), help_text=_("What the initiative is; shown on the campaign page."))
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Brussels")
    opens_at = models.DateTimeField(_("opens at"))
    deadline = models.DateTimeField(
        _("deadline"), help_text=_("Change it through “Extend the deadline” so that the change is recorded.")
    )
    expected_groups = models.PositiveSmallIntegerField(
        _("groups to form"), default=4, help_text=_("How many working groups or Communities of Practice are planned.")
    )
    eligible_country_groups = models.JSONField(
        _("eligible country groups"), default=list, validators=[validate_country_groups],
        help_text=_("Bodies from the countries of these groups may take part. A change re-evaluates the responses."),
    )
    reimbursed_country_groups = models.JSONField(
        _("country groups with travel reimbursement"), default=list, validators=[validate_country_groups],
        help_text=_("Travel to in-person meetings is reimbursed for the eligible countries of these groups."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Renewed by PostgreSQL at any change of the campaign's row, areas, questionnaire pages, questions or choices
    # (migration 0010; never set by Python): surveys/kept.py keeps what the survey pages read while it stands.
    content_version = models.BigIntegerField(_("content version"), default=0, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.deadline


class ThematicArea(models.Model):
    """A procurement area a campaign asks about (e.g. heavy-duty electric vehicles)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="areas", verbose_name=_("campaign"))
    code = models.SlugField(_("code"), max_length=40, help_text=_("Short identifier, e.g. hdev."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")
        ordering = ["campaign", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="area_code_unique_per_campaign")]

    def __str__(self) -> str:
        return self.name


class DeadlineChange(models.Model):
    """The history of a campaign's deadline: who moved it, when, and why."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="deadline_changes")
    previous_deadline = models.DateTimeField(_("previous deadline"))
    new_deadline = models.DateTimeField(_("new deadline"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.previous_deadline:%Y-%m-%d %H:%M} → {self.new_deadline:%Y-%m-%d %H:%M}"


class Size(models.TextChoices):
    SMALL = "small", _("Fewer than 50 staff")
    MEDIUM = "medium", _("50 to 249 staff")
    LARGE = "large", _("250 to 999 staff")
    VERY_LARGE = "very_large", _("1,000 staff or more")


class PurchasingVolume(models.TextChoices):
    UNDER_10M = "under_10m", _("Under €10 million a year")
    FROM_10M = "10m_100m", _("€10 to 100 million a year")
    FROM_100M = "100m_1bn", _("€100 million to €1 billion a year")
    OVER_1BN = "over_1bn", _("Over €1 billion a year")
    UNKNOWN = "unknown", _("I do not know")


class Organisation(models.Model):
    """A public buyer (or another body that answered). One per name and country."""

    name = models.CharField(_("name of the organisation"), max_length=255)
    country = CountryField(_("country"))
    body_type = models.CharField(_("type of body"), max_length=40, choices=BodyType.choices)
    general_interest = models.CharField(
        _("established to meet needs in the general interest, not industrial or commercial"),
        max_length=10, choices=Answer.choices, blank=True,
    )
    legal_personality = models.CharField(_("has legal personality"), max_length=10, choices=Answer.choices, blank=True)
    publicly_controlled = models.CharField(
        _("mainly financed, supervised or appointed by public authorities"), max_length=10, choices=Answer.choices, blank=True
    )
    size = models.CharField(_("size"), max_length=20, choices=Size.choices, blank=True)
    purchasing_volume = models.CharField(_("yearly purchasing volume"), max_length=20, choices=PurchasingVolume.choices,
                                         blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), "country", name="organisation_name_country_unique")]
        indexes = [models.Index(fields=["country", "body_type"]),
                   models.Index(fields=["name"], name="organisation_name_idx"),  # the admin list's order
                   models.Index(fields=["body_type"], name="organisation_body_type_idx")]  # the admin's filter

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Response(models.Model):
    """An organisation's answers to one campaign's survey: at most one per organisation and campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="responses",
                                 verbose_name=_("campaign"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="responses", verbose_name=_("organisation")
    )
    status = models.CharField(_("status"), max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT)
    # Every saved change bumps the revision; a submit names the revision it confirms, which makes a
    # double click or a replayed form harmless.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    submitted_revision = models.PositiveIntegerField(_("submitted revision"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    personal_deadline = models.DateTimeField(
        _("personal deadline"), null=True, blank=True,
        help_text=_("A later deadline for this respondent only (an extension or an accepted late expression of interest)."),
    )
    steps_done = models.JSONField(_("steps done"), default=list, blank=True)

    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_role = models.CharField(_("job title"), max_length=200, blank=True)
    contact_phone = models.CharField(_("telephone"), max_length=40, blank=True)
    other_area_interest = models.TextField(_("other areas of interest"), blank=True)
    general_challenges = models.TextField(_("challenges and unmet needs"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)

    interview_willing = models.BooleanField(_("willing to be interviewed"), null=True, blank=True)
    interview_mode = models.CharField(_("interview by"), max_length=10, blank=True)
    interview_availability = models.JSONField(_("availability"), default=list, blank=True)
    interview_notes = models.CharField(_("availability notes"), max_length=500, blank=True)

    consent_version = models.CharField(_("privacy notice version agreed"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    keep_informed = models.BooleanField(_("wants news about the initiative"), default=False)

    # The outcome that applies: the rules' (kept up to date on each save, on submit and when the campaign's
    # policy changes) until the secretariat decides; then the decision stands (see services.decide_eligibility).
    eligibility = models.CharField(_("eligibility"), max_length=20, choices=Outcome.choices, blank=True, db_index=True)
    eligibility_decided = models.BooleanField(
        _("eligibility decided by the secretariat"), default=False,
        help_text=_("A decision of the secretariat stands over the automatic assessment."),
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="one_response_per_organisation_and_campaign"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="submitted_response_has_submitted_at"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["campaign", "-updated_at"]),
            models.Index(fields=["campaign", "eligibility"]),  # counts per outcome, the review queue
            # The admin list's default order (and its date hierarchy) without a campaign chosen.
            models.Index(fields=["-updated_at"], name="response_updated_idx"),
            # The campaign dashboard's "submitted over time".
            models.Index(fields=["campaign", "submitted_at"], name="response_submitted_idx"),
            # The admin list's date filters without a campaign chosen.
            models.Index(fields=["submitted_at"], name="response_submitted_at_idx"),
            models.Index(fields=["created_at"], name="response_created_at_idx"),
        ]
        # Search in the admin (organisation name, contact, e-mail) uses trigram indexes on PostgreSQL,
        # created in migration 0003 (they are not portable, so they are not declared here).
        permissions = [("export_responses", _("Can download exports of responses (personal data)"))]

    def __str__(self) -> str:
        return f"{self.organisation.name} – {self.campaign.name}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED

    @property
    def has_unsubmitted_changes(self) -> bool:
        return self.is_submitted and self.submitted_revision != self.revision


class EligibilityReview(Response):
    """The secretariat's queue: responses whose eligibility the rules could not decide (admin only)."""

    class Meta:
        proxy = True
        verbose_name = _("eligibility review")
        verbose_name_plural = _("eligibility reviews")


class Respondent(models.Model):
    """A person who may read and change a response. A person answers for one organisation per campaign."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE,
                                 related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="respondents")
    # Denormalised from the response so that the database can enforce one response per person and campaign.
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+")
    is_owner = models.BooleanField(_("is owner"), default=False)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        constraints = [models.UniqueConstraint(fields=["user", "campaign"], name="one_response_per_person_and_campaign")]

    def __str__(self) -> str:
        return f"{self.user} → {self.response_id}"


class InterestLevel(models.IntegerChoices):
    NONE = 0, _("Not interested")
    INTERESTED = 1, _("Interested")
    HIGH_PRIORITY = 2, _("High priority")


class AreaInterest(models.Model):
    """How strongly a response wants to work on one thematic area (absent means not interested)."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE,
                                 related_name="interests")
    area = models.ForeignKey(ThematicArea, verbose_name=_("area"), on_delete=models.CASCADE, related_name="interests")
    level = models.PositiveSmallIntegerField(_("level"), choices=InterestLevel.choices)

    class Meta:
        verbose_name = _("interest in an area")
        verbose_name_plural = _("interests in areas")
        constraints = [
            models.UniqueConstraint(fields=["response", "area"], name="one_interest_per_area"),
            models.CheckConstraint(condition=Q(level__gt=0), name="interest_level_positive"),
        ]
        indexes = [models.Index(fields=["area", "level"])]

    def __str__(self) -> str:
        return f"{self.area}: {self.get_level_display()}"


cpv_validator = RegexValidator(
    r"^\d{8}-\d$", _("A CPV code has eight digits, a hyphen and a check digit, for example 34144910-0.")
)


class PlannedPurchase(models.Model):
    """A product, service or work the organisation plans to buy in the coming months."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE,
                                 related_name="purchases")
    description = models.CharField(_("product, service or work"), max_length=300)
    area = models.ForeignKey(
        ThematicArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="purchases", verbose_name=_("area")
    )
    cpv_code = models.CharField(_("CPV code"), max_length=10, blank=True, validators=[cpv_validator])
    expected_timing = models.CharField(_("expected timing"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("planned purchase")
        verbose_name_plural = _("planned purchases")
        ordering = ["response", "position", "pk"]

    def __str__(self) -> str:
        return self.description


class AreaChallenge(models.Model):
    """The challenges and unmet needs a response describes for one area of interest."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE,
                                 related_name="challenges")
    area = models.ForeignKey(ThematicArea, verbose_name=_("area"), on_delete=models.CASCADE, related_name="challenges")
    text = models.TextField(_("challenges and unmet needs"))

    class Meta:
        verbose_name = _("challenge in an area")
        verbose_name_plural = _("challenges in areas")
        constraints = [models.UniqueConstraint(fields=["response", "area"], name="one_challenge_text_per_area")]

    def __str__(self) -> str:
        return f"{self.area}: {self.text[:40]}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class AccessRequest(models.Model):
    """A colleague asks to work on the response their organisation already started."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE,
                                 related_name="access_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.CASCADE,
                                  related_name="access_requests")
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "requester"], condition=Q(status="pending"), name="one_pending_access_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.response}"


class LateRequest(models.Model):
    """A late expression of interest, sent after the deadline, that the secretariat may accept."""

    response = models.OneToOneField(Response, verbose_name=_("response"), on_delete=models.CASCADE,
                                    related_name="late_request")
    motivation = models.TextField(_("why you would like to take part"))
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL,
                                   null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        verbose_name = _("late expression of interest")
        verbose_name_plural = _("late expressions of interest")

    def __str__(self) -> str:
        return str(self.response)


class EligibilityDecision(models.Model):
    """A decision of the secretariat on a response's eligibility: who, when, why, and what it replaced.

    Rows are never changed or deleted: together they are the history shown on the response.
    """

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE,
                                 related_name="eligibility_decisions")
    previous_outcome = models.CharField(_("outcome before"), max_length=20, choices=Outcome.choices, blank=True)
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("eligibility decision")
        verbose_name_plural = _("eligibility decisions")
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["-decided_at"], name="eligibility_decided_at_idx")]  # the admin list's order
        constraints = [
            # "Needs review" is what the rules say when they cannot decide; a person decides yes or no.
            models.CheckConstraint(condition=Q(outcome__in=["eligible", "not_eligible"]),
                                   name="eligibility_decision_is_yes_or_no"),
            models.CheckConstraint(condition=~Q(reason=""), name="eligibility_decision_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.get_outcome_display()}"


class PolicyChange(models.Model):
    """The history of a campaign's country policy: who changed it, when, from what to what."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="policy_changes")
    previous_eligible_groups = models.JSONField(_("eligible country groups before"), default=list)
    eligible_groups = models.JSONField(_("eligible country groups"), default=list)
    previous_reimbursed_groups = models.JSONField(_("reimbursed country groups before"), default=list)
    reimbursed_groups = models.JSONField(_("reimbursed country groups"), default=list)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("country policy change")
        verbose_name_plural = _("country policy changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.campaign}: {'+'.join(self.previous_eligible_groups)} → {'+'.join(self.eligible_groups)}"


class EligibilityChange(models.Model):
    """A response whose outcome a change of its campaign's policy changed (from the re-evaluation)."""

    policy_change = models.ForeignKey(PolicyChange, on_delete=models.CASCADE, related_name="eligibility_changes",
                                      verbose_name=_("policy change"))
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="eligibility_changes",
                                 verbose_name=_("response"))
    previous_outcome = models.CharField(_("outcome before"), max_length=20, choices=Outcome.choices, blank=True)
    outcome = models.CharField(_("outcome after"), max_length=20, choices=Outcome.choices)

    class Meta:
        verbose_name = _("eligibility change after a policy change")
        verbose_name_plural = _("eligibility changes after policy changes")
        ordering = ["-policy_change", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["policy_change", "response"], name="one_eligibility_change_per_policy_change"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.previous_outcome or '—'} → {self.outcome}"


# The CPV vocabulary's table (surveys/cpv/) and the questionnaire's rows (surveys/questionnaire/) live in their own
# modules; imported here so that Django finds them. (Imported by name, `Answer` would replace the eligibility
# Answer imported above.)
from surveys.cpv import models as cpv_models  # noqa: E402, F401
from surveys.questionnaire import models as questionnaire_models  # noqa: E402, F401
