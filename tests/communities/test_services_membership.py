"""Services of the communities: joining, discussions and their e-mails, uploads, events and claims."""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from bigbuyers.models import OutgoingEmail
from communities.exports import claim_rows
from communities.models import JoinRequest, Membership, Notify, Registration, Reply, TravelClaim
from communities.services.claims import claim_refusal, set_claim_status, submit_claim
from communities.services.common import NotAllowed
from communities.services.discussions import moderate_thread, post_reply, post_thread, send_digest
from communities.services.documents import upload_document
from communities.services.events import cancel_registration, invite_guest, register_for_event, update_event
from communities.services.membership import create_community, decide_join_request, join_open_community, request_to_join
from communities.uploads import check_upload
from tests.factories import (
    PDF_BYTES,
    CampaignFactory,
    CommunityFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    StaffFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# -- communities and joining ------------------------------------------------------------------------------

def test_create_community_for_a_group_is_idempotent_and_adds_members():
    leader, member = UserFactory(), UserFactory()
    first = create_community(name="Heavy-duty electric vehicles", source_group_id=7,
                             members=[(leader, "leader", None)])
    again = create_community(name="Heavy-duty electric vehicles", source_group_id=7,
                             members=[(leader, "member", None), (member, "member", None)])
    assert again.pk == first.pk and first.slug == "heavy-duty-electric-vehicles"
    roles = dict(Membership.objects.filter(community=first).values_list("user__email", "role"))
    assert roles == {leader.email: "leader", member.email: "member"}, "an existing role is kept"


def test_slugs_never_take_the_apps_own_addresses():
    assert create_community(name="Mine").slug == "mine-2"
    assert create_community(name="Mine").slug == "mine-3"


def test_join_request_approved_makes_a_member_and_tells_the_person(committed):
    leader = MembershipFactory(role="leader").user
    community = leader.memberships.get().community
    person = UserFactory(email="eva@westerhaven.example")
    with committed():
        join_request = request_to_join(community, person, message="We buy electric buses.")
        assert request_to_join(community, person, message="again") == join_request, "one request waits"
    assert [m.to for m in mail.outbox] == [[leader.email]]
    with committed():
        assert decide_join_request(join_request, approve=True, by=leader, message="Welcome aboard!")
        assert not decide_join_request(join_request, approve=False, by=leader), "decided once"
    assert Membership.objects.filter(community=community, user=person, role="member").exists()
    decision = mail.outbox[-1]
    assert decision.to == [person.email] and "Welcome aboard!" in decision.body and "approved" in decision.body
    assert len(mail.outbox) == 2


def test_join_request_declined_sends_the_message_and_makes_no_member(committed):
    community = CommunityFactory()
    person = UserFactory()
    with committed():
        join_request = request_to_join(community, person, message="Hello")
    assert mail.outbox[0].to == ["big.buyers@example.eu"], "without a leader the secretariat is asked"
    with committed():
        decide_join_request(join_request, approve=False, by=StaffFactory(), message="Only contracting authorities.")
    join_request.refresh_from_db()
    assert join_request.status == "declined" and join_request.decided_by is not None
    assert not Membership.objects.filter(community=community, user=person).exists()
    assert "Only contracting authorities." in mail.outbox[-1].body and "declined" in mail.outbox[-1].body


def test_open_community_is_joined_at_once_and_closed_one_refuses():
    person = UserFactory()
    assert join_open_community(CommunityFactory(is_open=True), person).role == "member"
    with pytest.raises(NotAllowed):
        join_open_community(CommunityFactory(is_open=False), person)


# -- discussions and their e-mails ------------------------------------------------------------------------

def test_new_thread_and_reply_notify_members_who_want_each_message_once(committed):
    community = CommunityFactory()
    author = MembershipFactory(community=community, notify=Notify.EACH).user
    wants_each = MembershipFactory(community=community, notify=Notify.EACH).user
    MembershipFactory(community=community, notify=Notify.NONE)
    MembershipFactory(community=community, notify=Notify.DAILY)
    with committed():
        thread = post_thread(community, author=author, title="Charging", body="How many chargers?")
        reply = post_reply(thread, author=wants_each, body="One per two buses.")
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted([
        (wants_each.email, f"[{community.name}] Charging"), (author.email, f"[{community.name}] Charging"),
    ])
    keys = set(OutgoingEmail.objects.values_list("key", flat=True))
    assert keys == {f"thread-posted:thread={thread.pk}:user={wants_each.pk}", f"reply-posted:reply={reply.pk}:user={author.pk}"}


def test_locked_or_hidden_threads_take_no_reply():
    thread = ThreadFactory(is_locked=True)
    with pytest.raises(NotAllowed):
        post_reply(thread, author=thread.author, body="Late")
    moderate_thread(thread, action="unlock")
    moderate_thread(thread, action="hide")
    with pytest.raises(NotAllowed):
        post_reply(thread, author=thread.author, body="Hidden")


def test_daily_digest_is_sent_once_per_member_and_day_and_not_for_a_quiet_day(committed):
    community = CommunityFactory()
    subscriber = MembershipFactory(community=community, notify=Notify.DAILY).user
    MembershipFactory(community=community, notify=Notify.EACH)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    at = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(10)))
    ThreadFactory(community=community, title="Joint tender timeline", created_at=at)
    ThreadFactory(community=community, title="Hidden one", created_at=at, is_hidden=True)
    ThreadFactory(community=community, title="Today's thread")  # not yesterday's news
    from communities.tasks import send_daily_digests

    with committed():
        assert send_daily_digests() == 1
        assert send_daily_digests() == 0, "the same day's digest is not sent twice"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [subscriber.email]
    body = mail.outbox[0].body
    assert "Joint tender timeline" in body and "Hidden one" not in body and "Today's thread" not in body
    assert OutgoingEmail.objects.filter(key=f"digest:membership={subscriber.memberships.get().pk}:day={yesterday}").count() == 1
    assert send_digest(community, day=yesterday - dt.timedelta(days=1)) == 0, "a quiet day sends nothing"


