"""Content Security Policy reports: browsers send violations to /csp-report/ (report-uri and report-to),
which logs them, is rate-limited, never fails on junk, and goes without a CSRF check (as only the Observer
Group's one-click unsubscribe does besides)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bigbuyers.env import Rate

pytestmark = pytest.mark.django_db

REPORT = {"csp-report": {
    "document-uri": "https://portal.example.eu/campaigns/bbwt/", "referrer": "",
    "violated-directive": "script-src-elem", "effective-directive": "script-src-elem",
    "original-policy": "default-src 'self'; report-uri /csp-report/", "disposition": "enforce",
    "blocked-uri": "https://evil.example/x.js", "status-code": 200, "source-file": "https://portal.example.eu/",
    "line-number": 12, "column-number": 3,
}}
REPORTS_API = [{
    "type": "csp-violation", "age": 10, "url": "https://portal.example.eu/communities/", "user_agent": "Chrome",
    "body": {"documentURL": "https://portal.example.eu/communities/", "effectiveDirective": "style-src-attr",
             "blockedURL": "inline", "disposition": "enforce", "sourceFile": "https://portal.example.eu/static/js/portal.js",
             "lineNumber": 4, "columnNumber": 1, "statusCode": 200, "sample": ""},
}]


def _send(client: Client, body: bytes | str, content_type: str = "application/csp-report"):  # type: ignore[no-untyped-def]
    return client.generic("POST", reverse("csp_report"), body, content_type=content_type)


def _logged(caplog) -> list[str]:  # type: ignore[no-untyped-def]
    return [record.getMessage() for record in caplog.records if record.name == "bigbuyers.csp"]


def test_every_page_names_the_report_endpoint(client):
    answer = client.get(reverse("home"))
    assert "report-uri /csp-report/" in answer["Content-Security-Policy"]
    assert reverse("csp_report") == "/csp-report/"
    # The Reporting API only on request: Chromium ignores report-uri once report-to is there.
    assert "report-to" not in answer["Content-Security-Policy"] and "Reporting-Endpoints" not in answer


def test_with_the_reporting_api_asked_for_the_policy_names_its_endpoint(client, settings):
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**policy["DIRECTIVES"], "report-to": "csp-endpoint"}}
    answer = client.get(reverse("home"), secure=True)
    assert "report-to csp-endpoint" in answer["Content-Security-Policy"]
    assert answer["Reporting-Endpoints"] == 'csp-endpoint="https://testserver/csp-report/"'


def test_the_reporting_api_setting_is_read_at_start_up():
    script = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES'].get('report-to'))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bigbuyers.test_settings", "VIOLATION_REPORTS_REPORTING_API": "1"}
    run = subprocess.run([sys.executable, "manage.py", "shell", "-c", script],  # noqa: S603
                         capture_output=True, text=True, env=env, timeout=120, check=False)
    assert run.stdout.split()[-1] == "csp-endpoint", run.stderr


def test_a_violation_is_logged_from_either_format_without_a_csrf_token(caplog):
    browser = Client(enforce_csrf_checks=True)  # a browser's report carries no CSRF token
    with caplog.at_level(logging.WARNING, logger="bigbuyers.csp"):
        assert _send(browser, json.dumps(REPORT)).status_code == 204
        assert _send(browser, json.dumps(REPORTS_API), "application/reports+json").status_code == 204
    first, second = _logged(caplog)
    assert "script-src-elem" in first and "https://evil.example/x.js" in first and "/campaigns/bbwt/" in first
    assert "line 12" in first
    assert "style-src-attr" in second and "inline" in second and "portal.js" in second


@pytest.mark.parametrize("body", [
    b"", b"not json", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b'{"csp-report": "text"}', b'{"csp-report": {}}',
    b"[" * 50_000 + b"]" * 50_000, json.dumps({"csp-report": {"blocked-uri": ["a"] * 10}}).encode(),
    b'{"csp-report": {"document-uri": 12, "line-number": "x"}}', b"{" + b" " * 300_000 + b"}",
], ids=["empty", "text", "not utf-8", "a list", "a string report", "an empty report", "deeply nested", "a list field",
        "wrong types", "too large"])
def test_junk_never_fails_and_logs_nothing_useless(client, caplog, body):
    with caplog.at_level(logging.WARNING, logger="bigbuyers.csp"):
        answer = _send(client, body)
    assert answer.status_code in (204, 400, 413)
    assert all("\n" not in line for line in _logged(caplog))


def test_a_forged_report_cannot_write_lines_of_its_own_into_the_log(caplog):
    forged = {"csp-report": {**REPORT["csp-report"], "blocked-uri": "x\nERROR fake line\r\nmore"}}
    with caplog.at_level(logging.WARNING, logger="bigbuyers.csp"):
        _send(Client(), json.dumps(forged))
    (line,) = _logged(caplog)
    assert "\n" not in line and "\r" not in line


def test_reports_are_rate_limited(client, settings, caplog):
    settings.RATELIMIT_CSP_REPORT_PER_IP = Rate(3, 600)
    with caplog.at_level(logging.WARNING, logger="bigbuyers.csp"):
        codes = [_send(client, json.dumps(REPORT)).status_code for _ in range(5)]
    assert codes == [204, 204, 204, 429, 429]
    assert len(_logged(caplog)) == 3


def test_no_view_goes_without_a_csrf_check_but_the_reports_and_the_one_click_unsubscribe():
    def walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern):
                yield f"{prefix}{pattern.name}", pattern.callback

    exempt = {name for name, view in walk(get_resolver().url_patterns) if getattr(view, "csrf_exempt", False)}
    # The Observer Group's unsubscribe takes mail programs' one-click posts (RFC 8058), authorised by its link.
    assert exempt == {"csp_report", "observer_unsubscribe"}
