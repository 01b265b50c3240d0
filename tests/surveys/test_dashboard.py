"""The campaign dashboard: exact figures on a known campaign, each linked to a list that opens, charts
that a screen reader can name, and a number of queries that does not grow with the responses."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.dashboard import dashboard_sections
from tests.backoffice.data import DAY1, DAY2, DAY3, figures, known_campaign
from tests.factories import OrganisationFactory, ResponseFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _tables(campaign) -> dict[str, dict[str, tuple[int, ...]]]:  # type: ignore[no-untyped-def]
    return figures(dashboard_sections(campaign))


def test_dashboard_figures_on_a_known_campaign():
    known = known_campaign()

    tables = _tables(known.campaign)

    assert tables["responses"] == {"Started": (6,), "Drafts": (3,), "Submitted": (3,)}
    assert tables["over_time"] == {DAY1.isoformat(): (2, 0), DAY2.isoformat(): (4, 1), DAY3.isoformat(): (0, 2)}
    assert tables["by_country"] == {"France (FR)": (3, 1), "Germany (DE)": (1, 1), "Italy (IT)": (1, 1),
                                    "Netherlands (NL)": (1, 0)}
    assert tables["eligibility"] == {"Eligible": (3,), "Not eligible": (1,), "Needs review": (1,),
                                     "Not assessed yet (no organisation given)": (1,)}
    # Submitted responses only: Zeedorp's draft interest in ZECS is not counted.
    assert tables["interest"] == {"Heavy-duty electric vehicles": (2, 1, 3), "Zero-emission construction sites": (0, 1, 1),
                                  "Circular construction": (0, 1, 1)}
    assert tables["interviews"] == {"Willing to be interviewed (submitted responses)": (3,), "Booked": (2,),
                                    "Held": (1,), "The respondent did not come": (0,), "The respondent declined": (0,),
                                    "Cancelled": (1,)}
    assert tables["offers"] == {"Heavy-duty electric vehicles": (1, 1, 1), "Zero-emission construction sites": (0, 0, 1)}
    assert tables["observers"] == {"Public page": (2, 0, 0), "Declined a group offer": (0, 1, 0),
                                   "Not placed in a group": (0, 0, 1)}


def _rows_listed(html: str) -> int:
    if 'id="result_list"' not in html:
        return 0
    body = html.split('id="result_list"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return body.count("<tr")


def test_every_figure_links_to_a_list_that_shows_as_many_rows(client):
    """Each link opens an admin list (no refused lookup) and, where the list counts, the count matches."""
    known = known_campaign()
    client.force_login(StaffFactory())
    checked = 0
    for section in dashboard_sections(known.campaign):
        for table in section.tables:
            for row in table.rows:
                for cell in row.cells:
                    if cell.url is None:
                        continue
                    answer = client.get(cell.url)
                    assert answer.status_code == 200, (table.key, row.label, cell.url)
                    assert "?e=1" not in answer.get("Location", ""), cell.url  # the admin's "invalid lookup"
                    shown = _rows_listed(answer.content.decode())
                    if cell.value <= 100:
                        assert shown == cell.value, (table.key, row.label, cell.url, shown)
                    checked += 1
    assert checked >= 30


def test_dashboard_page_shows_charts_with_names_and_tables(client):
    known = known_campaign()
    client.force_login(StaffFactory())

    answer = client.get(reverse("admin:surveys_campaign_dashboard", args=[known.campaign.pk]))

    html = answer.content.decode()
    assert answer.status_code == 200
    charts = re.findall(r'<svg class="chart" role="img" aria-label="([^"]+)"[^>]*><title>([^<]+)</title>', html)
    assert ("Responses by country: chart. The table beside it gives the same figures.", "Responses by country") in charts
    assert len(charts) >= 8
    assert '<th scope="row">Germany (DE)</th>' in html
    assert reverse("admin:surveys_campaign_report", args=[known.campaign.pk]) in html
    assert reverse("admin:bigbuyers_exportrecord_download", args=["responses", "xlsx"]) in html
    change = client.get(reverse("admin:surveys_campaign_change", args=[known.campaign.pk])).content.decode()
    assert reverse("admin:surveys_campaign_dashboard", args=[known.campaign.pk]) in change


def test_dashboard_needs_staff_with_the_campaign_view_permission(client):
    known = known_campaign()
    url = reverse("admin:surveys_campaign_dashboard", args=[known.campaign.pk])
    assert client.get(url).status_code == 302  # to the admin's login
    client.force_login(StaffFactory(is_superuser=False))
    assert client.get(url).status_code == 403


def test_dashboard_makes_the_same_number_of_queries_for_few_and_many_responses(client):
    known = known_campaign()
    client.force_login(StaffFactory())
    url = reverse("admin:surveys_campaign_dashboard", args=[known.campaign.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(40):
        ResponseFactory(campaign=known.campaign, status="submitted", submitted_at=known.responses["lyon"].submitted_at,
                        organisation=OrganisationFactory(country=["FR", "DE", "PL", "ES"][n % 4]))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) <= 20, [q["sql"][:120] for q in many.captured_queries]


def test_the_dashboard_offers_only_the_exports_the_staff_member_may_download(client):
    from django.contrib.auth.models import Permission

    from bigbuyers.models import User

    known = known_campaign()
    viewer = User.objects.create_user("viewer@secretariat.example", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_campaign"))
    client.force_login(viewer)
    url = reverse("admin:surveys_campaign_dashboard", args=[known.campaign.pk])

    def exports() -> list[str]:
        html = client.get(url).content.decode()
        return re.findall(r'href="(/admin/bigbuyers/exportrecord/download/[^"]+)"', html)

    assert exports() == []  # none of the eight it showed, each answering 403
    viewer.user_permissions.add(Permission.objects.get(codename="export_responses"))
    viewer = User.objects.get(pk=viewer.pk)  # the permission cache is per object
    client.force_login(viewer)
    links = exports()
    assert len(links) == 3 and all("/download/responses." in link for link in links)
    assert all(client.get(link.replace("&amp;", "&")).status_code == 200 for link in links)
    client.force_login(StaffFactory())
    assert len(exports()) == 8
