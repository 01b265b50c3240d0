"""factory_boy factories for the portal's models."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from bigbuyers.models import User
from surveys.eligibility import BodyType
from surveys.models import AreaInterest, Campaign, Organisation, Respondent, Response, ResponseStatus, ThematicArea


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@city{n}.example")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True
    password = factory.django.Password("staff-password-123")


def staff_with(*permissions: str) -> User:
    """A staff member who is not a superuser, holding exactly `permissions` ("app.codename")."""
    from django.contrib.auth.models import Permission

    user = StaffFactory(is_superuser=False)
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


class SecretariatFactory(StaffFactory):
    """Staff in the "Secretariat" group (communities/secretariat.py), not a superuser: as the secretariat's
    accounts are meant to be. The group is made here when a test emptied the tables (transactional tests)."""

    is_superuser = False

    @factory.post_generation
    def secretariat(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            from django.apps import apps

            from communities.secretariat import ensure_secretariat_group

            self.groups.add(ensure_secretariat_group(apps))


#: A campaign's thematic areas unless a test gives others: (code, name), in order.
AREAS = [("hdev", "Heavy-duty electric vehicles"), ("zecs", "Zero-emission construction sites"),
         ("cc", "Circular construction")]


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    name = factory.Sequence(lambda n: f"Big Buyers test campaign {n}")
    summary = "A needs-assessment survey for tests."
    introduction = "What the initiative is."
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    eligible_country_groups = ["EU", "EEA"]
    reimbursed_country_groups = ["EU", "EEA"]

    @factory.post_generation
    def areas(self, create: bool, extracted: list[tuple[str, str]] | None, **kwargs: object) -> None:
        if not create:
            return
        for position, (code, name) in enumerate(extracted or AREAS):
            ThematicArea.objects.create(campaign=self, code=code, name=name, position=position)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"City of Testville {n}")
    country = "FR"
    body_type = BodyType.LOCAL_AUTHORITY


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    eligibility = "eligible"

    @factory.post_generation
    def respondent(self, create: bool, extracted: User | None, **kwargs: object) -> None:
        if create:
            Respondent.objects.create(response=self, user=extracted or UserFactory(), campaign=self.campaign, is_owner=True)


def response_by(campaign: Campaign, email: str, *, country: str = "FR", **fields: object) -> Response:
    """A response of `campaign` started by the person with `email`, for an organisation of `country`."""
    return ResponseFactory(campaign=campaign, respondent=UserFactory(email=email),
                           organisation=OrganisationFactory(country=country), **fields)


def interest(response: Response, code: str, level: int = 2) -> AreaInterest:
    return AreaInterest.objects.create(response=response, area=response.campaign.areas.get(code=code), level=level)


# Interviews -------------------------------------------------------------------------------------------------

class InterviewSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.InterviewSlot"

    campaign = factory.SubFactory(CampaignFactory)
    interviewer = factory.SubFactory(StaffFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3))
    duration = 30
    mode = "video"
    video_link = "https://meet.example/bigbuyers-interview"


def interviewee(campaign: Campaign, email: str, *, country: str = "FR", **fields: object) -> Response:
    """A submitted response of `campaign` whose respondent (`email`) is willing to be interviewed."""
    return response_by(campaign, email, country=country, **{"status": ResponseStatus.SUBMITTED,
                                                            "submitted_at": timezone.now(), "interview_willing": True,
                                                            **fields})


def weekday_at(days: int, hour: int, zone: str | ZoneInfo) -> dt.datetime:
    """`hour` o'clock in `zone`, on the first weekday at least `days` days ahead."""
    day = timezone.now().date() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), ZoneInfo(zone) if isinstance(zone, str) else zone)


# Communities of Practice ------------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.Community"

    slug = factory.Sequence(lambda n: f"community-{n}")
    name = factory.Sequence(lambda n: f"Heavy-duty electric vehicles {n}")
    description = "Public buyers of electric buses and refuse trucks."
    is_open = False
    entry_requirements = "A contracting authority planning to buy heavy-duty electric vehicles."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.Membership"

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.Thread"

    community = factory.SubFactory(CommunityFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Charging at depots {n}")
    body = "How do you size the charging infrastructure?"


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.Reply"

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = "We started with one charger per two buses."


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.Document"

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Tender specifications {n}")
    file = factory.django.FileField(data=PDF_BYTES, filename="specifications.pdf")
    original_name = "specifications.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    classification = "confidential"
    uploaded_by = factory.SubFactory(UserFactory)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.Event"

    community = factory.SubFactory(CommunityFactory)
    kind = "online_meeting"
    title = factory.Sequence(lambda n: f"Monthly meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    time_zone = "Europe/Brussels"
    online_link = "https://meet.example/bbwt"
    created_by = factory.SubFactory(UserFactory)


def past_study_visit(community: object, **fields: object) -> object:
    """An in-person event of `community` that started yesterday: travel to it can be claimed."""
    return EventFactory(community=community, kind="study_visit", in_person=True, place="Lindenau depot",
                        starts_at=timezone.now() - dt.timedelta(days=1), **fields)


# Group formation ------------------------------------------------------------------------------------------

def submitted_body(campaign: Campaign, interests: dict[str, int], *, email: str | None = None, country: str = "FR",
                   name: str | None = None, eligibility: str = "eligible", body_type: str = BodyType.LOCAL_AUTHORITY,
                   **fields: object) -> Response:
    """A submitted response of `campaign` with interest levels per area code (1 interested, 2 high priority)."""
    organisation = OrganisationFactory(country=country, body_type=body_type, **({"name": name} if name else {}))
    response = ResponseFactory(campaign=campaign, organisation=organisation, status="submitted",
                               submitted_at=timezone.now(), eligibility=eligibility,
                               respondent=UserFactory(email=email) if email else None, **fields)
    for code, level in interests.items():
        interest(response, code, level)
    return response
