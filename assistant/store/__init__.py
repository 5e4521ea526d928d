"""The on-disk store (SQLite + manifest) and the retrieval indexes built over it.

Only the store itself is re-exported here; the indexes (bm25, dense, hybrid) are imported from
their modules so that ``import assistant.store`` stays free of faiss and numpy.
"""

from .database import AddResult, Store, default_store_dir

__all__ = ["AddResult", "Store", "default_store_dir"]
