"""What forms the working groups, and what it sends: matching runs, publishing, offers, the Observer Group.

The flow: the secretariat creates a run (a draft with its parameters, pins and exclusions) and queues it;
a Celery task solves it (``execute_run`` in solving.py: the solver input is read from the database, one query
per table, and the pure solver ``groups.matching.solve`` does the rest); the secretariat compares runs and publishes
one, which creates a working group per chosen area and an offer per placed body, and e-mails every
respondent of those bodies a link to answer, and the bodies left unplaced an Observer Group invitation.
Accepting an offer, with a role, is the body's formal commitment; a group with its minimum of commitments
can be established (``establish_group``), and the communities app then turns it into a Community of Practice.

Interest weights (``groups.models.INTEREST_WEIGHTS``): "interested" counts 1 and "high priority" 3. With 1 and 2, two
lukewarm placements would be worth exactly one keen one, and the solver would be indifferent between giving
a body its high-priority group and giving two bodies an area they merely like. 3 makes a stated priority
win that tie, while many interested bodies can still outweigh one keen body (the 2021 lesson: a greedy
choice of areas misses groups where many bodies are lukewarm). The weights are stored on each run, so a
run can be re-read and compared with the weights it was computed with.

E-mails go through the outbox under keys naming the run, the body and the person, so publishing or
reminding twice sends nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bigbuyers.models import OutgoingEmail, User
from bigbuyers.outbox import queue_email
from bigbuyers.queueing import enqueue
from groups.models import (
    GroupOffer,
    GroupStatus,
    MatchingRun,
    ObserverSource,
    ObserverSubscription,
    OfferRole,
    OfferStatus,
    RunStatus,
    SolverStatus,
    WorkingGroup,
    default_weights,
)
from groups.selectors.formation import active_respondents, committed_offers
from surveys.models import Campaign, Organisation, Respondent, Response, ThematicArea

OFFER_SALT = "groups.offer"
OBSERVER_INVITE_SALT = "groups.observer-invitation"
OBSERVER_CONFIRM_SALT = "groups.observer-confirmation"
# A run still "queued" or "running" after its time limit plus this long was lost (broker down, worker killed).
STALE_RUN = dt.timedelta(minutes=10)


class CannotPublish(Exception):
    """The run cannot be published (not solved, no groups, or another run of the campaign is published)."""


class OfferClosed(Exception):
    """The offer can no longer be answered: its group is established or its answer date has passed."""


class NotEnoughCommitments(Exception):
    """The group has fewer commitments than its minimum size."""


# --- Runs -------------------------------------------------------------------------------------------------

def default_parameters(campaign: Campaign) -> dict[str, Any]:
    """The parameters a new run of `campaign` starts from (K from the campaign, sizes of the 2021 groups)."""
    return {"groups": campaign.expected_groups, "min_size": 5, "max_size": 10, "max_groups_per_body": 2,
            "max_country_share": None, "time_limit": 30.0}


def create_run(campaign: Campaign, *, by: User | None, label: str = "",
               pins: Sequence[tuple[Response, ThematicArea]] = (), exclusions: Sequence[Response] = (),
               **parameters: Any) -> MatchingRun:
    """Create a draft run of `campaign` with `parameters` (see default_parameters), pins and exclusions.

    Sends nothing; ``queue_run`` solves it.
    """
    values = {**default_parameters(campaign), **parameters}
    with transaction.atomic():
        run = MatchingRun.objects.create(campaign=campaign, label=label, created_by=by,
                                         weights=default_weights(), **values)
        run.pins.bulk_create([run.pins.model(run=run, response=r, area=a) for r, a in pins])
        run.exclusions.bulk_create([run.exclusions.model(run=run, response=r) for r in exclusions])
    return run


def copy_run(run: MatchingRun, *, by: User | None) -> MatchingRun:
    """A new draft with `run`'s parameters, pins and exclusions (to change something and solve again)."""
    with transaction.atomic():
        copy = MatchingRun.objects.create(
            campaign=run.campaign, label=_("Copy of run %(number)s") % {"number": run.pk}, created_by=by,
            groups=run.groups, min_size=run.min_size, max_size=run.max_size,
            max_groups_per_body=run.max_groups_per_body, max_country_share=run.max_country_share,
            time_limit=run.time_limit, weights=run.weights,
        )
        copy.pins.bulk_create([copy.pins.model(run=copy, response_id=p.response_id, area_id=p.area_id)
                               for p in run.pins.all()])
        copy.exclusions.bulk_create([copy.exclusions.model(run=copy, response_id=e.response_id)
                                     for e in run.exclusions.all()])
    return copy


