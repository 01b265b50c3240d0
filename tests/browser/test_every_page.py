"""Every page of the registry passes axe-core (no serious or critical WCAG 2.1 A/AA violation),
the Nu HTML Checker (no error), and shows no CSP violation (the `page` fixture fails on one)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from groups.services.interviews import book_interview
from surveys.steps import STEP_SLUGS
from tests.browser.checks import check_pages
from tests.browser.helpers import staff_with_app
from tests.browser.pages import community_pages, formation_pages, pages, staff_pages
from tests.factories import (
    CampaignFactory,
    InterviewSlotFactory,
    OrganisationFactory,
    ResponseFactory,
    StaffFactory,
    UserFactory,
    interest,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _interview_data(campaign, booked_response) -> None:
    """Open times in `campaign` (the booking page lists them), and an interview booked for `booked_response`."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
    InterviewSlotFactory(campaign=campaign, starts_at=start)
    InterviewSlotFactory(campaign=campaign, starts_at=start + dt.timedelta(days=1), mode="phone", video_link="")
    book_interview(booked_response, slot=InterviewSlotFactory(campaign=booked_response.campaign, starts_at=start))


def _public_buyers():
    """An open and a closed campaign, and the public buyers the registry's pages are opened as: a respondent
    with every step saved (and a draft in the closed campaign), a newcomer, a body that is not eligible and
    one whose eligibility needs review."""
    campaign = CampaignFactory(slug="open")
    closed = CampaignFactory(slug="closed", deadline=timezone.now() - dt.timedelta(days=1))
    respondent = UserFactory(email="respondent@city.example")
    response = ResponseFactory(campaign=campaign, respondent=respondent, steps_done=list(STEP_SLUGS),
                               contact_name="Anna <b>Keller</b>", recommendations="More visits\nand dialogues")
    interest(response, "hdev")
    _own_questions(campaign)
    closed_response = ResponseFactory(campaign=closed, respondent=respondent)
    newcomer = UserFactory(email="new@city.example")
    outsider = UserFactory(email="outsider@springfield.example")
    ResponseFactory(campaign=campaign, respondent=outsider, steps_done=["organisation"], eligibility="not_eligible",
                    organisation=OrganisationFactory(name="City of Springfield", country="US"))
    unsure = UserFactory(email="unsure@syndicat.example")
    ResponseFactory(campaign=campaign, respondent=unsure, steps_done=["organisation"], eligibility="needs_review",
                    organisation=OrganisationFactory(name="Syndicat mixte", body_type="other"))
    users = {"respondent": respondent, "new": newcomer, "outsider": outsider, "unsure": unsure}
    return campaign, closed, users, closed_response


def _own_questions(campaign) -> None:
    """A page of the campaign's own questions after the areas: every kind, one asked per area, and one shown on
    a condition of the same page (its condition in words)."""
    from tests.questionnaire.build import pages, question

    plans = pages(campaign, ("plans", "Your plans", 2))["plans"]
    question(plans, "joint", "yes_no", "Joint procurement?", required=True)
    question(plans, "partners", "short_text", "With whom?", relevant="${joint} = 'yes'", required=True)
    question(plans, "budget", "number", "Budget", unit="EUR", help_text="An estimate.", required=True)
    question(plans, "range", "one_choice", "Budget range", choices=["small", "large"], as_list=True, required=True)
    question(plans, "topics", "several_choices", "Topics", choices=["buses", "trucks"], min_choices=1, required=True)
    question(plans, "ready", "scale", "Readiness", low_label="Low", high_label="High", required=True)
    question(plans, "tender", "date", "Next tender", per_area=True, required=True)
    question(plans, "notes", "long_text", "Notes")
    question(plans, "colleague", "email", "A colleague")
    question(plans, "site", "url", "Strategy online")


def test_every_page_is_accessible_and_valid(page, live_server):
    campaign, closed, users, closed_response = _public_buyers()
    _interview_data(campaign, closed_response)
    users |= {"staff": StaffFactory(email="secretariat@bigbuyers.example"), "staff-with-app": staff_with_app()}
    _report_data(campaign)
    community_users, community_ids = _community_data(campaign)
    users.update(community_users)
    formation_ids = _formation_data()

    visits = pages(campaign.slug, closed.slug) + community_pages(community_ids) + formation_pages(formation_ids)
    check_pages(page, visits + staff_pages(campaign.pk), users, live_server)


def _report_data(campaign) -> None:
    """Submitted answers, so that the dashboard and the report draw their charts."""
    from surveys.models import AreaChallenge, PlannedPurchase

    for n, country in enumerate(["DE", "DE", "IT"]):
        response = ResponseFactory(campaign=campaign, status="submitted", submitted_at=timezone.now(),
                                   organisation=OrganisationFactory(name=f"Stadt Nummer {n}", country=country))
        interest(response, "hdev", 2)
        interest(response, "zecs", 1)
        AreaChallenge.objects.create(response=response, area=campaign.areas.get(code="hdev"),
                                     text="Charging capacity at depots")
        PlannedPurchase.objects.create(response=response, description="Electric buses", cpv_code="34144910-0")


