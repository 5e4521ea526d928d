"""Evaluate the review against the hand-checked labels: defects, reason codes and spans, per system.

Gold data:

- ``corpus/labels/review_labels.jsonl`` — one line per indicator of the five seeds and the songgang
  workbooks, labelled by the rubric in DOMAIN.md (see ``corpus/labels/review_labels.md``). Seed rows carry
  their text; songgang rows carry only labels, keyed by (file, sheet, row) with a short hash of the
  value so that drift is detected. Rows are joined to what :func:`assistant.documents.read_document`
  reads (``Indicator.location`` is ``行 n`` for text files and ``<sheet>!A12:E12`` for workbooks).
- ``corpus/labels/review_synthetic.jsonl`` — hand-written hard context cases, text included.
- ``corpus/labels/review_blind.jsonl`` — hand-written cases in wording none of the lexicons was written
  for (成效斐然, 稳中有进, 应访尽访 …; 一次性通过竣工验收 …): a test of generalisation, first scored
  before the rules had seen it.
- ``corpus/labels/review_blind2.jsonl`` — 116 hand-written cases of issue #11's failure kinds (implied
  units, unit words, service times, deferrals, restatements …), committed before the rules changed
  for them; scored before and after (a dev set since).
- ``corpus/labels/review_blind3.jsonl`` — 56 more such cases in other wording, written after that
  change and committed before it was scored on them (held out: no rule was changed after).

Metrics (``na`` gold rows are excluded everywhere):

- **defects**: positive = vague ∪ malformed, negative = clear; precision/recall/F1.
- **per reason code**: for each code, an indicator is positive when its *value* reasons contain the
  code (gold vs predicted), precision/recall/F1 over indicators.
- **intervals**: 95% percentile bootstrap intervals (resampling indicators, 1,000 draws, fixed
  seed) for defect precision and recall, overall and per source.
- **spans**: value-field spans (empty spans such as EMPTY are skipped), code-agnostic. A predicted
  span matches a gold span when their overlap covers at least 50% of *each* span
  (``|p ∩ g| ≥ 0.5·max(|p|, |g|)``); matching is one-to-one, greedy by overlap.

Systems compared: the songgang rule sheet (:mod:`rule_sheet`) and the review engine (its rules and
lexicons; the engine has no learned component).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..records.build import make_indicator
from ..records.schema import Indicator, Project

DEFECT_LABELS = frozenset({"vague", "malformed"})
CORPUS_KINDS = frozenset({"seed", "songgang"})
SPAN_OVERLAP = 0.5
_LINE_LOCATION = re.compile(r"^行\s*(\d+)")
_CELL_LOCATION = re.compile(r"^(?P<sheet>.*)!\$?[A-Z]+\$?(?P<row>\d+)")


# ---- gold data ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldReason:
    code: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class GoldRow:
    """One hand-checked label (text only for seed and synthetic rows)."""

    id: str
    kind: str  # seed | songgang | synthetic | blind
    source: str
    label: str
    reasons: tuple[GoldReason, ...]
    key: tuple[str, ...]
    value_hash: str = ""
    level2: str = ""
    name: str | None = None
    value: str | None = None

    @property
    def is_defect(self) -> bool:
        return self.label in DEFECT_LABELS


def value_hash(value: str) -> str:
    """The short hash stored with each label to detect drift (whitespace-insensitive).

    Example:
        >>> value_hash("≥95%") == value_hash(" ≥95% ")
        True
    """
    return hashlib.blake2b(re.sub(r"\s+", "", value or "").encode("utf-8"), digest_size=4).hexdigest()


def load_labels(path: str | Path) -> list[GoldRow]:
    """Read ``review_labels.jsonl`` or ``review_synthetic.jsonl``.

    Raises:
        InputError: a missing file or a line that is not a label record.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"标注文件不存在：{path}")
    rows: list[GoldRow] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            reasons = tuple(
                GoldReason(r["code"], int(r["start"]), int(r["end"])) for r in data.get("reasons", [])
            )
            kind = data.get("kind", "synthetic")
            if kind == "seed":
                key: tuple[str, ...] = ("line", data["source"], str(data["line"]), str(data["index_on_line"]))
            elif kind == "songgang":
                key = ("cell", data["source"], data["sheet"], str(data["row"]))
            else:
                key = ("synthetic", data["id"])
            rows.append(
                GoldRow(
                    id=data["id"],
                    kind=kind,
                    source=data.get("source", "synthetic"),
                    label=data["label"],
                    reasons=reasons,
                    key=key,
                    value_hash=data.get("value_hash", ""),
                    level2=data.get("level2", ""),
                    name=data.get("name"),
                    value=data.get("value"),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path.name} 第 {number} 行不是有效的标注记录（{exc}）") from exc
    return rows


def row_keys(project: Project) -> list[tuple[tuple[str, ...], Indicator]]:
    """The join key of every indicator of an ingested project.

    Text documents: ``("line", source, n, k)`` for the k-th indicator read from line n; workbooks:
    ``("cell", source, sheet, row)``; anything else ``("ord", source, project location, i)``.

    Example:
        >>> p = Project("p", (make_indicator("产出指标", "数量指标", "a", "1次", location="行 7"),), source="x.txt")
        >>> row_keys(p)[0][0]
        ('line', 'x.txt', '7', '0')
    """
    keys: list[tuple[tuple[str, ...], Indicator]] = []
    per_line: dict[str, int] = defaultdict(int)
    for index, indicator in enumerate(project.indicators):
        location = indicator.location or ""
        line = _LINE_LOCATION.match(location)
        cell = _CELL_LOCATION.match(location)
        if line:
            n = line.group(1)
            keys.append((("line", project.source, n, str(per_line[n])), indicator))
            per_line[n] += 1
        elif cell:
            keys.append((("cell", project.source, cell.group("sheet"), cell.group("row")), indicator))
        else:
            keys.append((("ord", project.source, project.location, str(index)), indicator))
    return keys


@dataclass(frozen=True, slots=True)
class EvalItem:
    """A gold row joined with the indicator (and project) it labels."""

    gold: GoldRow
    indicator: Indicator
    project: Project | None

    @property
    def document(self) -> str:
        return self.gold.source


@dataclass(frozen=True)
class JoinResult:
    """Joined items plus what did not join: labels with no ingested row, drifted values, unlabelled rows."""

    items: tuple[EvalItem, ...]
    missing: tuple[GoldRow, ...]
    drifted: tuple[tuple[GoldRow, Indicator], ...]
    unlabelled: tuple[tuple[Project, Indicator], ...]


def join_labels(projects: Iterable[Project], labels: Iterable[GoldRow]) -> JoinResult:
    """Match ingested indicators to their labels by key, checking the value hash."""
    by_key = {row.key: row for row in labels if row.kind in CORPUS_KINDS}
    items: list[EvalItem] = []
    drifted: list[tuple[GoldRow, Indicator]] = []
    unlabelled: list[tuple[Project, Indicator]] = []
    seen: set[tuple[str, ...]] = set()
    for project in projects:
        for key, indicator in row_keys(project):
            gold = by_key.get(key)
            if gold is None:
                unlabelled.append((project, indicator))
                continue
            if key in seen:
                continue  # the same document read twice (e.g. from the seeds and from a store)
            seen.add(key)
            if gold.value_hash and gold.value_hash != value_hash(indicator.value):
                drifted.append((gold, indicator))
                continue
            items.append(EvalItem(gold, indicator, project))
    missing = tuple(row for key, row in by_key.items() if key not in seen)
    return JoinResult(tuple(items), missing, tuple(drifted), tuple(unlabelled))


def synthetic_items(rows: Iterable[GoldRow]) -> list[EvalItem]:
    """Items for the synthetic cases (their indicator is built from the stored text)."""
    items = []
    for row in rows:
        level1 = {"满意": "满意度指标"}.get(row.level2[:2], "")
        indicator = make_indicator(level1, row.level2, row.name or "", row.value or "", location=row.id)
        items.append(EvalItem(row, indicator, None))
    return items


# ---- predictions and metrics ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prediction:
    """What a system says about one indicator: defect or not, value-field reason codes and spans."""

    defect: bool
    codes: frozenset[str] = frozenset()
    spans: tuple[tuple[int, int], ...] = ()
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def defect_score(items: Sequence[EvalItem], predictions: Sequence[Prediction]) -> Score:
    """Indicator-level defect detection (na rows excluded).

    Example:
        >>> g = lambda label: EvalItem(GoldRow("x", "synthetic", "s", label, (), ("k",)), make_indicator("", "", "", ""), None)
        >>> s = defect_score([g("vague"), g("clear"), g("malformed"), g("na")],
        ...                  [Prediction(True), Prediction(True), Prediction(False), Prediction(True)])
        >>> (s.tp, s.fp, s.fn)
        (1, 1, 1)
    """
    tp = fp = fn = 0
    for item, pred in zip(items, predictions, strict=True):
        if item.gold.label == "na":
            continue
        gold = item.gold.is_defect
        tp += gold and pred.defect
        fp += (not gold) and pred.defect
        fn += gold and not pred.defect
    return Score(tp, fp, fn)


def _defect_outcomes(items: Sequence[EvalItem], predictions: Sequence[Prediction]) -> list[tuple[bool, bool]]:
    """(gold defect, predicted defect) per scored indicator (na rows excluded)."""
    return [
        (item.gold.is_defect, pred.defect)
        for item, pred in zip(items, predictions, strict=True)
        if item.gold.label != "na"
    ]


@dataclass(frozen=True, slots=True)
class Interval:
    """95% bootstrap intervals for defect precision and recall."""

    precision: tuple[float, float]
    recall: tuple[float, float]


def bootstrap_interval(
    outcomes: Sequence[tuple[bool, bool]], *, draws: int = 1000, seed: int = 0, level: float = 0.95
) -> Interval:
    """Percentile bootstrap over indicators for precision and recall (a resample without any
    predicted or gold defect is left out of that metric).

    Example:
        >>> iv = bootstrap_interval([(True, True)] * 95 + [(False, True)] * 5)
        >>> 0.9 <= iv.precision[0] <= 0.95 <= iv.precision[1] <= 1.0, iv.recall
        (True, (1.0, 1.0))
    """
    import numpy as np

    if not outcomes:
        return Interval((0.0, 0.0), (0.0, 0.0))
    arr = np.array(outcomes, dtype=bool)
    gold, pred = arr[:, 0], arr[:, 1]
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(arr), size=(draws, len(arr)))
    g, p = gold[idx], pred[idx]
    tp = (g & p).sum(axis=1)
    predicted, actual = p.sum(axis=1), g.sum(axis=1)
    alpha = (1 - level) / 2

    def bounds(num: np.ndarray, den: np.ndarray) -> tuple[float, float]:
        ok = den > 0
        if not ok.any():
            return (0.0, 0.0)
        ratios = num[ok] / den[ok]
        return (float(np.quantile(ratios, alpha)), float(np.quantile(ratios, 1 - alpha)))

    return Interval(bounds(tp, predicted), bounds(tp, actual))


