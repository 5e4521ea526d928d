"""Sentence embeddings: the embedded default model (cnsyn word vectors), any sentence-transformers model, tuning.

``from assistant.embedding import load_embedder`` is cheap (numpy and jieba only); torch and
sentence-transformers load only when a model needs them.
"""

from .loader import Embedder, clear_embedder_cache, load_embedder

__all__ = ["Embedder", "clear_embedder_cache", "load_embedder"]
