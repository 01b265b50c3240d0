"""`manage.py load_demo`: the demo the README describes, with real CPV codes, and the address it prints."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from surveys.cpv.selectors import not_in_vocabulary
from surveys.models import PlannedPurchase

pytestmark = pytest.mark.django_db


def test_load_demo_prints_the_admin_address_of_the_site_url_and_plans_purchases_with_real_codes(settings):
    settings.SITE_URL = "https://portal.example.eu"
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "secretariat@bigbuyers.example / demo-secretariat-2026 at https://portal.example.eu/admin/" in out.getvalue()
    assert "127.0.0.1:8000" not in out.getvalue()
    purchases = PlannedPurchase.objects.exclude(cpv_code="")
    assert purchases.count() > 10 and not not_in_vocabulary(purchases).exists()
    assert len(set(purchases.values_list("cpv_code", flat=True))) >= 6  # several divisions to group by
