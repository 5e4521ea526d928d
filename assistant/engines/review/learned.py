"""A small learned vagueness model: is this 指标值 a defect (vague or malformed) in its slot?

Lexicons catch the words they list; this model generalises past them in two ways:

- **character n-grams** (1–3) of the normalised value (digits folded to ``0``, so ``≥95%`` and
  ``≥90%`` share ``≥0%``), with the last characters of the name and the 二级 slot: it learns shapes
  (``0%``, ``年0月``, ``不超过0万元``) and contexts (``良好率`` vs ``良好``) from labelled rows;
- **static word vectors** (the 75-d cnsyn vectors, see :mod:`assistant.embedding.cnsyn_vectors`): the
  mean vector of the value's words enters the logistic regression. Because the model is linear in
  that mean, the weight vector folds into one score per vocabulary word, so a word never seen in
  training (改观, 彰显) still scores like its neighbours (改善, 显著) — and inference needs no vectors,
  only a word → score table.

Inference is numpy and plain Python only (no torch, no sklearn): a feature vocabulary, a weight
vector and the word-score table, stored as ``.npz`` + ``.json`` + ``.txt`` in one folder.
:func:`fit_vagueness_model` (training, with scikit-learn imported lazily) lives here too so that the
features used in training and inference cannot drift apart; :mod:`assistant.evaluation.train_review`
gathers the training rows.

Example:
    >>> rows = [("满意度", "≥95%", "服务对象满意度指标", 0), ("满意度", "基本满意", "服务对象满意度指标", 1),
    ...         ("完成时间", "2023年12月底前", "时效指标", 0), ("完成时间", "及时", "时效指标", 1)] * 3
    >>> model = fit_vagueness_model(rows)
    >>> p = model.defect_probability(["满意度", "满意度"], ["≥90%", "基本满意"], ["服务对象满意度指标"] * 2)
    >>> bool(p[0] < 0.5 < p[1])
    True
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import AssistantError

log = logging.getLogger(__name__)

MODEL_FORMAT = "review-vagueness"
MODEL_VERSION = 1
WEIGHTS_FILE = "weights.npz"
CONFIG_FILE = "model.json"
WORDS_FILE = "word_scores.txt"
MAX_WORD_LENGTH = 6
_CACHE_LIMIT = 200_000

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_SPACE = re.compile(r"\s+")
_ANY_DIGIT = re.compile(r"[0-9０-９]")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_HAS_NUMBER = re.compile(r"\d|[一二两三四五六七八九十百千]+(?=[个次场人项份件期部批栋处台名户家条篇])")
_NUMBER_UNIT = re.compile(
    r"\d(?:\.\d+)?\s*(?:%|％|‰|万|亿|千|元|人|名|个|次|场|期|部|批|件|份|套|台|本|册|盏|只|亩|公顷|平方|米|公里|吨|辆|条|项|类|宗|篇|张|页|课时|学时|分|处|栋|座|间|户|家|所|支|小时|天|日|周|月|年|工作日|分钟)"
)
_DATE = re.compile(
    r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月|年底|年末|年终|全年|年内|每[年月季周天日]|工作日|小时|分钟"
)
_COMPARATOR = re.compile(
    r"[≥≤><=≧≦]|不低于|不少于|不超过|不高于|不大于|不多于|以上|以下|以内|之内|大于|小于|达到|至少"
)
_BARE_NUMBER = re.compile(r"^[≥≤><=≧≦]?\s*\d+(?:\.\d+)?$")
_DOUBLED = re.compile(r"(\d{2,})\1(?=%|次|个)|(\d+)等于|万%|%%|百分比")
_GLUED = re.compile(r"^[≥≤><=]\s*\d+(?:\.\d+)?[^\d\s%‰.万千亿元个人次场件份台本项]")
_BINARY_STATE = re.compile(
    r"合格|达标|通过|完成|符合|满足|验收|办结|建成|投入使用|正常运行|全覆盖|到位|出具|公布|发布|印发|归档|取得.{0,4}证"
)
_ZERO_EVENT = re.compile(
    r"(?:无|零|未发生|不发生|杜绝)[\u4e00-\u9fff]{0,6}(?:事故|事件|投诉|差错|案件|问题|隐患)|^(?:零|无|0)$"
)


class ModelFormatError(AssistantError):
    """A saved model folder that is incomplete or written by an incompatible version."""


def default_model_dir() -> Path:
    """Where ``assistant models build`` writes the model: ``$ASSISTANT_MODELS/review`` or ``<repo>/models/review``."""
    base = os.environ.get("ASSISTANT_MODELS")
    root = Path(base) if base else Path(__file__).resolve().parents[3] / "models"
    return root / "review"


def normalise_value(text: str) -> str:
    """NFKC, case-folded, whitespace removed, every number folded to ``0``.

    Example:
        >>> normalise_value("≥ ９５.5％ 以上")
        '≥0%以上'
    """
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _SPACE.sub("", text)
    return _DIGITS.sub("0", text)


@dataclass(frozen=True, slots=True)
class ValueFeatures:
    """The part of the features that depends on the value alone (cached at inference)."""

    padded: str  # ^normalised value$, the text the character n-grams are read from
    flags: tuple[str, ...]  # value-only shape/cue flags (without the ``f:`` prefix)
    bare_number: bool
    no_measure: bool

    @property
    def norm(self) -> str:
        """The normalised value (for the name-overlap flags)."""
        return self.padded[1:-1]

    @property
    def keys(self) -> tuple[str, ...]:
        """The sparse keys: ``v:`` + every 1–3-gram of :attr:`padded`, then ``f:`` + each flag."""
        padded = self.padded
        grams = [f"v:{padded[i : i + n]}" for n in (1, 2, 3) for i in range(len(padded) - n + 1)]
        return tuple(grams) + tuple(f"f:{f}" for f in self.flags)


def value_features(value: str) -> ValueFeatures:
    """Character 1–3-grams (with boundary marks) and the value-only shape/cue flags.

    Example:
        >>> value_features("95").keys[-3:]
        ('f:has_number', 'f:bare_number', 'f:len:1-2')
    """
    raw = unicodedata.normalize("NFKC", value or "")
    norm = _DIGITS.sub("0", _SPACE.sub("", raw.casefold()))
    has_digit = _ANY_DIGIT.search(raw) is not None
    has_number = has_digit or _HAS_NUMBER.search(raw) is not None
    has_date = _DATE.search(raw) is not None
    bare = has_digit and _BARE_NUMBER.match(raw.strip()) is not None
    flags: list[str] = []
    if has_number:
        flags.append("has_number")
    if has_digit and _NUMBER_UNIT.search(raw):
        flags.append("number_unit")
    if has_date:
        flags.append("date")
    if _COMPARATOR.search(raw):
        flags.append("comparator")
    if bare:
        flags.append("bare_number")
    if _DOUBLED.search(raw):
        flags.append("doubled")
    if has_digit and _GLUED.search(raw):
        flags.append("glued")
    if _BINARY_STATE.search(raw):
        flags.append("binary_state")
    if _ZERO_EVENT.search(raw):
        flags.append("zero_event")
    if "《" in raw:
        flags.append("title")
    if not has_number and not has_date:
        flags.append("no_measure_shape")
    length = len(norm)
    if length == 0:
        bucket = "0"
    elif length <= 2:
        bucket = "1-2"
    elif length <= 6:
        bucket = "3-6"
    elif length <= 15:
        bucket = "7-15"
    else:
        bucket = "16+"
    flags.append(f"len:{bucket}")
    return ValueFeatures(f"^{norm}$", tuple(flags), bare, not has_number and not has_date)


def row_keys_for(name: str, level2: str, value: ValueFeatures) -> list[str]:
    """The features that depend on the name and slot: name ending, slot, slot × shape, name overlap.

    Example:
        >>> row_keys_for("合格率", "质量指标", value_features("95"))
        ['n1:率', 'n2:格率', 's:质量指标', 'f:slot_bare_number:质量指标']
    """
    keys: list[str] = []
    name_norm = normalise_value(name)
    if name_norm:
        keys.append(f"n1:{name_norm[-1]}")
        keys.append(f"n2:{name_norm[-2:]}")
    keys.append(f"s:{level2}")
    if value.bare_number:
        keys.append(f"f:slot_bare_number:{level2}")
    if value.no_measure:
        keys.append(f"f:slot_no_measure:{level2}")
    norm = value.norm
    if norm and name_norm and (norm in name_norm or name_norm in norm):
        keys.append("f:repeats_name")
    elif len(norm) >= 4 and name_norm and _overlap(norm, name_norm) >= 0.5:
        keys.append("f:overlaps_name")
    return keys


def sparse_keys(name: str, value: str, level2: str) -> list[str]:
    """All sparse (binary) feature keys of one indicator: :func:`value_features` + :func:`row_keys_for`.

    Example:
        >>> [k for k in sparse_keys("合格率", "95", "质量指标") if k.startswith("f:")]
        ['f:has_number', 'f:bare_number', 'f:len:1-2', 'f:slot_bare_number:质量指标']
    """
    features = value_features(value)
    return list(features.keys) + row_keys_for(name, level2, features)


def _overlap(a: str, b: str) -> float:
    """Share of ``a``'s character bigrams that also occur in ``b``."""
    grams = {a[i : i + 2] for i in range(len(a) - 1)}
    if not grams:
        return 0.0
    other = {b[i : i + 2] for i in range(len(b) - 1)}
    return len(grams & other) / len(grams)


