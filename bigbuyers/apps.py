from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BigBuyersConfig(AppConfig):
    name = "bigbuyers"
    verbose_name = _("Portal accounts")
