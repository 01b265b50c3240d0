"""Discussions: threads with replies; authors edit their messages, leaders hide, lock and pin."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bigbuyers.http import SignedInRequest
from bigbuyers.pagination import page_of
from communities import selectors
from communities.forms import ReplyForm, ThreadForm
from communities.models import Reply, Role, Thread
from communities.permissions import Space, community_view, require_author
from communities.services.common import NotAllowed
from communities.services.discussions import (
    MODERATION,
    edit_reply,
    edit_thread,
    moderate_reply,
    moderate_thread,
    post_reply,
    post_thread,
)


def _thread_or_404(space: Space, pk: int) -> Thread:
    thread = selectors.thread_with_replies(space, pk)
    if thread is None:
        raise Http404
    return thread


def _reply_or_404(space: Space, pk: int) -> Reply:
    reply = selectors.reply_of(space, pk)
    if reply is None:
        raise Http404
    return reply


@community_view()
def threads(request: SignedInRequest, space: Space) -> HttpResponse:
    page = page_of(request, selectors.threads_of(space))
    return render(request, "communities/threads.html", {
        "space": space, "community": space.community, "threads": page, "page": page, "tab": "discussions",
        "since": space.membership.last_visit_at if space.membership else None,
    })


@community_view()
def thread_create(request: SignedInRequest, space: Space) -> HttpResponse:
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        thread = post_thread(space.community, author=request.user, title=form.cleaned_data["title"].strip(),
                             body=form.cleaned_data["body"].strip())
        messages.success(request, _("Your thread is posted."))
        return redirect("communities:thread", space.community.slug, thread.pk)
    return render(request, "communities/form_page.html", {
        "space": space, "community": space.community, "form": form, "tab": "discussions",
        "title": _("Start a discussion"), "button": _("Post the thread"),
    }, status=400 if form.errors else 200)


@community_view()
def thread(request: SignedInRequest, space: Space, pk: int) -> HttpResponse:
    """A thread with its replies and the reply form."""
    item = _thread_or_404(space, pk)
    return render(request, "communities/thread.html", {
        "space": space, "community": space.community, "thread": item, "replies": list(item.replies.all()),
        "form": ReplyForm(), "tab": "discussions",
    })


@community_view()
@require_POST
def reply_create(request: SignedInRequest, space: Space, pk: int) -> HttpResponse:
    item = _thread_or_404(space, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            reply = post_reply(item, author=request.user, body=form.cleaned_data["body"].strip())
        except NotAllowed as refusal:
            messages.error(request, str(refusal))
            return redirect("communities:thread", space.community.slug, item.pk)
        messages.success(request, _("Your reply is posted."))
        return redirect(reverse("communities:thread", args=[space.community.slug, item.pk]) + f"#reply-{reply.pk}")
    return render(request, "communities/thread.html", {
        "space": space, "community": space.community, "thread": item, "replies": list(item.replies.all()),
        "form": form, "tab": "discussions",
    }, status=400)


@community_view()
def thread_edit(request: SignedInRequest, space: Space, pk: int) -> HttpResponse:
    item = _thread_or_404(space, pk)
    require_author(space, item)
    form = ThreadForm(request.POST or None, initial={"title": item.title, "body": item.body})
    if request.method == "POST" and form.is_valid():
        edit_thread(item, title=form.cleaned_data["title"].strip(), body=form.cleaned_data["body"].strip())
        messages.success(request, _("Your changes are saved."))
        return redirect("communities:thread", space.community.slug, item.pk)
    return render(request, "communities/form_page.html", {
        "space": space, "community": space.community, "form": form, "tab": "discussions",
        "title": _("Change your thread"),
    }, status=400 if form.errors else 200)


@community_view()
def reply_edit(request: SignedInRequest, space: Space, pk: int) -> HttpResponse:
    reply = _reply_or_404(space, pk)
    require_author(space, reply)
    form = ReplyForm(request.POST or None, initial={"body": reply.body})
    if request.method == "POST" and form.is_valid():
        edit_reply(reply, body=form.cleaned_data["body"].strip())
        messages.success(request, _("Your changes are saved."))
        return redirect("communities:thread", space.community.slug, reply.thread_id)
    return render(request, "communities/form_page.html", {
        "space": space, "community": space.community, "form": form, "tab": "discussions",
        "title": _("Change your reply"),
    }, status=400 if form.errors else 200)


@community_view(role=Role.LEADER)
@require_POST
def thread_moderate(request: SignedInRequest, space: Space, pk: int) -> HttpResponse:
    item = _thread_or_404(space, pk)
    action = request.POST.get("action", "")
    if action not in MODERATION:
        raise Http404
    moderate_thread(item, action=action)
    messages.success(request, _("The thread is updated."))
    return redirect("communities:thread", space.community.slug, item.pk)


@community_view(role=Role.LEADER)
@require_POST
def reply_moderate(request: SignedInRequest, space: Space, pk: int) -> HttpResponse:
    reply = _reply_or_404(space, pk)
    action = request.POST.get("action", "")
    if action not in ("hide", "show"):
        raise Http404
    moderate_reply(reply, action=action)
    messages.success(request, _("The reply is updated."))
    return redirect("communities:thread", space.community.slug, reply.thread_id)
