from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities of Practice")

    def ready(self) -> None:
        from bigbuyers import exports, privacy
        from communities.exports import EXPORTS
        from communities.privacy import PROVIDER

        checks.register(check_upload_settings)
        privacy.register(PROVIDER)
        for kind in EXPORTS:
            exports.register(kind)


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
