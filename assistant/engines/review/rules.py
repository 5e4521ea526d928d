"""The rule layer: pure functions from one indicator (name, value, slot) to reasons with spans.

:func:`analyse` returns an :class:`Analysis` — the hits (reason code, field, span, severity) and the
strongest measurable *core* of the value (a number with a unit, a date, a duration, a binary state
…). Context decides how serious a vague word is: 明显 alone is a defect, 明显提升20% keeps a
threshold and only earns a warning, 良好率≥95% is a metric name and no hit at all.

Severities:
    ``block`` — a defect (vague/malformed), verdict block;
    ``weak``  — a defect on weak evidence (no lexicon hit, or a weak term such as 稳定): the learned
                model may veto it;
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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from ...records.schema import Field
from .lexicon import (
    DEFERRED_PATTERNS,
    GRADE_WORDS,
    METRIC_SUFFIXES,
    NA_VALUES,
    TERMS,
    VALUE_ONLY_TERMS,
    Term,
    message_for,
)
from .scan import Quantity, Scan, normalise, scan

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
Measure = Literal["rate", "time", "duration", "cost", "count", "score", "text"]

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
    """The rule layer's view of one indicator, before config, model and scoring."""

    hits: tuple[Hit, ...]
    core: Core
    measure: Measure
    scan: Scan | None


# --- the term matcher ----------------------------------------------------------------------------


