"""The review engine: flag vague 指标值 with reasons, spans and measurable rewrites.

Public API (see docs/ARCHITECTURE.md)::

    from assistant.engines.review import Reviewer, ReviewConfig
    reviewer = Reviewer(config=ReviewConfig.load("review.toml"), store=store)
    reviewer.review_indicator(indicator, project)     # -> IndicatorReview
    reviewer.review_project(project)                  # -> ProjectReview
    reviewer.review_projects(projects)                # -> Iterator[ProjectReview]

Modules: :mod:`lexicon` (terms and messages), :mod:`scan` (measurable parts with spans),
:mod:`matcher` (the compiled lexicon), :mod:`slots` (the form a slot's value takes),
:mod:`rules` (pure analysis), :mod:`scoring` (label/score/verdict), :mod:`rewrite` and
:mod:`evidence` (measurable rewrites), :mod:`table` (table findings), :mod:`config`,
:mod:`reviewer` (the class), :mod:`report` (xlsx/csv/json reports and the CLI's JSON lines).
Nothing here imports torch, faiss or gradio.
"""

from .config import ReviewConfig, Suppression
from .evidence import ProjectsEvidence, RewriteEvidence
from .lexicon import DEFECT_CODES, TABLE_CODES, WARNING_CODES
from .reviewer import Reviewer, clear_caches

__all__ = [
    "DEFECT_CODES",
    "TABLE_CODES",
    "WARNING_CODES",
    "ProjectsEvidence",
    "ReviewConfig",
    "Reviewer",
    "RewriteEvidence",
    "Suppression",
    "clear_caches",
]
