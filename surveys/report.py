"""The needs-assessment report of a campaign: what the submitted responses say, with no personal data.

The report is meant to be shown to the public buyers themselves, so it holds counts only: who took
part (by country and type of body), the most shared areas, the products and services planned (by CPV
division, group and code, with the vocabulary's labels) and the challenges per area. Free text may name
people, so none of it is quoted as it was written: a planned purchase is named by its CPV code's label,
never by its description, and a word of the challenges appears only when at least ``MIN_BODIES``
different bodies wrote it (a name typed by one respondent never reaches the page).
The secretariat reads the texts themselves in the admin and in the export, which need a permission.

Each function is a report section provider (surveys/dashboard.py); the groups app adds the chosen
groups. Queries are aggregates, except the words of the challenges, which are counted in Python
over the texts read in chunks (one query, only the counters kept).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django_countries import countries

from surveys.cpv.selectors import by_division_and_group, code_and_label, labels_for
from surveys.dashboard import Cell, Row, Section, SectionProvider, Table
from surveys.eligibility import BodyType, Outcome
from surveys.models import (
    AreaChallenge,
    Campaign,
    InterestLevel,
    PlannedPurchase,
    Response,
    ResponseStatus,
    ThematicArea,
)

MIN_BODIES = 3  # a piece of free text is shown only when this many different bodies wrote it
TOP_CPV = 15
TOP_WORDS = 8
WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
# Words that say nothing about a need, in the portal's languages (words under four letters never count).
STOP_WORDS = frozenset("""
    about above after again against also among because been before being below between both cannot could does
    doing down during each from further have having here into just more most much must need needs only other
    over same should some such than that their them then there these they this those through under until very
    want were what when where which while will with within without would your ours often still many lack
    aussi avec avoir cela cette comme dans depuis donc elle elles encore entre être leur leurs mais même nous
    notre nôtre pour peut plus sans sont sous tout tous toute toutes très vous votre besoin besoins manque
    aber alle auch auf aus bei bis dass dem den der des die durch eine einem einen einer eines für haben hat
    ist kann keine mehr mit nach nicht noch oder sehr sich sind über und uns unsere von vor wenn werden wie
    wir zum zur zwischen
""".split())


def _submitted(campaign: Campaign) -> QuerySet[Response]:
    return Response.objects.filter(campaign=campaign, status=ResponseStatus.SUBMITTED)


def participation_section(campaign: Campaign) -> Section:
    """Submitted responses by country and by type of body (three queries)."""
    submitted = _submitted(campaign)
    totals = submitted.aggregate(bodies=Count("pk"), eligible=Count("pk", filter=Q(eligibility=Outcome.ELIGIBLE)),
                                 countries=Count("organisation__country", distinct=True))
    by_country = submitted.order_by().values("organisation__country").annotate(n=Count("pk")).order_by(
        "-n", "organisation__country")
    body_types = dict(BodyType.choices)
    by_type = submitted.order_by().values("organisation__body_type").annotate(n=Count("pk")).order_by(
        "-n", "organisation__body_type")
    return Section("participation", _("Who took part"), [
        Table("report_by_country", _("Bodies by country"), _("Country"), (_("Bodies"),), [
            Row(str(countries.name(c["organisation__country"]) or c["organisation__country"]), (Cell(c["n"]),))
            for c in by_country]),
        Table("report_by_body_type", _("Bodies by type"), _("Type of body"), (_("Bodies"),), [
            Row(str(body_types.get(t["organisation__body_type"], t["organisation__body_type"])), (Cell(t["n"]),))
            for t in by_type]),
    ], facts=[(_("Bodies that answered"), str(totals["bodies"])), (_("Of which eligible"), str(totals["eligible"])),
              (_("Countries"), str(totals["countries"]))])


def areas_section(campaign: Campaign) -> Section:
    """The areas, most shared first: bodies with a high priority, interested, in total (two queries)."""
    submitted = Q(interests__response__status=ResponseStatus.SUBMITTED, interests__response__campaign=campaign)
    areas = ThematicArea.objects.filter(campaign=campaign).annotate(
        high=Count("interests", filter=submitted & Q(interests__level=InterestLevel.HIGH_PRIORITY)),
        total=Count("interests", filter=submitted),
    ).order_by("-total", "-high", "position")
    other = _submitted(campaign).exclude(other_area_interest="").count()
    return Section("areas", _("The most shared areas"), [
        Table("report_areas", _("Bodies interested in each area"), _("Area"), (_("High priority"), _("Interested, in total")),
              [Row(a.name, (Cell(a.high), Cell(a.total))) for a in areas]),
    ], facts=[(_("Bodies that suggested another area"), str(other))])


def purchases_section(campaign: Campaign) -> Section:
    """The products and services planned: by CPV division and group, and the top codes, each with the
    vocabulary's label (six queries)."""
    purchases = PlannedPurchase.objects.filter(response__campaign=campaign, response__status=ResponseStatus.SUBMITTED)
    totals = purchases.aggregate(purchases=Count("pk"), bodies=Count("response", distinct=True),
                                 with_cpv=Count("pk", filter=~Q(cpv_code="")))
    top = list(purchases.exclude(cpv_code="").order_by().values("cpv_code")
               .annotate(bodies=Count("response", distinct=True), n=Count("pk")).order_by("-bodies", "-n", "cpv_code")[:TOP_CPV])
    labels = labels_for(t["cpv_code"] for t in top)
    divisions = by_division_and_group(purchases)
    groups = sorted((g for d in divisions for g in d.groups), key=lambda g: (-g.bodies, -g.purchases, g.prefix))
    columns = (_("Bodies"), _("Planned purchases"))
    return Section("purchases", _("Products and services planned"), [
        Table("report_cpv_divisions", _("Planned purchases by CPV division"), _("CPV division"), columns,
              [Row(d.title, (Cell(d.bodies), Cell(d.purchases))) for d in divisions]),
        Table("report_cpv_groups", _("The most planned CPV groups"), _("CPV group"), columns,
              [Row(g.title, (Cell(g.bodies), Cell(g.purchases))) for g in groups[:TOP_CPV]]),
        Table("report_cpv", _("The most planned CPV codes"), _("CPV code"), columns, [
            Row(code_and_label(t["cpv_code"], labels.get(t["cpv_code"])), (Cell(t["bodies"]), Cell(t["n"])))
            for t in top]),
    ], facts=[(_("Planned purchases listed"), str(totals["purchases"])), (_("Bodies that listed some"), str(totals["bodies"])),
              (_("Purchases with a CPV code"), str(totals["with_cpv"]))],
        note=_("Divisions are the first two digits of a CPV code, groups the first three. Labels are the CPV's "
               "own, in English."))


