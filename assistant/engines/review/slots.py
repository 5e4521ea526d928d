"""What form a good value takes in a slot: rate, deadline, duration, cost, count, score or text.

Example:
    >>> measure_kind("群众满意度", "服务对象满意度指标"), unit_for("党代表调研次数")
    ('rate', '次')
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

Measure = Literal["rate", "time", "duration", "cost", "count", "score", "text"]

_RATE_NAME = re.compile(r"率|比例|占比|百分比|覆盖面|满意度")
_DURATION_NAME = re.compile(r"工作日|小时|天数|时长|用时|响应|办结|办理|审批|到达|处理时间|出具|到场|时限内")
_TIME_NAME = re.compile(r"时限|时效|及时|完成时间|时间节点|进度|完成期限|截止")
_COST_NAME = re.compile(r"成本|费用|经费|资金|单价|金额|预算|补助标准|补贴标准|投入|价格|支出")
_SCORE_NAME = re.compile(r"得分|分数|评分|分值|考评分")
_COUNT_NAME = re.compile(r"数量|人数|次数|场次|个数|户数|数$|面积|里程|长度|人次|件数|批次")
_COST_SLOTS = frozenset({"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"})
_SATISFACTION_SLOTS = frozenset({"服务对象满意度指标", "其他满意度指标"})
_COUNT_END = re.compile(r"(?:人数|次数|个数|户数|场次|人次|件数|数量)$")


@lru_cache(maxsize=65536)
def measure_kind(name: str, level2: str) -> Measure:
    """What form a good value of this indicator takes: a rate, a deadline, a duration, a cost ….

    Example:
        >>> measure_kind("群众满意度", "服务对象满意度指标"), measure_kind("完成时限", "时效指标")
        ('rate', 'time')
        >>> measure_kind("审批办结时间", "时效指标"), measure_kind("培训成本", "成本指标")
        ('duration', 'cost')
    """
    if "满意" in name or level2 in _SATISFACTION_SLOTS:
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


@lru_cache(maxsize=65536)
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
    if level2 in _SATISFACTION_SLOTS:
        return "%"
    return None
