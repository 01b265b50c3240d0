"""surveys/admin/responses.py: the responses' "more time" action gives LATE_ADMISSION_DAYS and its label says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from surveys.models import Response
from tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


def test_the_responses_action_gives_the_late_admission_days_and_says_so(staff_client, campaign, settings):
    settings.LATE_ADMISSION_DAYS = 12
    chosen, other = ResponseFactory(campaign=campaign), ResponseFactory(campaign=campaign)
    url = reverse("admin:surveys_response_changelist")
    assert "Give the selected respondents 12 more days" in staff_client.get(url).content.decode()

    answer = staff_client.post(url, {"action": "more_time", ACTION_CHECKBOX_NAME: [chosen.pk]}, follow=True)

    assert "1 respondent got 12 more days." in [str(m) for m in answer.context["messages"]]
    assert Response.objects.get(pk=chosen.pk).personal_deadline == campaign.deadline + dt.timedelta(days=12)
    assert Response.objects.get(pk=other.pk).personal_deadline is None
