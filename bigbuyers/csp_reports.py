"""Where browsers send Content Security Policy violations (`report-uri`, and `report-to` with the
Reporting-Endpoints header): each is logged as a warning, so that a page the policy breaks in production
is seen in the logs.

Anyone can post here (browsers send no CSRF token and may be anonymous), so the view is the portal's one
CSRF-exempt view, is rate-limited per client, reads at most MAX_BODY bytes, and logs only a few known
fields, shortened and on one line: junk gets a 400, never a 500 and never a forged log line.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bigbuyers.ratelimit import limit_posts

logger = logging.getLogger("bigbuyers.csp")

MAX_BODY = 64 * 1024
MAX_REPORTS = 10  # a Reporting API post may batch several
# (what we log, the field's name in the report-uri format, its name in the Reporting API format)
FIELDS = [
    ("page", "document-uri", "documentURL"),
    ("directive", "effective-directive", "effectiveDirective"),
    ("violated", "violated-directive", None),
    ("blocked", "blocked-uri", "blockedURL"),
    ("source", "source-file", "sourceFile"),
    ("line", "line-number", "lineNumber"),
    ("disposition", "disposition", "disposition"),
    ("sample", "script-sample", "sample"),
]


def _text(value: Any) -> str | None:
    """A scalar field as one short line; anything else (lists, objects) is not a field we log."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = " ".join(str(value).split())  # no line breaks: one report, one log line
    return text[:300] if text else None


def _violations(data: Any) -> list[dict[str, str]]:
    """The violations in a decoded body of either format, as the fields we log."""
    key_of: dict[str, str | None]  # our name: the report's (None: not in that format)
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        bodies, key_of = [data["csp-report"]], {name: uri_key for name, uri_key, _api_key in FIELDS}
    elif isinstance(data, list):
        bodies = [item["body"] for item in data[:MAX_REPORTS]
                  if isinstance(item, dict) and item.get("type") == "csp-violation" and isinstance(item.get("body"), dict)]
        key_of = {name: api_key for name, _uri_key, api_key in FIELDS}
    else:
        return []
    violations = []
    for body in bodies:
        fields = {name: text for name, key in key_of.items() if key and (text := _text(body.get(key))) is not None}
        if fields.get("directive") or fields.get("violated"):
            violations.append(fields)
    return violations


@csrf_exempt
@require_POST
@limit_posts("csp-report", per_ip="RATELIMIT_CSP_REPORT_PER_IP")
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log the violations a browser reports (204), or answer 400 to a body that holds none."""
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return HttpResponse(status=413)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return HttpResponse(status=400)
    violations = _violations(data)
    if not violations:
        return HttpResponse(status=400)
    for fields in violations:
        line = f" line {fields.pop('line')}" if "line" in fields else ""
        logger.warning("Content Security Policy violation: %s%s", json.dumps(fields, ensure_ascii=True), line)
    return HttpResponse(status=204)
