"""Pages of the communities with the test client: what they show, what they refuse, and their query counts."""

from __future__ import annotations

import datetime as dt
import html
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bigbuyers.outbox import render_email
from communities.models import Document, GuestInvitation, Membership, Registration, Thread, TravelClaim
from communities.services.discussions import moderate_thread
from communities.services.events import invite_guest
from communities.services.membership import request_to_join
from tests.factories import (
    PDF_BYTES,
    CampaignFactory,
    CommunityFactory,
    DocumentFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    ReplyFactory,
    StaffFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):  # type: ignore[no-untyped-def]
    membership = MembershipFactory(community=CommunityFactory(slug="hdev"), user=UserFactory(email="m@city.example"))
    client.force_login(membership.user)
    return membership


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url)
    assert answer.status_code == 200, answer.status_code
    return len(captured)


# Each list page, with a function that adds one more row of what it lists.
def _add_thread(m: Membership) -> None:
    ReplyFactory(thread=ThreadFactory(community=m.community, author=UserFactory()), author=UserFactory())


def _add_reply(m: Membership) -> None:
    thread = Thread.objects.filter(community=m.community).first() or ThreadFactory(community=m.community, pk=4242)
    ReplyFactory(thread=thread, author=UserFactory())


def _add_document(m: Membership) -> None:
    DocumentFactory(community=m.community, uploaded_by=UserFactory(), classification="public")


def _add_event(m: Membership) -> None:
    event = EventFactory(community=m.community, created_by=UserFactory(), capacity=5)
    Registration.objects.create(event=event, user=UserFactory(), status="registered")
    Registration.objects.create(event=event, user=m.user, status="waiting")


def _add_member(m: Membership) -> None:
    MembershipFactory(community=m.community, organisation=OrganisationFactory())


def _add_community(m: Membership) -> None:
    other = MembershipFactory(user=m.user).community
    ThreadFactory(community=other)
    DocumentFactory(community=other)


def _add_claim(m: Membership) -> None:
    event = EventFactory(community=m.community, in_person=True, place="Brussels", kind="study_visit")
    TravelClaim.objects.create(event=event, membership=m, travel=Decimal("10"))


def _add_request(m: Membership) -> None:
    from communities.models import JoinRequest

    JoinRequest.objects.create(community=m.community, user=UserFactory(), message="Please")


LIST_PAGES = [
    ("mine", lambda m: reverse("communities:mine"), _add_community),
    ("directory", lambda m: reverse("communities:directory"), _add_community),
    ("public documents", lambda m: reverse("communities:public_documents"), _add_document),
    ("threads", lambda m: reverse("communities:threads", args=[m.community.slug]), _add_thread),
    ("thread", lambda m: reverse("communities:thread", args=[m.community.slug, 4242]), _add_reply),
    ("documents", lambda m: reverse("communities:documents", args=[m.community.slug]), _add_document),
    ("events", lambda m: reverse("communities:events", args=[m.community.slug]), _add_event),
    ("members", lambda m: reverse("communities:members", args=[m.community.slug]), _add_member),
    ("claims", lambda m: reverse("communities:claims", args=[m.community.slug]), _add_claim),
    ("join requests", lambda m: reverse("communities:join_requests", args=[m.community.slug]), _add_request),
]


@pytest.mark.parametrize(("name", "url", "add"), LIST_PAGES, ids=[p[0] for p in LIST_PAGES])
def test_list_pages_do_the_same_number_of_queries_for_one_row_and_for_many(client, member, name, url, add):
    member.role = "leader"
    member.save()
    ThreadFactory(community=member.community, pk=4242, author=UserFactory())
    add(member)
    one = _queries(client, url(member))
    for _ in range(12):
        add(member)
    many = _queries(client, url(member))
    assert many == one, f"{name}: {one} queries with one row, {many} with 13"
    assert one <= 12, f"{name}: {one} queries"


