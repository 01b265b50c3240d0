"""The permission to act as the secretariat in the communities, and the "Secretariat" group that carries
it with the permissions of the secretariat's work (communities/secretariat.py)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def create_secretariat_group(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from django.contrib.auth.management import create_permissions

    from communities.secretariat import ensure_secretariat_group

    # Permissions are normally created after all migrations (post_migrate): create them now, so that the
    # group gets them on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_secretariat_group(apps)


def remove_secretariat_group(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("auth", "Group").objects.filter(name="Secretariat").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("communities", "0004_verbose_names"),
        ("bigbuyers", "0006_verbose_names"),
        ("surveys", "0006_verbose_names"),
        ("groups", "0005_verbose_names"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="community",
            options={
                "ordering": ["name"],
                "permissions": [("act_as_secretariat", "Can act as the secretariat in every community")],
                "verbose_name": "community of practice",
                "verbose_name_plural": "communities of practice",
            },
        ),
        migrations.RunPython(create_secretariat_group, remove_secretariat_group),
    ]
