"""The rule layer: pure functions from one indicator (name, value, slot) to reasons with spans.

:func:`analyse` returns an :class:`Analysis` — the hits (reason code, field, span, severity) and the
strongest measurable *core* of the value (a number with a unit, a date, a duration, a binary state
…). Context decides how serious a vague word is: 明显 alone is a defect, 明显提升20% keeps a
threshold and only earns a warning, 良好率≥95% is a metric name and no hit at all.

Severities:
    ``block`` — a defect (vague/malformed), verdict block;
    ``weak``  — a defect on weak evidence (no lexicon hit, or a weak term such as 稳定): scored a
                little higher than ``block``;
    ``soft``  — a defect whose verdict is only warn (MISSING_UNIT: the number is there, the unit not);
    ``warn``  — not a defect; a weaker form (BINARY, UNDATED, MULTI, GRADED) or a vague word next to
                a real threshold, or any vague word in the indicator *name*.

Example:
    >>> a = analyse("群众满意度", "基本满意", "服务对象满意度指标")
    >>> [(h.code, h.start, h.end, h.severity) for h in a.hits]
    [('DEGREE', 0, 4, 'block')]
    >>> analyse("良好率", "良好率≥95%", "质量指标").hits
    ()
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ...records.schema import Field
from ...text.normalise import fold_width
from .lexicon import (
    GRADE_WORDS,
    NA_VALUES,
    VALUE_ONLY_TERMS,
    Term,
    message_for,
)
from .matcher import TermMatcher, default_matcher
from .scan import Quantity, Scan, scan
from .slots import Measure, measure_kind, unit_for

__all__ = [
    "STRONG_CORES",
    "Analysis",
    "Hit",
    "Measure",
    "TermMatcher",
    "analyse",
    "analyse_name",
    "default_matcher",
    "implied_unit",
    "is_blank",
    "is_na_text",
    "measure_kind",
    "restated_spans",
    "unit_for",
]

Severity = Literal["block", "weak", "soft", "warn"]
Core = Literal[
    "na",
    "empty",
    "too_long",
    "number",
    "dated",
    "month",
    "duration",
    "bare",
    "undated",
    "binary",
    "accepted",
    "graded",
    "none",
]

MAX_VALUE_CHARS = 500  # a longer 指标值 is not a target value (pasted text, a whole paragraph …)
MAX_NAME_CHARS = 300

STRONG_CORES = frozenset({"number", "dated", "month", "duration"})
TIME_CORES = frozenset({"dated", "month", "duration", "undated"})


@dataclass(frozen=True, slots=True)
class Hit:
    """One finding inside a field: reason code, span [start, end), message and severity."""

    code: str
    field: Field
    start: int
    end: int
    message: str
    severity: Severity
    term: str = ""


@dataclass(frozen=True, slots=True)
class Analysis:
    """The rule layer's view of one indicator, before config and scoring."""

    hits: tuple[Hit, ...]
    core: Core
    measure: Measure
    scan: Scan | None


# --- the analysis --------------------------------------------------------------------------------

