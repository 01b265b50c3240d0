"""surveys/services/colleagues.py: a colleague asks to work on the organisation's response, and is let in."""

from __future__ import annotations

import pytest
from django.core import mail

from surveys.services.colleagues import decide_access_request, request_access
from surveys.services.responses import response_for, save_organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ORGANISATION = {"name": "Stadt Lindenau", "country": "DE", "body_type": "local_authority", "website": ""}


def test_access_request_accepted_lets_the_colleague_work_on_the_response(campaign, committed):
    owner, colleague = UserFactory(), UserFactory()
    response = save_organisation(user=owner, campaign=campaign, response=None, data=ORGANISATION)
    with committed():
        request = request_access(response, user=colleague, message="I run the fleet tender")
    assert [m.to for m in mail.outbox] == [[owner.email]]
    with committed():
        decide_access_request(request, accept=True)
    assert response_for(colleague, campaign) == response
    assert mail.outbox[-1].to == [colleague.email]
