"""The roadmap: what a community aims at, how far, by when, and its planned activities."""

from __future__ import annotations

from collections.abc import Mapping

from communities.models import Activity, Community


def update_roadmap(community: Community, *, objectives: str, ambition: str, timeline: str) -> None:
    """The leaders' statement of what the community aims at, how far, and by when."""
    Community.objects.filter(pk=community.pk).update(objectives=objectives, ambition=ambition, timeline=timeline)


def save_activity(community: Community, *, activity: Activity | None = None, values: Mapping[str, object]) -> Activity:
    """Add a roadmap activity, or change `activity` (of this community)."""
    if activity is None:
        return Activity.objects.create(community=community, **values)
    Activity.objects.filter(pk=activity.pk, community=community).update(**values)
    activity.refresh_from_db()
    return activity
