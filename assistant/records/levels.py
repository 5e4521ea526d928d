"""Normalise 一级/二级 indicator labels to the DOMAIN.md vocabulary.

Real tables write the same slot many ways: "效果指标", OCR-doubled "产产出指标", "数量指标（必填硬性指标）",
"11-数量指标", "22-社会效益", "产出指". These functions map them all to one canonical label.
"""

from __future__ import annotations

import re
from functools import lru_cache

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2 = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
)
LEVEL2_PARENT = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "其他满意度指标": "满意度指标",  # some exports add it; kept as printed (not in LEVEL2's required slots)
    "经济成本指标": "成本指标",
    "社会成本指标": "成本指标",
    "生态环境成本指标": "成本指标",
}

_NOISE = re.compile(r"[\s\u3000*＊]|^[\d０-９]+[-－、.．]|[（(][^）)]*[）)]?$|[（(]|[）)]")
_DOUBLED_HEAD = re.compile(r"^(.)\1")


def _clean(label: str) -> str:
    text = _NOISE.sub("", label or "")
    text = _NOISE.sub("", text)  # a code prefix may follow a stripped bracket
    return _DOUBLED_HEAD.sub(r"\1", text)


@lru_cache(maxsize=4096)
def normalise_level1(label: str) -> str:
    """Map a 一级 label to 产出指标/效益指标/满意度指标/成本指标, or return it cleaned when unknown.

    Example:
        >>> normalise_level1("产产出指标"), normalise_level1("效果指标"), normalise_level1("2-效益指标")
        ('产出指标', '效益指标', '效益指标')
        >>> normalise_level1("产出指")
        '产出指标'
    """
    text = _clean(label)
    if not text:
        return ""
    if text.startswith("产出"):
        return "产出指标"
    if text.startswith(("效益", "效果")):
        return "效益指标"
    if "满意" in text:
        return "满意度指标"
    if text.startswith("成本"):
        return "成本指标"
    return text


@lru_cache(maxsize=4096)
def normalise_level2(label: str) -> str:
    """Map a 二级 label to the DOMAIN.md vocabulary, or return it cleaned when unknown.

    Example:
        >>> normalise_level2("数量指标（必填硬性指标）"), normalise_level2("22-社会效益"), normalise_level2("满意度指标")
        ('数量指标', '社会效益指标', '服务对象满意度指标')
        >>> normalise_level2("其他满意度指标")
        '其他满意度指标'
    """
    text = _clean(label)
    if not text:
        return ""
    if text.startswith("其他满意"):
        return "其他满意度指标"
    for canonical, key in (
        ("数量指标", "数量"),
        ("质量指标", "质量"),
        ("时效指标", "时效"),
        ("经济成本指标", "经济成本"),
        ("社会成本指标", "社会成本"),
        ("生态环境成本指标", "生态环境成本"),
        ("成本指标", "成本"),
        ("经济效益指标", "经济效益"),
        ("社会效益指标", "社会效益"),
        ("生态效益指标", "生态效益"),
        ("可持续影响指标", "可持续"),
        ("服务对象满意度指标", "满意"),
    ):
        if text.startswith(key) or (key == "满意" and key in text):
            return canonical
    return text


def parent_of(level2: str) -> str | None:
    """The 一级 label a canonical 二级 label belongs to (成本指标 → 产出指标 in the classic table)."""
    return LEVEL2_PARENT.get(level2)
