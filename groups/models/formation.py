"""Group formation: matching runs, the working groups a published run creates, offers, the Observer Group.

A run is a record: its parameters (K, sizes, groups per body, country share, pins, exclusions, time
limit, the interest weights), what the solver said (status, objective, bound, gap, time) and, per body,
where it was placed and why. Parameters can change only while the run is a draft; solving it again means
copying it into a new draft, so that every figure the secretariat compares stays as it was computed.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from surveys.models import Campaign, Response, ThematicArea


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Waiting to run")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SolverStatus(models.TextChoices):
    """The solver's answer (groups.matching.Solution.status)."""

    OPTIMAL = "optimal", _("Optimal (proven best)")
    FEASIBLE = "feasible", _("Stopped by the time limit (see the gap)")
    INFEASIBLE = "infeasible", _("No groups meet every constraint")
    UNKNOWN = "unknown", _("No solution found in time")


#: Interest level (surveys.InterestLevel) -> weight in the objective; why 1 and 3: groups/services/formation.py.
INTEREST_WEIGHTS: dict[int, int] = {1: 1, 2: 3}


def default_weights() -> dict[str, int]:
    """The weights a run stores (JSON keys are strings)."""
    return {str(level): weight for level, weight in INTEREST_WEIGHTS.items()}


class MatchingRun(models.Model):
    """One solve of a campaign's group formation, with its parameters and its outcome."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="matching_runs",
                                 verbose_name=_("campaign"))
    label = models.CharField(_("label"), max_length=200, blank=True,
                             help_text=_("A note to tell runs apart, e.g. “with a country share of 40%”."))
    groups = models.PositiveSmallIntegerField(_("groups to form (K)"), validators=[MinValueValidator(1)])
    min_size = models.PositiveSmallIntegerField(_("minimum group size"), default=5, validators=[MinValueValidator(1)])
    max_size = models.PositiveSmallIntegerField(_("maximum group size"), default=10, validators=[MinValueValidator(1)])
    max_groups_per_body = models.PositiveSmallIntegerField(
        _("groups per body at most (M)"), default=2, validators=[MinValueValidator(1)]
    )
    max_country_share = models.FloatField(
        _("maximum share of one country in a group"), null=True, blank=True,
        validators=[MinValueValidator(0.01), MaxValueValidator(1.0)],
        help_text=_("Between 0.01 and 1, e.g. 0.4 for 40%. Leave empty for no limit."),
    )
    time_limit = models.FloatField(_("time limit (seconds)"), default=30.0,
                                   validators=[MinValueValidator(1.0), MaxValueValidator(600.0)])
    weights = models.JSONField(_("weight of each interest level"), default=default_weights)

    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    solver_status = models.CharField(_("solver's answer"), max_length=12, choices=SolverStatus.choices, blank=True)
    method = models.CharField(_("method"), max_length=20, blank=True)
    bodies_count = models.PositiveIntegerField(_("bodies considered"), null=True, blank=True)
    bodies_served = models.PositiveIntegerField(_("bodies served"), null=True, blank=True)
    objective = models.FloatField(_("total interest met"), null=True, blank=True)
    bound = models.FloatField(_("proven upper bound"), null=True, blank=True)
    gap = models.FloatField(_("gap"), null=True, blank=True,
                            help_text=_("How far the total could at most be from the best: 0 when proven optimal."))
    seconds = models.FloatField(_("solver time (seconds)"), null=True, blank=True)
    # What does not fit a column: {"unplaced": [response ids], "excluded": [...], "reasons": [...],
    # "explanations": {response id: text}}. Placements are rows (Placement), for queries and publishing.
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    chosen_areas = models.ManyToManyField(ThematicArea, blank=True, related_name="+", verbose_name=_("chosen areas"))

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_size__gte=models.F("min_size")), name="run_max_size_at_least_min"),
            # Offers go out once per campaign: a second published run would offer the same bodies again.
            models.UniqueConstraint(fields=["campaign"], condition=Q(published_at__isnull=False),
                                    name="one_published_run_per_campaign"),
            models.CheckConstraint(condition=Q(published_at__isnull=True) | Q(status="done"),
                                   name="published_run_is_done"),
        ]
        indexes = [models.Index(fields=["campaign", "-created_at"])]

    def __str__(self) -> str:
        label = f" – {self.label}" if self.label else ""
        return gettext("%(campaign)s: run %(number)s") % {"campaign": self.campaign, "number": self.pk} + label

    @property
    def is_draft(self) -> bool:
        return self.status == RunStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def optimal(self) -> bool:
        return self.solver_status == SolverStatus.OPTIMAL


class MatchingPin(models.Model):
    """The secretariat puts a body in an area's group whatever the solver would do."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="pins", verbose_name=_("run"))
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+", verbose_name=_("body"))
    area = models.ForeignKey(ThematicArea, on_delete=models.CASCADE, related_name="+", verbose_name=_("area"))

    class Meta:
        verbose_name = _("pinned body")
        verbose_name_plural = _("pinned bodies")
        constraints = [models.UniqueConstraint(fields=["run", "response", "area"], name="one_pin_per_body_and_area")]

    def __str__(self) -> str:
        return f"{self.response_id} → {self.area}"


