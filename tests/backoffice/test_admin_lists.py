"""The admin lists the secretariat works in: a fixed number of queries whatever the number of rows,
search on names and e-mail addresses, and every filter the dashboard links to."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigbuyers.models import BulkEmail, ExportRecord
from communities.models import TravelClaim
from surveys.models import Respondent
from tests.factories import (
    CampaignFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    ResponseFactory,
    StaffFactory,
    UserFactory,
    interest,
)

pytestmark = pytest.mark.django_db


def _response(campaign, n: int) -> None:  # type: ignore[no-untyped-def]
    response = ResponseFactory(campaign=campaign, organisation=OrganisationFactory(name=f"Body {n}", country="FR"),
                               eligibility="needs_review" if n % 2 else "eligible", contact_name=f"Person {n}")
    interest(response, "hdev", 1 + n % 2)


def _export_record(n: int) -> None:
    ExportRecord.objects.create(user=UserFactory(), kind="responses", title=f"Export {n}", format="csv", row_count=n)


def _bulk_email(n: int) -> None:
    BulkEmail.objects.create(subject=f"Subject {n}", body="Body", source="responses", audience="Someone",
                             created_by=UserFactory())


def _membership(n: int) -> None:
    MembershipFactory(organisation=OrganisationFactory(name=f"Member body {n}"))


def _claim(n: int) -> None:
    membership = MembershipFactory(organisation=OrganisationFactory(name=f"Claimant {n}"))
    TravelClaim.objects.create(event=EventFactory(community=membership.community, in_person=True),
                               membership=membership, travel=Decimal("10"))


LISTS = {
    "surveys_response": lambda campaign, n: _response(campaign, n),
    "surveys_eligibilityreview": lambda campaign, n: _response(campaign, n),
    "surveys_organisation": lambda campaign, n: OrganisationFactory(name=f"Organisation {n}"),
    "bigbuyers_exportrecord": lambda campaign, n: _export_record(n),
    "bigbuyers_bulkemail": lambda campaign, n: _bulk_email(n),
    "communities_membership": lambda campaign, n: _membership(n),
    "communities_travelclaim": lambda campaign, n: _claim(n),
}


@pytest.mark.parametrize("model", LISTS)
def test_list_makes_the_same_number_of_queries_for_1_and_many_rows(client, campaign, model):
    client.force_login(StaffFactory())
    url = reverse(f"admin:{model}_changelist")
    add = LISTS[model]
    add(campaign, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(1, 31):
        add(campaign, n)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one) <= 14, [q["sql"][:100] for q in many.captured_queries]


def test_responses_list_counts_queries_with_filters_and_search(client, campaign):
    client.force_login(StaffFactory())
    url = (reverse("admin:surveys_response_changelist")
           + f"?campaign__id__exact={campaign.pk}&eligibility__exact=eligible&area=1:2&q=Body")
    _response(campaign, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(1, 31):
        _response(campaign, n)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def test_responses_are_found_by_organisation_contact_or_e_mail_without_duplicates(client):
    campaign = CampaignFactory()
    lyon = ResponseFactory(campaign=campaign, organisation=OrganisationFactory(name="Métropole de Lyon"),
                           respondent=UserFactory(email="anna.keller@grandlyon.example"), contact_name="Anna Keller")
    Respondent.objects.create(response=lyon, user=UserFactory(email="second@grandlyon.example"), campaign=campaign)
    ResponseFactory(campaign=campaign, organisation=OrganisationFactory(name="Stadt Köln"),
                    respondent=UserFactory(email="jonas@koeln.example"))
    client.force_login(StaffFactory())
    url = reverse("admin:surveys_response_changelist")

    def found(term: str) -> list[str]:
        return [r.organisation.name for r in client.get(url, {"q": term}).context["cl"].result_list]

    assert found("lyon") == ["Métropole de Lyon"]  # organisation name, any case
    assert found("grandlyon.example") == ["Métropole de Lyon"]  # e-mail: two respondents match, listed once
    assert found("keller") == ["Métropole de Lyon"]  # contact person
    assert found("koeln") == ["Stadt Köln"]
    assert found("Stadt koeln") == ["Stadt Köln"]  # every word must match somewhere
    assert found("nobody") == []


def test_organisations_are_found_by_name(client):
    OrganisationFactory(name="Comune di Valdoro")
    OrganisationFactory(name="Gemeente Zeedorp")
    client.force_login(StaffFactory())
    answer = client.get(reverse("admin:surveys_organisation_changelist"), {"q": "valdoro"})
    assert [o.name for o in answer.context["cl"].result_list] == ["Comune di Valdoro"]


def test_area_filter_by_level(client, campaign):
    client.force_login(StaffFactory())
    high = ResponseFactory(campaign=campaign, organisation=OrganisationFactory(name="High"))
    low = ResponseFactory(campaign=campaign, organisation=OrganisationFactory(name="Low"))
    interest(high, "hdev", 2)
    interest(low, "hdev", 1)
    area = campaign.areas.get(code="hdev").pk
    url = reverse("admin:surveys_response_changelist")

    def listed(value: str) -> set[str]:
        return {r.organisation.name for r in client.get(url, {"area": value}).context["cl"].result_list}

    assert listed(f"{area}:2") == {"High"} and listed(f"{area}:1") == {"Low"} and listed(str(area)) == {"High", "Low"}
