from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Matching and working groups")

    def ready(self) -> None:
        from bigbuyers import exports, privacy
        from groups import dashboard
        from groups.exports import EXPORTS
        from groups.privacy import FORMATION_PROVIDER, PROVIDER
        from surveys.dashboard import register_dashboard_section, register_report_section

        privacy.register(PROVIDER)
        privacy.register(FORMATION_PROVIDER)
        for kind in EXPORTS:
            exports.register(kind)
        for provider in dashboard.DASHBOARD:
            register_dashboard_section(provider)
        for provider in dashboard.REPORT:
            register_report_section(provider)
