"""Service tests: deadlines and extensions, one response per organisation, submitting once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from bigbuyers.models import OutgoingEmail
from surveys.deadlines import deadline_for, is_open_for
from surveys.models import DeadlineChange, Response, ResponseStatus
from surveys.services.colleagues import decide_access_request, request_access
from surveys.services.deadlines import (
    decide_late_request,
    extend_deadline,
    extend_personal_deadline,
    send_late_request,
)
from surveys.services.responses import (
    OrganisationAlreadyAnswering,
    SurveyClosed,
    response_for,
    save_answers,
    save_organisation,
    submit_response,
)
from surveys.steps import STEP_SLUGS
from tests.factories import CampaignFactory, OrganisationFactory, ResponseFactory, UserFactory, interest

pytestmark = pytest.mark.django_db

ORGANISATION = {"name": "Stadt Lindenau", "country": "DE", "body_type": "local_authority", "website": ""}


def test_deadline_is_the_campaigns_unless_a_later_personal_one_exists(campaign):
    response = ResponseFactory(campaign=campaign)
    assert deadline_for(campaign, response) == campaign.deadline
    response.personal_deadline = campaign.deadline - dt.timedelta(days=1)
    assert deadline_for(campaign, response) == campaign.deadline, "a personal deadline never shortens"
    response.personal_deadline = campaign.deadline + dt.timedelta(days=3)
    assert deadline_for(campaign, response) == response.personal_deadline


def test_survey_is_open_only_between_opening_and_deadline(campaign):
    assert is_open_for(campaign, now=campaign.deadline - dt.timedelta(seconds=1))
    assert not is_open_for(campaign, now=campaign.deadline)
    assert not is_open_for(campaign, now=campaign.opens_at - dt.timedelta(seconds=1))


def test_extend_deadline_records_history_and_tells_drafts(campaign, staff, committed):
    draft = ResponseFactory(campaign=campaign)
    ResponseFactory(campaign=campaign, status=ResponseStatus.SUBMITTED, submitted_at=timezone.now())
    old = campaign.deadline
    new = old + dt.timedelta(days=14)

    with committed():
        change = extend_deadline(campaign, new_deadline=new, by=staff, reason="More answers from the Nordics")

    campaign.refresh_from_db()
    assert campaign.deadline == new
    assert (change.previous_deadline, change.new_deadline, change.changed_by, change.reason) == (
        old, new, staff, "More answers from the Nordics")
    notices = [m for m in mail.outbox if "extended" in m.subject]
    assert [m.to for m in notices] == [[draft.respondents.get().user.email]]
    assert "Europe/Brussels" in notices[0].body


def test_extend_deadline_refuses_to_move_it_earlier(campaign, staff):
    with pytest.raises(ValueError):
        extend_deadline(campaign, new_deadline=campaign.deadline - dt.timedelta(hours=1), by=staff, reason="x")
    assert not DeadlineChange.objects.exists()


def test_personal_extension_reopens_the_survey_for_one_respondent_only(staff):
    campaign = CampaignFactory(deadline=timezone.now() - dt.timedelta(hours=1))
    late, other = ResponseFactory(campaign=campaign), ResponseFactory(campaign=campaign)
    extend_personal_deadline(late, until=timezone.now() + dt.timedelta(days=2))
    late.refresh_from_db()
    assert is_open_for(campaign, late)
    assert not is_open_for(campaign, other)


def test_saving_after_the_deadline_is_refused_and_changes_nothing():
    campaign = CampaignFactory(deadline=timezone.now() - dt.timedelta(minutes=1))
    response = ResponseFactory(campaign=campaign, recommendations="kept")
    with pytest.raises(SurveyClosed):
        save_answers(response, step="recommendations", values={"recommendations": "lost?"})
    response.refresh_from_db()
    assert response.recommendations == "kept"


def test_one_response_per_organisation_and_campaign_is_a_database_constraint(campaign):
    response = ResponseFactory(campaign=campaign)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(campaign=campaign, organisation=response.organisation)


def test_a_colleague_of_the_same_organisation_is_sent_to_the_existing_response(campaign):
    first, colleague = UserFactory(), UserFactory()
    response = save_organisation(user=first, campaign=campaign, response=None, data=ORGANISATION)
    with pytest.raises(OrganisationAlreadyAnswering) as clash:
        save_organisation(user=colleague, campaign=campaign, response=None,
                          data={**ORGANISATION, "name": "STADT  lindenau".replace("  ", " ")})
    assert clash.value.response == response
    assert Response.objects.count() == 1


def test_access_request_accepted_lets_the_colleague_work_on_the_response(campaign, committed):
    owner, colleague = UserFactory(), UserFactory()
    response = save_organisation(user=owner, campaign=campaign, response=None, data=ORGANISATION)
    with committed():
        request = request_access(response, user=colleague, message="I run the fleet tender")
    assert [m.to for m in mail.outbox] == [[owner.email]]
    with committed():
        decide_access_request(request, accept=True)
    assert response_for(colleague, campaign) == response
    assert mail.outbox[-1].to == [colleague.email]


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


def test_late_request_accepted_gives_a_personal_deadline_and_tells_the_respondent(staff, settings, committed):
    campaign = CampaignFactory(deadline=timezone.now() - dt.timedelta(days=1))
    response = ResponseFactory(campaign=campaign)
    with committed():
        late = send_late_request(response, motivation="We were on holiday")
        decide_late_request(late, accept=True, by=staff, note="Welcome")
    response.refresh_from_db()
    assert response.personal_deadline > timezone.now() + dt.timedelta(days=settings.LATE_ADMISSION_DAYS - 1)
    assert is_open_for(campaign, response)
    assert {tuple(m.to) for m in mail.outbox} == {(settings.SECRETARIAT_EMAIL,), (response.respondents.get().user.email,)}


def test_outbox_message_with_the_same_key_is_sent_once(campaign, committed):
    from bigbuyers.outbox import queue_email

    context = {"url": "https://x.example", "hours": 24}
    with committed():
        assert queue_email(key="k1", to="a@b.example", template="signin_link", context=context) is not None
        assert queue_email(key="k1", to="a@b.example", template="signin_link", context=context) is None
    assert OutgoingEmail.objects.count() == 1 and len(mail.outbox) == 1


def test_organisation_name_is_unique_per_country_whatever_the_case():
    OrganisationFactory(name="Comune di Valdoro", country="IT")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(name="COMUNE DI VALDORO", country="IT")
    OrganisationFactory(name="Comune di Valdoro", country="CH")  # another country: another body
