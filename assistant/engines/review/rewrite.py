"""Measurable rewrites: a value in the right form for the slot, with N taken from real evidence.

Form by measure (see :func:`rules.measure_kind`): rate → ``≥N%``, deadline → ``YYYY年MM月底前``,
duration → ``≤N个工作日``, cost → ``≤N万元`` (never above the budget), count → ``≥N个``,
score → ``≥N分``, a benefit written as a direction → ``由【待填：基期值】提高到【待填：目标值】``.

N comes, in this order, from: the value itself when only its form is broken (≥9090%及以上 → ≥90%,
≥85 for a rate → ≥85%), similar past indicators (:class:`~.evidence.RewriteEvidence`), the
project's own text (budget, year, counts in the goal), and otherwise a placeholder
(``【待填：目标值】``) — never an invented number.

Example:
    >>> from assistant.records.schema import Indicator
    >>> from .rules import analyse
    >>> ind = Indicator("产出指标", "质量指标", "党代表室建设完善率", "≥9090%及以上")
    >>> rewrite_value(ind, analyse(ind.name, ind.value, ind.level2))
    '≥90%'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from statistics import median, median_low

from ...records.schema import Indicator, Project
from .evidence import RewriteEvidence
from .lexicon import (
    PLACEHOLDER_BASE,
    PLACEHOLDER_DAYS,
    PLACEHOLDER_MONTH,
    PLACEHOLDER_TARGET,
    PLACEHOLDER_UNIT,
    PLACEHOLDER_YEAR,
)
from .rules import Analysis, Measure, implied_unit, unit_for
from .scan import Quantity, scan

_NEGATIVE = re.compile(
    r"发生率|事故|投诉|故障|差错|违规|违纪|隐患|死亡|伤亡|超标|失误|误差|空置|流失|扣分|不合格|出错|退回|逾期|成本|费用"
)
_DOUBLED_RATE = re.compile(r"^\s*[≥>]?\s*(\d{2,3})\1\s*%")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_MONEY_UNITS = {"万元": 1.0, "元": 1e-4, "千元": 0.1, "亿元": 1e4}
# A response-type 及时性 (solve / repair / handle / reply) is measured in working days, not by a date.
_RESPONSE_NAME = re.compile(
    r"解决|维修|维护|抢修|处理|处置|补充|回复|答复|反馈|受理|响应|整改|上报|报送|拨付|拨款"
)
# A benefit written as a statement ("为群众提供服务的平台：良好") gets a measurable proxy named after
# its subject; the first matching row wins. The target stays a placeholder: the proxy says WHAT to
# measure, the drafter says HOW MUCH.
_PROXIES: tuple[
    tuple[re.Pattern[str], str, str, str, bool], ...
] = (  # subject, metric, ≥/≤, unit, fits 质量指标
    # perceptions and living standards are surveyed, not counted (issue #11: 老年人生活质量 is no 合格率)
    (re.compile(r"生活质量|生活水平|生活品质"), "生活质量满意度", "≥", "%", False),
    (re.compile(r"安全感|幸福感|获得感|归属感|认同感"), "群众满意度（测评）", "≥", "%", False),
    (re.compile(r"空气质量|空气"), "空气质量优良天数比例", "≥", "%", True),
    (re.compile(r"水质|水环境"), "水质达标率", "≥", "%", True),
    (re.compile(r"满意|口碑|认可|评价"), "满意度", "≥", "%", True),
    (re.compile(r"及时|按时|准时"), "及时率", "≥", "%", True),
    (re.compile(r"知晓|知识|宣传|意识|普及|认知"), "知晓率", "≥", "%", True),
    (re.compile(r"安全|事故|隐患|风险|应急"), "安全事故发生数", "≤", "起", True),
    (re.compile(r"环境|卫生|市容|绿化|生态|污染|整洁"), "达标率", "≥", "%", True),
    (re.compile(r"完整|准确|规范|真实|清晰|质量"), "合格率", "≥", "%", True),
    (re.compile(r"素质|能力|素养|修养|技能|队伍"), "培训考核合格率", "≥", "%", False),
    (re.compile(r"政策|方针|部署|落实|制度|机制|长效|常态"), "落实率", "≥", "%", False),
    (re.compile(r"人才|就业|创业"), "服务人才（就业）人数", "≥", "人", False),
    (re.compile(r"收入|增收|产值|营业额|利润"), "增长率", "≥", "%", False),
    (re.compile(r"正常开展|正常运转|正常运行|运营|运行"), "正常运行率", "≥", "%", True),
    (re.compile(r"文化|生活|活动|精神|参与"), "参与人次", "≥", "人次", False),
    (re.compile(r"服务|便利|便捷|办事|群众|居民|党员|平台|联系|关系"), "服务对象满意度", "≥", "%", True),
)
# Units a count most likely takes, read off words of the name when unit_for has no answer.
_COUNT_UNIT_GUESS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"帮扶|资助|救助|慰问|培训|党员|干部|人员|对象|居民|群众|学员"), "人"),
    (re.compile(r"活动|会议|讲座|演出|展览|宣讲"), "场"),
    (re.compile(r"宣传|检查|巡查|督查|走访|调研"), "次"),
    (re.compile(r"报告|方案|资料|材料|文件|台账|手册"), "份"),
    (re.compile(r"平台|站|室|点|阵地|中心|项目|工程|设施|设备"), "个"),
)
_COST_SLOTS = ("成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标")
_EFFECT_SLOTS = (
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "其他满意度指标",
)


def fmt_number(x: float) -> str:
    """A number without a trailing ``.0`` and without float noise.

    Example:
        >>> fmt_number(90.0), fmt_number(13.7584), fmt_number(0.1 + 0.2)
        ('90', '13.7584', '0.3')
    """
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def money_wan(q: Quantity) -> float | None:
    """A quantity's amount in 万元 (``不超过15万`` counts as 万元), or None if it is not money.

    Example:
        >>> money_wan(scan("≤48960元").quantities[0]), money_wan(scan("不超过15万").quantities[0])
        (4.896, 15.0)
    """
    unit = q.unit or ""
    if q.magnitude == "万" and unit in ("", "元"):
        return q.low
    if q.magnitude == "亿" and unit in ("", "元"):
        return q.low * 1e4
    if q.magnitude == "千" and unit == "元":
        return q.low * 0.1
    if unit in _MONEY_UNITS and not q.magnitude:
        return q.low * _MONEY_UNITS[unit]
    return None


def project_year(project: Project | None) -> int | None:
    """The project's year: its header field, else a year written in its name or goal."""
    if project is None:
        return None
    if project.year:
        return project.year
    return _year_in(project.name, project.goal or "")


