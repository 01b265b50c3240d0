from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from bigbuyers import bulk_email, exports
from bigbuyers.http import signed_in_user
from bigbuyers.models import BulkEmail, ExportRecord, OutgoingEmail, User
from bigbuyers.staff_views import staff_view

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (pgettext_lazy("when a person joined and last signed in", "Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits, and what failed with its error."""

    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject", "key"]
    readonly_fields = ["key", "to", "subject", "body_text", "status", "attempts", "last_error", "created_at",
                       "not_before", "sent_at"]
    exclude = ["body_html", "attachments", "claimed_at"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """A record nobody edits in the admin: it is written by the code that did the thing it records."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecordInline(admin.TabularInline):
    """Rows that record what happened (a history, decisions, offers, receipts), listed with their parent:
    every field read-only, none added or deleted there."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [name for name in self.fields or () if isinstance(name, str)]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyModelAdmin):
    """Every download of personal data: who, when, what, with which filters and how many rows."""

    list_display = ["started_at", "user", "title", "format", "row_count", "finished_at"]
    list_filter = ["kind", "format"]
    search_fields = ["user__email", "title"]
    list_select_related = ["user"]
    date_hierarchy = "started_at"
    show_full_result_count = False
    fields = ["started_at", "finished_at", "user", "kind", "title", "format", "filters", "row_count"]

    def get_urls(self) -> list[Any]:
        return [
            path("download/<slug:kind_name>.<slug:fmt>",
                 staff_view(exports.download_view, permission=exports.download_permission, site=self.admin_site),
                 name="bigbuyers_exportrecord_download"),
            *super().get_urls(),
        ]


BULK_EMAIL_PERMISSION = "bigbuyers.add_bulkemail"


def action_selection(request: HttpRequest) -> dict[str, Any]:
    """What an admin action ran on, for the record: the list's filters and the rows ticked (the first 200)."""
    return {"changelist": request.GET.urlencode(), "select_across": request.POST.get("select_across") == "1",
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)[:200]}


class ExportActionsMixin:
    """A ModelAdmin whose list offers export actions (:func:`export_action`): the export kind they download
    (its permission, in a staff session, is the actions' "export" permission) and the table of the rows
    chosen."""

    export_kind: exports.ExportKind

    def has_export_permission(self, request: HttpRequest) -> bool:
        return exports.may_export(request, self.export_kind)

    def export_table(self, queryset: QuerySet[Any], *, filters: dict[str, Any]) -> exports.ExportTable:
        """The table of the rows chosen: each admin that uses the mixin writes its own (responses, members,
        travel claims, observers), as the export kind it names reads them."""
        raise NotImplementedError(f"{type(self).__name__} uses ExportActionsMixin without an export_table")


def export_action(fmt: str, description: StrOrPromise, *, name: str = "") -> Callable[..., HttpResponseBase]:
    """An admin action of an :class:`ExportActionsMixin`: the rows chosen, downloaded as `fmt` (csv, xlsx)
    through bigbuyers.exports (the permission checked again, the download recorded with the selection)."""

    @admin.action(permissions=["export"], description=description)
    def action(modeladmin: ExportActionsMixin, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponseBase:
        table = modeladmin.export_table(queryset, filters=action_selection(request))
        return exports.download(request, kind=modeladmin.export_kind, fmt=fmt, table=table)

    action.__name__ = name or f"export_{fmt}"
    return action


class BulkEmailForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=20000, widget=forms.Textarea(attrs={"rows": 12}),
                           help_text=_("Plain text; paragraphs are kept. The same message goes to everyone."))


def bulk_email_action(*, people: Callable[[QuerySet[Any]], QuerySet[User]], source: str,
                      describe: Callable[[QuerySet[Any]], str], description: StrOrPromise) -> Callable[..., Any]:
    """An admin action that writes an e-mail to the people behind the selected rows.

    `people` turns the selected rows into users (respondents of responses, members of memberships);
    `describe` says in a few words who they are, for the record. The action shows a form (subject,
    message); once it is valid, the recipients are fixed and the preview page opens, where the message
    is sent. The ModelAdmin needs ``has_bulk_email_permission`` (:class:`BulkEmailActionMixin`).
    """

    @admin.action(permissions=["bulk_email"], description=description)
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse:
        recipients = people(queryset).filter(is_active=True)
        form = BulkEmailForm(request.POST if "compose" in request.POST else None)
        if "compose" in request.POST and form.is_valid():
            bulk = bulk_email.prepare_bulk_email(
                subject=form.cleaned_data["subject"], body=form.cleaned_data["body"], people=recipients,
                source=source, audience=describe(queryset), by=signed_in_user(request), filters=action_selection(request),
            )
            return redirect("admin:bigbuyers_bulkemail_preview", bulk.pk)
        return TemplateResponse(request, "admin/bigbuyers/bulkemail_compose.html", {
            **modeladmin.admin_site.each_context(request), "title": _("Write an e-mail"), "form": form,
            "opts": modeladmin.model._meta, "audience": describe(queryset),
            "recipient_count": recipients.order_by().values("pk").distinct().count(),
            "action": request.POST.get("action"), "select_across": request.POST.get("select_across", "0"),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        }, status=400 if form.errors else 200)

    action.__name__ = f"email_{source}"
    return action


class BulkEmailActionMixin:
    """Gives a ModelAdmin the permission its bulk e-mail action asks for."""

    def has_bulk_email_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(BULK_EMAIL_PERMISSION)


@admin.register(BulkEmail)
class BulkEmailAdmin(ReadOnlyModelAdmin):
    """Messages written to many people: written from the responses' or the memberships' list (an action)."""

    list_display = ["subject", "audience", "recipient_count", "created_by", "created_at", "sent_at"]
    list_filter = ["source"]
    search_fields = ["subject"]
    list_select_related = ["created_by"]
    show_full_result_count = False

    def get_urls(self) -> list[Any]:
        def view(function: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
            return staff_view(function, permission=BULK_EMAIL_PERMISSION, site=self.admin_site)

        return [
            path("<int:bulk_email_id>/preview/", view(self.preview_view), name="bigbuyers_bulkemail_preview"),
            path("<int:bulk_email_id>/send/", view(self.send_view), name="bigbuyers_bulkemail_send"),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return redirect("admin:bigbuyers_bulkemail_preview", object_id)

    def _get(self, request: HttpRequest, bulk_email_id: int) -> BulkEmail:
        return get_object_or_404(BulkEmail.objects.select_related("created_by", "sent_by"), pk=bulk_email_id)

    def preview_view(self, request: HttpRequest, bulk_email_id: int) -> HttpResponse:
        """The message as the recipients will read it, how many they are, and the button that sends it."""
        bulk = self._get(request, bulk_email_id)
        subject, text, _html = bulk_email.render_preview(bulk)
        recipients = bulk.recipients.select_related("user").order_by("user__email")
        return TemplateResponse(request, "admin/bigbuyers/bulkemail_preview.html", {
            **self.admin_site.each_context(request), "title": _("Check the e-mail before sending it"),
            "opts": self.model._meta, "original": bulk, "bulk": bulk, "subject": subject, "text": text,
            "first_recipients": [r.user.email for r in recipients[:20]],
            "queued": OutgoingEmail.objects.filter(key__startswith=f"bulk:{bulk.pk}:").count() if bulk.is_sent else 0,
        })

    def send_view(self, request: HttpRequest, bulk_email_id: int) -> HttpResponse:
        if request.method != "POST":
            return redirect("admin:bigbuyers_bulkemail_preview", bulk_email_id)
        bulk = self._get(request, bulk_email_id)
        if bulk_email.send_bulk_email(bulk, by=signed_in_user(request)):
            self.message_user(request, ngettext("The e-mail is on its way to %(count)d person.",
                                                "The e-mail is on its way to %(count)d people.", bulk.recipient_count)
                              % {"count": bulk.recipient_count}, messages.SUCCESS)
        else:
            self.message_user(request, _("This e-mail was sent already; it was not sent again."), messages.WARNING)
        return redirect("admin:bigbuyers_bulkemail_preview", bulk.pk)
