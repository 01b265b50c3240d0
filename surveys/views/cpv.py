"""The CPV suggestions behind the code field's combobox (static/js/cpv.js): public reference data."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from surveys.cpv.codes import MAX_QUERY
from surveys.cpv.selectors import search


@require_GET
def cpv_suggestions(request: HttpRequest) -> JsonResponse:
    """``?q=electric bus`` or ``?q=3414``: up to ten codes with their English labels, the best first."""
    text = request.GET.get("q", "")[:MAX_QUERY]
    response = JsonResponse({"query": text, "results": [
        {"code": entry.code, "label": entry.label} for entry in search(text)]})
    # The vocabulary changes with a deployment, not between two keystrokes: browsers may keep answers a while.
    patch_cache_control(response, public=True, max_age=3600)
    return response