# -- documents --------------------------------------------------------------------------------------------

def _office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("report.pdf", PDF_BYTES, "application/pdf"),
    ("Criteria.DOCX", _office("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("budget.xlsx", _office("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("notes.odt", _odt(), "application/vnd.oasis.opendocument.text"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "image/png"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg"),
])
def test_allowed_files_pass_with_the_type_of_their_content(name, content, content_type):
    checked = check_upload(io.BytesIO(content), name=name, size=len(content))
    assert checked.content_type == content_type


@pytest.mark.parametrize(("name", "content", "code"), [
    ("virus.exe", b"MZ\x90\x00", "type"),
    ("page.html", b"<html><script>alert(1)</script>", "type"),
    ("fake.pdf", b"<html><script>alert(1)</script>", "content"),
    ("fake.docx", _office("xl"), "content"),  # a spreadsheet named as a text document
    ("fake.png", PDF_BYTES, "content"),
    ("empty.pdf", b"", "empty"),
])
def test_wrong_type_or_content_is_refused(name, content, code):
    with pytest.raises(ValidationError) as refusal:
        check_upload(io.BytesIO(content), name=name, size=len(content))
    assert refusal.value.code == code


def test_too_large_files_are_refused_before_reading_them(settings):
    settings.COMMUNITY_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refusal:
        check_upload(io.BytesIO(PDF_BYTES), name="big.pdf", size=1025)
    assert refusal.value.code == "too_large" and "1.0\xa0KB" in refusal.value.message


def test_uploaded_document_is_stored_under_an_unguessable_name_with_the_checked_type():
    community = CommunityFactory()
    document = upload_document(community, by=UserFactory(), title="Specs", upload=io.BytesIO(PDF_BYTES),
                               name="../../etc/Our specs.pdf", size=len(PDF_BYTES))
    assert document.original_name == "Our specs.pdf" and document.content_type == "application/pdf"
    assert document.file.name.startswith("documents/") and "specs" not in document.file.name.lower()
    assert len(document.file.name) > 40 and document.file.read() == PDF_BYTES


# -- events -----------------------------------------------------------------------------------------------

def test_full_event_puts_people_on_a_waiting_list_and_a_cancellation_promotes_the_first(committed):
    event = EventFactory(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    with committed():
        assert register_for_event(event, first).status == "registered"
        assert register_for_event(event, second).status == "waiting"
        assert register_for_event(event, third).status == "waiting"
        assert register_for_event(event, second).status == "waiting", "registering twice changes nothing"
        promoted = cancel_registration(event, first)
    assert [r.user for r in promoted] == [second]
    statuses = dict(Registration.objects.filter(event=event).values_list("user__email", "status"))
    assert statuses == {first.email: "cancelled", second.email: "registered", third.email: "waiting"}
    promotion = [m for m in mail.outbox if m.to == [second.email]]
    assert len(promotion) == 1 and "A place for you" in promotion[0].subject
    assert not [m for m in mail.outbox if m.to == [third.email]]


def test_leaving_the_waiting_list_promotes_nobody():
    event = EventFactory(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for person in (first, second, third):
        register_for_event(event, person)
    assert cancel_registration(event, second) == []
    assert Registration.objects.get(event=event, user=third).status == "waiting"


def test_more_places_promote_people_from_the_waiting_list():
    event = EventFactory(capacity=1)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        register_for_event(event, person)
    promoted = update_event(event, values={"capacity": 2})
    assert [r.user for r in promoted] == [people[1]]


def test_a_place_is_reminded_the_day_before_and_a_cancelled_one_is_not(committed):
    from bigbuyers.reminders import send_due_reminders

    event = EventFactory(starts_at=timezone.now() + dt.timedelta(days=5))
    person, quitter, waiting = UserFactory(), UserFactory(), UserFactory()
    registration = register_for_event(event, person)
    register_for_event(event, quitter)
    cancel_registration(event, quitter)
    assert send_due_reminders(now=event.starts_at - dt.timedelta(days=2)) == 0, "not due yet"
    with committed():
        assert send_due_reminders(now=event.starts_at - dt.timedelta(hours=23)) == 1
        assert send_due_reminders(now=event.starts_at - dt.timedelta(hours=22)) == 0, "sent once"
    reminder = OutgoingEmail.objects.get(key__startswith="event-reminder:")
    assert reminder.key.startswith(f"event-reminder:registration={registration.pk}:")
    assert reminder.to == person.email and "Reminder" in reminder.subject
    assert waiting.email not in {m.to[0] for m in mail.outbox}


def test_moving_an_event_moves_its_reminder():
    from bigbuyers.reminders import send_due_reminders

    event = EventFactory(starts_at=timezone.now() + dt.timedelta(days=5))
    register_for_event(event, UserFactory())
    first_start = event.starts_at
    later = event.starts_at + dt.timedelta(days=3)
    update_event(event, values={"starts_at": later, "ends_at": later + dt.timedelta(hours=1)})
    assert send_due_reminders(now=first_start - dt.timedelta(hours=12)) == 0, "the old time is not reminded"
    assert send_due_reminders(now=later - dt.timedelta(hours=12)) == 1
    assert OutgoingEmail.objects.get().key.endswith(f":starts={int(later.timestamp())}")


@pytest.mark.django_db(transaction=True)
def test_two_cancellations_at_the_same_moment_promote_two_different_people_and_never_overfill():
    event = EventFactory(capacity=2)
    registered = [UserFactory(), UserFactory()]
    waiting = [UserFactory(), UserFactory(), UserFactory()]
    for person in registered + waiting:
        register_for_event(event, person)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def cancel(person) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            cancel_registration(event, person)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(person,)) for person in registered]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    statuses = dict(Registration.objects.filter(event=event).values_list("user__email", "status"))
    assert [statuses[p.email] for p in waiting] == ["registered", "registered", "waiting"]
    assert Registration.objects.filter(event=event, status="registered").count() == 2
    promotions = OutgoingEmail.objects.filter(key__startswith="event-promoted:")
    assert sorted(promotions.values_list("to", flat=True)) == sorted(p.email for p in waiting[:2])


def test_guest_invitation_creates_an_account_and_sends_a_signin_link_to_the_event(committed):
    event = EventFactory()
    with committed():
        invitation = invite_guest(event, email="Sales@GreenBus.example", by=UserFactory(),
                                  organisation_name="GreenBus")
    assert invitation.user.email == "sales@greenbus.example"
    message = mail.outbox[0]
    assert message.to == ["sales@greenbus.example"] and "/signin/link/?token=" in message.body
    assert f"/communities/{event.community.slug}/events/{event.pk}/" in message.body.replace("%2F", "/")


# -- travel claims ----------------------------------------------------------------------------------------

def _in_person_event(community, **kwargs):  # type: ignore[no-untyped-def]
    return EventFactory(community=community, kind="study_visit", in_person=True, place="Lindenau depot",
                        starts_at=timezone.now() - dt.timedelta(days=1), **kwargs)


@pytest.mark.parametrize(("country", "reimbursed_groups", "allowed"), [
    ("FR", ["EU"], True),
    ("NO", ["EU"], False),  # an EEA country under a policy that reimburses the EU only (2020-21)
    ("NO", ["EU", "EEA"], True),  # 2023: EU and EEA
    ("CH", ["EU", "EEA"], False),  # not eligible, so never reimbursed
])
def test_who_may_claim_follows_the_campaigns_policy(country, reimbursed_groups, allowed):
    campaign = CampaignFactory(eligible_country_groups=["EU", "EEA"], reimbursed_country_groups=reimbursed_groups)
    community = CommunityFactory(campaign=campaign)
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(country=country))
    event = _in_person_event(community)
    Registration.objects.create(event=event, user=membership.user, status="registered")
    refusal = claim_refusal(membership, event)
    assert (refusal is None) == allowed, refusal


