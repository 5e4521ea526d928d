"""Fakes shared by the store tests: a keyword one-hot embedder whose similarities are known exactly."""

from __future__ import annotations

import numpy as np
import pytest

KEYWORDS = ("党员", "培训", "路灯", "维护", "资金", "拨付", "满意度")


class KeywordEmbedder:
    """One dimension per keyword: a text's vector marks the keywords it contains (L2-normalised)."""

    name = "keywords"
    fingerprint = "keywords-v1"
    dimension = len(KEYWORDS)

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        out = np.array([[1.0 if k in t else 0.0 for k in KEYWORDS] for t in texts], dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0).reshape(
            len(texts), len(KEYWORDS)
        )


@pytest.fixture
def keyword_embedder() -> type[KeywordEmbedder]:
    """The fake's class (tests make fresh instances to count their ``encode`` calls)."""
    return KeywordEmbedder
