"""Real services for the tests that take one away: a Redis of the test's own, the Celery app pointed at
it, and Celery workers in their own processes (which a test may kill).

The machine's Redis and PostgreSQL are never stopped: other developers' tests use them at the same time.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.scratch import PrivateRedis

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A Redis server of this test's own (a free port), which the test may stop and start again."""
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Tasks are sent to the broker at `url` (no longer run in-process), and a worker started meanwhile
    (the `worker` fixture) consumes from there."""
    from bigbuyers.celery import app

    # The app reads Django's settings under the CELERY namespace: change the namespaced names.
    saved = app.conf.CELERY_BROKER_URL, app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_BROKER_URL, app.conf.CELERY_TASK_ALWAYS_EAGER = url, False
    app._after_fork()  # drop the connection pools of the previous broker
    try:
        yield
    finally:
        app.conf.CELERY_BROKER_URL, app.conf.CELERY_TASK_ALWAYS_EAGER = saved
        app._after_fork()


def database_url() -> str:
    """The URL of the test database (the one pytest-django created), for processes of our own."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """A Celery worker in a process (group) of its own, with its log in a file; `kill()` is a SIGKILL."""

    def __init__(self, log: Path, *, env: dict[str, str], pool: str = "solo", concurrency: int = 1,
                 include: str = "") -> None:
        self.log = log
        command = [str(ROOT / ".venv" / "bin" / "celery"), "-A", "bigbuyers", "worker", "--pool", pool,
                   "--concurrency", str(concurrency), "--loglevel", "INFO", "--without-gossip", "--without-mingle"]
        if include:
            command += ["--include", include]
        self.process = subprocess.Popen(  # noqa: S603 - our own virtual environment's celery
            command, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_ALLOW_ASYNC_UNSAFE": "", **env})

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.alive:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

