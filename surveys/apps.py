from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Needs-assessment surveys")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bigbuyers import exports, privacy
        from surveys import dashboard
        from surveys.cpv.loader import sync_after_migrate
        from surveys.exports import EXPORT
        from surveys.privacy import PROVIDER
        from surveys.questionnaire import figures
        from surveys.report import SURVEY_REPORT

        privacy.register(PROVIDER)
        exports.register(EXPORT)
        for provider in dashboard.SURVEY_DASHBOARD:
            dashboard.register_dashboard_section(provider)
        for provider in SURVEY_REPORT:
            dashboard.register_report_section(provider)
        dashboard.register_dashboard_section(figures.DASHBOARD)
        dashboard.register_report_section(figures.REPORT)
        # The CPV vocabulary is reference data: filled (or updated) after every migrate.
        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="surveys.cpv.sync")
