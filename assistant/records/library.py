"""The indicator library (指标库) as data: templates of third-level indicators per domain, and the
domains with the words that recognise them.

A budget platform ships a 共性 + 分行业分领域 indicator library; ours is two versioned CSV files under
``corpus/library/`` (reviewed like code), and a user extends it by ingesting a file with the same
header (CSV or XLSX; ``assistant ingest my_library.csv``). Headers (exact, documented in
docs/LIBRARY.md):

- indicators: ``领域,一级指标,二级指标,三级指标,单位,比较符,取值方式,参考值,依据,指标解释,适用关键词``
- domains: ``领域,名称关键词,部门关键词,服务对象``

A name may hold the slots ``{对象}``, ``{活动}`` and ``{服务对象}``, filled from the project's goal.
``取值方式`` says where a value may come from: 目标 (a number in the goal), 预算 (budget arithmetic),
历史 (past targets in the corpus), 标准 (``参考值`` set by the document named in ``依据``) or 填报 (the
drafter fills it in). Only 标准 rows carry a number of their own.

Example:
    >>> t = parse_template_row(["水利", "产出指标", "数量指标", "{对象}{活动}数量", "处", "≥", "目标",
    ...                         "", "", "完成的工程处数", ""], "lib.csv", 2)
    >>> t.name, t.source, t.slots
    ('{对象}{活动}数量', '目标', ('对象', '活动'))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import InputError
from ..text.normalise import gram_set
from .levels import LEVEL1, LEVEL2

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_LIBRARY_DIR = REPO_ROOT / "corpus" / "library"

INDICATOR_HEADER = (
    "领域", "一级指标", "二级指标", "三级指标", "单位", "比较符", "取值方式", "参考值", "依据", "指标解释", "适用关键词",
)  # fmt: skip
DOMAIN_HEADER = ("领域", "名称关键词", "部门关键词", "服务对象")
GENERIC_DOMAIN = "共性"

ValueSource = Literal["目标", "预算", "历史", "标准", "填报"]
VALUE_SOURCES: tuple[ValueSource, ...] = ("目标", "预算", "历史", "标准", "填报")
COMPARATORS = ("≥", "≤", "=")
SLOTS = ("对象", "活动", "服务对象")
_SLOT_RE = re.compile(r"\{([^{}]*)\}")

#: Bounds for a user's library file: a platform library has a few thousand rows.
MAX_ROWS = 20_000
MAX_CELL = 500
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LibraryTemplate:
    """One library row: an indicator pattern for a domain, and how its value is set."""

    domain: str
    level1: str
    level2: str
    name: str
    unit: str
    comparator: str
    source: ValueSource
    reference: str = ""  # the value a named standard sets (only for 标准)
    basis: str = ""  # the standard or policy document
    explain: str = ""
    keywords: tuple[str, ...] = ()  # the row applies only when one of these is in the name/goal
    origin: str = ""  # file and line, for messages and evidence

    @property
    def slots(self) -> tuple[str, ...]:
        """The placeholders its name uses, in order."""
        return tuple(_SLOT_RE.findall(self.name))


@dataclass(frozen=True, slots=True)
class Domain:
    """A policy domain (水利, 教育 …) and the words that recognise it."""

    name: str
    name_keywords: tuple[str, ...]
    department_keywords: tuple[str, ...]
    beneficiaries: str


@dataclass(frozen=True, slots=True)
class IndicatorLibrary:
    """Templates and domains, loaded together."""

    templates: tuple[LibraryTemplate, ...]
    domains: tuple[Domain, ...]

    def for_domain(self, domain: str) -> list[LibraryTemplate]:
        return [t for t in self.templates if t.domain == domain]

    def domain(self, name: str) -> Domain | None:
        return next((d for d in self.domains if d.name == name), None)

    def search(self, query: str, domain: str | None = None, limit: int = 50) -> list[LibraryTemplate]:
        """Templates whose name, explanation or domain share the most character bigrams with
        ``query`` (all of ``domain``'s, in file order, for an empty query); none when nothing shares any.

        Example:
            >>> t = LibraryTemplate("水利", "产出指标", "质量指标", "水质达标率", "%", "≥", "历史")
            >>> [x.name for x in IndicatorLibrary((t,), ()).search("供水水质")]
            ['水质达标率']
        """
        pool = [t for t in self.templates if domain in (None, "", t.domain)]
        grams = gram_set(query)
        if not grams:
            return pool[:limit]
        scored = []
        for order, t in enumerate(pool):
            text = gram_set(f"{t.name}{t.domain}") | gram_set(t.explain)
            shared = len(grams & text)
            if shared:
                scored.append((-shared / len(grams), order, t))
        return [t for *_, t in sorted(scored)[:limit]]


# ------------------------------------------------------------------------------------------------ rows
def _split(cell: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in re.split(r"[|｜]", cell) if w.strip())


def _error(origin: str, line: int, reason: str) -> InputError:
    return InputError(f"{origin} 第{line}行: {reason}")


def parse_template_row(
    cells: Sequence[str], origin: str, line: int, domains: Iterable[str] = ()
) -> LibraryTemplate:
    """One indicator row, checked; :class:`InputError` names the file, the line and the fix."""
    if len(cells) != len(INDICATOR_HEADER):
        raise _error(origin, line, f"应有 {len(INDICATOR_HEADER)} 列，实际 {len(cells)} 列")
    cells = [str(c or "").strip() for c in cells]
    for header, cell in zip(INDICATOR_HEADER, cells, strict=True):
        if len(cell) > MAX_CELL:
            raise _error(origin, line, f"“{header}”过长（{len(cell)} 字，上限 {MAX_CELL}）")
    domain, level1, level2, name, unit, comparator, source, reference, basis, explain, keywords = cells
    known = set(domains)
    if not domain or (known and domain != GENERIC_DOMAIN and domain not in known):
        raise _error(
            origin, line, f"领域“{domain}”未在领域表中；可用：{GENERIC_DOMAIN}、" + "、".join(sorted(known))
        )
    if level1 not in LEVEL1:
        raise _error(origin, line, f"一级指标“{level1}”无效；可用：" + "、".join(LEVEL1))
    if level2 not in LEVEL2:
        raise _error(origin, line, f"二级指标“{level2}”无效；可用：" + "、".join(LEVEL2))
    if not name:
        raise _error(origin, line, "三级指标为空")
    unknown = [s for s in _SLOT_RE.findall(name) if s not in SLOTS]
    if unknown:
        raise _error(
            origin,
            line,
            f"三级指标中的占位符 {{{unknown[0]}}} 无效；可用：" + "、".join(f"{{{s}}}" for s in SLOTS),
        )
    if comparator not in COMPARATORS:
        raise _error(origin, line, f"比较符“{comparator}”无效；可用：≥、≤、=")
    if source not in VALUE_SOURCES:
        raise _error(origin, line, f"取值方式“{source}”无效；可用：" + "、".join(VALUE_SOURCES))
    if source == "标准" and not (reference and basis):
        raise _error(origin, line, "取值方式为“标准”时须填写参考值和依据（所依据的标准或文件）")
    if source != "标准" and reference:
        raise _error(
            origin, line, "只有取值方式为“标准”的指标可以填写参考值；其余取值来自目标、预算、历史或填报"
        )
    return LibraryTemplate(
        domain, level1, level2, name, unit, comparator, source, reference, basis, explain, _split(keywords),
        origin=f"{origin}:{line}",
    )  # fmt: skip


def parse_domain_row(cells: Sequence[str], origin: str, line: int) -> Domain:
    """One domain row, checked."""
    if len(cells) != len(DOMAIN_HEADER):
        raise _error(origin, line, f"应有 {len(DOMAIN_HEADER)} 列，实际 {len(cells)} 列")
    name, name_words, department_words, beneficiaries = (str(c or "").strip() for c in cells)
    if not name or not _split(name_words):
        raise _error(origin, line, "领域名称和名称关键词不能为空")
    return Domain(name, _split(name_words), _split(department_words), beneficiaries or "服务对象")


# ------------------------------------------------------------------------------------------------ files
def _trim(row: list[str], width: int) -> list[str]:
    """XLSX rows carry empty trailing cells; a CSV row of the right width is left as it is."""
    while len(row) > width and not str(row[-1]).strip():
        row = row[:-1]
    return row


def header_kind(cells: Sequence[str]) -> Literal["indicators", "domains"] | None:
    """Which library file a header row starts, if any (ingest uses it to route a file)."""
    head = tuple(str(c or "").strip().lstrip("\ufeff") for c in cells)
    head = tuple(_trim(list(head), 0))
    if head == INDICATOR_HEADER:
        return "indicators"
    if head == DOMAIN_HEADER:
        return "domains"
    return None
