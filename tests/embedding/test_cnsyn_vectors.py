"""The restricted unpickler: numpy arrays and builtins come back, every other global is refused."""

from __future__ import annotations

import io
import os
import pickle
import sys

import joblib
import numpy as np
import pytest

from assistant.embedding.cnsyn_vectors import (
    RestrictedUnpickler,
    UnsafePickleError,
    find_cnsyn_file,
    read_cnsyn_vectors,
    restricted_load,
)
from assistant.errors import AssistantError


class _CallsSystem:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_refuses_os_system() -> None:
    with pytest.raises(UnsafePickleError, match="system"):
        restricted_load(io.BytesIO(pickle.dumps(_CallsSystem())))


def test_refuses_any_other_global() -> None:
    with pytest.raises(UnsafePickleError, match="collections.OrderedDict"):
        restricted_load(io.BytesIO(pickle.dumps({"a": __import__("collections").OrderedDict()})))


def test_builtins_come_back() -> None:
    data = {"words": ["党员", "培训"], "n": 2, "x": (1.5, None, True)}
    assert restricted_load(io.BytesIO(pickle.dumps(data))) == data


def test_joblib_arrays_are_rebuilt(tmp_path) -> None:
    arrays = {
        "c": np.arange(12, dtype=np.float64).reshape(3, 4),
        "f": np.asfortranarray(np.arange(6, dtype=np.int64).reshape(2, 3)),
        "words": ["甲", "乙"],
    }
    path = tmp_path / "a.joblib"
    joblib.dump(arrays, path)
    with path.open("rb") as handle:
        loaded = restricted_load(handle)
    np.testing.assert_array_equal(loaded["c"], arrays["c"])
    np.testing.assert_array_equal(loaded["f"], arrays["f"])
    assert loaded["words"] == ["甲", "乙"]


def test_object_arrays_are_refused(tmp_path) -> None:
    path = tmp_path / "o.joblib"
    joblib.dump({"x": np.array([{"a": 1}], dtype=object)}, path)
    with path.open("rb") as handle, pytest.raises(UnsafePickleError):
        restricted_load(handle)


def test_compressed_files_are_refused(tmp_path) -> None:
    path = tmp_path / "z.joblib"
    joblib.dump({"x": np.zeros(3)}, path, compress=3)
    with path.open("rb") as handle, pytest.raises(UnsafePickleError, match="uncompressed"):
        restricted_load(handle)


def test_truncated_file_is_refused(tmp_path) -> None:
    path = tmp_path / "t.joblib"
    joblib.dump({"x": np.zeros(1000)}, path)
    data = path.read_bytes()[:-100]
    with pytest.raises(UnsafePickleError):
        restricted_load(io.BytesIO(data))


def test_a_balltree_file_gives_its_data_array_and_words(tmp_path) -> None:
    from sklearn.neighbors import BallTree

    vectors = np.random.default_rng(0).standard_normal((30, 5))
    words = [f"词{i}" for i in range(30)]
    words[3] = "有 空格"  # dropped: a whitespace word tokenizer could never produce it
    words[7] = words[6]  # duplicate: first occurrence wins
    path = tmp_path / "tree.m"
    joblib.dump({"model": BallTree(vectors), "words": words}, path)
    result = read_cnsyn_vectors(path)
    keep = [i for i in range(30) if i not in (3, 7)]
    assert result.words == tuple(words[i] for i in keep)
    np.testing.assert_allclose(result.vectors, vectors[keep].astype(np.float32))
    assert result.vectors.dtype == np.float32


def test_wrong_layout_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "x.m"
    joblib.dump({"words": ["a"]}, path)
    with pytest.raises(UnsafePickleError, match="cnsyn layout"):
        read_cnsyn_vectors(path)


def test_unpickler_class_is_usable_directly() -> None:
    assert RestrictedUnpickler(io.BytesIO(pickle.dumps([1, "二"]))).load() == [1, "二"]


def test_the_installed_cnsyn_file_reads_without_importing_cnsyn() -> None:
    try:
        path = find_cnsyn_file()
    except AssistantError:
        pytest.skip("cnsyn is not installed")
    before = set(sys.modules)
    result = read_cnsyn_vectors(path)
    assert result.vectors.shape == (len(result.words), 75)
    assert len(result.words) > 129_000
    assert "党员" in result.words and "满意度" in result.words
    loaded = set(sys.modules) - before
    assert not {m for m in loaded if m.split(".")[0] in ("cnsyn", "sklearn", "whoosh")}
