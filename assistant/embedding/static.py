"""A static word-vector sentence model: jieba segments in, the (weighted) mean of their vectors out.

The model is an ordinary sentence-transformers model (``StaticEmbedding`` + ``Normalize``) whose
``tokenizers`` tokenizer is word-level over a fixed vocabulary and splits on spaces: we feed it text
that :class:`VocabularySegmenter` has already segmented with our jieba :class:`~assistant.text.tokenizer.Tokenizer`
and joined with spaces. Words the vocabulary lacks are backed off to the longest vocabulary words
inside them (backward maximum matching, which suits Chinese better than forward), then to single
characters, so that 及时率 still gets 及时 + 率.

:class:`StaticWordModel` computes exactly what the saved sentence-transformers model computes, but
with numpy only (no torch import, ~10 ms to embed a batch), which is what the CLI uses by default.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import AssistantError
from ..text.tokenizer import Tokenizer

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

PAD_TOKEN, UNK_TOKEN = "[PAD]", "[UNK]"
CONFIG_FILE = "assistant_embedder.json"  # next to the model: how to feed it text
STATIC_KIND = "static-words"
_MAX_BACKOFF_WORD = 8


class VocabularySegmenter:
    """Turn text into words of a fixed vocabulary: jieba words, backed off to sub-words and characters.

    Args:
        tokenizer: the jieba component (its :meth:`~assistant.text.tokenizer.Tokenizer.cut` drops
            punctuation and stop words).
        vocabulary: the words the model has vectors for.

    Example:
        >>> from assistant.text.tokenizer import default_tokenizer
        >>> VocabularySegmenter(default_tokenizer(), {"资金", "及时", "率", "拨付"}).segment("资金及时拨付率")
        ['资金', '及时', '拨付', '率']
    """

    def __init__(self, tokenizer: Tokenizer, vocabulary: Iterable[str]) -> None:
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary if isinstance(vocabulary, set | frozenset | dict) else set(vocabulary)

    def segment(self, text: str) -> list[str]:
        """The vocabulary words of ``text``, in order; characters that no word covers are dropped."""
        words: list[str] = []
        for word in self.tokenizer.cut(text):
            if word in self.vocabulary:
                words.append(word)
            else:
                words.extend(self._back_off(word))
        return words

    def _back_off(self, word: str) -> list[str]:
        """Backward maximum matching of ``word`` against the vocabulary."""
        pieces: list[str] = []
        end = len(word)
        while end > 0:
            for start in range(max(0, end - _MAX_BACKOFF_WORD), end):
                piece = word[start:end]
                if piece in self.vocabulary:
                    pieces.append(piece)
                    end = start
                    break
            else:
                end -= 1  # a character the vocabulary does not know
        pieces.reverse()
        return pieces

    def join(self, text: str) -> str:
        """The segmented text joined by spaces: the input the saved sentence-transformers model expects."""
        return " ".join(self.segment(text))


def word_level_tokenizer(words: Sequence[str]) -> Any:
    """A ``tokenizers.Tokenizer``: [PAD]=0, [UNK]=1, then ``words``; splits on whitespace only."""
    from tokenizers import Tokenizer as HFTokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import WhitespaceSplit

    vocab = {PAD_TOKEN: 0, UNK_TOKEN: 1}
    for word in words:
        vocab.setdefault(word, len(vocab))
    tokenizer = HFTokenizer(WordLevel(vocab, unk_token=UNK_TOKEN))
    tokenizer.pre_tokenizer = WhitespaceSplit()
    return tokenizer


def static_sentence_transformer(words: Sequence[str], vectors: np.ndarray) -> SentenceTransformer:
    """Wrap word vectors as ``SentenceTransformer([StaticEmbedding, Normalize])``.

    Rows for [PAD] and [UNK] are zero, so an unknown word does not move the mean's direction.
    """
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, StaticEmbedding

    if len(set(words)) != len(words) or vectors.shape[0] != len(words):
        raise ValueError(f"{len(words)} words (must be unique) for {vectors.shape[0]} vectors")
    weights = np.zeros((len(words) + 2, vectors.shape[1]), dtype=np.float32)
    weights[2:] = vectors
    embedding = StaticEmbedding(word_level_tokenizer(words), embedding_weights=weights)
    return SentenceTransformer(modules=[embedding, Normalize()], device="cpu")


@dataclass(frozen=True)
class StaticModelConfig:
    """What :data:`CONFIG_FILE` records about a static word model."""

    kind: str
    name: str
    dimension: int
    segmentation: str  # "jieba": feed text segmented by our Tokenizer and joined with spaces
    tokenizer_fingerprint: str
    details: dict[str, Any]

    def save(self, directory: Path) -> None:
        data = {
            "kind": self.kind,
            "name": self.name,
            "dimension": self.dimension,
            "segmentation": self.segmentation,
            "tokenizer_fingerprint": self.tokenizer_fingerprint,
            "details": self.details,
        }
        (directory / CONFIG_FILE).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> StaticModelConfig | None:
        """The config next to a model, or None when the directory holds no (readable) config."""
        path = directory / CONFIG_FILE
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                kind=str(data["kind"]),
                name=str(data["name"]),
                dimension=int(data["dimension"]),
                segmentation=str(data["segmentation"]),
                tokenizer_fingerprint=str(data.get("tokenizer_fingerprint", "")),
                details=dict(data.get("details") or {}),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise AssistantError(
                f"{path}: 模型配置无法读取（{error}）；请重新运行 assistant models build"
            ) from error


class StaticWordModel:
    """The numpy twin of a saved static sentence-transformers model (same vectors, same mean, no torch).

    Load it with :meth:`load` from a directory written by :func:`static_sentence_transformer` +
    ``model.save`` (``tokenizer.json`` + ``model.safetensors``).
    """

    def __init__(self, vocab: dict[str, int], weights: np.ndarray, segmenter: VocabularySegmenter) -> None:
        self.vocab = vocab
        self.weights = weights
        self.segmenter = segmenter

    @property
    def dimension(self) -> int:
        return int(self.weights.shape[1])

    @classmethod
    def load(cls, directory: Path, tokenizer: Tokenizer) -> StaticWordModel:
        """Read the vocabulary and the embedding matrix of a saved static model.

        Raises:
            AssistantError: files missing or unreadable (names the file and says how to rebuild).
        """
        from safetensors.numpy import load_file

        module_dir = _static_module_dir(directory)
        try:
            vocab = _read_vocab(module_dir)
            weights = load_file(str(module_dir / "model.safetensors"))["embedding.weight"]
        except (OSError, ValueError, KeyError) as error:
            raise AssistantError(
                f"{module_dir}: 静态词向量模型文件缺失或损坏（{error}）；请重新运行 assistant models build"
            ) from error
        weights = np.ascontiguousarray(weights, dtype=np.float32)
        if weights.ndim != 2 or max(vocab.values(), default=-1) >= weights.shape[0]:
            raise AssistantError(
                f"{module_dir}: 词表（{len(vocab)}）与向量矩阵 {weights.shape} 不一致；请重新运行 assistant models build"
            )
        words = {w for w, i in vocab.items() if i >= 2}
        return cls(vocab, weights, VocabularySegmenter(tokenizer, words))

    def token_ids(self, text: str) -> list[int]:
        return [self.vocab[w] for w in self.segmenter.segment(text)]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Mean of the word vectors of each text, L2-normalised; an all-unknown text gives zeros."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self.token_ids(text)
            if ids:
                out[row] = self.weights[ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 1e-12)
        return out


def _read_vocab(module_dir: Path) -> dict[str, int]:
    data = json.loads((module_dir / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = data["model"]["vocab"]
    if not isinstance(vocab, dict):
        raise ValueError("tokenizer.json is not a word-level vocabulary")
    return vocab


def read_vocabulary(directory: Path) -> set[str]:
    """The words (without [PAD]/[UNK]) of a saved static model.

    Raises:
        AssistantError: tokenizer.json missing or not word-level.
    """
    module_dir = _static_module_dir(directory)
    try:
        vocab = _read_vocab(module_dir)
    except (OSError, ValueError, KeyError) as error:
        raise AssistantError(
            f"{module_dir}: tokenizer.json 缺失或损坏（{error}）；请重新运行 assistant models build"
        ) from error
    return {w for w in vocab if w not in (PAD_TOKEN, UNK_TOKEN)}


def _static_module_dir(directory: Path) -> Path:
    """Where a saved SentenceTransformer keeps its StaticEmbedding files (root or a numbered module dir)."""
    if (directory / "tokenizer.json").is_file():
        return directory
    modules = directory / "modules.json"
    if modules.is_file():
        for module in json.loads(modules.read_text(encoding="utf-8")):
            if str(module.get("type", "")).endswith("StaticEmbedding"):
                return directory / module.get("path", "")
    return directory
