"""Part-of-speech tags of short texts (a goal's clauses), from jieba with a trimmed dictionary.

The suggest engine reads the objects a goal counts (维修养护农村集中供水工程 15 处) from word tags. jieba's
full dictionary (349k words) takes ~0.7 s to load and ``jieba.posseg`` reads its 5 MB word-tag table
again at import (~0.4 s): most of a cold ``assistant suggest``. The tagger here loads 159k words in
~0.3 s: those used at least :data:`MIN_FREQUENCY` times in jieba's source corpus, every rate (正常率),
and the rarer compounds a goal names its objects with (城中村, 咨询点). 1,874 of 1,888 goal-like
clauses of the seeds, songgang and published pages give the same counted objects as with the full
dictionary, and most of the 14 others a better one (``tests/text/test_pos.py``).

The trimmed dictionary is written once to the cache folder; the project's own words are added to it.
jieba is imported on first use, so importing the suggest engine stays light.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..atomic import write_text_atomic

#: jieba dictionary words below this frequency are left out of the tagger's dictionary, except
#: compounds of three characters or more used at least MIN_COMPOUND_FREQUENCY times.
MIN_FREQUENCY = 20
MIN_COMPOUND_FREQUENCY = 3

#: Nouns that begin with a preposition's character: without them 聘用人员在岗率 reads as 聘用人员|在|岗率.
_NOUNS = ("在岗率", "在岗人员", "在编人员", "在校生", "在校学生", "在园幼儿", "在册人数", "在读学生")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_lock = threading.Lock()


def _keep(word: str, frequency: str, tag: str = "") -> bool:
    """A common word, a rate (正常率), or a rarer compound a goal may name its object with (城中村,
    咨询点) — not a person's name, an idiom, a set phrase or a numeral."""
    count = int(frequency)
    if count >= MIN_FREQUENCY or word.endswith("率"):  # a rate's word is an indicator's (正常率)
        return True
    return count >= MIN_COMPOUND_FREQUENCY and len(word) >= 3 and not tag.startswith(("nr", "i", "l", "m"))


def _trimmed_dictionary(directory: Path) -> Path:
    """jieba's dictionary without its rare words, written once (atomically) into ``directory``."""
    import jieba

    path = directory / f"jieba-{jieba.__version__}-pos-f{MIN_FREQUENCY}-c{MIN_COMPOUND_FREQUENCY}r.txt"
    if path.exists():
        return path
    source = Path(jieba.__file__).with_name("dict.txt")
    kept = [
        line
        for line in source.read_text(encoding="utf-8").splitlines(keepends=True)
        if _keep(*line.split()[:3])
    ]
    write_text_atomic(path, "".join(kept))
    return path


_tagger_built: Any = None


def _tagger() -> Any:
    """A ``jieba.posseg.POSTokenizer`` over the trimmed dictionary plus the project's words (built
    once, under a lock: the build swaps ``jieba.dt`` for a moment, below)."""
    global _tagger_built
    if _tagger_built is None:
        with _lock:
            if _tagger_built is None:
                _tagger_built = _build_tagger()
    return _tagger_built


def _build_tagger() -> Any:
    import jieba

    from .tokenizer import default_tokenizer

    jieba.setLogLevel(logging.WARNING)  # jieba's own logger only
    words = default_tokenizer()
    directory = words.writable_cache_dir()
    engine = jieba.Tokenizer(str(_trimmed_dictionary(directory)))
    engine.tmp_dir = str(directory)
    engine.initialize()
    words.add_user_words(engine)
    for word in _NOUNS:
        engine.add_word(word, tag="n")
    # posseg builds a module-level tagger from jieba.dt at import and reads that dictionary's 5 MB
    # word-tag table: point jieba.dt at ours for the import, then give posseg back a tagger of the
    # global dictionary that reads its table on first use, so other users of jieba see no change.
    default, jieba.dt = jieba.dt, engine
    try:
        import jieba.posseg as posseg
    finally:
        jieba.dt = default
    if posseg.dt.tokenizer is not engine:  # posseg was imported before: build ours beside it
        return posseg.POSTokenizer(engine)
    ours = posseg.dt
    posseg.dt = _global_tagger(posseg, default)
    posseg.initialize = posseg.dt.initialize
    return ours


def _global_tagger(posseg: Any, tokenizer: Any) -> Any:
    """posseg's tagger of the global dictionary, its word-tag table read when first needed."""

    class TagsOnFirstUse(posseg.POSTokenizer):
        def __init__(self, tokenizer: Any) -> None:
            self.tokenizer = tokenizer
            self._tags: dict[str, str] | None = None
            self._tags_lock = threading.Lock()

        @property
        def word_tag_tab(self) -> dict[str, str]:
            if self._tags is None:
                with self._tags_lock:
                    if self._tags is None:
                        self._tags = posseg.POSTokenizer(self.tokenizer).word_tag_tab
            return self._tags

        @word_tag_tab.setter
        def word_tag_tab(self, table: dict[str, str]) -> None:  # posseg's load_word_tag assigns it
            self._tags = table

    return TagsOnFirstUse(tokenizer)


@lru_cache(maxsize=4096)
def pos_cut(text: str) -> tuple[tuple[str, str], ...]:
    """``(word, tag)`` pairs of ``text``; a word without a tag (the project's own words) is a noun.

    Example:
        >>> pos_cut("维修养护供水工程")
        (('维修', 'v'), ('养护', 'v'), ('供水', 'n'), ('工程', 'n'))
    """
    out = []
    for pair in _tagger().cut(text):
        word, flag = pair.word, pair.flag
        if flag == "x" and _CJK.search(word):
            flag = "n"
        out.append((word, flag))
    return tuple(out)
