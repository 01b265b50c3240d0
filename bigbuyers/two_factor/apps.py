from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin with the portal's site (two-factor step); kept apart from the site's module,
    which imports models and so cannot load while INSTALLED_APPS is read."""

    default_site = "bigbuyers.two_factor.admin_site.PortalAdminSite"
