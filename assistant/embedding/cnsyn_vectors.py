"""Read the 129,691 Chinese word vectors (75-d) shipped inside the ``cnsyn`` 1.2.0 wheel, safely.

The wheel stores them in ``cnsyn/query/words_tree_mini.m``: a joblib pickle of
``{"model": sklearn BallTree, "words": [...]}`` whose tree state starts with the vector matrix.
Unpickling that file as is would import and run whatever it names, so we never do: a
:class:`RestrictedUnpickler` rebuilds numpy arrays (joblib's ``NumpyArrayWrapper`` format: the
wrapper's fields in the pickle stream, the raw array bytes right after it), plain builtins, and inert
stand-ins for the four sklearn names the file is known to contain. Every other global is refused.

We also never import ``cnsyn`` (its ``__init__`` opens a whoosh index and joblib-loads this very
file): the file is located with :func:`importlib.util.find_spec`, which does not execute a top-level
package, or through the installed distribution's file list.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..errors import AssistantError

CNSYN_VECTORS_FILE = "query/words_tree_mini.m"
_MAX_ARRAY_BYTES = 1 << 31  # 2 GiB: far above the real file's 78 MB, refuses absurd shapes


class UnsafePickleError(AssistantError):
    """A pickle that names something outside the allowed set (or is not joblib's array format)."""


@dataclass(frozen=True)
class WordVectors:
    """A vocabulary and its vectors, row ``i`` belonging to ``words[i]``."""

    words: tuple[str, ...]
    vectors: np.ndarray  # float32, shape (len(words), dim)

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])


class _ArrayWrapper:
    """Inert stand-in for ``joblib.numpy_pickle.NumpyArrayWrapper``: only holds the array's metadata."""

    def __setstate__(self, state: object) -> None:
        if not isinstance(state, dict):
            raise UnsafePickleError(f"NumpyArrayWrapper state is {type(state).__name__}, expected dict")
        self.state = state


class _Opaque:
    """Inert stand-in for an allowed foreign object (the BallTree): keeps its pickled state, runs nothing."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.state: object = None

    def __setstate__(self, state: object) -> None:
        self.state = state


class _OpaqueClass:
    """Inert stand-in for an allowed foreign class, only ever passed to ``newObj``."""

    def __init__(self, qualified_name: str) -> None:
        self.qualified_name = qualified_name


class _NdarrayMarker:
    """Stand-in for ``numpy.ndarray`` where joblib records an array's subclass."""


def _new_opaque(cls: object) -> _Opaque:
    """Stand-in for sklearn's ``newObj(cls)`` factory: returns an inert object instead of a real one."""
    if not isinstance(cls, _OpaqueClass):
        raise UnsafePickleError(f"newObj called with {type(cls).__name__}, expected an allowed class")
    return _Opaque(cls.qualified_name)


def _make_dtype(spec: object, align: object = False, copy: object = False) -> np.dtype:
    """``numpy.dtype`` restricted to string specs of plain (non-object) types."""
    if not isinstance(spec, str):
        raise UnsafePickleError(f"numpy.dtype({spec!r}): only string type codes are allowed")
    dtype = np.dtype(spec)
    if dtype.hasobject:
        raise UnsafePickleError(f"numpy.dtype({spec!r}): object arrays are not allowed")
    return dtype


_NDARRAY = _NdarrayMarker()

# (module, name) → the stand-in returned instead of importing the real global.
_ALLOWED: dict[tuple[str, str], object] = {
    ("joblib.numpy_pickle", "NumpyArrayWrapper"): _ArrayWrapper,
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _make_dtype,
    ("sklearn.neighbors._ball_tree", "newObj"): _new_opaque,
    ("sklearn.metrics._dist_metrics", "newObj"): _new_opaque,
    # the tree and its metric (newer sklearn versions add a "64" suffix); never imported
    **{
        (module, name): _OpaqueClass(f"{module}.{name}")
        for module, names in (
            ("sklearn.neighbors._ball_tree", ("BallTree", "BallTree64")),
            ("sklearn.metrics._dist_metrics", ("EuclideanDistance", "EuclideanDistance64")),
        )
        for name in names
    },
}


