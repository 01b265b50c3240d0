"""The secretariat's group-formation pages: demand picture (with its query count), runs, comparison, publishing."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from groups.models import GroupOffer, MatchingRun, ObserverSubscription, OfferRole, RunStatus, WorkingGroup
from groups.services import formation as services
from surveys.models import AreaChallenge, PlannedPurchase
from tests.factories import AREAS, CampaignFactory, submitted_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():  # type: ignore[no-untyped-def]
    return CampaignFactory(areas=AREAS, expected_groups=2, name="Big Buyers Working Together")


def _body_with_needs(campaign, index: int, country: str = "FR"):  # type: ignore[no-untyped-def]
    body = submitted_body(campaign, {"hdev": 2, "zecs": 1}, country=country, name=f"City {index}")
    hdev = campaign.areas.get(code="hdev")
    PlannedPurchase.objects.create(response=body, area=hdev, description=f"Electric buses {index}",
                                   cpv_code="34144910-0")
    AreaChallenge.objects.create(response=body, area=hdev, text=f"Charging at depots {index}")
    return body


def test_the_demand_picture_shows_charts_and_tables_of_the_interest(staff_client, campaign):
    _body_with_needs(campaign, 1, "DE")
    _body_with_needs(campaign, 2, "FR")
    submitted_body(campaign, {"cc": 1}, country="FR", body_type="regional_authority")
    submitted_body(campaign, {"cc": 2}, eligibility="not_eligible")
    page = staff_client.get(reverse("admin:groups_matchingrun_demand", args=[campaign.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('role="img"') == 4 and '<title id="chart-areas-title">Interest per area</title>' in html
    assert 'aria-label="Interest per area"' in html and "<desc id=\"chart-areas-desc\">" in html
    # HDEV: 2 high priority, weighted 6; CC: 1 interested and 1 high priority (all submitted responses).
    assert ('<tr><th scope="row">Heavy-duty electric vehicles</th><td>2</td><td>0</td><td>2</td><td>6</td>'
            "<td>2</td><td>2</td></tr>") in html
    assert '<tr><th scope="row">Circular construction</th><td>1</td><td>1</td><td>2</td><td>4</td>' in html
    assert "Germany" in html and "Regional authority" in html
    assert "Electric buses 2 [34144910-0 – Electric buses]" in html and "Charging at depots 1" in html
    assert "34144910-0 – Electric buses (2)" in html  # the most frequent codes, with their labels
    # By CPV division and group: "34 – Transport equipment…: 2 bodies", and no code to look at.
    assert ('<tr class="cpv-division"><th scope="row">34 – Transport equipment and auxiliary products to '
            'transportation</th><td>2</td><td>2</td></tr>') in html
    assert '<tr class="cpv-group"><th scope="row">341 – Motor vehicles</th><td>2</td><td>2</td></tr>' in html
    assert "not in the CPV vocabulary" not in html
    eligible = staff_client.get(reverse("admin:groups_matchingrun_demand", args=[campaign.pk]) + "?eligible=1")
    assert '<tr><th scope="row">Circular construction</th><td>0</td><td>1</td>' in eligible.content.decode()
    # In French the figures read "2,5" but the drawing's coordinates stay numbers SVG understands.
    french = staff_client.get(reverse("admin:groups_matchingrun_demand", args=[campaign.pk]),
                              HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    charts = "".join(re.findall(r'<figure class="bar-chart">.*?</figure>', french, flags=re.S))
    coordinates = re.findall(r'\b(?:x|y|width|height)="([^"]*)"', charts)
    assert coordinates and not [v for v in coordinates if not re.fullmatch(r"-?\d+(\.\d+)?", v)]


def test_the_demand_picture_flags_codes_outside_the_vocabulary(staff_client, campaign):
    body = _body_with_needs(campaign, 1)
    PlannedPurchase.objects.create(response=body, description="Old buses", cpv_code="34144910-9",
                                   area=campaign.areas.get(code="hdev"))
    html = staff_client.get(reverse("admin:groups_matchingrun_demand", args=[campaign.pk])).content.decode()
    flag = (f'<a href="/admin/surveys/plannedpurchase/?response__campaign__id__exact={campaign.pk}&amp;cpv=unknown">'
            "1 planned purchase has a code that is not in the CPV vocabulary</a>")
    assert flag in html and "Old buses [34144910-9 (not in the CPV vocabulary)]" in html
    listed = staff_client.get(f"/admin/surveys/plannedpurchase/?response__campaign__id__exact={campaign.pk}&cpv=unknown")
    assert listed.status_code == 200
    page = listed.content.decode()
    assert "Old buses" in page and "34144910-9 (not in the CPV vocabulary)" in page and "Electric buses 1" not in page


def test_the_demand_picture_takes_the_same_queries_for_one_response_and_for_many(staff_client, campaign):
    url = reverse("admin:groups_matchingrun_demand", args=[campaign.pk])
    _body_with_needs(campaign, 0)
    staff_client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as one:
        assert staff_client.get(url).status_code == 200
    for index in range(1, 30):
        _body_with_needs(campaign, index, country=["DE", "FR", "IT", "NO"][index % 4])
    with CaptureQueriesContext(connection) as many:
        assert staff_client.get(url).status_code == 200
    assert len(one) == len(many), [q["sql"][:120] for q in many.captured_queries]


def test_staff_create_a_run_pin_and_exclude_solve_and_see_its_bodies(staff_client, campaign, committed):
    bodies = [submitted_body(campaign, {"hdev": 2, "zecs": 1}, name=f"City {i}") for i in range(4)]
    other_campaign_body = submitted_body(CampaignFactory(areas=AREAS), {"hdev": 2})
    add = reverse("admin:groups_matchingrun_add")
    assert 'value="2"' in staff_client.get(add + f"?campaign={campaign.pk}").content.decode()  # K of the campaign
    answer = staff_client.post(add, {"campaign": campaign.pk, "label": "first", "groups": 1, "min_size": 2,
                                     "max_size": 3, "max_groups_per_body": 1, "time_limit": 10})
    run = MatchingRun.objects.get()
    assert answer.status_code == 302 and run.is_draft and run.created_by is not None

    change = reverse("admin:groups_matchingrun_change", args=[run.pk])
    form = {"campaign": campaign.pk, "label": "first", "groups": 1, "min_size": 2, "max_size": 3,
            "max_groups_per_body": 1, "time_limit": 10,
            "pins-TOTAL_FORMS": 1, "pins-INITIAL_FORMS": 0, "pins-0-response": other_campaign_body.pk,
            "pins-0-area": campaign.areas.get(code="hdev").pk,
            "exclusions-TOTAL_FORMS": 1, "exclusions-INITIAL_FORMS": 0, "exclusions-0-response": bodies[3].pk}
    refused = staff_client.post(change, form)
    assert refused.status_code == 200 and "This body answered another campaign." in refused.content.decode()
    form["pins-0-response"] = bodies[0].pk
    assert staff_client.post(change, form).status_code == 302
    assert run.pins.count() == 1 and run.exclusions.count() == 1

    with committed():
        answer = staff_client.post(reverse("admin:groups_matchingrun_solve", args=[run.pk]))
    run.refresh_from_db()
    assert answer.status_code == 302 and run.status == RunStatus.DONE
    html = staff_client.get(change).content.decode()
    assert "Total interest met 9" in html and "Heavy-duty electric vehicles" in html and "Publish…" in html
    assert "min-cost flows (OR-Tools)" in html or "integer programme" in html, "how it was solved, in words"
    assert staff_client.get(reverse("admin:groups_matchingrun_solve", args=[run.pk])).status_code == 405
    bodies_page = staff_client.get(reverse("admin:groups_matchingrun_bodies", args=[run.pk]))
    text = bodies_page.content.decode()
    assert "City 0" in text and "pinned" in text and "Excluded by the secretariat." in text
    unplaced = staff_client.get(reverse("admin:groups_matchingrun_bodies", args=[run.pk]) + "?show=excluded")
    assert "City 3" in unplaced.content.decode() and "City 1" not in unplaced.content.decode()


def test_the_pinned_and_excluded_bodies_search_only_the_runs_campaign(staff_client, campaign, staff):
    ours = submitted_body(campaign, {"hdev": 2}, name="Stadt Lindenau")
    submitted_body(CampaignFactory(areas=AREAS), {"hdev": 2}, name="Stadt Lindental")  # another campaign's body
    run = MatchingRun.objects.create(campaign=campaign, groups=1, created_by=staff)
    html = staff_client.get(reverse("admin:groups_matchingrun_change", args=[run.pk])).content.decode()
    urls = set(re.findall(r'data-ajax--url="([^"]+)"', html))
    assert urls == {f"/admin/autocomplete/?campaign={campaign.pk}"}, urls
    (url,) = urls
    for model_name in ("matchingpin", "matchingexclusion"):  # select2 adds its parameters to the widget's URL
        found = staff_client.get(f"{url}&term=Stadt&app_label=groups&model_name={model_name}&field_name=response").json()
        assert [item["id"] for item in found["results"]] == [str(ours.pk)], found
    # Without a campaign (the planned purchases' own autocomplete), every response may be chosen.
    everyone = staff_client.get("/admin/autocomplete/", {"term": "Stadt", "app_label": "surveys",
                                                         "model_name": "plannedpurchase", "field_name": "response"})
    assert len(everyone.json()["results"]) == 2


def test_runs_are_compared_side_by_side(staff_client, campaign, staff, committed):
    for index in range(4):
        submitted_body(campaign, {"hdev": 2, "zecs": 1, "cc": 1}, name=f"City {index}")
    runs = []
    for share, label in ((None, "no share"), (0.5, "half")):
        run = services.create_run(campaign, by=staff, label=label, groups=2, min_size=1, max_size=4,
                                  max_country_share=share)
        with committed():
            services.queue_run(run)
        runs.append(run)
    answer = staff_client.post(reverse("admin:groups_matchingrun_changelist"),
                               {"action": "compare_runs", "_selected_action": [r.pk for r in runs]})
    assert answer.status_code == 302 and "compare/?ids=" in answer["Location"]
    html = staff_client.get(answer["Location"]).content.decode()
    assert "no share" in html and "half" in html and "50\xa0%" in html and "0.00\xa0%" in html
    assert "Heavy-duty electric vehicles" in html and "Bodies served" in html
    french = staff_client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "0,00\xa0%" in french, "figures in the notation of the staff member's language"


def test_publishing_from_the_admin_asks_first_then_creates_the_groups(staff_client, campaign, staff, committed):
    for index in range(3):
        submitted_body(campaign, {"hdev": 2}, name=f"City {index}", email=f"buyer{index}@city.example")
    run = services.create_run(campaign, by=staff, groups=1, min_size=2, max_size=3)
    with committed():
        services.queue_run(run)
    url = reverse("admin:groups_matchingrun_publish", args=[run.pk])
    confirm = staff_client.get(url).content.decode()
    assert "Publish and send the offers" in confirm and "3 of 3 bodies are placed" in confirm
    assert not WorkingGroup.objects.exists()
    with committed():
        staff_client.post(url)
    assert WorkingGroup.objects.count() == 1 and GroupOffer.objects.count() == 3 and len(mail.outbox) == 3
    with committed():
        staff_client.post(url)
    assert GroupOffer.objects.count() == 3 and len(mail.outbox) == 3

    group = WorkingGroup.objects.get()
    assert staff_client.get(reverse("admin:groups_workinggroup_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:groups_workinggroup_change", args=[group.pk])).status_code == 200
    assert staff_client.get(reverse("admin:groups_groupoffer_changelist")).status_code == 200


def test_the_communities_admin_establishes_a_group_with_enough_commitments(staff_client, campaign, staff, committed):
    bodies = [submitted_body(campaign, {"hdev": 2}, name=f"City {i}") for i in range(3)]
    run = services.create_run(campaign, by=staff, groups=1, min_size=2, max_size=3)
    with committed():
        services.queue_run(run)
    with committed():
        services.publish_run(run, by=staff)
    group = WorkingGroup.objects.get()
    changelist = reverse("admin:communities_grouptoestablish_changelist")
    services.accept_offer(GroupOffer.objects.get(response=bodies[0]), role=OfferRole.LEADER, by=None)
    answer = staff_client.post(changelist, {"action": "establish", "_selected_action": [group.pk]}, follow=True)
    assert "has 1 commitment; it needs at least 2" in answer.content.decode() and not Community.objects.exists()
    services.accept_offer(GroupOffer.objects.get(response=bodies[1]), role=OfferRole.FOLLOWER, by=None)
    with committed():
        answer = staff_client.post(changelist, {"action": "establish", "_selected_action": [group.pk]}, follow=True)
    assert "1 community is open; its members are told by e-mail." in answer.content.decode()
    community = Community.objects.get(source_group_id=group.pk)
    assert community.memberships.count() == 2
    assert community.name in staff_client.get(changelist).content.decode()


def test_observer_subscriptions_are_listed_and_exported_with_unsubscribe_links(staff_client):
    active = ObserverSubscription.objects.create(email="marta@example.org", confirmed_at=timezone.now())
    ObserverSubscription.objects.create(email="pending@example.org")
    changelist = reverse("admin:groups_observersubscription_changelist")
    assert "marta@example.org" in staff_client.get(changelist + "?active=yes").content.decode()
    answer = staff_client.post(changelist, {"action": "export_active", "_selected_action": [
        s.pk for s in ObserverSubscription.objects.all()]})
    body = b"".join(answer.streaming_content).decode()
    assert "marta@example.org" in body and f"/observers/unsubscribe/{active.token}/" in body
    assert "pending@example.org" not in body
