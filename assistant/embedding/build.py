"""Build the embedded default model: cnsyn word vectors, SIF-weighted, saved as a sentence-transformers model.

Recipe (chosen by measurement, see ``scripts/measure_embeddings.py``):

1. read cnsyn's 129,691 × 75 word vectors (:mod:`.cnsyn_vectors`);
2. SIF weighting (Arora et al. 2017) folded into the vectors: ``v_w · a / (a + p(w))`` with ``p(w)``
   the word's relative frequency in jieba's dictionary and ``a = 1e-4``;
3. common-component removal folded in too: the first principal direction ``u`` of the
   frequency-weighted vectors is projected out of every word vector (the mean of projected vectors is
   the projected mean, so pooling then normalising gives SIF's sentence vectors exactly);
4. wrapped as ``StaticEmbedding`` + ``Normalize`` over a word-level tokenizer and saved (safetensors)
   under ``models/<name>/`` with an :data:`~.static.CONFIG_FILE` saying "feed jieba-segmented text".

Writing is atomic: the model is built in a temporary sibling folder and renamed into place, so an
interrupted build never leaves a half-written model that looks valid.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ..atomic import swap_in
from ..errors import AssistantError
from ..locking import exclusive_lock
from ..text.tokenizer import Tokenizer, default_tokenizer
from .cnsyn_vectors import WordVectors, read_cnsyn_vectors
from .static import CONFIG_FILE, STATIC_KIND, StaticModelConfig, _static_module_dir

DEFAULT_MODEL_NAME = "cnsyn-sif-zh-75d"
BUILD_VERSION = 1  # bump when the recipe changes: existing builds are then rebuilt
DEFAULT_SIF_A = 1e-4

REPO_ROOT = Path(__file__).resolve().parents[2]

Variant = Literal["raw", "sif"]


def models_dir() -> Path:
    """Where built models live: ``$ASSISTANT_MODELS`` or ``<repo>/models``."""
    env = os.environ.get("ASSISTANT_MODELS", "").strip()
    return Path(env).expanduser() if env else REPO_ROOT / "models"


def default_model_dir() -> Path:
    return models_dir() / DEFAULT_MODEL_NAME


def jieba_word_frequencies() -> dict[str, int]:
    """Word counts of jieba's own dictionary (349k words): the unigram frequencies for SIF."""
    import jieba

    path = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    counts: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split(" ")
            if len(parts) >= 2 and parts[1].strip().isdigit():
                counts[parts[0]] = int(parts[1])
    return counts


def sif_vectors(
    vectors: np.ndarray,
    words: tuple[str, ...] | list[str],
    frequencies: dict[str, int],
    a: float = DEFAULT_SIF_A,
    remove_common_component: bool = True,
) -> np.ndarray:
    """Word vectors with SIF weights (and optionally the common component removal) folded in.

    Words absent from ``frequencies`` count as seen once (weight ≈ 1: rare words carry meaning).

    Example:
        >>> v = sif_vectors(np.eye(2, dtype=np.float32), ["的", "党员"], {"的": 999, "党员": 1}, a=1e-3,
        ...                 remove_common_component=False)
        >>> bool(v[0, 0] < v[1, 1])  # the frequent word is down-weighted
        True
    """
    total = float(sum(frequencies.values())) or 1.0
    p = np.array([frequencies.get(w, 1) / total for w in words], dtype=np.float64)
    weighted = vectors.astype(np.float64) * (a / (a + p))[:, None]
    if remove_common_component:
        _, _, vt = np.linalg.svd(weighted * np.sqrt(p)[:, None], full_matrices=False)
        u = vt[0]
        weighted = weighted - np.outer(weighted @ u, u)
    return weighted.astype(np.float32)


@dataclass(frozen=True)
class BuildReport:
    """What :func:`build_static_model` did."""

    directory: Path
    seconds: float
    vocabulary: int
    dimension: int
    bytes_on_disk: int


