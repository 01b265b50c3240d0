"""The Observer Group's public pages: join (double opt-in), confirm from the e-mailed link, unsubscribe."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from bigbuyers.ratelimit import limit_posts
from groups.forms.formation import ObserverForm
from groups.models import ObserverSource, ObserverSubscription
from groups.services import formation as services


def _source(request: HttpRequest) -> str:
    value = request.GET.get("from", "")
    return value if value in ObserverSource.values else ObserverSource.PUBLIC


@limit_posts("observers", per_ip="RATELIMIT_SIGNIN_PER_IP", per_field=("email", "RATELIMIT_SIGNIN_PER_EMAIL"))
def observer_signup(request: HttpRequest) -> HttpResponse:
    """The form to join; the answer is the same whether the address is subscribed already or not."""
    initial = services.observer_invitation(request.GET["invite"]) if request.GET.get("invite") else {}
    form = ObserverForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.subscribe_observer(
            email=form.cleaned_data["email"], name=form.cleaned_data["name"],
            organisation_name=form.cleaned_data["organisation_name"],
            source=ObserverSource.UNPLACED if initial else _source(request), language=translation.get_language(),
        )
        request.session["observer_email"] = form.cleaned_data["email"]
        return redirect("observer_sent")
    return render(request, "groups/observer_signup.html", {"form": form, "action": request.get_full_path()},
                  status=400 if form.errors else 200)


def observer_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/observer_sent.html", {"email": request.session.get("observer_email", "")})


def observer_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed confirmation link. GET only shows a button: mail scanners that open links must not confirm."""
    subscription = services.subscription_for_confirmation(token)
    if subscription is None:
        return render(request, "groups/observer_link_invalid.html", status=404)
    if request.method == "POST":
        services.confirm_observer(subscription)
        return redirect("observer_confirmed")
    return render(request, "groups/observer_confirm.html", {"subscription": subscription})


def observer_confirmed(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/observer_confirmed.html")


# No CSRF token: mail programs' one-click unsubscribe (RFC 8058) posts without one, and the secret in the
# address is what authorises the request; the worst a forged post can do is unsubscribe its own owner.
@csrf_exempt
def observer_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The unsubscribe link of every Observer Group e-mail: a button (GET), then done (POST)."""
    subscription = ObserverSubscription.objects.filter(token=token).first()
    if subscription is None:
        return render(request, "groups/observer_link_invalid.html", status=404)
    if request.method == "POST":
        services.unsubscribe_observer(subscription)
        subscription.refresh_from_db()
    return render(request, "groups/observer_unsubscribe.html", {"subscription": subscription, "token": token,
                                                               "done": request.method == "POST"})
