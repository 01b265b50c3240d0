"""surveys/admin/requests.py: accepting late requests gives LATE_ADMISSION_DAYS, and the "Accept" label says that
number in the viewer's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from surveys.models import LateRequest
from tests.factories import CampaignFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def test_accepting_a_late_request_says_the_days_it_gives(staff_client, settings):
    settings.LATE_ADMISSION_DAYS = 12
    response = ResponseFactory(campaign=CampaignFactory(deadline=timezone.now() - dt.timedelta(days=1)))
    late = LateRequest.objects.create(response=response, motivation="We were on holiday")
    url = reverse("admin:surveys_laterequest_changelist")
    assert "Accept: give them 12 days to complete their answers" in staff_client.get(url).content.decode()

    staff_client.post(url, {"action": "accept", ACTION_CHECKBOX_NAME: [late.pk]})

    response.refresh_from_db()
    assert dt.timedelta(days=11) < response.personal_deadline - timezone.now() <= dt.timedelta(days=12)


def test_the_labels_are_in_the_viewers_language(staff_client, settings):
    """The label was made once, in English, when the module was imported; it now follows the viewer."""
    settings.LATE_ADMISSION_DAYS = 12
    LateRequest.objects.create(response=ResponseFactory(), motivation="We were on holiday")
    page = staff_client.get(reverse("admin:surveys_laterequest_changelist"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Accepter\u00a0: leur accorder 12 jours pour compléter leurs réponses" in page.content.decode()
