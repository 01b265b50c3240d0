"""The body's offer page, from the e-mailed link: commit to a group with a role, or decline it.

The link carries a signed token naming the body (response) and the person it was sent to
(groups.services.formation.offer_token), so it works without signing in. Every action checks that the
offer belongs to the token's body: a link for one body can never act on another's offer.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups.forms.formation import AcceptOfferForm, ObserverForm
from groups.models import GroupOffer, ObserverSource
from groups.selectors.formation import offer_of, offers_of
from groups.services import formation as services


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/offer_link_invalid.html", status=404)


def _access(request: HttpRequest, token: str) -> services.OfferAccess | HttpResponse:
    access = services.access_for_token(token)
    return _invalid(request) if access is None else access


def _offer(request: HttpRequest, token: str, offer_id: int) -> tuple[services.OfferAccess, GroupOffer] | HttpResponse:
    access = _access(request, token)
    if isinstance(access, HttpResponse):
        return access
    offer = offer_of(access.response, offer_id)
    return _invalid(request) if offer is None else (access, offer)


def _render_page(request: HttpRequest, token: str, access: services.OfferAccess,
                 bound: AcceptOfferForm | None = None, status: int = 200) -> HttpResponse:
    offers = offers_of(access.response)
    rows = []
    for offer in offers:
        form = bound if bound is not None and bound.prefix == f"offer-{offer.pk}" else AcceptOfferForm(
            offer_id=offer.pk, initial={"role": offer.role or None})
        rows.append({"offer": offer, "form": form, "open": services.offer_is_open(offer)})
    return render(request, "groups/offer.html", {
        "token": token, "response": access.response, "organisation": access.response.organisation,
        "campaign": access.response.campaign, "rows": rows, "bound": bound,
    }, status=status)


def offer_page(request: HttpRequest, token: str) -> HttpResponse:
    """The body's offers, each with its explanation, its state, and the forms to accept or decline it."""
    access = _access(request, token)
    if isinstance(access, HttpResponse):
        return access
    return _render_page(request, token, access)


@require_POST
def offer_accept(request: HttpRequest, token: str, offer_id: int) -> HttpResponse:
    """Commit the body to the offer's group with the chosen role."""
    found = _offer(request, token, offer_id)
    if isinstance(found, HttpResponse):
        return found
    access, offer = found
    form = AcceptOfferForm(request.POST, offer_id=offer.pk)
    if not form.is_valid():
        return _render_page(request, token, access, bound=form, status=400)
    try:
        services.accept_offer(offer, role=form.cleaned_data["role"], by=access.user)
    except services.OfferClosed:
        messages.error(request, _("This offer can no longer be answered here. Write to the secretariat if you "
                                  "would still like to join the group."))
        return redirect("offer_page", token)
    return redirect("offer_accepted", token, offer.pk)


@require_POST
def offer_decline(request: HttpRequest, token: str, offer_id: int) -> HttpResponse:
    """Record that the body declines the offer's group."""
    found = _offer(request, token, offer_id)
    if isinstance(found, HttpResponse):
        return found
    access, offer = found
    try:
        services.decline_offer(offer, by=access.user)
    except services.OfferClosed:
        messages.error(request, _("This offer can no longer be answered here."))
        return redirect("offer_page", token)
    return redirect("offer_declined", token, offer.pk)


def offer_accepted(request: HttpRequest, token: str, offer_id: int) -> HttpResponse:
    """What the commitment means and what happens next."""
    found = _offer(request, token, offer_id)
    if isinstance(found, HttpResponse):
        return found
    access, offer = found
    return render(request, "groups/offer_accepted.html", {"token": token, "offer": offer,
                                                          "organisation": access.response.organisation})


def offer_declined(request: HttpRequest, token: str, offer_id: int) -> HttpResponse:
    """The decline is recorded; the Observer Group is offered, with the form filled in."""
    found = _offer(request, token, offer_id)
    if isinstance(found, HttpResponse):
        return found
    access, offer = found
    form = ObserverForm(initial={"email": access.user.email, "name": access.user.full_name,
                                 "organisation_name": access.response.organisation.name})
    return render(request, "groups/offer_declined.html", {
        "token": token, "offer": offer, "form": form, "organisation": access.response.organisation,
        "observer_action": f"{reverse('observer_signup')}?from={ObserverSource.DECLINED}"})