_RATE_CAP_NAME = re.compile(
    r"满意|覆盖率|合格率|达标率|准确率|知晓率|参与率|到位率|及时率|正确率|通过率|出勤率|完好率|使用率|入库率"
)
_UNIT_CONFLICT = re.compile(
    r"(?<![A-Za-z])\d+(?:\.\d+)?\s*(?:[万千亿]|万?元|人次|人|个|次|件|分|天)\s*[%‰]|\d\s*[%‰]\s*(?:万元|元|人次|人|个|次|件|天)(?![/每])"
)
_PERCENT_WORD = re.compile(r"(?<=\d)\s*百分比|(?<=\d)\s*百分之")
_CMP_BETWEEN = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?\s*(?:等于|大于等于|小于等于|大于或等于|小于或等于|大于|小于|≥|≤|=|>=|<=|>|<)"
    r"\s*\d+(?:\.\d+)?\s*[%‰]?"
)
# ≥90每月90%以上, ≥4每年4部: a number with a comparator restated a few characters later
_RESTATED = re.compile(
    r"(?:[≥≤><=]|不低于|不少于|不超过)\s*(\d+(?:\.\d+)?)(?![\d.])(?=[^\d≥≤><=.]{1,6}?\1(?![\d.]))"
)
_SWAPPED_NAME = re.compile(r"(?:[≥≤><=]|不少于|不低于|约)?\s*\d+(?:\.\d+)?\s*[^\d\s]{1,3}")
_COUNT_UNITS = frozenset("次 个 人 场 件 份 家 户 处 栋 台 套 部 本 册 名 位 项 期 批".split())
_LIST_MARKER = re.compile(r"(?:^|[\s；;。，,])\(?([1-9])[、.)）](?!\d)")
_GE = (
    "≥",
    ">=",
    ">",
    "大于或等于",
    "大于等于",
    "不低于",
    "不少于",
    "不小于",
    "至少",
    "最少",
    "高于",
    "多于",
    "大于",
    "超过",
    "达到",
    "达",
)
_LE = (
    "≤",
    "<=",
    "<",
    "小于或等于",
    "小于等于",
    "不高于",
    "不超过",
    "不大于",
    "不多于",
    "低于",
    "少于",
    "小于",
    "控制在",
)
_BRACKET_UNIT = re.compile(
    r"[（(]\s*(?:%|％|个|人|次|场|万元|元|户|件|天|分|小时|平方米|公里|亩|人次|台|套|册|本|家|处)\s*[）)]\s*$"
)
_STOP_CHARS = frozenset("的了和与及并使得等在对为把被将是有其之以而且或也都就")
_MARKER_CHARS = frozenset("、.)）")
_SEPARATORS = frozenset("，,；;、/或和及")


_SET_UP = re.compile(r"建立|健全|制定|出台|形成|构建")
_COUNTED_NAME = re.compile(r"(?:数量?|场次|人次|频次|批次|户次)$")
_NOT_COUNTED = re.compile(r"(?:指数|分数|系数|倍数|基数|率数|岁数)$")


def implied_unit(name: str, measure: Measure, number: float) -> str | None:
    """The unit a bare number takes from its indicator's name, or None when the name implies none.

    A count name (…人数, …数量, …场次) implies its counter; a cost implies money (a small number
    is read as 万元, a large one as 元). Rates do not: DOMAIN.md keeps their % explicit.

    Example:
        >>> implied_unit("社区党务工作者人数", "count", 28), implied_unit("设备采购成本", "cost", 40000)
        ('人', '元')
        >>> implied_unit("党组织建设工作", "text", 11), implied_unit("达标率", "rate", 85)
        (None, None)
    """
    if measure == "cost":
        return "元" if number >= 1000 else "万元"
    stem = re.sub(r"\s+", "", name)
    if measure == "rate" or not _COUNTED_NAME.search(stem) or _NOT_COUNTED.search(stem):
        return None
    return unit_for(stem) or "个"


def _doubled(q: Quantity, text: str) -> bool:
    """≥9090%及以上, ≥100100%, ≥33次以上: a 符号/值/单位 triple flattened with the number twice."""
    digits = text[q.num_start : q.num_end]
    if q.high is not None or not digits.isdigit() or len(digits) % 2:
        return False
    half = len(digits) // 2
    if digits[:half] != digits[half:] or digits[:half].startswith("0"):
        return False
    both = bool(q.comparator) and q.after in ("以上", "及以上", "以下", "及以下")
    if len(digits) == 2:
        return both
    return both or bool(q.comparator) or (q.unit in ("%", "‰") and q.low > 100)


def _whole(text: str) -> tuple[int, int]:
    """The span of ``text`` without surrounding spaces and trailing punctuation."""
    stripped = text.rstrip(" 。.;；,，")
    start = len(stripped) - len(stripped.lstrip(" "))
    return start, len(stripped)


