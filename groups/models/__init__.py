"""The groups app's models, one module per concern, re-exported here so that Django and callers find them."""

from groups.models.interviews import (
    Interview,
    InterviewMode,
    InterviewOutcome,
    InterviewSlot,
    InterviewSource,
    InterviewStatus,
)

__all__ = ["Interview", "InterviewMode", "InterviewOutcome", "InterviewSlot", "InterviewSource", "InterviewStatus"]
