"""Which response a person may ask to join: only the one the organisation step found in their way.

When the organisation step finds that a colleague already started the organisation's response, the
server remembers that response in the person's session; a request to join is accepted for it alone.
Any other id, existing or not, gets the same 404: ids cannot be tried one by one to learn which exist
or to e-mail the people behind them.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.http import Http404

from surveys.models import Campaign, Response


def _key(campaign: Campaign) -> str:
    return f"survey_access_target:{campaign.pk}"


def remember_found_response(session: SessionBase, campaign: Campaign, response: Response) -> None:
    """Remember that the organisation step showed `response` (a colleague's) to this session."""
    session[_key(campaign)] = response.pk


def found_response_or_404(session: SessionBase, campaign: Campaign, response_id: int) -> Response:
    """The response the organisation step found for this session in `campaign`, if it is `response_id`;
    Http404 otherwise, whether `response_id` exists or not."""
    if session.get(_key(campaign)) != response_id:
        raise Http404
    response = Response.objects.filter(pk=response_id, campaign=campaign).select_related("organisation").first()
    if response is None:
        raise Http404
    return response
