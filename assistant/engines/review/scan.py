"""Find the measurable parts of a 指标值 with character spans: quantities, dates, durations, states.

The review needs spans into the text *as printed*, so the text is folded one character to one
(:func:`assistant.text.normalise.fold_width`: full-width digits and signs to ASCII, control
characters to spaces) and every span found in the folded text is valid in the original. The parser in :mod:`assistant.records.values` gives the
meaning of a value; this module gives *where* each part is, which the parser does not record.

Example:
    >>> s = scan("≥95%")
    >>> [(q.low, q.unit, q.comparator) for q in s.quantities]
    [(95.0, '%', '≥')]
    >>> scan("2023年12月底前").dates[0].kind
    'dated'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ...records.values import PER_POPULATION, chinese_number
from ...text.normalise import fold_width

DateKind = Literal["dated", "month", "year_end", "recurring", "undated"]

# Units after a number. Longest first so that 个工作日 wins over 个, 万元 over 万.
_UNITS = sorted(
    """
    % ‰ 个百分点 百分点 万元 亿元 千元 元 人次 万人次 人 名 位 户 家 个 次 场 期 批次 批 件 份 套 台 部 本 册 盏 只 株 盆
    棵 亩 万亩 公顷 平方米 平方公里 平米 ㎡ m² m2 立方米 米 公里 千米 km 吨 辆 条 项 类 宗 篇 张 页 课时 学时 分 处 栋
    座 间 所 支 队 组 段 幅 块 片 宗 门 把 箱 袋 包 瓶 罐 双 对 枚 幢 层 车 趟 班 轮 届 节 期次 人天 人日 车次 架次
    个社区 个单位 个村 个点 场次 人员 万册 万页 万份 万件 GB TB 元/人 元/次 起 例
    种 公斤 千克 克 斤 具 根 口 眼 头 床 桶 卷 盒 顶 艘 副 扇 樘 宗数 户次 家次 册次 套次 件次 项次
    平方 立方 立方米 m³ 千瓦 千瓦时 台次 辆次 人月 工日 篇次 课次 班次 站 栏 块次
    """.split(),
    key=len,
    reverse=True,
)
_TIME_UNITS = (
    "个工作日",
    "工作日",
    "个自然日",
    "自然日",
    "个小时",
    "小时",
    "钟头",
    "分钟",
    "秒",
    "天",
    "日",
    "周",
    "星期",
    "个月",
    "年",
)
UNIT_PATTERN = "|".join(re.escape(u) for u in _UNITS)
_TIME_UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(_TIME_UNITS, key=len, reverse=True))

NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
CN_NUM = r"(?:[一二两三四五六七八九十百千半][零一二两三四五六七八九十百千万]*|[零一二两三四五六七八九十百千])"
_CMP_BEFORE = (
    r"(?P<cmp>≥|≤|>=|<=|>|<|=|大于或等于|大于等于|小于或等于|小于等于|不低于|不少于|不小于|至少|最少|不高于|不超过|"
    r"不大于|不多于|低于|少于|小于|大于|高于|多于|超过|达到|达|约|等于|控制在|为)?"
)
_CMP_AFTER = r"(?P<after>及以上|以上|及以下|以下|以内|之内|内)?"
_QTY_RE = re.compile(
    _CMP_BEFORE
    + r"\s*(?<![A-Za-z\d.])(?P<num>"
    + NUM
    + r")(?:\s*(?P<rmag>[万千亿])?\s*(?P<rsep>[-~～至到])\s*(?P<num2>"
    + NUM
    + r"))?\s*(?:余|多)?\s*(?P<mag>[万千亿](?!分之))?\s*(?P<unit>"
    + UNIT_PATTERN
    + r"|[A-Za-z]{1,12}(?![A-Za-z]))?(?P<per>/(?:"
    + PER_POPULATION  # ≤12/10万
    + "|"
    + UNIT_PATTERN
    + r"|年|月|次|天|日|人|个|场|台|月|季度|学期|[\u4e00-\u9fff]{1,3}))?\s*"
    + _CMP_AFTER
)
_CN_QTY_RE = re.compile(
    _CMP_BEFORE + r"\s*(?P<num>" + CN_NUM + r")\s*(?P<unit>" + UNIT_PATTERN + r")" + _CMP_AFTER
)
_DURATION_RE = re.compile(
    _CMP_BEFORE
    + r"\s*(?P<num>"
    + NUM
    + "|"
    + CN_NUM
    + r")\s*(?P<unit>"
    + _TIME_UNIT_PATTERN
    + r")(?P<after>内|以内|之内|以下|及以下|前|以上)?"
)
_YEAR = r"(?:19|20)\d{2}\s*年"
_DATE_RES: tuple[tuple[re.Pattern[str], DateKind], ...] = (
    (
        re.compile(
            r"(?:19|20)\d{2}\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月份?"
            r"(?:\s*\d{1,2}\s*[日号])?\s*(?:[-至到~]\s*(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?"
            r"\s*(?:底|末|初|上旬|中旬|下旬)?\s*(?:前|之前|以前|内|止)?"
        ),
        "dated",
    ),
    (re.compile(r"(?:19|20)\d{2}[-/.]\d{1,2}(?:[-/.]\d{1,2})?(?:\s*(?:前|之前|以前))?"), "dated"),
    (
        re.compile(
            _YEAR
            + r"\s*(?:底|年底|末|年末|内|前|以前|之前|全年|上半年|下半年|第[一二三四1-4]季度|[一二三四1-4]季度)?(?:前|之前|以前|内|末)?"
        ),
        "dated",
    ),
    (
        re.compile(
            r"(?<![\d.])(?:\d{1,2}\s*月?\s*[-至到~]\s*)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月份?(?:\s*\d{1,2}\s*[日号])?"
            r"(?:\s*[-至到~]\s*\d{1,2}\s*月份?(?:\s*\d{1,2}\s*[日号])?)?\s*(?:底|末|初|上旬|中旬|下旬)?\s*(?:前|之前|以前|内|止)?"
        ),
        "month",
    ),
    (re.compile(r"(?<![\d.])\d{1,2}\s*[日号]\s*(?:前|之前|以前)"), "month"),
    (
        re.compile(
            r"(?:年底|年末|年终|岁末|第[一二三四1-4]季度末?|[一二三四1-4]季度末|上半年|下半年)(?:前|之前|以前)?"
        ),
        "year_end",
    ),
    (re.compile(r"每(?:个)?(?:年|月|季度?|周|天|日|半年|双月|星期|学期|工作日)"), "recurring"),
    (
        re.compile(r"(?:\d{1,2}\s*[:：点时]\s*\d{0,2}分?|[一二三四五六七八九十]{1,3}点半?)(?:前|之前|以前)"),
        "recurring",
    ),
    (
        # a daily service window (9:00-17:00, 22时至次日6时): as checkable as a deadline
        re.compile(
            r"(?<![\d.])\d{1,2}\s*(?::\d{2}|[点时](?:\d{1,2}分?|半)?)\s*[-至到~]\s*(?:次日|翌日)?\s*"
            r"\d{1,2}\s*(?::\d{2}|[点时](?:\d{1,2}分?|半)?)"
        ),
        "recurring",
    ),
    (
        re.compile(
            r"不跨年度?|年度周期内|本年度内?|年度内|本年内?|当年度?|全年|今年|年内|次年|当月|当天|当日"
        ),
        "undated",
    ),
)

# Characters one of which must occur for a pattern to match (cheap prefilters, same results).
_DIGITS = frozenset("0123456789")
_DATE_TRIGGERS = (
    frozenset("年"),
    frozenset("-/."),
    frozenset("年"),
    frozenset("月"),
    frozenset("日号"),
    frozenset("年季半岁"),
    frozenset("每"),
    frozenset("点时:："),
    frozenset("点时:："),
    frozenset("年月天日"),
)
_DURATION_TRIGGERS = frozenset("日天时钟分秒周期月年")
_CN_TRIGGERS = frozenset("零一二两三四五六七八九十百千半")
# Words that look like numeral + measure word but are not counts (统一部署, 一部分, 个人 …).
_CN_WORDS_BEFORE = frozenset(
    "统一 唯一 同一 单一 逐一 专一 之一 均一 划一 万一 第一 第二 第三 星期一".split()
)
_CN_WORDS_AFTER = frozenset(
    """部署 部门 部分 个人 个体 个性 场所 场地 场景 期间 期限 家庭 家长 处理 处置 台账 本地 本级 项目 类型 类别
    名单 名称 位置 份额 条件 张贴 页面 所有 所属 支持 支付 队伍 队员 组织 组长 门户 层面 层级 节点 节约 班子
    批准 批复 件事 次年 次日 年度 届时 人员 人民 人才 人群 户籍 条例 项工作""".split()
)

_BINARY_RE = re.compile(
    r"通过验收|验收合格|验收通过|质量合格|全部完成|已完成|完成|不合格|合格|达标|通过(?=验收|审核|审计|考核|评审|评估|检查|审批|认证|$|[\s,，。;；])"
    r"|验收|符合|满足|实现|建成|落成|投入使用|正常运行|正常运转|运行正常|正常开展|正常|到位|全覆盖|覆盖|杜绝|未发生|不发生|无(?=[\u4e00-\u9fff]{0,6}(?:事故|事件|投诉|差错|案件|问题|隐患|违规|违纪|发生))"
    r"|(?:获得|取得)(?=[\u4e00-\u9fff]{0,4}(?:证|资质|认证|许可|奖|荣誉|批复|批准|立项|称号))|办结|出具|印发|上线|交付|移交|归档"
    r"|合规|公布|发布|提交|报送|上报|建立|制定|出台|配备|资格证|持证|零(?=[\u4e00-\u9fff]{0,4}(?:事故|投诉|差错|案件|伤亡|发生))"
)
_BINARY_TRIGGERS = frozenset(
    "通验质全已完不合达符满实建落投正运到覆杜未无获取办出印上交移归公发提报制配资持零"
)
_WHOLE_BINARY = frozenset({"是", "否", "有", "无", "0", "零"})
_TITLE_RE = re.compile(r"《[^》]{0,80}》|〔[^〕]{0,20}〕|“[^”]{0,40}”|\"[^\"]{0,40}\"")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number in the value with what surrounds it: comparator, range end, magnitude and unit."""

    start: int
    end: int
    num_start: int
    num_end: int
    low: float
    high: float | None
    magnitude: str | None
    unit: str | None
    per: str | None
    comparator: str | None
    after: str | None

    @property
    def has_unit(self) -> bool:
        return bool(self.unit or self.magnitude or self.per)


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A deadline-like phrase: dated (has a year), month (no year), year_end, recurring or undated."""

    start: int
    end: int
    kind: DateKind
    year: int | None


@dataclass(frozen=True, slots=True)
class Duration:
    """A duration (3个工作日, 半小时内) — a time limit without a calendar date."""

    start: int
    end: int
    unit: str


@dataclass(frozen=True, slots=True)
class Scan:
    """Everything measurable found in one normalised value."""

    text: str
    quantities: tuple[Quantity, ...]
    dates: tuple[DateSpan, ...]
    durations: tuple[Duration, ...]
    binary: tuple[tuple[int, int, str], ...]
    titles: tuple[tuple[int, int], ...]


def _to_float(text: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return chinese_number(text) or 0.0


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps any span already taken by a longer-lived match."""
    for s, e in spans:
        if s < end and start < e:
            return True
    return False