def _trie_pattern(words: Iterable[str]) -> str:
    """A regular expression equivalent to ``a|b|…`` but shaped as a trie (longest match first).

    Example:
        >>> re.findall(_trie_pattern(["提高", "提升", "提"]), "提升提高提")
        ['提升', '提高', '提']
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return build(trie)


class TermMatcher:
    """Finds lexicon terms in a text with their context rules (see :mod:`lexicon`).

    Built once per :class:`~assistant.engines.review.reviewer.Reviewer` (custom terms from the
    config are added to the default lexicon).
    """

    def __init__(
        self, terms: Mapping[str, Term] | None = None, deferred_patterns: Iterable[str] = DEFERRED_PATTERNS
    ):
        self.terms: dict[str, Term] = dict(TERMS if terms is None else terms)
        self._pattern = re.compile(_trie_pattern(self.terms))
        self._deferred = re.compile("|".join(f"(?:{p})" for p in deferred_patterns))
        self.first_chars = frozenset(t[0] for t in self.terms)
        self.facts_cache: dict[tuple[str, frozenset[str]], ValueFacts] = {}
        self._name_cache: dict[tuple[str, frozenset[str]], tuple[Hit, ...]] = {}

    def name_hits(self, name: str, allowed: frozenset[str] = frozenset()) -> tuple[Hit, ...]:
        """:func:`analyse_name` with this matcher, cached per name."""
        key = (name, allowed)
        found = self._name_cache.get(key)
        if found is None:
            if len(self._name_cache) >= 100_000:
                self._name_cache.clear()
            found = self._name_cache[key] = analyse_name(name, self, allowed)
        return found

    def find(
        self, text: str, *, field: Field, allowed: frozenset[str] = frozenset()
    ) -> list[tuple[int, int, Term]]:
        """Terms in normalised ``text`` after context rules, as (start, end, term), merged per code."""
        found: list[tuple[int, int, Term]] = []
        for m in self._pattern.finditer(text):
            term = self.terms[m.group(0)]
            start, end = m.start(), m.end()
            if term.text in allowed or not _context_keeps(text, start, end, term):
                continue
            found.append((start, end, term))
        if field == "value" and self._deferred.pattern:
            for m in self._deferred.finditer(text):
                found.append((m.start(), m.end(), Term(m.group(0), "DEFERRED")))
        return _merge(found)


def _context_keeps(text: str, start: int, end: int, term: Term) -> bool:
    after = text[end : end + 4]
    if term.context == "metric":
        for k in range(0, 3):
            if text.startswith(METRIC_SUFFIXES, end + k):
                return False
    elif term.context == "rate":
        if after[:1] == "率":
            return False
    elif term.context == "satisfied":
        if after[:1] in ("度", "率") or after.startswith(("的比例", "人数", "的人数")):
            return False
        before = text[:start].rstrip()
        if before and (before[-1].isdigit() or before[-1] in "%‰分"):
            return False
        if before.endswith("不"):
            return False
    return True


def _merge(found: list[tuple[int, int, Term]]) -> list[tuple[int, int, Term]]:
    """Merge touching or overlapping hits of the same code (进一步 + 提升 → 进一步提升)."""
    if len(found) < 2:
        return found
    found.sort(key=lambda x: (x[0], -x[1]))
    merged: list[tuple[int, int, Term]] = []
    for start, end, term in found:
        if merged:
            ps, pe, pt = merged[-1]
            if pt.code == term.code and start <= pe:
                if end > pe:
                    merged[-1] = (
                        ps,
                        end,
                        Term(pt.text + term.text[pe - start :], pt.code, pt.context, pt.weak and term.weak),
                    )
                continue
        merged.append((start, end, term))
    return merged


_DEFAULT_MATCHER: TermMatcher | None = None


def default_matcher() -> TermMatcher:
    """The matcher over the built-in lexicon (built once per process)."""
    global _DEFAULT_MATCHER
    if _DEFAULT_MATCHER is None:
        _DEFAULT_MATCHER = TermMatcher()
    return _DEFAULT_MATCHER


# --- slot and measure ----------------------------------------------------------------------------

_RATE_NAME = re.compile(r"率|比例|占比|百分比|覆盖面|满意度")
_DURATION_NAME = re.compile(r"工作日|小时|天数|时长|用时|响应|办结|办理|审批|到达|处理时间|出具|到场|时限内")
_TIME_NAME = re.compile(r"时限|时效|及时|完成时间|时间节点|进度|完成期限|截止")
_COST_NAME = re.compile(r"成本|费用|经费|资金|单价|金额|预算|补助标准|补贴标准|投入|价格|支出")
_SCORE_NAME = re.compile(r"得分|分数|评分|分值|考评分")
_COUNT_NAME = re.compile(r"数量|人数|次数|场次|个数|户数|数$|面积|里程|长度|人次|件数|批次")
_COST_SLOTS = frozenset({"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"})
_COUNT_END = re.compile(r"(?:人数|次数|个数|户数|场次|人次|件数|数量)$")


def measure_kind(name: str, level2: str) -> Measure:
    """What form a good value of this indicator takes: a rate, a deadline, a duration, a cost ….

    Example:
        >>> measure_kind("群众满意度", "服务对象满意度指标"), measure_kind("完成时限", "时效指标")
        ('rate', 'time')
        >>> measure_kind("审批办结时间", "时效指标"), measure_kind("培训成本", "成本指标")
        ('duration', 'cost')
    """
    if "满意" in name or level2 == "服务对象满意度指标":
        return "rate"
    if level2 == "时效指标" or (not level2 and _TIME_NAME.search(name)):
        if _RATE_NAME.search(name):
            return "rate"
        if _DURATION_NAME.search(name):
            return "duration"
        return "time"
    if _COUNT_END.search(name) and level2 not in _COST_SLOTS:
        return "count"
    if level2 in _COST_SLOTS or (level2 in ("", "数量指标", "质量指标") and _COST_NAME.search(name)):
        if _RATE_NAME.search(name):
            return "rate"
        return "cost"
    if _RATE_NAME.search(name):
        return "rate"
    if _SCORE_NAME.search(name):
        return "score"
    if level2 == "数量指标" or _COUNT_NAME.search(name):
        return "count"
    return "text"


_UNIT_FOR_NAME = (
    (re.compile(r"率|比例|占比|百分比|满意度"), "%"),
    (re.compile(r"人次"), "人次"),
    (re.compile(r"人数|人员"), "人"),
    (re.compile(r"场次|场数"), "场"),
    (re.compile(r"次数|频次"), "次"),
    (re.compile(r"户数"), "户"),
    (re.compile(r"件数|案件"), "件"),
    (re.compile(r"面积"), "平方米"),
    (re.compile(r"里程|长度|距离"), "公里"),
    (re.compile(r"得分|分数|评分|分值"), "分"),
    (re.compile(r"天数|工作日"), "个工作日"),
    (re.compile(r"成本|费用|经费|资金|金额|预算|补助|补贴"), "万元"),
    (re.compile(r"个数|数量|站点|社区"), "个"),
)


def unit_for(name: str, level2: str = "") -> str | None:
    """The unit a bare number most likely lacks, read off the indicator name (None if unclear).

    Example:
        >>> unit_for("帮助困难党员覆盖率"), unit_for("党代表调研次数"), unit_for("会议")
        ('%', '次', None)
    """
    for pattern, unit in _UNIT_FOR_NAME:
        if pattern.search(name):
            return unit
    if level2 in _COST_SLOTS:
        return "万元"
    if level2 == "服务对象满意度指标":
        return "%"
    return None


# --- the analysis --------------------------------------------------------------------------------

_RATE_CAP_NAME = re.compile(
    r"满意|覆盖率|合格率|达标率|准确率|知晓率|参与率|到位率|及时率|正确率|通过率|出勤率|完好率|使用率|入库率"
)
_UNIT_CONFLICT = re.compile(
    r"(?<![A-Za-z])\d+(?:\.\d+)?\s*(?:[万千亿]|万?元|人次|人|个|次|件|分|天)\s*[%‰]|\d\s*[%‰]\s*(?:万元|元|人次|人|个|次|件|天)(?![/每])"
)
_PERCENT_WORD = re.compile(r"(?<=\d)\s*百分比|(?<=\d)\s*百分之")
_CMP_BETWEEN = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?\s*[%‰]?\s*(?:等于|大于等于|小于等于|大于或等于|小于或等于|大于|小于|≥|≤|=|>=|<=|>|<)"
    r"\s*\d+(?:\.\d+)?\s*[%‰]?"
)
# ≥90每月90%以上, ≥4每年4部: a number with a comparator restated a few characters later
_RESTATED = re.compile(
    r"(?:[≥≤><=]|不低于|不少于|不超过)\s*(\d+(?:\.\d+)?)(?![\d.])(?=[^\d≥≤><=.]{1,6}?\1(?![\d.]))"
)
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
_SEPARATORS = frozenset("，,；;、/或和及")


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


def _is_graded(value: str, explain: str | None) -> bool:
    """A single grade word whose 指标解释 defines at least three grades (优/良/中 …)."""
    if not explain or value.strip() not in GRADE_WORDS:
        return False
    return (
        sum(
            1
            for w in ("优秀", "良好", "较好", "一般", "较差", "差", "合格", "中", "优", "良")
            if w in explain
        )
        >= 3
    )


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


def _longest_common(a: str, b: str) -> int:
    """Length of the longest common substring (short texts only)."""
    if not a or not b:
        return 0
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best


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


def is_na_text(text: str) -> bool:
    """True for 不适用, /, 无此项 … (an intentionally empty slot) and for blank text."""
    stripped = normalise(text).strip(" 。.;；")
    return not stripped or stripped in NA_VALUES or stripped.lower() in NA_VALUES


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
    t = normalise(name[:MAX_NAME_CHARS])
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


_FACTS_LIMIT = 200_000


def value_facts(value: str, matcher: TermMatcher, allowed: frozenset[str] = frozenset()) -> ValueFacts:
    """The name-independent analysis of a (non-empty, not too long) value, cached on the matcher."""
    key = (value, allowed)
    found = matcher.facts_cache.get(key)
    if found is not None:
        return found
    s = scan(value)
    t = s.text
    malformed = _malformed(s)
    list_markers = {m.start(1) for m in _LIST_MARKER.finditer(t)} if any(c in t for c in "、.)）") else set()
    first = matcher.first_chars
    terms = matcher.find(t, field="value", allowed=allowed) if any(c in first for c in t) else []
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
    if len(matcher.facts_cache) >= _FACTS_LIMIT:
        matcher.facts_cache.clear()
    matcher.facts_cache[key] = found
    return found


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
        >>> [(h.code, h.start, h.end) for h in analyse("居民生活", "生活水平不断提高").hits]
        [('RESTATEMENT', 0, 8), ('DIRECTION', 4, 8)]
        >>> analyse("完成时限", "及时", "时效指标").hits[0].code
        'VAGUE_TIME'
    """
    matcher = matcher or default_matcher()
    measure = measure_kind(name, level2)
    name_hits = matcher.name_hits(name, allowed)
    if len(value) > MAX_VALUE_CHARS:
        hit = Hit(
            "MALFORMED", "value", 0, len(value), f"指标值过长（{len(value)}字），不是一个目标值", "block"
        )
        return Analysis((hit,), "too_long", measure, None)
    if is_na_text(value):
        if not value.strip() and not is_na_text(name):
            return Analysis(
                (Hit("EMPTY", "value", 0, 0, message_for("EMPTY"), "block"),), "empty", measure, None
            )
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
    s, t, core = facts.scan, facts.text, facts.core
    hits: list[Hit] = list(facts.malformed)
    if (
        measure == "rate"
        and name.rstrip().endswith("率")
        and not any(q.unit in ("%", "‰") for q in s.quantities)
    ):
        for q in s.quantities:
            if q.unit in _COUNT_UNITS and not any(h.start < q.end and q.start < h.end for h in hits):
                message = f"“{name.strip()[-6:]}”是比率，指标值“{t[q.start : q.end]}”却用了计数单位"
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
    if explain is not None and _is_graded(value, explain):
        hits.append(Hit("GRADED", "value", *facts.whole, message_for("GRADED"), "warn"))
        lexical = []
        core = "graded"

    # vague words: a defect unless the value also holds a real threshold / date / duration
    weak_only = len(lexical) == 1 and lexical[0][2].weak
    for start, end, term in lexical:
        if strong:
            severity: Severity = "warn"
        elif weak_only and core in ("none", "binary"):
            severity = "weak"
        else:
            severity = "block"
        hits.append(
            Hit(term.code, "value", start, end, message_for(term.code, t[start:end]), severity, term.text)
        )

    has_malformed = any(h.code == "MALFORMED" for h in hits)
    defect_lexical = any(h.severity in ("block", "weak") for h in hits if h.code != "MALFORMED")

    # numbers without units
    bare = facts.bare
    if not has_malformed and bare and core in ("bare", "number") and not _BRACKET_UNIT.search(name):
        if core == "bare" or (measure == "rate" and not any(q.unit == "%" for q in s.quantities)):
            unit = unit_for(name, level2)
            for q in bare:
                message = message_for("MISSING_UNIT", t[q.num_start : q.num_end], extra=unit or "")
                hits.append(Hit("MISSING_UNIT", "value", q.num_start, q.num_end, message, "soft"))
    if not has_malformed and measure == "cost":
        for q in s.quantities:
            if q.per and not q.unit and not q.magnitude:
                message = message_for("MISSING_UNIT", t[q.num_start : q.num_end], extra="元" + q.per)
                hits.append(Hit("MISSING_UNIT", "value", q.num_start, q.num_end, message, "soft"))

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

    # restatement of the indicator name or of a goal (no threshold anywhere)
    if not strong and core not in ("bare", "graded") and not has_malformed:
        content = _content_outside(t, [(h.start, h.end) for h in hits])
        directions = any(h.code == "DIRECTION" and h.severity in ("block", "weak") for h in hits)
        restates = directions and len(content) >= 2
        if not restates and core == "none" and len(content) >= 3 and not is_na_text(name):
            name_text = normalise(name[:MAX_NAME_CHARS])
            restates = t.strip() == name_text.strip() or (
                _longest_common(content[:80], _content_outside(name_text[:80], [])) >= 4
            )
        if restates:
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
            b0, b1, term = s.binary[0]
            hits.append(Hit("BINARY", "value", b0, b1, message_for("BINARY", t[b0:b1]), "warn", term))
    if facts.multi and not has_malformed:
        hits.append(Hit("MULTI", "value", *facts.whole, message_for("MULTI"), "warn"))

    if len(hits) > 1:
        hits.sort(key=lambda h: (h.start, -h.end))
    return Analysis(tuple(hits) + name_hits, core, measure, s)
