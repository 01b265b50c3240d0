"""/healthz: the database and Redis (200, or 503 naming what is down, within two seconds even when the
database hangs), and with ?deep=1 the heartbeats of the Celery worker and of beat. Public: it says
"ok" or "down" per part and nothing else."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from django.db import connections

from bigbuyers import heartbeats
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hung_database(monkeypatch) -> Iterator[None]:
    """The database's address answers TCP and nothing more, as a frozen postmaster (SIGSTOP) or a
    network partition: new connections hang. The test's own connection is untouched."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)  # never accepted: the kernel completes the handshake, nobody answers
    hung = {**connections.settings["default"], "HOST": "127.0.0.1", "PORT": listener.getsockname()[1]}
    monkeypatch.setitem(connections.settings, "default", hung)
    yield
    listener.close()


def test_healthz_answers_503_when_the_database_hangs(client, hung_database):
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "database": "down", "redis": "ok"}


def test_healthz_deep_reports_the_worker_and_beat_heartbeats(client, worker, tmp_path):
    from bigbuyers.celery import app

    # The worker writes its heartbeat as it starts consuming (a consumer bootstep)...
    wait_for(lambda: heartbeats.redis_client().zcard(heartbeats.WORKERS_KEY) == 1)
    # ...and beat as its scheduler ticks.
    scheduler = heartbeats.HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "beat-schedule"))
    scheduler.tick()
    scheduler.close()

    assert "worker" not in client.get("/healthz").json()  # the plain check stays cheap
    answer = client.get("/healthz?deep=1")
    assert answer.status_code == 200
    report = answer.json()
    assert report["status"] == "ok" and report["worker"]["status"] == "ok" and report["beat"]["status"] == "ok"
    assert report["worker"]["count"] == 1 and report["worker"]["seen_seconds_ago"] <= heartbeats.STALE_AFTER
    # Part names, "ok"/"down" and ages: no host name, no error text.
    assert set(report) == {"status", "database", "redis", "worker", "beat"}
    assert set(report["worker"]) == {"status", "seen_seconds_ago", "count"} and set(report["beat"]) == {
        "status", "seen_seconds_ago"}


def test_healthz_deep_answers_503_when_the_worker_or_beat_fell_silent(client):
    long_ago = time.time() - heartbeats.STALE_AFTER - 60
    heartbeats.record_worker("celery@gone", now=long_ago)
    answer = client.get("/healthz?deep=1")
    assert answer.status_code == 503
    assert answer.json()["worker"] == {"status": "down", "seen_seconds_ago": heartbeats.STALE_AFTER + 60, "count": 0}
    assert answer.json()["beat"] == {"status": "down", "seen_seconds_ago": None}

    heartbeats.record_worker("celery@here")
    heartbeats.record_beat(now=long_ago)
    answer = client.get("/healthz?deep=1")
    assert answer.status_code == 503 and answer.json()["worker"]["status"] == "ok"
    assert answer.json()["beat"]["status"] == "down"
