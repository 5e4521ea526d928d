"""The review engine as the suggester uses it: every suggested value is reviewed the way
``assistant review`` would review it (rules plus the shipped vagueness model when built)."""

from __future__ import annotations

from typing import Any


def default_reviewer() -> Any:
    """The review engine with its default model (:class:`assistant.engines.review.Reviewer`)."""
    from assistant.engines.review import Reviewer, load_default_model

    return Reviewer(model=load_default_model())
