"""factory_boy factories for the portal's models."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from bigbuyers.models import User
from surveys.eligibility import BodyType
from surveys.models import AreaInterest, Campaign, Organisation, Respondent, Response, ThematicArea


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
        for position, (code, name) in enumerate(extracted or [("hdev", "Heavy-duty electric vehicles"),
                                                             ("zecs", "Zero-emission construction sites"),
                                                             ("cc", "Circular construction")]):
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


def interest(response: Response, code: str, level: int = 2) -> AreaInterest:
    return AreaInterest.objects.create(response=response, area=response.campaign.areas.get(code=code), level=level)
