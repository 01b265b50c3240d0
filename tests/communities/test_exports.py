"""communities/exports.py: the travel claims for finance, formulas neutralised."""

from __future__ import annotations

from decimal import Decimal

import pytest

from communities.exports import claim_rows
from communities.models import TravelClaim
from tests.factories import CommunityFactory, MembershipFactory, OrganisationFactory, past_study_visit

pytestmark = pytest.mark.django_db


def test_finance_export_neutralises_formulas():
    community = CommunityFactory(name="=HYPERLINK(\"http://evil\")")
    membership = MembershipFactory(community=community, organisation=OrganisationFactory(name="+Lindenau", country="DE"))
    event = past_study_visit(community, title="@SUM(A1)")
    claim = TravelClaim.objects.create(event=event, membership=membership, travel=Decimal("12.30"),
                                       status="approved", status_reason="-1 day late but fine")
    header, row = list(claim_rows(TravelClaim.objects.all()))
    values = dict(zip(header, row, strict=True))
    assert values["community"].startswith("'=") and values["organisation"] == "'+Lindenau"
    assert values["event"] == "'@SUM(A1)" and values["reason"].startswith("'-")
    assert values["total_eur"] == "12.30" and values["claim"] == str(claim.pk)
