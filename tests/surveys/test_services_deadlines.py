"""surveys/services/deadlines.py: extensions with their history and e-mails, personal deadlines, late requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from surveys.deadlines import is_open_for
from surveys.models import DeadlineChange, Response, ResponseStatus
from surveys.services.deadlines import (
    decide_late_request,
    extend_deadline,
    extend_personal_deadline,
    give_more_time,
    send_late_request,
)
from tests.factories import CampaignFactory, ResponseFactory

pytestmark = pytest.mark.django_db


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


def test_more_time_is_the_late_admission_days_after_the_latest_deadline_or_now(campaign, settings):
    settings.LATE_ADMISSION_DAYS = 10
    now, day = timezone.now(), dt.timedelta(days=1)
    plain = ResponseFactory(campaign=campaign)
    personal = ResponseFactory(campaign=campaign, personal_deadline=campaign.deadline + 3 * day)
    closed = ResponseFactory(campaign=CampaignFactory(deadline=now - 5 * day))
    untouched = ResponseFactory(campaign=campaign)

    assert give_more_time(Response.objects.exclude(pk=untouched.pk), now=now) == 3

    deadlines = dict(Response.objects.values_list("pk", "personal_deadline"))
    assert deadlines == {plain.pk: campaign.deadline + 10 * day, personal.pk: campaign.deadline + 13 * day,
                         closed.pk: now + 10 * day, untouched.pk: None}
