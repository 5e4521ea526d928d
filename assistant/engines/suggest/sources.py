"""The rule "no number without a source", as a check anyone can run on a suggestion.

A number in a suggested value is *sourced* when it appears in the text of one of the suggestion's
evidence entries (the goal's clause, the budget arithmetic, a past target, the standard the library
names), or lies within the range of past targets a ``corpus`` evidence entry reports. Numbers inside a
【待填…】 placeholder are not claims. The year of a deadline is sourced by a ``goal`` evidence entry
naming the budget year.

Example:
    >>> from assistant.records.schema import Evidence, Suggestion
    >>> goal = Evidence("项目", "年度目标", "维修养护农村集中供水工程15处", "年度目标", kind="goal")
    >>> unsourced_numbers(Suggestion("产出指标", "数量指标", "工程数量", "≥15处", None, 0.5, (goal,)))
    []
    >>> unsourced_numbers(Suggestion("产出指标", "质量指标", "合格率", "≥95%", None, 0.5, (goal,)))
    ['95']
    >>> past = Evidence("某项目", "处理及时性", "半小时内", "a.xlsx")
    >>> unsourced_numbers(Suggestion("产出指标", "时效指标", "处理及时性", "≤0.5小时", None, 0.5, (past,)))
    []
"""

from __future__ import annotations

import re

from assistant.records.schema import Suggestion

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PLACEHOLDER = re.compile(r"【[^】]*】")
_RANGE = re.compile(r"(\d+(?:\.\d+)?)–(\d+(?:\.\d+)?)")


_TEN_THOUSANDS = re.compile(r"(\d+(?:\.\d+)?)\s*万")
_CHINESE_NUMBER = re.compile(r"[零一二两三四五六七八九十百千万半]+")


def _numbers(text: str) -> list[str]:
    return _NUMBER.findall(_PLACEHOLDER.sub("", text))


def _given(text: str) -> set[float]:
    """The numbers a text states, in Arabic or Chinese numerals (四个 → 4)."""
    from assistant.records.values import chinese_number

    found = {float(n) for n in _numbers(text)}
    found |= {float(n) * 10_000 for n in _TEN_THOUSANDS.findall(text)}  # 0.5万亩 states 5000亩
    for word in _CHINESE_NUMBER.findall(text):
        value = chinese_number(word)
        if value is not None:
            found.add(float(value))
    return found


def unsourced_numbers(suggestion: Suggestion) -> list[str]:
    """The numbers of ``suggestion.value`` that no evidence entry gives (empty when all are sourced)."""
    texts = [f"{e.name} {e.value} {e.source}" for e in suggestion.evidence]
    given = {n for text in texts for n in _given(text)}
    spans = [
        (float(low), float(high))
        for e in suggestion.evidence
        if e.kind == "corpus"
        for low, high in _RANGE.findall(e.value)
    ]
    out = []
    for n in _numbers(suggestion.value):
        x = float(n)
        if not (x in given or any(low <= x <= high for low, high in spans)):
            out.append(n)
    return out
