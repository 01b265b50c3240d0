"""The survey's part of personal data: contacts and respondents of responses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q

from bigbuyers.models import User
from bigbuyers.privacy import PrivacyProvider
from surveys.models import AccessRequest, Respondent, Response
from surveys.questionnaire.models import Answer
from surveys.questionnaire.services import personal_questions
from surveys.questionnaire.structure import questionnaires_of
from surveys.selectors import answers_of, with_answers

PERSONAL_FIELDS = {"contact_name": "", "contact_role": "", "contact_phone": "", "interview_notes": ""}


def export(user: User) -> list[dict[str, Any]]:
    responses = list(with_answers(Response.objects.filter(respondents__user=user)))
    questionnaires = questionnaires_of(r.campaign_id for r in responses)  # three queries for every campaign
    return [
        {"campaign": r.campaign.name, "organisation": r.organisation.name, "status": r.status,
         "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
         "consent": {"privacy_notice_version": r.consent_version,
                     "given_at": r.consent_at.isoformat() if r.consent_at else None},
         "answers": [{"section": str(s.title), "rows": [[str(q), str(a)] for q, a in s.rows]}
                     for s in answers_of(r, fetched=True, questionnaire=questionnaires[r.campaign_id])]}
        for r in responses
    ]


@transaction.atomic
def erase(user: User) -> None:
    """The person's contact details leave the responses they alone answered, with the answers to questions that
    may identify a person (e-mail addresses, questions flagged so); the other answers stay.

    A response is the organisation's, not the person's: its interest and needs remain (anonymous at
    the level of a person), so that the statistics and the groups still add up.
    """
    for respondent in Respondent.objects.filter(user=user).select_related("response"):
        if not Respondent.objects.filter(response=respondent.response).exclude(user=user).exists():
            Response.objects.filter(pk=respondent.response_id).update(**PERSONAL_FIELDS, keep_informed=False)
            Answer.objects.filter(personal_questions(Q(response_id=respondent.response_id))).delete()
    Respondent.objects.filter(user=user).delete()
    AccessRequest.objects.filter(requester=user).delete()


def expire(cutoff: dt.datetime) -> int:
    """Contact details, and answers that may identify a person, of responses to campaigns whose deadline
    passed before `cutoff`."""
    stale = Response.objects.filter(campaign__deadline__lt=cutoff).exclude(**PERSONAL_FIELDS)
    _total, deleted = Answer.objects.filter(personal_questions(Q(response__campaign__deadline__lt=cutoff))).delete()
    return stale.update(**PERSONAL_FIELDS) + deleted.get("surveys.Answer", 0)


PROVIDER = PrivacyProvider(name="survey_responses", export=export, erase=erase, expire=expire)
