"""The secretariat's admin for matching runs: the demand picture, parameters, pins, exclusions, solve,
compare, copy and publish. Every change that people hear of goes through groups.services.formation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from bigbuyers.admin_widgets import KnownChoicesInlineMixin
from bigbuyers.http import signed_in_user
from bigbuyers.numbers import number, percent
from bigbuyers.staff_views import staff_view
from groups.admin.demand import DemandPictureMixin
from groups.models import MatchingExclusion, MatchingPin, MatchingRun, RunStatus
from groups.selectors.formation import run_bodies, run_figures, runs_for_comparison
from groups.services import formation as services
from surveys.models import Campaign, Response, ThematicArea

# How a run was solved (groups/matching/search.py), in words for the secretariat.
METHODS = {
    "milp": gettext_lazy("one integer programme over areas and places (HiGHS)"),
    "decomposition": gettext_lazy("area choices bounded and placed by min-cost flows (OR-Tools)"),
    "checks": gettext_lazy("the input checks alone (no search was needed)"),
    "greedy": gettext_lazy("the greedy baseline"),
}
MAX_COMPARED = 6


# --- Runs --------------------------------------------------------------------------------------------------

class _CampaignRowsFormSet(forms.BaseInlineFormSet):
    """Pins and exclusions must name bodies (and areas) of the run's own campaign."""

    def clean(self) -> None:
        super().clean()
        campaign_id = self.instance.campaign_id
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            response: Response | None = form.cleaned_data.get("response")
            area: ThematicArea | None = form.cleaned_data.get("area")
            if response is not None and response.campaign_id != campaign_id:
                form.add_error("response", _("This body answered another campaign."))
            if area is not None and area.campaign_id != campaign_id:
                form.add_error("area", _("This area belongs to another campaign."))


class _DraftOnlyInline(KnownChoicesInlineMixin, admin.TabularInline):
    extra = 0
    formset = _CampaignRowsFormSet
    autocomplete_fields = ["response"]

    def _editable(self, obj: MatchingRun | None) -> bool:
        return obj is not None and obj.is_draft

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # The body's label (Response.__str__) names its organisation and campaign.
        return super().get_queryset(request).select_related("response__organisation", "response__campaign")

    def autocomplete_params(self, request: HttpRequest, db_field: Any) -> dict[str, Any]:
        # The search lists the run's own campaign's bodies (the formset's clean refuses others anyway).
        run = getattr(request, "_matching_run", None)
        return {"campaign": run.campaign_id} if run is not None and db_field.name == "response" else {}


class MatchingPinInline(_DraftOnlyInline):
    model = MatchingPin
    fields = ["response", "area"]
    verbose_name_plural = gettext_lazy("Pinned bodies (placed in the area's group whatever the solver would do)")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("area")  # the row's title (__str__) names it

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "area":
            run = getattr(request, "_matching_run", None)
            kwargs["queryset"] = ThematicArea.objects.filter(campaign_id=run.campaign_id) if run else ThematicArea.objects.none()
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.choices = list(field.choices)  # read once for every row's select, not once per row
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MatchingExclusionInline(_DraftOnlyInline):
    model = MatchingExclusion
    fields = ["response"]
    verbose_name_plural = gettext_lazy("Excluded bodies (kept out of every group)")


PARAMETERS = ["campaign", "label", "groups", "min_size", "max_size", "max_groups_per_body", "max_country_share",
              "time_limit"]
OUTCOME = ["status", "solver_status", "figures", "reasons", "groups_table", "bodies_link", "error", "method_display",
           "created_by", "created_at", "queued_at", "started_at", "finished_at", "published_at", "published_by"]