def shared_words(texts: Iterable[tuple[int, str]]) -> dict[int, list[tuple[str, int]]]:
    """Area id -> the words most bodies used for it, as (word, bodies), each used by MIN_BODIES bodies at least.

    `texts` are (area id, text), one per body and area (AreaChallenge is unique per response and area),
    so a word counts once per body. Only the counters are kept, never the texts.
    """
    bodies: dict[int, Counter[str]] = defaultdict(Counter)
    for area_id, text in texts:
        bodies[area_id].update({w for w in (m.lower() for m in WORD.findall(text)) if w not in STOP_WORDS})
    return {area_id: [(w, n) for w, n in counter.most_common() if n >= MIN_BODIES][:TOP_WORDS]
            for area_id, counter in bodies.items()}


def challenges_section(campaign: Campaign) -> Section:
    """Per area: how many bodies described challenges, and the words most of them used (two queries)."""
    challenges = AreaChallenge.objects.filter(response__campaign=campaign, response__status=ResponseStatus.SUBMITTED)
    areas = list(ThematicArea.objects.filter(campaign=campaign).order_by("position", "pk"))
    counts = dict(challenges.order_by().values("area_id").annotate(n=Count("response", distinct=True))
                  .values_list("area_id", "n"))
    words = shared_words(challenges.order_by().values_list("area_id", "text").iterator(chunk_size=2000))
    general = _submitted(campaign).exclude(general_challenges="").count()
    tables = [Table("report_challenges", _("Bodies that described challenges, per area"), _("Area"), (_("Bodies"),),
                    [Row(a.name, (Cell(counts.get(a.pk, 0)),)) for a in areas])]
    for area in areas:
        if words.get(area.pk):
            tables.append(Table(f"report_words_{area.pk}", _("Words most used about “%(area)s”") % {"area": area.name},
                                _("Word"), (_("Bodies"),), [Row(w, (Cell(n),)) for w, n in words[area.pk]], chart=None))
    return Section("challenges", _("The most cited challenges"), tables,
                   facts=[(_("Bodies that described other challenges"), str(general))],
                   note=_("The report quotes nobody: the challenges are written freely and may name people. A word "
                          "is listed when at least %(count)d bodies used it; the texts themselves stay with the "
                          "secretariat.") % {"count": MIN_BODIES})


SURVEY_REPORT = [
    SectionProvider("participation", 10, participation_section),
    SectionProvider("areas", 20, areas_section),
    SectionProvider("purchases", 30, purchases_section),
    SectionProvider("challenges", 40, challenges_section),
]