def test_event_page_queries_do_not_grow_with_registrations(client, member):
    member.role = "leader"
    member.save()
    event = EventFactory(community=member.community, capacity=100)
    url = reverse("communities:event", args=[member.community.slug, event.pk])
    Registration.objects.create(event=event, user=UserFactory(), status="registered")
    one = _queries(client, url)
    for _ in range(15):
        Registration.objects.create(event=event, user=UserFactory(), status="registered")
    assert _queries(client, url) == one


def test_my_communities_shows_what_is_new_since_the_last_visit(client, member):
    ThreadFactory(community=member.community, title="Before")
    client.get(reverse("communities:overview", args=[member.community.slug]))  # the visit
    member.refresh_from_db()
    assert member.last_visit_at is not None
    page = client.get(reverse("communities:mine")).content.decode()
    assert "Nothing new since your last visit." in page
    thread = ThreadFactory(community=member.community, title="After")
    ReplyFactory(thread=thread)
    ReplyFactory(thread=thread)
    DocumentFactory(community=member.community)
    ThreadFactory(community=member.community, author=member.user, title="My own")
    page = client.get(reverse("communities:mine")).content.decode()
    assert "1 new thread" in page and "2 new replies" in page and "1 new document" in page, "one's own posts are not news"


def test_leader_posts_a_thread_member_replies_and_only_the_author_edits(client, member):
    leader = MembershipFactory(community=member.community, role="leader").user
    client.force_login(leader)
    answer = client.post(reverse("communities:thread_create", args=["hdev"]), {"title": "Joint tender", "body": "Who is in?"})
    thread = Thread.objects.get(title="Joint tender")
    assert answer["Location"] == reverse("communities:thread", args=["hdev", thread.pk])
    client.force_login(member.user)
    answer = client.post(reverse("communities:reply_create", args=["hdev", thread.pk]), {"body": "We are <b>in</b>."})
    assert answer.status_code == 302 and "#reply-" in answer["Location"]
    page = client.get(reverse("communities:thread", args=["hdev", thread.pk])).content.decode()
    assert "We are &lt;b&gt;in&lt;/b&gt;." in page, "messages are shown as typed, escaped"
    assert client.get(reverse("communities:thread_edit", args=["hdev", thread.pk])).status_code == 403
    assert client.post(reverse("communities:reply_create", args=["hdev", thread.pk]), {"body": ""}).status_code == 400


def test_hidden_thread_disappears_for_members_but_not_for_leaders(client, member):
    thread = ThreadFactory(community=member.community, title="Off topic")
    moderate_thread(thread, action="hide")
    assert client.get(reverse("communities:thread", args=["hdev", thread.pk])).status_code == 404
    assert b"Off topic" not in client.get(reverse("communities:threads", args=["hdev"])).content
    member.role = "leader"
    member.save()
    assert client.get(reverse("communities:thread", args=["hdev", thread.pk])).status_code == 200