def queue_run(run: MatchingRun, *, now: dt.datetime | None = None) -> bool:
    """Mark a draft run "queued" and start its solve after the commit (task ``groups.solve_matching_run``).

    Also restarts a run that has been queued or running for longer than its time limit plus STALE_RUN
    (its task was lost). Returns False, queuing nothing, for any other run.
    """
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=run.time_limit) - STALE_RUN
    with transaction.atomic():
        changed = MatchingRun.objects.filter(
            Q(status=RunStatus.DRAFT) | Q(status__in=[RunStatus.QUEUED, RunStatus.RUNNING], queued_at__lt=stale),
            pk=run.pk,
        ).update(status=RunStatus.QUEUED, queued_at=now, started_at=None, error="")
        if changed:
            transaction.on_commit(lambda: enqueue_solve(run.pk))
    if changed:
        run.status, run.queued_at = RunStatus.QUEUED, now
    return bool(changed)


def enqueue_solve(run_id: int) -> None:
    """Queue the solve of a queued run (after the commit that queued it)."""
    from groups.tasks import solve_matching_run

    # Broker away: the run stays queued and groups.requeue_stranded_work queues it again.
    enqueue(solve_matching_run, run_id=run_id)


# --- Publishing -------------------------------------------------------------------------------------------

def publish_refusal(run: MatchingRun) -> str | None:
    """Why `run` cannot be published, or None when it can: only a run solved with groups (optimal or feasible)
    can, and only while no run of its campaign (itself included) is published."""
    if run.status != RunStatus.DONE or run.solver_status not in (SolverStatus.OPTIMAL, SolverStatus.FEASIBLE):
        return _("Only a solved run with groups can be published.")
    if MatchingRun.objects.filter(campaign_id=run.campaign_id, published_at__isnull=False).exists():
        return _("Another run of this campaign is published already.")
    return None


def can_publish(run: MatchingRun) -> bool:
    """True when `run` can be published now (the admin offers the button); publish_run checks the same
    preconditions again, under a lock."""
    return publish_refusal(run) is None


def publish_run(run: MatchingRun, *, by: User | None, now: dt.datetime | None = None) -> list[WorkingGroup]:
    """Publish `run`: a proposed WorkingGroup per chosen area and a pending GroupOffer per placement.

    After the commit, the task ``groups.send_offer_emails`` e-mails each respondent of a placed body the
    link to answer, and each respondent of an unplaced body an Observer Group invitation. Publishing the
    same run again creates nothing and sends nothing more; publishing a second run of the same campaign
    raises CannotPublish, as does a run without groups.
    """
    now = now or timezone.now()
    with transaction.atomic():
        run = MatchingRun.objects.select_for_update().select_related("campaign").get(pk=run.pk)
        if run.is_published:
            return list(run.working_groups.select_related("area"))
        if (refusal := publish_refusal(run)) is not None:
            raise CannotPublish(refusal)
        try:
            with transaction.atomic():
                MatchingRun.objects.filter(pk=run.pk).update(published_at=now, published_by=by)
                groups = WorkingGroup.objects.bulk_create([
                    WorkingGroup(campaign=run.campaign, area=area, run=run, min_size=run.min_size,
                                 max_size=run.max_size)
                    for area in run.chosen_areas.order_by("position", "pk")
                ])
        except IntegrityError:
            raise CannotPublish(_("Another run of this campaign is published already.")) from None
        group_of = {g.area_id: g for g in groups}
        explanations = run.result.get("explanations", {})
        expires_at = now + dt.timedelta(days=settings.OFFER_ANSWER_DAYS)
        GroupOffer.objects.bulk_create([
            GroupOffer(group=group_of[p.area_id], response_id=p.response_id, expires_at=expires_at,
                       explanation=explanations.get(str(p.response_id), ""))
            for p in run.placements.order_by("response_id", "area_id").iterator(chunk_size=2000)
        ], batch_size=2000)
        transaction.on_commit(lambda: enqueue_offer_emails(run.pk))
    return groups


