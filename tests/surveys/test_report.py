"""The needs-assessment report: what the submitted responses say, printable, and with no personal data."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.dashboard import report_sections
from surveys.models import AreaChallenge, PlannedPurchase, Respondent, Response
from surveys.report import shared_words
from tests.backoffice.data import figures, known_campaign
from tests.factories import OrganisationFactory, ResponseFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _tables(campaign) -> dict[str, dict[str, tuple[int, ...]]]:  # type: ignore[no-untyped-def]
    return figures(report_sections(campaign))


def test_report_figures_on_a_known_campaign():
    known = known_campaign()
    hdev = known.campaign.areas.get(code="hdev")

    tables = _tables(known.campaign)

    assert tables["report_by_country"] == {"France": (1,), "Germany": (1,), "Italy": (1,)}
    assert tables["report_by_body_type"] == {"Local authority": (3,)}
    assert tables["report_areas"] == {"Heavy-duty electric vehicles": (2, 3), "Zero-emission construction sites": (0, 1),
                                      "Circular construction": (0, 1)}
    # Codes with the vocabulary's labels, and by division and group (bodies, purchases).
    assert tables["report_cpv"] == {"34144910-0 – Electric buses": (3, 3)}
    assert tables["report_cpv_divisions"] == {"34 – Transport equipment and auxiliary products to transportation": (3, 3)}
    assert tables["report_cpv_groups"] == {"341 – Motor vehicles": (3, 3)}
    assert tables["report_challenges"] == {"Heavy-duty electric vehicles": (3,), "Zero-emission construction sites": (0,),
                                           "Circular construction": (0,)}
    # "charging" is in the three texts; "keller" in one only, so it is not listed.
    assert tables[f"report_words_{hdev.pk}"] == {"charging": (3,)}
    assert tables["report_groups"] == {"Heavy-duty electric vehicles": (3, 1, 1), "Zero-emission construction sites": (1, 0, 0)}


def test_shared_words_count_bodies_and_keep_only_words_several_bodies_used():
    texts = [(1, "Charging, charging and CHARGING"), (1, "Charging costs"), (1, "charging and costs; Ms Keller"),
             (2, "Costs"), (2, "costs"), (2, "Costs")]
    assert shared_words(texts) == {1: [("charging", 3)], 2: [("costs", 3)]}


def test_report_holds_no_personal_data(client):
    known = known_campaign()
    # Personal data wherever a respondent could have typed it; the report must show none of it.
    lyon = known.responses["lyon"]
    Response.objects.filter(pk=lyon.pk).update(
        general_challenges="Call Anna Keller on +33 1 23 45 67 89", recommendations="Write to anna.keller@lyon.example",
        other_area_interest="Ask Jonas Weber")
    PlannedPurchase.objects.create(response=lyon, description="Buses, ask Anna Keller", cpv_code="34144910-0")
    client.force_login(StaffFactory(email="secretariat@bigbuyers.example", full_name="Sam Secretariat"))

    answer = client.get(reverse("admin:surveys_campaign_report", args=[known.campaign.pk]))

    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Big Buyers Working Together" in html and "The most cited challenges" in html
    personal = set()
    for response in Response.objects.filter(campaign=known.campaign):
        personal |= {response.contact_name, response.contact_phone, response.contact_role}
        personal |= {part for part in response.contact_name.split() if len(part) > 3}
    personal |= set(Respondent.objects.filter(response__campaign=known.campaign).values_list("user__email", flat=True))
    personal |= {"secretariat@bigbuyers.example", "Sam Secretariat", "@"}
    personal.discard("")
    for value in personal:
        assert value.lower() not in html.lower(), value
    assert not re.search(r"\+\d{2} \d", html)  # no telephone number


def test_report_page_is_printable_and_staff_only(client):
    known = known_campaign()
    url = reverse("admin:surveys_campaign_report", args=[known.campaign.pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())  # signed in, not staff
    assert client.get(url)["Location"].startswith(reverse("admin:login"))
    client.force_login(StaffFactory())
    html = client.get(url).content.decode()
    assert "css/report.css" in html and 'role="img"' in html and "<title>Bodies by country</title>" in html
    assert "Save as PDF" in html


def test_report_without_published_groups_says_so(client):
    known = known_campaign()
    known.groups["hdev"].run.__class__.objects.update(published_at=None, status="done")
    sections = {s.key: s for s in report_sections(known.campaign)}
    assert sections["chosen_groups"].tables[0].rows == [] and "not chosen yet" in sections["chosen_groups"].note


def test_report_makes_the_same_number_of_queries_for_few_and_many_responses(client):
    known = known_campaign()
    client.force_login(StaffFactory())
    url = reverse("admin:surveys_campaign_report", args=[known.campaign.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    hdev = known.campaign.areas.get(code="hdev")
    for n in range(30):
        response = ResponseFactory(campaign=known.campaign, status="submitted", submitted_at=known.responses["lyon"].submitted_at,
                                   organisation=OrganisationFactory(country=["FR", "PL", "ES"][n % 3]))
        AreaChallenge.objects.create(response=response, area=hdev, text=f"Charging number {n}")
        PlannedPurchase.objects.create(response=response, description="Electric buses", cpv_code="34144910-0")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few) <= 22
