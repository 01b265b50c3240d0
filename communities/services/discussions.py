"""Discussions: threads and replies, their moderation, and the e-mails members chose (each message, or a
daily digest)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bigbuyers.models import User
from bigbuyers.outbox import queue_email
from communities.models import Community, Document, Event, Membership, Notify, Reply, Thread
from communities.services.common import NotAllowed, site_url


def _notify_each(community: Community, *, exclude: User, key: str, template: str, context: Mapping[str, object]) -> None:
    members = (Membership.objects.filter(community=community, notify=Notify.EACH)
               .exclude(user=exclude).select_related("user"))
    for membership in members:
        queue_email(key=f"{key}:user={membership.user_id}", to=membership.user.email, template=template,
                    context={**context, "community": community})


@transaction.atomic
def post_thread(community: Community, *, author: User, title: str, body: str) -> Thread:
    """Start a discussion; members who want an e-mail for each message get one."""
    now = timezone.now()
    thread = Thread.objects.create(community=community, author=author, title=title, body=body, created_at=now,
                                   last_activity_at=now)
    _notify_each(community, exclude=author, key=f"thread-posted:thread={thread.pk}", template="community_new_message",
                 context={"thread": thread, "body": body, "author": author,
                          "url": site_url("thread", community.slug, thread.pk)})
    return thread


@transaction.atomic
def post_reply(thread: Thread, *, author: User, body: str) -> Reply:
    """Reply to a thread (refused when it is locked or hidden); members who want an e-mail for each message get one."""
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.is_locked or thread.is_hidden:
        raise NotAllowed(_("This thread is closed to replies."))
    now = timezone.now()
    reply = Reply.objects.create(thread=thread, author=author, body=body, created_at=now)
    Thread.objects.filter(pk=thread.pk).update(last_activity_at=now)
    _notify_each(thread.community, exclude=author, key=f"reply-posted:reply={reply.pk}", template="community_new_message",
                 context={"thread": thread, "body": body, "author": author,
                          "url": site_url("thread", thread.community.slug, thread.pk) + f"#reply-{reply.pk}"})
    return reply


def edit_thread(thread: Thread, *, title: str, body: str) -> None:
    Thread.objects.filter(pk=thread.pk).update(title=title, body=body, edited_at=timezone.now())


def edit_reply(reply: Reply, *, body: str) -> None:
    Reply.objects.filter(pk=reply.pk).update(body=body, edited_at=timezone.now())


MODERATION = {
    "hide": {"is_hidden": True}, "show": {"is_hidden": False},
    "lock": {"is_locked": True}, "unlock": {"is_locked": False},
    "pin": {"is_pinned": True}, "unpin": {"is_pinned": False},
}


def moderate_thread(thread: Thread, *, action: str) -> None:
    """A leader hides, locks or pins a thread (or undoes it); raises KeyError for an unknown action."""
    Thread.objects.filter(pk=thread.pk).update(**MODERATION[action])


def moderate_reply(reply: Reply, *, action: str) -> None:
    """A leader hides a reply or shows it again."""
    if action not in ("hide", "show"):
        raise KeyError(action)
    Reply.objects.filter(pk=reply.pk).update(**MODERATION[action])


def send_digest(community: Community, *, day: dt.date) -> int:
    """E-mail the members who chose a daily digest what was new in `community` on `day` (the portal's zone).

    One message per member and day (key ``digest:membership=…:day=…``): running it again sends nothing.
    Nothing is sent for a quiet day. Returns how many messages were queued now.
    """
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = start + dt.timedelta(days=1)
    window = Q(created_at__gte=start, created_at__lt=end)
    threads = list(Thread.objects.filter(window, community=community, is_hidden=False).select_related("author"))
    replies = list(Reply.objects.filter(window, thread__community=community, is_hidden=False, thread__is_hidden=False)
                   .select_related("thread", "author"))
    documents = list(Document.objects.filter(window, community=community))
    events = list(Event.objects.filter(window, community=community))
    if not (threads or replies or documents or events):
        return 0
    sent = 0
    for membership in Membership.objects.filter(community=community, notify=Notify.DAILY).select_related("user"):
        with transaction.atomic():
            email = queue_email(
                key=f"digest:membership={membership.pk}:day={day.isoformat()}", to=membership.user.email,
                template="community_digest",
                context={"community": community, "day": day, "threads": threads, "replies": replies,
                         "documents": documents, "events": events, "url": site_url("overview", community.slug)},
            )
        sent += email is not None
    return sent