def test_claims_need_an_in_person_event_attended_a_policy_and_an_organisation():
    community = CommunityFactory(campaign=CampaignFactory())
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(country="DE"))
    online = EventFactory(community=community, starts_at=timezone.now() - dt.timedelta(days=1))
    assert "in-person" in claim_refusal(membership, online)
    event = _in_person_event(community)
    assert "registered" in claim_refusal(membership, event)
    Registration.objects.create(event=event, user=membership.user, status="registered")
    assert claim_refusal(membership, event) is None
    membership.organisation = None
    assert "organisation" in claim_refusal(membership, event)
    community.campaign = None
    assert "policy" in claim_refusal(membership, event)


def test_claim_with_receipts_then_status_changes_need_a_reason_and_tell_the_member(committed):
    community = CommunityFactory(campaign=CampaignFactory())
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(country="DE"))
    event = _in_person_event(community)
    Registration.objects.create(event=event, user=membership.user, status="registered")
    with committed():
        claim = submit_claim(event, membership=membership,
                             amounts={"travel": Decimal("180.50"), "accommodation": Decimal("95")},
                             receipts=[(io.BytesIO(PDF_BYTES), "train.pdf", len(PDF_BYTES))])
    assert claim.total == Decimal("275.50") and claim.receipts.get().content_type == "application/pdf"
    assert mail.outbox[-1].to == ["big.buyers@example.eu"]
    with pytest.raises(NotAllowed):
        submit_claim(event, membership=membership, amounts={"travel": Decimal("1")})
    staff = StaffFactory()
    with pytest.raises(ValueError):
        set_claim_status(claim, status="approved", reason="  ", by=staff)
    with pytest.raises(ValueError):
        set_claim_status(claim, status="paid", reason="Paid too early", by=staff)
    with committed():
        assert set_claim_status(claim, status="approved", reason="Within the ceilings.", by=staff)
        assert set_claim_status(claim, status="paid", reason="Transfer 2026-118", by=staff)
    claim.refresh_from_db()
    assert claim.status == "paid" and claim.status_reason == "Transfer 2026-118"
    told = [m for m in mail.outbox if m.to == [membership.user.email]]
    assert len(told) == 2 and "Within the ceilings." in told[0].body


