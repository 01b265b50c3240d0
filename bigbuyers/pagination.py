"""Long lists shown a page at a time: two queries (a count and the page) whatever their length."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def page_of(request: HttpRequest, items: QuerySet, *, per_page: int = PAGE_SIZE) -> Page:
    """The page of `items` that `?page=N` asks for; a missing or bad number gives the first, too high the last."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
