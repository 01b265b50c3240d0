"""A real Celery worker (prefork, in its own process) keeps working when Redis goes away and comes back
while a task is running: it reconnects and consumes again, instead of dying as celery 5.7.0 does
(`AttributeError: 'NoneType' object has no attribute 'hostname'`, see pyproject.toml)."""

from __future__ import annotations

import pytest

from bigbuyers.models import EmailStatus, OutgoingEmail
from tests.conftest import wait_for
from tests.services import WorkerProcess, celery_broker, database_url, private_redis  # noqa: F401 - a fixture

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_reconnects_after_redis_went_away_with_a_task_in_flight(private_redis, tmp_path):  # noqa: F811
    from bigbuyers.celery import app
    from bigbuyers.tasks import send_outgoing_email

    env = {"DJANGO_SETTINGS_MODULE": "bigbuyers.test_settings", "DATABASE_URL": database_url(),
           "REDIS_URL": private_redis.url()}
    # As the Procfile starts it: prefork, 2 processes (celery 5.7.0 died so; with 1 process it did not).
    worker = WorkerProcess(tmp_path / "worker.log", env=env, pool="prefork", concurrency=2,
                           include="tests.bigbuyers.worker_tasks")
    started, release = tmp_path / "started", tmp_path / "release"
    try:
        with celery_broker(private_redis.url()):
            wait_for(lambda: " ready." in worker.output(), 60)
            app.send_task("tests.hold", kwargs={"started": str(started), "release": str(release)})
            wait_for(started.exists, 30)

            private_redis.stop()  # SIGTERM: Redis closes the connections; the task in flight is not acknowledged
            wait_for(lambda: "Connection to broker lost" in worker.output(), 30)
            release.touch()  # the task in flight finishes meanwhile
            private_redis.start()
            wait_for(lambda: not worker.alive or worker.output().count("Connected to redis") >= 2, 60)
            assert worker.alive, worker.output()

            email = OutgoingEmail.objects.create(key="after-the-outage", to="eva@city.example", subject="s",
                                                 body_text="t", body_html="<p>t</p>")
            send_outgoing_email.delay(email_id=email.pk)
            wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT, 60)
        assert worker.alive, worker.output()
        assert "Unrecoverable error" not in worker.output()
    finally:
        worker.stop()
