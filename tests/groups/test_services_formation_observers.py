"""The Observer Group: double opt-in from the public page, confirmation, unsubscribe, invitations."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.models import ObserverSource, ObserverSubscription
from groups.services import formation as services

pytestmark = pytest.mark.django_db


def _link(message, path: str) -> str:  # type: ignore[no-untyped-def]
    return re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", message.body).group(1)


def test_joining_needs_a_confirmation_from_the_e_mailed_link(client, committed):
    page = client.get(reverse("observer_signup"))
    assert page.status_code == 200 and "Join the Observer Group" in page.content.decode()
    with committed():
        answer = client.post(reverse("observer_signup"), {"email": "Marta@Example.org", "name": "Marta",
                                                          "organisation_name": "Consorzio Valdoro"})
    assert answer["Location"] == reverse("observer_sent")
    assert "Marta@Example.org" in client.get(answer["Location"]).content.decode()
    subscription = ObserverSubscription.objects.get()
    assert (subscription.email, subscription.organisation_name, subscription.source) == (
        "Marta@Example.org", "Consorzio Valdoro", ObserverSource.PUBLIC)
    assert not subscription.is_active and subscription.confirmed_at is None

    (message,) = mail.outbox
    assert message.to == ["Marta@Example.org"] and "Confirm your address" in message.subject
    confirm = _link(message, "/observers/confirm/")
    # Opening the link (a mail scanner does) confirms nothing; pressing the button does.
    assert client.get(confirm).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    with committed():
        assert client.post(confirm)["Location"] == reverse("observer_confirmed")
    subscription.refresh_from_db()
    assert subscription.is_active

    welcome = mail.outbox[-1]
    assert "Welcome" in welcome.subject and f"/observers/unsubscribe/{subscription.token}/" in welcome.body


def test_unsubscribing_from_the_link_stops_the_e_mails(client):
    subscription = ObserverSubscription.objects.create(email="marta@example.org", confirmed_at=timezone.now())
    url = reverse("observer_unsubscribe", args=[subscription.token])
    page = client.get(url)
    assert page.status_code == 200 and "Leave the Observer Group" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_active  # a GET changes nothing
    # A mail program's one-click unsubscribe posts without a CSRF token (RFC 8058).
    csrf_client = client.__class__(enforce_csrf_checks=True)
    done = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You have left the Observer Group" in done.content.decode()
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.unsubscribed_at is not None
    assert client.get(reverse("observer_unsubscribe", args=["not-a-token"])).status_code == 404


def test_asking_again_sends_at_most_one_confirmation_a_day_and_nothing_to_members(committed):
    # Noon, so that the hour later stays the same day whenever the suite runs (the key is the UTC date).
    now = timezone.now().replace(hour=12, minute=0)
    with committed():
        services.subscribe_observer(email="marta@example.org", now=now)
        services.subscribe_observer(email="MARTA@example.org", name="Marta", now=now + dt.timedelta(hours=1))
    assert len(mail.outbox) == 1 and ObserverSubscription.objects.get().name == "Marta"
    with committed():
        services.subscribe_observer(email="marta@example.org", now=now + dt.timedelta(days=1))
    assert len(mail.outbox) == 2
    subscription = ObserverSubscription.objects.get()
    services.confirm_observer(subscription)
    with committed():
        services.subscribe_observer(email="marta@example.org", now=now + dt.timedelta(days=2))
    assert len(mail.outbox) == 2  # a member is not told anything new (and the page says the same to all)


def test_a_person_who_left_can_join_again_with_a_new_confirmation(committed):
    subscription = ObserverSubscription.objects.create(email="marta@example.org", confirmed_at=timezone.now(),
                                                       unsubscribed_at=timezone.now())
    with committed():
        services.subscribe_observer(email="marta@example.org")
    assert len(mail.outbox) == 1
    token = _link(mail.outbox[0], "/observers/confirm/").split("/")[3]
    assert services.confirm_observer(services.subscription_for_confirmation(token))
    subscription.refresh_from_db()
    assert subscription.is_active


def test_a_confirmation_link_expires_and_a_forged_one_shows_a_clear_page(client, settings):
    subscription = ObserverSubscription.objects.create(email="marta@example.org")
    url = services.observer_confirm_url(subscription).replace(settings.SITE_URL, "")
    settings.OBSERVER_CONFIRM_DAYS = 0
    assert client.get(url).status_code == 404
    settings.OBSERVER_CONFIRM_DAYS = 7
    assert client.get(url).status_code == 200
    forged = client.get(reverse("observer_confirm", args=[subscription.token]))
    assert forged.status_code == 404 and "This link does not work" in forged.content.decode()


def test_an_invitation_link_fills_the_form_in_and_records_where_the_person_came_from(client, committed):
    url = services.observer_invitation_url(email="lucia@valdoro.example", organisation_name="Comune di Valdoro")
    path = url.split("127.0.0.1:8000", 1)[-1] if "127.0.0.1:8000" in url else url
    html = client.get(path).content.decode()
    assert 'value="lucia@valdoro.example"' in html and 'value="Comune di Valdoro"' in html
    with committed():
        client.post(path, {"email": "lucia@valdoro.example", "organisation_name": "Comune di Valdoro"})
    assert ObserverSubscription.objects.get().source == ObserverSource.UNPLACED
    tampered = client.get(reverse("observer_signup") + "?invite=forged").content.decode()
    assert 'value="lucia@valdoro.example"' not in tampered


def test_the_sign_up_form_says_what_is_wrong(client):
    answer = client.post(reverse("observer_signup"), {"email": "not an address"})
    html = answer.content.decode()
    assert answer.status_code == 400 and "There is a problem" in html and 'href="#id_email"' in html
    assert not ObserverSubscription.objects.exists()
