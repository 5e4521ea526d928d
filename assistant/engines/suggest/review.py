"""The review engine as the suggester uses it: every suggested value is reviewed the way
``assistant review`` would review it."""

from __future__ import annotations

from typing import Any


def default_reviewer() -> Any:
    """The review engine (:class:`assistant.engines.review.Reviewer`)."""
    from assistant.engines.review import Reviewer

    return Reviewer()
