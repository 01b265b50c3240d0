from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from bigbuyers import csp_reports, languages, views

admin.site.site_header = _("Big Buyers secretariat")
admin.site.site_title = _("Big Buyers secretariat")
admin.site.index_title = _("Campaigns, responses and communities")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("csp-report/", csp_reports.csp_report, name="csp_report"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("account/", views.account, name="account"),
    path("account/my-data.json", views.account_export, name="account_export"),
    path("i18n/setlang/", languages.set_language, name="set_language"),
    path("admin/two-factor/", include("bigbuyers.two_factor.urls")),
    path("admin/", admin.site.urls),
    path("communities/", include("communities.urls")),
    path("", include("groups.urls")),
    path("", include("surveys.urls")),
]
