"""Every filter, date hierarchy and order of the admin's lists, and every column the pages filter or
order their lists on, is served by a PostgreSQL index that leads with it (read from the catalogue).

Foreign keys get an index of their own; a composite index counts for the column it leads with. Only
plain B-tree indexes without a condition count (a trigram index serves a search, not an order). A path
through relations (``response__campaign``) needs the index at each step: the joining key, then the
column at the end.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import connection, models
from django.db.models.constants import LOOKUP_SEP

from bigbuyers.models import OutgoingEmail, User
from communities.models import (
    Activity,
    Document,
    Event,
    GuestInvitation,
    JoinRequest,
    Membership,
    Registration,
    Reply,
    Thread,
    TravelClaim,
)
from groups.admin.interviews import BookedFilter
from groups.admin.observers import ActiveFilter
from groups.models import GroupOffer, Interview, InterviewSlot, ObserverSubscription, Placement
from surveys.admin.eligibility import PolicyChangeFilter
from surveys.admin.purchases import CpvCodeFilter
from surveys.admin.responses import AreaInterestFilter, CountryFilter
from surveys.models import AccessRequest, AreaInterest, Respondent, Response, ThematicArea

pytestmark = pytest.mark.django_db

OUR_APPS = {"bigbuyers", "surveys", "groups", "communities"}  # the others' tables are their maintainers' business

# What each of our own list filters filters on, as paths from the list's model.
SIMPLE_FILTERS: dict[type, list[str]] = {
    CountryFilter: ["organisation__country"],
    AreaInterestFilter: ["interests__area"],  # AreaInterest(area, level), then the response ids
    PolicyChangeFilter: ["policy_change"],
    ActiveFilter: ["confirmed_at", "unsubscribed_at"],
    BookedFilter: ["interviews__status"],  # Interview(status, slot)
    CpvCodeFilter: ["cpv_code"],  # each code looked up in the vocabulary by its primary key
}

# What the pages filter or order their lists on (the selectors of each app), as (model, path).
PAGES: list[tuple[type[models.Model], str]] = [
    (Respondent, "user"), (Respondent, "response"), (Response, "campaign"), (AreaInterest, "response"),
    (ThematicArea, "campaign"), (AccessRequest, "response"), (AccessRequest, "requester"),
    (GroupOffer, "response"), (Placement, "run"), (InterviewSlot, "campaign"), (Interview, "response"),
    (Interview, "slot"), (Membership, "user"), (Membership, "community"), (JoinRequest, "community"),
    (JoinRequest, "user"), (Activity, "community"), (Thread, "community"), (Reply, "thread"),
    (Document, "community"), (Document, "classification"), (Event, "community"), (Registration, "event"),
    (Registration, "user"), (GuestInvitation, "user"), (GuestInvitation, "event"), (TravelClaim, "membership"),
]

# Columns without an index of their own, and why none is needed. "Few values" means that a filter on the
# column matches a large share of the rows: PostgreSQL reads the list's order from its index and filters as it
# goes, which an index on the column would not beat (and the list's other filters narrow it first).
SMALL = "a small table (tens to hundreds of rows written by hand or per campaign), read whole"
FEW_VALUES = "few values, each on a large share of the rows: read in the list's order (indexed) and filtered"
UNINDEXED: dict[tuple[str, str], str] = {
    ("surveys_campaign", "opens_at"): SMALL + " (a campaign a year)",
    ("communities_community", "name"): SMALL + " (a few dozen communities)",
    ("surveys_response", "status"): FEW_VALUES + "; with a campaign chosen, (campaign, status)",
    ("surveys_response", "eligibility_decided"): FEW_VALUES,
    ("communities_event", "is_public"): FEW_VALUES + "; the public page reads a community's upcoming events first",
    ("surveys_plannedpurchase", "cpv_code"): "the CPV filter looks each purchase's code up in the vocabulary (by its "
                                             "primary key), which no index on the code would replace; a campaign "
                                             "chosen narrows the purchases first",
    ("surveys_response", "interview_willing"): FEW_VALUES,
    ("surveys_organisation", "size"): FEW_VALUES,
    ("surveys_accessrequest", "status"): SMALL,
    ("surveys_laterequest", "status"): SMALL,
    ("surveys_eligibilitydecision", "outcome"): FEW_VALUES,
    ("surveys_eligibilitychange", "outcome"): FEW_VALUES + "; read per policy change (the campaign's link)",
    ("surveys_eligibilitychange", "previous_outcome"): FEW_VALUES + "; read per policy change",
    ("bigbuyers_user", "is_active"): FEW_VALUES,
    ("bigbuyers_user", "is_superuser"): FEW_VALUES,
    ("bigbuyers_bulkemail", "created_at"): SMALL,
    ("bigbuyers_bulkemail", "source"): SMALL,
    ("bigbuyers_exportrecord", "format"): FEW_VALUES,
    ("groups_matchingrun", "created_at"): SMALL + "; per campaign, (campaign, -created_at)",
    ("groups_matchingrun", "status"): SMALL,
    ("groups_matchingrun", "solver_status"): SMALL,
    ("groups_workinggroup", "status"): SMALL,
    ("groups_groupoffer", "role"): FEW_VALUES,
    ("groups_interview", "outcome"): FEW_VALUES,
    ("groups_interview", "source"): FEW_VALUES,
    ("groups_interviewslot", "mode"): FEW_VALUES,
    ("groups_observersubscription", "source"): FEW_VALUES,
    ("groups_observersubscription", "confirmed_at"): "an IS NULL filter matching most rows: " + FEW_VALUES,
    ("groups_observersubscription", "unsubscribed_at"): "an IS NULL filter matching most rows: " + FEW_VALUES,
    ("communities_community", "is_open"): SMALL,
    ("communities_membership", "role"): FEW_VALUES,
    ("communities_joinrequest", "created_at"): SMALL,
    ("communities_joinrequest", "status"): SMALL,
    ("communities_event", "kind"): FEW_VALUES,
    ("communities_event", "in_person"): FEW_VALUES,
    ("communities_thread", "is_hidden"): FEW_VALUES,
    ("communities_thread", "is_locked"): FEW_VALUES,
}


def btree_leading_columns(table: str) -> set[str]:
    """The first column of every plain (B-tree, unconditional, not an expression) index of `table`."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT a.attname FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_class ix ON ix.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ix.relam
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
            WHERE t.relname = %s AND am.amname = 'btree' AND i.indpred IS NULL""", [table])
        return {row[0] for row in cursor.fetchall()}


def columns_of(model: type[models.Model], path: str) -> list[tuple[str, str]]:
    """(table, column) that need an index to follow `path` from `model`: each join's key, then the last column."""
    needed = []
    parts = path.lstrip("-").split(LOOKUP_SEP)
    for position, name in enumerate(parts):
        field: Any = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if field.many_to_many:  # through the link table: its key to this side
            through = (field.remote_field.through if field.concrete else field.through)._meta
            side = next(f for f in through.fields if f.is_relation and f.related_model is model)
            needed.append((through.db_table, side.column))
            model = field.related_model
        elif field.is_relation and field.auto_created and not field.concrete:  # a reverse relation: the other side's key
            remote = field.remote_field
            needed.append((field.related_model._meta.db_table, remote.column))
            model = field.related_model
        elif field.is_relation and position < len(parts) - 1:
            needed.append((model._meta.db_table, field.column))
            model = field.related_model
        else:
            needed.append((model._meta.db_table, field.column))
    return needed