def test_upload_refuses_a_disguised_file_with_an_error_summary(client, member):
    fake = SimpleUploadedFile("minutes.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    answer = client.post(reverse("communities:document_upload", args=["hdev"]),
                         {"title": "Minutes", "file": fake, "classification": "confidential"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "There is a problem" in page and "The content of the file is not a .pdf file" in page
    assert not Document.objects.exists()
    good = SimpleUploadedFile("minutes.pdf", PDF_BYTES, content_type="text/html")
    answer = client.post(reverse("communities:document_upload", args=["hdev"]),
                         {"title": "Minutes", "file": good, "classification": "confidential"})
    assert answer.status_code == 302
    assert Document.objects.get().content_type == "application/pdf", "the browser's type is not trusted"


def test_upload_too_large_is_refused(client, member, settings):
    settings.COMMUNITY_UPLOAD_MAX_BYTES = 10
    big = SimpleUploadedFile("minutes.pdf", PDF_BYTES)
    answer = client.post(reverse("communities:document_upload", args=["hdev"]),
                         {"title": "Minutes", "file": big, "classification": "public"})
    assert answer.status_code == 400 and "The file is too large" in answer.content.decode()


def test_calendar_file_has_the_event_in_its_own_time_zone(client, member):
    starts = dt.datetime(2027, 5, 4, 10, 0, tzinfo=timezone.get_default_timezone())
    event = EventFactory(community=member.community, title="Study visit to Lindenau", time_zone="Europe/Helsinki",
                         starts_at=starts, place="Lindenau bus depot", in_person=True, kind="study_visit")
    answer = client.get(reverse("communities:event_ics", args=["hdev", event.pk]))
    assert answer["Content-Type"].startswith("text/calendar")
    assert answer["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    calendar = Calendar.from_ical(answer.content)
    entry = calendar.walk("VEVENT")[0]
    assert str(entry["summary"]) == "Study visit to Lindenau" and str(entry["location"]) == "Lindenau bus depot"
    assert entry.decoded("dtstart") == starts and str(entry.decoded("dtstart").tzinfo) == "Europe/Helsinki"
    assert calendar.walk("VTIMEZONE"), "the zone is described for calendars that do not know it"


def test_event_form_reads_times_in_the_events_zone(client, member):
    member.role = "core"
    member.save()
    answer = client.post(reverse("communities:event_create", args=["hdev"]), {
        "kind": "market_dialogue", "title": "Market dialogue on e-trucks", "description": "",
        "time_zone": "America/New_York", "starts_at": "2027-06-01T09:00", "ends_at": "2027-06-01T11:00",
        "online_link": "https://meet.example/dialogue", "capacity": "30",
    })
    assert answer.status_code == 302, answer.content.decode()[:2000]
    event = member.community.events.get()
    assert event.starts_at == dt.datetime(2027, 6, 1, 13, 0, tzinfo=dt.UTC)
    bad = client.post(reverse("communities:event_create", args=["hdev"]), {
        "kind": "online_meeting", "title": "x", "time_zone": "Europe/Brussels", "starts_at": "2027-06-01T09:00",
        "ends_at": "2027-06-01T08:00", "in_person": "on",
    })
    assert bad.status_code == 400 and "The end must be after the start." in bad.content.decode()


def test_member_claims_travel_with_a_receipt_and_sees_it(client, member):
    community = member.community
    community.campaign = CampaignFactory()
    community.save()
    member.organisation = OrganisationFactory(country="IT")
    member.save()
    event = EventFactory(community=community, kind="in_person_meeting", in_person=True, place="Rome",
                         starts_at=timezone.now() - dt.timedelta(hours=3))
    Registration.objects.create(event=event, user=member.user, status="registered")
    receipt = SimpleUploadedFile("train.pdf", PDF_BYTES)
    answer = client.post(reverse("communities:claim_create", args=["hdev", event.pk]), {
        "travel": "120.40", "accommodation": "0", "subsistence": "15", "other": "0", "notes": "", "receipt_1": receipt,
    })
    claim = TravelClaim.objects.get()
    assert answer["Location"] == reverse("communities:claim", args=["hdev", claim.pk])
    assert claim.total == Decimal("135.40")
    page = client.get(answer["Location"]).content.decode()
    assert "€135.40" in page and "train.pdf" in page
    download = client.get(reverse("communities:receipt_download", args=["hdev", claim.pk, claim.receipts.get().pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES and download["X-Content-Type-Options"] == "nosniff"


def test_claim_form_refuses_a_member_whose_country_is_not_reimbursed(client, member):
    community = member.community
    community.campaign = CampaignFactory(reimbursed_country_groups=["EU"])
    community.save()
    member.organisation = OrganisationFactory(country="NO")
    member.save()
    event = EventFactory(community=community, in_person=True, place="Oslo", kind="study_visit",
                         starts_at=timezone.now() - dt.timedelta(hours=3))
    Registration.objects.create(event=event, user=member.user, status="registered")
    answer = client.post(reverse("communities:claim_create", args=["hdev", event.pk]), {"travel": "10"})
    assert answer.status_code == 403 and "Travel is not reimbursed for organisations from Norway" in answer.content.decode()
    assert not TravelClaim.objects.exists()


def test_leader_decides_a_join_request_with_a_message(client, member, django_capture_on_commit_callbacks):
    member.role = "leader"
    member.save()
    person = UserFactory(email="asking@city.example")
    join_request = request_to_join(member.community, person, message="Please")
    url = reverse("communities:join_request_decide", args=["hdev", join_request.pk])
    assert client.post(url, {"decision": "decline", "message": ""}).status_code == 400, "a decline needs a reason"
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, {"decision": "decline", "message": "Only buyers of buses."})
    assert answer.status_code == 302
    assert mail.outbox[-1].to == [person.email] and "Only buyers of buses." in mail.outbox[-1].body


def test_closed_community_join_page_sends_a_request(client):
    community = CommunityFactory(slug="cc", entry_requirements="Plan a circular construction tender.")
    MembershipFactory(community=community, role="leader", user=UserFactory(email="lead@city.example"))
    client.force_login(UserFactory())
    page = client.get(reverse("communities:join", args=["cc"])).content.decode()
    assert "Plan a circular construction tender." in page
    answer = client.post(reverse("communities:join", args=["cc"]), {"organisation_name": "Lindenau", "message": "We plan one."})
    assert answer.status_code == 302
    assert "waiting for a decision" in client.get(reverse("communities:join", args=["cc"])).content.decode()


def test_guest_registers_for_their_event_through_the_invitation(client, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_guest(event, email="sales@greenbus.example", by=UserFactory())
    client.force_login(invitation.user)
    url = reverse("communities:event", args=[event.community.slug, event.pk])
    assert client.post(reverse("communities:event_register", args=[event.community.slug, event.pk])).status_code == 302
    registration = Registration.objects.get(event=event, user=invitation.user)
    assert registration.is_guest and registration.status == "registered"
    page = client.get(url).content.decode()
    assert "You are registered." in page and "Sections of" not in page
    mine = client.get(reverse("communities:mine")).content.decode()
    assert event.title in mine and "you are registered" in mine
    assert GuestInvitation.objects.count() == 1


# -- the admin --------------------------------------------------------------------------------------------

def _claim() -> TravelClaim:
    community = CommunityFactory()
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(country="DE"))
    event = EventFactory(community=community, in_person=True, place="Berlin", kind="study_visit")
    return TravelClaim.objects.create(event=event, membership=membership, travel=Decimal("99.90"))


def test_admin_claim_status_action_asks_for_a_reason_first(client, django_capture_on_commit_callbacks):
    claim = _claim()
    client.force_login(StaffFactory())
    url = reverse("admin:communities_travelclaim_changelist")
    page = client.post(url, {"action": "approve", "_selected_action": [claim.pk]})
    assert page.status_code == 200 and "Reason" in page.content.decode()
    claim.refresh_from_db()
    assert claim.status == "submitted"
    empty = client.post(url, {"action": "approve", "_selected_action": [claim.pk], "apply": "1", "reason": ""})
    assert empty.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"action": "approve", "_selected_action": [claim.pk], "apply": "1",
                                 "reason": "Receipts complete."})
    assert done.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.status_reason == "Receipts complete."
    assert "Receipts complete." in mail.outbox[-1].body


def test_admin_exports_claims_as_csv_for_finance(client):
    claim = _claim()
    client.force_login(StaffFactory())
    answer = client.post(reverse("admin:communities_travelclaim_changelist"),
                         {"action": "export_csv", "_selected_action": [claim.pk]})
    body = b"".join(answer.streaming_content).decode()
    assert answer["Content-Type"].startswith("text/csv") and "attachment" in answer["Content-Disposition"]
    lines = body.strip().splitlines()
    assert lines[0].startswith("claim,status,") and ",99.90," in lines[1]


@pytest.mark.parametrize("model", ["community", "membership", "joinrequest", "event", "thread", "document", "travelclaim"])
def test_admin_pages_open(client, model):
    claim = _claim()
    DocumentFactory(community=claim.event.community)
    ThreadFactory(community=claim.event.community)
    client.force_login(StaffFactory())
    assert client.get(reverse(f"admin:communities_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:communities_{model}_add")).status_code in (200, 403)


def test_admin_change_pages_open(client):
    claim = _claim()
    client.force_login(StaffFactory())
    for name, pk in [("community", claim.event.community.pk), ("event", claim.event.pk), ("travelclaim", claim.pk)]:
        assert client.get(reverse(f"admin:communities_{name}_change", args=[pk])).status_code == 200, name


def test_document_files_are_not_under_a_public_url(client, settings):
    document = DocumentFactory()
    client.force_login(StaffFactory())
    for path in (document.file.url, "/media/" + document.file.name, "/private/" + document.file.name):
        assert client.get(path).status_code == 404, path
    assert str(settings.MEDIA_ROOT / "private") in document.file.path
    assert io.BytesIO(document.file.read()).getvalue() == PDF_BYTES


def test_long_lists_of_discussions_and_documents_come_a_page_at_a_time(client, member):
    community = member.community
    author = UserFactory()
    threads = ThreadFactory.create_batch(27, community=community, author=author)
    DocumentFactory.create_batch(26, community=community, uploaded_by=author, classification="public")
    for url, rows in ((reverse("communities:threads", args=[community.slug]), 'class="card mb-2"'),
                      (reverse("communities:documents", args=[community.slug]), "<tr>\n      <td>"),
                      (reverse("communities:public_documents"), "<tr>\n      <td>")):
        first = client.get(url).content.decode()
        assert first.count(rows) == 25 and "Page 1 of 2" in first and 'href="?page=2" rel="next"' in first
        second = client.get(url + "?page=2").content.decode()
        assert 1 <= second.count(rows) <= 2 and "Page 2 of 2" in second and 'href="?page=1" rel="prev"' in second
        assert "Page 1 of 2" in client.get(url + "?page=oops").content.decode()
        assert "Page 2 of 2" in client.get(url + "?page=99").content.decode()
    # The most recently active thread is on the first page.
    Thread.objects.filter(pk=threads[0].pk).update(last_activity_at=timezone.now() + dt.timedelta(hours=1))
    first = client.get(reverse("communities:threads", args=[community.slug])).content.decode()
    assert first.index(f">{threads[0].title}</a>") < first.index('class="card mb-2"', first.index('class="card mb-2"') + 1)


# What a French or German member reads: event registration, amounts, e-mail links.
def test_the_german_event_page_says_registered_for_this_event_not_signed_in(client, member):
    event = EventFactory(community=member.community, starts_at=timezone.now() + dt.timedelta(days=5))
    url = reverse("communities:event", args=["hdev", event.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Sie sind nicht für diese Veranstaltung angemeldet." in page
    assert "Sie sind nicht angemeldet." not in page  # reads as "you are not signed in"
    Registration.objects.create(event=event, user=member.user, status="registered")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Sie sind für diese Veranstaltung angemeldet." in page


def test_a_claim_shows_its_amounts_as_french_writes_them(client, member):
    member.community.campaign = CampaignFactory()
    member.community.save()
    event = EventFactory(community=member.community, in_person=True, place="Rome",
                         starts_at=timezone.now() - dt.timedelta(hours=3))
    claim = TravelClaim.objects.create(event=event, membership=member, travel=Decimal("120.40"),
                                       accommodation=Decimal("0"), subsistence=Decimal("15"), other=Decimal("0"),
                                       status="rejected", status_reason="Pas de justificatif")
    url = reverse("communities:claim", args=["hdev", claim.pk])
    french = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert "135,40\xa0€" in french and "€135" not in french
    assert "Rejetée\xa0: Pas de justificatif" in french
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "€135.40" in english and "Rejected: Pas de justificatif" in english
    listing = html.unescape(client.get(reverse("communities:claims", args=["hdev"]), HTTP_ACCEPT_LANGUAGE="de")
                            .content.decode())
    assert "135,40\xa0€" in listing


def test_the_link_of_a_plain_text_e_mail_is_introduced_as_french_punctuates(member):
    context = {"community": member.community, "author": member.user, "body": "Bonjour", "url": "https://x.example/t/1",
               "thread": {"title": "T"}}
    _, french, _ = render_email("community_new_message", context, language="fr")
    _, english, _ = render_email("community_new_message", context, language="en")
    assert "Lire et répondre\xa0:\nhttps://x.example/t/1" in french
    assert "Read and reply:\nhttps://x.example/t/1" in english
