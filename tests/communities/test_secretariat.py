"""Who is the secretariat in the communities: a permission (given by the "Secretariat" group) in a session
opened with the password, never `is_staff` alone."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from bigbuyers.models import User
from communities.secretariat import ACT_AS_SECRETARIAT, GROUP_NAME, ensure_secretariat_group
from tests.communities.test_permissions import build_world
from tests.factories import SecretariatFactory, StaffFactory
from tests.signin import sign_in_with_link, sign_in_with_password

pytestmark = pytest.mark.django_db


def test_the_migration_creates_the_secretariat_group_with_the_secretariats_permissions():
    group = Group.objects.get(name=GROUP_NAME)  # made by communities/migrations/0005_secretariat.py
    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert {ACT_AS_SECRETARIAT, "surveys.change_response", "surveys.export_responses", "groups.add_matchingrun",
            "communities.change_travelclaim", "bigbuyers.export_communities", "bigbuyers.export_groups",
            "bigbuyers.add_bulkemail", "bigbuyers.view_user"} <= held
    # Accounts, their apps and lockouts stay with superusers.
    assert not held & {"bigbuyers.change_user", "bigbuyers.add_user", "auth.change_group",
                       "otp_totp.delete_totpdevice", "axes.delete_accessattempt"}
    assert ensure_secretariat_group(apps) == group, "running it again adds to the same group"


def test_staff_without_the_permission_get_what_an_outsider_gets_and_the_group_makes_the_secretariat(client):
    world = build_world()
    community = world.objects["community"]
    confidential = [
        reverse("communities:documents", args=[community.slug]),
        reverse("communities:document_download", args=[community.slug, world.objects["document"].pk]),
        reverse("communities:claim", args=[community.slug, world.objects["claim"].pk]),
        reverse("communities:join_requests", args=[community.slug]),
        reverse("communities:event_guests", args=[community.slug, world.objects["event"].pk]),
    ]
    clerk = StaffFactory(email="clerk@secretariat.example", is_superuser=False)
    sign_in_with_password(client, clerk)
    assert [client.get(url).status_code for url in confidential] == [404] * len(confidential)
    decide = reverse("communities:join_request_decide", args=[community.slug, world.objects["join_request"].pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 404

    clerk.groups.add(Group.objects.get(name=GROUP_NAME))
    clerk = User.objects.get(pk=clerk.pk)  # permissions are cached on the object
    sign_in_with_password(client, clerk)
    assert [client.get(url).status_code for url in confidential] == [200] * len(confidential)


def test_the_permission_alone_does_not_work_in_a_link_session(client):
    world = build_world()
    secretariat = SecretariatFactory(email="sam@secretariat.example")
    sign_in_with_link(client, secretariat)
    url = reverse("communities:claim", args=[world.objects["community"].slug, world.objects["claim"].pk])
    assert client.get(url).status_code == 404
    sign_in_with_password(client, secretariat)
    assert client.get(url).status_code == 200


def test_the_demos_secretariat_is_in_the_group_and_not_a_superuser(client):
    call_command("load_demo", email="demo-secretariat@bigbuyers.example", password="demo-password-123", verbosity=0)
    staff = User.objects.get(email="demo-secretariat@bigbuyers.example")
    assert staff.is_staff and not staff.is_superuser
    assert staff.groups.filter(name=GROUP_NAME).exists() and staff.has_perm(ACT_AS_SECRETARIAT)
    typed = client.post(reverse("admin:login"), {"username": staff.email, "password": "demo-password-123"})
    assert typed.status_code == 302
    assert client.get(reverse("admin:surveys_response_changelist")).status_code == 200
    assert client.get(reverse("communities:claims", args=["hdev"])).status_code == 200


def test_after_migrate_the_group_holds_every_permission_of_the_three_apps_models_added_later_included():
    """Models added after the group's data migration (the questionnaire, the CPV vocabulary) are in it too."""
    call_command("migrate", verbosity=0)  # nothing to apply: post_migrate alone runs, as after a deploy
    group = Group.objects.get(name=GROUP_NAME)
    held = set(group.permissions.values_list("pk", flat=True))
    missing = Permission.objects.filter(content_type__app_label__in=["surveys", "groups", "communities"]).exclude(pk__in=held)
    assert not [f"{p.content_type.app_label}.{p.codename}" for p in missing.select_related("content_type")]
    assert group.permissions.filter(content_type__app_label="surveys", codename="change_question").exists()