def enqueue_offer_emails(run_id: int) -> None:
    """Queue the e-mails of a published run's offers (after the commit that published it)."""
    from groups.tasks import send_offer_emails

    # Broker away: groups.requeue_stranded_work (or the admin's "Send the offers' e-mails") sends them later.
    enqueue(send_offer_emails, run_id=run_id)


def offer_token(response: Response, user: User) -> str:
    """The signed secret of one person's offer page for one body (works without signing in)."""
    return signing.dumps([response.pk, user.pk], salt=OFFER_SALT, compress=True)


def offer_url(response: Response, user: User) -> str:
    return settings.SITE_URL + reverse("offer_page", args=[offer_token(response, user)])


@dataclass(frozen=True)
class OfferAccess:
    """Who opened an offer link: the body (response) and the person it was sent to."""

    response: Response
    user: User


def access_for_token(token: str) -> OfferAccess | None:
    """The body and person an offer token names; None if forged, too old, or the person no longer answers for it."""
    try:
        response_id, user_id = signing.loads(token, salt=OFFER_SALT,
                                             max_age=dt.timedelta(days=settings.OFFER_LINK_MAX_AGE_DAYS))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    respondent = (Respondent.objects.filter(response_id=response_id, user_id=user_id, user__is_active=True)
                  .select_related("user", "response__organisation", "response__campaign").first())
    if respondent is None:
        return None
    return OfferAccess(respondent.response, respondent.user)


def observer_invitation_url(*, email: str, organisation_name: str) -> str:
    """The public Observer Group page, with the form filled in for this person (a signed, harmless pre-fill)."""
    invite = signing.dumps({"email": email, "organisation": organisation_name}, salt=OBSERVER_INVITE_SALT,
                           compress=True)
    return f"{settings.SITE_URL}{reverse('observer_signup')}?invite={invite}"


def observer_invitation(invite: str) -> dict[str, str]:
    """The pre-fill of an invitation link ({} if it is not one of ours)."""
    try:
        data = signing.loads(invite, salt=OBSERVER_INVITE_SALT, max_age=dt.timedelta(days=365))
    except signing.BadSignature:
        return {}
    return {"email": str(data.get("email", "")), "organisation_name": str(data.get("organisation", ""))}


def send_offer_emails(run: MatchingRun) -> int:
    """E-mail a published run's offers and Observer Group invitations; returns how many were queued now.

    Each respondent of a placed body gets one message listing the body's offers with their link; each
    respondent of a body the run left unplaced (not one the secretariat excluded) gets an invitation to
    the Observer Group. Keys name the run, body and person: a second call queues only what is missing.
    """
    if not run.is_published:
        return 0
    prefixes = (f"group-offer:run={run.pk}:", f"observer-invitation:run={run.pk}:")
    known = set(OutgoingEmail.objects.filter(Q(key__startswith=prefixes[0]) | Q(key__startswith=prefixes[1]))
                .values_list("key", flat=True))
    offers: dict[int, list[GroupOffer]] = defaultdict(list)
    for offer in (GroupOffer.objects.filter(group__run=run).select_related("group__area")
                  .order_by("group__area__position", "group__pk")):
        offers[offer.response_id].append(offer)
    queued = 0
    responses = Response.objects.filter(pk__in=list(offers) + list(run.result.get("unplaced", [])))
    for response in (responses.select_related("organisation", "campaign").prefetch_related(active_respondents())
                     .order_by("pk").iterator(chunk_size=500)):
        for respondent in response.respondents.all():
            user = respondent.user
            if response.pk in offers:
                key = f"{prefixes[0]}response={response.pk}:user={user.pk}"
                template = "group_offer"
                context = {"campaign": response.campaign, "organisation": response.organisation,
                           "offers": offers[response.pk], "url": offer_url(response, user),
                           "expires_at": offers[response.pk][0].expires_at, "zone": response.campaign.time_zone}
            else:
                key = f"{prefixes[1]}response={response.pk}:user={user.pk}"
                template = "observer_invitation"
                context = {"campaign": response.campaign, "organisation": response.organisation,
                           "url": observer_invitation_url(email=user.email,
                                                          organisation_name=response.organisation.name)}
            if key in known:
                continue
            with transaction.atomic():
                queued += queue_email(key=key, to=user.email, template=template, context=context) is not None
    return queued


