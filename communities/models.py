"""Communities of Practice: the members-only spaces, their people, roadmap, discussions, documents,
events with registrations and guests, and travel reimbursement claims."""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import WorkingGroup
from surveys.models import TIME_ZONE_CHOICES, Campaign, Organisation, ThematicArea


def private_storage() -> FileSystemStorage:
    """Uploaded files live under MEDIA_ROOT/private, which no URL serves: only the access-checked views do."""
    return FileSystemStorage(location=settings.MEDIA_ROOT / "private", base_url=None)


def _unguessable_name(folder: str, filename: str) -> str:
    # The person's file name is kept in a column, never in the path: nothing about the file can be guessed.
    return f"{folder}/{secrets.token_urlsafe(24)}{PurePath(filename).suffix.lower()[:10]}"


def document_path(instance: object, filename: str) -> str:
    return _unguessable_name("documents", filename)


def receipt_path(instance: object, filename: str) -> str:
    return _unguessable_name("receipts", filename)


# Addresses of the app that a community's slug must not take (communities/urls.py).
RESERVED_SLUGS = frozenset({"mine", "documents", "about"})


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This short name is used by the portal itself: choose another."))


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    CORE = "core", _("Core group")
    MEMBER = "member", _("Member")


# A higher rank can do whatever a lower one can.
ROLE_RANK = {Role.MEMBER: 1, Role.CORE: 2, Role.LEADER: 3}


class Community(models.Model):
    """A Community of Practice: a members-only space for public buyers working on one area."""

    slug = models.SlugField(_("short name in addresses"), unique=True, max_length=80,
                            validators=[validate_slug_not_reserved])
    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey(ThematicArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="communities",
                             verbose_name=_("thematic area"))
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="communities",
        verbose_name=_("campaign"), help_text=_("Its travel reimbursement policy applies to the community's events."),
    )
    description = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(
        _("open"), default=False,
        help_text=_("Anyone signed in may join an open community; a closed one reviews each request to join."),
    )
    entry_requirements = models.TextField(_("entry requirements"), blank=True,
                                          help_text=_("Shown to people who ask to join a closed community."))
    objectives = models.TextField(_("objectives"), blank=True)
    ambition = models.TextField(_("level of ambition"), blank=True)
    timeline = models.TextField(_("timeline"), blank=True)
    # The working group it grew from (groups app), by id only: no foreign key ties a community to the rows of
    # the matching that formed it (services/establishment.py sets it; GroupToEstablish is the admin's view).
    source_group_id = models.PositiveIntegerField(_("established from working group no."), null=True, blank=True,
                                                  unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("community of practice")
        verbose_name_plural = _("communities of practice")
        ordering = ["name"]
        # The secretariat's powers inside every space (communities/secretariat.py); the admin's own model
        # permissions say nothing about what a staff member may read or decide in a space.
        permissions = [("act_as_secretariat", _("Can act as the secretariat in every community"))]

    def __str__(self) -> str:
        return self.name


class GroupToEstablish(WorkingGroup):
    """The working groups as the communities' admin sees them: where a group is established as a community.

    A proxy (no table): the groups app owns working groups; this app only turns them into communities
    (communities/services/establishment.py), so that groups never has to import communities.
    """

    class Meta:
        proxy = True
        verbose_name = _("group ready to become a community")
        verbose_name_plural = _("groups ready to become communities")


class Notify(models.TextChoices):
    NONE = "none", _("No e-mails")
    EACH = "each", _("An e-mail for each new thread and reply")
    DAILY = "daily", _("A daily digest of what is new")


class Membership(models.Model):
    """A person's place in a community, with a role, the organisation they represent, and preferences."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships",
                                  verbose_name=_("community"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships",
        verbose_name=_("organisation"), help_text=_("Its country decides whether travel is reimbursed."),
    )
    notify = models.CharField(_("e-mails about discussions"), max_length=10, choices=Notify.choices,
                              default=Notify.NONE)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    last_visit_at = models.DateTimeField(_("last visit"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["community", "user__email"]
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="one_membership_per_person")]
        indexes = [models.Index(fields=["notify"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.community} ({self.get_role_display()})"

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]


class JoinStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class JoinRequest(models.Model):
    """A request to join a closed community, decided by a leader or the secretariat."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="join_requests",
                                  verbose_name=_("community"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests",
                             verbose_name=_("person"))
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JoinStatus.choices, default=JoinStatus.PENDING)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_message = models.TextField(_("message to the person"), blank=True)

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], condition=Q(status="pending"),
                                    name="one_pending_join_request"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.community}"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    """A planned activity of the community's roadmap."""

    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.CASCADE,
                                  related_name="activities")
    title = models.CharField(_("activity"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)

    class Meta:
        verbose_name = _("roadmap activity")
        verbose_name_plural = _("roadmap activities")
        ordering = ["starts_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                              name="activity_ends_after_it_starts")]

    def __str__(self) -> str:
        return self.title


class Thread(models.Model):
    """A discussion in a community."""

    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.CASCADE,
                                  related_name="threads")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity at"), default=timezone.now)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False, help_text=_("Nobody can reply to a locked thread."))
    is_hidden = models.BooleanField(_("hidden"), default=False, help_text=_("Only leaders and the secretariat see it."))

    class Meta:
        verbose_name = _("discussion thread")
        verbose_name_plural = _("discussion threads")
        ordering = ["-is_pinned", "-last_activity_at"]
        indexes = [models.Index(fields=["community", "-is_pinned", "-last_activity_at"]),
                   models.Index(fields=["community", "created_at"]),
                   # The admin list's order, over every community.
                   models.Index(fields=["-is_pinned", "-last_activity_at"], name="thread_pinned_activity_idx")]

    def __str__(self) -> str:
        return self.title


class Reply(models.Model):
    thread = models.ForeignKey(Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    body = models.TextField(_("reply"))
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class Classification(models.TextChoices):
    CONFIDENTIAL = "confidential", _("Confidential: members of this community only")
    PUBLIC = "public", _("Public: everyone signed in to the platform")


class Document(models.Model):
    """A file shared in a community; served only through the access-checked download view."""

    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.CASCADE,
                                  related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    classification = models.CharField(_("who may read it"), max_length=12, choices=Classification.choices,
                                      default=Classification.CONFIDENTIAL)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "-created_at"]), models.Index(fields=["classification", "-created_at"]),
                   models.Index(fields=["-created_at"], name="document_created_idx")]  # the admin list's order

    def __str__(self) -> str:
        return self.title


