"""communities/services/events.py: places and waiting lists, reminders, cancellations at the same moment, guests."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from bigbuyers.models import OutgoingEmail
from communities.models import Registration
from communities.services.events import cancel_registration, invite_guest, register_for_event, update_event
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_full_event_puts_people_on_a_waiting_list_and_a_cancellation_promotes_the_first(committed):
    event = EventFactory(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    with committed():
        assert register_for_event(event, first).status == "registered"
        assert register_for_event(event, second).status == "waiting"
        assert register_for_event(event, third).status == "waiting"
        assert register_for_event(event, second).status == "waiting", "registering twice changes nothing"
        promoted = cancel_registration(event, first)
    assert [r.user for r in promoted] == [second]
    statuses = dict(Registration.objects.filter(event=event).values_list("user__email", "status"))
    assert statuses == {first.email: "cancelled", second.email: "registered", third.email: "waiting"}
    promotion = [m for m in mail.outbox if m.to == [second.email]]
    assert len(promotion) == 1 and "A place for you" in promotion[0].subject
    assert not [m for m in mail.outbox if m.to == [third.email]]


def test_leaving_the_waiting_list_promotes_nobody():
    event = EventFactory(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for person in (first, second, third):
        register_for_event(event, person)
    assert cancel_registration(event, second) == []
    assert Registration.objects.get(event=event, user=third).status == "waiting"


def test_more_places_promote_people_from_the_waiting_list():
    event = EventFactory(capacity=1)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        register_for_event(event, person)
    promoted = update_event(event, values={"capacity": 2})
    assert [r.user for r in promoted] == [people[1]]


def test_a_place_is_reminded_the_day_before_and_a_cancelled_one_is_not(committed):
    from bigbuyers.reminders import send_due_reminders

    event = EventFactory(starts_at=timezone.now() + dt.timedelta(days=5))
    person, quitter, waiting = UserFactory(), UserFactory(), UserFactory()
    registration = register_for_event(event, person)
    register_for_event(event, quitter)
    cancel_registration(event, quitter)
    assert send_due_reminders(now=event.starts_at - dt.timedelta(days=2)) == 0, "not due yet"
    with committed():
        assert send_due_reminders(now=event.starts_at - dt.timedelta(hours=23)) == 1
        assert send_due_reminders(now=event.starts_at - dt.timedelta(hours=22)) == 0, "sent once"
    reminder = OutgoingEmail.objects.get(key__startswith="event-reminder:")
    assert reminder.key.startswith(f"event-reminder:registration={registration.pk}:")
    assert reminder.to == person.email and "Reminder" in reminder.subject
    assert waiting.email not in {m.to[0] for m in mail.outbox}


def test_moving_an_event_moves_its_reminder():
    from bigbuyers.reminders import send_due_reminders

    event = EventFactory(starts_at=timezone.now() + dt.timedelta(days=5))
    register_for_event(event, UserFactory())
    first_start = event.starts_at
    later = event.starts_at + dt.timedelta(days=3)
    update_event(event, values={"starts_at": later, "ends_at": later + dt.timedelta(hours=1)})
    assert send_due_reminders(now=first_start - dt.timedelta(hours=12)) == 0, "the old time is not reminded"
    assert send_due_reminders(now=later - dt.timedelta(hours=12)) == 1
    assert OutgoingEmail.objects.get().key.endswith(f":starts={int(later.timestamp())}")


@pytest.mark.django_db(transaction=True)
def test_two_cancellations_at_the_same_moment_promote_two_different_people_and_never_overfill():
    event = EventFactory(capacity=2)
    registered = [UserFactory(), UserFactory()]
    waiting = [UserFactory(), UserFactory(), UserFactory()]
    for person in registered + waiting:
        register_for_event(event, person)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def cancel(person) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            cancel_registration(event, person)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(person,)) for person in registered]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    statuses = dict(Registration.objects.filter(event=event).values_list("user__email", "status"))
    assert [statuses[p.email] for p in waiting] == ["registered", "registered", "waiting"]
    assert Registration.objects.filter(event=event, status="registered").count() == 2
    promotions = OutgoingEmail.objects.filter(key__startswith="event-promoted:")
    assert sorted(promotions.values_list("to", flat=True)) == sorted(p.email for p in waiting[:2])


def test_guest_invitation_creates_an_account_and_sends_a_signin_link_to_the_event(committed):
    event = EventFactory()
    with committed():
        invitation = invite_guest(event, email="Sales@GreenBus.example", by=UserFactory(),
                                  organisation_name="GreenBus")
    assert invitation.user.email == "sales@greenbus.example"
    message = mail.outbox[0]
    assert message.to == ["sales@greenbus.example"] and "/signin/link/?token=" in message.body
    assert f"/communities/{event.community.slug}/events/{event.pk}/" in message.body.replace("%2F", "/")
