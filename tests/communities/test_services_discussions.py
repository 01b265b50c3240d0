"""communities/services/discussions.py: threads, replies and their e-mails, moderation, the daily digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from bigbuyers.models import OutgoingEmail
from communities.models import Notify
from communities.services.common import NotAllowed
from communities.services.discussions import moderate_thread, post_reply, post_thread, send_digest
from tests.factories import CommunityFactory, MembershipFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def test_new_thread_and_reply_notify_members_who_want_each_message_once(committed):
    community = CommunityFactory()
    author = MembershipFactory(community=community, notify=Notify.EACH).user
    wants_each = MembershipFactory(community=community, notify=Notify.EACH).user
    MembershipFactory(community=community, notify=Notify.NONE)
    MembershipFactory(community=community, notify=Notify.DAILY)
    with committed():
        thread = post_thread(community, author=author, title="Charging", body="How many chargers?")
        reply = post_reply(thread, author=wants_each, body="One per two buses.")
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted([
        (wants_each.email, f"[{community.name}] Charging"), (author.email, f"[{community.name}] Charging"),
    ])
    keys = set(OutgoingEmail.objects.values_list("key", flat=True))
    assert keys == {f"thread-posted:thread={thread.pk}:user={wants_each.pk}", f"reply-posted:reply={reply.pk}:user={author.pk}"}


def test_locked_or_hidden_threads_take_no_reply():
    thread = ThreadFactory(is_locked=True)
    with pytest.raises(NotAllowed):
        post_reply(thread, author=thread.author, body="Late")
    moderate_thread(thread, action="unlock")
    moderate_thread(thread, action="hide")
    with pytest.raises(NotAllowed):
        post_reply(thread, author=thread.author, body="Hidden")


def test_daily_digest_is_sent_once_per_member_and_day_and_not_for_a_quiet_day(committed):
    community = CommunityFactory()
    subscriber = MembershipFactory(community=community, notify=Notify.DAILY).user
    MembershipFactory(community=community, notify=Notify.EACH)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    at = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(10)))
    ThreadFactory(community=community, title="Joint tender timeline", created_at=at)
    ThreadFactory(community=community, title="Hidden one", created_at=at, is_hidden=True)
    ThreadFactory(community=community, title="Today's thread")  # not yesterday's news
    from communities.tasks import send_daily_digests

    with committed():
        assert send_daily_digests() == 1
        assert send_daily_digests() == 0, "the same day's digest is not sent twice"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [subscriber.email]
    body = mail.outbox[0].body
    assert "Joint tender timeline" in body and "Hidden one" not in body and "Today's thread" not in body
    assert OutgoingEmail.objects.filter(key=f"digest:membership={subscriber.memberships.get().pk}:day={yesterday}").count() == 1
    assert send_digest(community, day=yesterday - dt.timedelta(days=1)) == 0, "a quiet day sends nothing"
