"""Colleagues: a person asks to work on their organisation's response, and the people on it decide."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bigbuyers.models import User
from bigbuyers.outbox import queue_email
from surveys.models import AccessRequest, RequestStatus, Respondent, Response


@transaction.atomic
def request_access(response: Response, *, user: User, message: str) -> AccessRequest:
    """Ask the people working on `response` to let `user` work on it too; they get an e-mail."""
    access_request, created = AccessRequest.objects.get_or_create(
        response=response, requester=user, status=RequestStatus.PENDING, defaults={"message": message}
    )
    if created:
        url = settings.SITE_URL + reverse("survey_colleagues", args=[response.campaign.slug])
        for respondent in response.respondents.select_related("user"):
            queue_email(
                key=f"access-request:{access_request.pk}:user={respondent.user_id}",
                to=respondent.user.email,
                template="access_requested",
                context={"access_request": access_request, "response": response, "url": url},
            )
    return access_request


@transaction.atomic
def decide_access_request(access_request: AccessRequest, *, accept: bool) -> None:
    """Accept (the requester becomes a respondent) or decline a colleague's request; tell them."""
    updated = AccessRequest.objects.filter(pk=access_request.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED, decided_at=timezone.now()
    )
    if not updated:
        return
    response = access_request.response
    if accept:
        # A person answers for one organisation per campaign: an earlier, empty start of their own goes.
        Respondent.objects.filter(user=access_request.requester, campaign=response.campaign).delete()
        Respondent.objects.create(response=response, user=access_request.requester, campaign=response.campaign)
    queue_email(
        key=f"access-decided:{access_request.pk}",
        to=access_request.requester.email,
        template="access_decided",
        context={"accepted": accept, "response": response,
                 "url": settings.SITE_URL + reverse("survey_start", args=[response.campaign.slug])},
    )
