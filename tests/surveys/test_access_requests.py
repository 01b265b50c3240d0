"""Asking to join a colleague's response: only the response the organisation step found in the person's
way, the same 404 for every other id, a rate limit, and the requester's text quoted as theirs with its
web addresses made unclickable in both parts of the e-mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from bigbuyers.env import Rate
from surveys.models import AccessRequest
from tests.factories import OrganisationFactory, ResponseFactory, UserFactory

pytestmark = pytest.mark.django_db

PHISHING = ("Hello, I am Jan from procurement.\nPlease log in at https://big-buyers.evil.example/login <b>now</b>\n"
            "or www.evil.example")


def _meet_the_colleagues_response(client, campaign, organisation):  # type: ignore[no-untyped-def]
    """The organisation step with the name of an organisation that already answers: the page to ask access."""
    page = client.post(reverse("survey_step", args=[campaign.slug, "organisation"]),
                       {"name": organisation.name, "country": organisation.country, "body_type": "local_authority"})
    assert page.status_code == 409
    return page


def _ask(client, campaign, response_id, message="May I join?"):  # type: ignore[no-untyped-def]
    return client.post(reverse("survey_request_access", args=[campaign.slug, response_id]), {"message": message})


def test_a_request_for_a_response_never_met_is_404_whether_it_exists_or_not(client, campaign):
    elsewhere = ResponseFactory(campaign=campaign)
    client.force_login(UserFactory(email="prober@city.example"))
    existing = _ask(client, campaign, elsewhere.pk)
    missing = _ask(client, campaign, elsewhere.pk + 1000)
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content, "nothing tells which ids exist"
    assert not AccessRequest.objects.exists() and not mail.outbox


def test_the_response_found_at_the_organisation_step_can_be_asked_for_and_no_other(client, campaign, committed):
    organisation = OrganisationFactory(name="Stadt Lindenau", country="DE")
    theirs = ResponseFactory(campaign=campaign, organisation=organisation,
                             respondent=UserFactory(email="anna@lindenau.example"))
    other = ResponseFactory(campaign=campaign)
    client.force_login(UserFactory(email="jan@lindenau.example"))
    page = _meet_the_colleagues_response(client, campaign, organisation)
    assert f'action="{reverse("survey_request_access", args=[campaign.slug, theirs.pk])}"' in page.content.decode()

    assert _ask(client, campaign, other.pk).status_code == 404
    with committed():
        asked = _ask(client, campaign, theirs.pk)
    assert asked.status_code == 302 and asked["Location"] == reverse("campaign_detail", args=[campaign.slug])
    assert AccessRequest.objects.get().response == theirs
    assert [m.to for m in mail.outbox] == [["anna@lindenau.example"]]
    # A second press sends nothing more (one pending request per person and response).
    with committed():
        assert _ask(client, campaign, theirs.pk).status_code == 302
    assert len(mail.outbox) == 1


def test_the_remembered_response_is_this_sessions_and_this_campaigns(client, campaign):
    organisation = OrganisationFactory(name="Comune di Valdoro", country="IT")
    theirs = ResponseFactory(campaign=campaign, organisation=organisation)
    person = UserFactory(email="luca@valdoro.example")
    client.force_login(person)
    _meet_the_colleagues_response(client, campaign, organisation)
    other_browser = type(client)()
    other_browser.force_login(UserFactory(email="stranger@elsewhere.example"))
    assert _ask(other_browser, campaign, theirs.pk).status_code == 404


def test_requests_to_join_are_rate_limited(client, campaign, settings):
    settings.RATELIMIT_ACCESS_REQUEST_PER_IP = Rate(3, 3600)
    organisation = OrganisationFactory(name="Ville de Montclair", country="FR")
    theirs = ResponseFactory(campaign=campaign, organisation=organisation)
    client.force_login(UserFactory(email="marc@montclair.example"))
    _meet_the_colleagues_response(client, campaign, organisation)
    codes = [_ask(client, campaign, theirs.pk).status_code for _ in range(5)]
    assert codes == [302, 302, 302, 429, 429]


def test_the_e_mail_quotes_the_requesters_text_as_theirs_with_no_clickable_address(client, campaign, committed):
    organisation = OrganisationFactory(name="Gemeente Westerhaven", country="NL")
    theirs = ResponseFactory(campaign=campaign, organisation=organisation,
                             respondent=UserFactory(email="eva@westerhaven.example"))
    client.force_login(UserFactory(email="jan@westerhaven.example"))
    _meet_the_colleagues_response(client, campaign, organisation)
    with committed():
        _ask(client, campaign, theirs.pk, message=PHISHING)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "jan@westerhaven.example wrote this message (their words, not the secretariat's" in part
        assert "https://big-buyers.evil.example" not in part and "www.evil.example" not in part
        assert "evil.example/login" not in part
        assert "https[:]//big-buyers[.]evil[.]example/login" in part and "www[.]evil[.]example" in part
    assert "> Please log in at https[:]//big-buyers[.]evil[.]example/login <b>now</b>" in message.body
    assert "&lt;b&gt;now&lt;/b&gt;" in html and "<b>now</b>" not in html
    # The HTML part links to the portal, and to nothing the requester wrote.
    assert {href.split("/campaigns/")[0] for href in re.findall(r'href="(http[^"]+)"', html)} <= {"http://127.0.0.1:8000"}
