"""ReviewConfig: TOML and YAML files, validation errors that name the file, key and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.engines.review import ReviewConfig
from assistant.errors import InputError

TOML = """
allow = ["规范"]

[[department]]
match = "城管"
allow = ["良好"]

[terms]
DEGREE = ["惠民利民"]
DEFERRED = ["按文件执行"]

[[suppress]]
project = "社区饭堂"
indicator = "对用餐环境的改善"
code = "DEGREE"
justification = "2023年口径：社会效益允许定性表述"

[model]
catch = 0.9
veto = 0.1
scope = "all"
"""

YAML = """
allow: [规范]
department:
  - match: 城管
    allow: [良好]
terms:
  DEGREE: [惠民利民]
  DEFERRED: [按文件执行]
suppress:
  - project: 社区饭堂
    indicator: 对用餐环境的改善
    code: DEGREE
    justification: 2023年口径：社会效益允许定性表述
model: {catch: 0.9, veto: 0.1, scope: all}
"""


@pytest.mark.parametrize(("suffix", "text"), [(".toml", TOML), (".yaml", YAML), (".yml", YAML)])
def test_load_toml_and_yaml_give_the_same_config(tmp_path: Path, suffix: str, text: str) -> None:
    path = tmp_path / f"review{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.warns(UserWarning, match=r"\[model\] 已不再使用"):  # the removed model's table still loads
        cfg = ReviewConfig.load(path)
    assert cfg.allowed_for(None) == {"规范"}
    assert cfg.allowed_for("宝安区城管局") == {"规范", "良好"}
    assert cfg.custom_terms == (("惠民利民", "DEGREE"), ("按文件执行", "DEFERRED"))
    s = cfg.suppression_for("社区饭堂（东方社区）", "对用餐环境的改善", "DEGREE")
    assert s is not None and s.justification.startswith("2023年口径")
    assert cfg.suppression_for("其他项目", "对用餐环境的改善", "DEGREE") is None
    assert cfg.suppression_for("社区饭堂", "对用餐环境的改善", "DIRECTION") is None


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"suppress": [{"indicator": "明显"}]}, "justification"),
        ({"suppress": [{"indicator": "明显", "justification": "  "}]}, "justification"),
        ({"suppress": [{"justification": "理由"}]}, "indicator"),
        ({"suppress": [{"indicator": "x", "justification": "理由", "code": "NOPE"}]}, "NOPE"),
        ({"terms": {"VAGUE": ["x"]}}, "VAGUE"),
        ({"terms": {"DEGREE": [""]}}, "terms.DEGREE"),
        ({"department": [{"allow": ["良好"]}]}, "match"),
        ({"allowed": ["x"]}, "未知的键 allowed"),
        (["not", "a", "table"], "顶层"),
    ],
)
def test_invalid_config_names_the_problem(data, needle: str) -> None:
    with pytest.raises(InputError) as err:
        ReviewConfig.from_mapping(data, source="review.toml")
    assert needle in str(err.value) and "review.toml" in str(err.value)


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="无法读取"):
        ReviewConfig.load(tmp_path / "missing.toml")
    (tmp_path / "a.ini").write_text("x=1", encoding="utf-8")
    with pytest.raises(InputError, match=r"\.toml、\.yaml"):
        ReviewConfig.load(tmp_path / "a.ini")
    (tmp_path / "bad.toml").write_text("allow = [", encoding="utf-8")
    with pytest.raises(InputError, match="格式错误"):
        ReviewConfig.load(tmp_path / "bad.toml")
    (tmp_path / "gbk.yaml").write_bytes("allow: [规范]".encode("gbk"))
    with pytest.raises(InputError, match="UTF-8"):
        ReviewConfig.load(tmp_path / "gbk.yaml")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert ReviewConfig.load(tmp_path / "empty.yaml").allow == frozenset()