@lru_cache(maxsize=4096)
def _year_in(*texts: str) -> int | None:
    for text in texts:
        m = _YEAR_RE.search(text or "")
        if m:
            return int(m.group(1))
    return None


def _comparator(measure: Measure, name: str) -> str:
    if measure in ("cost", "duration") or _NEGATIVE.search(name):
        return "≤"
    return "≥"


def _typical(values: list[float]) -> float | None:
    """A value that really occurs among ``values``: the lower median (robust to one odd past value).

    Example:
        >>> _typical([95.0, 99.99, 90.0, 99.99, 95.0, 100.0]), _typical([])
        (95.0, None)
    """
    return median_low(values) if values else None


def _mode(values: list[float]) -> float | None:
    if not values:
        return None
    counts = Counter(values).most_common()
    top = counts[0][1]
    tied = sorted(v for v, c in counts if c == top)
    if len(tied) == 1:
        return tied[0]
    mid = median(values)
    return min(tied, key=lambda v: (abs(v - mid), v))


def _evidence_numbers(
    indicator: Indicator,
    evidence: RewriteEvidence | None,
    accept: Callable[[Indicator], bool],
    want: Callable[[Quantity], float | None],
    min_similarity: float = 0.0,
    same_direction: bool = False,
) -> list[float]:
    if evidence is None:
        return []
    numbers = []
    negative = bool(_NEGATIVE.search(indicator.name))
    for past, similarity in evidence.similar(indicator.name, indicator.level2):
        if similarity < min_similarity or past.value == indicator.value:
            continue
        if same_direction and bool(_NEGATIVE.search(past.name)) != negative:
            continue  # a 知晓率 target (≥90%) is no evidence for an 事故率 ceiling
        if not accept(past):
            # ≥9595%及以上 is a flattened ≥95%: its target is real evidence once repaired
            doubled = _DOUBLED_RATE.search(past.value)
            if doubled is not None:
                numbers.append(float(doubled.group(1)))
            continue
        for q in scan(past.value).quantities:
            x = want(q)
            if x is not None:
                numbers.append(x)
                break
    return numbers


