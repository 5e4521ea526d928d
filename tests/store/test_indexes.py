"""IndexSet over a real Store: search, slot filter, copies, persistence, staleness and incremental rebuild."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import InputError
from assistant.records.build import make_indicator
from assistant.records.schema import Project
from assistant.store import Store
from assistant.store.indexes import IndexSet, indicator_doc_id, read_manifest


def _project(name: str, goal: str, rows: list[tuple[str, str, str]], source: str = "a.xlsx") -> Project:
    return Project(
        name=name,
        goal=goal,
        source=source,
        indicators=tuple(make_indicator("", level2, ind, value) for level2, ind, value in rows),
    )


PROJECTS = [
    _project(
        "党员培训经费",
        "组织党员培训",
        [
            ("数量指标", "党员培训人次", "≥100人次"),
            ("质量指标", "培训合格率", "≥95%"),
            ("服务对象满意度指标", "党员满意度", "≥90%"),
        ],
    ),
    _project(
        "路灯维护经费",
        "维护辖区路灯",
        [
            ("数量指标", "路灯维护数量", "100盏"),
            ("时效指标", "维护及时率", "100%"),
            ("服务对象满意度指标", "群众满意度", "≥90%"),
        ],
    ),
    _project(
        "资金拨付",
        "按时拨付补助资金",
        [
            ("时效指标", "资金拨付及时率", "100%"),
            ("质量指标", "培训合格率", "≥95%"),
            ("数量指标", "不适用", "不适用"),
        ],
    ),
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    IndexSet.clear_cache()
    yield
    IndexSet.clear_cache()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "store")
    store.add_projects(PROJECTS)
    return store


def test_searches_return_typed_hits(store: Store, keyword_embedder) -> None:
    indexes = IndexSet.for_store(store, keyword_embedder())
    projects = indexes.search_projects("路灯维护", 2)
    assert projects[0][0] == PROJECTS[1].id and isinstance(projects[0][1], float)
    hits = indexes.search_indicators("党员培训", 3)
    project, indicator = indexes.indicator(hits[0][0])
    assert indicator.name == "党员培训人次" and project.id == PROJECTS[0].id
    for mode in ("bm25", "dense", "hybrid"):
        assert indexes.search_indicators("资金拨付", 1, mode=mode)[0][0] == indicator_doc_id(
            PROJECTS[2].id, 0
        )


def test_level2_filter_and_copies(store: Store, keyword_embedder) -> None:
    indexes = IndexSet.for_store(store, keyword_embedder())
    hits = indexes.search_indicators("满意度", 5, level2="服务对象满意度指标")
    names = {indexes.indicator(d)[1].name for d, _ in hits}
    assert names == {"党员满意度", "群众满意度"}
    assert indexes.search_indicators("满意度", 5, level2="生态效益指标") == []
    (doc, _), *_ = indexes.search_indicators("培训合格率", 1, level2="质量指标")
    assert indexes.copies(doc) == (indicator_doc_id(PROJECTS[0].id, 1), indicator_doc_id(PROJECTS[2].id, 1))
    assert all(indexes.indicator(d)[1].name != "不适用" for d in indexes.documents("indicators").doc_ids)


def test_bad_mode_empty_query_and_keyword_only(store: Store) -> None:
    indexes = IndexSet.for_store(store, None)
    assert indexes.search_indicators("", 5) == []
    assert indexes.search_indicators("党员", 0) == []
    assert indexes.search_projects("党员", 3, mode="hybrid") == indexes.search_projects(
        "党员", 3, mode="bm25"
    )
    with pytest.raises(InputError):
        indexes.search_projects("党员", 3, mode="dense")
    with pytest.raises(InputError):
        indexes.search_projects("党员", 3, mode="fuzzy")  # type: ignore[arg-type]


def test_an_empty_store_finds_nothing(tmp_path: Path, keyword_embedder) -> None:
    indexes = IndexSet.for_store(Store.open(tmp_path / "empty"), keyword_embedder())
    assert indexes.search_projects("党员", 5) == [] and indexes.search_indicators("党员", 5) == []


def test_indexes_persist_with_a_manifest_and_load_without_embedding(store: Store, keyword_embedder) -> None:
    embedder = keyword_embedder()
    IndexSet.for_store(store, embedder).warm_up()
    root = store.directory / "index"
    manifest = read_manifest(root / "dense-indicators-keywords")
    assert manifest is not None
    assert manifest["store_key"] == store.state_key and manifest["model_fingerprint"] == "keywords-v1"
    assert manifest["dimension"] == embedder.dimension and manifest["documents"] == 7
    assert read_manifest(root / "bm25-projects")["tokenizer_fingerprint"]  # type: ignore[index]
    calls = len(embedder.calls)
    IndexSet.clear_cache()
    again = IndexSet(store, embedder)
    again.warm_up()
    assert len(embedder.calls) == calls  # loaded from disk: nothing re-embedded
    assert again.search_indicators("党员培训", 2) == IndexSet(
        store, embedder, persist=False
    ).search_indicators("党员培训", 2)


def test_a_store_change_rebuilds_embedding_only_new_texts(store: Store, keyword_embedder) -> None:
    embedder = keyword_embedder()
    IndexSet.for_store(store, embedder).warm_up()
    store.add_projects(
        [
            _project(
                "新项目",
                "资金维护",
                [("数量指标", "资金维护次数", "2次"), ("质量指标", "培训合格率", "≥95%")],
            )
        ]
    )
    embedder.calls.clear()
    fresh = IndexSet.for_store(store, embedder)
    fresh.warm_up(("dense",))
    embedded = [t for call in embedder.calls for t in call]
    assert embedded == ["新项目。资金维护", "资金维护次数"]
    assert (
        read_manifest(store.directory / "index" / "dense-indicators-keywords")["store_key"] == store.state_key
    )  # type: ignore[index]
    assert fresh.search_indicators("资金维护", 1)[0][0] == indicator_doc_id(fresh.projects[-1].id, 0)


def test_another_model_or_a_corrupt_manifest_triggers_a_rebuild(store: Store, keyword_embedder) -> None:
    IndexSet(store, keyword_embedder()).warm_up()
    folder = store.directory / "index" / "dense-indicators-keywords"
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    other = keyword_embedder()
    other.fingerprint = "keywords-v2"
    IndexSet(store, other).warm_up(("dense",))
    assert (
        json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["model_fingerprint"]
        == "keywords-v2"
    )
    assert sum(len(c) for c in other.calls) == 3 + 7  # stale vectors of another model are never reused


def test_a_missing_index_file_is_rebuilt(store: Store, keyword_embedder) -> None:
    IndexSet(store, keyword_embedder()).warm_up()
    (store.directory / "index" / "bm25-indicators" / "doc_ids.json").unlink()
    assert IndexSet(store, keyword_embedder()).search_indicators("党员培训", 1, mode="bm25")


def test_a_store_that_cannot_be_written_gets_in_memory_indexes(
    store: Store, keyword_embedder, monkeypatch
) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("assistant.store.indexes.tempfile.mkdtemp", refuse)
    indexes = IndexSet(store, keyword_embedder())
    assert indexes.search_indicators("党员培训", 1)[0][0] == indicator_doc_id(PROJECTS[0].id, 0)
    assert not (store.directory / "index" / "dense-indicators-keywords").exists()


def test_the_same_state_shares_one_index_set(store: Store, keyword_embedder) -> None:
    embedder = keyword_embedder()
    assert IndexSet.for_store(store, embedder) is IndexSet.for_store(store, embedder)
    assert np.array_equal(
        IndexSet.for_store(store, embedder).documents("projects").level2, np.array(["", "", ""], dtype=object)
    )
