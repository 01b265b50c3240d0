"""The secretariat's admin for the Observer Group: who receives news, and the export of their addresses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigbuyers import exports
from groups.exports import OBSERVERS as OBSERVERS_EXPORT
from groups.models import ObserverSubscription
from groups.services import formation as services


class ActiveFilter(admin.SimpleListFilter):
    title = gettext_lazy("receives news")
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("Yes: confirmed, subscribed")), ("unconfirmed", _("Not confirmed yet")),
                ("left", _("Unsubscribed"))]

    def queryset(self, request: HttpRequest,
                 queryset: QuerySet[ObserverSubscription]) -> QuerySet[ObserverSubscription]:
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        if self.value() == "unconfirmed":
            return queryset.filter(confirmed_at__isnull=True)
        if self.value() == "left":
            return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


@admin.register(ObserverSubscription)
class ObserverSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "organisation_name", "source", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = [ActiveFilter, "source"]
    search_fields = ["email", "name", "organisation_name"]
    readonly_fields = ["email", "source", "created_at", "confirmation_sent_at", "confirmed_at", "unsubscribed_at"]
    fields = ["email", "name", "organisation_name", *readonly_fields[1:]]
    show_full_result_count = False
    actions = ["export_active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people join themselves (double opt-in)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return exports.may_export(request, OBSERVERS_EXPORT)

    @admin.action(description=gettext_lazy("Export the selected people who receive news (CSV, with unsubscribe links)"),
                  permissions=["export"])
    def export_active(self, request: HttpRequest, queryset: QuerySet[ObserverSubscription]) -> HttpResponse:
        """Through bigbuyers.exports: the export permission, a record of the download, formulas neutralised."""
        rows = queryset.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True).order_by("pk")

        def lines() -> Iterator[list[str]]:
            for subscription in rows.iterator(chunk_size=2000):
                yield [subscription.email, subscription.name, subscription.organisation_name,
                       services.observer_unsubscribe_url(subscription)]

        table = exports.ExportTable(
            title=_("Observer Group: people who receive news"), filename="observer-group",
            header=["email", "name", "organisation", "unsubscribe_url"], rows=lines(),
            filters={"changelist": request.GET.urlencode(), "select_across": request.POST.get("select_across") == "1"},
        )
        return exports.download(request, kind=OBSERVERS_EXPORT, fmt="csv", table=table)
