"""surveys/models.py: what the database itself guarantees."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from surveys.models import Response
from tests.factories import OrganisationFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def test_one_response_per_organisation_and_campaign_is_a_database_constraint(campaign):
    response = ResponseFactory(campaign=campaign)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(campaign=campaign, organisation=response.organisation)


def test_organisation_name_is_unique_per_country_whatever_the_case():
    OrganisationFactory(name="Comune di Valdoro", country="IT")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(name="COMUNE DI VALDORO", country="IT")
    OrganisationFactory(name="Comune di Valdoro", country="CH")  # another country: another body
