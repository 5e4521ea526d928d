"""The learned vagueness model: training separates vague from clear, save/load, numpy-only inference."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from assistant.engines.review.learned import (
    CONFIG_FILE,
    ModelFormatError,
    VaguenessModel,
    WordVectorTable,
    fit_vagueness_model,
    load_default_model,
    segment_words,
    semantic_words,
    sparse_keys,
    value_features,
)

ROOT = Path(__file__).resolve().parents[3]

CLEAR = [
    ("群众满意度", "≥95%", "服务对象满意度指标"),
    ("服务对象满意度", "≥90%", "服务对象满意度指标"),
    ("完成时间", "2023年12月底前", "时效指标"),
    ("完成时间", "2024年6月30日前", "时效指标"),
    ("总成本", "≤30万元", "成本指标"),
    ("总成本", "不超过15万元", "成本指标"),
    ("培训人次", "1000人次", "数量指标"),
    ("活动场次", "≥12场", "数量指标"),
    ("验收情况", "验收合格", "质量指标"),
    ("合格率", "100%", "质量指标"),
]
VAGUE = [
    ("群众满意度", "基本满意", "服务对象满意度指标"),
    ("社会影响", "明显", "社会效益指标"),
    ("服务水平", "得到提升", "社会效益指标"),
    ("完成时间", "及时", "时效指标"),
    ("工作水平", "进一步提高", "社会效益指标"),
    ("服务质量", "良好", "质量指标"),
    ("补助资金", "依申报情况定", "成本指标"),
    ("居民生活", "有所改善", "社会效益指标"),
    ("宣传效果", "显著", "社会效益指标"),
    ("发放时间", "按时", "时效指标"),
]


def _rows() -> list[tuple[str, str, str, int]]:
    return [(*r, 0) for r in CLEAR] + [(*r, 1) for r in VAGUE]


@pytest.fixture(scope="module")
def model() -> VaguenessModel:
    return fit_vagueness_model(_rows(), c=4.0)


def test_separates_vague_from_clear_on_unseen_values(model: VaguenessModel) -> None:
    names = ["受益群众满意度", "完成时限", "设备采购成本", "社会效益", "培训质量", "办结时间"]
    values = ["≥98%", "2025年11月底前", "≤8万元", "明显提升", "较好", "及时办结"]
    level2s = ["服务对象满意度指标", "时效指标", "成本指标", "社会效益指标", "质量指标", "时效指标"]
    p = model.defect_probability(names, values, level2s)
    assert p.shape == (6,) and p.dtype == np.float64
    assert (p[:3] < 0.5).all(), p
    assert (p[3:] > 0.5).all(), p


def test_training_is_deterministic() -> None:
    a = fit_vagueness_model(_rows())
    b = fit_vagueness_model(_rows())
    assert a.vocabulary == b.vocabulary
    assert np.array_equal(a.weights, b.weights) and a.bias == b.bias


def _slow_logit(model: VaguenessModel, name: str, value: str, level2: str) -> float:
    """The definition: bias + Σ weights of sparse_keys + mean word score − offset."""
    total = model.bias + sum(
        model.weights[model.vocabulary[k]] for k in sparse_keys(name, value, level2) if k in model.vocabulary
    )
    scores = [model.word_scores[w] for w in semantic_words(value, model.word_scores)]
    return total + (sum(scores) / len(scores) - model.word_offset if scores else 0.0)


def test_fast_cached_logit_equals_the_feature_definition() -> None:
    words = ("满意", "明显", "提高", "出行", "服务", "水平")
    vectors = np.random.default_rng(0).normal(size=(len(words), 4)).astype(np.float32)
    extra = [
        ("城市居民出行满意度", "城市居民出行满意度得到提高", "社会效益指标", 1),
        ("图书服务水平", "图书服务水平", "社会效益指标", 1),
        ("居民出行满意度", "出行满意度≥90%", "服务对象满意度指标", 0),
        ("人数", "≥60", "数量指标", 1),
    ]
    model = fit_vagueness_model(_rows() + extra, WordVectorTable(words, vectors))
    probes = [(n, v, s) for n, v, s, _ in _rows() + extra] + [
        ("新指标", "较上年提高5%", "社会效益指标"),
        ("服务水平", "服务水平明显", ""),
    ]
    keys = {k for n, v, s in probes for k in sparse_keys(n, v, s)}
    assert {"f:repeats_name", "f:overlaps_name", "f:slot_bare_number:数量指标"} <= keys
    for name, value, level2 in probes * 2:  # the second pass reads the value and name caches
        assert model.logit(name, value, level2) == pytest.approx(_slow_logit(model, name, value, level2))


def test_word_vectors_generalise_to_unseen_words() -> None:
    # 改观 never occurs in training, but its vector is close to 改善 (vague); 竣工 close to 完成 (clear).
    words = ("改善", "改观", "完成", "竣工", "明显")
    vectors = np.asarray(
        [[1.0, 0.0, 0.1], [0.95, 0.05, 0.1], [0.0, 1.0, 0.1], [0.05, 0.95, 0.1], [0.9, 0.1, 0.0]],
        dtype=np.float32,
    )
    rows = [
        ("环境", "得到改善", "社会效益指标", 1),
        ("环境", "明显改善", "社会效益指标", 1),
        ("效果", "明显", "社会效益指标", 1),
    ]
    rows += [
        ("项目", "完成", "质量指标", 0),
        ("项目", "全部完成", "质量指标", 0),
        ("项目", "已完成", "质量指标", 0),
    ]
    with_vectors = fit_vagueness_model(rows, WordVectorTable(words, vectors), c=10.0)
    without = fit_vagueness_model(rows, None, c=10.0)
    p_with = with_vectors.defect_probability(["环境", "工程"], ["改观", "竣工"], ["社会效益指标", "质量指标"])
    p_without = without.defect_probability(["环境", "工程"], ["改观", "竣工"], ["社会效益指标", "质量指标"])
    assert p_with[0] > p_with[1]
    assert p_with[0] - p_with[1] > p_without[0] - p_without[1]
    assert set(with_vectors.word_scores) == set(words)


def test_semantic_words_only_for_values_without_digits() -> None:
    vocabulary = {"得到", "明显", "改观", "成本"}
    assert segment_words("得到明显改观", vocabulary) == ["得到", "明显", "改观"]
    assert semantic_words("总成本≤30万元", vocabulary) == []
    assert semantic_words("", vocabulary) == []


def test_value_features_context_shapes() -> None:
    assert "f:bare_number" in value_features("≥85").keys
    assert "f:doubled" in value_features("≥9090%及以上").keys
    assert "f:no_measure_shape" in value_features("基本满意").keys
    assert "f:no_measure_shape" not in value_features("2023年12月底前").keys
    assert "v:良好率" in value_features("良好率≥95%").keys


def test_save_load_round_trip(model: VaguenessModel, tmp_path: Path) -> None:
    folder = model.save(tmp_path / "review")
    loaded = VaguenessModel.load(folder)
    names, values, level2s = zip(*[(n, v, s) for n, v, s, _ in _rows()], strict=True)
    np.testing.assert_allclose(
        loaded.defect_probability(list(names), list(values), list(level2s)),
        model.defect_probability(list(names), list(values), list(level2s)),
        atol=1e-5,
    )
    assert loaded.meta["training_rows"] == len(_rows())


def test_load_refuses_another_version(model: VaguenessModel, tmp_path: Path) -> None:
    folder = model.save(tmp_path / "review")
    config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
    config["version"] = 999
    (folder / CONFIG_FILE).write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelFormatError, match="models build"):
        VaguenessModel.load(folder)


def test_load_default_model_absent_is_none(tmp_path: Path) -> None:
    assert load_default_model(tmp_path / "nothing-here") is None


def test_length_mismatch_is_refused(model: VaguenessModel) -> None:
    with pytest.raises(ValueError, match="same length"):
        model.defect_probability(["a"], ["b", "c"], ["d"])


def test_needs_two_classes() -> None:
    with pytest.raises(ValueError, match="both"):
        fit_vagueness_model([("a", "明显", "质量指标", 1)] * 3)


def test_inference_imports_neither_torch_nor_sklearn(model: VaguenessModel, tmp_path: Path) -> None:
    folder = model.save(tmp_path / "review")
    script = textwrap.dedent(
        f"""
        import sys
        from assistant.engines.review.learned import VaguenessModel
        m = VaguenessModel.load({str(folder)!r})
        p = m.defect_probability(["满意度", "效果"], ["≥95%", "明显"], ["服务对象满意度指标", "社会效益指标"])
        assert p[0] < 0.5 < p[1], p
        heavy = [name for name in ("torch", "sklearn", "scipy", "sentence_transformers") if name in sys.modules]
        print(",".join(heavy))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_stale_default_model_falls_back_to_rules_with_a_warning(
    model: VaguenessModel, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = model.save(tmp_path / "review")
    (folder / "weights.npz").write_bytes(b"not a zip")
    with caplog.at_level("WARNING"):
        assert load_default_model(folder) is None
    assert "models build" in caplog.text
