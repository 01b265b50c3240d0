"""Pages of the portal as a whole: health, accessibility statement, privacy notice, one's own data."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from bigbuyers import health
from bigbuyers import privacy as personal_data
from bigbuyers.http import SignedInRequest


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The state of the database and of Redis: 200 when both answer, 503 otherwise, within two seconds.

    ``?deep=1`` also reports how long ago a Celery worker and beat were last seen (their heartbeats), and
    answers 503 when either has been silent for minutes: for the secretariat's monitoring.
    """
    healthy, report = health.check(deep=request.GET.get("deep") == "1")
    return JsonResponse(report, status=200 if healthy else 503)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my contact details and account will be erased, and that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


@login_required
def account(request: SignedInRequest) -> HttpResponse:
    """The person's own data: download it, or have it erased."""
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        personal_data.erase_personal_data(request.user)
        logout(request)
        messages.success(request, _("Your personal data was erased and your account closed."))
        return redirect("home")
    return render(request, "pages/account.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def account_export(request: SignedInRequest) -> HttpResponse:
    data = personal_data.export_personal_data(request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="big-buyers-my-data.json"'
    return response
