"""The suggest engine: draft a complete, measurable indicator table for a new project.

``Suggester`` (:mod:`.suggester`) is the engine; :func:`suggest` (:mod:`.api`) is the notebook
function over a shared default engine. Both are imported lazily so that importing this package
costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import suggest
    from .suggester import Suggester

__all__ = ["Suggester", "suggest"]


def __getattr__(name: str) -> Any:
    if name == "Suggester":
        from .suggester import Suggester

        return Suggester
    if name == "suggest":
        from .api import suggest

        return suggest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
