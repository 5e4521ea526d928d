"""Part-of-speech tags of short texts (a goal's clauses), from jieba with a trimmed dictionary.

The suggest engine reads the objects a goal counts (维修养护农村集中供水工程 15 处) from word tags. jieba's
full dictionary (349k words) takes ~0.7 s to load and ``jieba.posseg`` reads its 5 MB word-tag table
again at import (~0.4 s): most of a cold ``assistant suggest``. The words used at least
:data:`MIN_FREQUENCY` times in jieba's source corpus (80k) load in ~0.1 s and tag every goal of the
seeds, songgang and published-pages corpora exactly as the full dictionary does
(``tests/text/test_pos.py`` checks the seeds and, where present, songgang).

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

#: jieba dictionary words below this frequency are left out of the tagger's dictionary.
MIN_FREQUENCY = 20

#: Nouns that begin with a preposition's character: without them 聘用人员在岗率 reads as 聘用人员|在|岗率.
_NOUNS = ("在岗率", "在岗人员", "在编人员", "在校生", "在校学生", "在园幼儿", "在册人数", "在读学生")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_lock = threading.Lock()


def _trimmed_dictionary(directory: Path) -> Path:
    """jieba's dictionary without its rare words, written once (atomically) into ``directory``."""
    import jieba

    path = directory / f"jieba-{jieba.__version__}-pos-f{MIN_FREQUENCY}.txt"
    if path.exists():
        return path
    source = Path(jieba.__file__).with_name("dict.txt")
    kept = [
        line
        for line in source.read_text(encoding="utf-8").splitlines(keepends=True)
        if int(line.split(maxsplit=2)[1]) >= MIN_FREQUENCY
    ]
    write_text_atomic(path, "".join(kept))
    return path


@lru_cache(maxsize=1)
def _tagger() -> Any:
    """A ``jieba.posseg.POSTokenizer`` over the trimmed dictionary plus the project's words."""
    import jieba

    from .tokenizer import Tokenizer, default_tokenizer

    jieba.setLogLevel(logging.WARNING)  # jieba's own logger only
    words: Tokenizer = default_tokenizer()
    directory = words.writable_cache_dir()
    engine = jieba.Tokenizer(str(_trimmed_dictionary(directory)))
    engine.tmp_dir = str(directory)
    engine.initialize()
    for line in words.user_words:
        word, *rest = line.split()
        engine.add_word(word, int(rest[0]) if rest and rest[0].isdigit() else None)
    for word in _NOUNS:
        engine.add_word(word, tag="n")
    with _lock:
        # posseg builds a module-level tagger from jieba.dt at import and reads that dictionary's 5 MB
        # word-tag table: point jieba.dt at ours for the import, then give posseg back a tagger of the
        # global dictionary whose table is read on first use, so other users of jieba see no change.
        default, jieba.dt = jieba.dt, engine
        try:
            import jieba.posseg as posseg
        finally:
            jieba.dt = default
        if posseg.dt.tokenizer is engine:
            ours = posseg.dt
            posseg.dt = posseg.POSTokenizer.__new__(posseg.POSTokenizer)
            posseg.dt.tokenizer = default
            posseg.dt.word_tag_tab = _TagsOnFirstUse(default)
            return ours
    return posseg.POSTokenizer(engine)


class _TagsOnFirstUse(dict[str, str]):
    """The global posseg tagger's word-tag table, read from its dictionary when first consulted."""

    def __init__(self, tokenizer: Any) -> None:
        super().__init__()
        self._pending = tokenizer

    def _load(self) -> None:
        if self._pending is not None:
            import jieba.posseg as posseg

            tokenizer, self._pending = self._pending, None
            dict.update(self, posseg.POSTokenizer(tokenizer).word_tag_tab)

    def get(self, key: Any, default: Any = None) -> Any:
        self._load()
        return dict.get(self, key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._load()
        dict.update(self, *args, **kwargs)


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
