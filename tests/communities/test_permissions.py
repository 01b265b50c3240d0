"""Who gets what at every address of the communities app, table-driven.

The table is checked against the URL resolver: a new URL in the `communities` namespace without a row
here fails `test_every_community_url_has_a_row`, so no page, file or event can be forgotten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from communities.models import GuestInvitation, JoinRequest, Receipt, Registration, TravelClaim
from tests.factories import (
    PDF_BYTES,
    CommunityFactory,
    DocumentFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    ReplyFactory,
    SecretariatFactory,
    StaffFactory,
    ThreadFactory,
    UserFactory,
)
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "guest", "member", "leader", "staff", "staff_no_permissions", "staff_by_link"]
# Staff who are not the secretariat get exactly what an outsider gets: no permission to act as the
# secretariat, or a session opened by an e-mailed link (even a superuser's).
AS_OUTSIDERS = ("staff_no_permissions", "staff_by_link")


@dataclass
class World:
    """A closed community with one of everything, and one person of each kind.

    `signed_in_by` says how each person's session is opened: staff with the password at the admin's
    sign-in, everyone else (and "staff_by_link") with an e-mailed link."""

    people: dict[str, object]
    objects: dict[str, object] = field(default_factory=dict)
    signed_in_by: dict[str, str] = field(default_factory=dict)

    def sign_in(self, client: object, role: str) -> None:
        if self.people[role] is not None:
            sign_in(client, self.people[role], self.signed_in_by.get(role, "link"))


def build_world() -> World:
    from django.core.files.base import ContentFile

    community = CommunityFactory(slug="hdev", name="Heavy-duty electric vehicles")
    member = UserFactory(email="member@city.example")
    leader = UserFactory(email="leader@city.example")
    outsider = UserFactory(email="outsider@city.example")
    guest = UserFactory(email="guest@supplier.example")
    staff = SecretariatFactory(email="staff@secretariat.example")  # the Secretariat group, not a superuser
    plain_staff = StaffFactory(email="plain.staff@secretariat.example", is_superuser=False)
    superuser_by_link = StaffFactory(email="boss@secretariat.example")
    membership = MembershipFactory(community=community, user=member, organisation=OrganisationFactory(country="FR"))
    MembershipFactory(community=community, user=leader, role="leader")
    thread = ThreadFactory(community=community, author=member)
    reply = ReplyFactory(thread=thread, author=member)
    document = DocumentFactory(community=community, uploaded_by=member)
    event = EventFactory(community=community, created_by=leader, capacity=10)
    GuestInvitation.objects.create(event=event, user=guest, invited_by=leader)
    past = EventFactory(community=community, created_by=leader, kind="in_person_meeting", in_person=True,
                        place="Brussels", starts_at=timezone.now() - dt.timedelta(days=2))
    Registration.objects.create(event=past, user=member, status="registered")
    claim = TravelClaim.objects.create(event=past, membership=membership, travel=Decimal("120.00"))
    receipt = Receipt(claim=claim, original_name="ticket.pdf", content_type="application/pdf", size=len(PDF_BYTES))
    receipt.file.save("ticket.pdf", ContentFile(PDF_BYTES), save=True)
    join_request = JoinRequest.objects.create(community=community, user=UserFactory(email="asking@city.example"),
                                              message="We buy electric buses.")
    activity = community.activities.create(title="Market dialogue", starts_on=dt.date(2027, 3, 1))
    people = {"anonymous": None, "outsider": outsider, "guest": guest, "member": member, "leader": leader, "staff": staff,
              "staff_no_permissions": plain_staff, "staff_by_link": superuser_by_link}
    signed_in_by = {"staff": "password", "staff_no_permissions": "password", "staff_by_link": "link"}
    return World(people, signed_in_by=signed_in_by, objects={
        "community": community, "thread": thread, "reply": reply, "document": document, "event": event, "past": past,
        "claim": claim, "receipt": receipt, "join_request": join_request, "activity": activity})


# name -> (arguments from the world, method, POST data, expected status per role except anonymous).
# 200 page, 302 an action done (or a member sent on to the space), 403 a member without the role, 404 outsiders.
OUTSIDE = {"outsider": 404, "guest": 404}
MEMBERS = {**OUTSIDE, "member": 200, "leader": 200, "staff": 200}
LEADERS = {**OUTSIDE, "member": 403, "leader": 200, "staff": 200}
ACTION = {**OUTSIDE, "member": 302, "leader": 302, "staff": 302}
LEADER_ACTION = {**OUTSIDE, "member": 403, "leader": 302, "staff": 302}
AUTHOR = {**OUTSIDE, "member": 200, "leader": 403, "staff": 200}  # the member wrote them
OWNER = {**OUTSIDE, "member": 200, "leader": 404, "staff": 200}  # the member's claim: other members get 404
EVENT = {"outsider": 404, "guest": 200, "member": 200, "leader": 200, "staff": 200}
EVENT_ACTION = {"outsider": 404, "guest": 302, "member": 302, "leader": 302, "staff": 302}


def _slug(w: World) -> list[object]:
    return [w.objects["community"].slug]


TABLE: dict[str, tuple] = {
    # The public page: anyone, signed in or not (an "anonymous" entry where anonymous people are not sent to sign in).
    "about": (lambda w: [], "get", None, {"anonymous": 200, "outsider": 200, "guest": 200, "member": 200, "leader": 200,
                                          "staff": 200}),
    "directory": (lambda w: [], "get", None, {"outsider": 200, "guest": 404, "member": 200, "leader": 200, "staff": 200}),
    "mine": (lambda w: [], "get", None, {"outsider": 200, "guest": 200, "member": 200, "leader": 200, "staff": 200}),
    "public_documents": (lambda w: [], "get", None,
                         {"outsider": 200, "guest": 404, "member": 200, "leader": 200, "staff": 200}),
    "overview": (_slug, "get", None, MEMBERS),
    "join": (_slug, "get", None, {"outsider": 200, "guest": 404, "member": 302, "leader": 302, "staff": 200}),
    "members": (_slug, "get", None, MEMBERS),
    "preferences": (_slug, "get", None, {**MEMBERS, "staff": 302}),  # staff without membership: nothing to choose
    "join_requests": (_slug, "get", None, LEADERS),
    "join_request_decide": (lambda w: [*_slug(w), w.objects["join_request"].pk], "get", None, LEADERS),
    "roadmap_edit": (_slug, "get", None, LEADERS),
    "activity_create": (_slug, "get", None, LEADERS),
    "activity_edit": (lambda w: [*_slug(w), w.objects["activity"].pk], "get", None, LEADERS),
    "threads": (_slug, "get", None, MEMBERS),
    "thread_create": (_slug, "get", None, MEMBERS),
    "thread": (lambda w: [*_slug(w), w.objects["thread"].pk], "get", None, MEMBERS),
    "thread_edit": (lambda w: [*_slug(w), w.objects["thread"].pk], "get", None, AUTHOR),
    "reply_create": (lambda w: [*_slug(w), w.objects["thread"].pk], "post", {"body": "Agreed."}, ACTION),
    "thread_moderate": (lambda w: [*_slug(w), w.objects["thread"].pk], "post", {"action": "pin"}, LEADER_ACTION),
    "reply_edit": (lambda w: [*_slug(w), w.objects["reply"].pk], "get", None, AUTHOR),
    "reply_moderate": (lambda w: [*_slug(w), w.objects["reply"].pk], "post", {"action": "hide"}, LEADER_ACTION),
    "documents": (_slug, "get", None, MEMBERS),
    "document_upload": (_slug, "get", None, MEMBERS),
    "document_download": (lambda w: [*_slug(w), w.objects["document"].pk], "get", None, MEMBERS),
    "events": (_slug, "get", None, MEMBERS),
    "event_create": (_slug, "get", None, LEADERS),
    "event": (lambda w: [*_slug(w), w.objects["event"].pk], "get", None, EVENT),
    "event_edit": (lambda w: [*_slug(w), w.objects["event"].pk], "get", None, LEADERS),
    "event_register": (lambda w: [*_slug(w), w.objects["event"].pk], "post", {}, EVENT_ACTION),
    "event_cancel": (lambda w: [*_slug(w), w.objects["event"].pk], "post", {}, EVENT_ACTION),
    "event_ics": (lambda w: [*_slug(w), w.objects["event"].pk], "get", None, EVENT),
    "event_guests": (lambda w: [*_slug(w), w.objects["event"].pk], "get", None, LEADERS),
    "claim_create": (lambda w: [*_slug(w), w.objects["past"].pk], "get", None, MEMBERS),
    "claims": (_slug, "get", None, MEMBERS),
    "claim": (lambda w: [*_slug(w), w.objects["claim"].pk], "get", None, OWNER),
    "receipt_download": (lambda w: [*_slug(w), w.objects["claim"].pk, w.objects["receipt"].pk], "get", None, OWNER),
}


def _community_url_names() -> set[str]:
    _prefix, resolver = get_resolver().namespace_dict["communities"]
    return {pattern.name for pattern in resolver.url_patterns}


def test_every_community_url_has_a_row():
    names = _community_url_names()
    assert names == set(TABLE), f"missing rows: {names - set(TABLE)}; rows without a URL: {set(TABLE) - names}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(_community_url_names()))
def test_access(client, name, role):
    args, method, data, expected = TABLE[name]
    world = build_world()
    url = reverse(f"communities:{name}", args=args(world))
    world.sign_in(client, role)
    answer = getattr(client, method)(url, data or {})
    if role == "anonymous" and "anonymous" not in expected:
        assert answer.status_code == 302 and answer["Location"].startswith(reverse("signin")), (name, answer.status_code)
        return
    wanted = expected["outsider"] if role in AS_OUTSIDERS else expected[role]
    assert answer.status_code == wanted, (name, role, answer.status_code)


def test_guest_sees_only_the_event_they_are_invited_to(client):
    world = build_world()
    client.force_login(world.people["guest"])
    slug, past = world.objects["community"].slug, world.objects["past"]
    assert client.get(reverse("communities:event", args=[slug, past.pk])).status_code == 404
    assert client.get(reverse("communities:event_ics", args=[slug, past.pk])).status_code == 404
    assert client.post(reverse("communities:event_register", args=[slug, past.pk])).status_code == 404
    event_page = client.get(reverse("communities:event", args=[slug, world.objects["event"].pk]))
    assert b"Sections of" not in event_page.content, "a guest sees no navigation into the space"


def test_public_document_is_open_to_signed_in_users_but_not_to_guests_or_anonymous(client):
    world = build_world()
    community = world.objects["community"]
    public = DocumentFactory(community=community, classification="public", title="Joint criteria")
    url = reverse("communities:document_download", args=[community.slug, public.pk])
    assert client.get(url).status_code == 302
    client.force_login(world.people["outsider"])
    answer = client.get(url)
    assert answer.status_code == 200 and b"".join(answer.streaming_content) == PDF_BYTES
    assert b"Joint criteria" in client.get(reverse("communities:public_documents")).content
    client.force_login(world.people["guest"])
    assert client.get(url).status_code == 404


def test_downloads_are_attachments_that_the_browser_does_not_sniff(client):
    world = build_world()
    client.force_login(world.people["member"])
    document = world.objects["document"]
    answer = client.get(reverse("communities:document_download", args=[world.objects["community"].slug, document.pk]))
    assert answer["Content-Disposition"] == 'attachment; filename="specifications.pdf"'
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Type"] == "application/pdf"
    assert "no-store" in answer["Cache-Control"]
    assert "/private/documents/" in document.file.path and "specifications" not in document.file.name


def test_a_document_of_another_community_is_404_even_for_a_member(client):
    world = build_world()
    other = DocumentFactory()
    client.force_login(world.people["member"])
    url = reverse("communities:document_download", args=[world.objects["community"].slug, other.pk])
    assert client.get(url).status_code == 404
    url = reverse("communities:document_download", args=[other.community.slug, other.pk])
    assert client.get(url).status_code == 404


def test_open_community_shows_its_overview_and_a_join_button_to_non_members_and_nothing_else(client):
    community = CommunityFactory(is_open=True, objectives="Joint specifications by 2027.")
    ThreadFactory(community=community, title="Members only talk")
    client.force_login(UserFactory())
    overview = client.get(reverse("communities:overview", args=[community.slug]))
    assert overview.status_code == 200
    assert b"Joint specifications by 2027." in overview.content and b"Join the community" in overview.content
    assert b"Members only talk" not in overview.content
    for name in ("threads", "documents", "events", "members", "claims"):
        assert client.get(reverse(f"communities:{name}", args=[community.slug])).status_code == 404, name
    joined = client.post(reverse("communities:join", args=[community.slug]))
    assert joined.status_code == 302
    assert client.get(reverse("communities:threads", args=[community.slug])).status_code == 200
