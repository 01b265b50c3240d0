"""Access-matrix rows of the admin's pages of our own (the URLs the ModelAdmins add; every one a staff_view).

Each needs a world furnished with what only the admin shows (tests/security/growth.py: a draft run, a
booked interview, an e-mail to many). The secretariat ("staff") holds every permission these pages ask
for; buttons are posted once per person, on objects where a second press changes nothing that matters:
the published run (solving or publishing it again is refused with a message), its offers' e-mails (each
queued once), the e-mail to many (sent once).
"""

from __future__ import annotations

from typing import Any

from groups.models import Interview
from tests.security.matrix import Row, staff_only


def _campaign(w: Any) -> list[object]:
    return [w.campaign.pk]


def _run(w: Any) -> list[object]:
    return [w.run.pk]


def _none(w: Any) -> list[object]:
    return []


ROWS = {
    "admin:bigbuyers_exportrecord_download": Row(lambda w: ["observers", "csv"], staff_only(200)),
    "admin:bigbuyers_bulkemail_preview": Row(lambda w: [w.bulk_email.pk], staff_only(200)),
    "admin:bigbuyers_bulkemail_send": Row(lambda w: [w.bulk_email.pk], staff_only(302), method="post"),
    "admin:surveys_campaign_extend_deadline": Row(_campaign, staff_only(200)),
    "admin:surveys_campaign_dashboard": Row(_campaign, staff_only(200)),
    "admin:surveys_campaign_report": Row(_campaign, staff_only(200)),
    "admin:surveys_campaign_preview_start": Row(_campaign, staff_only(200)),
    "admin:surveys_campaign_preview": Row(lambda w: [w.campaign.pk, "plans"], staff_only(200)),
    "admin:surveys_campaign_questionnaire_copy": Row(_campaign, staff_only(200)),
    "admin:surveys_campaign_questionnaire_import": Row(_campaign, staff_only(200)),
    "admin:surveys_campaign_questionnaire_export": Row(_campaign, staff_only(200)),
    "admin:surveys_response_decide_eligibility": Row(lambda w: [w.response_a.pk], staff_only(200)),
    "admin:groups_matchingrun_demand_index": Row(_none, staff_only(200)),
    "admin:groups_matchingrun_demand": Row(_campaign, staff_only(200)),
    "admin:groups_matchingrun_compare": Row(_none, staff_only(200), query="?ids=1,2"),
    "admin:groups_matchingrun_bodies": Row(_run, staff_only(200)),
    "admin:groups_matchingrun_publish": Row(_run, staff_only(302)),  # published already: back to the run
    "admin:groups_matchingrun_solve": Row(_run, staff_only(302), method="post"),  # not a draft: refused
    "admin:groups_matchingrun_copy": Row(_run, staff_only(302), method="post"),
    "admin:groups_matchingrun_send_offers": Row(_run, staff_only(302), method="post"),
    "admin:groups_interviewslot_series": Row(_none, staff_only(200)),
    "admin:groups_interviewslot_invite": Row(_none, staff_only(200)),
    "admin:groups_interviewslot_assign": Row(_none, staff_only(200)),
    "admin:groups_interview_reschedule": Row(
        lambda w: [Interview.objects.get(response=w.response_a, status="booked").pk], staff_only(200)),
}