def _malformed(s: Scan) -> list[Hit]:
    t = s.text
    hits: list[Hit] = []

    def add(start: int, end: int, message: str) -> None:
        if not any(h.start < end and start < h.end for h in hits):
            hits.append(Hit("MALFORMED", "value", start, end, message, "block", t[start:end]))

    for q in s.quantities:
        if _doubled(q, t):
            digits = t[q.num_start : q.num_end]
            half = digits[: len(digits) // 2]
            add(q.num_start, q.num_end, f"数值“{digits}”疑为“{half}”重复录入（符号、值、单位拼接错误）")
    if any(c in t for c in "%‰"):
        for m in _UNIT_CONFLICT.finditer(t):
            num = re.match(r"\d+(?:\.\d+)?", m.group(0))
            start = m.start() + (num.end() if num and m.group(0)[0].isdigit() else 0)
            add(start, m.end(), f"“{t[start : m.end()]}”同时用了两个单位，无法判断目标值")
    if "百分" in t:
        for m in _PERCENT_WORD.finditer(t):
            add(m.start() + (len(m.group(0)) - len(m.group(0).lstrip())), m.end(), "单位应写作“%”")
    for m in _RESTATED.finditer(t):
        add(m.start(1), m.end(1), f"数值“{m.group(1)}”重复出现（符号、值、单位拼接错误）")
    for m in _CMP_BETWEEN.finditer(t):
        add(m.start(), m.end(), f"“{m.group(0)}”在两个数值之间用了比较符号，格式有误")
    for q in s.quantities:
        if q.comparator in _GE and q.after in ("以下", "及以下", "以内", "之内"):
            add(q.start, q.end, f"“{t[q.start : q.end]}”比较方向前后矛盾")
        elif q.comparator in _LE and q.after in ("以上", "及以上"):
            add(q.start, q.end, f"“{t[q.start : q.end]}”比较方向前后矛盾")
    return hits


def _core(s: Scan, accepted: bool, list_markers: set[int]) -> tuple[Core, list[Quantity]]:
    """The strongest measurable core of the value and the bare (unit-less) numbers in it."""
    bare = [
        q
        for q in s.quantities
        if not q.has_unit and q.num_start not in list_markers and not (q.low == 0 and q.high is None)
    ]
    if any(q.has_unit for q in s.quantities) or any(q.low == 0 and not q.has_unit for q in s.quantities):
        return "number", bare
    kinds = {d.kind for d in s.dates}
    if "dated" in kinds:
        return "dated", bare
    if s.durations:
        return "duration", bare
    if kinds & {"month", "year_end", "recurring"}:
        return "month", bare
    if bare:
        return "bare", bare
    if "undated" in kinds:
        return "undated", bare
    if s.binary:
        return "binary", bare
    if accepted:
        return "accepted", bare
    return "none", bare


_GRADE_DEFINED = re.compile(r"(优秀|优|良好|良|较好|好|中等|中|一般|合格|较差|差)\s*[:：为（(=]")


def _is_graded(value: str, explain: str | None) -> bool:
    """A single grade word whose 指标解释 defines at least three grades (``优：…；良：…；中：…``).

    Example:
        >>> _is_graded("良好", "优：≥90分；良：80-89分；中：60-79分"), _is_graded("良好", "良好、一般、较差")
        (True, False)
    """
    if not explain or value.strip() not in GRADE_WORDS:
        return False
    return len({m.group(1) for m in _GRADE_DEFINED.finditer(explain)}) >= 3


def _items(s: Scan) -> list[tuple[int, int]]:
    items = [(q.start, q.end) for q in s.quantities if q.has_unit]
    items += [(d.start, d.end) for d in s.durations]
    return sorted(items)


def _is_multi(s: Scan, list_markers: set[int]) -> bool:
    if len(list_markers) >= 2:
        return True
    items = _items(s)
    if len(items) < 2:
        return False
    t = s.text
    return any(
        any(c in _SEPARATORS for c in t[a_end:b_start])
        for (_, a_end), (b_start, _) in zip(items, items[1:], strict=False)
    )


def _content_outside(text: str, spans: list[tuple[int, int]]) -> str:
    """The topic characters of ``text`` outside ``spans`` (CJK and alphanumerics, no function words)."""
    if spans:
        chars = list(text)
        for start, end in spans:
            chars[start:end] = " " * max(0, min(end, len(chars)) - start)
        text = "".join(chars)
    return "".join(
        ch for ch in text if ("\u4e00" <= ch <= "\u9fff" or ch.isalnum()) and ch not in _STOP_CHARS
    )


_SEGMENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9“”\"《》]+")


