"""The secretariat's admin for what publishing a run made: the working groups with their commitments, and
the offers (created by publishing, answered by the bodies: read here, never typed in)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from bigbuyers.admin import RecordInline
from groups.models import GroupOffer, WorkingGroup
from groups.selectors.formation import groups_with_commitments

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class GroupOfferInline(RecordInline):
    model = GroupOffer
    fields = ["response", "status", "role", "responded_at", "responded_by", "expires_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[GroupOffer]:
        return super().get_queryset(request).select_related("response__organisation", "response__campaign",
                                                            "responded_by")


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["area", "campaign", "status", "offers", "committed", "declined", "min_size", "max_size"]
    list_filter = ["campaign", "status"]
    readonly_fields = ["campaign", "area", "run", "status", "min_size", "max_size", "created_at", "established_at",
                       "established_by"]
    inlines = [GroupOfferInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkingGroup]:
        return groups_with_commitments(super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created by publishing a run

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("offers"), ordering="offers_count")
    def offers(self, group: WorkingGroup) -> int:
        return group.offers_count  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("committed"), ordering="committed_count")
    def committed(self, group: WorkingGroup) -> int:
        return group.committed_count  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("declined"), ordering="declined_count")
    def declined(self, group: WorkingGroup) -> int:
        return group.declined_count  # type: ignore[attr-defined]


class WorkingGroupFilter(admin.RelatedFieldListFilter):
    """The working groups, named by area and campaign (WorkingGroup.__str__) from one query."""

    def field_choices(self, field: Any, request: HttpRequest,
                      model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, StrOrPromise]]:
        groups = WorkingGroup.objects.select_related("area", "campaign").order_by(*(WorkingGroup._meta.ordering or ()))
        return [(str(group.pk), str(group)) for group in groups]


@admin.register(GroupOffer)
class GroupOfferAdmin(admin.ModelAdmin):
    list_display = ["organisation", "group", "status", "role", "created_at", "expires_at", "responded_at"]
    list_filter = ["status", "role", "group__campaign", ("group", WorkingGroupFilter)]
    list_select_related = ["response__organisation", "group__area", "group__campaign"]
    search_fields = ["response__organisation__name", "response__respondents__user__email"]
    readonly_fields = ["group", "response", "status", "role", "explanation", "created_at", "expires_at",
                       "responded_at", "responded_by"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("organisation"), ordering="response__organisation__name")
    def organisation(self, offer: GroupOffer) -> str:
        return offer.response.organisation.name