def admin_paths(model_admin: admin.ModelAdmin) -> list[str]:
    """The paths of the list's filters, its date hierarchy and the column its order leads with."""
    paths = []
    for entry in model_admin.list_filter:
        if isinstance(entry, str):
            paths.append(entry)
        elif isinstance(entry, tuple):
            paths.append(entry[0])
        else:
            assert entry in SIMPLE_FILTERS, f"{entry.__name__}: say in SIMPLE_FILTERS what it filters on"
            paths += SIMPLE_FILTERS[entry]
    if model_admin.date_hierarchy:
        paths.append(model_admin.date_hierarchy)
    ordering = model_admin.ordering or model_admin.model._meta.ordering
    if ordering:  # an ORDER BY a, b is served by an index on (a, b): the first column must lead one
        paths.append(ordering[0])
    return paths


def _missing(needs: list[tuple[str, type[models.Model], str]], *, excused: set[tuple[str, str]] | None = None) -> list[str]:
    """A line per column without an index that UNINDEXED does not excuse; `excused` collects those it does."""
    missing = []
    for where, model, path in needs:
        for table, column in columns_of(model, path):
            if column in btree_leading_columns(table):
                continue
            if (table, column) in UNINDEXED:
                (excused if excused is not None else set()).add((table, column))
            else:
                missing.append(f"{where}: {path} needs an index on {table}({column})")
    return sorted(set(missing))


def test_every_admin_filter_date_hierarchy_and_order_has_an_index():
    needs = [(f"{type(model_admin).__name__}", model, path)
             for model, model_admin in admin.site._registry.items() if model._meta.app_label in OUR_APPS
             for path in admin_paths(model_admin)]
    assert len(needs) > 50
    excused: set[tuple[str, str]] = set()
    missing = _missing(needs, excused=excused)
    assert not missing, "\n".join(missing)
    assert set(UNINDEXED) == excused, f"excuses no longer needed: {set(UNINDEXED) - excused}"


def test_every_column_the_pages_filter_or_order_on_has_an_index():
    missing = _missing([(model.__name__, model, path) for model, path in PAGES])
    assert not missing, "\n".join(missing)


def test_the_check_sees_a_missing_index():
    assert columns_of(Response, "-organisation__country") == [("surveys_response", "organisation_id"),
                                                              ("surveys_organisation", "country")]
    assert _missing([("test", Reply, "body")]) == ["test: body needs an index on communities_reply(body)"]


@pytest.mark.parametrize("queryset", [
    lambda: User.objects.filter(email__iexact="Someone@City.example"),  # sign-in, staff login
    lambda: ObserverSubscription.objects.filter(email__iexact="Someone@City.example"),  # joining the Observer Group
    lambda: OutgoingEmail.objects.filter(to__iexact="Someone@City.example"),  # a person's data export and erasure
], ids=["users", "observers", "outbox"])
def test_case_insensitive_address_lookups_use_an_index(queryset):
    # With sequential scans priced out, the planner still picks one when no index can answer: the plan
    # names an index only when an expression index matches what `__iexact` writes (UPPER(...)).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset().explain()
    assert "Index" in plan and "Seq Scan" not in plan, plan
