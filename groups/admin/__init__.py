"""The groups app's admin, one module per concern (imported here so that admin autodiscovery finds it)."""

from groups.admin import interviews  # noqa: F401
