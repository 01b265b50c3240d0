"""The portal's admin site: Django's, plus the second step of two-factor authentication.

`bigbuyers.two_factor.apps.PortalAdminConfig` replaces "django.contrib.admin" in INSTALLED_APPS, so that
`admin.site` is this site.
A staff member who still owes a code (or, with STAFF_REQUIRE_TWO_FACTOR, an enrolment) has no
permission on it; its sign-in page sends them to that step instead of asking for the password again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from bigbuyers.two_factor import services
from bigbuyers.two_factor.views import safe_next, with_next


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not services.second_step_missing(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "GET" and services.second_step_missing(request.user):
            return redirect(self._second_step_url(request, safe_next(request, reverse("admin:index"))))
        response = super().login(request, extra_context)
        # The password was right: go straight to the code rather than round by the sign-in page.
        if request.method == "POST" and response.status_code == 302 and services.second_step_missing(request.user):
            return redirect(self._second_step_url(request, response["Location"]))
        return response

    @staticmethod
    def _second_step_url(request: HttpRequest, next_url: str) -> str:
        name = "two_factor_verify" if services.confirmed_device(request.user) else "two_factor"
        return with_next(reverse(name), next_url)