def restated_spans(
    text: str, hits: Sequence[Hit], reference: str, min_chars: int = 4
) -> list[tuple[int, int]]:
    """The subject a value opens with, when it copies ``min_chars`` or more characters of ``reference``.

    Only a value that *starts* with the copied words counts (组织工作质量得到提升 restates the name
    组织工作质量; 促进产业发展 is a direction with an object, reported as DIRECTION only).

    Example:
        >>> restated_spans("组织工作质量得到提升", [Hit("DIRECTION", "value", 6, 10, "", "block")], "组织工作质量")
        [(0, 6)]
        >>> restated_spans("促进产业发展", [Hit("DIRECTION", "value", 0, 2, "", "block")], "产业发展")
        []
    """
    if len(reference) < min_chars:
        return []
    masked = list(text)
    for h in hits:
        if h.field == "value":
            masked[h.start : h.end] = " " * max(0, min(h.end, len(masked)) - h.start)
    m = _SEGMENT.search("".join(masked))
    if m is None or text[: m.start()].strip():
        return []
    segment = m.group(0)
    for i in range(len(segment) - min_chars + 1):
        if segment[i : i + min_chars] in reference:
            return [(m.start(), m.end())]
    return []


_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?\s*>")
_SCRIPT = re.compile(r"<\s*(script|style)\b[^>]*>.*?(?:<\s*/\s*\1\s*>|$)", re.IGNORECASE | re.DOTALL)


def _mask_markup(text: str) -> str:
    """Blank HTML tags (and script/style bodies) with spaces, keeping every index.

    Example:
        >>> _mask_markup("<p>≥95%</p>")
        '   ≥95%    '
    """
    text = _SCRIPT.sub(lambda m: " " * len(m.group(0)), text)
    return _MARKUP.sub(lambda m: " " * len(m.group(0)), text)


_INVISIBLE = frozenset(("Cc", "Cf", "Zs", "Zl", "Zp"))
_INVISIBLE_MESSAGE = "指标值只有不可见字符（控制字符或零宽字符），等于没有填写，请填写目标值或“不适用”"


def is_blank(text: str) -> bool:
    """True when nothing visible is written: empty, spaces, control or zero-width characters only.

    Such a value is an empty slot (EMPTY), not an intentional 不适用.

    Example:
        >>> is_blank(" \x01\u200b"), is_blank("不适用"), is_blank("")
        (True, False, True)
    """
    return all(c.isspace() or unicodedata.category(c) in _INVISIBLE for c in text)


@lru_cache(maxsize=65536)
def is_na_text(text: str) -> bool:
    """True for 不适用, /, 无此项 … (an intentionally empty slot) and for blank text."""
    stripped = fold_width(text).strip(" 。.;；")
    return not stripped or stripped in NA_VALUES or stripped.lower() in NA_VALUES


def _name_hits(matcher: TermMatcher, name: str, allowed: frozenset[str]) -> tuple[Hit, ...]:
    """:func:`analyse_name`, cached on the matcher per (name, allow-list)."""
    key = (name, allowed)
    found = matcher.name_cache.get(key)
    if found is None:
        found = matcher.name_cache.put(key, analyse_name(name, matcher, allowed))
    return found


def analyse_name(name: str, matcher: TermMatcher, allowed: frozenset[str] = frozenset()) -> tuple[Hit, ...]:
    """Vague words in the indicator NAME: always advisory (severity ``warn``), never a defect.

    Example:
        >>> [(h.code, h.start, h.end) for h in analyse_name("对用餐环境的改善", default_matcher())]
        [('DIRECTION', 6, 8)]
        >>> analyse_name("资金发放及时率", default_matcher())
        ()
    """
    if is_na_text(name):
        return ()
    t = fold_width(name[:MAX_NAME_CHARS])
    hits = []
    for start, end, term in matcher.find(t, field="name", allowed=allowed):
        if term.code not in ("DEGREE", "DIRECTION", "VAGUE_TIME"):
            continue
        if term.text in VALUE_ONLY_TERMS or (term.code == "DEGREE" and term.text == "满意"):
            continue
        hits.append(
            Hit(
                term.code, "name", start, end, message_for(term.code, t[start:end], "name"), "warn", term.text
            )
        )
    return tuple(hits)


_DIRECTION_END = re.compile(
    r"[\s至到为达了约,，]*(?:大于等于|大于或等于|不低于|不少于|不超过|不高于|小于等于|小于|大于|超过|达到|[≥≤><=])?\s*\d"
)


