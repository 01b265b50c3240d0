from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BigBuyersConfig(AppConfig):
    name = "bigbuyers"
    verbose_name = _("Portal accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from bigbuyers import languages, privacy, staff_sessions
        from bigbuyers.two_factor import services as two_factor

        user_logged_in.connect(languages.remember_on_sign_in, dispatch_uid="bigbuyers.remember_language")
        user_logged_in.connect(staff_sessions.record_signin_method, dispatch_uid="bigbuyers.record_signin_method")

        privacy.register(privacy.PrivacyProvider(name="two_factor_devices", export=two_factor.export,
                                                 erase=two_factor.erase))
