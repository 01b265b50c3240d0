"""The survey's list of steps, written in one pass of Python."""

from __future__ import annotations

import functools

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()
CURRENT, DONE = SafeString(' aria-current="step"'), SafeString(' class="step-done"')


@functools.lru_cache(maxsize=4096)
def _step_url(prefix: str, urlconf: str | None, campaign_slug: str, key: str) -> str:
    return reverse("survey_step", args=[campaign_slug, key])


def step_url(campaign_slug: str, key: str) -> str:
    """The address of a step, reversed once per process (the list shows every step on every page)."""
    return _step_url(get_script_prefix(), get_urlconf(), campaign_slug, key)


@register.simple_tag(takes_context=True)
def survey_steps(context: template.Context) -> SafeString:
    """The steps of templates/surveys/_survey_layout.html as list items: a link to each step the person can
    open (all once their response exists, else the organisation step), the current one marked for screen
    readers and the saved ones said to be saved.

    Through the template language this list was a quarter of a survey page's time (a link, a translation and
    four comparisons per step); it depends on the person, so it cannot be kept between requests.
    """
    campaign, response = context["campaign"], context.get("response")
    current = getattr(context.get("step"), "slug", None)
    done = set(context.get("steps_done") or ())
    saved = format_html('<span class="visually-hidden"> ({})</span>', _("saved"))
    items = []
    for step in context["steps"]:
        if not (response or step.slug == "organisation"):
            items.append(format_html("<li>{}</li>", step.title))
            continue
        items.append(format_html(
            '<li><a href="{}"{}{}>{}{}</a></li>', step_url(campaign.slug, step.slug),
            CURRENT if step.slug == current else "", DONE if step.slug in done else "",
            step.title, saved if step.slug in done else ""))
    return format_html_join("", "{}", ((item,) for item in items))
