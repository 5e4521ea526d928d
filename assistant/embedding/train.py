"""Domain tuning of a static word model on the corpus (MultipleNegativesRankingLoss, seeded).

Training pairs, from the store's projects:

- project text (名称 + 年度目标) ↔ each of its indicator names;
- indicator ↔ a differently worded indicator in the same 二级 slot of a similar project (the nearest
  projects by the base model's project-text similarity, cosine ≥ ``neighbour_threshold``).

The loop is plain PyTorch over the sentence-transformers model and its ``MultipleNegativesRankingLoss``
(in-batch negatives, no duplicate texts in a batch). We do not use ``SentenceTransformerTrainer``:
it needs the ``datasets`` and ``accelerate`` packages (pyarrow & co., ~100 MB) for what is here a few
hundred optimiser steps. The embedding is switched to sparse gradients with ``SparseAdam``, so a step
costs the rows of the batch's words, not all 129k rows (≈ 50× faster on CPU), and words the corpus
never uses keep their pretrained vectors exactly.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..errors import AssistantError
from ..records.schema import Project
from ..store.indexes import project_text
from ..text.tokenizer import Tokenizer, default_tokenizer
from .build import save_model_atomically
from .static import STATIC_KIND, StaticModelConfig, read_vocabulary


@dataclass(frozen=True)
class TuningConfig:
    """Hyper-parameters (defaults measured on the songgang + seed corpus, see scripts/measure_embeddings.py)."""

    epochs: int = 3
    learning_rate: float = 1e-3
    batch_size: int = 64
    scale: float = 20.0
    seed: int = 0
    neighbours: int = 2
    neighbour_threshold: float = 0.8
    max_pairs: int = 200_000


@dataclass(frozen=True)
class TuningReport:
    directory: Path
    pairs: int
    steps: int
    seconds: float
    final_loss: float


def _useful(name: str) -> bool:
    return bool(name.strip()) and name.strip() not in ("不适用", "无", "/", "-")


def training_pairs(
    projects: Sequence[Project],
    project_vectors: np.ndarray,
    *,
    neighbours: int = 2,
    neighbour_threshold: float = 0.8,
) -> list[tuple[str, str]]:
    """(anchor, positive) pairs in a deterministic order (see the module docstring).

    Args:
        projects: the corpus.
        project_vectors: L2-normalised embeddings of :func:`project_text` for each project, by the
            base model (they decide which projects count as similar).
    """
    pairs: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(a: str, b: str) -> None:
        if a and b and a != b and (a, b) not in seen:
            seen.add((a, b))
            pairs.append((a, b))

    for project in projects:
        text = project_text(project)
        for indicator in project.indicators:
            if _useful(indicator.name):
                add(text, indicator.name)
    if len(projects) > 1:
        similarity = project_vectors @ project_vectors.T
        np.fill_diagonal(similarity, -np.inf)
        for i, project in enumerate(projects):
            order = np.argsort(-similarity[i], kind="stable")[:neighbours]
            for j in order:
                if similarity[i, j] < neighbour_threshold:
                    break
                for mine in project.indicators:
                    for theirs in projects[j].indicators:
                        if mine.level2 == theirs.level2 and _useful(mine.name) and _useful(theirs.name):
                            add(mine.name, theirs.name)
    return pairs


def _batches(pairs: Sequence[tuple[str, str]], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches in which no text appears twice (a repeated text would be its own negative)."""
    pending = list(range(len(pairs)))
    rng.shuffle(pending)
    batches: list[list[int]] = []
    while pending:
        batch: list[int] = []
        texts: set[str] = set()
        rest: list[int] = []
        for i in pending:
            a, b = pairs[i]
            if len(batch) < size and a not in texts and b not in texts:
                batch.append(i)
                texts.update((a, b))
            else:
                rest.append(i)
        if len(batch) > 1:
            batches.append(batch)
        pending = rest if len(batch) > 1 else []
    return batches


def tune_static_model(
    base_directory: Path | str,
    projects: Sequence[Project],
    output_directory: Path | str,
    *,
    name: str | None = None,
    config: TuningConfig | None = None,
    tokenizer: Tokenizer | None = None,
) -> TuningReport:
    """Fine-tune the static model in ``base_directory`` on ``projects`` and save it to ``output_directory``.

    Deterministic for a given corpus, config and machine: seeded shuffling, seeded torch, one thread.

    Raises:
        AssistantError: the base is not one of our static word models, or the corpus gives no pairs.
    """
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    start = time.perf_counter()
    config = config or TuningConfig()
    tokenizer = tokenizer or default_tokenizer()
    base_directory, output_directory = Path(base_directory), Path(output_directory)
    base_config = StaticModelConfig.load(base_directory)
    if base_config is None or base_config.kind != STATIC_KIND:
        raise AssistantError(
            f"{base_directory} 不是静态词向量模型（缺少 assistant_embedder.json）：只能微调 assistant models build 生成的模型"
        )

    from .static import StaticWordModel, VocabularySegmenter

    base = StaticWordModel.load(base_directory, tokenizer)
    texts = [project_text(p) for p in projects]
    pairs = training_pairs(
        projects,
        base.encode(texts) if texts else np.zeros((0, base.dimension), np.float32),
        neighbours=config.neighbours,
        neighbour_threshold=config.neighbour_threshold,
    )[: config.max_pairs]
    segmenter = VocabularySegmenter(tokenizer, read_vocabulary(base_directory))
    segmented = [(segmenter.join(a), segmenter.join(b)) for a, b in pairs]
    segmented = [(a, b) for a, b in segmented if a and b]
    if len(segmented) < 2:
        raise AssistantError(
            f"语料太少，无法微调：只得到 {len(segmented)} 个训练对（至少需要 2 个；先导入更多文档）"
        )

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(config.seed)
        rng = random.Random(config.seed)
        model = SentenceTransformer(str(base_directory), device="cpu", local_files_only=True)
        model[0].embedding.sparse = True  # type: ignore[union-attr]  # sparse rows + SparseAdam: untouched words stay
        loss_function = MultipleNegativesRankingLoss(model, scale=config.scale)
        optimiser = torch.optim.SparseAdam(list(model[0].parameters()), lr=config.learning_rate)
        model.train()
        steps, loss_value = 0, float("nan")
        for _ in range(config.epochs):
            for batch in _batches(segmented, config.batch_size, rng):
                features = [
                    model.preprocess([segmented[i][0] for i in batch]),
                    model.preprocess([segmented[i][1] for i in batch]),
                ]
                loss = loss_function(features, None)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                steps += 1
                loss_value = float(loss.detach())
        model.eval()
        model[0].embedding.sparse = False  # type: ignore[union-attr]
    finally:
        torch.set_num_threads(threads)

    tuned = StaticModelConfig(
        kind=STATIC_KIND,
        name=name or f"{base_config.name}-tuned",
        dimension=base_config.dimension,
        segmentation=base_config.segmentation,
        tokenizer_fingerprint=tokenizer.fingerprint,
        details={
            **base_config.details,
            "tuned_from": base_config.name,
            "tuning": asdict(config),
            "pairs": len(segmented),
            "projects": len(projects),
            "steps": steps,
            "final_loss": round(loss_value, 4),
        },
    )
    save_model_atomically(model, tuned, output_directory)
    return TuningReport(output_directory, len(segmented), steps, time.perf_counter() - start, loss_value)


__all__ = ["TuningConfig", "TuningReport", "project_text", "training_pairs", "tune_static_model"]
