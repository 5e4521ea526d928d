"""A notebook-friendly function over one shared :class:`Suggester` (default store, default models).

Example:
    >>> from assistant.engines.suggest.api import suggest
    >>> rows = suggest("党员教育培训经费", goal="培训1期40人", budget_wan=12, year=2025)  # doctest: +SKIP
    >>> rows[0].name, rows[0].value                                                       # doctest: +SKIP
    ('培训人数', '≥40人')
"""

from __future__ import annotations

import threading
from pathlib import Path

from assistant.records.schema import ProjectDraft, Suggestion

from .suggester import Suggester

_LOCK = threading.Lock()
_DEFAULT: dict[str, Suggester] = {}


def default_suggester(store: str | Path | None = None) -> Suggester:
    """The process-wide suggester for a store folder (``None``: the default store)."""
    key = str(store or "")
    with _LOCK:
        suggester = _DEFAULT.get(key)
        if suggester is None:
            suggester = _DEFAULT[key] = Suggester(store=store)
        return suggester


def suggest(
    name: str,
    goal: str | None = None,
    budget_wan: float | None = None,
    year: int | None = None,
    department: str | None = None,
    k: int | None = None,
    *,
    store: str | Path | None = None,
) -> list[Suggestion]:
    """Draft a reviewed indicator table for one project (see :meth:`Suggester.suggest`)."""
    draft = ProjectDraft(name=name, goal=goal, budget_wan=budget_wan, year=year, department=department)
    return default_suggester(store).suggest(draft, k)
