"""Events: planning them, registering (with a waiting list when full), cancelling, and inviting guests."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bigbuyers.models import User
from bigbuyers.outbox import queue_email
from communities.models import Community, Event, GuestInvitation, Registration, RegistrationStatus
from communities.services.common import NotAllowed, site_url
from surveys.services.signin import signin_url


def event_url(event: Event) -> str:
    return site_url("event", event.community.slug, event.pk)


def _promote_waiting(event: Event) -> list[Registration]:
    """Fill free places from the waiting list, first come first served; the caller holds the event's row lock."""
    promoted = []
    while True:
        if event.capacity is not None:
            taken = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()
            if taken >= event.capacity:
                break
        registration = (Registration.objects.select_for_update().select_related("user")
                        .filter(event=event, status=RegistrationStatus.WAITING).order_by("since", "pk").first())
        if registration is None:
            break
        now = timezone.now()
        registration.status, registration.promoted_at = RegistrationStatus.REGISTERED, now
        registration.save(update_fields=["status", "promoted_at"])
        queue_email(
            key=f"event-promoted:registration={registration.pk}:at={now.timestamp()}", to=registration.user.email,
            template="community_event_promoted",
            context={"event": event, "community": event.community, "url": event_url(event)},
        )
        promoted.append(registration)
    return promoted


@transaction.atomic
def create_event(community: Community, *, by: User, values: Mapping[str, object]) -> Event:
    """Plan an event in the community; sends nothing (members see it in the space and in their digest)."""
    return Event.objects.create(community=community, created_by=by, **values)


@transaction.atomic
def update_event(event: Event, *, values: Mapping[str, object]) -> list[Registration]:
    """Change an event, and promote people from the waiting list into new places.

    Reminders follow a new time by themselves: communities.reminders computes them from the event.
    """
    locked = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    return _promote_waiting(locked)


@transaction.atomic
def register_for_event(event: Event, user: User, *, as_guest: bool = False) -> Registration:
    """Take a place at the event, or one on its waiting list when it is full (a place is reminded the day
    before, by communities.reminders). Registering again while registered or waiting changes nothing."""
    if event.ends_at <= timezone.now():
        raise NotAllowed(_("This event is over."))
    # The event's row lock orders every registration, cancellation and promotion of one event.
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        return registration
    taken = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).exists()
    full = event.capacity is not None and (taken >= event.capacity or waiting)
    status = RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED
    if registration is None:
        registration = Registration.objects.create(event=event, user=user, status=status, is_guest=as_guest)
    else:
        registration.status, registration.since, registration.promoted_at = status, timezone.now(), None
        registration.save(update_fields=["status", "since", "promoted_at"])
    return registration


@transaction.atomic
def cancel_registration(event: Event, user: User) -> list[Registration]:
    """Give up a place (or a place on the waiting list); the next person waiting is promoted and told by
    e-mail. Returns the promoted registrations. Safe when two people cancel at the same moment."""
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    registration = (Registration.objects.select_for_update()
                    .filter(event=event, user=user, status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING])
                    .first())
    if registration is None:
        return []
    was_registered = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    return _promote_waiting(event) if was_registered else []


@transaction.atomic
def invite_guest(event: Event, *, email: str, by: User, organisation_name: str = "") -> GuestInvitation:
    """Invite a market actor to this one event: an account for the address if it has none, and an e-mail with
    a sign-in link that opens the event. Inviting the same address again sends the invitation once more."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first() or User.objects.create_user(email)
    invitation, _created = GuestInvitation.objects.get_or_create(
        event=event, user=user, defaults={"invited_by": by, "organisation_name": organisation_name}
    )
    path = reverse("communities:event", args=[event.community.slug, event.pk])
    queue_email(
        key=f"guest-invitation:{invitation.pk}:{timezone.now().timestamp()}", to=user.email,
        template="community_guest_invitation",
        context={"event": event, "community": event.community, "url": signin_url(user, path),
                 "signin_url": settings.SITE_URL + reverse("signin") + f"?next={path}",
                 "hours": settings.SESAME_MAX_AGE // 3600},
        language=translation.get_language(),
    )
    return invitation
