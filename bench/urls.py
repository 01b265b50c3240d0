"""The portal's URLs plus a minimal view: the baseline that page benchmarks are compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def minimal(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do behind the same middleware: no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), path("", include("bigbuyers.urls"))]
