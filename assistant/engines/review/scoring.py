"""Label, score and verdict from the hits of one indicator (pure; see :mod:`rules` for severities).

- label ``na`` for an intentionally empty slot (不适用), ``malformed`` when a MALFORMED hit
  remains, ``vague`` when any other defect hit (severity block/weak/soft) remains, else ``clear``;
- verdict ``block`` for a defect that cannot be verified, ``warn`` for a soft defect
  (MISSING_UNIT) or a clear value in a weaker form (binary state, undated deadline, a vague word
  beside a real threshold, a vague indicator name), ``ok`` otherwise;
- score 0–100 measurability: 100 for a threshold with a unit or a dated deadline, lower for weaker
  forms, low for defects.

Example:
    >>> from .rules import analyse
    >>> decide(analyse("覆盖率", "≥95%").hits, "number")
    ('clear', 100, 'ok')
    >>> decide(analyse("效果", "明显").hits, "none")
    ('vague', 30, 'block')
"""

from __future__ import annotations

from collections.abc import Sequence

from ...records.schema import Label, Verdict
from .rules import Core, Hit

DEFECT_SEVERITIES = frozenset({"block", "weak", "soft"})

_CORE_SCORE: dict[str, int] = {
    "number": 100,
    "dated": 100,
    "duration": 100,
    "month": 95,
    "undated": 80,
    "binary": 75,
    "accepted": 75,
    "graded": 70,
    "bare": 95,
    "none": 60,
}


def decide(hits: Sequence[Hit], core: Core | str) -> tuple[Label, int, Verdict]:
    """The (label, score, verdict) of one indicator from its remaining hits and its value's core.

    Args:
        hits: the hits after config (suppressions) was applied.
        core: the strongest measurable part of the value (see :func:`rules.analyse`).
    """
    if core == "na":
        return "na", 0, "ok"
    defects = [h for h in hits if h.severity in DEFECT_SEVERITIES and h.field == "value"]
    if defects:
        if any(h.code == "MALFORMED" for h in defects):
            label: Label = "malformed"
            score = 0 if core == "too_long" else 5
            verdict: Verdict = "block"
        else:
            label = "vague"
            if all(h.severity == "soft" for h in defects):
                score, verdict = 50, "warn"
            else:
                codes = {h.code for h in defects}
                weak = all(h.severity == "weak" for h in defects)
                score = (35 if weak else 30) - 8 * (len(codes) - 1) - (10 if core == "empty" else 0)
                score = max(score, 5)
                verdict = "block"
    else:
        label = "clear"
        warnings = {h.code for h in hits if h.severity == "warn" and h.field == "value"}
        name_hits = any(h.field == "name" for h in hits)
        score = _CORE_SCORE.get(core, 80) - 10 * len(warnings) - (5 if name_hits else 0)
        score = max(score, 50)
        verdict = "warn" if (warnings or name_hits or core in ("binary", "undated", "graded")) else "ok"
    return label, int(min(max(score, 0), 100)), verdict
