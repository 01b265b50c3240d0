"""Reads of group formation for the admin, the offer pages, publishing and reminders, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from bigbuyers.numbers import number, percent
from groups.models import GroupOffer, MatchingRun, OfferStatus, Placement, WorkingGroup
from surveys.eligibility import Outcome
from surveys.models import Campaign, Respondent, Response, ResponseStatus, ThematicArea


def matchable_responses(campaign: Campaign) -> QuerySet[Response]:
    """The bodies a run considers: the campaign's submitted responses whose eligibility is "eligible".

    The column holds the secretariat's decision when there is one (surveys.services.eligibility.decide_eligibility),
    so a body the secretariat admitted after review is in, and one it refused is out.
    """
    return Response.objects.filter(campaign=campaign, status=ResponseStatus.SUBMITTED, eligibility=Outcome.ELIGIBLE)


def active_respondents() -> Prefetch:
    """Prefetch of a response's respondents who can still receive e-mail, with their user."""
    return Prefetch("respondents", queryset=Respondent.objects.filter(user__is_active=True).select_related("user")
                    .order_by("pk"))


@dataclass
class GroupFigures:
    area: ThematicArea
    size: int
    interest: float


@dataclass
class RunFigures:
    """What the comparison and the run's page show of one run."""

    run: MatchingRun
    groups: list[GroupFigures] = field(default_factory=list)

    @property
    def unplaced(self) -> int:
        return len(self.run.result.get("unplaced", []))

    @property
    def gap_percent(self) -> str:
        return percent(self.run.gap, 2)

    @property
    def share_percent(self) -> str:
        return percent(self.run.max_country_share)

    @property
    def objective(self) -> str:
        return number(self.run.objective)

    @property
    def seconds(self) -> str:
        return number(self.run.seconds, 2)


def run_figures(runs: Sequence[MatchingRun]) -> list[RunFigures]:
    """Each run with its chosen groups' sizes and interest (two queries whatever the number of runs)."""
    ids = [run.pk for run in runs]
    areas = {a.pk: a for a in ThematicArea.objects.filter(placements_of_runs(ids))}
    rows = (Placement.objects.filter(run_id__in=ids).values("run_id", "area_id")
            .annotate(size=Count("response_id", distinct=True), interest=Sum("weight")).order_by())
    per_run: dict[int, list[GroupFigures]] = defaultdict(list)
    for row in rows:
        per_run[row["run_id"]].append(GroupFigures(areas[row["area_id"]], row["size"], row["interest"] or 0))
    figures = []
    for run in runs:
        groups = sorted(per_run.get(run.pk, []), key=lambda g: (g.area.position, g.area.pk))
        figures.append(RunFigures(run, groups))
    return figures


def placements_of_runs(run_ids: Iterable[int]) -> Q:
    """Areas in which any of the runs placed someone (for ThematicArea.objects.filter)."""
    return Q(pk__in=Placement.objects.filter(run_id__in=list(run_ids)).values("area_id"))


BODIES_PER_PAGE = 50
BODIES_SHOWN = ("all", "placed", "unplaced", "excluded")


@dataclass
class RunBody:
    """A body of a run: its response (None when deleted since), where it was placed and the solver's words."""

    pk: int
    response: Response | None
    placements: list[Placement]
    explanation: str


def run_bodies(run: MatchingRun, *, show: str, page_number: str | None) -> tuple[Page[int], list[RunBody]]:
    """The run's bodies, BODIES_PER_PAGE a page, in the order of their ids: "all", or those "placed",
    "unplaced" by the solver or "excluded" by the secretariat (anything else: all); each with its
    placements (and their area) and the explanation (three queries)."""
    result = run.result or {}
    if show == "unplaced":
        ids = list(result.get("unplaced", []))
    elif show == "excluded":
        ids = list(result.get("excluded", []))
    else:
        placed = set(run.placements.values_list("response_id", flat=True))
        ids = sorted(placed if show == "placed" else
                     placed | set(result.get("unplaced", [])) | set(result.get("excluded", [])))
    page = Paginator(ids, BODIES_PER_PAGE).get_page(page_number)
    page_ids = list(page.object_list)
    placements: dict[int, list[Placement]] = defaultdict(list)
    for placement in run.placements.filter(response_id__in=page_ids).select_related("area"):
        placements[placement.response_id].append(placement)
    responses = Response.objects.filter(pk__in=page_ids).select_related("organisation").in_bulk()
    explanations = result.get("explanations", {})
    return page, [RunBody(pk, responses.get(pk), placements[pk], explanations.get(str(pk), "")) for pk in page_ids]


def runs_for_comparison(ids: Iterable[int]) -> list[MatchingRun]:
    """The runs to compare, oldest first, with their campaign (one query)."""
    return list(MatchingRun.objects.filter(pk__in=list(ids)).select_related("campaign", "published_by")
                .order_by("created_at", "pk"))


def offers_of(response: Response) -> list[GroupOffer]:
    """The response's group offers with their group and area, in the areas' order."""
    return list(GroupOffer.objects.filter(response=response).select_related("group__area", "group__campaign")
                .order_by("group__area__position", "group__pk"))


def offer_of(response: Response, offer_id: int) -> GroupOffer | None:
    """The response's offer `offer_id`, or None when that offer is another body's (or does not exist)."""
    return (GroupOffer.objects.filter(pk=offer_id, response=response)
            .select_related("group__area", "group__campaign", "response__organisation").first())


def groups_with_commitments(queryset: QuerySet[WorkingGroup] | None = None) -> QuerySet[WorkingGroup]:
    """Working groups annotated with their numbers of offers, commitments (accepted) and declines."""
    queryset = WorkingGroup.objects.all() if queryset is None else queryset
    return queryset.select_related("area", "campaign", "run").annotate(
        offers_count=Count("offers", distinct=True),
        committed_count=Count("offers", filter=Q(offers__status=OfferStatus.ACCEPTED), distinct=True),
        declined_count=Count("offers", filter=Q(offers__status=OfferStatus.DECLINED), distinct=True),
    )


def committed_offers(group: WorkingGroup) -> list[GroupOffer]:
    """The accepted offers of `group` with their organisation and active respondents (three queries)."""
    return list(GroupOffer.objects.filter(group=group, status=OfferStatus.ACCEPTED)
                .select_related("response__organisation")
                .prefetch_related(Prefetch("response__respondents",
                                           queryset=Respondent.objects.filter(user__is_active=True)
                                           .select_related("user").order_by("pk")))
                .order_by("pk"))
