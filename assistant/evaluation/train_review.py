"""Train the review's learned vagueness model from the corpus (run by ``assistant models build``).

Training rows come from every ingested indicator we can read:

- the seeds in ``corpus/raw`` (and, with ``store_dir``, every project of that store);
- songgang workbooks only when a caller names their folder (``songgang=``; the evaluation does,
  ``models build`` does not, so the shipped model is the same on every machine);

and each row is labelled by, in order of preference:

1. the hand-checked label in ``corpus/labels/review_labels.jsonl`` (joined by source/line or
   source/sheet/row and checked against the value hash), weight 1;
2. a weak label from the rule layer (:func:`assistant.engines.review.rules.analyse`) for rows
   nobody has labelled, weight :data:`WEAK_WEIGHT` — only where the rules are confident (a
   blocking defect, or a strong measurable core with no hit).

``na`` rows (不适用) are left out: the rules handle them. Identical ``(name, value, slot)`` rows are
merged (weight 1 + log(count)) so a template repeated in 40 sheets does not drown the rest.

The evaluation never scores a model on rows it was trained on: :mod:`review_eval` trains one model
per held-out document with ``exclude_sources`` (leave-one-document-out).

Training is deterministic (liblinear, fixed order) and takes a few seconds on one CPU core; loading
the word vectors (~1 s) is most of it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..engines.review.learned import (
    VaguenessModel,
    WordVectorTable,
    default_model_dir,
    fit_vagueness_model,
    normalise_value,
    usable_words,
)
from ..errors import AssistantError
from ..records.schema import Indicator, Project

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
LABELS_PATH = ROOT / "corpus" / "labels" / "review_labels.jsonl"
SEEDS_DIR = ROOT / "corpus" / "raw"
WEAK_WEIGHT = 0.3
DEFAULT_C = 4.0
# The mean word vector enters with weight 0.2 (chosen by leave-one-document-out on seeds + songgang:
# at 1.0 single words reached scores of ±10 and vetoed true defects such as 干净整洁).
DEFAULT_EMBEDDING_SCALE = 0.2
DEFECT_LABELS = frozenset({"vague", "malformed"})


@dataclass(frozen=True, slots=True)
class Example:
    """One training row: the indicator's text, its label (1 defect / 0 clear) and where it occurs.

    ``sources`` lists the document of every occurrence (with repeats), so that holding a document
    out removes exactly its own occurrences.
    """

    name: str
    value: str
    level2: str
    label: int
    gold: bool
    sources: tuple[str, ...]

    def weight(self, excluded: frozenset[str] = frozenset()) -> float:
        """1 + log(occurrences outside ``excluded``), scaled down for weak labels; 0 if none remain."""
        count = sum(1 for s in self.sources if s not in excluded)
        if count == 0:
            return 0.0
        return (1.0 if self.gold else WEAK_WEIGHT) * (1.0 + math.log(count))


def songgang_workbooks(folder: Path) -> list[Path]:
    """The 申报表 exports of the folder (the rule sheet 审核口径模板.xlsx excluded)."""
    return sorted(
        p for p in folder.glob("*.xlsx") if "审核口径" not in p.name and not p.name.startswith("~$")
    )


def corpus_projects(
    store_dir: str | Path | None = None, *, songgang: str | Path | None = None
) -> list[Project]:
    """Every project training may use: the seeds, the songgang workbooks of the folder ``songgang``
    names (the package never looks for ../shared on its own), a store's projects.

    Unreadable files are logged and skipped (training must not fail because one export is broken).
    """
    import warnings

    from ..documents import read_document

    paths = sorted(SEEDS_DIR.glob("*.txt"))
    if songgang is not None and Path(songgang).is_dir():
        paths += songgang_workbooks(Path(songgang))
    projects: list[Project] = []
    seen: set[str] = set()
    for path in paths:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                read = read_document(path)
        except AssistantError as exc:
            log.warning("训练数据读取失败，已跳过：%s", exc)
            continue
        for project in read:
            seen.add(project.id)
            projects.append(project)
    if store_dir is not None:
        from ..store.database import Store

        for project in Store.open(store_dir, create=False).projects():
            if project.id not in seen:
                seen.add(project.id)
                projects.append(project)
    return projects


def weak_label(indicator: Indicator) -> int | None:
    """A rule-derived label for an unlabelled row: 1, 0, or None when the rules are not confident."""
    from ..engines.review.rules import STRONG_CORES, analyse

    analysis = analyse(indicator.name, indicator.value, indicator.level2)
    if analysis.core in ("na", "empty"):
        return None
    value_hits = [h for h in analysis.hits if h.field == "value"]
    if any(h.severity == "block" for h in value_hits):
        return 1
    if not value_hits and analysis.core in STRONG_CORES:
        return 0
    return None


def gather_examples(
    projects: Iterable[Project],
    gold: dict[tuple[str, ...], str] | None = None,
    *,
    weak: Callable[[Indicator], int | None] | None = weak_label,
) -> list[Example]:
    """Label every indicator of ``projects`` (gold label first, weak label otherwise) and merge duplicates.

    Args:
        projects: ingested projects.
        gold: join key (see :func:`assistant.evaluation.review_eval.join_key`) → gold label.
        weak: the weak labeller for rows without a gold label (None: gold rows only).
    """
    from .review_eval import row_keys

    gold = gold or {}
    merged: dict[tuple[str, str, str, int, bool], list[str]] = {}
    for project in projects:
        for key, indicator in row_keys(project):
            label_text = gold.get(key)
            if label_text is not None:
                if label_text not in ("clear", "vague", "malformed"):
                    continue
                entry = (
                    indicator.name,
                    indicator.value,
                    indicator.level2,
                    int(label_text in DEFECT_LABELS),
                    True,
                )
            else:
                if weak is None:
                    continue
                label = weak(indicator)
                if label is None:
                    continue
                entry = (indicator.name, indicator.value, indicator.level2, label, False)
            merged.setdefault(entry, []).append(project.source)
    return [
        Example(name, value, level2, label, is_gold, tuple(sources))
        for (name, value, level2, label, is_gold), sources in merged.items()
    ]


_VECTORS: dict[str, WordVectorTable | None] = {}


def load_word_vectors() -> WordVectorTable | None:
    """The cnsyn word vectors restricted to Chinese words of ≤ 6 characters (None if unavailable)."""
    if "cnsyn" not in _VECTORS:
        try:
            from ..embedding.cnsyn_vectors import read_cnsyn_vectors

            vectors = read_cnsyn_vectors()
        except (AssistantError, OSError, ImportError) as exc:
            log.warning("词向量不可用，复核模型只用字符特征训练：%s", exc)
            _VECTORS["cnsyn"] = None
        else:
            keep = usable_words(vectors.words)
            _VECTORS["cnsyn"] = WordVectorTable(tuple(vectors.words[i] for i in keep), vectors.vectors[keep])
    return _VECTORS["cnsyn"]


def train_model(
    examples: Sequence[Example],
    word_vectors: WordVectorTable | None = None,
    *,
    exclude_sources: Iterable[str] = (),
    exclude_values: Iterable[str] = (),
    c: float = DEFAULT_C,
    embedding_scale: float = DEFAULT_EMBEDDING_SCALE,
) -> VaguenessModel:
    """Fit the model on ``examples`` minus the occurrences in ``exclude_sources`` (held-out documents).

    ``exclude_values`` also drops every example whose normalised value is listed (a value-disjoint
    split: the model is then scored only on values it has never seen).
    """
    excluded = frozenset(exclude_sources)
    banned = {normalise_value(v) for v in exclude_values}
    rows = [e for e in examples if e.weight(excluded) > 0 and normalise_value(e.value) not in banned]
    meta = {
        "gold_rows": sum(e.gold for e in rows),
        "weak_rows": sum(not e.gold for e in rows),
        "sources": sorted({s for e in rows for s in e.sources if s not in excluded}),
        "word_vectors": "cnsyn-1.2.0" if word_vectors is not None else None,
    }
    return fit_vagueness_model(
        [(e.name, e.value, e.level2, e.label) for e in rows],
        word_vectors,
        weights=[e.weight(excluded) for e in rows],
        c=c,
        embedding_scale=embedding_scale,
        meta=meta,
    )


def build_review_model(
    models_dir: str | Path | None = None,
    *,
    store_dir: str | Path | None = None,
    labels_path: str | Path | None = None,
    use_word_vectors: bool = True,
    songgang: str | Path | None = None,
) -> Path:
    """Train the default review model on the whole corpus and write it to ``<models_dir>/review``.

    Args:
        models_dir: the models folder (default ``<repo>/models``, or ``$ASSISTANT_MODELS``).
        store_dir: also train on every project of this store (weak labels where unlabelled).
        labels_path: the hand-checked labels (default ``corpus/labels/review_labels.jsonl``).
        use_word_vectors: fold in the cnsyn word vectors (off: n-gram features only).
        songgang: also train on these workbooks (default none: `models build` gives the same model on
            every machine, whether or not ../shared is beside the checkout).

    Returns:
        The folder written (``<models_dir>/review``).
    """
    from .review_eval import gold_index, load_labels

    started = time.perf_counter()
    target = Path(models_dir) / "review" if models_dir is not None else default_model_dir()
    labels = load_labels(labels_path or LABELS_PATH) if Path(labels_path or LABELS_PATH).is_file() else []
    projects = corpus_projects(store_dir, songgang=songgang)
    examples = gather_examples(projects, gold_index(labels))
    vectors = load_word_vectors() if use_word_vectors else None
    model = train_model(examples, vectors)
    model.meta["trained_seconds"] = round(time.perf_counter() - started, 2)
    model.save(target)
    log.info(
        "复核模型已写入 %s（%d 条训练样本，其中人工标注 %d 条）",
        target,
        model.meta.get("training_rows", 0),
        model.meta.get("gold_rows", 0),
    )
    return target
