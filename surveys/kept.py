"""What the campaign and survey pages read of a campaign at every request, kept by each process while it stands.

A campaign's row, its thematic areas and its questionnaire (pages, questions, choices) change only when the
secretariat edits them, and every survey page reads them: four queries and a hundred rows made into objects
per request. Each process keeps them per campaign under the campaign's content version, which PostgreSQL
renews at any change to any of them, through the admin, an import, a queryset update or a deletion
(triggers, migration 0010). A request reads the version with the campaign's publication (one query of one
short row) and reads the rest again only when the version changed.

Shared between requests and threads: each call hands out its own copy of the campaign (which views may
annotate); the areas and the questionnaire are read, never changed. Other databases have no triggers: there
everything is read at every request.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.db import connection

from surveys import selectors
from surveys.models import Campaign, ThematicArea
from surveys.questionnaire.structure import Questionnaire, questionnaire_of


@dataclass(frozen=True)
class CampaignContent:
    campaign: Campaign
    areas: list[ThematicArea]  # in the campaign's order
    questionnaire: Questionnaire


_KEPT: dict[int, CampaignContent] = {}
_KEPT_MAX = 64  # more campaigns than any deployment runs at once


def published_content(slug: str) -> CampaignContent:
    """The published campaign `slug` with its areas and questionnaire; raises Campaign.DoesNotExist."""
    published = selectors.published_campaigns().filter(slug=slug)
    if connection.vendor != "postgresql":
        return _read(published.get())
    pk, version = published.values_list("pk", "content_version").get()
    kept = _KEPT.get(pk)
    if kept is None or kept.campaign.content_version != version:
        # Read after the version: what is read is never older than the version it is kept under (when newer,
        # the next request sees a newer version and reads again).
        kept = _read(Campaign.objects.get(pk=pk))
        if len(_KEPT) >= _KEPT_MAX:
            _KEPT.clear()  # (clear, not evicting by iteration, which another thread's insert could break)
        _KEPT[pk] = kept
    return CampaignContent(copy.copy(kept.campaign), kept.areas, kept.questionnaire)


def _read(campaign: Campaign) -> CampaignContent:
    return CampaignContent(campaign, selectors.areas_of(campaign), questionnaire_of(campaign.pk))
