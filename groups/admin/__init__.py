"""The groups app's admin, one module per concern (imported here so that admin autodiscovery finds them)."""

from groups.admin import formation, interviews, observers, runs  # noqa: F401
