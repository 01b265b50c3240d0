"""The admin lists the secretariat works in: a fixed number of queries whatever the number of rows,
search on names and e-mail addresses, and every filter the dashboard links to.

Every registered ModelAdmin's list and one of its change pages, and every page of the admin's own
(dashboards, reports, previews, forms), is counted in the access matrix's world at a small and a large
size (tests/security/growth.py): a new ModelAdmin is counted without a line here, a new admin page
needs a row in ADMIN_PAGES.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, reverse

from bigbuyers.models import BulkEmail, ExportRecord
from communities.models import Community, Event, GroupToEstablish, TravelClaim
from groups.models import Interview, InterviewSlot, MatchingRun, WorkingGroup
from surveys.models import Campaign, Respondent, Response
from tests.factories import (
    CampaignFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    ResponseFactory,
    StaffFactory,
    UserFactory,
    interest,
)
from tests.security.growth import furnish, grow
from tests.security.query_counts import difference, visit
from tests.security.test_access_matrix import portal_world

pytestmark = pytest.mark.django_db


def _response(campaign, n: int) -> None:  # type: ignore[no-untyped-def]
    response = ResponseFactory(campaign=campaign, organisation=OrganisationFactory(name=f"Body {n}", country="FR"),
                               eligibility="needs_review" if n % 2 else "eligible", contact_name=f"Person {n}")
    interest(response, "hdev", 1 + n % 2)


def _export_record(n: int) -> None:
    ExportRecord.objects.create(user=UserFactory(), kind="responses", title=f"Export {n}", format="csv", row_count=n)


def _bulk_email(n: int) -> None:
    BulkEmail.objects.create(subject=f"Subject {n}", body="Body", source="responses", audience="Someone",
                             created_by=UserFactory())


def _membership(n: int) -> None:
    MembershipFactory(organisation=OrganisationFactory(name=f"Member body {n}"))


def _claim(n: int) -> None:
    membership = MembershipFactory(organisation=OrganisationFactory(name=f"Claimant {n}"))
    TravelClaim.objects.create(event=EventFactory(community=membership.community, in_person=True),
                               membership=membership, travel=Decimal("10"))


LISTS = {
    "surveys_response": _response,
    "surveys_eligibilityreview": _response,
    "surveys_organisation": lambda campaign, n: OrganisationFactory(name=f"Organisation {n}"),
    "bigbuyers_exportrecord": lambda campaign, n: _export_record(n),
    "bigbuyers_bulkemail": lambda campaign, n: _bulk_email(n),
    "communities_membership": lambda campaign, n: _membership(n),
    "communities_travelclaim": lambda campaign, n: _claim(n),
}


@pytest.mark.parametrize("model", LISTS)
def test_list_makes_the_same_number_of_queries_for_1_and_many_rows(client, campaign, model):
    client.force_login(StaffFactory())
    url = reverse(f"admin:{model}_changelist")
    add = LISTS[model]
    add(campaign, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(1, 31):
        add(campaign, n)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one) <= 14, [q["sql"][:100] for q in many.captured_queries]


def test_responses_list_counts_queries_with_filters_and_search(client, campaign):
    client.force_login(StaffFactory())
    url = (reverse("admin:surveys_response_changelist")
           + f"?campaign__id__exact={campaign.pk}&eligibility__exact=eligible&area=1:2&q=Body")
    _response(campaign, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(1, 31):
        _response(campaign, n)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def test_responses_are_found_by_organisation_contact_or_e_mail_without_duplicates(client):
    campaign = CampaignFactory()
    lyon = ResponseFactory(campaign=campaign, organisation=OrganisationFactory(name="Métropole de Lyon"),
                           respondent=UserFactory(email="anna.keller@grandlyon.example"), contact_name="Anna Keller")
    Respondent.objects.create(response=lyon, user=UserFactory(email="second@grandlyon.example"), campaign=campaign)
    ResponseFactory(campaign=campaign, organisation=OrganisationFactory(name="Stadt Köln"),
                    respondent=UserFactory(email="jonas@koeln.example"))
    client.force_login(StaffFactory())
    url = reverse("admin:surveys_response_changelist")

    def found(term: str) -> list[str]:
        return [r.organisation.name for r in client.get(url, {"q": term}).context["cl"].result_list]

    assert found("lyon") == ["Métropole de Lyon"]  # organisation name, any case
    assert found("grandlyon.example") == ["Métropole de Lyon"]  # e-mail: two respondents match, listed once
    assert found("keller") == ["Métropole de Lyon"]  # contact person
    assert found("koeln") == ["Stadt Köln"]
    assert found("Stadt koeln") == ["Stadt Köln"]  # every word must match somewhere
    assert found("nobody") == []


def test_organisations_are_found_by_name(client):
    OrganisationFactory(name="Comune di Valdoro")
    OrganisationFactory(name="Gemeente Zeedorp")
    client.force_login(StaffFactory())
    answer = client.get(reverse("admin:surveys_organisation_changelist"), {"q": "valdoro"})
    assert [o.name for o in answer.context["cl"].result_list] == ["Comune di Valdoro"]


def test_area_filter_by_level(client, campaign):
    client.force_login(StaffFactory())
    high = ResponseFactory(campaign=campaign, organisation=OrganisationFactory(name="High"))
    low = ResponseFactory(campaign=campaign, organisation=OrganisationFactory(name="Low"))
    interest(high, "hdev", 2)
    interest(low, "hdev", 1)
    area = campaign.areas.get(code="hdev").pk
    url = reverse("admin:surveys_response_changelist")

    def listed(value: str) -> set[str]:
        return {r.organisation.name for r in client.get(url, {"area": value}).context["cl"].result_list}

    assert listed(f"{area}:2") == {"High"} and listed(f"{area}:1") == {"Low"} and listed(str(area)) == {"High", "Low"}


# The object whose change page is counted, where the first row is not the one that gains related rows.
CHANGE_OBJECT: dict[type, Callable[[Any], Any]] = {
    Campaign: lambda w: w.campaign,
    Response: lambda w: w.response_a,
    MatchingRun: lambda w: w.draft_run,  # its pins and exclusions are inlines while it is a draft
    WorkingGroup: lambda w: w.offer_a.group,
    GroupToEstablish: lambda w: w.offer_a.group,
    InterviewSlot: lambda w: w.interview_slot,
    Community: lambda w: w.communities.objects["community"],
    Event: lambda w: w.communities.objects["event"],
    TravelClaim: lambda w: w.communities.objects["claim"],
    BulkEmail: lambda w: w.bulk_email,
}


def _campaign(w: Any) -> list[object]:
    return [w.campaign.pk]


# The admin's own pages: URL name -> (arguments, query string), or None for those not counted here (why beside).
ADMIN_PAGES: dict[str, tuple[Callable[[Any], list[object]], Callable[[Any], str]] | None] = {
    "index": (lambda w: [], lambda w: ""),
    "app_list": (lambda w: ["surveys"], lambda w: ""),
    "bigbuyers_bulkemail_preview": (lambda w: [w.bulk_email.pk], lambda w: ""),
    "surveys_campaign_extend_deadline": (_campaign, lambda w: ""),
    "surveys_campaign_dashboard": (_campaign, lambda w: ""),
    "surveys_campaign_report": (_campaign, lambda w: ""),
    "surveys_response_decide_eligibility": (lambda w: [w.response_a.pk], lambda w: ""),
    "surveys_campaign_preview_start": (_campaign, lambda w: "?language=fr"),
    "surveys_campaign_preview": (lambda w: [w.campaign.pk, "plans"], lambda w: "?language=de"),
    "surveys_campaign_questionnaire_copy": (_campaign, lambda w: ""),
    "surveys_campaign_questionnaire_import": (_campaign, lambda w: ""),
    "groups_matchingrun_demand_index": (lambda w: [], lambda w: ""),
    "groups_matchingrun_demand": (_campaign, lambda w: ""),
    "groups_matchingrun_compare": (lambda w: [], lambda w: "?ids=" + ",".join(
        str(pk) for pk in MatchingRun.objects.order_by("pk").values_list("pk", flat=True)[:6])),
    "groups_matchingrun_bodies": (lambda w: [w.run.pk], lambda w: ""),
    "groups_matchingrun_publish": (lambda w: [w.run.pk], lambda w: ""),  # published: back to the run's page
    "groups_interviewslot_series": (lambda w: [], lambda w: ""),
    "groups_interviewslot_invite": (lambda w: [], lambda w: ""),
    "groups_interviewslot_assign": (lambda w: [], lambda w: ""),
    "groups_interview_reschedule": (lambda w: [Interview.objects.get(response=w.response_a, status="booked").pk],
                                    lambda w: ""),
    # Not counted: POST-only buttons, the sign-in and password pages, JavaScript and redirects, and the exports
    # (streamed in chunks of rows; tests/surveys/test_exports.py).
    "bigbuyers_bulkemail_send": None, "groups_matchingrun_solve": None, "groups_matchingrun_copy": None,
    "groups_matchingrun_send_offers": None, "login": None, "logout": None, "password_change": None,
    "password_change_done": None, "autocomplete": None, "jsi18n": None, "view_on_site": None,
    "bigbuyers_exportrecord_download": None, "surveys_campaign_questionnaire_export": None,
    # django-otp's pages of one staff member's device (its QR code), whose queries do not depend on our data.
    "otp_totp_totpdevice_config": None, "otp_totp_totpdevice_qrcode": None,
}
MODEL_PAGES = ("_changelist", "_add", "_change", "_delete", "_history")


def _admin_page_names() -> set[str]:
    names = set()
    for pattern in admin.site.get_urls():
        inner = pattern.url_patterns if isinstance(pattern, URLResolver) else [pattern]
        names |= {p.name for p in inner if isinstance(p, URLPattern) and p.name and not p.name.endswith(MODEL_PAGES)}
    return names


def _admin_pages(world: Any) -> list[tuple[str, str]]:
    """(label, address) of every list, one change page per ModelAdmin, and the admin's own pages."""
    pages = []
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append((f"{model._meta.label} list", reverse(f"{prefix}_changelist")))
        obj = CHANGE_OBJECT.get(model, lambda w, model=model: model._default_manager.order_by("pk").first())(world)
        if obj is not None:
            pages.append((f"{model._meta.label} change", reverse(f"{prefix}_change", args=[obj.pk])))
    for name, page in sorted(ADMIN_PAGES.items()):
        if page is not None:
            args, query = page
            pages.append((name, reverse(f"admin:{name}", args=args(world)) + query(world)))
    return pages


def test_every_admin_page_has_a_row():
    names = _admin_page_names()
    counted = {name for name, page in ADMIN_PAGES.items() if page is not None}
    assert names >= counted, f"rows without a page: {counted - names}"
    assert names <= set(ADMIN_PAGES), f"admin pages without a row in ADMIN_PAGES: {names - set(ADMIN_PAGES)}"


def test_every_admin_page_makes_as_many_queries_with_many_rows_as_with_few():
    world = portal_world()
    furnish(world)
    grow(world, size=1, tag="small")
    staff = StaffFactory(email="superuser@secretariat.example")  # every admin page, those of superusers too
    pages = _admin_pages(world)
    small = {label: visit(staff, url, follow=True) for label, url in pages}
    grow(world, size=30, tag="large")
    problems = [problem for label, url in pages
                if (problem := difference(small[label], visit(staff, url, follow=True), label=f"{label} {url}"))]
    assert len(small) > 2 * len(admin.site._registry), "some change pages had no object"
    assert not problems, "\n".join(problems)