def _community_data(campaign):
    """A closed community with one of everything the community pages show, and an open one."""
    from decimal import Decimal

    from communities.models import GuestInvitation, JoinRequest, Registration, TravelClaim
    from tests.factories import (
        CommunityFactory,
        DocumentFactory,
        EventFactory,
        MembershipFactory,
        ReplyFactory,
        ThreadFactory,
    )

    community = CommunityFactory(slug="hdev", name="Heavy-duty electric vehicles", campaign=campaign,
                                 objectives="Joint specifications for electric refuse trucks.")
    open_community = CommunityFactory(slug="social", name="Social procurement", is_open=True)
    people = {name: UserFactory(email=f"{name}@city.example", full_name=name.replace("-", " ").title())
              for name in ("cop-member", "cop-leader", "cop-guest", "cop-visitor", "cop-visitor-member")}
    member = MembershipFactory(community=community, user=people["cop-member"],
                               organisation=OrganisationFactory(name="Stadt Lindenau", country="DE"))
    leader = MembershipFactory(community=community, user=people["cop-leader"], role="leader",
                               organisation=OrganisationFactory(name="Ville de Montclair", country="FR"))
    MembershipFactory(community=community, user=people["cop-visitor-member"],
                      organisation=OrganisationFactory(name="Stadt Seeufer", country="CH"))
    thread = ThreadFactory(community=community, author=people["cop-member"], body="First line\nSecond <b>line</b>")
    reply = ReplyFactory(thread=thread, author=people["cop-member"])
    DocumentFactory(community=community, uploaded_by=people["cop-member"])
    DocumentFactory(community=community, uploaded_by=people["cop-member"], classification="public")
    event = EventFactory(community=community, created_by=people["cop-leader"], capacity=1,
                         kind="market_dialogue", place="Brussels", in_person=True)
    Registration.objects.create(event=event, user=people["cop-member"], status="registered")
    Registration.objects.create(event=event, user=people["cop-leader"], status="waiting")
    GuestInvitation.objects.create(event=event, user=people["cop-guest"], invited_by=people["cop-leader"],
                                   organisation_name="GreenBus")
    past = EventFactory(community=community, created_by=people["cop-leader"], kind="study_visit", in_person=True,
                        place="Lindenau depot", starts_at=timezone.now() - dt.timedelta(days=1))
    for person in ("cop-member", "cop-leader", "cop-visitor-member"):
        Registration.objects.create(event=past, user=people[person], status="registered")
    claim = TravelClaim.objects.create(event=past, membership=member, travel=Decimal("120.50"))
    join_request = JoinRequest.objects.create(community=community, user=UserFactory(email="asking@city.example"),
                                              organisation_name="Comune di Valdoro", message="We plan a tender.")
    activity = community.activities.create(title="Market dialogue", starts_on=dt.date(2027, 3, 1))
    del leader
    return people, {"slug": community.slug, "open_slug": open_community.slug, "thread": thread.pk,
                    "reply": reply.pk, "event": event.pk, "past": past.pk, "claim": claim.pk,
                    "join_request": join_request.pk, "activity": activity.pk}


def _formation_data() -> dict[str, object]:
    """A published matching with one body that has a pending and an accepted offer, one whose only offer is
    declined, and an Observer Group subscription."""
    from django.db import transaction

    from groups.models import GroupOffer, ObserverSubscription
    from groups.services import formation
    from tests.factories import StaffFactory, submitted_body

    campaign = CampaignFactory(slug="formation")
    keen = submitted_body(campaign, {"hdev": 2, "zecs": 2}, name="Gemeinde Auental")
    declining = submitted_body(campaign, {"hdev": 1}, name="Commune de Valbois")
    run = formation.create_run(campaign, by=StaffFactory(), groups=2, min_size=1, max_size=4)
    with transaction.atomic():
        formation.queue_run(run)  # solved after the commit (tasks are eager in tests)
    run.refresh_from_db()
    formation.publish_run(run, by=None)
    accepted, _pending = GroupOffer.objects.filter(response=keen).order_by("group__area__position")
    formation.accept_offer(accepted, role="buyer", by=None)
    (declined,) = GroupOffer.objects.filter(response=declining)
    formation.decline_offer(declined, by=None)
    subscription = ObserverSubscription.objects.create(email="observer@example.org")
    return {
        "offer_token": formation.offer_token(keen, keen.respondents.get().user),
        "declined_token": formation.offer_token(declining, declining.respondents.get().user),
        "accepted_offer": accepted.pk, "declined_offer": declined.pk,
        "confirm_token": formation.observer_confirm_url(subscription).rsplit("/", 2)[-2],
        "unsubscribe_token": subscription.token,
    }


@pytest.mark.parametrize("page", ["fr-FR", "de-DE"], indirect=True)
def test_the_public_buyers_pages_are_accessible_and_valid_in_french_and_german(page, live_server):
    """Translations carry markup (links inside sentences) and longer words: the same checks in each language."""
    campaign, closed, users, _closed_response = _public_buyers()
    language = page.evaluate("navigator.language")[:2]

    def in_the_language(visit, answer):
        assert page.locator("html").get_attribute("lang") == language, visit

    check_pages(page, pages(campaign.slug, closed.slug), users, live_server, after=in_the_language)
