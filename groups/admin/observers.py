"""The secretariat's admin for the Observer Group: who receives news, and the export of their addresses."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigbuyers.admin import ExportActionsMixin, export_action
from bigbuyers.exports import ExportTable
from groups.exports import OBSERVERS as OBSERVERS_EXPORT
from groups.exports import active_observers_table
from groups.models import ObserverSubscription


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
class ObserverSubscriptionAdmin(ExportActionsMixin, admin.ModelAdmin):
    list_display = ["email", "name", "organisation_name", "source", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = [ActiveFilter, "source"]
    search_fields = ["email", "name", "organisation_name"]
    readonly_fields = ["email", "source", "created_at", "confirmation_sent_at", "confirmed_at", "unsubscribed_at"]
    fields = ["email", "name", "organisation_name", *readonly_fields[1:]]
    show_full_result_count = False
    export_kind = OBSERVERS_EXPORT
    actions = [export_action("csv", gettext_lazy("Export the selected people who receive news (CSV, with unsubscribe "
                                                 "links)"), name="export_active")]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people join themselves (double opt-in)

    def export_table(self, queryset: QuerySet[ObserverSubscription], *, filters: dict[str, Any]) -> ExportTable:
        return active_observers_table(queryset, filters=filters)
