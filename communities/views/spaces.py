"""The list of communities, "My communities", a space's overview and roadmap, its members and who joins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bigbuyers.http import SignedInRequest
from communities import selectors
from communities.forms import ActivityForm, DecisionForm, JoinRequestForm, PreferencesForm, RoadmapForm
from communities.models import Activity, JoinRequest, JoinStatus, Membership, Role
from communities.permissions import (
    Space,
    community_view,
    get_community_or_404,
    require_not_guest_only,
)
from communities.services.membership import (
    decide_join_request,
    join_open_community,
    request_to_join,
    update_preferences,
)
from communities.services.roadmap import save_activity, update_roadmap


@login_required
def mine(request: SignedInRequest) -> HttpResponse:
    """The viewer's spaces with what is new in each, and the events they are invited to as a guest."""
    return render(request, "communities/mine.html", {
        "memberships": selectors.my_memberships(request.user),
        "invitations": selectors.guest_invitations(request.user),
    })


@login_required
def directory(request: SignedInRequest) -> HttpResponse:
    """Every community, open or closed, with a way in (guests of one event do not see it)."""
    require_not_guest_only(request.user)
    return render(request, "communities/directory.html", {"communities": selectors.directory(request.user)})


@community_view(visitors=True)
def overview(request: SignedInRequest, space: Space) -> HttpResponse:
    """The space's home: description, objectives, roadmap; for members also the next events."""
    community = space.community
    return render(request, "communities/overview.html", {
        "space": space, "community": community, "activities": selectors.roadmap_of(community),
        "events": selectors.upcoming_events(community) if space.sees_content else [],
        "pending_requests": len(selectors.pending_join_requests(community)) if space.is_leader else 0,
        "tab": "overview",
    })


@login_required
def join(request: SignedInRequest, slug: str) -> HttpResponse:
    """Join an open community at once, or ask to join a closed one (with a message)."""
    require_not_guest_only(request.user)
    community = get_community_or_404(slug)
    if Membership.objects.filter(community=community, user=request.user).exists():
        return redirect("communities:overview", community.slug)
    waiting = JoinRequest.objects.filter(community=community, user=request.user, status=JoinStatus.PENDING).first()
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST":
        if community.is_open:
            join_open_community(community, request.user)
            messages.success(request, _("Welcome to %(name)s.") % {"name": community.name})
            return redirect("communities:overview", community.slug)
        if waiting is None and form.is_valid():
            request_to_join(community, request.user, message=form.cleaned_data["message"].strip(),
                            organisation_name=form.cleaned_data["organisation_name"].strip())
            messages.success(request, _("Your request was sent. You will get the answer by e-mail."))
            return redirect("communities:join", community.slug)
    return render(request, "communities/join.html", {"community": community, "form": form, "waiting": waiting},
                  status=400 if form.errors else 200)


@community_view()
def members(request: SignedInRequest, space: Space) -> HttpResponse:
    return render(request, "communities/members.html", {
        "space": space, "community": space.community, "members": selectors.members_of(space.community),
        "tab": "members",
    })


@community_view(role=Role.LEADER)
def join_requests(request: SignedInRequest, space: Space) -> HttpResponse:
    return render(request, "communities/join_requests.html", {
        "space": space, "community": space.community, "requests": selectors.pending_join_requests(space.community),
        "tab": "requests",
    })


@community_view(role=Role.LEADER)
def join_request_decide(request: SignedInRequest, space: Space, pk: int) -> HttpResponse:
    """Approve or decline one request, with a message e-mailed to the person."""
    join_request = get_object_or_404(JoinRequest.objects.select_related("user"), pk=pk, community=space.community,
                                     status=JoinStatus.PENDING)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        decide_join_request(join_request, approve=approve, by=request.user,
                            message=form.cleaned_data["message"].strip())
        messages.success(request, _("Request approved.") if approve else _("Request declined."))
        return redirect("communities:join_requests", space.community.slug)
    return render(request, "communities/join_request_decide.html", {
        "space": space, "community": space.community, "join_request": join_request, "form": form, "tab": "requests",
    }, status=400 if form.errors else 200)


@community_view()
def preferences(request: SignedInRequest, space: Space) -> HttpResponse:
    """The member's choice of e-mails: none, one per message, or a daily digest."""
    if space.membership is None:  # the secretariat without a membership has no preferences here
        messages.info(request, _("You are not a member of this community: there are no e-mails to choose."))
        return redirect("communities:overview", space.community.slug)
    form = PreferencesForm(request.POST or None, initial={"notify": space.membership.notify})
    if request.method == "POST" and form.is_valid():
        update_preferences(space.membership, notify=form.cleaned_data["notify"])
        messages.success(request, _("Your preferences are saved."))
        return redirect("communities:preferences", space.community.slug)
    return render(request, "communities/form_page.html", {
        "space": space, "community": space.community, "form": form, "tab": "preferences",
        "title": _("E-mails about this community"), "button": _("Save my preferences"),
    }, status=400 if form.errors else 200)


@community_view(role=Role.LEADER)
def roadmap_edit(request: SignedInRequest, space: Space) -> HttpResponse:
    community = space.community
    initial = {"objectives": community.objectives, "ambition": community.ambition, "timeline": community.timeline}
    form = RoadmapForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        update_roadmap(community, **{k: v.strip() for k, v in form.cleaned_data.items()})
        messages.success(request, _("The roadmap is saved."))
        return redirect("communities:overview", community.slug)
    return render(request, "communities/form_page.html", {
        "space": space, "community": community, "form": form, "tab": "overview",
        "title": _("Objectives, ambition and timeline"),
    }, status=400 if form.errors else 200)


@community_view(role=Role.LEADER)
def activity_form(request: SignedInRequest, space: Space, pk: int | None = None) -> HttpResponse:
    """Add a planned activity to the roadmap, or change one."""
    activity = get_object_or_404(Activity, pk=pk, community=space.community) if pk else None
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        save_activity(space.community, activity=activity,
                      values={f: form.cleaned_data[f] for f in ActivityForm.Meta.fields})
        messages.success(request, _("The roadmap is saved."))
        return redirect("communities:overview", space.community.slug)
    return render(request, "communities/form_page.html", {
        "space": space, "community": space.community, "form": form, "tab": "overview",
        "title": _("Change an activity") if activity else _("Add an activity"),
    }, status=400 if form.errors else 200)