@lru_cache(maxsize=65536)
def scan(text: str) -> Scan:
    """Find quantities, dates, durations and binary states in a value (normalised first).

    Example:
        >>> s = scan("3个工作日内")
        >>> s.durations[0].unit, s.quantities
        ('个工作日', ())
        >>> scan("50万%").quantities[0].magnitude, scan("50万%").quantities[0].unit
        ('万', '%')
    """
    t = fold_width(text)
    titles = (
        [(m.start(), m.end()) for m in _TITLE_RE.finditer(t)]
        if ("《" in t or "“" in t or '"' in t or "〔" in t)
        else []
    )
    dates: list[DateSpan] = []
    taken: list[tuple[int, int]] = list(titles)
    chars = set(t)
    has_digit = not chars.isdisjoint(_DIGITS)
    for (pattern, kind), triggers in zip(_DATE_RES, _DATE_TRIGGERS, strict=True):
        if (kind == "dated" and not has_digit) or chars.isdisjoint(triggers):
            continue
        for m in pattern.finditer(t):
            if m.end() == m.start() or _inside(m.start(), m.end(), taken):
                continue
            year = None
            if kind == "dated":
                y = re.match(r"((?:19|20)\d{2})", m.group(0))
                year = int(y.group(1)) if y else None
            dates.append(DateSpan(m.start(), m.end(), kind, year))
            taken.append((m.start(), m.end()))
    durations: list[Duration] = []
    for m in _DURATION_RE.finditer(t) if not chars.isdisjoint(_DURATION_TRIGGERS) else ():
        start = m.start("num")
        if _inside(start, m.end(), taken):
            continue
        if m.group("unit") == "年" and not m.group("num").isdigit():
            continue
        if m.group("unit") in ("日", "天") and m.group("num") in ("当", "每"):
            continue
        durations.append(Duration(m.start(), m.end(), m.group("unit")))
        taken.append((m.start(), m.end()))
    quantities: list[Quantity] = []
    if has_digit:
        for m in _QTY_RE.finditer(t):
            ns, ne = m.start("num"), m.end("num2") if m.group("num2") else m.end("num")
            if _inside(ns, ne, taken):
                continue
            low = _to_float(m.group("num"))
            high = _to_float(m.group("num2")) if m.group("num2") else None
            start = m.start("cmp") if m.group("cmp") else ns
            quantities.append(
                Quantity(
                    start,
                    m.end(),
                    ns,
                    ne,
                    low,
                    high,
                    m.group("mag") or m.group("rmag"),
                    m.group("unit"),
                    m.group("per"),
                    m.group("cmp"),
                    m.group("after"),
                )
            )
    for m in _CN_QTY_RE.finditer(t) if not chars.isdisjoint(_CN_TRIGGERS) else ():
        ns, ne = m.start("num"), m.end("num")
        if _inside(ns, m.end(), taken) or t[ns : ne + 1] in ("十分", "一般", "一定", "百分"):
            continue
        if (ns > 0 and t[ns - 1] + t[ns] in _CN_WORDS_BEFORE) or t[
            m.end() - 1 : m.end() + 1
        ] in _CN_WORDS_AFTER:
            continue  # 统一部署, 一部分, 个人: a numeral inside a word, not a count
        value = chinese_number(m.group("num"))
        if value is None:
            continue
        quantities.append(
            Quantity(
                m.start("cmp") if m.group("cmp") else ns,
                m.end(),
                ns,
                ne,
                value,
                None,
                None,
                m.group("unit"),
                None,
                m.group("cmp"),
                m.group("after"),
            )
        )
    quantities.sort(key=lambda q: q.start)
    binary = (
        [(m.start(), m.end(), m.group(0)) for m in _BINARY_RE.finditer(t)]
        if not chars.isdisjoint(_BINARY_TRIGGERS)
        else []
    )
    stripped = t.strip(" 。.;；,，")
    if not binary and stripped in _WHOLE_BINARY:
        s = t.index(stripped)
        binary = [(s, s + len(stripped), stripped)]
    return Scan(t, tuple(quantities), tuple(dates), tuple(durations), tuple(binary), tuple(titles))