@dataclass(frozen=True, slots=True)
class ValueFacts:
    """Everything about a value that does not depend on the indicator's name or slot (cached)."""

    text: str  # normalised (same length as the value)
    scan: Scan
    malformed: tuple[Hit, ...]
    lexical: tuple[tuple[int, int, Term], ...]
    core: Core
    bare: tuple[Quantity, ...]
    multi: bool
    whole: tuple[int, int]


def value_facts(value: str, matcher: TermMatcher, allowed: frozenset[str] = frozenset()) -> ValueFacts:
    """The name-independent analysis of a (non-empty, not too long) value, cached on the matcher."""
    key = (value, allowed)
    found = matcher.facts_cache.get(key)
    if found is not None:
        return found
    s = scan(value)
    t = s.text
    malformed = _malformed(s)
    list_markers = (
        {m.start(1) for m in _LIST_MARKER.finditer(t)} if not _MARKER_CHARS.isdisjoint(t) else set()
    )
    first = matcher.first_chars
    terms = matcher.find(t, field="value", allowed=allowed) if not first.isdisjoint(t) else []
    lexical: list[tuple[int, int, Term]] = []
    for start, end, term in terms:
        if s.titles and any(s0 <= start < e0 for s0, e0 in s.titles):
            continue
        if term.code == "DIRECTION" and _DIRECTION_END.match(t, end):
            continue  # 提高到95%, 降低10%: the direction has an end point
        if any(h.start <= start < h.end for h in malformed):
            continue
        lexical.append((start, end, term))
    accepted = bool(allowed) and any(a in t for a in allowed)
    core, bare = _core(s, accepted, list_markers)
    multi = not malformed and _is_multi(s, list_markers)
    found = ValueFacts(t, s, tuple(malformed), tuple(lexical), core, tuple(bare), multi, _whole(t))
    return matcher.facts_cache.put(key, found)


def analyse(
    name: str,
    value: str,
    level2: str = "",
    *,
    matcher: TermMatcher | None = None,
    allowed: frozenset[str] = frozenset(),
    explain: str | None = None,
) -> Analysis:
    """Reasons with spans for one indicator, and the strongest measurable core of its value.

    Args:
        name: the 三级指标 as printed.
        value: the 指标值 as printed (spans index into this string).
        level2: the canonical 二级 label (``数量指标`` …) or "" when unknown.
        matcher: the term matcher (default lexicon when None).
        allowed: terms a config allow-list accepts for this department.
        explain: the 指标解释, used only to accept a graded scale (优/良/中 defined).

    Example:
        >>> [(h.code, h.start, h.end) for h in analyse("居民生活水平", "生活水平不断提高").hits]
        [('RESTATEMENT', 0, 4), ('DIRECTION', 4, 8)]
        >>> analyse("完成时限", "及时", "时效指标").hits[0].code
        'VAGUE_TIME'
    """
    matcher = matcher or default_matcher()
    measure = measure_kind(name, level2)
    name_hits = _name_hits(matcher, name, allowed)
    if len(value) > MAX_VALUE_CHARS:
        hit = Hit(
            "MALFORMED", "value", 0, len(value), f"指标值过长（{len(value)}字），不是一个目标值", "block"
        )
        return Analysis((hit,), "too_long", measure, None)
    if is_blank(value) and not is_na_text(name):
        message = message_for("EMPTY") if not value.strip() else _INVISIBLE_MESSAGE
        return Analysis((Hit("EMPTY", "value", 0, 0, message, "block"),), "empty", measure, None)
    if is_na_text(value):
        return Analysis((), "na", measure, None)

    if "<" in value and _MARKUP.search(value):
        masked = _mask_markup(value)
        if not masked.strip():
            start, end = _whole(value)
            hit = Hit(
                "MALFORMED", "value", start, end, "指标值只有网页代码（HTML/脚本），没有目标值", "block"
            )
            return Analysis((hit,) + name_hits, "none", measure, None)
        value = masked
    facts = value_facts(value, matcher, allowed)
    if facts.core in STRONG_CORES and explain is None:
        # a value with a real threshold depends on the name only through a few features: share it
        signature = _name_signature(name, level2)
        key = (value, level2, signature)
        found = matcher.strong_cache.get(key)
        if found is None:
            found = matcher.strong_cache.put(key, _value_hits(name, level2, measure, facts, None))
        return Analysis(found[0] + name_hits, found[1], measure, facts.scan)
    value_hits, core = _value_hits(name, level2, measure, facts, explain)
    return Analysis(value_hits + name_hits, core, measure, facts.scan)


