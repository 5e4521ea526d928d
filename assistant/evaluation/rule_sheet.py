"""The songgang office's own review rule sheet (审核口径模板.xlsx), implemented faithfully as a baseline.

The sheet (read at run time, never copied into the repository) has one row per rule with the columns
编码, 审核对象, 模式, 审核要点, 二级要点, 审核细项, 审核意见表述（问题+建议）, 正则表达式 and 备注. This
module turns every row into a :class:`SheetRule` and applies it the way the sheet intends:

- **审核对象** names the field the regex reads: 指标值 → the value, 三级指标 → the name, 指标解释 → the
  explanation, 年度目标 → the project's goal, 绩效指标 → the indicator's value (the only automatic
  绩效指标 rule, 及时, is about 时效 values: its comment says 时效指标指标值…), ``二级指标==数量`` →
  the name of indicators in that 二级 slot, a bare slot name (数量, 质量, 时效, 成本, 社会) → the slot
  as a whole, 绩效目标表 → the whole table (or, for 绩效指标不能留空, every cell of each row).
- **正则表达式**: ``空`` means "the field is empty"; ``无`` means there is nothing to automate.
- **Polarity** is not a column: a pattern either describes the fault (``^\\s*$``, ``.{15,}``, ``及时``,
  a bare number) or describes what a good field must contain (a 《…》 title, a number with a unit,
  a metric ending such as 率$) — the comment says which. :data:`FAULT_PATTERN_ITEMS` lists the rules
  whose pattern describes the fault (matched by their 审核细项 text); every other pattern is a
  requirement, flagged when the field does *not* match. Unknown rules fall back to "a pattern that
  matches the empty string describes emptiness".
- **模式** 人工 (manual) rules are applied when they carry a usable regex (指标值缺少单位) and skipped
  otherwise (归类、重复、与目标相关性、资金匹配性 need a person).
- Rules about fields our records do not hold (政策依据, 测算依据) are skipped, and :meth:`notes` says so.
- A field written ``不适用`` is the sheet's own way of marking an unused slot and is never flagged.

Example:
    >>> rule = SheetRule(20, "指标值", "人工", "指标值数量单位未填写单位", "指标值缺少数量单位，请补充完整。",
    ...                  r"^[0-9]+(\\.?[0-9]+)?$")
    >>> baseline = RuleSheetBaseline([rule])
    >>> from assistant.records.schema import Indicator
    >>> baseline.flags(Indicator("产出指标", "数量指标", "培训人数", "11"))
    [(20, '指标值缺少数量单位，请补充完整。')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import InputError
from ..records.schema import Indicator, Project

RuleField = Literal["value", "name", "explain", "goal", "slot", "table", "row_cells", "unsupported"]

# 审核细项 of the rules whose regex describes the fault itself (flag when it matches).
# (Patterns ``空`` and those matching the empty string, such as ``^\s*$``, describe emptiness: faults too.)
FAULT_PATTERN_ITEMS = (
    "冗长",  # 绩效指标表述过于冗长: .{15,}
    "单位",  # 指标值数量单位未填写单位: a bare number
    "时间限制不合理",  # 时间限制不合理可行: 及时
)
_NA_TEXT = ("不适用", "不适应")
_HEADER_KEYS = {
    "id": "编码",
    "target": "审核对象",
    "mode": "模式",
    "item": "审核细项",
    "comment": "审核意见",
    "pattern": "正则",
}
_SLOT_PREFIX = {"数量": "数量", "质量": "质量", "时效": "时效", "成本": "成本", "社会": "社会效益"}


@dataclass(frozen=True, slots=True)
class SheetRule:
    """One row of the rule sheet, as printed (the regex text is kept as written)."""

    id: int
    target: str  # 审核对象
    mode: str  # 模式: 正则匹配 / 人工
    item: str  # 审核细项
    comment: str  # 审核意见表述（问题+建议）
    pattern: str  # 正则表达式 (空 / 无 / a regex)

    @property
    def slot(self) -> str | None:
        """The 二级 slot this rule is restricted to (``二级指标==数量`` → 数量), if any."""
        match = re.match(r"二级指标\s*==\s*(\S+)", self.target)
        if match:
            return _SLOT_PREFIX.get(match.group(1), match.group(1))
        return None

    @property
    def field(self) -> RuleField:
        """Which field of our records the rule reads (see the module docstring)."""
        target = self.target.strip()
        if self.pattern.strip() in ("无", ""):
            return "unsupported"
        if target == "指标值" or (target == "绩效指标" and "时间" in self.item):
            return "value"
        if target == "三级指标" or self.slot is not None:
            return "name"
        if target == "指标解释":
            return "explain"
        if target == "年度目标":
            return "goal"
        if target in _SLOT_PREFIX:
            return "slot"
        if target == "绩效目标表":
            return "row_cells" if "不能留空" in self.item else "table"
        return "unsupported"  # 政策依据, 测算依据: not held by our records

    @property
    def fault_pattern(self) -> bool:
        """True when a match means the fault; False when the pattern is a requirement."""
        if self.pattern.strip() == "空" or any(key in self.item for key in FAULT_PATTERN_ITEMS):
            return True
        try:
            return re.search(self.pattern, "") is not None
        except re.error:
            return False


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A fired rule: its id, the canned comment, the field it read and the matched span (if any)."""

    rule_id: int
    comment: str
    field: str
    start: int = 0
    end: int = 0


def _empty(text: str | None) -> bool:
    return not (text or "").strip()


def _is_na(text: str | None) -> bool:
    return (text or "").strip() in _NA_TEXT


def _level2_matches(level2: str, slot: str) -> bool:
    return (level2 or "").startswith(slot)


