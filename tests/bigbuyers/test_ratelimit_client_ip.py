"""The client's address behind the TLS proxy: the one the trusted proxy appended to X-Forwarded-For, never
what the client wrote there. Rate limits and django-axes count that address.

Requests arrive as a real proxy sends them: REMOTE_ADDR is the proxy's address and X-Forwarded-For is
what the client sent (anything it likes) followed by the address the proxy saw:
``X-Forwarded-For: <forged>, <real client>``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from bigbuyers.env import Rate
from bigbuyers.ratelimit import client_ip
from tests.factories import StaffFactory
from tests.signin import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def through_proxy(real: str, forged: str = "") -> dict[str, str]:
    """The request's META as the proxy hands it on: the client's own header, then the address it saw."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{forged}, {real}" if forged else real}


@pytest.mark.parametrize(("count", "header", "expected"), [
    (1, "203.0.113.9", "203.0.113.9"),
    (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
    (1, "6.6.6.6,203.0.113.9 ", "203.0.113.9"),
    (2, "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),  # a CDN in front of the proxy: two trusted
    (2, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: all were written by trusted proxies
    (1, "", PROXY),  # nothing forwarded: the peer itself
    (1, "6.6.6.6, not-an-address", PROXY),  # what the proxy appended is not an address: not trusted
    (1, "6.6.6.6, 2001:db8::7", "2001:db8::7"),
    (0, "6.6.6.6, 203.0.113.9", PROXY),  # no proxy trusted: the header is the client's own text
])
def test_client_ip_is_the_address_the_trusted_proxy_appended(settings, count, header, expected):
    settings.TRUSTED_PROXY_COUNT = count
    meta = {"REMOTE_ADDR": PROXY, **({"HTTP_X_FORWARDED_FOR": header} if header else {})}
    assert client_ip(RequestFactory().get("/", **meta)) == expected


def test_forging_x_forwarded_for_does_not_get_round_the_signin_limit(client, settings, committed):
    settings.RATELIMIT_SIGNIN_PER_IP = Rate(20, 600)
    with committed():
        codes = [client.post(reverse("signin"), {"email": f"victim{n}@city.example"},
                             **through_proxy("203.0.113.9", forged=f"198.51.100.{n}")).status_code
                 for n in range(40)]
    assert codes == [302] * 20 + [429] * 20
    assert len(mail.outbox) == 20
    # Another client behind the same proxy is not held back by the first one's requests.
    other = client.post(reverse("signin"), {"email": "colleague@city.example"}, **through_proxy("192.0.2.44"))
    assert other.status_code == 302


@pytest.mark.parametrize(("name", "data", "setting"), [
    ("observer_signup", lambda n: {"email": f"o{n}@ngo.example"}, "RATELIMIT_SIGNIN_PER_IP"),
    ("signin_link", lambda n: {"token": "not-a-token"}, "RATELIMIT_SIGNIN_PER_IP"),
])
def test_every_limit_counts_the_real_client(client, settings, name, data, setting):
    setattr(settings, setting, Rate(3, 600))
    codes = [client.post(reverse(name), data(n), **through_proxy("203.0.113.9", forged=f"198.51.100.{n}")).status_code
             for n in range(5)]
    assert codes[-2:] == [429, 429], codes


def test_axes_locks_the_real_client_not_the_proxy(client, settings):
    staff = StaffFactory(email="named@secretariat.example")
    url = reverse("admin:login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": staff.email, "password": "wrong"},
                    **through_proxy("203.0.113.9", forged=f"198.51.100.{n}"))
    locked = client.post(url, {"username": staff.email, "password": STAFF_PASSWORD},
                         **through_proxy("203.0.113.9", forged="192.0.2.1"))
    assert locked.status_code == 429, "forged addresses do not spread the attacker's failures"
    # The staff member, from their own address behind the same proxy, is not locked out by the attacker.
    own = client.post(url, {"username": staff.email, "password": STAFF_PASSWORD}, **through_proxy("192.0.2.44"))
    assert own.status_code == 302


def _setting_in_a_fresh_process(**env_values: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bigbuyers.settings", "DEBUG": "0",
           "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "portal.example.eu"}
    for name in ("BEHIND_TLS_PROXY", "TRUSTED_PROXY_COUNT"):
        env.pop(name, None)
    env.update(env_values)
    script = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    run = subprocess.run([sys.executable, "manage.py", "shell", "-c", script],  # noqa: S603
                         capture_output=True, text=True, env=env, timeout=120, check=False)
    return run.stdout.strip().splitlines()[-1] if run.returncode == 0 else run.stderr


def test_trusted_proxy_count_defaults_to_one_behind_the_proxy_and_is_checked_at_start_up():
    assert _setting_in_a_fresh_process() == "1"
    assert _setting_in_a_fresh_process(BEHIND_TLS_PROXY="0") == "0"
    assert _setting_in_a_fresh_process(TRUSTED_PROXY_COUNT="2") == "2"
    assert "TRUSTED_PROXY_COUNT=-1 must be at least 0" in _setting_in_a_fresh_process(TRUSTED_PROXY_COUNT="-1")
