"""The surveys app's admin, one module per concern (imported here so that admin autodiscovery finds them)."""

from surveys.admin import campaigns, eligibility, purchases, requests, responses  # noqa: F401