def test_a_refused_receipt_leaves_no_claim():
    community = CommunityFactory(campaign=CampaignFactory())
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(country="DE"))
    event = _in_person_event(community)
    Registration.objects.create(event=event, user=membership.user, status="registered")
    with pytest.raises(ValidationError):
        submit_claim(event, membership=membership, amounts={"travel": Decimal("10")},
                     receipts=[(io.BytesIO(b"MZ"), "ticket.exe", 2)])
    assert not TravelClaim.objects.exists()


def test_finance_export_neutralises_formulas():
    community = CommunityFactory(name="=HYPERLINK(\"http://evil\")")
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(name="+Lindenau", country="DE"))
    event = _in_person_event(community, title="@SUM(A1)")
    claim = TravelClaim.objects.create(event=event, membership=membership, travel=Decimal("12.30"),
                                       status="approved", status_reason="-1 day late but fine")
    header, row = list(claim_rows(TravelClaim.objects.all()))
    values = dict(zip(header, row, strict=True))
    assert values["community"].startswith("'=") and values["organisation"] == "'+Lindenau"
    assert values["event"] == "'@SUM(A1)" and values["reason"].startswith("'-")
    assert values["total_eur"] == "12.30" and values["claim"] == str(claim.pk)


def test_join_request_is_unique_while_pending():
    community = CommunityFactory()
    person = UserFactory()
    request_to_join(community, person, message="one")
    assert JoinRequest.objects.filter(community=community, user=person).count() == 1


