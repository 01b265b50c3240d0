"""The secretariat's list of planned purchases, each code with its CPV label, and the codes to look at.

A code the vocabulary does not have (an answer given before the vocabulary was checked, a code since
removed from it) is kept as the respondent entered it: the list says so, and its filter "CPV code: not
in the vocabulary" gathers them (the demand picture links to it).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bigbuyers.admin_widgets import KnownChoicesForm, KnownChoicesInlineMixin
from surveys.cpv.fields import CpvCodeField
from surveys.cpv.selectors import code_and_label, label_of, not_in_vocabulary
from surveys.models import PlannedPurchase


class PlannedPurchaseAdminForm(KnownChoicesForm):
    """The secretariat changes a code as a respondent does: a code of the vocabulary, or words to find one."""

    cpv_code = CpvCodeField(label=_("CPV code"), help_text=_("A code, or words in English to find one."))


class CpvCodeFilter(admin.SimpleListFilter):
    title = _("CPV code")
    parameter_name = "cpv"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("known", _("In the CPV vocabulary")), ("unknown", _("Not in the CPV vocabulary")), ("none", _("None"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[PlannedPurchase]) -> QuerySet[PlannedPurchase]:
        if self.value() == "unknown":
            return not_in_vocabulary(queryset)
        if self.value() == "known":
            return queryset.exclude(cpv_code="").exclude(pk__in=not_in_vocabulary(queryset).values("pk"))
        if self.value() == "none":
            return queryset.filter(cpv_code="")
        return queryset


@admin.register(PlannedPurchase)
class PlannedPurchaseAdmin(KnownChoicesInlineMixin, admin.ModelAdmin):
    list_display = ["description", "cpv", "area", "response"]
    list_filter = ["response__campaign", CpvCodeFilter]
    search_fields = ["description", "cpv_code"]
    list_select_related = ["area", "response__organisation", "response__campaign"]
    show_full_result_count = False
    autocomplete_fields = ["response"]  # a search, not a list of every response of every campaign
    form = PlannedPurchaseAdminForm

    def get_queryset(self, request: HttpRequest) -> QuerySet[PlannedPurchase]:
        return super().get_queryset(request).annotate(cpv_label=label_of())

    @admin.display(description=_("CPV code"), ordering="cpv_code")
    def cpv(self, purchase: PlannedPurchase) -> str:
        return code_and_label(purchase.cpv_code, getattr(purchase, "cpv_label", None)) or "—"
