"""Exports of personal data: every answer in its column, special characters kept, formulas neutralised,
XLSX that opens, a permission (403 without it) and a record of each download."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from bigbuyers.models import ExportRecord
from surveys.models import AreaChallenge, LateRequest, PlannedPurchase, Respondent, Response
from tests.backoffice.data import known_campaign
from tests.factories import (
    CampaignFactory,
    MembershipFactory,
    OrganisationFactory,
    ResponseFactory,
    StaffFactory,
    UserFactory,
    interest,
    staff_with,
)

pytestmark = pytest.mark.django_db

TRICKY_NAME = 'Ville d\'Évry-Courcouronnes, "Grand Paris Sud"'
MULTILINE = "First line, with a comma\nSecond line: “quoted” — and ünïcödé\r\nThird"


def _download(client, kind: str, fmt: str, **params):  # type: ignore[no-untyped-def]
    return client.get(reverse("admin:bigbuyers_exportrecord_download", args=[kind, fmt]), params)


def _csv(answer) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    text = b"".join(answer.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _xlsx(answer) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    workbook = load_workbook(io.BytesIO(b"".join(answer.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    # Empty cells are not written, so a row may end early.
    return [dict(zip(rows[0], row + (None,) * (len(rows[0]) - len(row)), strict=True)) for row in rows[1:]]


@pytest.fixture
def full_response():  # type: ignore[no-untyped-def]
    """A submitted response with every answer filled in, special characters and would-be formulas included."""
    campaign = CampaignFactory(slug="bbwt", name="Big Buyers Working Together")
    organisation = OrganisationFactory(name=TRICKY_NAME, country="FR", body_type="body_governed_by_public_law",
                                       general_interest="yes", legal_personality="yes", publicly_controlled="not_sure",
                                       size="large", purchasing_volume="100m_1bn", website="https://evry.example")
    owner = UserFactory(email="anna.keller@evry.example")
    response = ResponseFactory(
        campaign=campaign, organisation=organisation, respondent=owner, status="submitted",
        submitted_at=campaign.opens_at, steps_done=["organisation", "interests"],
        contact_name="=HYPERLINK(\"http://evil.example\",\"click\")", contact_role="Head of procurement",
        contact_phone="+33 1 64 00 00 00", other_area_interest="@SUM(1+1) school canteens",
        general_challenges=MULTILINE, recommendations="-More study visits", interview_willing=True,
        interview_mode="video", interview_availability=["mon_am", "thu_pm"], interview_notes="\tNot in August",
        consent_version="2026-11", consent_at=campaign.opens_at, keep_informed=True,
    )
    Respondent.objects.create(response=response, user=UserFactory(email="colleague@evry.example"), campaign=campaign)
    interest(response, "hdev", 2)
    interest(response, "cc", 1)
    hdev = campaign.areas.get(code="hdev")
    AreaChallenge.objects.create(response=response, area=hdev, text="+Grid capacity at the depot")
    PlannedPurchase.objects.create(response=response, description="Électric buses", area=hdev, cpv_code="34144910-0",
                                   expected_timing="2027")
    PlannedPurchase.objects.create(response=response, description="Charging points", position=1)
    LateRequest.objects.create(response=response, motivation="We missed the deadline.")
    return response


EXPECTED = {
    "Campaign": "bbwt", "Status": "Submitted", "Eligibility": "Eligible",
    "Eligibility decided by the secretariat": "No", "Organisation": TRICKY_NAME, "Country": "FR",
    "Country name": "France", "Type of body": "Body governed by public law",
    "General interest, not industrial or commercial": "Yes", "Legal personality": "Yes",
    "Publicly controlled": "Not sure", "Number of staff": "250 to 999 staff",
    "Yearly purchasing volume": "€100 million to €1 billion a year", "Website": "https://evry.example",
    "Contact person": "'=HYPERLINK(\"http://evil.example\",\"click\")", "Job title": "Head of procurement",
    "Telephone": "'+33 1 64 00 00 00", "Respondents' e-mail addresses": "anna.keller@evry.example, colleague@evry.example",
    "Interest: Heavy-duty electric vehicles": "High priority", "Interest: Zero-emission construction sites": "Not interested",
    "Interest: Circular construction": "Interested", "Another area of interest": "'@SUM(1+1) school canteens",
    "Planned purchases": ("Électric buses | Heavy-duty electric vehicles | CPV 34144910-0 – Electric buses | 2027\n"
                          "Charging points"),
    "Challenges: Heavy-duty electric vehicles": "'+Grid capacity at the depot",
    "Challenges: Zero-emission construction sites": "", "Challenges: Circular construction": "",
    "Other challenges and unmet needs": MULTILINE, "Recommendations": "'-More study visits",
    "Willing to be interviewed": "Yes", "Interview by": "Video call",
    "Availability": "Monday morning, Thursday afternoon", "Availability notes": "'\tNot in August",
    "Privacy notice version agreed": "2026-11", "Wants news about the initiative": "Yes",
    "Late expression of interest": "We missed the deadline.", "Late expression of interest: decision": "Pending",
}


def test_csv_holds_every_answer_with_special_characters_and_no_formula(client, full_response):
    client.force_login(staff_with("surveys.export_responses"))

    answer = _download(client, "responses", "csv", campaign=full_response.campaign_id)

    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    assert 'filename="responses-bbwt-' in answer["Content-Disposition"]
    [row] = _csv(answer)
    for column, value in EXPECTED.items():
        assert row[column] == value, column
    assert row["Response"] == str(full_response.pk) and row["Number of planned purchases"] == "2"
    assert row["First submitted at"].startswith(full_response.submitted_at.astimezone(
        full_response.campaign.zone).strftime("%Y-%m-%dT%H:%M"))
    assert row["Consent given at"] and row["Started at"] and row["Last changed at"]
    # Nothing else, nothing twice: every column is one of those checked here.
    assert set(row) == set(EXPECTED) | {"Response", "Started at", "Last changed at", "First submitted at",
                                        "Personal deadline", "Number of planned purchases", "Consent given at"}
    assert len(row) == len(EXPECTED) + 7


def test_xlsx_opens_with_the_same_cells(client, full_response):
    client.force_login(staff_with("surveys.export_responses"))

    answer = _download(client, "responses", "xlsx", campaign=full_response.campaign_id)

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    [row] = _xlsx(answer)
    for column, value in EXPECTED.items():
        assert (row[column] or "") == value.replace("\r\n", "\n"), column  # a line break in a cell is a line feed
    assert row["Response"] == full_response.pk and row["Number of planned purchases"] == 2  # numbers stay numbers


def test_xlsx_drops_control_characters_that_xml_cannot_hold(client, full_response):
    Response.objects.filter(pk=full_response.pk).update(recommendations="Bell\x07 and form feed\x0c, tab\tkept")
    client.force_login(staff_with("surveys.export_responses"))
    [row] = _xlsx(_download(client, "responses", "xlsx", campaign=full_response.campaign_id))
    assert row["Recommendations"] == "Bell and form feed, tab\tkept"


def test_xlsx_cells_are_text_not_formulas(client, full_response):
    client.force_login(staff_with("surveys.export_responses"))
    answer = _download(client, "responses", "xlsx", campaign=full_response.campaign_id)
    workbook = load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
    types = {cell.value: cell.data_type for row in workbook.active.iter_rows(min_row=2) for cell in row}
    assert types["'=HYPERLINK(\"http://evil.example\",\"click\")"] == "s"
    assert "f" not in types.values()


def test_staff_without_the_permission_gets_403_and_no_record(client, full_response):
    client.force_login(staff_with("surveys.view_response", "surveys.view_campaign"))

    for fmt in ("csv", "xlsx"):
        assert _download(client, "responses", fmt, campaign=full_response.campaign_id).status_code == 403
    assert not ExportRecord.objects.exists()
    # Nor is the export offered on the list.
    listing = client.get(reverse("admin:surveys_response_changelist")).content.decode()
    assert "export_csv" not in listing and "Export the selected responses" not in listing


def test_a_download_is_recorded_with_its_filters_and_row_count(client, full_response):
    exporter = staff_with("surveys.export_responses")
    client.force_login(exporter)
    ResponseFactory(campaign=full_response.campaign)  # a draft, left out by the filter

    answer = _download(client, "responses", "csv", campaign=full_response.campaign_id, status="submitted")
    assert len(_csv(answer)) == 1

    record = ExportRecord.objects.get()
    assert (record.user, record.kind, record.format, record.row_count) == (exporter, "responses", "csv", 1)
    assert record.filters == {"campaign": full_response.campaign_id, "status": "submitted"}
    assert record.finished_at is not None and "Big Buyers Working Together" in record.title
    # The record is readable in the admin, and nobody changes it there.
    client.force_login(StaffFactory())
    listing = client.get(reverse("admin:bigbuyers_exportrecord_changelist"))
    assert listing.status_code == 200 and "Big Buyers Working Together" in listing.content.decode()
    assert client.get(reverse("admin:bigbuyers_exportrecord_add")).status_code == 403
    page = client.get(reverse("admin:bigbuyers_exportrecord_change", args=[record.pk])).content.decode()
    assert 'name="row_count"' not in page and "_save" not in page


def test_bad_filters_are_refused(client, full_response):
    client.force_login(StaffFactory())
    assert _download(client, "responses", "csv").status_code == 400
    assert _download(client, "responses", "csv", campaign=full_response.campaign_id, status="lost").status_code == 400
    assert _download(client, "nothing", "csv").status_code == 404
    assert _download(client, "responses", "pdf", campaign=full_response.campaign_id).status_code == 404
    assert not ExportRecord.objects.exists()


def test_export_action_on_the_list_exports_the_selection(client, full_response):
    other = ResponseFactory(campaign=CampaignFactory(slug="other"), organisation=OrganisationFactory(name="Other body"))
    client.force_login(staff_with("surveys.export_responses", "surveys.view_response", "surveys.change_response"))

    answer = client.post(reverse("admin:surveys_response_changelist"),
                         {"action": "export_csv", "_selected_action": [full_response.pk, other.pk]})

    rows = _csv(answer)
    assert {r["Organisation"] for r in rows} == {TRICKY_NAME, "Other body"}
    # Two campaigns: one column per area of each, named with its campaign.
    assert "Interest: Heavy-duty electric vehicles (other)" in rows[0]
    record = ExportRecord.objects.get()
    assert record.row_count == 2 and sorted(record.filters["selected"]) == sorted([str(full_response.pk), str(other.pk)])


def test_response_export_reads_a_fixed_number_of_queries_per_chunk(client, full_response):
    client.force_login(StaffFactory())

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = _csv(_download(client, "responses", "csv", campaign=full_response.campaign_id))
        return len(captured), len(rows)

    few, one = queries()
    for n in range(25):
        response = ResponseFactory(campaign=full_response.campaign, contact_name=f"Person {n}")
        interest(response, "zecs", 1)
        PlannedPurchase.objects.create(response=response, description=f"Item {n}")
    many, rows = queries()
    assert (one, rows) == (1, 26)
    assert many == few


def test_group_and_community_exports(client):
    from decimal import Decimal

    from communities.models import TravelClaim
    from tests.factories import EventFactory

    known = known_campaign()
    membership = MembershipFactory(user=UserFactory(email="member@lindenau.example", full_name="Jonas Weber"),
                                   organisation=OrganisationFactory(name="=Stadt Lindenau", country="DE"))
    event = EventFactory(community=membership.community, in_person=True, title="Study visit")
    TravelClaim.objects.create(event=event, membership=membership, travel=Decimal("120.50"))
    exporter = staff_with("bigbuyers.export_groups", "bigbuyers.export_communities")
    client.force_login(exporter)

    members = _csv(_download(client, "group_members", "csv", campaign=known.campaign.pk))
    assert [(m["Working group"], m["Organisation"], m["Offer"]) for m in members] == [
        ("Heavy-duty electric vehicles", "Ville de Lyon", "Accepted"),
        ("Heavy-duty electric vehicles", "Stadt Lindenau", "Declined"),
        ("Heavy-duty electric vehicles", "Comune di Valdoro", "Waiting for an answer"),
        ("Zero-emission construction sites", "Ville de Lyon", "Waiting for an answer"),
    ]
    assert members[0]["Respondents' e-mail addresses"] == "anna.keller@lyon.example"
    interviews = _xlsx(_download(client, "interviews", "xlsx", campaign=known.campaign.pk))
    assert [(i["Organisation"], i["Status"], i["Outcome"]) for i in interviews] == [
        ("Ville de Lyon", "Booked", "Held"), ("Stadt Lindenau", "Booked", None), ("Comune di Valdoro", "Cancelled", None)]
    observers = _csv(_download(client, "observers", "csv", active="1"))
    assert {o["E-mail address"] for o in observers} == {"one@observer.example", "two@observer.example"}
    community = _csv(_download(client, "community_members", "csv", community=membership.community_id))
    assert [(m["E-mail address"], m["Organisation"]) for m in community] == [("member@lindenau.example", "'=Stadt Lindenau")]
    claims = _csv(_download(client, "travel_claims", "csv", status="submitted"))
    assert claims[0]["total_eur"] == "120.50" and claims[0]["organisation"] == "'=Stadt Lindenau"
    assert ExportRecord.objects.filter(user=exporter).count() == 5
    # The responses' permission is another one.
    assert _download(client, "responses", "csv", campaign=known.campaign.pk).status_code == 403
    client.force_login(staff_with("surveys.export_responses"))
    for kind in ("group_members", "interviews", "observers", "community_members", "travel_claims"):
        assert _download(client, kind, "csv", campaign=known.campaign.pk).status_code == 403, kind


def test_travel_claims_action_needs_the_permission(client):
    from decimal import Decimal

    from communities.models import TravelClaim
    from tests.factories import EventFactory

    membership = MembershipFactory(organisation=OrganisationFactory(country="DE"))
    claim = TravelClaim.objects.create(event=EventFactory(community=membership.community, in_person=True),
                                       membership=membership, travel=Decimal("10"))
    url = reverse("admin:communities_travelclaim_changelist")
    client.force_login(staff_with("communities.view_travelclaim", "communities.change_travelclaim"))
    refused = client.post(url, {"action": "export_csv", "_selected_action": [claim.pk]})
    assert refused.status_code == 302 and not ExportRecord.objects.exists()  # "no action selected"
    client.force_login(staff_with("communities.view_travelclaim", "bigbuyers.export_communities"))
    answer = client.post(url, {"action": "export_xlsx", "_selected_action": [claim.pk]})
    assert _xlsx(answer)[0]["total_eur"] == 10
    assert ExportRecord.objects.get().kind == "travel_claims"
