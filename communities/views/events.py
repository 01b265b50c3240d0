"""Events: the list, one event with registration and waiting list, its calendar file, and its guests."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from bigbuyers.http import SignedInRequest
from communities import selectors
from communities.forms import EventForm, GuestForm
from communities.models import Event, Role, TravelClaim
from communities.permissions import Space, community_view, get_event_or_404
from communities.services.claims import claim_refusal
from communities.services.common import NotAllowed
from communities.services.events import (
    cancel_registration,
    create_event,
    invite_guest,
    register_for_event,
    update_event,
)


@community_view()
def events(request: SignedInRequest, space: Space) -> HttpResponse:
    now = timezone.now()
    items = selectors.events_of(space)
    return render(request, "communities/events.html", {
        "space": space, "community": space.community, "tab": "events",
        "upcoming": [e for e in items if e.ends_at >= now], "past": [e for e in items if e.ends_at < now][::-1],
    })


@community_view(role=Role.CORE)
def event_form(request: SignedInRequest, space: Space, event: int | None = None) -> HttpResponse:
    """Plan an event, or change one (core group, leaders and the secretariat)."""
    instance = get_event_or_404(space, event) if event else None
    form = EventForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        if instance is None:
            instance = create_event(space.community, by=request.user, values=form.values())
            messages.success(request, _("The event is planned."))
        else:
            promoted = update_event(instance, values=form.values())
            messages.success(request, _("The event is updated.") + (
                " " + ngettext("%(count)d person was promoted from the waiting list.",
                               "%(count)d people were promoted from the waiting list.",
                               len(promoted)) % {"count": len(promoted)}
                if promoted else ""))
        return redirect("communities:event", space.community.slug, instance.pk)
    return render(request, "communities/form_page.html", {
        "space": space, "community": space.community, "form": form, "event": instance, "tab": "events",
        "title": _("Change the event") if instance else _("Plan an event"), "button": _("Save the event"),
    }, status=400 if form.errors else 200)


@community_view(guests=True)
def event(request: SignedInRequest, space: Space, event: int) -> HttpResponse:
    """One event: what, when, where, places left, the viewer's registration; guests see only this page."""
    item = selectors.event_detail(space, get_event_or_404(space, event))
    claim = None
    if space.membership is not None and item.in_person:
        claim = TravelClaim.objects.filter(event=item, membership=space.membership).first()
    return render(request, "communities/event.html", {
        "space": space, "community": space.community, "event": item, "tab": "events",
        "is_over": item.ends_at <= timezone.now(),
        "registrations": selectors.registrations_of(item) if space.is_core else [],
        "claim": claim,
        "claim_refusal": claim_refusal(space.membership, item)
        if space.membership is not None and item.in_person and claim is None else None,
    })


@community_view(guests=True)
@require_POST
def event_register(request: SignedInRequest, space: Space, event: int) -> HttpResponse:
    item = get_event_or_404(space, event)
    try:
        registration = register_for_event(item, request.user, as_guest=not space.sees_content)
    except NotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        if registration.status == "registered":
            messages.success(request, _("You are registered. A reminder will come the day before."))
        else:
            messages.info(request, _("The event is full: you are on the waiting list. We will e-mail you if a place frees up."))
    return redirect("communities:event", space.community.slug, item.pk)


@community_view(guests=True)
@require_POST
def event_cancel(request: SignedInRequest, space: Space, event: int) -> HttpResponse:
    item = get_event_or_404(space, event)
    cancel_registration(item, request.user)
    messages.success(request, _("Your registration is cancelled."))
    return redirect("communities:event", space.community.slug, item.pk)


def calendar_file(item: Event) -> bytes:
    """The event as an iCalendar (RFC 5545) file, its times in the event's own zone."""
    calendar = Calendar()
    calendar.add("prodid", "-//Big Buyers portal//communities//EN")
    calendar.add("version", "2.0")
    entry = CalendarEvent()
    host = settings.SITE_URL.split("://", 1)[-1]
    entry.add("uid", f"community-event-{item.pk}@{host}")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", timezone.localtime(item.starts_at, item.zone))
    entry.add("dtend", timezone.localtime(item.ends_at, item.zone))
    entry.add("summary", item.title)
    entry.add("description", item.description)
    entry.add("location", item.place or item.online_link)
    entry.add("url", settings.SITE_URL + f"/communities/{item.community.slug}/events/{item.pk}/")
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()


@community_view(guests=True)
def event_ics(request: SignedInRequest, space: Space, event: int) -> HttpResponse:
    item = get_event_or_404(space, event)
    response = HttpResponse(calendar_file(item), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{item.pk}.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@community_view(role=Role.CORE)
def event_guests(request: SignedInRequest, space: Space, event: int) -> HttpResponse:
    """Invite a supplier or an industry association to this one event, by e-mail."""
    item = get_event_or_404(space, event)
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invite_guest(item, email=form.cleaned_data["email"], by=request.user,
                     organisation_name=form.cleaned_data["organisation_name"].strip())
        messages.success(request, _("The invitation is sent."))
        return redirect("communities:event_guests", space.community.slug, item.pk)
    return render(request, "communities/event_guests.html", {
        "space": space, "community": space.community, "event": item, "form": form,
        "guests": selectors.guests_of(item), "tab": "events",
    }, status=400 if form.errors else 200)
