"""Who may see and do what in a community: the one place where access is decided.

The rules:
- Anonymous people are sent to the sign-in page (LOGIN_URL) for every address of the app but one: the
  public page of the communities (views/public.py), which shows only what anyone may know of them.
- Members see their community's pages; a role (leader > core group > member) is needed for some
  actions; a member without it gets 403. The secretariat can do everything everywhere: staff who hold
  the permission `communities.act_as_secretariat` (the "Secretariat" group gives it, see secretariat.py)
  in a session opened with the password, and the code when they have an app (bigbuyers/staff_sessions.py).
  Staff without that permission, or signed in with an e-mailed link, are the person they are: a member
  where they are one, an outsider elsewhere.
- Outsiders get 404 for every page, file and event of a space, so that nothing tells what is inside.
  Two exceptions, both chosen so that nothing member-only is shown:
  * an OPEN community shows its overview (description, objectives, roadmap) and a join button to a
    signed-in non-member ("visitor"); its discussions, documents, events and members stay 404;
  * a document classified *public* may be downloaded by every signed-in platform user.
  Anybody signed in (guests excepted) may see the list of communities and ask to join one.
- A guest (a market actor invited to one event, with no membership) sees that event's page, their
  registration and the event's calendar file, and nothing else: every other address is 404 to them.
- A travel claim and its receipts are seen by the claimant and the secretariat only (404 to other members).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from bigbuyers.http import SignedInRequest
from bigbuyers.models import User
from bigbuyers.staff_sessions import code_owed, staff_power
from communities.models import (
    Classification,
    Community,
    Document,
    Event,
    GuestInvitation,
    Membership,
    Receipt,
    Reply,
    Role,
    Thread,
    TravelClaim,
)
from communities.secretariat import ACT_AS_SECRETARIAT


@dataclass
class Space:
    """The viewer's standing in one community, as decided by `get_membership_or_404`."""

    community: Community
    user: User
    membership: Membership | None
    is_secretariat: bool = False
    guest_event_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def sees_content(self) -> bool:
        """Members and the secretariat see what is inside; visitors and guests do not."""
        return self.is_secretariat or self.is_member

    @property
    def is_visitor(self) -> bool:
        return not self.sees_content and not self.guest_event_ids

    def has_role(self, role: str) -> bool:
        return self.is_secretariat or (self.membership is not None and self.membership.has_role(role))

    @property
    def is_leader(self) -> bool:
        return self.has_role(Role.LEADER)

    @property
    def is_core(self) -> bool:
        return self.has_role(Role.CORE)


def acts_as_secretariat(request: HttpRequest) -> bool:
    """True when the request may use the secretariat's powers in the communities."""
    return staff_power(request, ACT_AS_SECRETARIAT)


def is_guest_only(user: User) -> bool:
    """A market actor's account: invited to events, member of no community."""
    return (GuestInvitation.objects.filter(user=user).exists()
            and not Membership.objects.filter(user=user).exists())


def get_community_or_404(slug: str) -> Community:
    try:
        return Community.objects.select_related("area", "campaign").get(slug=slug)
    except Community.DoesNotExist:
        raise Http404 from None


def _membership(user: User, community: Community) -> Membership | None:
    return Membership.objects.filter(community=community, user=user).select_related("organisation").first()


def get_membership_or_404(request: HttpRequest, community: Community, *, visitors: bool = False,
                          guest_event_id: int | None = None) -> Space:
    """The viewer's Space in `community`, or Http404 for an outsider.

    `visitors`: a signed-in non-member may enter an open community (the overview only).
    `guest_event_id`: a person invited to that event (of this community) may enter as its guest.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    membership = _membership(user, community)
    secretariat = acts_as_secretariat(request)
    if membership is not None or secretariat:
        return Space(community, user, membership, is_secretariat=secretariat)
    if guest_event_id is not None and GuestInvitation.objects.filter(
        user=user, event_id=guest_event_id, event__community=community
    ).exists():
        return Space(community, user, None, guest_event_ids=frozenset({guest_event_id}))
    if visitors and community.is_open and not is_guest_only(user):
        return Space(community, user, None)
    raise Http404


def require_role(space: Space, role: str) -> None:
    """PermissionDenied (403) unless the member has `role` or higher, or is the secretariat; outsiders never
    get here."""
    if not space.sees_content:
        raise Http404
    if not space.has_role(role):
        raise PermissionDenied


def require_author(space: Space, item: Thread | Reply) -> None:
    """Only the author edits a message (the secretariat too, to correct one); others get 403."""
    if not (space.is_secretariat or item.author_id == space.user.pk):
        raise PermissionDenied


def require_not_guest_only(user: User) -> None:
    if is_guest_only(user):
        raise Http404


def get_event_or_404(space: Space, pk: int) -> Event:
    """An event of the space that the viewer may see: any for members, the invited one for a guest."""
    if not space.sees_content and pk not in space.guest_event_ids:
        raise Http404
    try:
        return Event.objects.select_related("community").get(pk=pk, community=space.community)
    except Event.DoesNotExist:
        raise Http404 from None


def get_document_or_404(request: SignedInRequest, community: Community, pk: int) -> Document:
    """A document the viewer may download: confidential ones for members and the secretariat, public ones
    for anybody signed in to the platform (guests excepted)."""
    document = Document.objects.filter(pk=pk, community=community).first()
    if document is None:
        raise Http404
    if document.classification == Classification.PUBLIC and not is_guest_only(request.user):
        return document
    get_membership_or_404(request, community)
    return document


def get_claim_or_404(space: Space, pk: int) -> TravelClaim:
    """A travel claim of the space, seen by its claimant and the secretariat only; other members get 404."""
    claim = (TravelClaim.objects.filter(pk=pk, event__community=space.community)
             .select_related("event", "membership__user", "membership__organisation")
             .prefetch_related("receipts").first())
    if claim is None or not (space.is_secretariat or claim.membership.user_id == space.user.pk):
        raise Http404
    return claim


def get_receipt_or_404(space: Space, claim_pk: int, pk: int) -> Receipt:
    claim = get_claim_or_404(space, claim_pk)
    receipt = next((r for r in claim.receipts.all() if r.pk == pk), None)
    if receipt is None:
        raise Http404
    return receipt


def record_visit(space: Space) -> None:
    """Remember when the member last opened the space ("what is new" is counted from there)."""
    if space.membership is not None:
        Membership.objects.filter(pk=space.membership.pk).update(last_visit_at=timezone.now())


def community_view(*, role: str | None = None, visitors: bool = False,
                   guests: bool = False) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view `(request, space, **kwargs)` reached by `<slug:slug>/...`.

    Anonymous: the sign-in page. Outsider: 404, except the secretariat signed in with the password who have
    not given their app's code yet: the code's page, which comes back here. Member without `role`: 403. With `guests`, the
    URL's `event` argument names the event that an invited guest may see.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
            community = get_community_or_404(slug)
            try:
                space = get_membership_or_404(request, community, visitors=visitors,
                                              guest_event_id=kwargs.get("event") if guests else None)
            except Http404:
                # The secretariat, signed in with the password, who have not given their code yet: ask for it.
                if code_owed(request) and request.user.has_perm(ACT_AS_SECRETARIAT):
                    return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
                raise
            if role is not None:
                require_role(space, role)
            response = view(request, space, **kwargs)
            # After the view: a page may show what is new since the previous visit.
            record_visit(space)
            return response

        return wrapper

    return decorator