# -- personal data ----------------------------------------------------------------------------------------

def test_personal_data_export_and_erasure_cover_the_communities(committed):
    from bigbuyers.privacy import erase_personal_data, export_personal_data

    community = CommunityFactory(campaign=CampaignFactory())
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(country="DE"))
    person = membership.user
    other_membership = MembershipFactory(community=CommunityFactory(), user=person)
    thread = post_thread(community, author=person, title="Chargers", body="Call me on +49 123")
    post_reply(thread, author=person, body="My number again: +49 123")
    upcoming = EventFactory(community=community, capacity=1)
    register_for_event(upcoming, person)
    waiting = UserFactory()
    register_for_event(upcoming, waiting)
    past = _in_person_event(community)
    Registration.objects.create(event=past, user=person, status="registered")
    claim = submit_claim(past, membership=membership, amounts={"travel": Decimal("50")})

    data = export_personal_data(person)["communities"]
    assert data["threads"][0]["message"] == "Call me on +49 123" and data["replies"][0]["message"].startswith("My number")
    assert {m["community"] for m in data["memberships"]} == {community.name, other_membership.community.name}
    assert data["travel_claims"][0]["travel"] == "50.00"

    erase_personal_data(person)
    thread.refresh_from_db()
    assert "+49" not in thread.body and not Reply.objects.filter(body__contains="+49").exists()
    assert thread.title == "Chargers"
    assert not Registration.objects.filter(user=person).exists()
    assert Registration.objects.get(event=upcoming, user=waiting).status == "registered", "the freed place is given on"
    assert not Membership.objects.filter(pk=other_membership.pk).exists()
    assert TravelClaim.objects.filter(pk=claim.pk, membership=membership).exists(), "accounting records stay"
