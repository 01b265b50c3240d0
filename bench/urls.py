"""The portal's URLs plus the baselines that page benchmarks are compared with."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from bigbuyers.urls import handler400, handler403, handler404, handler500  # noqa: F401 - the portal's error pages

PAGE_SIZE = 100

PLAIN_LIST = engines["django"].from_string(
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Responses</title></head><body><table>"
    "<thead><tr><th>Organisation</th><th>Country</th><th>Campaign</th><th>Status</th><th>Eligibility</th>"
    "<th>Submitted</th><th>Changed</th></tr></thead><tbody>"
    "{% for row in rows %}<tr><td><a href=\"/r/{{ row.0 }}/\">{{ row.1 }}</a></td><td>{{ row.2 }}</td>"
    "<td>{{ row.3 }}</td><td>{{ row.4 }}</td><td>{{ row.5 }}</td><td>{{ row.6 }}</td><td>{{ row.7 }}</td></tr>"
    "{% endfor %}</tbody></table></body></html>"
)


def minimal(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do behind the same middleware: no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


def minimal_signed_in(request: HttpRequest) -> HttpResponse:
    """The minimal view for a signed-in person: what the session and the user's row cost, and nothing else."""
    return HttpResponse(str(request.user.pk), content_type="text/plain")


def plain_responses(request: HttpRequest) -> HttpResponse:
    """The first page of the responses, newest change first, as a plain template: the admin list's baseline."""
    from surveys.models import Response

    rows = Response.objects.order_by("-updated_at").values_list(
        "pk", "organisation__name", "organisation__country", "campaign__name", "status", "eligibility", "submitted_at",
        "updated_at")[:PAGE_SIZE]
    return HttpResponse(PLAIN_LIST.render({"rows": rows}, request))


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/minimal/signed-in/", minimal_signed_in),
    path("bench/responses/", plain_responses),
    path("", include("bigbuyers.urls")),
]
