from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BigBuyersConfig(AppConfig):
    name = "bigbuyers"
    verbose_name = _("Portal accounts")

    def ready(self) -> None:
        from bigbuyers import privacy
        from bigbuyers.two_factor import services as two_factor

        privacy.register(privacy.PrivacyProvider(name="two_factor_devices", export=two_factor.export,
                                                 erase=two_factor.erase))
