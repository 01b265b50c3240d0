"""surveys/deadlines.py: the deadline that applies to a response, and when the survey is open."""

from __future__ import annotations

import datetime as dt

import pytest

from surveys.deadlines import deadline_for, is_open_for
from tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


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