def semantic_words(value: str, vocabulary: dict[str, Any] | frozenset[str] | set[str]) -> list[str]:
    """The words whose vectors enter the model: those of a value without digits (else none).

    A value with a number is judged by its shape (n-grams, flags); word meaning matters where there
    is no number — telling a verifiable state (验收合格, 零事故) from a vague one (舒适, 惠民利民).

    Example:
        >>> semantic_words("总成本≤30万元", {"成本"}), semantic_words("效果明显", {"效果", "明显"})
        ([], ['效果', '明显'])
    """
    if _ANY_DIGIT.search(value or ""):
        return []
    return segment_words(value, vocabulary)


def segment_words(text: str, vocabulary: dict[str, Any] | frozenset[str] | set[str]) -> list[str]:
    """Backward maximum matching of the Chinese runs of ``text`` against ``vocabulary``.

    Characters no word covers are skipped (digits and symbols never reach the vocabulary).

    Example:
        >>> segment_words("得到明显改观", {"得到", "明显", "改观", "明"})
        ['得到', '明显', '改观']
    """
    words: list[str] = []
    for run in re.findall(r"[\u4e00-\u9fff]+", text or ""):
        end = len(run)
        found: list[str] = []
        while end > 0:
            for size in range(min(MAX_WORD_LENGTH, end), 0, -1):
                piece = run[end - size : end]
                if piece in vocabulary:
                    found.append(piece)
                    end -= size
                    break
            else:
                end -= 1
        words.extend(reversed(found))
    return words


