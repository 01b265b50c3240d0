"""The groups app's models, one module per concern, re-exported here so that Django and callers find them."""

from groups.models.formation import (
    INTEREST_WEIGHTS,
    GroupOffer,
    GroupStatus,
    MatchingExclusion,
    MatchingPin,
    MatchingRun,
    ObserverSource,
    ObserverSubscription,
    OfferRole,
    OfferStatus,
    Placement,
    RunStatus,
    SolverStatus,
    WorkingGroup,
    default_weights,
)
from groups.models.interviews import (
    Interview,
    InterviewMode,
    InterviewOutcome,
    InterviewSlot,
    InterviewSource,
    InterviewStatus,
)

__all__ = [
    "INTEREST_WEIGHTS", "GroupOffer", "GroupStatus", "Interview", "InterviewMode", "InterviewOutcome", "InterviewSlot",
    "InterviewSource", "InterviewStatus", "MatchingExclusion", "MatchingPin", "MatchingRun", "ObserverSource",
    "ObserverSubscription", "OfferRole", "OfferStatus", "Placement", "RunStatus", "SolverStatus", "WorkingGroup",
    "default_weights",
]
