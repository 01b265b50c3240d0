"""surveys/services/responses.py: saving answers (refused after the deadline), one response per organisation,
submitting once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from surveys.models import Response, ResponseStatus
from surveys.services.responses import (
    OrganisationAlreadyAnswering,
    SurveyClosed,
    save_answers,
    save_organisation,
    submit_response,
)
from surveys.steps import STEP_SLUGS
from tests.factories import CampaignFactory, ResponseFactory, UserFactory, interest

pytestmark = pytest.mark.django_db

ORGANISATION = {"name": "Stadt Lindenau", "country": "DE", "body_type": "local_authority", "website": ""}


def test_saving_after_the_deadline_is_refused_and_changes_nothing():
    campaign = CampaignFactory(deadline=timezone.now() - dt.timedelta(minutes=1))
    response = ResponseFactory(campaign=campaign, recommendations="kept")
    with pytest.raises(SurveyClosed):
        save_answers(response, step="recommendations", values={"recommendations": "lost?"})
    response.refresh_from_db()
    assert response.recommendations == "kept"


def test_a_colleague_of_the_same_organisation_is_sent_to_the_existing_response(campaign):
    first, colleague = UserFactory(), UserFactory()
    response = save_organisation(user=first, campaign=campaign, response=None, data=ORGANISATION)
    with pytest.raises(OrganisationAlreadyAnswering) as clash:
        save_organisation(user=colleague, campaign=campaign, response=None,
                          data={**ORGANISATION, "name": "STADT  lindenau".replace("  ", " ")})
    assert clash.value.response == response
    assert Response.objects.count() == 1


def _complete(response: Response) -> Response:
    interest(response, "hdev")
    Response.objects.filter(pk=response.pk).update(steps_done=list(STEP_SLUGS), consent_version="2026-11")
    response.refresh_from_db()
    return response


def test_submit_sends_one_confirmation_with_a_copy_even_when_repeated(campaign, committed):
    response = _complete(ResponseFactory(campaign=campaign, contact_name="Anna Keller"))
    with committed():
        assert submit_response(response, revision=response.revision) is True
        assert submit_response(response, revision=response.revision) is False  # a double click

    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Anna Keller" in message.body and "Heavy-duty electric vehicles" in message.body
    html = message.alternatives[0][0]
    assert "Anna Keller" in html and message.alternatives[0][1] == "text/html"


def test_changing_answers_after_submitting_needs_a_new_submit_and_sends_a_new_copy(campaign, committed):
    response = _complete(ResponseFactory(campaign=campaign))
    with committed():
        submit_response(response, revision=response.revision)
    save_answers(response, step="recommendations", values={"recommendations": "More study visits"})
    response.refresh_from_db()
    assert response.has_unsubmitted_changes
    with committed():
        assert submit_response(response, revision=response.revision) is True
    assert len(mail.outbox) == 2 and "changed" in mail.outbox[1].subject


def test_submit_of_a_stale_revision_changes_nothing(campaign):
    response = _complete(ResponseFactory(campaign=campaign))
    assert submit_response(response, revision=response.revision - 1) is False
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT and not mail.outbox


def test_answers_with_html_are_stored_as_typed(campaign):
    response = ResponseFactory(campaign=campaign)
    save_answers(response, step="recommendations", values={"recommendations": "<script>alert(1)</script>"})
    response.refresh_from_db()
    assert response.recommendations == "<script>alert(1)</script>"
