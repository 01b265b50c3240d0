"""Shared fixtures: users, campaigns, and a real Chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.factories import CampaignFactory, StaffFactory, UserFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture
def user(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="anna.keller@lindenau.example")


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    return StaffFactory(email="staff@secretariat.example")


@pytest.fixture
def staff_client(client, staff):  # type: ignore[no-untyped-def]
    """The test client signed in as `staff` (a superuser): the admin as the same person a test checks for."""
    client.force_login(staff)
    return client


@pytest.fixture
def campaign(db):  # type: ignore[no-untyped-def]
    return CampaignFactory(slug="bbwt", name="Big Buyers Working Together")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(request, browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser page; CSP violations and page errors reported in the console fail the test.

    British English unless a test asks for another browser language:
    ``@pytest.mark.parametrize("page", ["fr-FR"], indirect=True)``.
    """
    locale = getattr(request, "param", "en-GB")
    context = browser.new_context(base_url=live_server.url, locale=locale, timezone_id="Europe/Lisbon")
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert not problems, f"the browser reported: {problems}"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """`with committed(): service(...)` runs what the service queued for after its commit (e-mails)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters live in the shared cache (Redis): each test starts from none. Each test also
    starts with Redis counted as answering (the circuits of bigbuyers/cache.py and bigbuyers/queueing.py
    are per process, and a test may have opened them)."""
    from django.core.cache import cache

    from bigbuyers import cache as resilient_cache
    from bigbuyers import queueing, ratelimit

    resilient_cache._outages.clear()
    queueing.broker.succeeded()
    ratelimit._in_process.clear()  # the counters used while Redis is down
    cache.clear()
    yield
    resilient_cache._outages.clear()
    queueing.broker.succeeded()


@pytest.fixture(autouse=True)
def ratelimit_clock(monkeypatch):  # type: ignore[no-untyped-def]
    """The rate limits' clock, stopped in the middle of a window: a test's requests cannot straddle two
    windows (they are aligned on the clock), whatever time it runs at. A test may move `now`."""
    import types

    clock = types.SimpleNamespace(now=1_800_000_300.0)
    monkeypatch.setattr("bigbuyers.ratelimit.time", types.SimpleNamespace(time=lambda: clock.now))
    return clock


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language and leaves none behind.

    LocaleMiddleware activates the request's language in the test's own thread and never deactivates
    it: without this, a test that asks for a French page leaves every later test in French.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def worker() -> Iterator[object]:
    """A real Celery worker (one thread, solo pool) on the real Redis, for the length of a test."""
    from celery.contrib.testing.worker import start_worker

    from bigbuyers.celery import app

    # The app reads Django's settings with the CELERY namespace: `task_always_eager` is found under its
    # namespaced name first, so that is the one to change (changing `task_always_eager` has no effect).
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as running:
            yield running
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def finished() -> Iterator[list[str]]:
    """Names of the tasks the worker has finished, in order: what a test waits on instead of a pause."""
    from celery.signals import task_postrun

    names: list[str] = []

    def record(sender=None, **kwargs):  # type: ignore[no-untyped-def]
        names.append(sender.name)

    task_postrun.connect(record, weak=False)
    yield names
    task_postrun.disconnect(record)


def wait_for(condition, seconds: float = 15) -> None:  # type: ignore[no-untyped-def]
    """Wait until `condition()` is true, as a worker in another thread gets there."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("the worker did not get there in time")
