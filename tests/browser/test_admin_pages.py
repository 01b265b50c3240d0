"""The secretariat's admin pages that the portal adds or changes meet the public pages' bar: axe-core (no
serious or critical WCAG 2.1 A/AA violation), the Nu HTML Checker, and no CSP violation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from communities.models import Registration, TravelClaim
from groups.models import MatchingExclusion, MatchingPin
from groups.services import formation
from groups.services.interviews import book_interview
from surveys.models import PlannedPurchase
from tests.browser.checks import check_pages
from tests.browser.pages import admin_pages
from tests.factories import (
    CampaignFactory,
    CommunityFactory,
    EventFactory,
    InterviewSlotFactory,
    MembershipFactory,
    OrganisationFactory,
    StaffFactory,
    submitted_body,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _secretariat_world(staff) -> dict[str, object]:
    """A campaign with answers (CPV codes of two divisions, one not in the vocabulary), a solved run and a
    draft with a pinned and an excluded body, a booked interview, and a community with an event and a claim."""
    campaign = CampaignFactory(slug="bbwt", name="Big Buyers Working Together", expected_groups=2)
    bodies = [submitted_body(campaign, {"hdev": 2, "zecs": 1}, name=f"Stadt Nummer {n}", country=country,
                             interview_willing=True)
              for n, country in enumerate(["DE", "FR", "IT", "NL"])]
    hdev = campaign.areas.get(code="hdev")
    purchases = [PlannedPurchase.objects.create(response=body, area=hdev, description="Electric buses", cpv_code=code)
                 for body, code in zip(bodies, ["34144910-0", "34144511-3", "09331200-0", "34144910-9"], strict=True)]
    run = formation.create_run(campaign, by=staff, groups=2, min_size=1, max_size=4)
    with transaction.atomic():
        formation.queue_run(run)  # solved after the commit (tasks are eager in tests)
    draft = formation.create_run(campaign, by=staff, groups=1, min_size=1, max_size=4)
    MatchingPin.objects.create(run=draft, response=bodies[0], area=hdev)
    MatchingExclusion.objects.create(run=draft, response=bodies[1])
    slot = InterviewSlotFactory(campaign=campaign, interviewer=staff,
                                starts_at=timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3))
    interview = book_interview(bodies[0], slot=slot)
    community = CommunityFactory(slug="hdev", name="Heavy-duty electric vehicles", campaign=campaign, area=hdev)
    membership = MembershipFactory(community=community, role="leader",
                                   organisation=OrganisationFactory(name="Stadt Lindenau", country="DE"))
    MembershipFactory(community=community, organisation=OrganisationFactory(name="Ville de Montclair", country="FR"))
    event = EventFactory(community=community, created_by=staff, kind="study_visit", in_person=True, place="Lindenau",
                         starts_at=timezone.now() - dt.timedelta(days=2), is_public=True)
    Registration.objects.create(event=event, user=membership.user, status="registered")
    TravelClaim.objects.create(event=event, membership=membership, travel=Decimal("80.00"))
    return {"campaign": campaign.pk, "response": bodies[0].pk, "purchase": purchases[-1].pk, "run": run.pk, "draft": draft.pk,
            "interview": interview.pk, "community": community.pk, "event": event.pk}


def test_the_secretariats_admin_pages_are_accessible_and_valid(page, live_server):
    staff = StaffFactory(email="secretariat@bigbuyers.example")
    ids = _secretariat_world(staff)
    check_pages(page, admin_pages(ids), {"staff": staff}, live_server)