@dataclass
class VaguenessModel:
    """Logistic regression over sparse n-gram/shape features plus a folded word-vector score.

    ``defect_probability`` is the probability that the value is vague or malformed (``na`` rows are
    the rules' business and never reach the model in training). Results are cached per
    ``(name, value, level2)`` because real tables repeat values a great deal.

    Args:
        vocabulary: sparse feature key → column.
        weights: one weight per sparse column.
        bias: the intercept (with the word-vector centring folded in).
        word_scores: word → score (the word-vector weights folded into each word's vector).
        word_offset: subtracted from the mean word score when the value has at least one word.
        threshold: the probability above which callers should call the value a defect.
        meta: training provenance (rows, sources, seed, version), saved alongside.
    """

    vocabulary: dict[str, int]
    weights: np.ndarray
    bias: float
    word_scores: dict[str, float] = field(default_factory=dict)
    word_offset: float = 0.0
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)
    _cache: dict[tuple[str, str, str], float] = field(default_factory=dict, init=False, repr=False)
    _value_cache: dict[str, tuple[ValueFeatures, float]] = field(default_factory=dict, init=False, repr=False)
    _weight_list: list[float] = field(default_factory=list, init=False, repr=False)
    _gram_weights: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _flag_weights: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _slot_weights: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _name_cache: dict[str, tuple[str, float, frozenset[str]]] = field(
        default_factory=dict, init=False, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def logit(self, name: str, value: str, level2: str) -> float:
        """The decision value (log-odds) of one indicator (the value-only part is cached)."""
        part = self._value_cache.get(value)
        if part is None:
            part = self._value_part(value)
            if len(self._value_cache) >= _CACHE_LIMIT:
                self._value_cache.clear()
            self._value_cache[value] = part
        features, score = part
        name_part = self._name_cache.get(name)
        if name_part is None:
            name_part = self._name_part(name)
            if len(self._name_cache) >= _CACHE_LIMIT:
                self._name_cache.clear()
            self._name_cache[name] = name_part
        name_norm, name_score, name_grams = name_part
        flag = self._flag_weights
        total = self.bias + score + name_score + self._slot_weights.get(level2, 0.0)
        if features.bare_number:
            total += flag.get(f"slot_bare_number:{level2}", 0.0)
        if features.no_measure:
            total += flag.get(f"slot_no_measure:{level2}", 0.0)
        norm = features.norm
        if norm and name_norm and (norm in name_norm or name_norm in norm):
            total += flag.get("repeats_name", 0.0)
        elif len(norm) >= 4 and name_norm:
            grams = {norm[i : i + 2] for i in range(len(norm) - 1)}
            if len(grams & name_grams) >= 0.5 * len(grams):
                total += flag.get("overlaps_name", 0.0)
        return total

    def _name_part(self, name: str) -> tuple[str, float, frozenset[str]]:
        """Per name (cached): its normalised text, the weight of its ending, its character bigrams.

        Mirrors :func:`row_keys_for` (a test checks the two agree).
        """
        name_norm = normalise_value(name)
        score = 0.0
        if name_norm:
            for key in (f"n1:{name_norm[-1]}", f"n2:{name_norm[-2:]}"):
                column = self.vocabulary.get(key)
                if column is not None:
                    score += self._weight_list[column]
        return name_norm, score, frozenset(name_norm[i : i + 2] for i in range(len(name_norm) - 1))

    def _value_part(self, value: str) -> tuple[ValueFeatures, float]:
        features = value_features(value)
        grams = self._gram_weights
        padded = features.padded
        size = len(padded)
        total = 0.0
        for n in (1, 2, 3):
            for i in range(size - n + 1):
                total += grams.get(padded[i : i + n], 0.0)
        flag_weights = self._flag_weights
        for flag in features.flags:
            total += flag_weights.get(flag, 0.0)
        if self.word_scores:
            scores = [self.word_scores[w] for w in semantic_words(value, self.word_scores)]
            if scores:
                total += sum(scores) / len(scores) - self.word_offset
        return features, total

    def __post_init__(self) -> None:
        self._weight_list = [float(w) for w in self.weights]
        # the value n-grams and flags looked up without building their "v:"/"f:" key strings
        self._gram_weights = {
            k[2:]: self._weight_list[i] for k, i in self.vocabulary.items() if k.startswith("v:")
        }
        self._flag_weights = {
            k[2:]: self._weight_list[i] for k, i in self.vocabulary.items() if k.startswith("f:")
        }
        self._slot_weights = {
            k[2:]: self._weight_list[i] for k, i in self.vocabulary.items() if k.startswith("s:")
        }

    def defect_probability(
        self, names: Sequence[str], values: Sequence[str], level2s: Sequence[str]
    ) -> np.ndarray:
        """Probability (float64, shape ``(n,)``) that each value is a defect in its slot.

        Raises:
            ValueError: the three sequences differ in length.
        """
        if not (len(names) == len(values) == len(level2s)):
            raise ValueError(
                f"names, values and level2s must have the same length (got {len(names)}, {len(values)}, {len(level2s)})"
            )
        out = np.empty(len(values), dtype=np.float64)
        cache = self._cache
        for i, key in enumerate(zip(names, values, level2s, strict=True)):
            probability = cache.get(key)
            if probability is None:
                probability = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, self.logit(*key)))))
                with self._lock:
                    if len(cache) >= _CACHE_LIMIT:
                        cache.clear()
                    cache[key] = probability
            out[i] = probability
        return out

    def save(self, directory: str | Path) -> Path:
        """Write the model folder atomically (files written under temporary names, then renamed)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        words = sorted(self.word_scores)
        config = {
            "format": MODEL_FORMAT,
            "version": MODEL_VERSION,
            "bias": self.bias,
            "word_offset": self.word_offset,
            "threshold": self.threshold,
            "features": keys,
            "meta": self.meta,
        }
        _write_atomic(
            directory / CONFIG_FILE, json.dumps(config, ensure_ascii=False, indent=1).encode("utf-8")
        )
        _write_atomic(directory / WORDS_FILE, "\n".join(words).encode("utf-8"))
        tmp = directory / f".{WEIGHTS_FILE}.tmp.npz"
        np.savez(
            tmp,
            weights=np.asarray([self.weights[self.vocabulary[k]] for k in keys], dtype=np.float32),
            word_scores=np.asarray([self.word_scores[w] for w in words], dtype=np.float32),
        )
        os.replace(tmp, directory / WEIGHTS_FILE)
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> VaguenessModel:
        """Read a folder written by :meth:`save`.

        Raises:
            ModelFormatError: a file is missing, or the folder was written by another format/version.
        """
        directory = Path(directory)
        try:
            config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
            arrays = np.load(directory / WEIGHTS_FILE)
            words_text = (directory / WORDS_FILE).read_text(encoding="utf-8")
        except (OSError, ValueError) as exc:
            raise ModelFormatError(
                f"复核模型目录 {directory} 不完整或已损坏（{exc}）；请运行 assistant models build"
            ) from exc
        if config.get("format") != MODEL_FORMAT or config.get("version") != MODEL_VERSION:
            raise ModelFormatError(
                f"复核模型 {directory} 的格式为 {config.get('format')} v{config.get('version')}，"
                f"本程序需要 {MODEL_FORMAT} v{MODEL_VERSION}；请运行 assistant models build 重建"
            )
        keys = config["features"]
        weights = np.asarray(arrays["weights"], dtype=np.float64)
        word_list = words_text.split("\n") if words_text else []
        scores = np.asarray(arrays["word_scores"], dtype=np.float64)
        if len(keys) != len(weights) or len(word_list) != len(scores):
            raise ModelFormatError(
                f"复核模型 {directory} 的特征表与权重长度不一致；请运行 assistant models build 重建"
            )
        return cls(
            vocabulary={k: i for i, k in enumerate(keys)},
            weights=weights,
            bias=float(config["bias"]),
            word_scores=dict(zip(word_list, scores.tolist(), strict=True)),
            word_offset=float(config.get("word_offset", 0.0)),
            threshold=float(config.get("threshold", 0.5)),
            meta=dict(config.get("meta") or {}),
        )


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


_DEFAULT: dict[str, VaguenessModel | None] = {}
_DEFAULT_LOCK = threading.Lock()


def load_default_model(directory: str | Path | None = None) -> VaguenessModel | None:
    """The model built by ``assistant models build`` (cached once per process), or None if absent.

    A folder that exists but cannot be read (an older format, a half-written copy) is reported with
    one warning naming the fix (``assistant models build``) and the review runs on rules only.
    """
    path = Path(directory) if directory is not None else default_model_dir()
    key = str(path.resolve())
    with _DEFAULT_LOCK:
        if key not in _DEFAULT:
            model = None
            if (path / CONFIG_FILE).is_file():
                try:
                    model = VaguenessModel.load(path)
                except ModelFormatError as exc:
                    log.warning("%s；本次只用规则复核", exc)
            _DEFAULT[key] = model
        return _DEFAULT[key]


# ---- training (scikit-learn, imported lazily) ----------------------------------------------------

TrainingRow = tuple[str, str, str, int]  # (name, value, level2, 1 = defect / 0 = clear)


@dataclass(frozen=True)
class WordVectorTable:
    """Word vectors for training: the words and a float32 matrix (row i ↔ words[i])."""

    words: tuple[str, ...]
    vectors: np.ndarray


def fit_vagueness_model(
    rows: Iterable[TrainingRow],
    word_vectors: WordVectorTable | None = None,
    *,
    weights: Sequence[float] | None = None,
    c: float = 4.0,
    embedding_scale: float = 1.0,
    flag_scale: float = 1.0,
    min_count: int = 1,
    meta: dict[str, Any] | None = None,
) -> VaguenessModel:
    """Train the model on labelled rows (deterministic: liblinear with a fixed seed).

    Args:
        rows: ``(name, value, level2, label)`` with label 1 for vague/malformed, 0 for clear.
        word_vectors: optional word vectors; without them the model uses n-grams and shapes only.
        weights: optional per-row sample weights (e.g. lower for weak labels).
        c: inverse L2 regularisation strength.
        embedding_scale: multiplier on the standardised mean word vector (its share of the model).
        flag_scale: value of the shape/cue flags (``f:``) in the design matrix; above 1 they are
            regularised less than the n-grams, so general cues outweigh memorised strings.
        min_count: drop sparse features seen in fewer training rows.
        meta: provenance saved with the model.

    Raises:
        ValueError: fewer than two classes among the rows.
    """
    from scipy import sparse  # lazy: training only
    from sklearn.linear_model import LogisticRegression

    data = list(rows)
    labels = np.asarray([int(r[3]) for r in data], dtype=np.int64)
    if len(set(labels.tolist())) < 2:
        raise ValueError("training needs both defect (1) and clear (0) rows")
    sample_weight = np.ones(len(data)) if weights is None else np.asarray(list(weights), dtype=np.float64)
    row_keys = [sparse_keys(name, value, level2) for name, value, level2, _ in data]
    counts: dict[str, int] = {}
    for keys in row_keys:
        for key in set(keys):
            counts[key] = counts.get(key, 0) + 1
    vocabulary = {k: i for i, k in enumerate(sorted(k for k, n in counts.items() if n >= min_count))}
    column_value = np.asarray(
        [flag_scale if k.startswith("f:") else 1.0 for k in sorted(vocabulary, key=lambda k: vocabulary[k])]
    )
    indptr, indices = [0], []
    for keys in row_keys:
        columns = sorted({vocabulary[k] for k in keys if k in vocabulary})
        indices.extend(columns)
        indptr.append(len(indices))
    index_array = np.asarray(indices, dtype=np.int64)
    matrix = sparse.csr_matrix(
        (column_value[index_array], index_array, np.asarray(indptr)),
        shape=(len(data), len(vocabulary)),
    )
    word_index: dict[str, int] = {}
    mean = scale = None
    if word_vectors is not None:
        word_index = {w: i for i, w in enumerate(word_vectors.words)}
        dense = np.zeros((len(data), word_vectors.vectors.shape[1]))
        has_words = np.zeros(len(data), dtype=bool)
        for i, (_, value, _, _) in enumerate(data):
            found = [word_index[w] for w in semantic_words(value, word_index)]
            if found:
                dense[i] = word_vectors.vectors[found].mean(axis=0)
                has_words[i] = True
        mean = dense[has_words].mean(axis=0) if has_words.any() else np.zeros(dense.shape[1])
        scale = dense[has_words].std(axis=0) + 1e-6 if has_words.any() else np.ones(dense.shape[1])
        standard = np.where(has_words[:, None], (dense - mean) / scale, 0.0) * embedding_scale
        matrix = sparse.hstack([matrix, sparse.csr_matrix(standard)]).tocsr()
    classifier = LogisticRegression(C=c, solver="liblinear", random_state=0, max_iter=1000)
    classifier.fit(matrix, labels, sample_weight=sample_weight)
    coef = classifier.coef_[0]
    bias = float(classifier.intercept_[0])
    sparse_weights = np.asarray(coef[: len(vocabulary)], dtype=np.float64) * column_value
    word_scores: dict[str, float] = {}
    offset = 0.0
    if word_vectors is not None and mean is not None and scale is not None:
        folded = coef[len(vocabulary) :] * embedding_scale / scale
        scores = word_vectors.vectors.astype(np.float64) @ folded
        word_scores = {w: float(s) for w, s in zip(word_vectors.words, scores, strict=True)}
        offset = float(mean @ folded)
    info = dict(meta or {})
    info.update(
        {
            "training_rows": len(data),
            "defect_rows": int(labels.sum()),
            "c": c,
            "embedding_scale": embedding_scale,
            "flag_scale": flag_scale,
            "features": len(vocabulary),
        }
    )
    return VaguenessModel(vocabulary, sparse_weights, bias, word_scores, offset, 0.5, info)


def usable_words(words: Sequence[str]) -> list[int]:
    """Indices of the vocabulary words the model can use: Chinese-only, at most 6 characters."""
    return [i for i, w in enumerate(words) if len(w) <= MAX_WORD_LENGTH and _CJK.match(w)]
