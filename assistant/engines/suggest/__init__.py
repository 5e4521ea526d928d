"""The suggest engine: draft a complete, measurable indicator table for a new project.

``Suggester`` (:mod:`.suggester`) is the engine (notebooks reach it through
:mod:`assistant.interfaces.notebook`). It is imported lazily so that importing this package costs
nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .suggester import Suggester

__all__ = ["Suggester"]


def __getattr__(name: str) -> Any:
    if name == "Suggester":
        from .suggester import Suggester

        return Suggester
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
