from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    """What every page's layout needs: the secretariat's address and the privacy notice version."""
    return {
        "SECRETARIAT_EMAIL": settings.SECRETARIAT_EMAIL,
        "PRIVACY_NOTICE_VERSION": settings.PRIVACY_NOTICE_VERSION,
    }
