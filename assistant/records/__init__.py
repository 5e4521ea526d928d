"""Records: the plain data every layer passes around, and the pure functions that build them."""

from .schema import (
    Evidence,
    Finding,
    Indicator,
    IndicatorReview,
    ParsedValue,
    Project,
    ProjectDraft,
    ProjectReview,
    Reason,
    Suggestion,
    ValueRange,
)

__all__ = [
    "Evidence",
    "Finding",
    "Indicator",
    "IndicatorReview",
    "ParsedValue",
    "Project",
    "ProjectDraft",
    "ProjectReview",
    "Reason",
    "Suggestion",
    "ValueRange",
]
