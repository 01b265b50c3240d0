"""With Redis down (a Redis server of the test's own, stopped), the portal keeps serving from PostgreSQL:
public pages, signing in with an e-mailed link, the survey (saving a step, submitting), a session opened
before the outage; /healthz says Redis is down; the rate limits count in the process; work that needs a
worker waits in PostgreSQL and is done once Redis is back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.scratch import PrivateRedis
from bigbuyers import queueing
from bigbuyers.env import Rate
from groups.models import MatchingRun, RunStatus
from groups.services import formation, pickup
from surveys.models import Response, ResponseStatus
from surveys.steps import STEP_SLUGS
from tests.browser.helpers import link_in_last_email
from tests.conftest import wait_for
from tests.factories import CampaignFactory, ResponseFactory, StaffFactory, UserFactory, interest, submitted_body
from tests.services import celery_broker, private_redis  # noqa: F401 - a fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("ratelimit_clock")]


@pytest.fixture
def portal_on(private_redis, settings, monkeypatch) -> Iterator[PrivateRedis]:  # noqa: F811
    """The portal's cache, Celery broker and health check all on the test's own Redis; after a failure the
    circuits try Redis again at once (not after a pause), so that the test sees its recovery."""
    monkeypatch.setattr("bigbuyers.cache.PAUSE", 0.0)
    monkeypatch.setattr(queueing.broker, "pause", 0.0)
    settings.REDIS_URL = private_redis.url()
    settings.CACHES = {"default": {"BACKEND": "bigbuyers.cache.ResilientRedisCache", "LOCATION": private_redis.url(),
                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    with celery_broker(private_redis.url()):
        yield private_redis


def test_with_redis_down_pages_sign_in_and_the_survey_work_and_healthz_says_503(portal_on, settings):
    campaign = CampaignFactory(slug="bbwt")
    draft = ResponseFactory(campaign=campaign, respondent=UserFactory(email="anna.keller@lindenau.example"),
                            steps_done=list(STEP_SLUGS))
    interest(draft, "hdev")
    before = Client()
    before.force_login(draft.respondents.get().user)  # a session opened while Redis answered
    assert before.get(reverse("survey_review", args=["bbwt"])).status_code == 200

    portal_on.stop()

    visitor = Client()
    for url in (reverse("home"), reverse("campaign_detail", args=["bbwt"]), reverse("signin")):
        assert visitor.get(url).status_code == 200, url
    health = visitor.get("/healthz")
    assert health.status_code == 503 and health.json() == {"status": "unavailable", "database": "ok", "redis": "down"}

    # Signing in: the link is e-mailed at once (a person waits for it), and it works.
    answer = visitor.post(reverse("signin"), {"email": "jan.novak@praha.example", "next": "/campaigns/bbwt/start/"})
    assert answer.status_code == 302
    link = link_in_last_email("jan.novak@praha.example")
    assert visitor.get(link).status_code == 200
    token = link.split("token=", 1)[1].split("&", 1)[0]
    assert visitor.post(reverse("signin_link"), {"token": token, "next": "/campaigns/bbwt/start/"}).status_code == 302
    assert visitor.get(reverse("survey_step", args=["bbwt", "organisation"])).status_code == 200

    # The session opened before the outage still works: it is read from PostgreSQL. The survey saves and submits.
    step = before.post(reverse("survey_step", args=["bbwt", "recommendations"]),
                       {"recommendations": "More study visits", "continue": "1"})
    assert step.status_code == 302
    draft.refresh_from_db()
    assert draft.recommendations == "More study visits"
    done = before.post(reverse("survey_submit", args=["bbwt"]), {"revision": draft.revision})
    assert done["Location"] == reverse("survey_done", args=["bbwt"])
    assert Response.objects.get(pk=draft.pk).status == ResponseStatus.SUBMITTED
    assert any(m.to == ["anna.keller@lindenau.example"] for m in mail.outbox)  # the confirmation went out too

    # Rate limits still hold, counted by this process.
    settings.RATELIMIT_SIGNIN_PER_EMAIL = Rate(2, 600)
    codes = [visitor.post(reverse("signin"), {"email": "script@spam.example"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]

    portal_on.start()
    assert visitor.get("/healthz").status_code == 200


def test_a_matching_run_queued_while_redis_is_down_is_solved_once_it_is_back(portal_on, request):
    campaign = CampaignFactory(areas=[("hdev", "Heavy-duty"), ("zecs", "Zero-emission")], expected_groups=1)
    for _ in range(6):
        submitted_body(campaign, {"hdev": 2, "zecs": 1}, country="de")
    run = formation.create_run(campaign, by=StaffFactory(), groups=1, min_size=2, max_size=10, time_limit=5)

    portal_on.stop()
    assert formation.queue_run(run)  # the secretariat presses "Solve this run": the page answers
    assert MatchingRun.objects.get(pk=run.pk).status == RunStatus.QUEUED  # recorded; its task could not be sent

    portal_on.start()
    request.getfixturevalue("worker")  # a worker on the Redis that came back (empty: the message is gone)
    later = timezone.now() + pickup.PICKUP_DELAY + dt.timedelta(seconds=1)
    assert pickup.requeue_stranded_runs(now=later) == 1  # what beat's groups.requeue_stranded_work does
    wait_for(lambda: MatchingRun.objects.get(pk=run.pk).status == RunStatus.DONE, 60)


def test_an_e_mail_to_many_people_sent_while_redis_is_down_goes_out_once_it_is_back(portal_on, request):
    from bigbuyers import bulk_email
    from bigbuyers.models import EmailStatus, OutgoingEmail, User

    people = [UserFactory(email=f"buyer{n}@city.example") for n in range(3)]
    staff = StaffFactory()
    message = bulk_email.prepare_bulk_email(subject="News", body="The next campaign opens.", people=User.objects.filter(
        pk__in=[p.pk for p in people]), source="test", audience="three buyers", filters={}, by=staff)

    portal_on.stop()
    assert bulk_email.send_bulk_email(message, by=staff)  # the page answers; the message is claimed
    assert not OutgoingEmail.objects.exists()

    portal_on.start()
    request.getfixturevalue("worker")
    later = timezone.now() + bulk_email.PICKUP_DELAY + dt.timedelta(seconds=1)
    assert bulk_email.requeue_stranded(now=later) == 1  # what beat's bigbuyers.requeue_bulk_emails does
    wait_for(lambda: OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 3, 60)
    assert bulk_email.requeue_stranded(now=later) == 0  # found queued: not queued again


def test_a_session_ended_while_redis_hangs_does_not_come_back_from_the_cache(portal_on, settings):
    user = UserFactory(email="eva@city.example")
    client = Client()
    client.force_login(user)  # the session is in PostgreSQL and in Redis
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("account")).status_code == 200

    portal_on.pause()  # Redis hangs (SIGSTOP), as behind a broken network: every call times out
    try:
        assert client.post(reverse("signout")).status_code == 302  # the session is gone from PostgreSQL only
    finally:
        portal_on.resume()

    # Redis answers again and still holds the signed-in session; someone replays the old cookie.
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    answer = thief.get(reverse("account"))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("signin"))


def test_the_cache_misses_while_redis_is_down_and_forgets_what_changed_meanwhile(portal_on):
    from django.core.cache import cache

    from bigbuyers.cache import CacheUnavailable

    cache.set("greeting", "hello")
    cache.set("counter", 1)
    portal_on.pause()
    try:
        assert cache.get("greeting", "missed") == "missed"
        assert cache.add("other", 1) is False and cache.has_key("greeting") is False
        cache.set("greeting", "hello again")  # not stored: Redis does not answer
        with pytest.raises(CacheUnavailable):
            cache.incr("counter")
    finally:
        portal_on.resume()
    assert cache.get("greeting") is None  # the value written meanwhile is not in Redis; the old one is gone
    assert cache.incr("counter") == 2


def test_with_redis_hanging_a_sign_in_link_still_goes_out(portal_on):
    portal_on.pause()  # every call to Redis would wait for its timeouts (and Celery's and kombu's retries)
    try:
        visitor = Client()
        assert visitor.post(reverse("signin"), {"email": "jan.novak@praha.example"}).status_code == 302
        assert link_in_last_email("jan.novak@praha.example")  # sent from the request: Redis did not take the task
        assert visitor.get("/healthz").json()["redis"] == "down"
    finally:
        portal_on.resume()