@dataclass
class RuleSheetBaseline:
    """Apply the rule sheet's automatable indicator rules (the table-level rules are not evaluated).

    Args:
        rules: the rows of the sheet (see :meth:`from_xlsx`).

    Example:
        >>> rules = [SheetRule(25, "绩效指标", "正则匹配", "时间限制不合理可行。", "未反映时限。", "及时")]
        >>> RuleSheetBaseline(rules).hits(Indicator("产出指标", "时效指标", "完成时间", "及时"))[0].field
        'value'
    """

    rules: list[SheetRule]
    _compiled: dict[int, re.Pattern[str]] = field(default_factory=dict, init=False, repr=False)
    _skipped: list[str] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        for rule in self.rules:
            if rule.field == "unsupported":
                why = "需人工判断" if rule.pattern.strip() in ("无", "") else "记录中没有该字段"
                self._skipped.append(f"规则{rule.id}（{rule.target}：{rule.item}）未自动执行：{why}")
                continue
            if rule.pattern.strip() == "空":
                continue
            try:
                self._compiled[rule.id] = re.compile(rule.pattern)
            except re.error as exc:
                self._skipped.append(f"规则{rule.id}（{rule.item}）正则无法编译：{exc}")

    @classmethod
    def from_xlsx(cls, path: str | Path) -> RuleSheetBaseline:
        """Read the rules from the sheet (the first worksheet whose header row has 编码 and 正则表达式).

        Raises:
            InputError: the file is missing or has no rule table.
        """
        path = Path(path)
        if not path.is_file():
            raise InputError(f"规则表不存在：{path}")
        import openpyxl  # lazy: only the evaluation reads workbooks here

        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a corrupt file
            raise InputError(f"规则表无法读取：{path.name}（{exc}）") from exc
        try:
            for sheet in workbook.worksheets:
                rules = _read_rules(list(sheet.iter_rows(values_only=True)))
                if rules:
                    return cls(rules)
        finally:
            workbook.close()
        raise InputError(f"规则表 {path.name} 中没有找到“编码/审核对象/正则表达式”表头")

    def notes(self) -> list[str]:
        """Which rules could not be applied automatically, and why."""
        return list(self._skipped)

    # ---- indicator level -------------------------------------------------------------------------
    def hits(self, indicator: Indicator, project: Project | None = None) -> list[RuleHit]:
        """Every indicator-level rule that fires on ``indicator`` (name, value, explanation, row cells)."""
        found: list[RuleHit] = []
        # the 指标解释 rules apply only to tables that have that column
        explain_column = indicator.explain is not None or (
            project is not None and any(i.explain is not None for i in project.indicators)
        )
        for rule in self.rules:
            kind = rule.field
            if kind == "row_cells":
                cells = [indicator.name, indicator.value] + ([indicator.explain] if explain_column else [])
                if any(_empty(c) for c in cells):
                    found.append(
                        RuleHit(rule.id, rule.comment, "value" if _empty(indicator.value) else "name")
                    )
                continue
            if kind not in ("value", "name", "explain"):
                continue
            if rule.slot is not None and not _level2_matches(indicator.level2, rule.slot):
                continue
            text = {"value": indicator.value, "name": indicator.name, "explain": indicator.explain}[kind]
            if kind == "explain" and not explain_column:
                continue
            if _is_na(text) or (kind != "value" and _is_na(indicator.value)):
                continue
            hit = self._apply(rule, text or "", kind)
            if hit is not None:
                found.append(hit)
        return found

    def flags(self, indicator: Indicator, project: Project | None = None) -> list[tuple[int, str]]:
        """``(rule id, canned comment)`` for every rule that fires on this indicator."""
        return [(h.rule_id, h.comment) for h in self.hits(indicator, project)]

    def value_hits(self, indicator: Indicator, project: Project | None = None) -> list[RuleHit]:
        """The hits that say the *value* is not measurable (what the defect evaluation counts)."""
        return [h for h in self.hits(indicator, project) if h.field == "value"]

    def _apply(self, rule: SheetRule, text: str, kind: str) -> RuleHit | None:
        if rule.pattern.strip() == "空":
            return RuleHit(rule.id, rule.comment, kind) if _empty(text) else None
        pattern = self._compiled.get(rule.id)
        if pattern is None:
            return None
        match = pattern.search(text)
        if rule.fault_pattern:
            if match is None:
                return None
            return RuleHit(rule.id, rule.comment, kind, match.start(), match.end())
        if match is not None:
            return None  # the requirement is met
        return RuleHit(rule.id, rule.comment, kind, 0, len(text))


def _read_rules(rows: list[tuple[object, ...]]) -> list[SheetRule]:
    """Find the header row and read every rule row below it."""
    for index, row in enumerate(rows):
        cells = [str(c).strip() if c is not None else "" for c in row]
        columns: dict[str, int] = {}
        for key, label in _HEADER_KEYS.items():
            for position, text in enumerate(cells):
                if text.startswith(label):
                    columns[key] = position
                    break
        if len(columns) < len(_HEADER_KEYS):
            continue
        rules: list[SheetRule] = []
        for body in rows[index + 1 :]:
            values = [body[i] if i < len(body) else None for i in range(max(columns.values()) + 1)]
            rule_id = values[columns["id"]]
            if rule_id is None or str(rule_id).strip() == "":
                continue
            try:
                number = int(float(str(rule_id)))
            except ValueError:
                continue
            rules.append(
                SheetRule(
                    id=number,
                    target=str(values[columns["target"]] or "").strip(),
                    mode=str(values[columns["mode"]] or "").strip(),
                    item=str(values[columns["item"]] or "").strip(),
                    comment=str(values[columns["comment"]] or "").strip(),
                    pattern=str(values[columns["pattern"]] or "").strip(),
                )
            )
        return rules
    return []
