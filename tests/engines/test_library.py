"""The indicator library: search modes, filters, facets and value distributions."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.engines.library import IndicatorLibrary, ValueDistribution
from assistant.errors import InputError
from assistant.records.build import make_indicator
from assistant.records.schema import Project


def _p(name: str, dept: str, year: int, *rows: tuple[str, str, str]) -> Project:
    return Project(
        name,
        tuple(make_indicator("", level2, ind, value) for level2, ind, value in rows),
        department=dept,
        year=year,
        source=f"{name}.xlsx",
    )


PROJECTS = [
    _p(
        "党员培训",
        "区委组织部",
        2022,
        ("数量指标", "培训人次", "≥400人次"),
        ("服务对象满意度指标", "参训党员满意度", "≥95%"),
    ),
    _p(
        "干部培训",
        "区委组织部",
        2023,
        ("数量指标", "培训人数", "≥100人次"),
        ("服务对象满意度指标", "参训干部满意度", "≥90%"),
    ),
    _p(
        "社区服务",
        "街道办事处",
        2023,
        ("数量指标", "服务居民人次", "≥5000人次"),
        ("服务对象满意度指标", "居民满意度", "≥85%"),
    ),
    _p(
        "老年关爱",
        "民政科",
        2023,
        ("数量指标", "培训人次", "≥9090人次"),
        ("时效指标", "完成时限", "2023年12月底前"),
    ),
    _p("慰问帮扶", "民政科", 2022, ("数量指标", "培训人次", "完成"), ("成本指标", "培训人次", "≤5万元")),
]


class KeywordEmbedder:
    """A predictable fake: one-hot over a few keywords (the sentence-transformers testing trick)."""

    name = "fake-keywords"
    words = ("培训", "满意", "居民", "时限")
    dimension = len(words) + 1

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for j, word in enumerate(self.words):
                out[i, j] = float(word in text)
            out[i, -1] = 0.1
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture()
def library() -> IndicatorLibrary:
    return IndicatorLibrary(projects=PROJECTS, embedder=False)


def test_keyword_search_ranks_exact_names_first(library):
    hits = library.search("培训人次", mode="keyword", limit=3)
    assert [h.name for h in hits][:2] == ["培训人次", "培训人次"]
    assert hits[0].project in {"党员培训", "老年关爱", "慰问帮扶"}
    assert hits[0].score >= hits[-1].score


def test_filters_narrow_results(library):
    hits = library.search("满意度", mode="keyword", department="组织部")
    assert {h.project for h in hits} == {"党员培训", "干部培训"}
    assert all(h.department == "区委组织部" for h in hits)
    assert {h.year for h in library.search("满意度", mode="keyword", year=2023)} == {2023}
    only_time = library.search("", level2="时效指标")
    assert [(h.name, h.value) for h in only_time] == [("完成时限", "2023年12月底前")]


def test_empty_query_lists_newest_first(library):
    years = [h.year for h in library.search("", limit=100)]
    assert years == sorted(years, reverse=True) and len(years) == 10


def test_semantic_search_uses_embedder_and_falls_back_without_one():
    semantic = IndicatorLibrary(projects=PROJECTS, embedder=KeywordEmbedder())
    assert semantic.semantic_available
    hits = semantic.search("居民", mode="semantic", limit=1)
    assert hits[0].name in {"服务居民人次", "居民满意度"}
    fused = semantic.search("居民满意", mode="hybrid", limit=1)
    assert fused[0].name == "居民满意度"
    plain = IndicatorLibrary(projects=PROJECTS, embedder=False)
    assert not plain.semantic_available
    assert plain.search("培训人次", mode="semantic", limit=1)[0].name == "培训人次"  # keyword fallback


def test_semantic_search_cuts_off_unrelated_rows():
    semantic = IndicatorLibrary(projects=PROJECTS, embedder=KeywordEmbedder())
    # "供水" shares no keyword: its vector is the bias alone, cosine ≈ 0.1 with every row
    assert semantic.search("供水", mode="semantic", limit=100) == []
    assert semantic.search("供水", mode="hybrid", limit=100) == []
    close = semantic.search("居民", mode="semantic", limit=100)
    assert close and all("居民" in h.name for h in close)
    # a lower floor lets the weak matches back in
    assert len(semantic.search("供水", mode="semantic", limit=100, min_similarity=0.0)) == 10


def test_bad_arguments_raise_input_error(library):
    with pytest.raises(InputError, match="检索方式"):
        library.search("x", mode="fuzzy")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="过长"):
        library.search("长" * 300)
    with pytest.raises(InputError, match="返回条数"):
        library.search("x", limit=0)
    with pytest.raises(InputError, match="指标名称为空"):
        library.distribution("  ")


def test_facets_count_slots_departments_years(library):
    facets = library.facets()
    assert dict(facets.level2)["数量指标"] == 5
    assert dict(facets.departments)["民政科"] == 4
    assert [y for y, _ in facets.years] == [2023, 2022]


def test_distribution_collects_numbers_in_dominant_unit(library):
    d = library.distribution("培训人次")
    # the similar name 培训人数 joins; ≥9090人次 is a number too (the parser does not flag it);
    # the 成本 row "≤5万元" is another unit, 完成 has no number
    assert d.unit == "人次"
    assert sorted(d.numbers) == [100.0, 400.0, 9090.0]
    assert dict(d.other_units) == {"万元": 1}
    assert dict(d.qualitative) == {"完成": 1}
    assert d.stats()["median"] == 400.0
    filtered = library.distribution("培训人次", level2="数量指标", year=2022)
    assert sorted(filtered.numbers) == [400.0] and dict(filtered.qualitative) == {"完成": 1}


def test_distribution_of_unknown_indicator_is_empty(library):
    d = library.distribution("绿化面积")
    assert d.entries == () and d.numbers == () and d.stats()["count"] == 0


def test_histogram_bins():
    few = ValueDistribution("q", "q", "", "%", (90.0, 95.0, 95.0), ())
    assert few.histogram() == [(90.0, 90.0, 1), (95.0, 95.0, 2)]
    many = ValueDistribution("q", "q", "", "人", tuple(float(x) for x in range(100)), ())
    bins = many.histogram(bins=10)
    assert len(bins) == 10 and sum(c for *_, c in bins) == 100
    assert bins[0][0] == 0.0 and bins[-1][1] == pytest.approx(99.0)
