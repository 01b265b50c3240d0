"""Demo data for `make run`: the 2023 campaign's matching, two runs to compare, one published, some answers.

Called by ``manage.py load_demo`` after the surveys' and communities' demo data. The demo campaign has
about twenty answers, too few for the ten groups of five planned in 2023, so the runs ask for fewer and
smaller groups. One group gets enough commitments to be established from the communities admin
("Groups ready to become communities"); nothing is established here, so that the secretariat can try it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from bigbuyers.models import User
from groups.models import (
    GroupOffer,
    InterviewMode,
    InterviewSlot,
    MatchingRun,
    ObserverSubscription,
    OfferRole,
    RunStatus,
    SolverStatus,
)
from groups.services import formation, interviews, solving
from surveys.models import Campaign, Response, ResponseStatus

CAMPAIGN_SLUG = "working-together-2023"
OPEN_CAMPAIGN_SLUG = "working-together-demo"  # the open demo survey, whose interviews are still to come
# (label, groups, min size, max size, max country share): tried in order until one can be published.
RUNS = [
    ("Demo: four groups of 3 to 8", 4, 3, 8, None),
    ("Demo: three groups of 3 to 8", 3, 3, 8, None),
    ("Demo: three groups of 2 to 8", 3, 2, 8, None),
]


def _solve(run: MatchingRun) -> MatchingRun:
    formation.queue_run(run)  # with CELERY_TASK_ALWAYS_EAGER (make run) the task has run already
    solving.execute_run(run.pk)  # without a worker: solve here (a no-op when the task did)
    run.refresh_from_db()
    return run


def load_demo() -> MatchingRun | None:
    """Solve and publish a matching of the 2023 demo campaign and answer some offers (once)."""
    campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is None or MatchingRun.objects.filter(campaign=campaign).exists():
        return None
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    published = None
    for label, groups, min_size, max_size, share in RUNS:
        run = _solve(formation.create_run(campaign, by=staff, label=label, groups=groups, min_size=min_size,
                                          max_size=max_size, max_country_share=share, time_limit=10))
        if run.status == RunStatus.DONE and run.solver_status in (SolverStatus.OPTIMAL, SolverStatus.FEASIBLE):
            published = run
            break
    if published is None:
        return None
    # A second run to compare with: the same groups with at most half of a group from one country.
    _solve(formation.create_run(campaign, by=staff, label=f"{published.label}, at most 50% from one country",
                                groups=published.groups, min_size=published.min_size, max_size=published.max_size,
                                max_country_share=0.5, time_limit=10))
    formation.publish_run(published, by=staff)

    with transaction.atomic():
        offers = list(GroupOffer.objects.filter(group__run=published).select_related("group")
                      .order_by("group__area__position", "pk"))
        first_group = offers[0].group if offers else None
        roles = [OfferRole.LEADER, OfferRole.BUYER, OfferRole.BUYER, OfferRole.FOLLOWER]
        for index, offer in enumerate(o for o in offers if o.group == first_group):
            # Enough commitments in the first group to establish it; the others keep offers pending.
            if index < max(offer.group.min_size, 1):  # offer.group is first_group
                formation.accept_offer(offer, role=roles[index % len(roles)], by=None)
        later = [o for o in offers if o.group != first_group]
        if later:
            formation.accept_offer(later[0], role=OfferRole.FOLLOWER, by=None)
        if len(later) > 1:
            formation.decline_offer(later[-1], by=None)
    ObserverSubscription.objects.get_or_create(
        email="observer@demo.example", defaults={"name": "Demo observer", "organisation_name": "Supplier (demo)",
                                                 "confirmed_at": timezone.now()})
    return published


def load_interviews_demo(*, now: dt.datetime | None = None) -> list[InterviewSlot]:
    """Interview slots on the open demo survey, and one interview booked (once).

    Video slots of 45 minutes on Tuesday and Thursday mornings, from three days ahead for three weeks, so
    that a willing respondent of `make run` has times to choose from and the admin has a booked interview.
    """
    campaign = Campaign.objects.filter(slug=OPEN_CAMPAIGN_SLUG).first()
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    if campaign is None or staff is None or InterviewSlot.objects.filter(campaign=campaign).exists():
        return []
    today = timezone.localtime(now or timezone.now(), campaign.zone).date()
    starts = interviews.series_starts(
        first_day=today + dt.timedelta(days=3), last_day=today + dt.timedelta(days=24), weekdays=[1, 3],
        day_start=dt.time(9, 30), day_end=dt.time(12, 30), duration=45, pause=15, zone=campaign.time_zone)
    slots, _skipped = interviews.create_slot_series(
        campaign, interviewer=staff, starts=starts, duration=45, mode=InterviewMode.VIDEO,
        video_link="https://video.bigbuyers.example/interviews")
    willing = (Response.objects.filter(campaign=campaign, status=ResponseStatus.SUBMITTED, interview_willing=True)
               .order_by("pk").first())
    if willing is not None and slots:
        interviews.book_interview(willing, slot=slots[0], now=now)
    return slots
