"""E-mails written without a request (tasks, staff actions) speak the language the person last used."""

from __future__ import annotations

import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from sesame.utils import get_query_string

from bigbuyers.outbox import queue_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signing_in_keeps_the_language_of_the_page(client):
    person = UserFactory(email="anna@lindenau.example")
    token = get_query_string(person).split("=", 1)[1]
    answer = client.post(reverse("signin_link"), {"token": token}, HTTP_ACCEPT_LANGUAGE="de")  # a German browser
    assert answer.status_code == 302
    person.refresh_from_db()
    assert person.language == "de"


def test_the_switcher_keeps_a_signed_in_persons_choice_and_nobody_elses(client):
    person = UserFactory(email="marc@lyon.example")
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})  # anonymous: nothing to keep
    person.refresh_from_db()
    assert person.language == ""
    client.force_login(person)
    answer = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert answer.status_code == 302
    person.refresh_from_db()
    assert person.language == "fr"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})  # not a language of the portal
    person.refresh_from_db()
    assert person.language == "fr"


@pytest.mark.parametrize("language", ["", "fr", "de"])
def test_an_email_without_a_request_is_written_in_the_recipients_language(committed, language):
    UserFactory(email="Eva@Westerhaven.example", language=language)
    with translation.override(language or "en"):
        signature = translation.gettext("Big Buyers secretariat")
    with translation.override("en"), committed():  # written by a task, or by a staff member working in English
        queue_email(key="k", to="eva@westerhaven.example", template="bulk", context={"subject": "S", "body": "B"})
    [message] = mail.outbox
    body = html.unescape(message.alternatives[0][0])
    assert signature in body
    assert f'<html lang="{language or "en"}">' in body
    if language:
        assert "Big Buyers secretariat" not in body


def test_an_address_without_an_account_gets_the_default_language(committed):
    with committed():
        queue_email(key="k", to="nobody@example.org", template="bulk", context={"subject": "S", "body": "B"})
    assert '<html lang="en">' in mail.outbox[0].alternatives[0][0]


def test_a_deadline_reminder_is_written_in_the_respondents_language(committed):
    import datetime as dt

    from django.utils import timezone

    from bigbuyers import reminders
    from surveys.models import Response
    from tests.factories import CampaignFactory, ResponseFactory

    campaign = CampaignFactory(deadline=timezone.now() + dt.timedelta(days=7) - dt.timedelta(hours=1))
    response = ResponseFactory(campaign=campaign, respondent=UserFactory(email="jan@gemeinde.example", language="de"))
    Response.objects.filter(pk=response.pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    with committed():
        assert reminders.send_due_reminders() == 1
    [message] = mail.outbox
    with translation.override("de"):
        assert translation.gettext("Big Buyers secretariat") in message.body
