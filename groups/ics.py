"""Calendar invitations (iCalendar, RFC 5545/5546) for interviews.

One interview is one calendar event: its UID never changes; every update sent carries a higher
SEQUENCE, with METHOD:REQUEST for a new or moved interview and METHOD:CANCEL (STATUS:CANCELLED) for
a cancelled one, so that calendar programs update or remove the event they already hold. Times are
written in UTC ("...Z"), which every program converts to its user's zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from groups.models import Interview, InterviewMode

REQUEST = "REQUEST"
CANCEL = "CANCEL"
MIMETYPE = "text/calendar; method={method}"


def _address(email: str, name: str = "", *, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    if role:
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("FALSE")
    return address


def interview_calendar(
    interview: Interview, *, method: str, attendees: Iterable[tuple[str, str]], now: dt.datetime | None = None
) -> str:
    """The iCalendar text of `interview` as it is now, for `method` (REQUEST or CANCEL).

    `attendees` are (e-mail, name) pairs. The organiser is the secretariat.
    """
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"Unknown iTIP method {method!r}")
    slot = interview.slot
    organisation = interview.response.organisation.name
    calendar = Calendar()
    calendar.add("prodid", "-//Big Buyers portal//Interviews//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)

    event = Event()
    event.add("uid", interview.uid)
    event.add("sequence", interview.sequence)
    event.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", slot.starts_at.astimezone(dt.UTC))
    event.add("dtend", slot.ends_at.astimezone(dt.UTC))
    event.add("summary", f"Big Buyers follow-up interview: {organisation}")
    if slot.mode == InterviewMode.VIDEO:
        event.add("location", slot.video_link)
        how = f"Video call: {slot.video_link}"
    else:
        event.add("location", "Telephone")
        how = "By telephone: the interviewer calls you."
    event.add("description", f"Follow-up interview on the needs-assessment survey “{slot.campaign.name}”.\n{how}")
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    secretariat_name, secretariat_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    event["organizer"] = _address(settings.SECRETARIAT_EMAIL or secretariat_email, secretariat_name or "Big Buyers")
    for email, name in attendees:
        event.add("attendee", _address(email, name, role="REQ-PARTICIPANT"), encode=False)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def attachment(text: str, *, method: str) -> dict[str, str]:
    """The outbox attachment of a calendar text (the method in the MIME type, as Outlook expects it)."""
    return {"filename": "invite.ics" if method == REQUEST else "cancel.ics", "content": text,
            "mimetype": MIMETYPE.format(method=method)}
