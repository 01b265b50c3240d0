"""What people do in a community, in a browser: discuss, share a document, fill an event, invite a guest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail

from communities.models import Document, Registration
from tests.browser.helpers import flush_outbox, link_in_last_email, sign_in
from tests.factories import PDF_BYTES, CommunityFactory, EventFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _community():
    community = CommunityFactory(slug="hdev", name="Heavy-duty electric vehicles")
    leader = MembershipFactory(community=community, role="leader",
                               user=UserFactory(email="leader@montclair.example", full_name="Claire Dubois")).user
    member = MembershipFactory(community=community,
                               user=UserFactory(email="member@lindenau.example", full_name="Anna Keller")).user
    return community, leader, member


def _as(page, user, live_server) -> None:
    page.context.clear_cookies()
    sign_in(page.context, user, live_server)


def test_leader_posts_a_thread_and_a_member_replies(page, live_server):
    community, leader, member = _community()
    _as(page, leader, live_server)
    page.goto("/communities/mine/")
    page.get_by_role("link", name=community.name).click()
    page.get_by_role("link", name="Discussions").click()
    page.get_by_role("link", name="Start a discussion").click()
    page.get_by_label("Title").fill("Joint tender for electric refuse trucks")
    page.get_by_label("Message").fill("Who would join a joint tender in 2027?")
    page.get_by_role("button", name="Post the thread").click()
    page.get_by_role("heading", name="Joint tender for electric refuse trucks").wait_for()

    _as(page, member, live_server)
    page.goto("/communities/mine/")
    assert page.get_by_text("1 new thread").is_visible()
    page.goto(f"/communities/{community.slug}/discussions/")
    page.get_by_role("link", name="Joint tender for electric refuse trucks").click()
    page.get_by_label("Your reply").fill("Lindenau is in: 12 trucks.")
    page.get_by_role("button", name="Post the reply").click()
    page.get_by_text("Your reply is posted.").wait_for()
    assert page.locator("article").get_by_text("Lindenau is in: 12 trucks.").is_visible()
    assert page.get_by_text("Anna Keller").first.is_visible()


def test_member_uploads_a_confidential_document_that_an_outsider_cannot_get(page, live_server, tmp_path):
    community, _leader, member = _community()
    pdf = Path(tmp_path) / "Specifications for e-trucks.pdf"
    pdf.write_bytes(PDF_BYTES)
    _as(page, member, live_server)
    page.goto(f"/communities/{community.slug}/documents/")
    page.get_by_role("link", name="Upload a document").click()
    page.get_by_label("Title").fill("Draft specifications")
    page.get_by_label("File").set_input_files(str(pdf))
    assert page.get_by_label("Confidential: members of this community only").is_checked()
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("The document is uploaded.").wait_for()
    href = page.get_by_role("link", name="Download Draft specifications").get_attribute("href")
    assert href and Document.objects.get().classification == "confidential"
    member_copy = page.request.get(href)
    assert member_copy.status == 200 and member_copy.body() == PDF_BYTES

    _as(page, UserFactory(email="outsider@elsewhere.example"), live_server)
    answer = page.goto(href)
    assert answer is not None and answer.status == 404
    assert page.request.get(href).status == 404
    answer = page.goto(f"/communities/{community.slug}/documents/")
    assert answer is not None and answer.status == 404


def test_full_event_waiting_list_cancellation_promotes_and_emails(page, live_server):
    community, leader, member = _community()
    waiting = MembershipFactory(community=community, user=UserFactory(email="waiting@valdoro.example")).user
    event = EventFactory(community=community, title="Market dialogue on e-trucks", capacity=1, created_by=leader)
    url = f"/communities/{community.slug}/events/{event.pk}/"

    _as(page, member, live_server)
    page.goto(url)
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You are registered.", exact=True).wait_for()
    assert page.get_by_text("1 of 1 places taken").is_visible()

    _as(page, waiting, live_server)
    page.goto(url)
    page.get_by_role("button", name="Join the waiting list").click()
    page.get_by_text("You are on the waiting list. We will e-mail you if a place frees up.", exact=True).wait_for()

    _as(page, member, live_server)
    page.goto(url)
    page.get_by_role("button", name="Cancel my registration").click()
    page.get_by_text("Your registration is cancelled.").wait_for()
    flush_outbox()

    assert Registration.objects.get(event=event, user=waiting).status == "registered"
    promoted = [m for m in mail.outbox if m.to == [waiting.email]]
    assert len(promoted) == 1 and "A place for you at Market dialogue on e-trucks" in promoted[0].subject
    _as(page, waiting, live_server)
    page.goto(url)
    page.get_by_text("You are registered.", exact=True).wait_for()


def test_guest_invited_by_email_registers_for_their_one_event(page, live_server):
    community, leader, _member = _community()
    event = EventFactory(community=community, title="Producers' pitching session", kind="pitching_session",
                         capacity=20, created_by=leader)
    other = EventFactory(community=community, title="Members' meeting", created_by=leader)
    _as(page, leader, live_server)
    page.goto(f"/communities/{community.slug}/events/{event.pk}/")
    page.get_by_role("link", name="Invite guests").click()
    page.get_by_label("Guest's e-mail address").fill("sales@greenbus.example")
    page.get_by_label("Organisation (supplier or industry association)").fill("GreenBus")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("The invitation is sent.").wait_for()
    flush_outbox()

    page.context.clear_cookies()
    link = link_in_last_email("sales@greenbus.example")
    assert re.search(r"/signin/link/\?token=", link)
    page.goto(link)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Producers' pitching session").wait_for()
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You are registered.", exact=True).wait_for()
    assert page.get_by_role("navigation", name=f"Sections of {community.name}").count() == 0
    registration = Registration.objects.get(event=event, user__email="sales@greenbus.example")
    assert registration.is_guest and registration.status == "registered"

    for path in (f"/communities/{community.slug}/", f"/communities/{community.slug}/events/{other.pk}/",
                 f"/communities/{community.slug}/discussions/", "/communities/"):
        answer = page.goto(path)
        assert answer is not None and answer.status == 404, path
    page.goto("/communities/mine/")
    assert page.get_by_role("link", name="Producers' pitching session").is_visible()
