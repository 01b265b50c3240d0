"""The secretariat's admin for what respondents ask: late admission, and access to a colleague's response."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bigbuyers.http import signed_in_user
from surveys.models import AccessRequest, LateRequest, RequestStatus
from surveys.services.deadlines import decide_late_request


def _accept_label() -> str:
    # Read when the list is shown, in the viewer's language: the days decide_late_request gives.
    return _("Accept: give them %(days)s days to complete their answers") % {"days": settings.LATE_ADMISSION_DAYS}


@admin.register(LateRequest)
class LateRequestAdmin(admin.ModelAdmin):
    list_display = ["response", "status", "created_at", "decided_by"]
    list_filter = ["status", "response__campaign"]
    list_select_related = ["response__organisation", "response__campaign", "decided_by"]
    readonly_fields = ["response", "motivation", "status", "created_at", "decided_by", "decided_at"]
    fields = ["response", "motivation", "status", "created_at", "decided_by", "decided_at", "decision_note"]
    actions = ["accept", "decline"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: QuerySet[LateRequest], accept: bool) -> None:
        pending = queryset.filter(status=RequestStatus.PENDING).select_related("response__campaign")
        for late in pending:
            decide_late_request(late, accept=accept, by=signed_in_user(request), note=late.decision_note)
        self.message_user(request, ngettext("%(count)d request decided; the respondent is told by e-mail.",
                                            "%(count)d requests decided; the respondents are told by e-mail.",
                                            len(pending)) % {"count": len(pending)})

    @admin.action(description=lazy(_accept_label, str)())
    def accept(self, request: HttpRequest, queryset: QuerySet[LateRequest]) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=gettext_lazy("Decline the selected requests"))
    def decline(self, request: HttpRequest, queryset: QuerySet[LateRequest]) -> None:
        self._decide(request, queryset, False)


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    list_display = ["requester", "response", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["requester", "response__organisation", "response__campaign"]
    readonly_fields = ["response", "requester", "message", "status", "created_at", "decided_at"]
