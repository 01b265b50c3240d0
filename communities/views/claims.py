"""Travel reimbursement claims: a member claims for an in-person event, with receipts; the secretariat decides
in the admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bigbuyers.http import SignedInRequest
from communities import selectors
from communities.forms import ClaimForm
from communities.permissions import (
    Space,
    community_view,
    get_claim_or_404,
    get_community_or_404,
    get_event_or_404,
    get_membership_or_404,
    get_receipt_or_404,
)
from communities.services.claims import claim_refusal, submit_claim
from communities.services.common import NotAllowed
from communities.views.documents import file_response


@community_view()
def claims(request: SignedInRequest, space: Space) -> HttpResponse:
    return render(request, "communities/claims.html", {
        "space": space, "community": space.community, "claims": selectors.claims_of(space.membership), "tab": "claims",
    })


@community_view()
def claim_create(request: SignedInRequest, space: Space, event: int) -> HttpResponse:
    item = get_event_or_404(space, event)
    refusal = (claim_refusal(space.membership, item) if space.membership is not None
               else _("Only members of the community can claim travel costs."))
    # A refused member's form is not validated: the page only says why.
    form = ClaimForm(request.POST or None, request.FILES or None) if refusal is None else ClaimForm()
    if request.method == "POST" and refusal is None and form.is_valid():
        assert space.membership is not None
        try:
            claim = submit_claim(item, membership=space.membership, amounts=form.amounts(),
                                 notes=form.cleaned_data["notes"].strip(),
                                 receipts=[(f, f.name, f.size) for f in form.receipts()])
        except NotAllowed as error:
            messages.error(request, str(error))
            return redirect("communities:event", space.community.slug, item.pk)
        messages.success(request, _("Your claim is submitted. The secretariat will e-mail you its decision."))
        return redirect("communities:claim", space.community.slug, claim.pk)
    return render(request, "communities/claim_form.html", {
        "space": space, "community": space.community, "event": item, "form": form, "refusal": refusal,
        "tab": "claims",
    }, status=403 if refusal and request.method == "POST" else (400 if form.errors else 200))


@community_view()
def claim(request: SignedInRequest, space: Space, pk: int) -> HttpResponse:
    item = get_claim_or_404(space, pk)
    return render(request, "communities/claim.html", {
        "space": space, "community": space.community, "claim": item, "receipts": list(item.receipts.all()),
        "tab": "claims",
    })


@never_cache
@login_required
def receipt_download(request: SignedInRequest, slug: str, pk: int, receipt: int) -> FileResponse:
    space = get_membership_or_404(request, get_community_or_404(slug))
    return file_response(get_receipt_or_404(space, pk, receipt))
