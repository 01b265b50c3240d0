"""Rate limits on sign-in and submission, the staff lockout, headers, and the deploy check."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core import mail
from django.urls import reverse

from bigbuyers.env import Rate
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ratelimit_clock")]


def test_signin_link_requests_are_limited_per_address(client, settings, committed):
    settings.RATELIMIT_SIGNIN_PER_EMAIL = Rate(3, 600)
    with committed():
        answers = [client.post(reverse("signin"), {"email": "eva@city.example"}, REMOTE_ADDR=f"10.0.0.{n}")
                   for n in range(5)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    assert "Too many attempts" in answers[-1].content.decode()


def test_signin_link_requests_are_limited_per_ip_whatever_the_address(client, settings):
    settings.RATELIMIT_SIGNIN_PER_IP = Rate(4, 600)
    codes = [client.post(reverse("signin"), {"email": f"p{n}@city.example"}).status_code for n in range(6)]
    assert codes == [302] * 4 + [429] * 2


def test_unknown_and_known_addresses_count_the_same(client, user, settings):
    settings.RATELIMIT_SIGNIN_PER_EMAIL = Rate(1, 600)
    for email in (user.email, "nobody@nowhere.example"):
        assert client.post(reverse("signin"), {"email": email}).status_code == 302
        assert client.post(reverse("signin"), {"email": email}).status_code == 429


def test_staff_login_is_locked_after_repeated_failures(client, settings):
    StaffFactory(email="staff@secretariat.example")
    url = reverse("admin:login")
    codes = [client.post(url, {"username": "staff@secretariat.example", "password": "wrong"}).status_code
             for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post(url, {"username": "staff@secretariat.example", "password": "staff-password-123"})
    assert locked.status_code == 429


def test_staff_login_with_the_right_password_works(client):
    StaffFactory(email="staff@secretariat.example")
    answer = client.post(reverse("admin:login"), {"username": "staff@secretariat.example", "password": "staff-password-123"})
    assert answer.status_code == 302


def test_pages_send_the_security_headers(client):
    answer = client.get(reverse("home"))
    csp = answer["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Referrer-Policy"] == "same-origin"
    assert answer["X-Frame-Options"] == "DENY"


def test_production_settings_pass_the_deploy_check():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bigbuyers.settings", "DEBUG": "0",
           "SECRET_KEY": "a-long-random-production-key-" + "9f8e7d6c5b4a3210" * 3, "ALLOWED_HOSTS": "portal.example.eu"}
    for name in ("SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    run = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                         capture_output=True, text=True, env=env, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_bad_setting_stops_start_up_with_a_clear_message():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bigbuyers.settings", "DEBUG": "maybe"}
    run = subprocess.run([sys.executable, "manage.py", "check"], capture_output=True, text=True, env=env, timeout=120,
                         check=False)
    assert run.returncode != 0 and "DEBUG='maybe' is not a boolean" in run.stderr
