"""The portal's admin site: Django's, opened only to staff sessions (bigbuyers/staff_sessions.py).

`bigbuyers.two_factor.apps.PortalAdminConfig` replaces "django.contrib.admin" in INSTALLED_APPS, so that
`admin.site` is this site.
A staff member signed in with an e-mailed link has no permission on it: its sign-in page asks for the
password. One who gave the password but still owes a code (or, with STAFF_REQUIRE_TWO_FACTOR, an
enrolment) has none either; the sign-in page sends them to that step instead of asking again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from bigbuyers import staff_sessions
from bigbuyers.http import signed_in_user
from bigbuyers.two_factor import services
from bigbuyers.two_factor.views import safe_next, with_next


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and staff_sessions.staff_session(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "GET" and staff_sessions.code_owed(request):
            return redirect(self._second_step_url(request, safe_next(request, reverse("admin:index"))))
        # Signed in, but not with the password: say why the password is asked although they are signed in.
        plain = request.user.is_authenticated and not staff_sessions.signed_in_with_password(request)
        response = super().login(request, {**(extra_context or {}), "signed_in_without_password": plain})
        # The password was right: go straight to the code rather than round by the sign-in page.
        if request.method == "POST" and response.status_code == 302 and staff_sessions.code_owed(request):
            return redirect(self._second_step_url(request, response["Location"]))
        return response

    @staticmethod
    def _second_step_url(request: HttpRequest, next_url: str) -> str:
        name = "two_factor_verify" if services.confirmed_device(signed_in_user(request)) else "two_factor"
        return with_next(reverse(name), next_url)
