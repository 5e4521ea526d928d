"""The review engine as the suggester uses it.

:func:`default_reviewer` returns :class:`assistant.engines.review.Reviewer` when that engine is
installed. Until then (or if it cannot be imported) a minimal stand-in accepts only values the
parser reads as a number with a unit, a range, a dated deadline, a duration or a binary state,
with no parse glitch — strict enough that nothing vague is ever suggested.
"""

from __future__ import annotations

from assistant.records.schema import Indicator, IndicatorReview, Project, Reason

from .corpus import is_measurable


class MeasurableOnlyReviewer:
    """Stand-in reviewer: ``clear`` when the parsed value is measurable, else ``vague``."""

    def review_indicator(self, indicator: Indicator, project: Project | None = None) -> IndicatorReview:
        parsed = indicator.parsed
        if is_measurable(parsed) and (parsed.kind != "number" or parsed.unit):
            return IndicatorReview(indicator=indicator, label="clear", score=100, verdict="ok")
        reason = Reason("NOT_MEASURABLE", "value", 0, len(indicator.value), "指标值不可衡量")
        return IndicatorReview(
            indicator=indicator, label="vague", score=0, verdict="block", reasons=(reason,)
        )


def default_reviewer() -> object:
    """The review engine as ``assistant review`` runs it (rules plus the shipped vagueness model when
    built), or :class:`MeasurableOnlyReviewer` when the engine is not available."""
    try:
        from assistant.engines.review import Reviewer, load_default_model
    except ImportError:
        return MeasurableOnlyReviewer()
    return Reviewer(model=load_default_model())