@lru_cache(maxsize=65536)
def _name_signature(name: str, level2: str) -> tuple:
    """The name features the analysis of a value with a threshold depends on (see :func:`analyse`)."""
    return (
        measure_kind(name, level2),
        name.rstrip().endswith("率"),
        bool(_RATE_CAP_NAME.search(name)),
        bool(_BRACKET_UNIT.search(name)),
        unit_for(name, level2),
    )


def _value_hits(
    name: str, level2: str, measure: Measure, facts: ValueFacts, explain: str | None
) -> tuple[tuple[Hit, ...], Core]:
    """The value-field hits of one indicator and its (possibly graded) core."""
    s, t, core = facts.scan, facts.text, facts.core
    hits: list[Hit] = list(facts.malformed)
    if (
        measure == "rate"
        and name.rstrip().endswith("率")
        and not any(q.unit in ("%", "‰") for q in s.quantities)
    ):
        for q in s.quantities:
            if (
                q.unit in _COUNT_UNITS
                and q.low > 100
                and not any(h.start < q.end and q.start < h.end for h in hits)
            ):
                message = f"比率指标的值“{t[q.start : q.end]}”却用了计数单位"
                hits.append(Hit("MALFORMED", "value", q.num_start, q.end, message, "block"))
    if measure == "rate" and _RATE_CAP_NAME.search(name):
        for q in s.quantities:
            if (
                q.unit == "%"
                and q.low > 100
                and not q.magnitude
                and not any(h.start < q.end and q.start < h.end for h in hits)
            ):
                hits.append(
                    Hit(
                        "MALFORMED",
                        "value",
                        q.num_start,
                        q.end,
                        f"比率“{t[q.num_start : q.end]}”超过100%",
                        "block",
                    )
                )
    lexical = list(facts.lexical)
    strong = core in STRONG_CORES
    if explain is not None and _is_graded(t, explain):
        hits.append(Hit("GRADED", "value", *facts.whole, message_for("GRADED"), "warn"))
        lexical = []
        core = "graded"

    # vague words: a defect unless the value also holds a real threshold / date / duration, in which
    # case they are part of a metric name or idle words (基本医疗保险参保率≥95%, 及时（24小时内）)
    if strong:
        lexical = []
    weak_only = len(lexical) == 1 and lexical[0][2].weak
    for start, end, term in lexical:
        if weak_only and core in ("none", "binary"):
            severity: Severity = "weak"
        else:
            severity = "block"
        hits.append(
            Hit(term.code, "value", start, end, message_for(term.code, t[start:end]), severity, term.text)
        )

    has_malformed = any(h.code == "MALFORMED" for h in hits)
    defect_lexical = any(h.severity in ("block", "weak") for h in hits if h.code != "MALFORMED")

    # a bare number glued to words (≥100按计划完成, 100有效改善): a flattened 符号/值/单位 triple
    if not has_malformed and core != "number":
        for q in facts.bare:
            nxt = t[q.end : q.end + 1]
            if nxt and "\u4e00" <= nxt <= "\u9fff" and not t[max(0, q.start - 1) : q.start] == "第":
                message = f"数值“{t[q.num_start : q.num_end]}”后紧接文字，疑为符号、值、单位拼接错误"
                hits.append(Hit("MALFORMED", "value", q.start, facts.whole[1], message, "block"))
                has_malformed = True
                break
    # the name holds the value and the value holds a name (两列填反: 三级指标“1个”, 指标值“朗下社区”)
    if not has_malformed and core == "none" and _SWAPPED_NAME.fullmatch(fold_width(name).strip()):
        hits.append(
            Hit(
                "MALFORMED",
                "value",
                *facts.whole,
                "三级指标像是指标值、指标值像是名称：两列疑似填反",
                "block",
            )
        )
        has_malformed = True

    # numbers without units: a warning when the name says what is counted (…人数 28) or the slot is
    # a cost (40000 → 元), a defect otherwise (a rate keeps its % explicit, DOMAIN.md)
    bare = facts.bare
    if not has_malformed and bare and core in ("bare", "number") and not _BRACKET_UNIT.search(name):
        if core == "bare" or (measure == "rate" and not any(q.unit == "%" for q in s.quantities)):
            unit = unit_for(name, level2)
            for q in bare:
                number = t[q.num_start : q.num_end]
                implied = implied_unit(name, measure, q.high if q.high is not None else q.low)
                if implied:
                    message = message_for("IMPLIED_UNIT", number, extra=implied)
                    hits.append(Hit("IMPLIED_UNIT", "value", q.num_start, q.num_end, message, "warn"))
                else:
                    message = message_for("MISSING_UNIT", number, extra=unit or "")
                    hits.append(Hit("MISSING_UNIT", "value", q.num_start, q.num_end, message, "soft"))
    if not has_malformed and measure == "cost":
        for q in s.quantities:
            if q.per and not q.unit and not q.magnitude:
                message = message_for("IMPLIED_UNIT", t[q.num_start : q.num_end], extra="元" + q.per)
                hits.append(Hit("IMPLIED_UNIT", "value", q.num_start, q.num_end, message, "warn"))

    # a time indicator must name a date or a time limit
    is_time_slot = level2 == "时效指标" or (not level2 and measure in ("time", "duration"))
    if (
        is_time_slot
        and measure != "rate"
        and core not in TIME_CORES
        and core not in ("number", "bare", "graded")
        and not any(h.severity in ("block", "weak") for h in hits)
    ):
        hits.append(Hit("VAGUE_TIME", "value", *facts.whole, message_for("VAGUE_TIME"), "block"))
        defect_lexical = True

    # restatement of the indicator name (the goal is checked by the reviewer, which knows it)
    if not strong and core not in ("bare", "graded") and not has_malformed and not is_na_text(name):
        vague_words = any(h.code in ("DIRECTION", "DEGREE") and h.severity in ("block", "weak") for h in hits)
        if vague_words or (core == "none" and not defect_lexical):
            name_text = fold_width(name[:MAX_NAME_CHARS])
            stripped = t.strip(" 。.;；,，")
            if len(_content_outside(stripped, [])) >= 4 and stripped in name_text:
                spans = [facts.whole]
            else:
                spans = restated_spans(t, hits, name_text)
            if spans:
                hits.append(Hit("RESTATEMENT", "value", *spans[0], message_for("RESTATEMENT"), "block"))
                defect_lexical = True

    # 建立长效管理机制 for 长效管理机制: "set up" in front of the name is no target (a state such as
    # 生鲜干货质量合格 is: it says what is checked)
    if (
        core == "binary"
        and not has_malformed
        and not defect_lexical
        and _SET_UP.match(t, facts.whole[0])
        and not is_na_text(name)
    ):
        rest = _content_outside(t, [(b0, b1) for b0, b1, _ in s.binary])
        if len(rest) >= 4 and rest in _content_outside(fold_width(name[:MAX_NAME_CHARS]), []):
            hits.append(Hit("RESTATEMENT", "value", *facts.whole, message_for("RESTATEMENT"), "block"))
            defect_lexical = True

    if not has_malformed and not defect_lexical and not strong:
        if core == "none":
            hits.append(Hit("NO_MEASURE", "value", *facts.whole, message_for("NO_MEASURE"), "weak"))
        elif core == "undated":
            d = next(d for d in s.dates if d.kind == "undated")
            hits.append(
                Hit("UNDATED", "value", d.start, d.end, message_for("UNDATED", t[d.start : d.end]), "warn")
            )
        elif core == "binary":
            b0, b1, binary_word = s.binary[0]
            hits.append(Hit("BINARY", "value", b0, b1, message_for("BINARY", t[b0:b1]), "warn", binary_word))
    if facts.multi and not has_malformed:
        hits.append(Hit("MULTI", "value", *facts.whole, message_for("MULTI"), "warn"))

    if len(hits) > 1:
        hits.sort(key=lambda h: (h.start, -h.end))
    return tuple(hits), core
