"""Group formation in a browser: the secretariat runs and publishes a matching in the admin; a placed body
commits from the e-mailed link; another declines and joins the Observer Group, confirming its address."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from groups.models import GroupOffer, MatchingRun, ObserverSource, ObserverSubscription, OfferStatus, WorkingGroup
from surveys.demo import AREAS_2023
from tests.browser.checks import axe_violations, html_errors
from tests.browser.helpers import link_in_last_email
from tests.factories import CampaignFactory, StaffFactory, submitted_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (organisation, country, interests by area code: 2 high priority, 1 interested)
BODIES = [
    ("Stadt Lindenau", "DE", {"hdev": 2, "zecs": 1}),
    ("Ville de Montclair", "FR", {"hdev": 2, "mobility": 1}),
    ("Gemeente Westerhaven", "NL", {"hdev": 2, "cc": 1}),
    ("Comune di Valdoro", "IT", {"hdev": 1, "zecs": 2}),
    ("Kommune Fjordvik", "NO", {"zecs": 2, "cc": 2}),
    ("Ayuntamiento de Sierra Alta", "ES", {"zecs": 2, "solar": 1}),
    ("Miasto Brzozów", "PL", {"cc": 2, "zecs": 1}),
    ("Landkreis Oberfeld", "DE", {"cc": 2, "hdev": 1}),
    ("Region Nordmark", "SE", {"social": 2}),
]


def _sign_in_to_the_admin(page, staff) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", "staff-password-123")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Campaigns, responses and communities").wait_for()


def test_staff_run_and_publish_a_matching_then_bodies_accept_or_decline_and_observe(page, browser, live_server):
    campaign = CampaignFactory(slug="bbwt-2023", name="Big Buyers Working Together 2023", expected_groups=3,
                               areas=[(code, name) for code, name, _description in AREAS_2023])
    bodies = {name: submitted_body(campaign, interests, country=country, name=name,
                                   email=f"contact@{name.split()[-1].lower()}.example")
              for name, country, interests in BODIES}
    staff = StaffFactory(email="ines@secretariat.example")

    # The secretariat looks at the demand, then starts a run: three groups of three to four bodies.
    _sign_in_to_the_admin(page, staff)
    page.goto("/admin/groups/matchingrun/")
    page.get_by_role("link", name="Demand picture").click()
    page.get_by_role("link", name=campaign.name).click()
    page.get_by_role("img", name="Interest per area").wait_for()
    assert not axe_violations(page), "the charts and tables of the demand picture"
    assert not html_errors({"demand picture": page.content()})
    page.get_by_role("link", name="Start a matching run for this campaign").click()
    assert page.get_by_label("Groups to form (K)").input_value() == "3"
    page.get_by_label("Campaign").select_option(label=campaign.name)
    page.get_by_label("Label").fill("three groups")
    page.get_by_label("Minimum group size").fill("3")
    page.get_by_label("Maximum group size").fill("4")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_role("button", name="Solve this run").click()
    page.get_by_text("The run is queued").wait_for()
    run = MatchingRun.objects.get()
    assert run.status == "done" and run.optimal  # the task ran at once (eager, as in `make run`)
    assert "Done" in page.locator(".field-status").inner_text()
    assert "Optimal" in page.locator(".field-solver_status").inner_text()

    page.goto(f"/admin/groups/matchingrun/compare/?ids={run.pk}")
    assert not axe_violations(page)
    page.goto(f"/admin/groups/matchingrun/{run.pk}/bodies/")
    assert not axe_violations(page)
    page.goto(f"/admin/groups/matchingrun/{run.pk}/change/")
    page.get_by_role("link", name="Publish…").click()
    page.get_by_role("button", name="Publish and send the offers").click()
    page.get_by_text("Published: 3 working groups").wait_for()
    assert set(WorkingGroup.objects.values_list("area__code", flat=True)) == {"hdev", "zecs", "cc"}
    assert "contact@nordmark.example" in {m.to[0] for m in mail.outbox}, "the unplaced body is invited to observe"

    # Lindenau opens its offer from the e-mail, without signing in, in its browser's language (German),
    # and commits as the leader.
    lindenau = page.context.browser.new_context(base_url=live_server.url, locale="de-DE", timezone_id="Europe/Berlin")
    buyer = lindenau.new_page()
    buyer.goto(link_in_last_email("contact@lindenau.example"))
    buyer.get_by_role("heading", name="Ihre Gruppenangebote").wait_for()
    assert buyer.locator("html").get_attribute("lang") == "de"
    assert not axe_violations(buyer)
    offer = GroupOffer.objects.get(response=bodies["Stadt Lindenau"], group__area__code="hdev")
    section = buyer.locator(f"section[aria-labelledby='offer-{offer.pk}-title']")
    section.get_by_role("button", name=re.compile("^Dieser Gruppe zusagen")).click()
    buyer.get_by_role("heading", name="Es ist ein Problem aufgetreten").wait_for()  # no role chosen yet
    section = buyer.locator(f"section[aria-labelledby='offer-{offer.pk}-title']")
    section.get_by_role("radio", name=re.compile(r"Leitende Stelle: koordiniert")).check()
    section.get_by_role("button", name=re.compile("^Dieser Gruppe zusagen")).click()
    buyer.get_by_role("heading", name="Ihre Zusage ist gespeichert").wait_for()
    assert "Stadt Lindenau hat die Teilnahme an der Gruppe" in buyer.locator("main").inner_text()
    offer.refresh_from_db()
    assert (offer.status, offer.role, offer.responded_by.email) == (OfferStatus.ACCEPTED, "leader",
                                                                    "contact@lindenau.example")
    lindenau.close()

    # Fjordvik declines its place and joins the Observer Group instead, confirming from the e-mail.
    page.context.clear_cookies()
    page.goto(link_in_last_email("contact@fjordvik.example"))
    declined = GroupOffer.objects.filter(response=bodies["Kommune Fjordvik"]).select_related("group__area").first()
    section = page.locator(f"section[aria-labelledby='offer-{declined.pk}-title']")
    section.get_by_role("button", name=re.compile("^Decline this group")).click()
    page.get_by_role("heading", name="You declined the group").wait_for()
    assert not axe_violations(page)
    assert page.get_by_label("E-mail address").input_value() == "contact@fjordvik.example"
    assert page.get_by_label("Organisation (optional)").input_value() == "Kommune Fjordvik"
    page.get_by_role("button", name="Join the Observer Group").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    declined.refresh_from_db()
    assert declined.status == OfferStatus.DECLINED
    subscription = ObserverSubscription.objects.get(email="contact@fjordvik.example")
    assert subscription.source == ObserverSource.DECLINED and not subscription.is_active

    page.goto(link_in_last_email("contact@fjordvik.example"))
    page.get_by_role("button", name="Confirm and join the Observer Group").click()
    page.get_by_role("heading", name="Welcome to the Observer Group").wait_for()
    subscription.refresh_from_db()
    assert subscription.is_active
    assert "/observers/unsubscribe/" in mail.outbox[-1].body
