"""Character-level text similarity for indicator names: the one rule behind template merging and
the evaluation's "same indicator" test.

Indicator names are short (4–20 characters) and written freely (培训人次 / 培训人数, 受益群众满意度 /
群众满意度), so word segmentation helps little; the Dice coefficient over character bigrams of the
normalised name is robust, symmetric and cheap.

Rule (documented for the evaluation):
    ``dice(a, b) = 2·|B(a) ∩ B(b)| / (|B(a)| + |B(b)|)`` where ``B`` is the set of character bigrams of
    :func:`normalise_name` (a one-character name is its own single "bigram").
    Two names are the *same indicator* when ``dice ≥ MATCH_THRESHOLD`` (0.5) and
    *the same template* when ``dice ≥ MERGE_THRESHOLD`` (0.6).

Example:
    >>> round(dice("培训人次", "培训人数"), 2)
    0.67
    >>> names_match("受益群众满意度", "服务对象满意度")
    False
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MATCH_THRESHOLD = 0.5
MERGE_THRESHOLD = 0.6

_NUMBERING = re.compile(r"^\s*(?:[(（]?[0-9一二三四五六七八九十]+[)）.、．]|[0-9]+[-－])+")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=200_000)
def normalise_name(name: str) -> str:
    """NFKC, lower case, list numbering and punctuation removed.

    Example:
        >>> normalise_name("1、线上、线下 培训人数（人次）")
        '线上线下培训人数人次'
    """
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _NUMBERING.sub("", text)
    return _PUNCT.sub("", text)


@lru_cache(maxsize=200_000)
def bigrams(name: str) -> frozenset[str]:
    """Character bigrams of the normalised name (a one-character name gives itself).

    Example:
        >>> sorted(bigrams("总成本"))
        ['总成', '成本']
    """
    text = normalise_name(name)
    if len(text) < 2:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


#: A date or a stated target where the name belongs (2023年12月30日前完成, ≥95%, 5000人以下) — not a
#: unit in brackets (满意度（%）) nor a number that is part of the
#: name (65岁及以上老年人健康管理人数, 2型糖尿病患者规范管理率, 12345热线工单办理量).
_VALUE_IN_NAME = re.compile(
    r"\d{4}\s*年\s*(?:\d|底|末)|\d{4}[/-]\d{1,2}[/-]\d{1,2}|\d+\s*月\s*\d+\s*日|[≥≤><=]|\d\s*%|^\d+\s*[人个户万元]*\s*(?:以上|以下|以内)"
)
#: What a 时效 row's name is about: a time, a deadline, a pace (7.8% of past 时效 rows lack these
#: words — 后勤服务, 档案资料管理: the drafter's slip of a row into the wrong slot).
_TIME_WORDS = re.compile(r"时间|时限|及时|期限|日期|周期|进度|按时|工期|时效|截止|完成|[天日月年季期时限]")
#: A satisfaction itself (村干部满意度, 群众满意率（%）), not a row about measuring it (满意度测评次数).
_SATISFACTION = re.compile(r"满意[度率]?\s*(?:\(.*\))?$")
#: What a 生态效益 row is about: nature, pollution, resources, the living environment (社区党组织凝聚力
#: and 部门运作正常率 under 生态效益 are slips a reviewer sends back).
_ECOLOGY_WORDS = re.compile(
    r"生态|环境|绿|植被|森林|林木|林地|造林|树木|苗木|草地|草原|湿地|海洋|海域|河|湖|水质|水土|水源|"
    r"水体|水域|水资源|用水|节水|饮水|供水|排水|雨污|污|排放|减排|需氧量|节能|能耗|能源|碳|空气|大气|"
    r"扬尘|降尘|pm|噪|垃圾|废|粪|资源化|资源利用|再生资源|自然资源|回收|循环|无害化|环卫|保洁|生物|"
    r"物种|动物|虫|蚁|土壤|耕地|农药|化肥|秸秆|清洁|卫生|整洁|美化|宜居|景观|园林|防火|火灾|蓝天|臭|"
    r"油烟|光污染"
)


def is_indicator_name(name: str, level2: str = "") -> bool:
    """Whether a name says what is measured, in a slot that fits it: three characters at least (项目,
    社区 and 岗率 do not), no date or target inside it (2023年12月30日前完成 is a value, not a name), a
    时效 row names a time (后勤服务 under 时效指标 does not), a satisfaction sits under 满意度 (村干部满意度
    under 可持续影响 does not) and a 生态效益 row names something ecological.

    Example:
        >>> [is_indicator_name(n) for n in ("总成本", "项目", "2023年12月30日前完成", "5000人以下")]
        [True, False, False, False]
        >>> is_indicator_name("后勤服务", "时效指标"), is_indicator_name("资金拨付及时率", "时效指标")
        (False, True)
        >>> [is_indicator_name(n) for n in ("2型糖尿病患者规范管理率", "群众满意度（%）", "12345热线工单办理量")]
        [True, True, True]
        >>> is_indicator_name("村干部满意度", "可持续影响指标"), is_indicator_name("满意度测评次数", "数量指标")
        (False, True)
        >>> is_indicator_name("社区党组织凝聚力", "生态效益指标"), is_indicator_name("PM2.5达标率", "生态效益指标")
        (False, True)
    """
    text = unicodedata.normalize("NFKC", name)
    if len(normalise_name(name)) < 3 or _VALUE_IN_NAME.search(text):
        return False
    if _SATISFACTION.search(text) and level2 and "满意" not in level2:
        return False
    if "生态" in level2 and not _ECOLOGY_WORDS.search(text.lower()):
        return False
    return "时效" not in level2 or bool(_TIME_WORDS.search(name))


def dice(a: str, b: str) -> float:
    """Dice coefficient of the character bigrams of two names (0 when either is empty)."""
    ba, bb = bigrams(a), bigrams(b)
    if not ba or not bb:
        return 0.0
    return 2.0 * len(ba & bb) / (len(ba) + len(bb))


def names_match(a: str, b: str, threshold: float = MATCH_THRESHOLD) -> bool:
    """Whether two indicator names denote the same indicator (``dice ≥ threshold``)."""
    return dice(a, b) >= threshold


def coverage(name: str, text_bigrams: frozenset[str] | set[str]) -> float:
    """Share of the name's bigrams that occur in a text (how much of the name the goal mentions).

    Example:
        >>> coverage("培训人数", bigrams("组织培训40人，培训人数不少于40"))
        1.0
    """
    bn = bigrams(name)
    if not bn:
        return 0.0
    return len(bn & text_bigrams) / len(bn)


def text_bigrams(text: str) -> frozenset[str]:
    """Bigrams of a longer free text (goal), computed without the name cache."""
    norm = _PUNCT.sub("", unicodedata.normalize("NFKC", text or "").lower())
    return frozenset(norm[i : i + 2] for i in range(len(norm) - 1))


_QUALIFIER = re.compile(r"[（(][^（）()]*[）)]")
#: Words every project name may end with; they say nothing about what the project does.
_GENERIC_SUFFIX = re.compile(
    r"(?:专项资金|专项经费|工作经费|补助资金|经费|资金|专项|项目|补助|补贴|工作|费用|支出)+$"
)


@lru_cache(maxsize=200_000)
def topic_name(name: str) -> str:
    """A project name without the words any name may end with (经费, 专项资金, 项目 …), so that two
    projects are alike for what they do, not for being 专项经费.

    Example:
        >>> topic_name("森林防火专项经费"), topic_name("社区工作站经费（东方社区）"), topic_name("经费")
        ('森林防火', '社区工作站', '经费')
    """
    text = normalise_name(_QUALIFIER.sub("", name))  # 社区工作站经费（东方社区）: the place is no topic
    return _GENERIC_SUFFIX.sub("", text) or text


def topic_similarity(a: str, b: str) -> float:
    """Dice of the :func:`topic_name` of two project names."""
    return dice(topic_name(a), topic_name(b))