def build_static_model(
    directory: Path | str,
    *,
    name: str = DEFAULT_MODEL_NAME,
    variant: Variant = "sif",
    sif_a: float = DEFAULT_SIF_A,
    vectors: WordVectors | None = None,
    tokenizer: Tokenizer | None = None,
) -> BuildReport:
    """Build a static word model from the cnsyn vectors (or ``vectors``) and save it to ``directory``.

    ``variant="raw"`` keeps cnsyn's vectors as they are (plain mean pooling); ``"sif"`` applies the
    recipe of the module docstring. An existing model in ``directory`` is replaced atomically.
    """
    start = time.perf_counter()
    directory = Path(directory)
    tokenizer = tokenizer or default_tokenizer()
    source = vectors or read_cnsyn_vectors()
    if variant == "sif":
        matrix = sif_vectors(source.vectors, source.words, jieba_word_frequencies(), a=sif_a)
    elif variant == "raw":
        matrix = source.vectors
    else:
        raise ValueError(f"unknown variant {variant!r}: use 'raw' or 'sif'")

    from .static import static_sentence_transformer

    model = static_sentence_transformer(source.words, matrix)
    details = {
        "build_version": BUILD_VERSION,
        "source": "cnsyn 1.2.0 words_tree_mini.m" if vectors is None else "custom",
        "variant": variant,
        "sif_a": sif_a if variant == "sif" else None,
        "vocabulary": len(source.words),
    }
    config = StaticModelConfig(
        kind=STATIC_KIND,
        name=name,
        dimension=int(matrix.shape[1]),
        segmentation="jieba",
        tokenizer_fingerprint=tokenizer.fingerprint,
        details=details,
    )
    save_model_atomically(model, config, directory)
    size = sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())
    return BuildReport(directory, time.perf_counter() - start, len(source.words), int(matrix.shape[1]), size)


def save_model_atomically(model: object, config: StaticModelConfig, directory: Path) -> None:
    """``model.save`` into a temporary sibling, add the config, then swap it into ``directory``."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.building-"))
    try:
        model.save(str(staging), create_model_card=False)  # type: ignore[attr-defined]
        config.save(staging)
        for path in [staging, *staging.rglob("*")]:  # safetensors writes 0600; models are meant to be shared
            path.chmod(0o755 if path.is_dir() else 0o644)
        swap_in(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def is_valid_static_model(directory: Path) -> bool:
    """Whether ``directory`` holds a complete static model built by this version's recipe."""
    try:
        config = StaticModelConfig.load(directory)
    except AssistantError:
        return False
    if config is None or config.kind != STATIC_KIND:
        return False
    if config.details.get("build_version") != BUILD_VERSION:
        return False
    module_dir = _static_module_dir(directory)
    return (
        all((module_dir / f).is_file() for f in ("tokenizer.json", "model.safetensors"))
        and (directory / "modules.json").is_file()
    )


def ensure_default_model(*, force: bool = False) -> tuple[Path, BuildReport | None]:
    """The default model's folder, built first when missing, stale or ``force``d.

    Returns the folder and the build report (None when an existing valid model was kept).
    """
    directory = default_model_dir()
    if not force and is_valid_static_model(directory):
        return directory, None
    try:
        with exclusive_lock(directory.parent / ".build.lock"):
            if not force and is_valid_static_model(directory):  # another process built it meanwhile
                return directory, None
            report = build_static_model(directory)
    except OSError as error:
        raise AssistantError(
            f"无法写入模型目录 {directory}：{error.strerror or error}；可用环境变量 ASSISTANT_MODELS 指定其他目录"
        ) from error
    return directory, report


__all__ = [
    "BUILD_VERSION",
    "CONFIG_FILE",
    "DEFAULT_MODEL_NAME",
    "BuildReport",
    "build_static_model",
    "default_model_dir",
    "ensure_default_model",
    "is_valid_static_model",
    "jieba_word_frequencies",
    "models_dir",
    "sif_vectors",
]
