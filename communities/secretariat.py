"""The secretariat as a role: the "Secretariat" group and the permission that makes one the secretariat
inside the communities.

Being staff (`is_staff`) only lets a person sign in to the admin; what they may do there, and whether
they act as the secretariat in the communities, comes from permissions. `ACT_AS_SECRETARIAT` is the
communities' one (read, decide and moderate in every space, see travel claims and guests); the group
"Secretariat", created by a data migration, carries it with the permissions of the secretariat's daily
work. Managing staff accounts, their authenticator apps and django-axes' lockouts is left to superusers.

`ensure_secretariat_group` takes an app registry so that the migration (historical models) and the demo
(the live ones) share it; it runs again after every migrate (communities/apps.py), so that the models added since, and
their permissions, are in the group without a migration of their own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

GROUP_NAME = "Secretariat"
ACT_AS_SECRETARIAT = "communities.act_as_secretariat"

# Every permission of these apps: campaigns, responses, eligibility, interviews, matching, offers, the
# Observer Group, communities (the responses' export and acting as the secretariat included).
WHOLE_APPS = ("surveys", "groups", "communities")
# And these of the portal's accounts app: read users (the memberships' search picks them), read the outbox
# and the record of exports, write e-mails to many people, and download the other exports.
ACCOUNT_PERMISSIONS = (
    "view_user", "view_outgoingemail", "view_exportrecord", "add_bulkemail", "view_bulkemail",
    "export_groups", "export_communities",
)


def ensure_secretariat_group(apps: Any) -> Any:
    """The "Secretariat" group with the permissions above (added to any it has), created when missing.

    `apps` is an app registry (django.apps.apps, or a migration's); permissions must exist already.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _created = group_model.objects.get_or_create(name=GROUP_NAME)
    wanted = permission_model.objects.filter(
        Q(content_type__app_label__in=WHOLE_APPS)
        | Q(content_type__app_label="bigbuyers", codename__in=ACCOUNT_PERMISSIONS)
    )
    group.permissions.add(*wanted)
    return group
