"""Rate limits: "count/seconds" read at start-up (a malformed value stops the process, naming the
variable), a window aligned on the clock whose rest is the Retry-After, and counting in the process
when Redis does not answer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from bigbuyers import ratelimit
from bigbuyers.cache import CacheUnavailable
from bigbuyers.env import Rate, env_rate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ratelimit_clock")]


def test_a_rate_is_read_as_count_per_seconds(monkeypatch):
    monkeypatch.setenv("RATELIMIT_TEST", "20/600")
    assert env_rate("RATELIMIT_TEST", "1/1") == Rate(20, 600)
    monkeypatch.delenv("RATELIMIT_TEST")
    assert env_rate("RATELIMIT_TEST", "5/60") == Rate(5, 60)


@pytest.mark.parametrize("value", ["20", "20/", "twenty/600", "20/10m", "0/600", "20/0", "-1/600"])
def test_a_malformed_rate_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("RATELIMIT_TEST", value)
    with pytest.raises(ImproperlyConfigured, match=r"^RATELIMIT_TEST="):
        env_rate("RATELIMIT_TEST", "1/1")


RATE_SETTINGS = re.findall(r'env_rate\("(RATELIMIT_\w+)"', (Path(__file__).parents[2] / "bigbuyers" / "settings.py").read_text())


@pytest.mark.parametrize("name", RATE_SETTINGS)
def test_each_rate_limit_is_read_when_the_settings_are(name):
    env = {**os.environ, "DEBUG": "1", name: "60 a minute"}
    run = subprocess.run([sys.executable, "-c", "import bigbuyers.settings"], capture_output=True, text=True,
                         env=env, timeout=60, check=False)
    assert run.returncode != 0 and f"{name}='60 a minute' is not a rate" in run.stderr


def test_the_five_rate_limits_are_found_in_the_settings():
    assert len(set(RATE_SETTINGS)) == 5, RATE_SETTINGS


def test_a_view_limited_by_a_setting_that_is_not_a_rate_fails_when_it_is_defined():
    with pytest.raises(ImproperlyConfigured, match="RATELIMIT_SIGNIN_PER_MINUTE is not a rate setting"):
        ratelimit.limit_posts("signin", per_ip="RATELIMIT_SIGNIN_PER_MINUTE")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not a rate setting"):
        ratelimit.limit_posts("signin", per_ip="RATELIMIT_SIGNIN_PER_IP", per_field=("email", "SECRET_KEY"))


def test_a_malformed_rate_limit_stops_start_up_with_a_clear_message():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bigbuyers.settings", "DEBUG": "1",
           "RATELIMIT_SIGNIN_PER_IP": "20 per 10 minutes"}
    run = subprocess.run([sys.executable, "manage.py", "check"], capture_output=True, text=True, env=env,
                         timeout=120, check=False)
    assert run.returncode != 0 and "RATELIMIT_SIGNIN_PER_IP='20 per 10 minutes' is not a rate" in run.stderr


def test_retry_after_is_the_rest_of_the_window(client, settings, ratelimit_clock):
    settings.RATELIMIT_SIGNIN_PER_EMAIL = Rate(2, 600)
    ratelimit_clock.now = 1_800_000_000.0 + 100  # 100 s into a window of 600 s (1_800_000_000 is a multiple of 600)
    codes = [client.post(reverse("signin"), {"email": "eva@city.example"}).status_code for _ in range(2)]
    refused = client.post(reverse("signin"), {"email": "eva@city.example"})
    assert codes == [302, 302] and refused.status_code == 429
    assert refused["Retry-After"] == "500"
    assert "Please wait 9 minutes and try again." in refused.content.decode()

    ratelimit_clock.now += 500  # the next window
    assert client.post(reverse("signin"), {"email": "eva@city.example"}).status_code == 302


def test_retry_after_follows_the_window_of_the_limit_that_refused(client, settings, ratelimit_clock):
    settings.RATELIMIT_SIGNIN_PER_IP = Rate(1, 60)
    ratelimit_clock.now = 1_800_000_000.0 + 15  # 15 s into a window of 60 s
    assert client.post(reverse("signin"), {"email": "eva@city.example"}).status_code == 302
    refused = client.post(reverse("signin"), {"email": "ida@city.example"})
    assert refused.status_code == 429 and refused["Retry-After"] == "45"

    settings.RATELIMIT_SIGNIN_PER_IP = Rate(1, 3600)
    ratelimit_clock.now = 1_800_000_000.0 + 600  # 600 s into a window of an hour (1_800_000_000 is a multiple of 3600)
    assert client.post(reverse("signin"), {"email": "eva@city.example"}).status_code == 302
    refused = client.post(reverse("signin"), {"email": "ida@city.example"})
    assert refused.status_code == 429 and refused["Retry-After"] == "3000"


def test_a_short_window_says_so(client, settings, ratelimit_clock):
    settings.RATELIMIT_SUBMIT_PER_IP = Rate(1, 60)
    ratelimit_clock.now = 1_800_000_000.0 + 15
    assert ratelimit.hit("submit:ip", "10.0.0.1", rate=settings.RATELIMIT_SUBMIT_PER_IP) is None
    assert ratelimit.hit("submit:ip", "10.0.0.1", rate=settings.RATELIMIT_SUBMIT_PER_IP) == 45
    answer = ratelimit.too_many_requests(client.get("/").wsgi_request, retry_after=45)
    assert answer["Retry-After"] == "45" and "Please wait 1 minute and try again." in answer.content.decode()


def test_without_redis_each_process_counts_on_its_own(client, settings, monkeypatch):
    def unavailable(*args: object, **kwargs: object) -> int:
        raise CacheUnavailable("Redis did not answer INCR")

    monkeypatch.setattr(ratelimit.cache, "incr", unavailable)
    settings.RATELIMIT_SIGNIN_PER_EMAIL = Rate(2, 600)
    codes = [client.post(reverse("signin"), {"email": "script@spam.example"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