class EventKind(models.TextChoices):
    ONLINE_MEETING = "online_meeting", _("Online meeting")
    IN_PERSON_MEETING = "in_person_meeting", _("In-person meeting")
    STUDY_VISIT = "study_visit", _("Study visit")
    MARKET_DIALOGUE = "market_dialogue", _("Market dialogue")
    PITCHING_SESSION = "pitching_session", _("Producers' pitching session")
    INDUSTRY_MEETING = "industry_meeting", _("Meeting with an industry association")


class Event(models.Model):
    """A meeting of a community, with registration, an optional capacity and a waiting list."""

    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.CASCADE,
                                  related_name="events")
    kind = models.CharField(_("kind of event"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Brussels")
    in_person = models.BooleanField(_("in person"), default=False,
                                    help_text=_("People travel to it; travel may be reimbursed."))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("link to join online"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True, validators=[MinValueValidator(1)],
                                           help_text=_("Leave empty for no limit."))
    is_public = models.BooleanField(
        _("shown on the public page"), default=False,
        help_text=_("Its title, kind, date, place and description appear on the public page of the Communities of "
                    "Practice; the link to join online, who registered and the discussions stay with members."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["community", "starts_at"]),
                   # The admin's order and date hierarchy over every community.
                   models.Index(fields=["starts_at"], name="event_starts_idx")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_it_starts")]

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """A person's place at an event, or on its waiting list (first come, first promoted)."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations",
                             verbose_name=_("person"))
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    is_guest = models.BooleanField(_("guest"), default=False)
    # When the person asked for their current place: the waiting list's order.
    since = models.DateTimeField(_("since"), default=timezone.now)
    promoted_at = models.DateTimeField(_("promoted from the waiting list at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "since", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_registration_per_person")]
        indexes = [models.Index(fields=["event", "status", "since"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.event} ({self.get_status_display()})"


class GuestInvitation(models.Model):
    """A market actor invited to one event: they see that event and their registration, nothing else."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guest_invitations",
                             verbose_name=_("guest"))
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)

    class Meta:
        verbose_name = _("guest invitation")
        verbose_name_plural = _("guest invitations")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_invitation_per_guest_and_event")]

    def __str__(self) -> str:
        return f"{self.user} → {self.event}"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


# Which status may follow which: the secretariat approves or rejects a submitted claim, then pays an approved one.
CLAIM_TRANSITIONS = {
    ClaimStatus.SUBMITTED: {ClaimStatus.APPROVED, ClaimStatus.REJECTED},
    ClaimStatus.APPROVED: {ClaimStatus.PAID, ClaimStatus.REJECTED},
    ClaimStatus.REJECTED: set(),
    ClaimStatus.PAID: set(),
}

money: dict[str, Any] = {"max_digits": 9, "decimal_places": 2, "default": Decimal("0.00"),
                         "validators": [MinValueValidator(Decimal("0"))]}


class TravelClaim(models.Model):
    """A member's claim for the costs of travelling to an in-person event, in euros."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="claims", verbose_name=_("event"))
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="claims",
                                   verbose_name=_("member"))
    travel = models.DecimalField(_("travel (EUR)"), **money)
    accommodation = models.DecimalField(_("accommodation (EUR)"), **money)
    subsistence = models.DecimalField(_("subsistence (EUR)"), **money)
    other = models.DecimalField(_("other costs (EUR)"), **money)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    status_reason = models.TextField(_("reason for the status"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("travel reimbursement claim")
        verbose_name_plural = _("travel reimbursement claims")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "membership"], name="one_claim_per_member_and_event"),
            models.CheckConstraint(condition=Q(status="submitted") | ~Q(status_reason=""), name="claim_decision_has_reason"),
        ]
        indexes = [models.Index(fields=["status", "-created_at"]),
                   models.Index(fields=["-created_at"], name="travel_claim_created_idx")]  # the admin list's order

    def __str__(self) -> str:
        return f"{self.membership.user} – {self.event}"

    @property
    def total(self) -> Decimal:
        return self.travel + self.accommodation + self.subsistence + self.other


class Receipt(models.Model):
    claim = models.ForeignKey(TravelClaim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="receipts")
    file = models.FileField(_("file"), upload_to=receipt_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
