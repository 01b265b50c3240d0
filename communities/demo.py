"""Demo communities for `make run`: a closed one with something in every section, and an open one.

Called by `manage.py load_demo` after the survey demo data, whose 2023 campaign, areas and fictional
organisations it reuses when they are there. The people are fictional too; they sign in with the
e-mailed links printed in the terminal.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from bigbuyers.models import User
from communities.models import ActivityStatus, Community, EventKind, GuestInvitation, Registration, TravelClaim
from communities.secretariat import ensure_secretariat_group
from communities.services.discussions import post_reply, post_thread
from communities.services.documents import upload_document
from communities.services.events import create_event, register_for_event
from communities.services.membership import create_community, request_to_join
from surveys.models import Campaign, Organisation, ThematicArea

BRUSSELS = ZoneInfo("Europe/Brussels")
# A one-page PDF, so that the demo document opens in a reader.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# (e-mail, full name, organisation name from the survey demo, role in the HDEV community)
PEOPLE = [
    ("anna.keller@lindenau.example", "Anna Keller", "Stadt Lindenau", "leader"),
    ("marc.dubois@montclair.example", "Marc Dubois", "Ville de Montclair", "core"),
    ("giulia.rossi@valdoro.example", "Giulia Rossi", "Comune di Valdoro", "member"),
    ("jan.devries@westerhaven.example", "Jan de Vries", "Gemeente Westerhaven", "member"),
    ("eva.nowak@zielonagora.example", "Eva Nowak", "Miasto Zielonagóra Nowa", "member"),
    ("ingrid.berg@fjord.example", "Ingrid Berg", "Statens innkjøp Fjord", "member"),
]


def join_secretariat(staff: User) -> None:
    """Put the demo's staff login in the "Secretariat" group: its powers, in the admin and in the
    communities, are the group's."""
    staff.groups.add(ensure_secretariat_group(apps))


def _person(email: str, name: str) -> User:
    return User.objects.filter(email=email).first() or User.objects.create_user(email, full_name=name)


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BRUSSELS)


@transaction.atomic
def load_demo() -> list[Community]:
    """Create the demo communities (once: nothing happens when they exist already)."""
    if Community.objects.filter(slug__in=["hdev", "ict"]).exists():
        return list(Community.objects.filter(slug__in=["hdev", "ict"]))
    campaign = Campaign.objects.filter(slug="working-together-2023").first()
    area = ThematicArea.objects.filter(campaign=campaign, code="hdev").first() if campaign else None
    members = []
    for email, name, organisation_name, role in PEOPLE:
        members.append((_person(email, name), role, Organisation.objects.filter(name=organisation_name).first()))
    hdev = create_community(
        name="Heavy-duty electric vehicles (HDEV)", area=area, campaign=campaign, is_open=False,
        description="Cities, regions and central purchasing bodies buying electric buses, refuse trucks and other "
                    "heavy-duty vehicles together.",
        entry_requirements="A contracting authority that plans to buy heavy-duty electric vehicles in the next two years.",
        members=members,
    )
    hdev.slug = "hdev"
    hdev.objectives = ("Agree common technical specifications for electric refuse trucks.\n"
                       "Run a joint market dialogue with manufacturers and charging providers.")
    hdev.ambition = "A joint or coordinated tender by at least four members."
    hdev.timeline = "Specifications by the end of next year; tender the year after."
    hdev.save()
    for title, starts, ends, status in [
        ("Collect members' fleet needs", -60, -20, ActivityStatus.DONE),
        ("Market dialogue with manufacturers", 30, 30, ActivityStatus.PLANNED),
        ("Draft joint specifications", 45, 180, ActivityStatus.IN_PROGRESS),
    ]:
        hdev.activities.create(title=title, starts_on=timezone.localdate() + dt.timedelta(days=starts),
                               ends_on=timezone.localdate() + dt.timedelta(days=ends), status=status)
    leader, core = members[0][0], members[1][0]
    thread = post_thread(hdev, author=leader, title="Charging at the depot: how many chargers per truck?",
                         body="We are sizing the depot for 12 refuse trucks. How did you plan charging?")
    post_reply(thread, author=core, body="We started with one charger for two trucks and overnight charging.")
    post_reply(thread, author=members[2][0], body="Same here; peak tariffs made us add a battery buffer.")
    upload_document(hdev, by=core, title="Draft specifications for electric refuse trucks",
                    upload=io.BytesIO(DEMO_PDF), name="draft-specifications.pdf", size=len(DEMO_PDF))
    upload_document(hdev, by=leader, title="Market study summary (public)", upload=io.BytesIO(DEMO_PDF),
                    name="market-study.pdf", size=len(DEMO_PDF), classification="public")
    visit = create_event(hdev, by=leader, values={
        "kind": EventKind.STUDY_VISIT, "title": "Study visit to the Lindenau bus depot", "time_zone": "Europe/Berlin",
        "starts_at": _at(30, 10), "ends_at": _at(30, 16), "in_person": True, "place": "Lindenau bus depot",
        "capacity": 3, "description": "A tour of the depot and its chargers, with the operator's engineers."})
    for person, _role, _organisation in members[:4]:
        register_for_event(visit, person)  # the fourth goes on the waiting list
    dialogue = create_event(hdev, by=leader, values={
        "kind": EventKind.MARKET_DIALOGUE, "title": "Market dialogue on electric refuse trucks",
        "time_zone": "Europe/Brussels", "starts_at": _at(45, 14), "ends_at": _at(45, 17),
        "online_link": "https://meet.example/hdev-dialogue", "capacity": 40, "is_public": True,
        "description": "Manufacturers present their electric refuse trucks; buyers ask about range and charging."})
    guest = _person("sales@greenbus.example", "GreenBus sales team")
    GuestInvitation.objects.create(event=dialogue, user=guest, invited_by=leader, organisation_name="GreenBus (demo)")
    past = create_event(hdev, by=leader, values={
        "kind": EventKind.IN_PERSON_MEETING, "title": "Kick-off meeting", "time_zone": "Europe/Brussels",
        "starts_at": _at(-20, 10), "ends_at": _at(-20, 17), "in_person": True, "place": "Brussels"})
    for person, _role, _organisation in members:
        Registration.objects.create(event=past, user=person, status="registered")
    membership = hdev.memberships.get(user=members[1][0])
    TravelClaim.objects.create(event=past, membership=membership, travel=Decimal("182.40"),
                               accommodation=Decimal("96.00"), subsistence=Decimal("25.00"))
    request_to_join(hdev, _person("pieter.jansen@brugwater.example", "Pieter Jansen"),
                    organisation_name="Stad Brugwater", message="We tender 20 electric buses next year.")

    ict = create_community(
        name="Sustainability in ICT", is_open=True, campaign=campaign,
        area=ThematicArea.objects.filter(campaign=campaign, code="ict").first() if campaign else None,
        description="Refurbished equipment, longer device lifetimes and circular ICT contracts.",
        members=[(members[3][0], "leader", members[3][2]), (members[4][0], "member", members[4][2])],
    )
    ict.slug = "ict"
    ict.save()
    post_thread(ict, author=members[3][0], title="Warranty terms for refurbished laptops",
                body="Which warranty did you ask for in your last tender?")
    return [hdev, ict]
