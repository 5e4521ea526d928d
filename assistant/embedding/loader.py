"""Load an embedder: the embedded default, one of our built models, or any sentence-transformers model.

``load_embedder(None)`` gives the default static model (built into ``models/`` on first use);
a name under ``models/``, a local directory or a Hugging Face hub id gives that model. Every call goes
through a per-process cache keyed by the resolved model, so the CLI, the app and a notebook share one
instance.

Our static word models are run by :class:`StaticEmbedder` (numpy only: no torch import, same numbers
as sentence-transformers, which a test checks); any other model by :class:`SentenceTransformerEmbedder`.
Both return float32, L2-normalised rows.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from ..errors import AssistantError
from ..text.tokenizer import Tokenizer, default_tokenizer
from .build import DEFAULT_MODEL_NAME, ensure_default_model, models_dir
from .static import STATIC_KIND, StaticModelConfig, StaticWordModel, VocabularySegmenter, read_vocabulary

Backend = Literal["auto", "sentence-transformers"]
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}(/[A-Za-z0-9][\w.-]{0,95})?$")


@runtime_checkable
class Embedder(Protocol):
    """What retrieval needs from a sentence model."""

    name: str
    dimension: int
    fingerprint: str  # changes whenever the model's outputs may change (indexes key on it)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array of shape ``(len(texts), dimension)``, rows L2-normalised (zero for empty text)."""
        ...


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 1e-12)
    return matrix


def _directory_fingerprint(directory: Path) -> str:
    """Names, sizes and modification times of a model's files: cheap, and changes on every rebuild."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(directory)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


class StaticEmbedder:
    """Our static word model run with numpy (jieba segments → mean of word vectors → L2 norm).

    Example:
        >>> embedder = load_embedder()  # doctest: +SKIP
        >>> embedder.encode(["资金及时拨付率", "资金发放及时率"]).shape  # doctest: +SKIP
        (2, 75)
    """

    def __init__(self, directory: Path, config: StaticModelConfig, tokenizer: Tokenizer) -> None:
        self.directory = directory
        self.config = config
        self.name = config.name
        self.tokenizer = tokenizer
        self._model = StaticWordModel.load(directory, tokenizer)
        self.dimension = self._model.dimension
        self.fingerprint = f"{self.name}:{_directory_fingerprint(directory)}:{tokenizer.fingerprint}"

    @property
    def segmenter(self) -> VocabularySegmenter:
        return self._model.segmenter

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self._model.encode(list(texts))

    def __repr__(self) -> str:
        return f"StaticEmbedder({self.name!r}, dimension={self.dimension})"


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; text is pre-segmented when the model is one of our word models."""

    def __init__(
        self,
        model: Any,
        name: str,
        fingerprint: str,
        segmenter: VocabularySegmenter | None = None,
        batch_size: int = 64,
    ) -> None:
        self.model = model
        self.name = name
        self.fingerprint = fingerprint
        self.segmenter = segmenter
        self.batch_size = batch_size
        get_dimension = (
            getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        )
        dimension = get_dimension()
        if dimension is None:  # some models only know after a forward pass
            dimension = int(model.encode(["维度"], convert_to_numpy=True).shape[1])
        self.dimension = int(dimension)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        inputs = [self.segmenter.join(t) for t in texts] if self.segmenter else [t or "" for t in texts]
        vectors = self.model.encode(
            inputs, batch_size=self.batch_size, convert_to_numpy=True, show_progress_bar=False
        )
        return _normalise_rows(vectors)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.name!r}, dimension={self.dimension})"


_CACHE: dict[tuple[str, str], Embedder] = {}
_CACHE_LOCK = threading.Lock()


def _resolve(name_or_path: str | None) -> tuple[Path | None, str]:
    """A local model directory (built on demand for the default) or, failing that, a hub id."""
    if name_or_path is None or name_or_path in ("", "default", DEFAULT_MODEL_NAME):
        directory, _ = ensure_default_model()
        return directory, DEFAULT_MODEL_NAME
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path.resolve(), name_or_path
    if path.exists():
        raise AssistantError(
            f"模型路径 {name_or_path} 不是文件夹：请给出 sentence-transformers 模型目录或模型名"
        )
    built = models_dir() / name_or_path
    if "/" not in name_or_path and built.is_dir():
        return built.resolve(), name_or_path
    if not _HUB_ID.match(name_or_path):
        raise AssistantError(
            f"模型目录 {name_or_path} 不存在：请给出 sentence-transformers 模型目录、models/ 下的模型名或 hub id（如 BAAI/bge-small-zh-v1.5）"
        )
    return None, name_or_path


