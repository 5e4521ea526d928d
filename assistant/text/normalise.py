"""Text normalisation in one place: width folding, NFKC keys, punctuation-free keys, character bigrams.

Three forms, for three uses:

- :func:`fold_width` maps one character to one character (full-width digits and signs to ASCII,
  control characters to spaces), so a span found in the folded text is valid in the text as printed
  (the review's reasons point at characters);
- :func:`normalise_text` is NFKC and case-folded: the form indexed words and bigrams are taken from;
- :func:`compact` drops spaces and punctuation: a key under which two spellings of one name are equal;
  :func:`label_key` drops what decorates a form or header label (spaces, required-field stars, colons).

Character bigrams: :func:`char_bigrams` (overlapping pairs of a sequence, in order), :func:`gram_set`
(of the Chinese and alphanumeric characters; a one-character text is its own gram) and
:func:`han_bigrams` (of the Chinese characters only).

Example:
    >>> fold_width("≧９５％")
    '≥95%'
    >>> normalise_text("ＬＥＤ灯１０盏")
    'led灯10盏'
    >>> compact("培训 （线上）、人次")
    '培训线上人次'
    >>> sorted(gram_set("培训人次")), sorted(gram_set("灯")), sorted(han_bigrams("LED灯具"))
    (['人次', '培训', '训人'], ['灯'], ['灯具'])
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_FULL = "０１２３４５６７８９％．，：＋－／＜＞＝～"
_HALF = "0123456789%.,:+-/<>=~"
_WIDTH = {ord(a): b for a, b in zip(_FULL, _HALF, strict=True)}
_WIDTH.update(
    {
        ord("≧"): "≥",
        ord("≦"): "≤",
        ord("⩾"): "≥",
        ord("⩽"): "≤",
        ord("﹪"): "%",
        ord("\u3000"): " ",
    }
)
_WIDTH.update({c: " " for c in range(0x20)})  # control characters, the line feed included
_WIDTH.update({0x7F: " ", 0xA0: " "})
for _c in range(0xFF21, 0xFF3B):  # Ａ-Ｚ
    _WIDTH[_c] = chr(_c - 0xFEE0)
for _c in range(0xFF41, 0xFF5B):  # ａ-ｚ
    _WIDTH[_c] = chr(_c - 0xFEE0)

# Spaces and the punctuation names are written with; "." stays (1.5 and 15 are different values).
_LABEL_NOISE = re.compile(r"[\s\u3000*＊★:：]")
_PUNCTUATION = re.compile(r"[\s\u3000、，,。；;：:（）()【】\[\]“”\"'《》\-—_/]+")


def fold_width(text: str) -> str:
    """Full-width digits, letters and signs to ASCII, control characters to spaces; same length.

    Example:
        >>> fold_width("Ａ\\x00１")
        'A 1'
    """
    return text.translate(_WIDTH)


def normalise_text(text: str) -> str:
    """NFKC (full-width → half-width) and case-folded text."""
    return unicodedata.normalize("NFKC", text).casefold()


def compact(text: str) -> str:
    """``text`` without spaces and punctuation (brackets, quotes, list marks, dashes, slashes)."""
    return _PUNCTUATION.sub("", text)


def label_key(text: str) -> str:
    """A header or form label without spaces, stars and colons (``* 项目名称：`` → ``项目名称``)."""
    return _LABEL_NOISE.sub("", text)


def is_han(char: str) -> bool:
    """A CJK unified ideograph (the basic block)."""
    return "\u4e00" <= char <= "\u9fff"


def char_bigrams(chars: Sequence[str]) -> list[str]:
    """Overlapping pairs of ``chars``, in order and with repeats (none for fewer than two).

    Example:
        >>> char_bigrams("培训人次")
        ['培训', '训人', '人次']
    """
    return [chars[i] + chars[i + 1] for i in range(len(chars) - 1)]


def gram_set(text: str) -> frozenset[str]:
    """Bigrams of the Chinese and alphanumeric characters of ``text``; one such character is its own gram."""
    chars = [c for c in text if is_han(c) or c.isalnum()]
    return frozenset(chars if len(chars) == 1 else char_bigrams(chars))


def han_bigrams(text: str) -> frozenset[str]:
    """Bigrams of the Chinese characters of ``text`` (other characters skipped, not breaking a pair)."""
    return frozenset(char_bigrams([c for c in text if is_han(c)]))
