"""Work of the groups app whose task could not be queued (Redis away) is queued again by the periodic
pick-up (groups.requeue_stranded_work): a queued run is solved, a published run's e-mails go out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from bigbuyers.models import OutgoingEmail
from groups.models import MatchingRun, RunStatus
from groups.services import formation, pickup
from tests.factories import CampaignFactory, submitted_body

pytestmark = pytest.mark.django_db

AREAS = [("hdev", "Heavy-duty electric vehicles"), ("zecs", "Zero-emission construction sites")]


@pytest.fixture
def broker_down(monkeypatch):  # type: ignore[no-untyped-def]
    """Tasks are sent to a broker (not run in-process), which refuses every connection."""
    from celery import Task

    from bigbuyers import queueing
    from bigbuyers.celery import app

    def refused(self, *args: object, **kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app.conf, "CELERY_TASK_ALWAYS_EAGER", False)
    monkeypatch.setattr(Task, "apply_async", refused)
    yield
    monkeypatch.undo()
    queueing.broker.succeeded()


@pytest.fixture
def campaign():  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(areas=AREAS, expected_groups=1)
    for n in range(3):
        submitted_body(campaign, {"hdev": 2}, email=f"buyer{n}@city.example")
    return campaign


def _later() -> dt.datetime:
    return timezone.now() + pickup.PICKUP_DELAY + dt.timedelta(seconds=1)


def test_a_run_queued_while_the_broker_is_away_is_solved_by_the_pick_up(campaign, staff, committed, request):
    run = formation.create_run(campaign, by=staff, groups=1, min_size=2, max_size=5)
    request.getfixturevalue("broker_down")
    with committed():
        assert formation.queue_run(run)
    assert MatchingRun.objects.get(pk=run.pk).status == RunStatus.QUEUED
    assert pickup.requeue_stranded_runs() == 0  # too early: its message may still be on its way
    request.getfixturevalue("monkeypatch").undo()  # the broker is back (tasks run in-process here)

    with committed():
        assert pickup.requeue_stranded_runs(now=_later()) == 1
    assert MatchingRun.objects.get(pk=run.pk).status == RunStatus.DONE
    assert pickup.requeue_stranded_runs(now=_later()) == 0


def test_a_run_whose_worker_died_is_restarted(campaign, staff, committed):
    run = formation.create_run(campaign, by=staff, groups=1, min_size=2, max_size=5, time_limit=5)
    long_ago = timezone.now() - dt.timedelta(seconds=run.time_limit) - formation.STALE_RUN - dt.timedelta(minutes=1)
    MatchingRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, queued_at=long_ago, started_at=long_ago)
    with committed():
        assert pickup.requeue_stranded_runs() == 1
    assert MatchingRun.objects.get(pk=run.pk).status == RunStatus.DONE


def test_the_offers_of_a_run_published_while_the_broker_is_away_are_e_mailed_by_the_pick_up(
        campaign, staff, committed, request):
    run = formation.create_run(campaign, by=staff, groups=1, min_size=2, max_size=5)
    with committed():
        formation.queue_run(run)
    run.refresh_from_db()
    request.getfixturevalue("broker_down")
    with committed():
        formation.publish_run(run, by=staff)
    assert not OutgoingEmail.objects.filter(key__startswith=f"group-offer:run={run.pk}:").exists()
    request.getfixturevalue("monkeypatch").undo()

    assert pickup.requeue_offer_emails(now=_later()) == 1
    assert OutgoingEmail.objects.filter(key__startswith=f"group-offer:run={run.pk}:").count() == 3
    assert pickup.requeue_offer_emails(now=_later()) == 0
