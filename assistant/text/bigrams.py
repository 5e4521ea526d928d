"""Character bigrams as a tokenizer: the segmentation that finds neighbour projects best.

Indicator names and project titles are short and written freely (培训人次 / 培训人数), so whole-word
segmentation helps little; overlapping character bigrams of the normalised text match them without a
dictionary. :class:`BigramTokenizer` has the :class:`~assistant.text.tokenizer.Tokenizer` methods the
BM25 index calls (``cut_for_search``, ``fingerprint``), so it is injected into the same bm25s index.

Example:
    >>> BigramTokenizer().cut_for_search("培训人次（人）")
    ['培训', '训人', '人次', '次人']
"""

from __future__ import annotations

import unicodedata

from .normalise import char_bigrams

FINGERPRINT = "char-bigram-v1"


class BigramTokenizer:
    """Overlapping character bigrams of the letters and digits of a text (NFKC, lower case)."""

    fingerprint = FINGERPRINT
    name = "bigram"  # names its index folder beside the jieba one (bm25-bigram-projects)

    def cut_for_search(self, text: str) -> list[str]:
        chars = [c for c in unicodedata.normalize("NFKC", text or "").lower() if c.isalnum()]
        if len(chars) == 1:
            return chars
        return char_bigrams(chars)

    cut = cut_for_search
