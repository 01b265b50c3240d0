"""The respondent's interview page: book a time, move it, cancel it, from the e-mailed link.

The link carries a signed token naming the response (groups.services.interviews.booking_token), so
it works without signing in; a signed-in respondent also reaches the page from the campaign's address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bigbuyers.http import SignedInRequest
from bigbuyers.time_zones import valid_zone
from groups.forms.interviews import SLOT_TAKEN, BookingForm, ZoneForm
from groups.models import Interview, InterviewSlot
from groups.selectors.interviews import current_interview, open_slots
from groups.services import interviews as services
from surveys.models import Campaign, Response
from surveys.services.responses import response_for


@dataclass
class Day:
    date: dt.date
    slots: list[tuple[int, InterviewSlot]] = field(default_factory=list)  # (position in the form, slot)


def _days(slots: list[InterviewSlot], zone: str) -> list[Day]:
    """The slots grouped by their day in `zone`, each numbered in order (the radio buttons' ids)."""
    days: list[Day] = []
    tz = ZoneInfo(zone)
    for position, slot in enumerate(slots):
        date = slot.starts_at.astimezone(tz).date()
        if not days or days[-1].date != date:
            days.append(Day(date))
        days[-1].slots.append((position, slot))
    return days


def _page_url(token: str, zone: str) -> str:
    return f"{reverse('interview_booking', args=[token])}?{urlencode({'tz': zone})}"


def _response_or_invalid(request: HttpRequest, token: str) -> Response | HttpResponse:
    response = services.response_for_token(token)
    if response is None:
        return render(request, "groups/interview_link_invalid.html", status=404)
    return response


def booking(request: HttpRequest, token: str) -> HttpResponse:
    """Show the response's interview and the open times in the respondent's zone; book or move on POST."""
    response = _response_or_invalid(request, token)
    if isinstance(response, HttpResponse):
        return response
    interview = current_interview(response)
    zone = (valid_zone(request.POST.get("tz") or request.GET.get("tz"))
            or (interview.time_zone if interview else None) or services.default_zone(response))
    slots = open_slots(response.campaign)
    form = BookingForm(request.POST if request.method == "POST" else None, slots=slots)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.book_interview(response, slot=form.cleaned_data["slot"], zone=zone)
            except (services.SlotTaken, services.SlotUnavailable):
                form.add_error("slot", SLOT_TAKEN)
            else:
                messages.success(request, _("Your interview is booked. A calendar invitation is on its way to you "
                                            "by e-mail.") if interview is None else
                                 _("Your interview is moved. An updated calendar invitation is on its way to you "
                                   "by e-mail."))
                return redirect(_page_url(token, zone))
        status = 409 if SLOT_TAKEN in form.errors.get("slot", []) else 400
    slot_list = list(slots)
    return render(request, "groups/interview_booking.html", {
        "response": response, "campaign": response.campaign, "organisation": response.organisation,
        "interview": interview, "zone": zone, "campaign_zone": response.campaign.time_zone,
        "country_zone": services.default_zone(response), "days": _days(slot_list, zone), "form": form,
        "zone_form": ZoneForm(initial={"tz": zone}), "token": token,
    }, status=status)


@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Cancel the response's booked interview (both sides get a cancellation for their calendar)."""
    response = _response_or_invalid(request, token)
    if isinstance(response, HttpResponse):
        return response
    interview: Interview | None = current_interview(response)
    if interview is not None and services.cancel_interview(interview):
        messages.success(request, _("Your interview is cancelled. You can book another time below if you wish."))
    zone = valid_zone(request.POST.get("tz")) or services.default_zone(response)
    return redirect(_page_url(token, zone))


@login_required
def my_interview(request: SignedInRequest, slug: str) -> HttpResponse:
    """The signed-in respondent's way to their interview page (the same page as the e-mailed link)."""
    campaign = Campaign.objects.filter(slug=slug, is_published=True).first()
    response = response_for(request.user, campaign) if campaign else None
    if response is None:
        raise Http404
    return redirect("interview_booking", services.booking_token(response))