def code_scores(items: Sequence[EvalItem], predictions: Sequence[Prediction]) -> dict[str, Score]:
    """Per reason code: is the code among the indicator's value reasons (gold vs predicted)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for item, pred in zip(items, predictions, strict=True):
        if item.gold.label == "na":
            continue
        gold_codes = {r.code for r in item.gold.reasons}
        for code in gold_codes | set(pred.codes):
            counts[code][0] += code in gold_codes and code in pred.codes
            counts[code][1] += code not in gold_codes and code in pred.codes
            counts[code][2] += code in gold_codes and code not in pred.codes
    return {code: Score(*c) for code, c in sorted(counts.items())}


def spans_match(a: tuple[int, int], b: tuple[int, int], overlap: float = SPAN_OVERLAP) -> bool:
    """True when the overlap covers at least ``overlap`` of each span.

    Example:
        >>> spans_match((0, 4), (0, 2)), spans_match((0, 5), (3, 5)), spans_match((0, 2), (2, 4))
        (True, False, False)
    """
    inter = min(a[1], b[1]) - max(a[0], b[0])
    longest = max(a[1] - a[0], b[1] - b[0])
    return inter > 0 and inter >= overlap * longest


def match_spans(gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]) -> int:
    """How many one-to-one matches (greedy, largest overlap first)."""
    pairs = []
    for i, g in enumerate(gold):
        for j, p in enumerate(predicted):
            if spans_match(g, p):
                pairs.append((min(g[1], p[1]) - max(g[0], p[0]), i, j))
    used_g: set[int] = set()
    used_p: set[int] = set()
    matched = 0
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            matched += 1
    return matched


def span_score(items: Sequence[EvalItem], predictions: Sequence[Prediction]) -> Score:
    """Code-agnostic value-span detection (na rows and empty spans excluded)."""
    tp = fp = fn = 0
    for item, pred in zip(items, predictions, strict=True):
        if item.gold.label == "na":
            continue
        gold = sorted({(r.start, r.end) for r in item.gold.reasons if r.end > r.start})
        predicted = sorted({s for s in pred.spans if s[1] > s[0]})
        matched = match_spans(gold, predicted)
        tp += matched
        fp += len(predicted) - matched
        fn += len(gold) - matched
    return Score(tp, fp, fn)


# ---- systems --------------------------------------------------------------------------------------

Predictor = Callable[[Sequence[EvalItem]], list[Prediction]]


@dataclass(frozen=True)
class System:
    """A named predictor."""

    name: str
    predict: Predictor


RULE_SHEET_CODES = {16: "EMPTY", 20: "MISSING_UNIT", 23: "NO_MEASURE", 25: "VAGUE_TIME"}


def rule_sheet_system(path: str | Path) -> System:
    """The songgang rule sheet: a defect when any rule on the value fires."""
    from .rule_sheet import RuleSheetBaseline

    baseline = RuleSheetBaseline.from_xlsx(path)

    def predict(items: Sequence[EvalItem]) -> list[Prediction]:
        out = []
        for item in items:
            hits = baseline.value_hits(item.indicator, item.project)
            out.append(
                Prediction(
                    bool(hits),
                    frozenset(RULE_SHEET_CODES.get(h.rule_id, f"SHEET_{h.rule_id}") for h in hits),
                    tuple((h.start, h.end) for h in hits),
                    detail=",".join(str(h.rule_id) for h in hits),
                )
            )
        return out

    return System("rule sheet (songgang 审核口径)", predict)


def review_to_prediction(review: object) -> Prediction:
    """Turn an :class:`~assistant.records.schema.IndicatorReview` into a :class:`Prediction`."""
    from ..engines.review.lexicon import DEFECT_CODES

    label = getattr(review, "label", "clear")
    defect = label in DEFECT_LABELS
    # codes and spans of the defect reasons only (warnings such as BINARY/MULTI are not claims of vagueness)
    reasons = [
        r for r in getattr(review, "reasons", ()) if defect and r.field == "value" and r.code in DEFECT_CODES
    ]
    return Prediction(
        defect,
        frozenset(r.code for r in reasons),
        tuple((r.start, r.end) for r in reasons),
        detail=";".join(f"{r.code}[{r.start}:{r.end}]" for r in getattr(review, "reasons", ())),
    )


def reviewer_system(name: str, reviewer: object) -> System:
    """A system backed by a :class:`~assistant.engines.review.Reviewer`."""

    def predict(items: Sequence[EvalItem]) -> list[Prediction]:
        return [
            review_to_prediction(reviewer.review_indicator(item.indicator, item.project))  # type: ignore[attr-defined]
            for item in items
        ]

    return System(name, predict)


# ---- the report -----------------------------------------------------------------------------------


@dataclass
class SystemResult:
    name: str
    defects: Score
    by_kind: dict[str, Score]
    codes: dict[str, Score]
    spans: Score
    predictions: list[Prediction] = field(default_factory=list)
    intervals: dict[str, Interval] = field(default_factory=dict)  # "" = all, else per source


def score_system(system: System, items: Sequence[EvalItem]) -> SystemResult:
    predictions = system.predict(items)
    by_kind: dict[str, Score] = {}
    intervals = {"": bootstrap_interval(_defect_outcomes(items, predictions))}
    for kind in sorted({i.gold.kind for i in items}):
        chosen = [(i, p) for i, p in zip(items, predictions, strict=True) if i.gold.kind == kind]
        kind_items, kind_preds = [c[0] for c in chosen], [c[1] for c in chosen]
        by_kind[kind] = defect_score(kind_items, kind_preds)
        intervals[kind] = bootstrap_interval(_defect_outcomes(kind_items, kind_preds))
    return SystemResult(
        system.name,
        defect_score(items, predictions),
        by_kind,
        code_scores(items, predictions),
        span_score(items, predictions),
        predictions,
        intervals,
    )


def _fmt(score: Score, interval: Interval | None = None) -> str:
    if interval is None:
        return f"P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}  (tp {score.tp}, fp {score.fp}, fn {score.fn})"
    (p0, p1), (r0, r1) = interval.precision, interval.recall
    return (
        f"P {score.precision:.3f} [{p0:.3f}, {p1:.3f}]  R {score.recall:.3f} [{r0:.3f}, {r1:.3f}]  "
        f"F1 {score.f1:.3f}  (tp {score.tp}, fp {score.fp}, fn {score.fn})"
    )


def format_report(
    results: Sequence[SystemResult],
    items: Sequence[EvalItem],
    *,
    notes: Sequence[str] = (),
    verbose: bool = False,
    max_errors: int = 200,
) -> str:
    """The printed report: one block per system, then (with ``verbose``) the errors of each system."""
    lines: list[str] = []
    counted = [i for i in items if i.gold.label != "na"]
    kinds = sorted({i.gold.kind for i in items})
    lines.append(
        f"评估集：{len(counted)} 条指标（不含 na {len(items) - len(counted)} 条），其中缺陷 "
        f"{sum(i.gold.is_defect for i in counted)} 条；来源 "
        + "，".join(f"{k} {sum(1 for i in counted if i.gold.kind == k)}" for k in kinds)
    )
    lines.extend(f"注：{n}" for n in notes)
    lines.append("区间：P、R 后方括号内为 95% 自助法（bootstrap，按指标重抽样 1000 次）置信区间")
    for result in results:
        lines.append("")
        lines.append(f"== {result.name}")
        lines.append(f"  缺陷（vague ∪ malformed）: {_fmt(result.defects, result.intervals.get(''))}")
        for kind, score in result.by_kind.items():
            lines.append(f"    {kind:<10} {_fmt(score, result.intervals.get(kind))}")
        lines.append(f"  片段（重叠 ≥50%）: {_fmt(result.spans)}")
        if result.codes:
            lines.append("  理由代码：")
            for code, score in result.codes.items():
                lines.append(f"    {code:<14} {_fmt(score)}")
    if verbose:
        for result in results:
            errors = []
            for item, pred in zip(items, result.predictions, strict=True):
                if item.gold.label == "na" or item.gold.is_defect == pred.defect:
                    continue
                kind = "FP" if pred.defect else "FN"
                ind = item.indicator
                gold_codes = ",".join(sorted({r.code for r in item.gold.reasons})) or "-"
                errors.append(
                    f"  {kind} [{item.gold.id}] {ind.level2}｜{ind.name}｜{ind.value}｜gold {item.gold.label}:{gold_codes}｜{pred.detail}"
                )
            lines.append("")
            lines.append(f"== 错误：{result.name}（{len(errors)} 条）")
            lines.extend(errors[:max_errors])
            if len(errors) > max_errors:
                lines.append(f"  … 另有 {len(errors) - max_errors} 条")
    return "\n".join(lines)


# ---- rewrites -------------------------------------------------------------------------------------

# Plausible fillings for the placeholders, to check that a rewrite is measurable once filled in.
_FILL = {
    "目标值": "90",
    "基期值": "80",
    "年份": "2023",
    "月份": "12",
    "天数": "5",
    "单位": "个",
    "量化口径": "覆盖率",
}
_PLACEHOLDER = re.compile(r"【待填：([^】]*)】")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class RewriteCheck:
    """How the rewrites of the gold defects hold up (rules-only reviewer, so no store evidence)."""

    defects: int  # gold defects (vague ∪ malformed)
    rewritten: int  # of those, with a rewrite
    measurable: int  # rewrite re-reviewed as clear once its placeholders are filled
    placeholders: int  # rewrites that keep at least one 【待填：…】
    invented: tuple[str, ...]  # rewrites with a number found neither in the value nor the project

    def lines(self) -> list[str]:
        r = max(self.rewritten, 1)
        return [
            f"改写自检（规则，无存储证据）：{self.defects} 条缺陷中 {self.rewritten} 条给出改写；"
            f"填入占位后复审为可衡量 {self.measurable}/{self.rewritten}（{self.measurable / r:.1%}）；"
            f"保留占位 {self.placeholders} 条；无出处的数字 {len(self.invented)} 条"
        ] + [f"    无出处：{x}" for x in self.invented[:10]]


def _sources(item: EvalItem) -> set[float]:
    texts = [item.indicator.value]
    project = item.project
    if project is not None:
        texts += [project.name, project.goal or ""]
    found = [n for t in texts for n in _NUMBER.findall(t)]
    numbers = {float(n) for n in found}
    # ≥9090% is a doubled 90: its half is the value's own number, not an invented one
    numbers |= {
        float(n[: len(n) // 2]) for n in found if len(n) % 2 == 0 and n[: len(n) // 2] == n[len(n) // 2 :]
    }
    if project is not None:
        numbers |= {float(x) for x in (project.budget_wan, project.year) if x is not None}
    return numbers | {n * 1e4 for n in numbers} | {n / 1e4 for n in numbers}


def rewrite_check(items: Sequence[EvalItem], reviewer: object) -> RewriteCheck:
    """Re-review every gold defect's rewrite with its placeholders filled, and look for invented numbers.

    A number in a rewrite must come from the value itself (a repaired form), the project's own text
    (name, goal, budget, year) or a year-end month (年底 → 12月); the rules-only reviewer has no
    store, so anything else would be invented.
    """
    defects = [i for i in items if i.gold.is_defect]
    rewritten = measurable = placeholders = 0
    invented: list[str] = []
    for item in defects:
        review = reviewer.review_indicator(item.indicator, item.project)  # type: ignore[attr-defined]
        text = review.rewrite
        if not text:
            continue
        rewritten += 1
        placeholders += bool(_PLACEHOLDER.search(text))
        filled = _PLACEHOLDER.sub(lambda m: _FILL.get(m.group(1), "1"), text)
        ind = item.indicator
        again = reviewer.review_indicator(  # type: ignore[attr-defined]
            make_indicator(ind.level1, ind.level2, ind.name, filled), item.project
        )
        measurable += again.label == "clear"
        known = _sources(item)
        bare = _PLACEHOLDER.sub("", text)
        for n in _NUMBER.findall(bare):
            x = float(n)
            if x in known or any(abs(x - k) < 1e-9 for k in known):
                continue
            if x == 12 and re.search(r"年底|年末|年度|全年|\d月", ind.value):
                continue
            invented.append(f"{ind.name}｜{ind.value}｜→ {text}")
            break
    return RewriteCheck(len(defects), rewritten, measurable, placeholders, tuple(invented))


# ---- the whole evaluation -------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT / "corpus" / "raw"
LABELS_PATH = ROOT / "corpus" / "labels" / "review_labels.jsonl"
SYNTHETIC_PATH = ROOT / "corpus" / "labels" / "review_synthetic.jsonl"
BLIND_PATH = ROOT / "corpus" / "labels" / "review_blind.jsonl"
BLIND2_PATH = ROOT / "corpus" / "labels" / "review_blind2.jsonl"
BLIND3_PATH = ROOT / "corpus" / "labels" / "review_blind3.jsonl"
RULE_SHEET_NAME = "审核口径模板.xlsx"


@dataclass
class ReviewEvaluation:
    """Everything one evaluation run produced (the printed report is :meth:`report`)."""

    items: list[EvalItem]
    results: list[SystemResult]
    notes: list[str]

    def report(self, *, verbose: bool = False) -> str:
        return format_report(self.results, self.items, notes=self.notes, verbose=verbose)

    def to_dict(self) -> dict[str, object]:
        """The metrics as plain data (for ``--json``)."""

        def score(s: Score, interval: Interval | None = None) -> dict[str, object]:
            out: dict[str, object] = {
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "f1": round(s.f1, 4),
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
            }
            if interval is not None:
                out["precision_95ci"] = [round(x, 4) for x in interval.precision]
                out["recall_95ci"] = [round(x, 4) for x in interval.recall]
            return out

        return {
            "rows": sum(1 for i in self.items if i.gold.label != "na"),
            "notes": self.notes,
            "systems": [
                {
                    "name": r.name,
                    "defects": score(r.defects, r.intervals.get("")),
                    "by_source": {k: score(v, r.intervals.get(k)) for k, v in r.by_kind.items()},
                    "spans": score(r.spans),
                    "codes": {k: score(v) for k, v in r.codes.items()},
                }
                for r in self.results
            ],
        }


def evaluate_review(
    store_dir: str | Path | None = None,
    *,
    labels_path: str | Path = LABELS_PATH,
    synthetic_path: str | Path | None = SYNTHETIC_PATH,
    blind_path: str | Path | None = BLIND_PATH,
    blind2_path: str | Path | None = BLIND2_PATH,
    blind3_path: str | Path | None = BLIND3_PATH,
    songgang_dir: str | Path | None = None,
) -> ReviewEvaluation:
    """Run every system on the joined gold rows (seeds + songgang if present) and the synthetic cases."""
    notes: list[str] = []
    labels = load_labels(labels_path)
    if songgang_dir is not None and not Path(songgang_dir).is_dir():
        raise InputError(f"songgang 文件夹不存在：{songgang_dir}")
    folder = Path(songgang_dir) if songgang_dir is not None else None
    projects = _corpus_projects(store_dir, notes)
    workbooks = (
        sorted(p for p in folder.glob("*.xlsx") if "审核口径" not in p.name and not p.name.startswith("~$"))
        if folder is not None
        else []
    )
    if workbooks:
        projects.extend(_read_all(workbooks, notes))
    else:
        notes.append("没有给出 songgang 工作簿（--songgang DIR）：只评估种子文档与合成样例，规则表基线跳过")
    joined = join_labels(projects, labels)
    kinds_present = {p.source for p in projects}
    missing = [m for m in joined.missing if m.source in kinds_present]
    if missing:
        by_label: dict[str, int] = defaultdict(int)
        for m in missing:
            by_label[m.label] += 1
        notes.append(
            f"{len(missing)} 条标注在读入结果中找不到对应行（"
            + "，".join(f"{k} {v}" for k, v in sorted(by_label.items()))
            + "）"
        )
    if joined.drifted:
        notes.append(f"{len(joined.drifted)} 条标注的指标值已变化（哈希不符），未计入")
    unlabelled = [u for u in joined.unlabelled if u[0].source in {g.source for g in labels}]
    if unlabelled:
        notes.append(f"{len(unlabelled)} 条读入的指标没有标注，未计入")
    items = list(joined.items)
    for extra in (synthetic_path, blind_path, blind2_path, blind3_path):
        if extra is not None and Path(extra).is_file():
            items += synthetic_items(load_labels(extra))

    systems: list[System] = []
    sheet = folder / RULE_SHEET_NAME if folder is not None else None
    if sheet is not None and sheet.is_file():
        systems.append(rule_sheet_system(sheet))
    else:
        notes.append(f"规则表 {RULE_SHEET_NAME} 不存在：跳过基线")

    from ..engines.review.reviewer import Reviewer

    rules_only = Reviewer()
    systems.append(reviewer_system("rules only", rules_only))
    results = [score_system(system, items) for system in systems]
    notes.extend(rewrite_check(items, rules_only).lines())
    return ReviewEvaluation(items, results, notes)


def _read_all(paths: Sequence[Path], notes: list[str]) -> list[Project]:
    """The projects of ``paths``; a file that cannot be read is named in ``notes`` and skipped."""
    import warnings

    from ..documents import read_document
    from ..errors import IngestError

    projects: list[Project] = []
    for path in paths:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                projects.extend(read_document(path))
        except IngestError as exc:
            notes.append(f"无法读取 {path.name}：{exc.reason}")
    return projects


def _corpus_projects(store_dir: str | Path | None, notes: list[str]) -> list[Project]:
    """The seed documents' projects, then a store's projects not among them."""
    projects = _read_all(sorted(SEEDS_DIR.glob("*.txt")), notes)
    if store_dir is not None:
        from ..store.database import Store

        seen = {p.id for p in projects}
        projects += [p for p in Store.open(store_dir, create=False).projects() if p.id not in seen]
    return projects
