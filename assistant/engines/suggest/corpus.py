"""A read-only snapshot of the past projects prepared for suggesting: flat indicator rows, their
templates and per-template statistics.

Built once per store revision (a few hundred milliseconds for 100k indicators) and shared by every
``suggest`` call; all fields are plain lists/dicts so the hot path needs no database access.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.records.levels import LEVEL2, parent_of
from assistant.records.schema import Indicator, ParsedValue, Project

from ...text.similarity import MATCH_THRESHOLD, bigrams, normalise_name
from .templates import cluster_names

#: 二级 labels whose cells say "nothing here" rather than naming an indicator.
NOT_APPLICABLE = frozenset({"", "不适用", "不适应", "无", "/", "-", "—", "－", "na", "n/a", "暂无", "空"})

EFFECT_SLOTS = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")
COST_SLOTS = ("成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标")
SATISFACTION_SLOT = "服务对象满意度指标"
#: The slots local practice requires (DOMAIN.md): every 产出 sub-slot, ≥1 效益, ≥1 满意度.
REQUIRED_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("数量", ("数量指标",)),
    ("质量", ("质量指标",)),
    ("时效", ("时效指标",)),
    ("成本", COST_SLOTS),
    ("效益", EFFECT_SLOTS),
    ("满意度", (SATISFACTION_SLOT,)),
)
MEASURABLE_KINDS = frozenset({"number", "range", "deadline", "duration", "binary"})
#: Parse flags that do not make a value unreadable (约 6.6万人次, 每年11月, the first of several numbers).
BENIGN_FLAGS = frozenset({"APPROX", "RECURRING", "MULTI", "UNIT_WORD"})


def slot_group(level2: str) -> str:
    """The required-slot group of a 二级 label (数量/质量/时效/成本/效益/满意度), or the label itself.

    Example:
        >>> slot_group("社会效益指标"), slot_group("经济成本指标"), slot_group("数量指标")
        ('效益', '成本', '数量')
    """
    for group, members in REQUIRED_GROUPS:
        if level2 in members:
            return group
    return level2


def is_not_applicable(indicator: Indicator) -> bool:
    """A row that marks an empty slot (不适用) or has no name."""
    name = normalise_name(indicator.name)
    return name in NOT_APPLICABLE or normalise_name(indicator.value) in {"不适用", "不适应"}


def is_measurable(parsed: ParsedValue) -> bool:
    """Cheap pre-filter: a parsed value with a number, range, date, duration or binary state and no
    parse glitch (benign flags such as APPROX aside). The reviewer has the final word on suggestions."""
    return parsed.kind in MEASURABLE_KINDS and set(parsed.flags) <= BENIGN_FLAGS


@dataclass(frozen=True, slots=True)
class Row:
    """One past indicator, flattened, with its template number."""

    project: int
    position: int
    level1: str
    level2: str
    name: str
    value: str
    parsed: ParsedValue
    template: int
    measurable: bool


@dataclass(slots=True)
class TemplateStats:
    """A template: its slot, member rows and the projects using it."""

    level2: str
    rows: list[int] = field(default_factory=list)
    projects: set[int] = field(default_factory=set)


class Corpus:
    """Past projects flattened for suggesting (see module docstring)."""

    def __init__(self, projects: Sequence[Project], revision: object = None):
        self.projects: list[Project] = list(projects)
        self.revision = revision
        self.rows: list[Row] = []
        self.project_rows: list[list[int]] = [[] for _ in self.projects]
        self.templates: list[TemplateStats] = []
        self.project_templates: list[set[int]] = [set() for _ in self.projects]
        self.slot_projects: Counter[str] = Counter()
        self._frequent: dict[tuple[str, ...], list[int]] = {}
        self._idf: dict[str, float] | None = None
        self._names: dict[str, list[int]] | None = None  # normalised name → its row ids
        self._named: dict[str, list[int]] | None = None  # normalised project name → project indices
        #: lookups derived from this snapshot only (e.g. a library template's past targets)
        self.memo: dict[object, list] = {}
        self._gram_names: dict[str, list[str]] | None = None  # bigram → names holding it
        self._idf_default = 1.0
        self._build()

    @classmethod
    def from_store(cls, store: object) -> Corpus:
        """Snapshot a :class:`assistant.store.Store` (its ``projects()`` and ``revision``)."""
        return cls(store.projects(), revision=getattr(store, "revision", None))  # type: ignore[attr-defined]

    def _build(self) -> None:
        raw: list[tuple[int, int, Indicator, str]] = []
        for p_index, project in enumerate(self.projects):
            for position, indicator in enumerate(project.indicators):
                level2 = indicator.level2
                if level2 not in LEVEL2 or is_not_applicable(indicator):
                    continue
                raw.append((p_index, position, indicator, level2))
        by_slot: dict[str, list[int]] = defaultdict(list)
        for i, (_, _, _, level2) in enumerate(raw):
            by_slot[level2].append(i)
        template_of = [0] * len(raw)
        for level2 in sorted(by_slot):
            members = by_slot[level2]
            names = [raw[i][2].name for i in members]
            counts = Counter(normalise_name(n) for n in names)
            unique = sorted(counts)
            labels = cluster_names(unique, [counts[u] for u in unique])
            offset = len(self.templates)
            self.templates.extend(TemplateStats(level2=level2) for _ in range(max(labels, default=-1) + 1))
            label_of = dict(zip(unique, labels, strict=True))
            for i in members:
                template_of[i] = offset + label_of[normalise_name(raw[i][2].name)]
        for i, (p_index, position, indicator, level2) in enumerate(raw):
            t = template_of[i]
            row_id = len(self.rows)
            self.rows.append(
                Row(
                    project=p_index,
                    position=position,
                    level1=indicator.level1 or (parent_of(level2) or ""),
                    level2=level2,
                    name=indicator.name,
                    value=indicator.value,
                    parsed=indicator.parsed,
                    template=t,
                    measurable=is_measurable(indicator.parsed),
                )
            )
            self.project_rows[p_index].append(row_id)
            self.templates[t].rows.append(row_id)
            self.templates[t].projects.add(p_index)
            self.project_templates[p_index].add(t)
        for templates in self.project_templates:
            for level2 in {self.templates[t].level2 for t in templates}:
                self.slot_projects[level2] += 1

    def frequent_templates(self, slots: tuple[str, ...], limit: int = 50) -> list[int]:
        """Templates of the given 二级 slots ordered by how many projects use them (cached)."""
        cached = self._frequent.get(slots)
        if cached is None:
            ids = [t for t, stats in enumerate(self.templates) if stats.level2 in slots]
            ids.sort(key=lambda t: (-len(self.templates[t].projects), t))
            cached = self._frequent[slots] = ids[:limit]
        return cached

    def bigram_idf(self) -> dict[str, float]:
        """Inverse document frequency of character bigrams over the unique indicator names (cached):
        rare bigrams (宿舍, 路灯) say more about a name than common ones (工作, 满意)."""
        if self._idf is None:
            names = {normalise_name(r.name) for r in self.rows}
            df: Counter[str] = Counter()
            for name in names:
                df.update(bigrams(name))
            n = len(names) + 1
            self._idf = {g: math.log(n / (1 + c)) + 1.0 for g, c in df.items()}
            self._idf_default = math.log(n) + 1.0
        return self._idf

    def projects_named(self, name: str) -> list[int]:
        """Indices of the projects whose normalised name is ``name``'s (other years of a project)."""
        if self._named is None:
            named: dict[str, list[int]] = defaultdict(list)
            for i, p in enumerate(self.projects):
                named[normalise_name(p.name)].append(i)
            self._named = dict(named)
        return self._named.get(normalise_name(name), [])

    def rows_named_like(self, name: str, threshold: float = MATCH_THRESHOLD) -> list[int]:
        """Rows whose name is the same indicator as ``name`` (bigram Dice ≥ ``threshold``), through a
        bigram → names index built on first use, so a library template finds its past targets in
        milliseconds at 100k rows."""
        if self._names is None or self._gram_names is None:
            names: dict[str, list[int]] = defaultdict(list)
            for row_id, row in enumerate(self.rows):
                names[normalise_name(row.name)].append(row_id)
            grams: dict[str, list[str]] = defaultdict(list)
            for text in names:
                for g in bigrams(text):
                    grams[g].append(text)
            self._names, self._gram_names = dict(names), dict(grams)
        query = bigrams(name)
        if not query:
            return []
        shared: Counter[str] = Counter()
        for g in query:
            shared.update(self._gram_names.get(g, ()))
        out: list[int] = []
        for text, common in shared.items():
            if 2.0 * common / (len(query) + len(bigrams(text))) >= threshold:
                out.extend(self._names[text])
        return sorted(out)

    def weighted_coverage(self, name: str, text_grams: frozenset[str]) -> float:
        """IDF-weighted share of a name's bigrams found in a text (0–1)."""
        grams = bigrams(name)
        if not grams:
            return 0.0
        idf = self.bigram_idf()
        weights = [idf.get(g, self._idf_default) for g in grams]
        found = sum(w for g, w in zip(grams, weights, strict=True) if g in text_grams)
        return found / sum(weights)

    def __len__(self) -> int:
        return len(self.projects)

    def true_indicators(self, index: int) -> list[Row]:
        """The measurable-or-not, non-empty indicator rows of one project (evaluation targets)."""
        return [self.rows[r] for r in self.project_rows[index]]
