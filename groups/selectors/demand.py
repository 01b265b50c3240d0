"""The demand picture of a campaign: interest per area, by country and type of body, purchases and challenges.

Everything is aggregated in the database (values + Count, window functions for the "latest few per area"),
in a fixed number of queries (17) whatever the number of responses, so the page stays fast at 50,000.
Planned purchases are also counted by CPV division and group (surveys/cpv/selectors.py), with labels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django_countries import countries

from groups.models import INTEREST_WEIGHTS
from surveys.cpv.selectors import CpvBranch, by_division_and_group, code_and_label, labels_for, not_in_vocabulary
from surveys.eligibility import BodyType, Outcome
from surveys.models import (
    AreaChallenge,
    AreaInterest,
    Campaign,
    InterestLevel,
    PlannedPurchase,
    Response,
    ResponseStatus,
    ThematicArea,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SAMPLES_PER_AREA = 5
CPV_CODES_PER_AREA = 5


@dataclass
class AreaDemand:
    area: ThematicArea
    interested: int = 0
    high_priority: int = 0
    purchases: int = 0
    challenges: int = 0
    cpv_codes: list[tuple[str, int]] = field(default_factory=list)  # ("34144910-0 – Electric buses", purchases)
    purchase_samples: list[dict[str, str]] = field(default_factory=list)
    challenge_samples: list[dict[str, str]] = field(default_factory=list)

    @property
    def bodies(self) -> int:
        return self.interested + self.high_priority

    @property
    def score(self) -> int:
        return (self.interested * INTEREST_WEIGHTS[InterestLevel.INTERESTED]
                + self.high_priority * INTEREST_WEIGHTS[InterestLevel.HIGH_PRIORITY])


@dataclass
class Breakdown:
    """Bodies per group (a country, a type of body), and per area the bodies of that group interested in it."""

    key: str
    label: StrOrPromise  # a country name, or a lazy type of body
    bodies: int
    per_area: list[int]

    @property
    def interested(self) -> int:
        return sum(self.per_area)


@dataclass
class DemandPicture:
    campaign: Campaign
    eligible_only: bool
    responses: int
    areas: list[AreaDemand]
    by_country: list[Breakdown]
    by_body_type: list[Breakdown]
    cpv_divisions: list[CpvBranch] = field(default_factory=list)  # every planned purchase with a code, area or not
    cpv_unknown: int = 0  # planned purchases whose code is not in the CPV vocabulary


def counted_responses(campaign: Campaign, *, eligible_only: bool) -> QuerySet[Response]:
    """The responses the picture counts: submitted ones (and only eligible ones when asked)."""
    responses = Response.objects.filter(campaign=campaign, status=ResponseStatus.SUBMITTED)
    return responses.filter(eligibility=Outcome.ELIGIBLE) if eligible_only else responses


def _breakdown(responses: QuerySet[Response], interests: QuerySet[AreaInterest], field_name: str,
               areas: list[ThematicArea], labels: Mapping[str, StrOrPromise]) -> list[Breakdown]:
    column = f"organisation__{field_name}"
    totals = {row["key"]: row["n"] for row in responses.values(key=F(column)).annotate(n=Count("pk")).order_by()}
    cells: dict[str, dict[int, int]] = defaultdict(dict)
    for row in interests.values("area_id", key=F(f"response__{column}")).annotate(n=Count("pk")).order_by():
        cells[row["key"]][row["area_id"]] = row["n"]
    rows = [Breakdown(str(key), labels.get(str(key), str(key) or "—"), n, [cells[key].get(a.pk, 0) for a in areas])
            for key, n in totals.items()]
    return sorted(rows, key=lambda r: (-r.bodies, r.label))


def _samples(queryset: QuerySet, limit: int) -> QuerySet:
    """The `limit` most recent rows of each area (a window function: one query for every area)."""
    return (queryset.annotate(rank=Window(RowNumber(), partition_by=[F("area_id")], order_by=F("pk").desc()))
            .filter(rank__lte=limit).order_by("area_id", "rank"))


def demand_picture(campaign: Campaign, *, eligible_only: bool = False) -> DemandPicture:
    """The campaign's demand, aggregated in the database (17 queries, whatever the number of responses)."""
    areas = list(ThematicArea.objects.filter(campaign=campaign).order_by("position", "pk"))
    responses = counted_responses(campaign, eligible_only=eligible_only)
    interests = AreaInterest.objects.filter(response__in=responses, area__campaign=campaign)
    by_area = {a.pk: AreaDemand(a) for a in areas}
    for row in interests.values("area_id").annotate(
            interested=Count("pk", filter=Q(level=InterestLevel.INTERESTED)),
            high=Count("pk", filter=Q(level=InterestLevel.HIGH_PRIORITY))).order_by():
        by_area[row["area_id"]].interested = row["interested"]
        by_area[row["area_id"]].high_priority = row["high"]

    purchases = PlannedPurchase.objects.filter(response__in=responses, area__campaign=campaign)
    for row in purchases.values("area_id").annotate(n=Count("pk")).order_by():
        by_area[row["area_id"]].purchases = row["n"]
    cpv = list(purchases.exclude(cpv_code="").values("area_id", "cpv_code").annotate(n=Count("pk"))
               .annotate(rank=Window(RowNumber(), partition_by=[F("area_id")], order_by=[F("n").desc(), F("cpv_code")]))
               .filter(rank__lte=CPV_CODES_PER_AREA).order_by("area_id", "rank"))
    samples = list(_samples(purchases, SAMPLES_PER_AREA).values(
        "area_id", "description", "cpv_code", "expected_timing", organisation=F("response__organisation__name")))
    labels = labels_for([row["cpv_code"] for row in cpv + samples])
    for row in cpv:
        by_area[row["area_id"]].cpv_codes.append((code_and_label(row["cpv_code"], labels.get(row["cpv_code"])), row["n"]))
    for row in samples:
        row["cpv_code"] = code_and_label(row["cpv_code"], labels.get(row["cpv_code"]))
        by_area[row["area_id"]].purchase_samples.append(row)
    coded = PlannedPurchase.objects.filter(response__in=responses)

    challenges = AreaChallenge.objects.filter(response__in=responses, area__campaign=campaign)
    for row in challenges.values("area_id").annotate(n=Count("pk")).order_by():
        by_area[row["area_id"]].challenges = row["n"]
    for row in _samples(challenges, SAMPLES_PER_AREA).values("area_id", "text",
                                                               organisation=F("response__organisation__name")):
        by_area[row["area_id"]].challenge_samples.append(row)

    country_names = dict(countries)
    return DemandPicture(
        campaign=campaign, eligible_only=eligible_only, responses=responses.count(),
        areas=[by_area[a.pk] for a in areas],
        by_country=_breakdown(responses, interests, "country", areas, country_names),
        by_body_type=_breakdown(responses, interests, "body_type", areas, dict(BodyType.choices)),
        cpv_divisions=by_division_and_group(coded), cpv_unknown=not_in_vocabulary(coded).count(),
    )