def load_embedder(
    name_or_path: str | None = None,
    *,
    backend: Backend = "auto",
    tokenizer: Tokenizer | None = None,
) -> Embedder:
    """The embedder for ``name_or_path`` (None → the embedded default), cached per process.

    Args:
        name_or_path: None/"default", a model name under ``models/``, a local sentence-transformers
            directory, or a hub id (downloaded by sentence-transformers only where there is network).
        backend: "auto" runs our static word models with numpy; "sentence-transformers" always
            goes through ``SentenceTransformer`` (same numbers, slower start).
        tokenizer: the jieba component for our word models (default :func:`default_tokenizer`).

    Raises:
        AssistantError: the model cannot be found locally and cannot be downloaded, or is broken.
    """
    tokenizer = tokenizer or default_tokenizer()
    directory, name = _resolve(name_or_path)
    key = (str(directory) if directory else f"hub:{name}", f"{backend}:{tokenizer.fingerprint}")
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    embedder = _load(directory, name, backend, tokenizer)
    with _CACHE_LOCK:
        return _CACHE.setdefault(key, embedder)


def clear_embedder_cache() -> None:
    """Forget every loaded embedder (tests; after rebuilding a model in place)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _load(directory: Path | None, name: str, backend: Backend, tokenizer: Tokenizer) -> Embedder:
    config = StaticModelConfig.load(directory) if directory is not None else None
    is_static = config is not None and config.kind == STATIC_KIND
    if is_static and backend == "auto":
        assert directory is not None and config is not None
        return StaticEmbedder(directory, config, tokenizer)
    model = _sentence_transformer(directory, name)
    if directory is not None:
        fingerprint = f"{name}:{_directory_fingerprint(directory)}"
    else:
        fingerprint = f"hub:{name}"
    segmenter = None
    if is_static:
        assert directory is not None
        segmenter = VocabularySegmenter(tokenizer, read_vocabulary(directory))
        fingerprint += f":{tokenizer.fingerprint}"
    display = config.name if config is not None else name
    return SentenceTransformerEmbedder(model, display, fingerprint, segmenter)


def _sentence_transformer(directory: Path | None, name: str) -> Any:
    """``SentenceTransformer`` on CPU; a hub id is tried from the local cache first, then the network."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as error:  # pragma: no cover - a dependency of the project
        raise AssistantError("需要 sentence-transformers：pip install sentence-transformers") from error
    if directory is not None:
        if not (directory / "modules.json").is_file() and not (directory / "config.json").is_file():
            raise AssistantError(
                f"{directory} 不是 sentence-transformers 模型目录（缺少 modules.json / config.json）"
            )
        try:
            return SentenceTransformer(str(directory), device="cpu", local_files_only=True)
        except Exception as error:  # noqa: BLE001 - any loader failure becomes one clear line
            raise AssistantError(f"模型 {directory} 无法加载：{type(error).__name__}: {error}") from error
    try:
        return SentenceTransformer(name, device="cpu", local_files_only=True)
    except Exception:  # noqa: BLE001 - not in the local cache: try the hub below
        pass
    offline = os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0") or os.environ.get(
        "TRANSFORMERS_OFFLINE", ""
    ) not in ("", "0")
    if offline:
        raise AssistantError(
            f"模型 {name} 既不是本地目录也不在本地缓存中，且当前为离线模式（HF_HUB_OFFLINE）：请给出本地模型目录，或联网后重试"
        )
    try:
        return SentenceTransformer(name, device="cpu")
    except Exception as error:  # noqa: BLE001
        raise AssistantError(
            f"模型 {name} 既不是本地目录，也无法从 Hugging Face Hub 下载（{type(error).__name__}）：请给出本地模型目录，或联网后重试"
        ) from error


__all__ = [
    "Embedder",
    "SentenceTransformerEmbedder",
    "StaticEmbedder",
    "clear_embedder_cache",
    "load_embedder",
]
