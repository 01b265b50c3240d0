"""The demo matching loads on top of the survey demo, once: a published run with groups and answered offers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from groups import demo
from groups.models import GroupOffer, MatchingRun, OfferStatus, WorkingGroup
from surveys.demo import load_demo as load_survey_demo

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_of_2023_has_a_published_run_with_groups_and_answers(committed):
    load_survey_demo(staff_email="staff@demo.example", staff_password="demo-password-123")
    with committed():
        published = demo.load_demo()
    assert published is not None and published.campaign.slug == "working-together-2023"
    published.refresh_from_db()
    assert published.is_published and published.optimal
    assert MatchingRun.objects.count() == 2, "a second run to compare with"
    groups = list(WorkingGroup.objects.filter(run=published))
    assert len(groups) == published.groups
    first = min(groups, key=lambda g: (g.area.position, g.pk))
    assert GroupOffer.objects.filter(group=first, status=OfferStatus.ACCEPTED).count() >= first.min_size
    assert GroupOffer.objects.filter(status=OfferStatus.PENDING).exists()
    assert GroupOffer.objects.filter(status=OfferStatus.DECLINED).exists()
    assert demo.load_demo() is None, "loading twice creates nothing more"
    assert MatchingRun.objects.count() == 2


def test_the_open_demo_survey_has_interview_slots_to_choose_and_one_booked(committed):
    from groups.models import Interview, InterviewSlot

    load_survey_demo(staff_email="staff@demo.example", staff_password="demo-password-123")
    with committed():
        slots = demo.load_interviews_demo()
    assert len(slots) >= 10
    assert all(slot.campaign.slug == "working-together-demo" and slot.video_link for slot in slots)
    assert min(slot.starts_at for slot in slots) > timezone.now() + dt.timedelta(days=2), "bookable, not too soon"
    [booked] = Interview.objects.filter(slot__campaign__slug="working-together-demo")
    assert booked.response.interview_willing and booked.response.is_submitted
    assert demo.load_interviews_demo() == [], "loading twice creates nothing more"
    assert InterviewSlot.objects.count() == len(slots)