class MatchingExclusion(models.Model):
    """The secretariat keeps a body out of every group of the run."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("run"))
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+", verbose_name=_("body"))

    class Meta:
        verbose_name = _("excluded body")
        verbose_name_plural = _("excluded bodies")
        constraints = [models.UniqueConstraint(fields=["run", "response"], name="one_exclusion_per_body")]

    def __str__(self) -> str:
        return str(self.response_id)


class Placement(models.Model):
    """A body placed in an area's group by a run, with the interest weight it brings there."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="placements", verbose_name=_("run"))
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+", verbose_name=_("body"))
    area = models.ForeignKey(ThematicArea, on_delete=models.CASCADE, related_name="+", verbose_name=_("area"))
    weight = models.FloatField(_("interest weight"), default=0)
    # "pinned" also names a pinned discussion thread: French and German use another word for a placement.
    pinned = models.BooleanField(pgettext_lazy("a body placed by the secretariat", "pinned"), default=False)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["run", "area", "response"]
        constraints = [
            models.UniqueConstraint(fields=["run", "response", "area"], name="one_placement_per_body_and_area"),
        ]
        indexes = [models.Index(fields=["run", "area"])]

    def __str__(self) -> str:
        return f"{self.response_id} → {self.area}"


class GroupStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed (offers out)")
    ESTABLISHED = "established", _("Established")


class WorkingGroup(models.Model):
    """A group on one area of a campaign, created by publishing a run; established once enough bodies commit."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="working_groups",
                                 verbose_name=_("campaign"))
    area = models.ForeignKey(ThematicArea, on_delete=models.PROTECT, related_name="working_groups",
                             verbose_name=_("area"))
    run = models.ForeignKey(MatchingRun, on_delete=models.PROTECT, related_name="working_groups",
                            verbose_name=_("matching run"))
    status = models.CharField(_("status"), max_length=12, choices=GroupStatus.choices, default=GroupStatus.PROPOSED)
    min_size = models.PositiveSmallIntegerField(_("minimum of committed bodies"))
    max_size = models.PositiveSmallIntegerField(_("maximum size"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    established_at = models.DateTimeField(_("established at"), null=True, blank=True)
    established_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("established by"))

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["campaign", "area__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "area"], name="one_working_group_per_area"),
            models.CheckConstraint(condition=Q(status="proposed") | Q(established_at__isnull=False),
                                   name="established_group_has_established_at"),
        ]

    def __str__(self) -> str:
        return f"{self.area.name} ({self.campaign.name})"


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class OfferRole(models.TextChoices):
    """The role a body commits to in a group (the community role it gets:
    communities.services.establishment.ROLE_OF_COMMITMENT)."""

    LEADER = "leader", _("Leader: coordinates the group and its work")
    BUYER = "buyer", _("Buyer: plans to buy together with the group")
    FOLLOWER = "follower", _("Follower: follows the work and shares experience")


class GroupOffer(models.Model):
    """A place in a working group offered to a body; accepting it is the body's formal commitment."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="offers",
                              verbose_name=_("working group"))
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="group_offers",
                                 verbose_name=_("body"))
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING)
    role = models.CharField(_("role"), max_length=10, choices=OfferRole.choices, blank=True)
    explanation = models.TextField(_("why this group"), blank=True)
    created_at = models.DateTimeField(_("offered at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("answer by"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("answered by"))

    class Meta:
        verbose_name = _("group offer")
        verbose_name_plural = _("group offers")
        ordering = ["group", "response"]
        constraints = [
            models.UniqueConstraint(fields=["group", "response"], name="one_offer_per_body_and_group"),
            models.CheckConstraint(condition=~Q(status="accepted") | ~Q(role=""), name="accepted_offer_has_a_role"),
            models.CheckConstraint(condition=Q(status="pending") | Q(responded_at__isnull=False),
                                   name="answered_offer_has_responded_at"),
        ]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["response", "status"])]

    def __str__(self) -> str:
        return f"{self.response_id} → {self.group_id} ({self.get_status_display()})"


class ObserverSource(models.TextChoices):
    PUBLIC = "public", _("Public page")
    DECLINED = "declined", _("Declined a group offer")
    UNPLACED = "unplaced", _("Not placed in a group")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ObserverSubscription(models.Model):
    """A person who receives the Observer Group's news by e-mail (double opt-in, one-click unsubscribe).

    The token is the secret in the confirmation and unsubscribe links; it is not an account.
    """

    email = models.EmailField(_("e-mail address"), max_length=254)
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    source = models.CharField(_("came from"), max_length=10, choices=ObserverSource.choices,
                              default=ObserverSource.PUBLIC)
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Observer Group subscription")
        verbose_name_plural = _("Observer Group subscriptions")
        ordering = ["-created_at"]
        # UPPER, as email__iexact writes it, so that looking an address up uses this index.
        constraints = [models.UniqueConstraint(Upper("email"), name="one_observer_subscription_per_email")]
        indexes = [models.Index(fields=["-created_at"], name="observer_created_idx")]  # the admin list's order

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        """Receives news: confirmed and not unsubscribed."""
        return self.confirmed_at is not None and self.unsubscribed_at is None