def _goal_count(indicator: Indicator, project: Project | None) -> tuple[float, str] | None:
    """A count written in the goal next to words of the indicator name (建设1个党建综合体 → 1个)."""
    if project is None or not project.goal:
        return None
    name_chars = {c for c in indicator.name if "\u4e00" <= c <= "\u9fff"} - set("数量个次人的")
    best = None
    s = scan(project.goal)
    for q in s.quantities:
        if not q.unit or q.unit in ("%", "‰") or money_wan(q) is not None:
            continue
        window = s.text[max(0, q.start - 8) : q.end + 8]
        overlap = sum(1 for c in set(window) if c in name_chars)
        if overlap >= 3 and (best is None or overlap > best[0]):
            best = (overlap, q.low, q.unit)
    return (best[1], best[2]) if best else None


_PLAIN = {
    "≥": "≥", ">=": "≥", "大于或等于": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥", "不小于": "≥", "至少": "≥",
    "最少": "≥", "达到": "≥", "达": "≥", "≤": "≤", "<=": "≤", "小于或等于": "≤", "小于等于": "≤", "不高于": "≤",
    "不超过": "≤", "不大于": "≤", "不多于": "≤", "控制在": "≤", ">": ">", "大于": ">", "高于": ">", "超过": ">",
    "多于": ">", "<": "<", "小于": "<", "低于": "<", "少于": "<", "=": "=", "等于": "=", "为": "=",
}  # fmt: skip


def _plain(comparator: str | None) -> str:
    """The symbol for a comparator written in words (不低于 → ≥); "" when there is none."""
    return _PLAIN.get(comparator or "", "")