class RestrictedUnpickler(pickle._Unpickler):  # the pure-Python unpickler lets us hook BUILD
    """Unpickle joblib's numpy format, allowing only numpy arrays, builtins and known inert stand-ins.

    Any other global raises :class:`UnsafePickleError` before anything is imported. Arrays are read
    from the bytes that follow each ``NumpyArrayWrapper`` (with joblib ≥ 1.2's alignment padding);
    object arrays are refused.

    Example:
        >>> import io, os, pickle
        >>> RestrictedUnpickler(io.BytesIO(pickle.dumps(os.system))).load()
        Traceback (most recent call last):
        ...
        assistant.embedding.cnsyn_vectors.UnsafePickleError: refused global posix.system (only numpy arrays, builtins and the cnsyn BallTree stand-ins are allowed)
    """

    dispatch = pickle._Unpickler.dispatch.copy()

    def __init__(self, file: BinaryIO) -> None:
        super().__init__(file)
        self._raw = file

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return _ALLOWED[(module, name)]
        raise UnsafePickleError(
            f"refused global {module}.{name} (only numpy arrays, builtins and the cnsyn BallTree stand-ins are allowed)"
        )

    def persistent_load(self, pid: object) -> Any:
        raise UnsafePickleError("refused a persistent id: not part of joblib's array format")

    def _load_build(self) -> None:
        # the pure-Python unpickler's internals (load_build, stack) have no type stubs
        pickle._Unpickler.load_build(self)  # type: ignore[attr-defined]
        top = self.stack[-1]  # type: ignore[attr-defined]
        if isinstance(top, _ArrayWrapper):
            self.stack[-1] = self._read_array(top.state)  # type: ignore[attr-defined]

    dispatch[pickle.BUILD[0]] = _load_build  # type: ignore[assignment]

    def _read_array(self, meta: dict[str, Any]) -> np.ndarray:
        subclass, shape, order, dtype = (meta.get(k) for k in ("subclass", "shape", "order", "dtype"))
        if subclass is not _NDARRAY:
            raise UnsafePickleError(f"array subclass {subclass!r} is not allowed (only numpy.ndarray)")
        if not isinstance(dtype, np.dtype) or dtype.hasobject:
            raise UnsafePickleError(f"array dtype {dtype!r} is not allowed (numbers only)")
        if not (isinstance(shape, tuple) and all(isinstance(n, int) and n >= 0 for n in shape)):
            raise UnsafePickleError(f"array shape {shape!r} is not a tuple of non-negative ints")
        if order not in ("C", "F"):
            raise UnsafePickleError(f"array order {order!r} is not C or F")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        size = count * dtype.itemsize
        if size > _MAX_ARRAY_BYTES:
            raise UnsafePickleError(f"array of {size} bytes exceeds the {_MAX_ARRAY_BYTES} byte limit")
        if meta.get("numpy_array_alignment_bytes") is not None:  # joblib ≥ 1.2 pads; older files do not
            padding = self._raw.read(1)
            if len(padding) != 1:
                raise UnsafePickleError("truncated file: missing array padding")
            self._raw.read(padding[0])
        data = self._raw.read(size)
        if len(data) != size:
            raise UnsafePickleError(f"truncated file: array needs {size} bytes, found {len(data)}")
        array = np.frombuffer(data, dtype=dtype, count=count)
        if order == "F":
            return array.reshape(shape[::-1]).transpose().copy()
        return array.reshape(shape).copy()


def restricted_load(file: BinaryIO) -> Any:
    """Load one uncompressed joblib pickle through :class:`RestrictedUnpickler`.

    Raises:
        UnsafePickleError: a refused global, a compressed or truncated file, or any other broken pickle.
    """
    try:
        return RestrictedUnpickler(file).load()
    except UnsafePickleError:
        raise
    except (
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        TypeError,
        AttributeError,
        KeyError,
        IndexError,
    ) as error:
        raise UnsafePickleError(
            f"unreadable pickle (only uncompressed joblib files are supported): {error}"
        ) from error


def find_cnsyn_file() -> Path:
    """Where the installed cnsyn wheel keeps ``words_tree_mini.m``, found without importing cnsyn.

    Raises:
        AssistantError: cnsyn is not installed or its file is missing.
    """
    spec = importlib.util.find_spec("cnsyn")  # a top-level find_spec does not execute the package
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / CNSYN_VECTORS_FILE
        if candidate.is_file():
            return candidate
    try:
        for file in importlib.metadata.files("cnsyn") or []:
            if str(file).endswith(CNSYN_VECTORS_FILE):
                return Path(str(file.locate()))
    except importlib.metadata.PackageNotFoundError:
        pass
    raise AssistantError(
        f"找不到 cnsyn 词向量文件 {CNSYN_VECTORS_FILE}：请安装 cnsyn==1.2.0（pip install cnsyn==1.2.0）"
    )


def read_cnsyn_vectors(path: Path | str | None = None) -> WordVectors:
    """The cnsyn vocabulary and its vectors as float32, read through the restricted unpickler.

    Words containing whitespace (they could not be fed to a whitespace word tokenizer) and repeated
    words (the first occurrence wins) are dropped.

    Raises:
        AssistantError: file missing; UnsafePickleError: the file is not the expected format.
    """
    path = Path(path) if path is not None else find_cnsyn_file()
    with path.open("rb") as file:
        data = restricted_load(file)
    try:
        words = data["words"]
        vectors = data["model"].state[0]
    except (TypeError, KeyError, AttributeError, IndexError) as error:
        raise UnsafePickleError(
            f"{path.name}: not the cnsyn layout {{'model': BallTree, 'words': [...]}}"
        ) from error
    if not isinstance(vectors, np.ndarray) or vectors.ndim != 2 or len(words) != vectors.shape[0]:
        raise UnsafePickleError(
            f"{path.name}: vectors {getattr(vectors, 'shape', None)} do not match {len(words)} words"
        )
    seen: set[str] = set()
    keep: list[int] = []
    for i, word in enumerate(words):
        if isinstance(word, str) and word and not any(c.isspace() for c in word) and word not in seen:
            seen.add(word)
            keep.append(i)
    return WordVectors(
        words=tuple(words[i] for i in keep),
        vectors=np.ascontiguousarray(vectors[keep], dtype=np.float32),
    )
