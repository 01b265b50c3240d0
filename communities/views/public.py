"""The public page of the Communities of Practice: for anyone, signed in or not (the only page of the app that
needs no sign-in; it shows nothing a member marked confidential, and no person's name or address)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from communities import selectors
from communities.permissions import is_guest_only


def about(request: HttpRequest) -> HttpResponse:
    """Each community's topic, whether it is open, its leader organisations, its members by country, its public
    documents and upcoming public events, and the way in for the viewer."""
    user = request.user
    return render(request, "communities/about.html", {
        "profiles": selectors.public_communities(user),
        # A market actor invited to one event cannot join: no way in is offered to them.
        "may_join": not user.is_authenticated or not is_guest_only(user),
    })