def _own_fix(
    analysis: Analysis, measure: Measure, name: str, level2: str, budget: float | None
) -> str | None:
    """Repair the form of a value whose number is right but whose form is broken."""
    s = analysis.scan
    if s is None:
        return None
    value_hits = [h for h in analysis.hits if h.field == "value" and h.severity in ("block", "weak", "soft")]
    codes = {h.code for h in value_hits}
    if "MALFORMED" in codes:
        repeated = [h for h in value_hits if h.code == "MALFORMED" and "重复" in h.message]
        if repeated:
            q = next((q for q in s.quantities if q.num_start == repeated[0].start), None)
            if q is not None:
                digits = s.text[q.num_start : q.num_end]
                number = digits[: len(digits) // 2] if "疑为" in repeated[0].message else digits
                unit = q.unit or next((o.unit for o in s.quantities if o.start > q.start and o.unit), "")
                return f"{_plain(q.comparator)}{number}{unit}"
        quantities = [q for q in s.quantities if q.has_unit]
        if "百分" in s.text and s.quantities and not quantities:
            q = s.quantities[-1]
            return f"{_plain(q.comparator)}{fmt_number(q.low)}%"
        if not quantities:
            return None
        q = quantities[-1]
        comparator = _plain(q.comparator)
        if q.unit in ("%", "‰") and not q.magnitude:
            return f"{comparator or '='}{fmt_number(q.low)}{q.unit}" if q.low <= 100 else None
        if measure == "cost":
            wan = q.low if q.magnitude == "万" else money_wan(q)
            if wan is not None and (budget is None or wan <= budget):
                return f"≤{fmt_number(wan)}万元"
            return None
        return None
    if codes == {"MISSING_UNIT"}:
        parts = []
        implied = unit_for(name, level2)
        for q in s.quantities:
            number = fmt_number(q.low) + (f"-{fmt_number(q.high)}" if q.high is not None else "")
            if measure == "cost" and q.per and not q.unit:
                return f"{_plain(q.comparator)}{number}元{q.per}"
            if not q.has_unit:
                this_unit = implied
                if implied == "万元" and (
                    (budget is not None and q.low > budget) or (budget is None and q.low >= 10000)
                ):
                    this_unit = "元"
                if (
                    measure == "cost"
                    and this_unit in ("元", "万元")
                    and q.high is None
                    and len(s.quantities) == 1
                ):
                    # the slot's form is ≤N万元: 40000 → ≤4万元, kept only when within the budget
                    wan = q.low if this_unit == "万元" else q.low / 1e4
                    if budget is None or wan <= budget * 1.01:
                        return f"{_plain(q.comparator) or '≤'}{fmt_number(wan)}万元"
                parts.append(f"{_plain(q.comparator)}{number}{this_unit or PLACEHOLDER_UNIT}")
        return "，".join(parts) if parts else None
    return None


def rewrite_value(
    indicator: Indicator,
    analysis: Analysis,
    project: Project | None = None,
    evidence: RewriteEvidence | None = None,
    accept: Callable[[Indicator], bool] = lambda _: True,
) -> str | None:
    """A measurable value to replace a defective one (None when the value is fine as it is).

    Args:
        indicator: the indicator under review.
        analysis: its rule analysis (:func:`rules.analyse`).
        project: its project (budget, year and goal feed the numbers).
        evidence: similar past indicators (None: no store).
        accept: whether a past indicator's value is good enough to copy (a clear one).
    """
    value_codes = {h.code for h in analysis.hits if h.field == "value"}
    defect = any(h.severity in ("block", "weak", "soft") for h in analysis.hits if h.field == "value")
    if analysis.core == "na" or not (defect or value_codes & {"UNDATED", "IMPLIED_UNIT"}):
        return None
    name, level2 = indicator.name, indicator.level2
    measure = analysis.measure
    year = project_year(project)
    budget = project.budget_wan if project else None
    if not defect and "IMPLIED_UNIT" in value_codes:
        return _with_implied_units(analysis, name, measure)
    own = _own_fix(analysis, measure, name, level2, budget)
    if own:
        return own
    if not defect and "UNDATED" in value_codes:
        if measure == "count":  # a count keeps its count form; the date belongs in 时效指标
            return None
        return f"{year or PLACEHOLDER_YEAR}年12月底前"

    if measure == "text" and level2 in _EFFECT_SLOTS and unit_for(name) == "%":
        measure = "rate"
    comparator = _comparator(measure, name)

    if measure == "time" and _RESPONSE_NAME.search(name):
        measure = "duration"

    if measure in ("rate", "score"):
        unit = "%" if measure == "rate" else "分"
        if measure == "rate":
            own_rate = _own_rate(analysis)
            if own_rate:
                return own_rate
        numbers = _evidence_numbers(
            indicator,
            evidence,
            accept,
            lambda q: q.low if q.unit == unit and q.high is None else None,
            same_direction=True,
        )
        n = _typical(numbers)
        return f"{comparator}{fmt_number(n) if n is not None else PLACEHOLDER_TARGET}{unit}"

    if measure == "time":
        months = []
        if evidence is not None:
            for past, _ in evidence.similar(name, level2):
                if not accept(past):
                    continue
                found_months = re.findall(r"(\d{1,2})\s*月", scan(past.value).text)
                if found_months and 1 <= int(found_months[-1]) <= 12:
                    months.append(float(found_months[-1]))  # the end of a window (1月至12月 → 12)
        month = _mode(months)
        if month is None and any(d.kind == "undated" for d in (analysis.scan.dates if analysis.scan else ())):
            month = 12.0
        return f"{year or PLACEHOLDER_YEAR}年{fmt_number(month) if month else PLACEHOLDER_MONTH}月底前"

    if measure == "duration":
        found: list[tuple[float, str]] = []
        if evidence is not None:
            for past, _ in evidence.similar(name, level2):
                if not accept(past):
                    continue
                s = scan(past.value)
                for d in s.durations:
                    m = re.search(r"\d+(?:\.\d+)?", s.text[d.start : d.end])
                    if m:
                        found.append((float(m.group(0)), d.unit))
                        break
        if found:
            unit = Counter(u for _, u in found).most_common(1)[0][0]
            n = _typical([x for x, u in found if u == unit])
            return f"≤{fmt_number(n or 0)}{unit}"
        return f"≤{PLACEHOLDER_DAYS}个工作日"

    if measure == "cost":
        cost_slot_count = sum(1 for i in project.indicators if i.level2 == level2) if project else 0
        if budget and level2 in _COST_SLOTS and ("总" in name or cost_slot_count == 1):
            return f"≤{fmt_number(budget)}万元"
        numbers = _evidence_numbers(indicator, evidence, accept, money_wan, min_similarity=0.6)
        n = _typical(numbers)
        if n is not None and (budget is None or n <= budget):
            return f"≤{fmt_number(n)}万元"
        return f"≤{PLACEHOLDER_TARGET}万元"

    if measure == "count":
        goal = _goal_count(indicator, project)
        if goal:
            return f"≥{fmt_number(goal[0])}{goal[1]}"
        count_unit = _guess_count_unit(name, level2)
        numbers = _evidence_numbers(
            indicator,
            evidence,
            accept,
            lambda q: (
                q.low if q.unit and (count_unit is None or q.unit == count_unit) and q.high is None else None
            ),
            min_similarity=0.7,
        )
        n = _typical(numbers)
        if n is not None and count_unit:
            return f"≥{fmt_number(n)}{count_unit}"
        return f"≥{PLACEHOLDER_TARGET}{count_unit or PLACEHOLDER_UNIT}"

    # free-text benefit: a direction needs a measure, a base and an end point
    directions = [h for h in analysis.hits if h.code == "DIRECTION" and h.field == "value"]
    if directions:
        down = any(w in h.term for h in directions for w in ("降低", "减少", "下降", "消减", "减轻"))
        return proxy_value(name, level2, "降低" if down else "提高")
    return proxy_value(name, level2)


# A name that ends in a completable action (矛盾纠纷化解, 隐患整改) is measured by its own rate.
_ACTION_END = re.compile(
    r"(?:化解|调解|处置|整改|办结|修复|维修|解决|受理|回访|落实|覆盖|消除|排查|清运|拨付|发放)$"
)


def _own_metric(name: str) -> str | None:
    """The rate a name's own action defines (矛盾纠纷化解 → 矛盾纠纷化解率), None otherwise.

    Example:
        >>> _own_metric("矛盾纠纷化解"), _own_metric("社区治理水平")
        ('矛盾纠纷化解率', None)
    """
    stem = re.sub(r"[\s（(].*$", "", name).strip()
    if 4 <= len(stem) <= 16 and _ACTION_END.search(stem):
        return stem + "率"
    return None


def proxy_value(name: str, level2: str, verb: str | None = None) -> str:
    """A measurable value for a benefit or quality written as a statement, target left to fill.

    A percentage only makes sense for a rate; "为党员群众提供综合性服务的支撑平台" is not one, so
    the rewrite names what to measure (服务对象满意度) and keeps the number a placeholder. With
    ``verb`` (提高/降低, the value was a direction) the rewrite goes from a base to a target.

    Example:
        >>> proxy_value("为党员群众提供综合性服务的支撑平台", "社会效益指标")
        '服务对象满意度≥【待填：目标值】%'
        >>> proxy_value("提升干部队伍综合素质", "社会效益指标")
        '培训考核合格率≥【待填：目标值】%'
        >>> proxy_value("保障辖区安全", "社会效益指标", "提高")
        '安全事故发生数由【待填：基期值】起降低到【待填：目标值】起'
        >>> proxy_value("组织开展宣传、演练活动", "社会效益指标", "降低")
        '知晓率由【待填：基期值】%提高到【待填：目标值】%'
        >>> proxy_value("政策知晓率", "社会效益指标", "提高")
        '由【待填：基期值】%提高到【待填：目标值】%'
    """
    metric, comparator, unit = "", "≥", PLACEHOLDER_UNIT
    own = _own_metric(name)
    if unit_for(name) == "%":
        unit = "%"
    elif own is not None and (level2 in _EFFECT_SLOTS or level2 == "质量指标"):
        metric, unit = own, "%"
        if verb is not None:
            verb = "提高"
    elif level2 in _EFFECT_SLOTS or level2 == "质量指标":
        quality = level2 == "质量指标"
        found = next(
            (row for row in _PROXIES if row[0].search(name) and (row[4] or not quality)),
            None,
        )
        if found is not None:
            metric, comparator, unit = found[1], found[2], found[3]
        elif quality:
            metric, unit = "验收合格率", "%"
        else:
            metric = "【待填：量化口径】"
        if verb is not None and metric != "【待填：量化口径】":
            # a proxy improves in its own direction: more 知晓率, fewer 安全事故 — whatever verb was written
            verb = "降低" if comparator == "≤" else "提高"
    elif verb is None:
        return PLACEHOLDER_TARGET
    else:
        return f"由{PLACEHOLDER_BASE}{verb}到{PLACEHOLDER_TARGET}"
    if verb is None:
        return f"{metric}{comparator}{PLACEHOLDER_TARGET}{unit}"
    return f"{metric}由{PLACEHOLDER_BASE}{unit}{verb}到{PLACEHOLDER_TARGET}{unit}"


def _with_implied_units(analysis: Analysis, name: str, measure: Measure) -> str | None:
    """The value with the unit its name implies written out (28 → 28人, 40000 → 40000元).

    Example:
        >>> from .rules import analyse
        >>> _with_implied_units(analyse("社区党务工作者人数", "≥28", "数量指标"), "社区党务工作者人数", "count")
        '≥28人'
    """
    s = analysis.scan
    if s is None:
        return None
    parts = []
    for q in s.quantities:
        number = fmt_number(q.low) + (f"-{fmt_number(q.high)}" if q.high is not None else "")
        if q.per and not q.unit and not q.magnitude:
            parts.append(f"{_plain(q.comparator)}{number}元{q.per}")
        elif not q.has_unit:
            unit = implied_unit(name, measure, q.high if q.high is not None else q.low)
            if unit is None:
                return None
            parts.append(f"{_plain(q.comparator)}{number}{unit}")
    return "，".join(parts) if parts else None


def _guess_count_unit(name: str, level2: str) -> str | None:
    """The unit of a count: from unit_for, else from words of the name (帮扶 → 人, 活动 → 场)."""
    unit = unit_for(name, level2)
    if unit:
        return unit
    return next((u for pattern, u in _COUNT_UNIT_GUESS if pattern.search(name)), None)


def _own_rate(analysis: Analysis) -> str | None:
    """A rate whose value holds one bare number ≤ 100 (≥100按计划完成 → ≥100%): keep that number."""
    s = analysis.scan
    if s is None:
        return None
    bare = [q for q in s.quantities if not q.unit and not q.magnitude and q.high is None]
    if len(s.quantities) != 1 or len(bare) != 1 or not 0 < bare[0].low <= 100:
        return None
    q = bare[0]
    return f"{_plain(q.comparator) or '≥'}{fmt_number(q.low)}%"
