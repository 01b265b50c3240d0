"""A small campaign whose every figure is known, for the dashboard, report and export tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from groups.models import GroupOffer, Interview, MatchingRun, ObserverSubscription, WorkingGroup
from surveys.models import AreaChallenge, Campaign, PlannedPurchase, Response
from tests.factories import (
    CampaignFactory,
    InterviewSlotFactory,
    OrganisationFactory,
    ResponseFactory,
    UserFactory,
    interest,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
DAY1, DAY2, DAY3 = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), BRUSSELS)


@dataclass
class KnownCampaign:
    campaign: Campaign
    responses: dict[str, Response] = field(default_factory=dict)
    groups: dict[str, WorkingGroup] = field(default_factory=dict)


def known_campaign() -> KnownCampaign:
    """Six responses (three submitted), interviews, two working groups with offers, four observers.

    Started: Lyon and Lindenau on DAY1, the four others on DAY2 (Brussels time). First submitted:
    Lyon on DAY2, Lindenau and Valdoro on DAY3.
    """
    campaign = CampaignFactory(slug="bbwt", name="Big Buyers Working Together", time_zone="Europe/Brussels",
                               opens_at=at(DAY1, 0), deadline=at(DAY1, 0) + dt.timedelta(days=20))
    known = KnownCampaign(campaign)

    def body(key: str, name: str, country: str, *, status: str = "draft", eligibility: str = "eligible",
             email: str, created: dt.datetime, submitted: dt.datetime | None = None, **fields: object) -> Response:
        response = ResponseFactory(campaign=campaign, organisation=OrganisationFactory(name=name, country=country),
                                   status=status, eligibility=eligibility, respondent=UserFactory(email=email),
                                   submitted_at=submitted, steps_done=["organisation", "interests"], **fields)
        Response.objects.filter(pk=response.pk).update(created_at=created)
        known.responses[key] = response
        return response

    lyon = body("lyon", "Ville de Lyon", "FR", status="submitted", email="anna.keller@lyon.example",
                created=at(DAY1, 9), submitted=at(DAY2, 23), contact_name="Anna Keller", contact_role="Head of fleet procurement",
                contact_phone="+33 1 23 45 67 89", interview_willing=True)
    lindenau = body("lindenau", "Stadt Lindenau", "DE", status="submitted", email="jonas.weber@lindenau.example",
                    created=at(DAY1, 10), submitted=at(DAY3, 8), contact_name="Jonas Weber",
                    contact_phone="+49 30 1234567", interview_willing=True)
    valdoro = body("valdoro", "Comune di Valdoro", "IT", status="submitted", eligibility="needs_review",
                   email="giulia.rossi@valdoro.example", created=at(DAY2, 11), submitted=at(DAY3, 9),
                   contact_name="Giulia Rossi", interview_willing=True)
    zeedorp = body("zeedorp", "Gemeente Zeedorp", "NL", email="pim@zeedorp.example", created=at(DAY2, 12))
    body("acme", "Acme Trucks", "FR", eligibility="not_eligible", email="sales@acme.example", created=at(DAY2, 13))
    body("blank", "Nowhere Town", "FR", eligibility="", email="who@nowhere.example", created=at(DAY2, 14))

    interest(lyon, "hdev", 2)
    interest(lyon, "zecs", 1)
    interest(lindenau, "hdev", 2)
    interest(lindenau, "cc", 1)
    interest(valdoro, "hdev", 1)
    interest(zeedorp, "zecs", 2)  # a draft: not in the submitted figures
    hdev = campaign.areas.get(code="hdev")
    for response, text in [(lyon, "Charging infrastructure is costly; ask Anna Keller."),
                           (lindenau, "Charging at the depot, and grid capacity."),
                           (valdoro, "Charging points and training of drivers.")]:
        AreaChallenge.objects.create(response=response, area=hdev, text=text)
        PlannedPurchase.objects.create(response=response, description="Electric buses", area=hdev,
                                       cpv_code="34144910-0")

    # Interviews: Lyon held, Lindenau booked, Valdoro cancelled.
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)
    for hours, response, fields in [(0, lyon, {"outcome": "held"}), (1, lindenau, {}),
                                    (2, valdoro, {"status": "cancelled", "cancelled_at": timezone.now()})]:
        slot = InterviewSlotFactory(campaign=campaign, starts_at=start + dt.timedelta(hours=hours))
        Interview.objects.create(response=response, slot=slot, time_zone="Europe/Brussels", **fields)

    # The published run's groups: HDEV (Lyon accepted, Lindenau declined, Valdoro waiting), ZECS (Lyon waiting).
    run = MatchingRun.objects.create(campaign=campaign, groups=2, status="done", published_at=timezone.now())
    later = timezone.now() + dt.timedelta(days=14)
    for code in ("hdev", "zecs"):
        known.groups[code] = WorkingGroup.objects.create(campaign=campaign, area=campaign.areas.get(code=code), run=run,
                                                         min_size=2, max_size=10)
    answered = {"responded_at": timezone.now()}
    GroupOffer.objects.create(group=known.groups["hdev"], response=lyon, status="accepted", role="buyer",
                              expires_at=later, **answered)
    GroupOffer.objects.create(group=known.groups["hdev"], response=lindenau, status="declined", expires_at=later,
                              **answered)
    GroupOffer.objects.create(group=known.groups["hdev"], response=valdoro, expires_at=later)
    GroupOffer.objects.create(group=known.groups["zecs"], response=lyon, expires_at=later)

    ObserverSubscription.objects.create(email="one@observer.example", confirmed_at=timezone.now())
    ObserverSubscription.objects.create(email="two@observer.example", confirmed_at=timezone.now())
    ObserverSubscription.objects.create(email="three@observer.example", source="declined")
    ObserverSubscription.objects.create(email="four@observer.example", source="unplaced", confirmed_at=timezone.now(),
                                        unsubscribed_at=timezone.now())
    return known


def figures(sections: Iterable[Any]) -> dict[str, dict[str, tuple[int, ...]]]:
    """Table key -> row label -> the row's figures, over the tables of dashboard or report sections."""
    return {table.key: {row.label: tuple(cell.value for cell in row.cells) for row in table.rows}
            for section in sections for table in section.tables}
