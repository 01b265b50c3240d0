"""Signing in with an e-mailed, single-use link (django-sesame), and signing out."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bigbuyers.ratelimit import limit_posts
from surveys.forms import EmailForm
from surveys.services.signin import request_signin_link


def safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@limit_posts("signin", per_ip="RATELIMIT_SIGNIN_PER_IP", per_field=("email", "RATELIMIT_SIGNIN_PER_EMAIL"))
def signin(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link; the answer is the same for known and unknown addresses."""
    next_path = safe_next(request, reverse("home"))
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request_signin_link(email=form.cleaned_data["email"], next_path=next_path)
        request.session["signin_email"] = form.cleaned_data["email"]
        return redirect("signin_sent")
    return render(request, "surveys/signin.html", {"form": form, "next": next_path}, status=400 if form.errors else 200)


def signin_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/signin_sent.html", {"email": request.session.get("signin_email", "")})


@limit_posts("signin-link", per_ip="RATELIMIT_SIGNIN_PER_IP")
def signin_link(request: HttpRequest) -> HttpResponse:
    """The e-mailed link. GET only shows a button: mail scanners that open links must not spend it."""
    token = request.POST.get("token") or request.GET.get("token") or ""
    next_path = safe_next(request, reverse("home"))
    if request.method == "POST":
        # The sesame backend checks the token's signature, age and single use (last_login).
        user = authenticate(request, sesame=token) if token else None
        if user is None:
            return render(request, "surveys/signin_invalid.html", {"form": EmailForm(), "next": next_path}, status=400)
        login(request, user)  # updates last_login, which spends the single-use token
        return redirect(next_path)
    return render(request, "surveys/signin_confirm.html", {"token": token, "next": next_path})


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")
