"""Publishing a run: working groups, offers, one e-mail per respondent, Observer Group invitations, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bigbuyers.models import OutgoingEmail
from groups.models import GroupOffer, GroupStatus, MatchingRun, OfferStatus, WorkingGroup
from groups.services import formation as services
from surveys.models import Respondent
from tests.factories import AREAS, CampaignFactory, StaffFactory, UserFactory, submitted_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():  # type: ignore[no-untyped-def]
    return CampaignFactory(areas=AREAS, expected_groups=2, name="Big Buyers Working Together")


@pytest.fixture
def solved(campaign, staff, committed):  # type: ignore[no-untyped-def]
    """Two groups of two: HDEV (Lindenau, Montclair with a colleague) and ZECS; Valdoro is not placed."""
    bodies = {
        "lindenau": submitted_body(campaign, {"hdev": 2, "zecs": 1}, email="anna@lindenau.example"),
        "montclair": submitted_body(campaign, {"hdev": 2}, email="eva@montclair.example"),
        "seeufer": submitted_body(campaign, {"zecs": 2}, email="urs@seeufer.example"),
        "oberfeld": submitted_body(campaign, {"zecs": 1}, email="jan@oberfeld.example"),
        "valdoro": submitted_body(campaign, {"cc": 2}, email="lucia@valdoro.example"),
    }
    montclair = bodies["montclair"]
    Respondent.objects.create(response=montclair, user=UserFactory(email="paul@montclair.example"), campaign=campaign)
    run = services.create_run(campaign, by=staff, groups=2, min_size=2, max_size=3, max_groups_per_body=1)
    with committed():
        services.queue_run(run)
    run.refresh_from_db()
    return run, bodies


def test_publishing_creates_the_groups_and_an_offer_per_placed_body(solved, staff, committed):
    run, bodies = solved
    with committed():
        groups = services.publish_run(run, by=staff)
    run.refresh_from_db()
    assert run.is_published and run.published_by == staff
    assert sorted(g.area.code for g in groups) == ["hdev", "zecs"]
    for group in groups:
        assert (group.status, group.min_size, group.max_size, group.run_id) == (GroupStatus.PROPOSED, 2, 3, run.pk)
    offers = {(o.response_id, o.group.area.code) for o in GroupOffer.objects.select_related("group__area")}
    assert offers == {(bodies["lindenau"].pk, "hdev"), (bodies["montclair"].pk, "hdev"),
                      (bodies["seeufer"].pk, "zecs"), (bodies["oberfeld"].pk, "zecs")}
    offer = GroupOffer.objects.get(response=bodies["lindenau"])
    assert offer.status == OfferStatus.PENDING and "Heavy-duty electric vehicles" in offer.explanation
    assert offer.expires_at == run.published_at + dt.timedelta(days=21)


def test_every_respondent_of_a_placed_body_gets_one_offer_e_mail_and_the_unplaced_an_observer_invitation(
        solved, staff, committed):
    run, _bodies = solved
    with committed():
        services.publish_run(run, by=staff)
    by_person = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_person) == ["anna@lindenau.example", "eva@montclair.example", "jan@oberfeld.example",
                                 "lucia@valdoro.example", "paul@montclair.example", "urs@seeufer.example"]
    assert len(mail.outbox) == 6
    offer = by_person["eva@montclair.example"]
    assert offer.subject == "A place in a Big Buyers group for your organisation – Big Buyers Working Together"
    assert "Heavy-duty electric vehicles" in offer.body and "/offers/" in offer.body
    assert "/offers/" in offer.alternatives[0][0]
    # Each person gets their own link (it names them: the answer records who gave it).
    assert services.access_for_token(_token(offer.body)).user.email == "eva@montclair.example"
    assert services.access_for_token(_token(by_person["paul@montclair.example"].body)).user.email == \
        "paul@montclair.example"
    invitation = by_person["lucia@valdoro.example"]
    assert "Observer Group" in invitation.body and "/observers/?invite=" in invitation.body
    assert "/offers/" not in invitation.body


def test_publishing_twice_creates_and_sends_nothing_more(solved, staff, committed):
    run, _bodies = solved
    with committed():
        services.publish_run(run, by=staff)
    sent, offers = len(mail.outbox), GroupOffer.objects.count()
    with committed():
        services.publish_run(run, by=StaffFactory())
        assert services.send_offer_emails(run) == 0
    assert len(mail.outbox) == sent and GroupOffer.objects.count() == offers
    assert WorkingGroup.objects.count() == 2 and OutgoingEmail.objects.count() == sent
    run.refresh_from_db()
    assert run.published_by == staff


def test_a_second_run_of_the_same_campaign_cannot_be_published(solved, campaign, staff, committed):
    run, _bodies = solved
    with committed():
        services.publish_run(run, by=staff)
        other = services.copy_run(run, by=staff)
        services.queue_run(other)
    other.refresh_from_db()
    with pytest.raises(services.CannotPublish):
        services.publish_run(other, by=staff)
    assert WorkingGroup.objects.count() == 2


def test_a_draft_run_cannot_be_published(campaign, staff):
    with pytest.raises(services.CannotPublish):
        services.publish_run(services.create_run(campaign, by=staff), by=staff)


@pytest.mark.parametrize(("status", "solver_status", "other_published", "publishable"), [
    ("draft", "", False, False),
    ("running", "", False, False),
    ("failed", "", False, False),
    ("done", "infeasible", False, False),
    ("done", "unknown", False, False),
    ("done", "optimal", False, True),
    ("done", "feasible", False, True),
    ("done", "optimal", True, False),
])
def test_the_admin_offers_to_publish_exactly_the_runs_publish_run_accepts(
        staff_client, campaign, staff, status, solver_status, other_published, publishable):
    """One rule (services.can_publish) for the admin's button and page and for the service itself."""
    if other_published:
        MatchingRun.objects.create(campaign=campaign, groups=1, status="done", solver_status="optimal",
                                   published_at=timezone.now())
    run = MatchingRun.objects.create(campaign=campaign, groups=1, status=status, solver_status=solver_status)
    assert services.can_publish(run) is publishable

    page = staff_client.get(reverse("admin:groups_matchingrun_change", args=[run.pk])).content.decode()
    assert (reverse("admin:groups_matchingrun_publish", args=[run.pk]) in page) is publishable
    assert staff_client.get(reverse("admin:groups_matchingrun_publish", args=[run.pk])).status_code == (
        200 if publishable else 302)  # the confirmation page, or back to the run with a warning

    if publishable:
        services.publish_run(run, by=staff)
        run.refresh_from_db()
        assert run.is_published and not services.can_publish(run)
    else:
        with pytest.raises(services.CannotPublish):
            services.publish_run(run, by=staff)


def test_offer_e_mails_missed_by_the_broker_are_sent_by_a_second_call_only_once(solved, staff):
    run, _bodies = solved
    services.publish_run(run, by=staff)  # no commit: the task never ran
    run.refresh_from_db()
    assert services.send_offer_emails(run) == 6
    assert services.send_offer_emails(run) == 0


def test_excluded_bodies_get_no_observer_invitation(campaign, staff, committed):
    bodies = [submitted_body(campaign, {"hdev": 2}) for _ in range(2)]
    excluded = submitted_body(campaign, {"hdev": 2}, email="left@out.example")
    run = services.create_run(campaign, by=staff, groups=1, min_size=1, exclusions=[excluded])
    with committed():
        services.queue_run(run)
    run.refresh_from_db()
    with committed():
        services.publish_run(run, by=staff)
    assert "left@out.example" not in {m.to[0] for m in mail.outbox}
    assert len(mail.outbox) == len(bodies)


def _token(body: str) -> str:
    import re

    return re.search(r"/offers/([^/\s]+)/", body).group(1)
