"""The secretariat's admin for communities: memberships, requests to join, events with registrations
and guests, and travel claims with their decisions and the export for finance."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bigbuyers.admin import BulkEmailActionMixin, ExportActionsMixin, RecordInline, bulk_email_action, export_action
from bigbuyers.admin_widgets import KnownChoicesInlineMixin
from bigbuyers.exports import ExportTable
from bigbuyers.http import signed_in_user
from bigbuyers.models import User
from communities import exports as community_exports
from communities.models import (
    Activity,
    ClaimStatus,
    Community,
    Document,
    Event,
    GroupToEstablish,
    GuestInvitation,
    JoinRequest,
    JoinStatus,
    Membership,
    Receipt,
    Registration,
    Thread,
    TravelClaim,
)
from communities.services.claims import set_claim_status
from communities.services.establishment import establish_community
from communities.services.events import update_event
from communities.services.membership import decide_join_request
from groups.selectors.formation import groups_with_commitments
from groups.services.formation import NotEnoughCommitments


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (sent to the people concerned)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


def ask_reason(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, *, title: str,
               required: bool = True) -> tuple[str | None, TemplateResponse | None]:
    """The intermediate page of an action that needs a written reason: (reason, None) once given, else (None, page)."""
    form = ReasonForm(request.POST if "apply" in request.POST else None, required=required)
    if "apply" in request.POST and form.is_valid():
        return form.cleaned_data["reason"].strip(), None
    return None, TemplateResponse(request, "admin/communities/reason_action.html", {
        **modeladmin.admin_site.each_context(request), "title": title, "form": form, "queryset": queryset,
        "action": request.POST.get("action"), "opts": modeladmin.model._meta,
        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
    })


class MembershipInline(KnownChoicesInlineMixin, admin.TabularInline):
    model = Membership
    extra = 1
    fields = ["user", "role", "organisation", "notify", "joined_at", "last_visit_at"]
    readonly_fields = ["joined_at", "last_visit_at"]
    autocomplete_fields = ["user", "organisation"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        # The autocomplete fields' labels, and the row's title (__str__), which names the community too.
        return super().get_queryset(request).select_related("user", "organisation", "community")


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    fields = ["title", "starts_on", "ends_on", "status"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "is_open", "area", "campaign", "member_count_link", "space_link"]
    list_filter = ["is_open", "campaign"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["area", "campaign"]
    autocomplete_fields = ()
    fields = ["name", "slug", "area", "campaign", "description", "is_open", "entry_requirements", "objectives",
              "ambition", "timeline", "source_group_id"]
    inlines = [MembershipInline, ActivityInline]

    @admin.display(description=gettext_lazy("members"))
    def member_count_link(self, community: Community) -> str:
        return format_html('<a href="{}?community__id__exact={}">{}</a>', reverse("admin:communities_membership_changelist"),
                           community.pk, _("Members"))

    @admin.display(description=gettext_lazy("space"))
    def space_link(self, community: Community) -> str:
        return format_html('<a href="{}">{}</a>', reverse("communities:overview", args=[community.slug]), _("Open"))


def _members(memberships: QuerySet[Membership]) -> QuerySet[User]:
    return User.objects.filter(memberships__in=memberships.order_by().values("pk"))


def _describe_members(memberships: QuerySet[Membership]) -> str:
    names = Community.objects.filter(pk__in=memberships.order_by().values("community_id")).values_list("name", flat=True)
    return _("Members of %(communities)s") % {"communities": ", ".join(names[:5])}


@admin.register(Membership)
class MembershipAdmin(KnownChoicesInlineMixin, ExportActionsMixin, BulkEmailActionMixin, admin.ModelAdmin):
    list_display = ["user", "community", "role", "organisation", "notify", "joined_at", "last_visit_at"]
    list_filter = ["role", "community", "notify"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    list_select_related = ["user", "community", "organisation"]
    autocomplete_fields = ["user", "organisation"]
    show_full_result_count = False
    export_kind = community_exports.MEMBERS
    actions = [export_action("csv", gettext_lazy("Export the selected members (CSV)")),
               export_action("xlsx", gettext_lazy("Export the selected members (XLSX)")),
               bulk_email_action(people=_members, source="members", describe=_describe_members,
                                 description=gettext_lazy("Write an e-mail to the selected members"))]

    def export_table(self, queryset: QuerySet[Membership], *, filters: dict[str, Any]) -> ExportTable:
        return community_exports.members_table(queryset, title=_("Members chosen in the admin"), filters=filters)


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "organisation_name", "status", "created_at", "decided_by"]
    list_filter = ["status", "community"]
    search_fields = ["user__email", "organisation_name"]
    list_select_related = ["user", "community", "decided_by"]
    readonly_fields = ["community", "user", "organisation_name", "message", "status", "created_at", "decided_by",
                       "decided_at", "decision_message"]
    actions = ["approve", "decline"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: QuerySet[JoinRequest], *, approve: bool) -> TemplateResponse | None:
        pending = queryset.filter(status=JoinStatus.PENDING).select_related("community", "user")
        message, page = ask_reason(self, request, pending, required=not approve,
                                   title=_("Approve the requests") if approve else _("Decline the requests"))
        if page is not None:
            return page
        done = sum(decide_join_request(r, approve=approve, by=signed_in_user(request), message=message or "")
                   for r in pending)
        self.message_user(request, ngettext("%(count)d request decided; the person is told by e-mail.",
                                            "%(count)d requests decided; the people are told by e-mail.",
                                            done) % {"count": done},
                          messages.SUCCESS)
        return None

    @admin.action(description=gettext_lazy("Approve the selected requests (with a message)"))
    def approve(self, request: HttpRequest, queryset: QuerySet[JoinRequest]) -> TemplateResponse | None:
        return self._decide(request, queryset, approve=True)

    @admin.action(description=gettext_lazy("Decline the selected requests (with a reason)"))
    def decline(self, request: HttpRequest, queryset: QuerySet[JoinRequest]) -> TemplateResponse | None:
        return self._decide(request, queryset, approve=False)


class RegistrationInline(RecordInline):
    model = Registration
    fields = ("user", "status", "is_guest", "since", "promoted_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registration]:
        # The person is a column and the row's title (__str__) names the event too.
        return super().get_queryset(request).select_related("user", "event")


class GuestInvitationInline(admin.TabularInline):
    model = GuestInvitation
    extra = 0
    fields = ("user", "organisation_name", "invited_by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # invitations go through the event's page, which sends the e-mail

    def get_queryset(self, request: HttpRequest) -> QuerySet[GuestInvitation]:
        return super().get_queryset(request).select_related("user", "event", "invited_by")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "kind", "starts_at", "time_zone", "in_person", "capacity", "is_public"]
    list_filter = ["kind", "in_person", "is_public", "community"]
    search_fields = ["title", "community__name"]
    list_select_related = ["community"]
    date_hierarchy = "starts_at"
    readonly_fields = ["created_by", "created_at"]
    inlines = [RegistrationInline, GuestInvitationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = signed_in_user(request)
            super().save_model(request, obj, form, change)
        else:
            # Through the service, so that reminders follow the new time and free places are filled.
            update_event(obj, values={f: form.cleaned_data[f] for f in form.changed_data if f in form.cleaned_data})


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "author", "created_at", "is_pinned", "is_locked", "is_hidden"]
    list_filter = ["is_hidden", "is_locked", "community"]
    search_fields = ["title", "body"]
    list_select_related = ["community", "author"]
    fields = ["community", "author", "title", "body", "created_at", "is_pinned", "is_locked", "is_hidden"]
    readonly_fields = ["community", "author", "title", "body", "created_at"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "classification", "original_name", "size", "uploaded_by", "created_at",
                    "download"]
    list_filter = ["classification", "community"]
    search_fields = ["title", "original_name"]
    list_select_related = ["community", "uploaded_by"]
    fields = ["community", "title", "classification", "original_name", "content_type", "size", "uploaded_by",
              "created_at", "download"]
    readonly_fields = ["community", "original_name", "content_type", "size", "uploaded_by", "created_at", "download"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # uploads go through the space, which checks the file

    @admin.display(description=gettext_lazy("file"))
    def download(self, document: Document) -> str:
        return format_html('<a href="{}">{}</a>', reverse("communities:document_download",
                                                          args=[document.community.slug, document.pk]), _("Download"))


class ReceiptInline(RecordInline):
    model = Receipt
    fields = ("download", "content_type", "size", "uploaded_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Receipt]:
        # The download link names the claim's community.
        return super().get_queryset(request).select_related("claim__event__community")

    @admin.display(description=gettext_lazy("file"))
    def download(self, receipt: Receipt) -> str:
        claim = receipt.claim
        return format_html('<a href="{}">{}</a>', reverse(
            "communities:receipt_download", args=[claim.event.community.slug, claim.pk, receipt.pk]),
            receipt.original_name)


@admin.register(TravelClaim)
class TravelClaimAdmin(ExportActionsMixin, admin.ModelAdmin):
    list_display = ["__str__", "community", "total_eur", "status", "created_at", "decided_by"]
    list_filter = ["status", "event__community"]
    search_fields = ["membership__user__email", "membership__organisation__name", "event__title"]
    list_select_related = ["membership__user", "event__community", "decided_by"]
    readonly_fields = ("event", "membership", "organisation_country", "travel", "accommodation", "subsistence", "other",
                       "total_eur", "notes", "status", "status_reason", "decided_by", "decided_at", "created_at",
                       "history")
    fields = readonly_fields
    inlines = [ReceiptInline]
    export_kind = community_exports.TRAVEL_CLAIMS
    actions = ["approve", "reject", "mark_paid",
               export_action("csv", gettext_lazy("Export the selected claims for finance (CSV)")),
               export_action("xlsx", gettext_lazy("Export the selected claims for finance (XLSX)"))]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=gettext_lazy("community"))
    def community(self, claim: TravelClaim) -> str:
        return claim.event.community.name

    @admin.display(description=gettext_lazy("total (EUR)"))
    def total_eur(self, claim: TravelClaim) -> str:
        return f"{claim.total:.2f}"

    @admin.display(description=gettext_lazy("organisation"))
    def organisation_country(self, claim: TravelClaim) -> str:
        organisation = claim.membership.organisation
        return str(organisation) if organisation else "—"

    @admin.display(description=gettext_lazy("e-mails about it"))
    def history(self, claim: TravelClaim) -> str:
        from bigbuyers.models import OutgoingEmail

        sent = OutgoingEmail.objects.filter(key__startswith=f"claim-status:{claim.pk}:").order_by("created_at")
        return format_html_join("", "<div>{} – {}</div>", ((e.created_at.strftime("%Y-%m-%d %H:%M"), e.subject)
                                                             for e in sent)) or "—"

    def _set(self, request: HttpRequest, queryset: QuerySet[TravelClaim], status: str, title: str) -> TemplateResponse | None:
        reason, page = ask_reason(self, request, queryset, title=title)
        if page is not None:
            return page
        done, refused = 0, 0
        for claim in queryset.select_related("membership__user", "membership__community", "event"):
            try:
                done += set_claim_status(claim, status=status, reason=reason or "", by=signed_in_user(request))
            except ValueError:
                refused += 1
        self.message_user(request, ngettext("%(done)d claim changed; the member is told by e-mail.",
                                            "%(done)d claims changed; the members are told by e-mail.",
                                            done) % {"done": done},
                          messages.SUCCESS)
        if refused:
            self.message_user(request, ngettext("%(count)d claim could not take this status and was left as it was.",
                                                "%(count)d claims could not take this status and were left as they were.",
                                                refused) % {"count": refused}, messages.WARNING)
        return None

    @admin.action(description=gettext_lazy("Approve the selected claims (with a reason)"))
    def approve(self, request: HttpRequest, queryset: QuerySet[TravelClaim]) -> TemplateResponse | None:
        return self._set(request, queryset, ClaimStatus.APPROVED, _("Approve the claims"))

    @admin.action(description=gettext_lazy("Reject the selected claims (with a reason)"))
    def reject(self, request: HttpRequest, queryset: QuerySet[TravelClaim]) -> TemplateResponse | None:
        return self._set(request, queryset, ClaimStatus.REJECTED, _("Reject the claims"))

    @admin.action(description=gettext_lazy("Mark the selected claims as paid (with a reference)"))
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[TravelClaim]) -> TemplateResponse | None:
        return self._set(request, queryset, ClaimStatus.PAID, _("Mark the claims as paid"))

    def export_table(self, queryset: QuerySet[TravelClaim], *, filters: dict[str, Any]) -> ExportTable:
        return community_exports.claims_table(queryset, title=_("Travel claims chosen in the admin"), filters=filters)


@admin.register(GroupToEstablish)
class GroupToEstablishAdmin(admin.ModelAdmin):
    """Working groups with their commitments; the action establishes them as Communities of Practice."""

    list_display = ["area", "campaign", "status", "committed", "min_size", "max_size", "community_link"]
    list_filter = ["status", "campaign"]
    readonly_fields = ["campaign", "area", "run", "status", "min_size", "max_size", "created_at", "established_at",
                       "established_by"]
    actions = ["establish"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[GroupToEstablish]:
        # The community each group became, read in the same query as the groups (the link column).
        community = Community.objects.filter(source_group_id=OuterRef("pk"))
        return groups_with_commitments(super().get_queryset(request)).annotate(
            community_slug=Subquery(community.values("slug")[:1]),
            community_name=Subquery(community.values("name")[:1]))  # type: ignore[return-value]  # + annotations

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # working groups come from publishing a matching run

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("committed bodies"), ordering="committed_count")
    def committed(self, group: GroupToEstablish) -> int:
        return group.committed_count  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description=gettext_lazy("community"))
    def community_link(self, group: GroupToEstablish) -> str:
        slug, name = group.community_slug, group.community_name  # type: ignore[attr-defined]  # see get_queryset
        if slug is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("communities:overview", args=[slug]), name)

    @admin.action(description=gettext_lazy("Establish the selected groups as Communities of Practice"))
    def establish(self, request: HttpRequest, queryset: QuerySet[GroupToEstablish]) -> None:
        opened = 0
        for group in queryset.select_related("area"):
            try:
                establish_community(group, by=signed_in_user(request))
            except NotEnoughCommitments as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                opened += 1
        if opened:
            self.message_user(request, ngettext("%(count)d community is open; its members are told by e-mail.",
                                                "%(count)d communities are open; their members are told by e-mail.",
                                                opened) % {"count": opened}, messages.SUCCESS)
