"""绩效目标助手 — suggest measurable performance indicators and flag vague targets.

``import assistant`` is cheap: no torch, faiss or gradio is loaded until a model is needed. The
notebook API below is imported on first use:

    >>> import assistant
    >>> callable(assistant.review)
    True
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# The notebook facade (assistant/interfaces/notebook.py), re-exported lazily.
_NOTEBOOK_API = (
    "use_store",
    "ingest",
    "suggest",
    "review",
    "review_summary",
    "defect_counts",
    "search",
    "distribution",
    "evaluate_review",
    "evaluate_suggest",
)
__all__ = ["__version__", *_NOTEBOOK_API]


def __getattr__(name: str) -> Any:
    if name in _NOTEBOOK_API:
        return getattr(import_module(".interfaces.notebook", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
