"""Plain, frozen records shared by every layer: projects, indicators, parsed values and review results.

Records are immutable (change them with :func:`dataclasses.replace`) and carry content-hash ids so
that re-ingesting a document produces the same ids and adds nothing new to the store.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ValueKind = Literal["number", "range", "deadline", "duration", "binary", "qualitative", "empty"]
Comparator = Literal["≥", "≤", "=", ">", "<"]
Label = Literal["clear", "vague", "malformed", "na"]
Verdict = Literal["ok", "warn", "block"]
Field = Literal["name", "value"]
EvidenceKind = Literal["goal", "budget", "corpus", "library"]
#: Opens every value the drafter must fill in (【待填：目标值】): no source gives the number.
PLACEHOLDER_MARK = "【待填"


def content_id(*parts: object) -> str:
    """A short stable hash of ``parts`` (used as record id).

    Example:
        >>> content_id("a", 1) == content_id("a", 1)
        True
    """
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.blake2b(blob.encode("utf-8"), digest_size=10).hexdigest()


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """The machine-readable meaning of one 指标值 (see CONTRACT.md, ``parsed``).

    ``flags`` name glitches found while parsing (``DOUBLED``, ``UNIT_CONFLICT`` …) instead of
    silently misreading them.
    """

    kind: ValueKind
    comparator: Comparator | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    flags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["flags"] = list(self.flags)
        return data


EMPTY_VALUE = ParsedValue(kind="empty")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One third-level indicator row: its 一级/二级 slot, name, value and where it was read."""

    level1: str
    level2: str
    name: str
    value: str
    parsed: ParsedValue = EMPTY_VALUE
    explain: str | None = None
    period_value: str | None = None
    location: str = ""  # row or line inside the source, e.g. "行 12" / "sheet1!A12"

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON shape for one indicator."""
        return {
            "level1": self.level1,
            "level2": self.level2,
            "name": self.name,
            "value": self.value,
            "explain": self.explain,
            "period_value": self.period_value,
            "parsed": self.parsed.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Project:
    """A project's header fields and its indicator table, with provenance."""

    name: str
    indicators: tuple[Indicator, ...] = ()
    code: str | None = None
    department: str | None = None
    year: int | None = None
    budget_wan: float | None = None
    goal: str | None = None
    source: str = ""  # file name
    location: str = ""  # sheet / page / line range

    @property
    def id(self) -> str:
        """Content hash: the same project read twice gets the same id.

        The department is part of it only when known, so that two departments' identical tables
        stay two projects while the ids of department-less projects are those of earlier versions.
        """
        parts: list[object] = [
            self.source,
            self.name,
            self.code,
            self.year,
            self.budget_wan,
            self.goal,
            [(i.level1, i.level2, i.name, i.value, i.period_value) for i in self.indicators],
        ]
        if self.department:
            parts.append({"department": self.department})
        return content_id(*parts)

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON line for ``assistant ingest --json``."""
        return {
            "source": self.source,
            "location": self.location,
            "project": self.name,
            "code": self.code,
            "department": self.department,
            "year": self.year,
            "budget_wan": self.budget_wan,
            "goal": self.goal,
            "indicators": [i.to_dict() for i in self.indicators],
        }


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an indicator is not measurable: a DOMAIN.md code, the field and character span."""

    code: str
    field: Field
    start: int
    end: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class IndicatorReview:
    """The review verdict for one indicator."""

    indicator: Indicator
    label: Label
    score: int  # 0–100 measurability
    verdict: Verdict
    reasons: tuple[Reason, ...] = ()
    rewrite: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """A table-level problem of one project (MISSING_SLOT, COST_OVER_BUDGET, DUPLICATE, …)."""

    code: str
    message: str
    evidence: tuple[str, ...] = ()  # the quoted text behind it (goal clause, rows of both years …)
    indicator: str = ""  # the one row it is about (UNRELATED, DUPLICATE), for tools that act on it

    def to_dict(self) -> dict[str, Any]:
        """``{"code", "message"}`` as in the CLI contract, plus ``"evidence"`` when there is some."""
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.evidence:
            data["evidence"] = list(self.evidence)
        return data


@dataclass(frozen=True, slots=True)
class ProjectReview:
    """A reviewed project: per-indicator results in document order plus table findings."""

    project: Project
    indicators: tuple[IndicatorReview, ...]
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class ValueRange:
    """The spread of past values a suggestion is backed by."""

    comparator: str | None
    low: float | None
    high: float | None
    unit: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a suggested value rests on. ``kind``: ``goal`` (the project's goal or year), ``budget``
    (arithmetic on its budget), ``corpus`` (past targets) or ``library`` (a standard named in the
    indicator library)."""

    project: str
    name: str
    value: str
    source: str
    kind: EvidenceKind = "corpus"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ProjectDraft:
    """The input of ``suggest``: a new project to draft indicators for."""

    name: str
    goal: str | None = None
    budget_wan: float | None = None
    year: int | None = None
    department: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggested third-level indicator with its value, range, confidence and evidence."""

    level1: str
    level2: str
    name: str
    value: str
    range: ValueRange | None
    confidence: float
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    review: IndicatorReview | None = None
    explain: str | None = None  # 指标解释: what is measured and how

    @property
    def is_placeholder(self) -> bool:
        """A value the drafter must fill in (no source gives a number)."""
        return PLACEHOLDER_MARK in self.value


@dataclass(frozen=True, slots=True)
class DomainFinding:
    """A policy domain found for a draft, and why (名称含“供水”；部门含“水利局”)."""

    domain: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class DraftResult:
    """A drafted table: the rows to submit, ranked alternatives per slot, the project's domains,
    the table checks 审核 runs, and plain notes (e.g. that the corpus has no project like this one)."""

    draft: ProjectDraft
    table: tuple[Suggestion, ...]
    alternatives: tuple[Suggestion, ...] = ()
    domains: tuple[DomainFinding, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    nearest: float = 0.0  # name similarity of the closest past project (0–1)
