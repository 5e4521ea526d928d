"""Which policy domain(s) a new project belongs to, from its name, goal and department — with the
words that decided it, so a drafter can see (and correct) why a 水利 template was offered.

A keyword in the department counts most (a 水务局 project is a water project whatever its name),
then the name, then the goal. Scores are relative: a domain is kept when it scores at least half of
the best one.

Example:
    >>> from assistant.records.library import Domain
    >>> water = Domain("水利", ("供水", "饮水"), ("水利局",), "受益群众")
    >>> school = Domain("教育", ("学校", "教师"), ("教育局",), "学生")
    >>> [(m.domain, m.reason) for m in detect_domains("农村饮水安全工程", "保障供水", None, [water, school])]
    [('水利', '名称含“饮水”；目标含“供水”')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.records.library import Domain

WEIGHTS = {"部门": 3.0, "名称": 2.0, "目标": 1.0}
KEEP_SHARE = 0.5
MAX_DOMAINS = 2


@dataclass(frozen=True, slots=True)
class DomainMatch:
    """A domain found for a project, its score and the reason in words."""

    domain: str
    score: float
    reason: str
    beneficiaries: str


def _hits(text: str | None, words: Sequence[str]) -> list[str]:
    if not text:
        return []
    return [w for w in words if w and w in text]


def _longest(hits: list[str], every: set[str]) -> list[str]:
    """Hits that are not part of a longer hit of any domain (档案 inside 健康档案 is 卫生's word)."""
    return [w for w in hits if not any(w != o and w in o for o in every)]


def detect_domains(
    name: str, goal: str | None, department: str | None, domains: Sequence[Domain]
) -> list[DomainMatch]:
    """The project's domains, best first (at most :data:`MAX_DOMAINS`); empty when nothing matches."""
    fields = (("部门", department), ("名称", name), ("目标", goal))
    found: dict[tuple[str, str], list[str]] = {}
    for domain in domains:
        for field, text in fields:
            words = domain.department_keywords if field == "部门" else domain.name_keywords
            found[(domain.name, field)] = _hits(text, words)
    every = {field: {w for (_, f), ws in found.items() if f == field for w in ws} for field, _ in fields}
    scored: list[DomainMatch] = []
    for domain in domains:
        parts: list[str] = []
        score = 0.0
        for field, _ in fields:
            hits = _longest(found[(domain.name, field)], every[field])
            if hits:
                # more distinct words, more certainty, with diminishing returns
                score += WEIGHTS[field] * (1 + 0.5 * (len(hits) - 1))
                parts.append(f"{field}含" + "、".join(f"“{w}”" for w in hits[:3]))
        if score > 0:
            scored.append(DomainMatch(domain.name, score, "；".join(parts), domain.beneficiaries))
    if not scored:
        return []
    scored.sort(key=lambda m: (-m.score, m.domain))
    best = scored[0].score
    return [m for m in scored if m.score >= KEEP_SHARE * best][:MAX_DOMAINS]