# --- Answering an offer -----------------------------------------------------------------------------------

def offer_is_open(offer: GroupOffer, *, now: dt.datetime | None = None) -> bool:
    """Whether the body can still answer (or change its answer): group not established, date not passed."""
    now = now or timezone.now()
    return offer.group.status == GroupStatus.PROPOSED and now < offer.expires_at


def _answer(offer: GroupOffer, *, status: str, role: str, by: User | None, now: dt.datetime | None) -> GroupOffer:
    now = now or timezone.now()
    with transaction.atomic():
        locked = GroupOffer.objects.select_for_update().select_related("group").get(pk=offer.pk)
        # The group row is locked too, so that establishing it and answering cannot cross.
        WorkingGroup.objects.select_for_update().filter(pk=locked.group_id).values_list("pk").get()
        locked.group.refresh_from_db(fields=["status"])
        if not offer_is_open(locked, now=now):
            raise OfferClosed()
        locked.status, locked.role, locked.responded_at, locked.responded_by = status, role, now, by
        locked.save(update_fields=["status", "role", "responded_at", "responded_by"])
    return locked


def accept_offer(offer: GroupOffer, *, role: str, by: User | None, now: dt.datetime | None = None) -> GroupOffer:
    """Record the body's formal commitment to the offer's group with `role` (leader, buyer, follower).

    Accepting again changes the role; accepting a declined offer reverses the decline, as long as the offer
    is open. Raises OfferClosed otherwise. Sends nothing (the page confirms it).
    """
    return _answer(offer, status=OfferStatus.ACCEPTED, role=OfferRole(role), by=by, now=now)


def decline_offer(offer: GroupOffer, *, by: User | None, now: dt.datetime | None = None) -> GroupOffer:
    """Record that the body declines the offer's group (it may still accept while the offer is open)."""
    return _answer(offer, status=OfferStatus.DECLINED, role="", by=by, now=now)


# --- Establishing -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommittedMember:
    """A person of a committed body, with the role the body chose (OfferRole) and the body's organisation."""

    user: User
    role: str
    organisation: Organisation


def establish_group(group: WorkingGroup, *, by: User | None, now: dt.datetime | None = None) -> list[CommittedMember]:
    """Mark `group` established once it has at least its minimum of commitments; returns its committed people.

    Sends nothing. Raises NotEnoughCommitments below the minimum. Establishing an established group changes
    nothing and returns its people again (the communities app calls this, then creates the community).
    Offers still pending are closed by it: their page says the group is established.
    """
    now = now or timezone.now()
    with transaction.atomic():
        group = WorkingGroup.objects.select_for_update().select_related("area", "campaign").get(pk=group.pk)
        offers = committed_offers(group)
        if group.status == GroupStatus.PROPOSED:
            if len(offers) < group.min_size:
                raise NotEnoughCommitments(
                    ngettext("%(group)s has %(count)d commitment; it needs at least %(minimum)d.",
                             "%(group)s has %(count)d commitments; it needs at least %(minimum)d.", len(offers))
                    % {"group": group.area.name, "count": len(offers), "minimum": group.min_size})
            WorkingGroup.objects.filter(pk=group.pk).update(status=GroupStatus.ESTABLISHED, established_at=now,
                                                            established_by=by)
    return [CommittedMember(respondent.user, offer.role, offer.response.organisation)
            for offer in offers for respondent in offer.response.respondents.all()]


