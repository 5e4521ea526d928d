"""``assistant suggest``: the contract's JSON, the readable table, batches and one-line errors."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assistant.interfaces.cli import main
from assistant.store.database import DB_NAME, MANIFEST_NAME, Store
from tests.engines.suggest.fakes import training_projects

PROJECT_KEYS = ["name", "goal", "budget_wan", "year"]
INDICATOR_KEYS = [
    "level1",
    "level2",
    "name",
    "value",
    "range",
    "confidence",
    "evidence",
    "review",
    "explain",
    "placeholder",
]
REQUIRED = {"数量指标", "质量指标", "时效指标", "成本指标"}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("store")
    Store.open(directory).add_projects(training_projects())
    return directory


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["suggest", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape_is_the_contract(store_dir, capsys):
    code, out, err = run(
        capsys,
        "--name",
        "党员培训经费",
        "--goal",
        "培训1期40人",
        "--budget",
        "6",
        "--year",
        "2025",
        "--store",
        str(store_dir),
        "--json",
    )
    assert code == 0, err
    (line,) = out.splitlines()
    data = json.loads(line)
    assert list(data) == [
        "project",
        "indicators",
        "alternatives",
        "domains",
        "findings",
        "notes",
        "nearest_similarity",
    ]
    assert data["domains"][0]["domain"] == "党建组织" and "名称含" in data["domains"][0]["reason"]
    assert len(data["indicators"]) + len(data["alternatives"]) >= 10
    assert all(list(r) == INDICATOR_KEYS for r in data["alternatives"])
    assert data["project"] == {"name": "党员培训经费", "goal": "培训1期40人", "budget_wan": 6.0, "year": 2025}
    rows = data["indicators"]
    assert rows and all(list(r) == INDICATOR_KEYS for r in rows)
    assert REQUIRED <= {r["level2"] for r in rows}
    assert any("满意" in r["level2"] for r in rows) and any(r["level1"] == "效益指标" for r in rows)
    for r in rows:
        assert 0.0 <= r["confidence"] <= 1.0
        assert list(r["review"]) == ["label", "verdict", "reasons"]
        assert r["placeholder"] == ("【待填" in r["value"])
        assert r["review"]["label"] == "clear" or r["placeholder"]
        assert r["range"] is None or list(r["range"]) == ["comparator", "low", "high", "unit"]
        assert all(list(e) == ["project", "name", "value", "source", "kind"] for e in r["evidence"])
        assert all(e["kind"] in {"goal", "budget", "corpus", "library"} for e in r["evidence"])
    confidences = [r["confidence"] for r in rows]
    assert confidences == sorted(confidences, reverse=True)
    assert any(r["value"] == "≥40人次" for r in rows)


def test_k_caps_and_readable_table(store_dir, capsys):
    code, out, _ = run(
        capsys, "--name", "路灯维护经费", "--budget", "20", "--k", "3", "--store", str(store_dir), "--json"
    )
    assert code == 0 and len(json.loads(out)["indicators"]) == 3
    code, out, _ = run(capsys, "--name", "路灯维护经费", "--budget", "20", "--store", str(store_dir))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "项目：路灯维护经费（预算 20 万元）"
    assert "产出指标" in lines and "  数量指标" in lines and "置信度" in out
    assert lines.index("产出指标") < lines.index("  数量指标")


def test_batch_keeps_input_order(store_dir, tmp_path, capsys):
    batch = tmp_path / "in.jsonl"
    names = ["路灯维护经费", "党员培训", "档案管理经费"]
    batch.write_text(
        "\n".join(json.dumps({"name": n, "budget_wan": 10, "year": 2024}, ensure_ascii=False) for n in names)
        + "\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--batch", str(batch), "--store", str(store_dir), "--json")
    assert code == 0, err
    assert [json.loads(line)["project"]["name"] for line in out.splitlines()] == names


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--name", ""], "项目名称为空"),
        (["--name", "x", "--goal", "培" * 100_000], "年度目标过长：100000 字"),
        (["--name", "x", "--budget", "-5"], "预算无效：-5 万元"),
        (["--name", "x", "--budget", "1e13"], "预算不合理"),
        (["--name", "x", "--budget", "abc"], "--budget 无效"),
        (["--name", "x", "--year", "2025.5"], "--year 无效"),
        (["--name", "x", "--k", "0"], "--k 无效"),
    ],
)
def test_bad_input_is_one_line_exit_2(store_dir, capsys, argv, message):
    code, out, err = run(capsys, *argv, "--store", str(store_dir))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err


def test_a_bad_batch_line_is_answered_in_its_place_and_the_rest_drafted(store_dir, tmp_path, capsys):
    batch = tmp_path / "bad.jsonl"
    lines = [
        '{"name": "路灯维护经费"}',
        '{"name": "x", "budget_wan": -1}',
        "not json",
        "",
        "[" * 100_000 + "]" * 100_000,  # RecursionError inside json.loads without the depth check
        '["a list"]',
        '{"name": "党员培训经费"}',
    ]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "--batch", str(batch), "--store", str(store_dir), "--json")
    answers = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and len(answers) == 6
    assert answers[0]["project"]["name"] == "路灯维护经费" and answers[5]["project"]["name"] == "党员培训经费"
    assert [a["line"] for a in answers[1:5]] == [2, 3, 5, 6]
    assert "bad.jsonl 第2行" in answers[1]["error"] and "预算无效" in answers[1]["error"]
    assert "不是合法的 JSON" in answers[2]["error"] and "嵌套过深" in answers[3]["error"]
    assert "JSON 对象" in answers[4]["error"]
    assert len(err.splitlines()) == 4 and "Traceback" not in err


def test_batch_input_is_read_with_bounds(store_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANT_MAX_BATCH_BYTES", "100000")
    code, out, err = run(capsys, "--batch", "/dev/zero", "--store", str(store_dir), "--json")
    assert code == 2 and out == "" and "批量文件过大" in err and "ASSISTANT_MAX_BATCH_BYTES" in err
    monkeypatch.setenv("ASSISTANT_MAX_BATCH_LINE_BYTES", "1000")
    batch = tmp_path / "long.jsonl"
    batch.write_text('{"name": "' + "长" * 2000 + '"}\n{"name": "路灯维护经费"}\n', encoding="utf-8")
    code, out, err = run(capsys, "--batch", str(batch), "--store", str(store_dir), "--json")
    answers = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and answers[0]["line"] == 1 and "行过长" in answers[0]["error"]
    assert answers[1]["project"]["name"] == "路灯维护经费"


def test_empty_missing_and_old_stores(tmp_path, capsys):
    empty = tmp_path / "empty"
    Store.open(empty)
    code, out, err = run(capsys, "--name", "党员培训", "--store", str(empty))
    assert code == 2 and out == "" and "没有可用的历史指标" in err and len(err.splitlines()) == 1
    code, _, err = run(capsys, "--name", "党员培训", "--store", str(tmp_path / "absent"))
    assert code == 2 and "不存在" in err
    old = tmp_path / "old"
    Store.open(old).add_projects(training_projects()[:2])
    with sqlite3.connect(old / DB_NAME) as con:
        con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    (old / MANIFEST_NAME).unlink()
    code, _, err = run(capsys, "--name", "党员培训", "--store", str(old))
    assert code == 2 and "版本" in err and len(err.strip().splitlines()) == 1


def test_store_index_retrieval_path(store_dir, capsys):
    code, out, err = run(
        capsys,
        "--name",
        "路灯维护经费",
        "--budget",
        "20",
        "--retrieval",
        "bm25",
        "--store",
        str(store_dir),
        "--json",
    )
    assert code == 0, err
    rows = json.loads(out)["indicators"]
    assert any(r["name"] == "亮灯率" for r in rows)
    assert (store_dir / "index").is_dir()  # the store's persisted indexes were built and used
