"""The review vocabulary: vague terms per reason code, the context that cancels them, and messages.

Each term carries the reason code it signals and a *context class* saying which neighbouring text
turns it into part of a measurable metric name instead of a vague target:

- ``metric``: cancelled when a metric noun follows within three characters — 良好率, 及时率,
  按期完成率, 及时性 (``良好率≥95%`` measures the share of 良好 ratings; it is not the word 良好);
- ``rate``: cancelled only when 率 follows at once (提升率, 改善率); 提升服务满意度 is still a
  direction because a metric noun further on does not give the direction an end point;
- ``satisfied``: 满意 is cancelled after a number (95%满意) or before 度/率/的比例 (满意度≥90%);
- ``plain``: never cancelled by neighbours.

Direction terms are also cancelled when a number follows closely (提高到95%, 降低10%): the
direction then has an end point (see :mod:`rules`).

Weak terms (``weak=True``) are words that are often, but not always, vague (稳定, 规范, 合理):
their defect scores a little higher (see :mod:`scoring`).

Example:
    >>> TERMS["基本满意"].code
    'DEGREE'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Context = Literal["metric", "rate", "satisfied", "plain"]


@dataclass(frozen=True, slots=True)
class Term:
    """One vague term: its reason code, the context that cancels it, and whether it is weak."""

    text: str
    code: str
    context: Context = "plain"
    weak: bool = False


# Defect codes (they make an indicator vague/malformed) and warning codes (weaker forms that keep
# the label "clear" but set the verdict to "warn").
DEFECT_CODES = frozenset(
    {
        "DEGREE",
        "DIRECTION",
        "RESTATEMENT",
        "VAGUE_TIME",
        "DEFERRED",
        "MISSING_UNIT",
        "MALFORMED",
        "EMPTY",
        "NO_MEASURE",
    }
)
WARNING_CODES = frozenset({"BINARY", "UNDATED", "MULTI", "GRADED", "NAME_VAGUE", "IMPLIED_UNIT"})
TABLE_CODES = frozenset(
    {
        "MISSING_SLOT",
        "NO_INDICATORS",
        "COST_OVER_BUDGET",
        "DUPLICATE",
        "NO_GOAL",
        "UNRELATED",
        "GOAL_MISMATCH",
        "COPIED_FROM_LAST_YEAR",
        "TARGET_LOWERED",
        "INDICATOR_DROPPED",
    }
)
CUSTOM_TERM_CODES = frozenset({"DEGREE", "DIRECTION", "RESTATEMENT", "VAGUE_TIME", "DEFERRED"})

_DEGREE = (
    # words naming a degree instead of a threshold
    ("明显", "plain"),
    ("显著", "plain"),
    ("良好", "metric"),
    ("较好", "metric"),
    ("很好", "plain"),
    ("更好", "plain"),
    ("优良", "metric"),
    ("优质", "plain"),
    ("较高", "plain"),
    ("更高", "plain"),
    ("很高", "plain"),
    ("较低", "plain"),
    ("较强", "plain"),
    ("较大", "plain"),
    ("很大", "plain"),
    ("较多", "plain"),
    ("较少", "plain"),
    ("大幅", "plain"),
    ("大大", "plain"),
    ("基本满意", "plain"),
    ("比较满意", "plain"),
    ("较满意", "plain"),
    ("非常满意", "plain"),
    ("满意", "satisfied"),
    ("基本", "plain"),
    ("一定", "plain"),
    ("相对", "plain"),
    ("有效", "metric"),
    ("充分", "plain"),
    ("高效", "plain"),
    ("高质量", "plain"),
    ("积极", "metric"),
    ("切实", "plain"),
    ("有力", "plain"),
    ("尽量", "plain"),
    ("尽可能", "plain"),
    ("大力", "plain"),
    ("良性", "plain"),
    ("普遍", "plain"),
    ("方便快捷", "plain"),
    ("便捷", "plain"),
    ("舒适", "plain"),
    ("合理", "metric"),
    ("稳定", "metric"),
    ("良好氛围", "plain"),
    ("准确", "metric"),
    ("清晰", "metric"),
    ("严谨", "metric"),
    ("若干", "plain"),
    ("大量", "plain"),
    ("少量", "plain"),
    # issue #11: degree words drafters use for a settled state (总体平稳, 干净整洁, 积极性高涨)
    ("平稳", "metric"),
    ("整洁", "metric"),
    ("干净", "metric"),
    ("高涨", "plain"),
    ("多样", "metric"),
    ("广泛", "plain"),
    ("更加", "plain"),
    ("较为", "plain"),
)
_WEAK_DEGREE = frozenset(
    {"合理", "稳定", "相对", "一定", "有效", "积极", "普遍", "便捷", "舒适", "平稳", "整洁", "干净", "多样"}
)

_DIRECTION = (
    # a direction with no end point
    ("提高", "rate"),
    ("提升", "rate"),
    ("有所提升", "plain"),
    ("有所提高", "plain"),
    ("有所改善", "plain"),
    ("有所增加", "plain"),
    ("有所减少", "plain"),
    ("有所下降", "plain"),
    ("得到提高", "plain"),
    ("得到提升", "plain"),
    ("得以提升", "plain"),
    ("得到改善", "plain"),
    ("得到加强", "plain"),
    ("得到保障", "plain"),
    ("得到落实", "plain"),
    ("得到推进", "plain"),
    ("得到普及", "plain"),
    ("得到规范", "plain"),
    ("得到增强", "plain"),
    ("得到巩固", "plain"),
    ("进一步", "plain"),
    ("持续", "plain"),
    ("不断", "plain"),
    ("逐步", "plain"),
    ("稳步", "plain"),
    ("日益", "plain"),
    ("增强", "rate"),
    ("改善", "rate"),
    ("加强", "plain"),
    ("强化", "plain"),
    ("推动", "plain"),
    ("促进", "plain"),
    ("推进", "plain"),
    ("加大", "plain"),
    ("扩大", "plain"),
    ("加快", "plain"),
    ("优化", "plain"),
    ("完善", "rate"),
    ("深化", "plain"),
    ("巩固", "plain"),
    ("增加", "rate"),
    ("增长", "rate"),
    ("降低", "rate"),
    ("减少", "rate"),
    ("下降", "rate"),
    ("营造", "plain"),
    ("维护", "plain"),
    ("净化", "plain"),
    ("确保", "plain"),
    ("全面进步", "plain"),
    # aims written as verbs (a goal, not a target)
    ("打造", "plain"),
    ("弘扬", "plain"),
    ("树立", "plain"),
    ("凝聚", "plain"),
    ("激发", "plain"),
    ("增进", "plain"),
    ("夯实", "plain"),
    ("筑牢", "plain"),
    ("丰富", "plain"),
    ("助力", "plain"),
    ("带动", "plain"),
    ("消减", "rate"),
    ("减轻", "plain"),
    ("缓解", "plain"),
    ("改进", "plain"),
    ("彰显", "plain"),
    # issue #11: outcomes with no end point (矛盾纠纷得到化解, 逐年好转, 持续向好, 日趋完善)
    ("化解", "rate"),
    ("得到化解", "plain"),
    ("得到解决", "plain"),
    ("遏制", "rate"),
    ("好转", "rate"),
    ("向好", "plain"),
    ("日趋", "plain"),
    ("趋于", "plain"),
    ("发挥", "plain"),
    ("充分发挥", "plain"),
)

_VAGUE_TIME = (
    ("及时", "metric"),
    ("按时", "metric"),
    ("按期", "metric"),
    ("准时", "metric"),
    ("尽快", "plain"),
    ("尽早", "plain"),
    ("适时", "plain"),
    ("按计划", "plain"),
    ("按进度", "plain"),
    ("按规定时间", "plain"),
    ("按时间节点", "plain"),
    ("按规定时间节点", "plain"),
    ("按要求时间", "plain"),
    ("定期", "plain"),
    ("限期", "plain"),
)

_DEFERRED = (
    ("依申报情况定", "plain"),
    ("依申报情况", "plain"),
    ("根据申报情况", "plain"),
    ("根据工作需要", "plain"),
    ("根据需要", "plain"),
    ("根据实际", "plain"),
    ("根据实际情况", "plain"),
    ("根据上级", "plain"),
    ("按上级", "plain"),
    ("视情况", "plain"),
    ("视实际", "plain"),
    ("待定", "plain"),
    ("另定", "plain"),
    ("另行", "plain"),
    ("按实际", "plain"),
    ("据实", "plain"),
    ("实报实销", "plain"),
    ("酌情", "plain"),
    ("按需", "plain"),
    ("按方案执行", "plain"),
    ("以实际", "plain"),
    ("视需求", "plain"),
    ("视需要", "plain"),
)

# Direction and degree phrases with a gap: 得到长久提升, 有所明显改善; 满意度高, 效果好 (a bare
# adjective closing the value).
DIRECTION_PATTERNS = (
    r"(?:得到|得以|有所)[\u4e00-\u9fff]{1,2}?(?:提升|提高|改善|加强|增强|保障|落实|推进|普及|规范|巩固|发挥|增加|减少|化解|遏制|解决|好转)",
)
DEGREE_PATTERNS = (r"(?<=[度率性量果平力感境况])(?:较|更|很|非常)?[高低好强快](?=[。.!！]?$)",)

# Deferral phrases with a gap (以签订的协议或合同为准, 视资金到位情况而定): regular expressions.
DEFERRED_PATTERNS = (
    r"以[^，,。；;]{1,15}为准",
    r"视[^，,。；;]{1,12}(?:而定|确定)",
    r"[依据根][据照]?[^，,。；;]{0,10}(?:而定|确定|审定|核定)",
    r"待[^，,。；;]{1,10}(?:后|时)?(?:确定|核定|明确)",
    r"按(?:合同|协议|文件|方案)[^，,。；;]{0,6}?(?:要求|规定|约定|执行|进行|安排)",
    # issue #11: a contract, rule or requirement with no criterion named (按服务合同进行, 按照街道要求
    # 落实, 按相关规范要求); a named standard (按《…》要求) is inside a title and never matched
    r"按照?(?![期时月年季日周天])[^，,。；;《》“”\d]{0,8}?(?:合同|协议|要求|规定|规范|标准|约定|需求书|部署)(?!时间|时限|期限|节点)"
    r"(?:[^，,。；;《》\d]{0,6}?(?:执行|进行|落实|完成|提供服务|提供|发放|实施|开展))?",
)


def _build() -> dict[str, Term]:
    terms: dict[str, Term] = {}
    for code, table in (
        ("DEGREE", _DEGREE),
        ("DIRECTION", _DIRECTION),
        ("VAGUE_TIME", _VAGUE_TIME),
        ("DEFERRED", _DEFERRED),
    ):
        for text, context in table:
            terms[text] = Term(text, code, context, weak=text in _WEAK_DEGREE)  # type: ignore[arg-type]
    return terms


TERMS: dict[str, Term] = _build()

# Terms judged in values only: in an indicator NAME they usually name the work itself
# (电脑设备维护及时性, 档案整理规范率, 安全隐患降低率) rather than a vague target.
VALUE_ONLY_TERMS = frozenset(
    """维护 确保 营造 打造 弘扬 树立 凝聚 激发 增进 夯实 筑牢 丰富 助力 带动 消减 减轻 缓解 改进 彰显 完善 优化 推进
    增加 减少 降低 下降 增长 扩大 加大 加快 深化 巩固 净化 强化 有效 合理 稳定 相对 一定 基本 积极 普遍 便捷 舒适 充分
    切实 有力 大力 良性 高效 高质量 定期 限期 发挥 充分发挥 准确 清晰 严谨 若干 大量 少量 化解 遏制 好转 向好 日趋 趋于
    平稳 整洁 干净 高涨 多样 广泛 更加 较为""".split()
)

# Metric nouns: a term followed by one of these within three characters names a measured quantity.
METRIC_SUFFIXES = ("率", "度", "性", "比例", "比率", "指数", "占比")

# Values meaning "this slot is intentionally empty".
NA_VALUES = frozenset(
    {
        "不适用",
        "不适应",
        "不涉及",
        "无此项",
        "/",
        "／",
        "-",
        "—",
        "——",
        "－",
        "n/a",
        "na",
        "N/A",
        "NA",
        "空",
        "暂无",
    }
)

# Graded qualitative scale words (acceptable when the 指标解释 defines each grade).
GRADE_WORDS = (
    "优秀",
    "优",
    "良好",
    "良",
    "较好",
    "好",
    "一般",
    "中",
    "较差",
    "差",
    "合格",
    "不合格",
    "显著",
    "明显",
)

PLACEHOLDER_TARGET = "【待填：目标值】"
PLACEHOLDER_BASE = "【待填：基期值】"
PLACEHOLDER_UNIT = "【待填：单位】"
PLACEHOLDER_YEAR = "【待填：年份】"
PLACEHOLDER_MONTH = "【待填：月份】"
PLACEHOLDER_DAYS = "【待填：天数】"

_FIELD_PREFIX = {"name": "指标名称中", "value": ""}


def message_for(code: str, term: str = "", field: str = "value", extra: str = "") -> str:
    """A short Chinese explanation for one reason, written for the drafter.

    Example:
        >>> message_for("DEGREE", "明显")
        '“明显”是程度词，没有可核验的阈值'
        >>> message_for("DIRECTION", "提升", field="name")
        '指标名称中“提升”只表示方向，没有写明要达到的目标值'
    """
    prefix = _FIELD_PREFIX.get(field, "")
    quoted = f"“{term}”" if term else ""
    text = {
        "DEGREE": f"{quoted}是程度词，没有可核验的阈值",
        "DIRECTION": f"{quoted}只表示方向，没有写明要达到的目标值",
        "RESTATEMENT": "指标值复述了指标名称或项目目标，没有给出可核验的目标值",
        "VAGUE_TIME": f"{quoted}没有写明完成日期或时限" if term else "时效指标未写明完成日期或时限",
        "DEFERRED": f"{quoted}把目标值留待以后确定，年底无法核验",
        "MISSING_UNIT": f"数值{quoted}缺少计量单位" + (f"（如{extra}）" if extra else ""),
        "IMPLIED_UNIT": f"数值{quoted}未写计量单位，按指标名称推定为“{extra}”；建议写明单位",
        "MALFORMED": extra or f"{quoted}格式有误",
        "EMPTY": "指标值为空，请填写目标值或“不适用”",
        "NO_MEASURE": "指标值没有数值、时限或可核验的状态，年底无法核验",
        "BINARY": f"{quoted}是完成/合格类状态，可核验但不如数值明确",
        "UNDATED": f"{quoted}没有写明年份或月份，建议写成具体日期",
        "MULTI": "一个指标值包含多个目标，建议拆分为多条指标",
        "GRADED": "定性分级指标：请在指标解释中写明各等级的标准",
        "TOO_LONG": extra or "指标值过长，不是一个目标值",
    }.get(code, extra or code)
    if field == "name" and code in ("DEGREE", "DIRECTION", "VAGUE_TIME", "DEFERRED"):
        return prefix + text
    return text
