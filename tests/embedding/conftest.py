"""A tiny word-vector set with known topics, so similarity assertions are exact."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.embedding.cnsyn_vectors import WordVectors

# topic axes: 0 party/training, 1 street lights, 2 money, 3 rates
TINY_WORDS: dict[str, list[float]] = {
    "党员": [1.0, 0.0, 0.0, 0.1],
    "培训": [0.9, 0.0, 0.1, 0.0],
    "党建": [1.0, 0.1, 0.0, 0.0],
    "路灯": [0.0, 1.0, 0.0, 0.0],
    "维护": [0.0, 0.9, 0.1, 0.0],
    "照明": [0.1, 1.0, 0.0, 0.0],
    "资金": [0.0, 0.0, 1.0, 0.0],
    "拨付": [0.0, 0.1, 0.9, 0.1],
    "发放": [0.1, 0.0, 0.9, 0.1],
    "及时": [0.0, 0.0, 0.2, 0.8],
    "率": [0.0, 0.0, 0.0, 1.0],
    "合格率": [0.1, 0.0, 0.0, 1.0],
    "满意度": [0.2, 0.0, 0.0, 0.9],
    "群众": [0.5, 0.0, 0.0, 0.5],
}


@pytest.fixture(scope="session")
def tiny_vectors() -> WordVectors:
    words = tuple(TINY_WORDS)
    return WordVectors(words=words, vectors=np.array([TINY_WORDS[w] for w in words], dtype=np.float32))
