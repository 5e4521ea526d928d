"""The Chinese tokenizer component: one jieba ``Tokenizer`` instance with our domain dictionary and stop words.

BM25, the embedder and the review spans all segment text through this component, so that a word is a
word everywhere, and its :attr:`Tokenizer.fingerprint` is saved with every index built from its output.

We never touch the global ``jieba`` instance (its dictionary would leak into other users of jieba) and
never configure logging: jieba's own logger is only lowered to WARNING so that building the prefix
dictionary does not print to stderr. jieba's dictionary cache goes to a fixed cache folder
(``$ASSISTANT_CACHE`` or ``~/.cache/perf-target-assistant``) instead of a temp dir; jieba writes it
atomically itself (temp file + rename).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Protocol

import jieba

from .normalise import normalise_text

# Bump when the segmentation rules below change: saved indexes then see a new fingerprint.
TOKENIZER_VERSION = "1"

_DATA = resources.files("assistant") / "data"
DEFAULT_USER_DICT = Path(str(_DATA / "user_dict.txt"))
DEFAULT_STOP_WORDS = Path(str(_DATA / "stop_words.txt"))

# A token made only of punctuation, symbols or spaces carries nothing to index.
_NO_WORD_CHAR = re.compile(r"^[\W_]+$")


def cache_dir() -> Path:
    """The folder for caches that may be rebuilt at will (jieba's prefix dictionary).

    ``$ASSISTANT_CACHE`` wins; otherwise ``$XDG_CACHE_HOME/perf-target-assistant`` or
    ``~/.cache/perf-target-assistant``.
    """
    if env := os.environ.get("ASSISTANT_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "perf-target-assistant"


def _read_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class Tokenizer:
    """Segment Chinese text with a private jieba instance, our domain words and our stop words.

    Construction is cheap; the jieba prefix dictionary is loaded on first use (about 0.5 s from the
    cache, 1–2 s the first time).

    Args:
        user_dict: domain words, one per line (``word [freq [tag]]`` as jieba reads them).
        stop_words: words dropped by :meth:`cut` and :meth:`cut_for_search`; defaults to the file
            shipped with the package.
        cache_directory: where jieba keeps its prefix-dictionary cache (default :func:`cache_dir`).

    Example:
        >>> tokenizer = Tokenizer()
        >>> tokenizer.cut("受益群众满意度≥95%")
        ['受益', '群众', '满意度', '95%']
    """

    def __init__(
        self,
        user_dict: Path | str | None = DEFAULT_USER_DICT,
        stop_words: Iterable[str] | None = None,
        cache_directory: Path | str | None = None,
    ) -> None:
        self.user_dict = Path(user_dict) if user_dict is not None else None
        self.user_words = _read_lines(self.user_dict) if self.user_dict is not None else []
        words = _read_lines(DEFAULT_STOP_WORDS) if stop_words is None else list(stop_words)
        self.stop_words: frozenset[str] = frozenset(normalise_text(w) for w in words)
        self._cache_directory = Path(cache_directory) if cache_directory is not None else None
        self._jieba: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    @functools.cached_property
    def fingerprint(self) -> str:
        """A hash of everything that decides the output: version, jieba, dictionary and stop words."""
        digest = hashlib.blake2b(digest_size=8)
        for part in (
            TOKENIZER_VERSION,
            jieba.__version__,
            "\n".join(self.user_words),
            "\n".join(sorted(self.stop_words)),
        ):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x00")
        return digest.hexdigest()

    def __repr__(self) -> str:
        return f"Tokenizer(user_dict={self.user_dict!s}, stop_words={len(self.stop_words)}, fingerprint={self.fingerprint})"

    def _engine(self) -> jieba.Tokenizer:
        """The private jieba instance, initialised once (thread-safe)."""
        if self._jieba is not None:
            return self._jieba
        with self._lock:
            if self._jieba is None:
                jieba.setLogLevel(logging.WARNING)  # jieba's own logger only; no global logging config
                engine = jieba.Tokenizer()
                engine.tmp_dir = str(self.writable_cache_dir())
                engine.cache_file = f"jieba-{jieba.__version__}.cache"
                engine.initialize()
                self.add_user_words(engine)
                self._jieba = engine
        return self._jieba

    def add_user_words(self, engine: jieba.Tokenizer) -> None:
        """Add our domain words (``word [freq]`` lines) to a jieba instance."""
        for line in self.user_words:
            word, *rest = line.split()
            engine.add_word(word, int(rest[0]) if rest and rest[0].isdigit() else None)

    def writable_cache_dir(self) -> Path:
        """The cache folder if it can be written, else the system temp folder."""
        directory = self._cache_directory or cache_dir()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            if os.access(directory, os.W_OK):
                return directory
        except OSError:
            pass
        return Path(tempfile.gettempdir())

    def _keep(self, word: str) -> bool:
        return bool(word.strip()) and word not in self.stop_words and not _NO_WORD_CHAR.match(word)

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` for indexing: normalised, without punctuation, spaces or stop words.

        Example:
            >>> Tokenizer().cut("困难党员的关爱帮扶覆盖率")
            ['困难', '党员', '关爱', '帮扶', '覆盖率']
        """
        if not text:
            return []
        return [w for w in self._engine().lcut(normalise_text(text)) if self._keep(w)]

    def cut_for_search(self, text: str) -> list[str]:
        """Like :meth:`cut`, plus the dictionary sub-words of long words (jieba's search mode).

        Better recall for keyword search: 资金及时拨付率 and 资金发放及时率 share 及时.

        Example:
            >>> Tokenizer().cut_for_search("培训合格率")
            ['培训', '合格', '合格率']
        """
        if not text:
            return []
        return [w for w in self._engine().lcut_for_search(normalise_text(text)) if self._keep(w)]

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """Every token of the original ``text`` with its ``[start, end)`` character offsets.

        Nothing is dropped or normalised, so the offsets can mark spans in the text as written
        (review reasons point at them).

        Example:
            >>> Tokenizer().tokenize("满意度≥95%")
            [('满意度', 0, 3), ('≥', 3, 4), ('95%', 4, 7)]
        """
        if not text:
            return []
        return list(self._engine().tokenize(text))


class SearchTokenizer(Protocol):
    """What a keyword index needs from a tokenizer: search tokens and a fingerprint saved with the
    index (the jieba :class:`Tokenizer`, or :class:`~assistant.text.bigrams.BigramTokenizer`)."""

    @property
    def fingerprint(self) -> str: ...

    def cut_for_search(self, text: str) -> list[str]: ...


@functools.cache
def default_tokenizer() -> Tokenizer:
    """The shared tokenizer with the packaged dictionary and stop words (one per process)."""
    return Tokenizer()
