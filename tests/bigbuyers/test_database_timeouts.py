"""A database that does not answer holds no request for long: connecting gives up after
DATABASE_CONNECT_TIMEOUT, a statement after DATABASE_STATEMENT_TIMEOUT, and the visitor gets the 503
page ("try again in a minute") rather than a 500."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from tests.services import database_url

pytestmark = pytest.mark.django_db

QUERY = """
import django
django.setup()
from django.db import connection, OperationalError
try:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(__import__("sys").argv[1])])
except OperationalError as error:
    print("OperationalError:", error)
else:
    print("answered")
"""


def _run(argument: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", QUERY, argument], capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bigbuyers.test_settings", **env})


def test_the_connection_has_the_configured_timeouts(settings):
    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 3
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("30s",)


def test_a_statement_longer_than_the_statement_timeout_is_cancelled():
    run = _run("3", DATABASE_URL=database_url(), DATABASE_STATEMENT_TIMEOUT="1")
    assert "canceling statement due to statement timeout" in run.stdout, run.stdout + run.stderr


def test_connecting_to_a_database_that_does_not_answer_gives_up():
    with socket.socket() as listener:  # accepts TCP and never answers, as a frozen postmaster
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        port = listener.getsockname()[1]
        run = _run("0", DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/bigbuyers", DATABASE_CONNECT_TIMEOUT="2")
    assert "OperationalError" in run.stdout and "timeout expired" in run.stdout, run.stdout + run.stderr


def test_a_malformed_timeout_stops_start_up_naming_the_variable():
    run = _run("0", DATABASE_URL=database_url(), DATABASE_STATEMENT_TIMEOUT="soon")
    assert run.returncode != 0 and "DATABASE_STATEMENT_TIMEOUT='soon' is not a whole number" in run.stderr


def test_a_page_whose_database_does_not_answer_is_a_503_asking_to_try_again(client, monkeypatch):
    def timed_out(*args: object, **kwargs: object) -> None:
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr("surveys.selectors.published_campaigns", timed_out)
    client.raise_request_exception = False
    answer = client.get(reverse("home"))
    assert answer.status_code == 503 and answer["Retry-After"] == "60"
    assert "try again in a minute" in answer.content.decode()
