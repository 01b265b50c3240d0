"""The demo communities load on top of the survey demo, once."""

from __future__ import annotations

import pytest

from communities import demo
from communities.models import Community, Registration
from surveys.demo import load_demo as load_survey_demo

pytestmark = pytest.mark.django_db


def test_demo_communities_have_something_in_every_section():
    load_survey_demo(staff_email="staff@demo.example", staff_password="demo-password-123")
    hdev, ict = demo.load_demo()
    assert hdev.campaign.slug == "working-together-2023" and hdev.area.code == "hdev" and not hdev.is_open
    assert ict.is_open
    assert hdev.memberships.filter(role="leader", organisation__name="Stadt Lindenau").exists()
    assert hdev.threads.get().replies.count() == 2 and hdev.documents.count() == 2 and hdev.activities.count() == 3
    assert list(Registration.objects.filter(event__title__startswith="Study visit").values_list("status", flat=True)
                .order_by("since", "pk")) == ["registered"] * 3 + ["waiting"]
    assert set(demo.load_demo()) == {hdev, ict}, "loading twice creates nothing more"
    assert Community.objects.count() == 2