# --- The Observer Group -----------------------------------------------------------------------------------

def observer_confirm_url(subscription: ObserverSubscription) -> str:
    token = signing.dumps(subscription.token, salt=OBSERVER_CONFIRM_SALT)
    return settings.SITE_URL + reverse("observer_confirm", args=[token])


def observer_unsubscribe_url(subscription: ObserverSubscription) -> str:
    return settings.SITE_URL + reverse("observer_unsubscribe", args=[subscription.token])


def subscribe_observer(*, email: str, name: str = "", organisation_name: str = "",
                       source: str = ObserverSource.PUBLIC, language: str | None = None,
                       now: dt.datetime | None = None) -> ObserverSubscription:
    """Ask to join the Observer Group: records the request and e-mails a confirmation link (double opt-in).

    A person already in the group gets nothing (the page says the same to everyone, so it does not tell who
    is subscribed); a person who has not confirmed, or who left, gets a new confirmation link, at most one
    a day (the key), so that the public form cannot be used to flood someone's inbox.
    """
    now = now or timezone.now()
    email = email.strip()
    with transaction.atomic():
        subscription = ObserverSubscription.objects.select_for_update().filter(email__iexact=email).first()
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = ObserverSubscription.objects.create(
                        email=email, name=name, organisation_name=organisation_name, source=source)
            except IntegrityError:  # the same address at the same moment
                subscription = ObserverSubscription.objects.select_for_update().get(email__iexact=email)
        if subscription.is_active:
            return subscription
        subscription.name = name or subscription.name
        subscription.organisation_name = organisation_name or subscription.organisation_name
        subscription.confirmation_sent_at = now
        subscription.save(update_fields=["name", "organisation_name", "confirmation_sent_at"])
        queue_email(key=f"observer-confirm:subscription={subscription.pk}:day={now:%Y%m%d}", to=subscription.email,
                    template="observer_confirm", language=language, interactive=True,
                    context={"subscription": subscription, "url": observer_confirm_url(subscription),
                             "days": settings.OBSERVER_CONFIRM_DAYS})
    return subscription


def subscription_for_confirmation(token: str) -> ObserverSubscription | None:
    """The subscription a confirmation link names; None if forged or older than OBSERVER_CONFIRM_DAYS."""
    try:
        secret = signing.loads(token, salt=OBSERVER_CONFIRM_SALT,
                               max_age=dt.timedelta(days=settings.OBSERVER_CONFIRM_DAYS))
    except signing.BadSignature:
        return None
    return ObserverSubscription.objects.filter(token=secret).first()


def confirm_observer(subscription: ObserverSubscription, *, now: dt.datetime | None = None) -> bool:
    """Confirm the subscription (also after an earlier unsubscribe) and e-mail a welcome with the unsubscribe link.

    Returns False, sending nothing, when it is confirmed and active already.
    """
    now = now or timezone.now()
    with transaction.atomic():
        changed = ObserverSubscription.objects.filter(pk=subscription.pk).filter(
            Q(confirmed_at__isnull=True) | Q(unsubscribed_at__isnull=False)
        ).update(confirmed_at=now, unsubscribed_at=None)
        if changed:
            subscription.refresh_from_db()
            queue_email(key=f"observer-welcome:subscription={subscription.pk}:at={now.timestamp():.0f}",
                        to=subscription.email, template="observer_welcome", interactive=True,
                        context={"subscription": subscription,
                                 "unsubscribe_url": observer_unsubscribe_url(subscription)})
    return bool(changed)


def unsubscribe_observer(subscription: ObserverSubscription, *, now: dt.datetime | None = None) -> bool:
    """Stop the Observer Group's e-mails to this person; sends nothing. False if they had left already."""
    now = now or timezone.now()
    return bool(ObserverSubscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True)
                .update(unsubscribed_at=now))
