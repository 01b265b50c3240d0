from django.apps import AppConfig
from django.apps import apps as global_apps
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities of Practice")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bigbuyers import exports, privacy
        from communities.exports import EXPORTS
        from communities.privacy import PROVIDER

        checks.register(check_upload_settings)
        # The "Secretariat" group gets the permissions of models added since its data migration (the
        # questionnaire, the CPV vocabulary...), after every migrate: communities is the last app, so
        # every app's permissions exist when this runs.
        post_migrate.connect(complete_secretariat_group, sender=self, dispatch_uid="communities.secretariat")
        privacy.register(PROVIDER)
        for kind in EXPORTS:
            exports.register(kind)


def complete_secretariat_group(sender: AppConfig, *, apps: object = global_apps, **kwargs: object) -> None:
    """After migrate, and after flush (which sends post_migrate without `apps`: transactional tests)."""
    from communities.secretariat import ensure_secretariat_group

    ensure_secretariat_group(apps)


def check_upload_settings(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """A deployment may narrow the allowed upload types, never add one whose content is not checked."""
    from django.conf import settings

    from communities.uploads import KNOWN_TYPES

    unknown = [e for e in settings.COMMUNITY_UPLOAD_EXTENSIONS if e not in KNOWN_TYPES]
    if unknown:
        return [checks.Error(
            f"COMMUNITY_UPLOAD_EXTENSIONS has types whose content cannot be checked: {', '.join(unknown)}",
            hint=f"Choose among {', '.join(KNOWN_TYPES)}.", id="communities.E001",
        )]
    return []
