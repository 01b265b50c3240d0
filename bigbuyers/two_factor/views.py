"""Staff pages of two-factor authentication: enrol an app, remove it, and give a code after the password.

They sit beside the admin (/admin/two-factor/...) rather than inside it, because the admin's own views
are closed until this step is done.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bigbuyers.http import SignedInRequest
from bigbuyers.ratelimit import client_ip
from bigbuyers.staff_sessions import signed_in_with_password
from bigbuyers.two_factor import services
from bigbuyers.two_factor.forms import CodeForm


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Active staff signed in with their password; anyone else goes to the admin's sign-in, as the admin
    itself does. A session opened by an e-mailed link cannot enrol, remove or give a code: whoever reads
    the mailbox could otherwise put their own app on the account."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_active and request.user.is_staff and signed_in_with_password(request)):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` address of the request when it stays on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def _mark_verified(request: HttpRequest, device: Any) -> None:
    request.session.cycle_key()  # a new session id for the session that now has more rights
    django_otp.login(request, device)


def _page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    return render(request, template, {**admin.site.each_context(request), **context}, status=status)


@staff_only
def setup(request: SignedInRequest) -> HttpResponse:
    """The state of the person's two-factor authentication; without an app, enrolment (GET) and its
    confirmation with a first code (POST)."""
    device = services.confirmed_device(request.user)
    if device is not None and not services.is_verified(request.user):
        return redirect(with_next(reverse("two_factor_verify"), request.get_full_path()))
    next_url = safe_next(request, "")
    if device is not None:
        return _page(request, "admin/bigbuyers/two_factor.html", {"title": _("Two-factor authentication"),
                                                                  "device": device, "next": next_url})
    pending = services.start_enrolment(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        error = services.check_code(pending, form.cleaned_data["code"], ip=client_ip(request))
        if error is None:
            services.confirm_device(pending)
            _mark_verified(request, pending)  # this session has just given a right code
            messages.success(request, _("Two-factor authentication is on: the admin will ask for a code from "
                                        "your app each time you sign in."))
            return redirect(next_url or reverse("two_factor"))
        form.add_error("code", error)
    context = {
        "title": _("Turn on two-factor authentication"), "form": form, "next": next_url,
        "required": services.second_step_missing(request.user),
        "qr_code": services.qr_code_svg(pending), "secret": services.secret_for_typing(pending),
    }
    return _page(request, "admin/bigbuyers/two_factor_enrol.html", context, status=400 if form.errors else 200)


@staff_only
def remove(request: SignedInRequest) -> HttpResponse:
    """Remove the person's app, after a current code (GET shows the form)."""
    device = services.confirmed_device(request.user)
    if device is None:
        return redirect("two_factor")
    if not services.is_verified(request.user):
        return redirect(with_next(reverse("two_factor_verify"), request.get_full_path()))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        error = services.check_code(device, form.cleaned_data["code"], ip=client_ip(request))
        if error is None:
            services.remove_device(device)
            messages.success(request, _("Your authenticator app was removed: the admin asks for your password only."))
            return redirect("two_factor")
        form.add_error("code", error)
    return _page(request, "admin/bigbuyers/two_factor_remove.html",
                 {"title": _("Remove your authenticator app"), "form": form,
                  "forced": settings.STAFF_REQUIRE_TWO_FACTOR}, status=400 if form.errors else 200)


@staff_only
def verify(request: SignedInRequest) -> HttpResponse:
    """The second step of the admin's sign-in: a code from the person's app."""
    next_url = safe_next(request, reverse("admin:index"))
    device = services.confirmed_device(request.user)
    if device is None:
        return redirect(with_next(reverse("two_factor"), next_url))
    if services.is_verified(request.user):
        return redirect(next_url)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        error = services.check_code(device, form.cleaned_data["code"], ip=client_ip(request))
        if error is None:
            _mark_verified(request, device)
            return redirect(next_url)
        form.add_error("code", error)
    return _page(request, "admin/bigbuyers/two_factor_verify.html",
                 {"title": _("Enter the code from your app"), "form": form, "next": next_url},
                 status=400 if form.errors else 200)