@admin.register(MatchingRun)
class MatchingRunAdmin(DemandPictureMixin, admin.ModelAdmin):
    list_display = ["__str__", "status", "solver_status", "objective", "gap_display", "served", "seconds",
                    "published_at", "created_at"]
    list_filter = ["campaign", "status", "solver_status"]
    list_select_related = ["campaign"]
    show_full_result_count = False
    actions = ["compare_runs"]

    def get_fieldsets(self, request: HttpRequest, obj: MatchingRun | None = None) -> list[Any]:
        parameters = (gettext_lazy("Parameters"), {
            "fields": PARAMETERS + ([] if obj is None else ["weights_display"]),
            "description": gettext_lazy(
                "Bodies are the campaign's submitted responses that are eligible (the secretariat's decisions "
                "included). Pins and exclusions can be added once the draft is saved. A run's parameters change "
                "only while it is a draft: to solve again with changes, copy it."),
        })
        if obj is None:
            return [parameters]
        return [parameters, (gettext_lazy("Outcome"), {"fields": OUTCOME})]

    def get_readonly_fields(self, request: HttpRequest, obj: MatchingRun | None = None) -> list[str]:
        if obj is None:
            return []
        fixed = ["weights_display", *OUTCOME]
        return ["campaign", *fixed] if obj.is_draft else [*PARAMETERS, *fixed]

    def get_inlines(self, request: HttpRequest, obj: MatchingRun | None) -> list[Any]:
        request._matching_run = obj  # type: ignore[attr-defined]  # the pin inline limits areas to its campaign
        return [] if obj is None else [MatchingPinInline, MatchingExclusionInline]

    def get_form(self, request: HttpRequest, obj: MatchingRun | None = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and "campaign" in form.base_fields:
            campaign_id = request.GET.get("campaign")
            campaign = (Campaign.objects.filter(pk=campaign_id).first()
                        if campaign_id and campaign_id.isdigit() else None)
            if campaign is not None:
                form.base_fields["campaign"].initial = campaign.pk
                for name, value in services.default_parameters(campaign).items():
                    if name in form.base_fields and value is not None:
                        form.base_fields[name].initial = value
        return form

    def save_model(self, request: HttpRequest, obj: MatchingRun, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = signed_in_user(request)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: MatchingRun | None = None) -> bool:
        return (obj is None or not obj.is_published) and super().has_delete_permission(request, obj)

    @admin.display(description=gettext_lazy("gap"), ordering="gap")
    def gap_display(self, run: MatchingRun) -> str:
        return percent(run.gap, 2)

    @admin.display(description=gettext_lazy("bodies served"))
    def served(self, run: MatchingRun) -> str:
        if run.bodies_count is None:
            return "—"
        return f"{run.bodies_served or 0} / {run.bodies_count}"

    @admin.display(description=gettext_lazy("weight of each interest level"))
    def weights_display(self, run: MatchingRun) -> str:
        return _("interested: %(interested)s, high priority: %(high)s") % {
            "interested": run.weights.get("1", "—"), "high": run.weights.get("2", "—")}

    @admin.display(description=gettext_lazy("figures"))
    def figures(self, run: MatchingRun) -> str:
        if run.status != RunStatus.DONE:
            return "—"
        return _("Total interest met %(objective)s (proven upper bound %(bound)s, gap %(gap)s); %(served)s bodies "
                 "served of %(bodies)s; solved in %(seconds)s s.") % {
            "objective": number(run.objective), "bound": number(run.bound), "gap": percent(run.gap, 2),
            "served": run.bodies_served, "bodies": run.bodies_count, "seconds": number(run.seconds, 2)}

    @admin.display(description=gettext_lazy("method"))
    def method_display(self, run: MatchingRun) -> str:
        return str(METHODS.get(run.method, run.method or "—"))

    @admin.display(description=gettext_lazy("why no groups"))
    def reasons(self, run: MatchingRun) -> str:
        reasons = run.result.get("reasons", [])
        if not reasons:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((r,) for r in reasons)))

    @admin.display(description=gettext_lazy("groups"))
    def groups_table(self, run: MatchingRun) -> str:
        (figures,) = run_figures([run])
        if not figures.groups:
            return "—"
        rows = format_html_join("", "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
                                ((g.area.name, g.size, number(g.interest)) for g in figures.groups))
        return format_html('<table><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
                           "</tr></thead><tbody>{}</tbody></table>", _("Area"), _("Bodies"), _("Interest met"), rows)

    @admin.display(description=gettext_lazy("bodies"))
    def bodies_link(self, run: MatchingRun) -> str:
        if run.status != RunStatus.DONE:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:groups_matchingrun_bodies", args=[run.pk]),
                           _("Every body: where it was placed, and why"))

    # --- Pages and buttons -----------------------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        def viewing(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
            return staff_view(view, permission="groups.view_matchingrun", site=self.admin_site)

        def changing(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
            return staff_view(view, permission="groups.change_matchingrun", site=self.admin_site)

        copying = staff_view(require_POST(self.copy_view), site=self.admin_site,
                             permission=("groups.change_matchingrun", "groups.add_matchingrun"))
        return [
            path("demand/", viewing(self.demand_index_view), name="groups_matchingrun_demand_index"),
            path("demand/<int:campaign_id>/", viewing(self.demand_view), name="groups_matchingrun_demand"),
            path("compare/", viewing(self.compare_view), name="groups_matchingrun_compare"),
            path("<int:run_id>/solve/", changing(require_POST(self.solve_view)), name="groups_matchingrun_solve"),
            path("<int:run_id>/copy/", copying, name="groups_matchingrun_copy"),
            path("<int:run_id>/publish/", changing(self.publish_view), name="groups_matchingrun_publish"),
            path("<int:run_id>/send-offers/", changing(require_POST(self.send_offers_view)),
                 name="groups_matchingrun_send_offers"),
            path("<int:run_id>/bodies/", viewing(self.bodies_view), name="groups_matchingrun_bodies"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "demand_url": reverse("admin:groups_matchingrun_demand_index")})

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: Any = None) -> HttpResponse:
        run = MatchingRun.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        return super().change_view(request, object_id, form_url, {
            **(extra_context or {}), "run": run, "can_publish": bool(run and services.can_publish(run))})

    def _page(self, request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
        return render(request, template, {**self.admin_site.each_context(request), "opts": self.model._meta,
                                          **context}, status=status)

    def _run(self, run_id: int) -> MatchingRun:
        return get_object_or_404(MatchingRun.objects.select_related("campaign"), pk=run_id)

    def _back(self, run: MatchingRun) -> HttpResponseRedirect:
        return redirect("admin:groups_matchingrun_change", run.pk)

    @admin.action(description=gettext_lazy("Compare the selected runs side by side"))
    def compare_runs(self, request: HttpRequest, queryset: QuerySet[MatchingRun]) -> HttpResponse:
        ids = ",".join(str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True)[:MAX_COMPARED])
        return redirect(reverse("admin:groups_matchingrun_compare") + f"?ids={ids}")

    def compare_view(self, request: HttpRequest) -> HttpResponse:
        """Runs side by side: parameters, solver's answer, objective, gap, bodies served, groups chosen."""
        ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.strip().isdigit()][:MAX_COMPARED]
        figures = run_figures(runs_for_comparison(ids))
        areas = sorted({g.area for f in figures for g in f.groups}, key=lambda a: (a.position, a.pk))
        table = [(area, [next((g for g in f.groups if g.area == area), None) for f in figures]) for area in areas]
        return self._page(request, "admin/groups/run_compare.html", {
            "title": _("Compare matching runs"), "figures": figures, "area_rows": table})

    def solve_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = self._run(run_id)
        if services.queue_run(run):
            self.message_user(request, _("The run is queued; its status changes to “done” when the solver has "
                                         "finished (at most its time limit). Reload this page to see it."),
                              messages.SUCCESS)
        else:
            self.message_user(request, _("Only a draft can be solved. Copy the run to solve it again with changes."),
                              messages.WARNING)
        return self._back(run)

    def copy_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        run = self._run(run_id)
        copy = services.copy_run(run, by=signed_in_user(request))
        self.message_user(request, _("A new draft with the same parameters, pins and exclusions. Change what you "
                                     "need, save, then solve it."), messages.SUCCESS)
        return self._back(copy)

    def publish_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        """Confirm, then create the groups and offers; the e-mails leave after the commit."""
        run = self._run(run_id)
        if request.method == "POST":
            try:
                groups = services.publish_run(run, by=signed_in_user(request))
            except services.CannotPublish as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, ngettext(
                    "Published: %(count)d working group; the offers are being e-mailed.",
                    "Published: %(count)d working groups; the offers are being e-mailed.", len(groups))
                    % {"count": len(groups)}, messages.SUCCESS)
            return self._back(run)
        if not services.can_publish(run):
            self.message_user(request, _("This run cannot be published: only a solved run with groups can, and only "
                                         "one run per campaign."), messages.WARNING)
            return self._back(run)
        (figures,) = run_figures([run])
        return self._page(request, "admin/groups/run_publish.html", {
            "title": _("Publish %(run)s") % {"run": run}, "run": run, "figures": figures,
            "days": settings.OFFER_ANSWER_DAYS})

    def send_offers_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        """Queue the offer e-mails that are missing (after a broker outage); nothing is sent twice."""
        run = self._run(run_id)
        count = services.send_offer_emails(run)
        self.message_user(request, ngettext("%(count)d e-mail queued.", "%(count)d e-mails queued.", count)
                          % {"count": count}, messages.SUCCESS)
        return self._back(run)

    def bodies_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        """Every body of the run, 50 a page: placed where, with which weight, and the explanation."""
        run = self._run(run_id)
        show = request.GET.get("show", "all")
        page, rows = run_bodies(run, show=show, page_number=request.GET.get("page"))
        return self._page(request, "admin/groups/run_bodies.html", {
            "title": _("Bodies of %(run)s") % {"run": run}, "run": run, "rows": rows, "page": page, "show": show,
            "choices": [("all", _("All")), ("placed", _("Placed")), ("unplaced", _("Not placed")),
                        ("excluded", _("Excluded"))]})
