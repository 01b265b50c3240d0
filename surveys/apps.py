from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Needs-assessment surveys")

    def ready(self) -> None:
        from bigbuyers import exports, privacy
        from surveys.exports import EXPORT
        from surveys.privacy import PROVIDER

        privacy.register(PROVIDER)
        exports.register(EXPORT)
