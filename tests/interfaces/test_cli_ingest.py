"""``assistant ingest`` and the CLI frame: contract JSON, one-line errors, exit codes, light imports."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import assistant.ingest
from assistant.documents import MAX_FILE_BYTES
from assistant.errors import IngestError, IngestWarning
from assistant.interfaces.cli import build_parser, main
from assistant.records.schema import Indicator, ParsedValue, Project
from assistant.store.database import DB_NAME, Store

ROOT = Path(__file__).resolve().parents[2]
EXECUTABLE = Path(sys.executable).parent / "assistant"
PROJECT_KEYS = [
    "source",
    "location",
    "project",
    "code",
    "department",
    "year",
    "budget_wan",
    "goal",
    "indicators",
]
INDICATOR_KEYS = ["level1", "level2", "name", "value", "explain", "period_value", "parsed"]
PARSED_KEYS = ["kind", "comparator", "low", "high", "unit", "flags"]


def fake_reader(path: Path) -> list[Project]:
    """One project per line of a UTF-8 text file; ``corrupt`` → IngestError; ``interrupt`` → Ctrl-C."""
    text = path.read_text(encoding="utf-8")
    if text == "corrupt":
        raise IngestError(path.name, "文件已损坏\n（第二行原因）")
    if text == "interrupt":
        raise KeyboardInterrupt
    if text == "warn":
        warnings.warn(IngestWarning(path.name, "金额按元填写，已换算为万元", sheet="Sheet2"), stacklevel=2)
    return [
        Project(
            name=line,
            indicators=(
                Indicator(
                    "产出指标",
                    "数量指标",
                    "培训人次",
                    "≥100人次",
                    ParsedValue("number", "≥", 100.0, None, "人次"),
                ),
            ),
            year=2022,
            budget_wan=12.5,
            source=path.name,
            location=f"行 {n}",
        )
        for n, line in enumerate(text.splitlines(), 1)
    ]


@pytest.fixture
def fake_documents(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(assistant.ingest, "read_document", fake_reader)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("甲项目\n乙项目", encoding="utf-8")
    (docs / "b.txt").write_text("corrupt", encoding="utf-8")
    (docs / "c.txt").write_text("丙项目", encoding="utf-8")
    return docs


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, list[str], list[str]]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def test_json_lines_have_exactly_the_contract_keys(fake_documents: Path, tmp_path: Path, capsys) -> None:
    store_dir = tmp_path / "store"
    code, out, err = run_cli(capsys, "ingest", fake_documents / "a.txt", "--store", store_dir, "--json")
    assert (code, err) == (0, [])
    lines = [json.loads(line) for line in out]
    assert [line["project"] for line in lines] == ["甲项目", "乙项目"]
    for line in lines:
        assert list(line) == PROJECT_KEYS
        assert list(line["indicators"][0]) == INDICATOR_KEYS
        assert list(line["indicators"][0]["parsed"]) == PARSED_KEYS
    assert lines[0]["indicators"][0]["parsed"] == {
        "kind": "number",
        "comparator": "≥",
        "low": 100.0,
        "high": None,
        "unit": "人次",
        "flags": [],
    }
    assert "甲项目" in out[0]  # UTF-8, not \\u escapes


def test_a_bad_file_is_one_stderr_line_and_the_others_are_ingested(
    fake_documents: Path, tmp_path: Path, capsys
):
    store_dir = tmp_path / "store"
    code, out, err = run_cli(capsys, "ingest", fake_documents, "--store", store_dir, "--json")
    assert code == 2
    assert err == ["assistant: error: b.txt: 文件已损坏 （第二行原因）"]
    assert [json.loads(line)["project"] for line in out] == ["甲项目", "乙项目", "丙项目"]
    assert Store.open(store_dir).project_count() == 3


def test_reader_warnings_are_one_line_each_and_do_not_fail(
    fake_documents: Path, tmp_path: Path, capsys
) -> None:
    (fake_documents / "w.txt").write_text("warn", encoding="utf-8")
    code, out, err = run_cli(capsys, "ingest", fake_documents / "w.txt", "--store", tmp_path / "s", "--json")
    assert code == 0 and len(out) == 1
    assert err == ["assistant: warning: w.txt [Sheet2]: 金额按元填写，已换算为万元"]


def test_reingesting_adds_nothing_and_the_summary_says_so(
    fake_documents: Path, tmp_path: Path, capsys
) -> None:
    store_dir = tmp_path / "store"
    good = [fake_documents / "a.txt", fake_documents / "c.txt"]
    assert run_cli(capsys, "ingest", *good, "--store", store_dir)[0] == 0
    code, out, err = run_cli(capsys, "ingest", *good, "--store", store_dir)
    assert (code, err) == (0, [])
    assert out[0] == "读取 2 个文件（3 个项目，3 条指标）：新增 0 个项目，跳过 3 个已有项目"
    assert out[1] == f"存储 {store_dir}：共 3 个项目，3 条指标"


def test_usage_errors_exit_2(tmp_path: Path, capsys) -> None:
    code, _, err = run_cli(capsys, "ingest", "--store", tmp_path / "s", "--no-such-option")
    assert code == 2 and err == [
        "assistant: error: 无法识别的参数：--no-such-option（用 `assistant --help` 查看用法）"
    ]
    code, _, err = run_cli(capsys, "ingest", "--store", tmp_path / "s")
    assert code == 2 and len(err) == 1 and err[0].startswith("assistant: error: ingest 需要至少一个 PATH")
    code, _, err = run_cli(capsys, "review")
    assert code == 2 and err == [
        "assistant: error: 缺少必需的参数：PATH（用 `assistant review --help` 查看用法）"
    ]
    code, _, err = run_cli(capsys, "no-such-command")
    assert code == 2 and len(err) == 1 and "不能是“no-such-command”" in err[0] and "usage" not in err[0]
    assert run_cli(capsys)[0] == 2  # no command
    assert run_cli(capsys, "--version")[0] == 0


def test_a_store_of_another_version_is_one_line_and_rebuild_fixes_it(fake_documents: Path, tmp_path, capsys):
    store_dir = tmp_path / "store"
    run_cli(capsys, "ingest", fake_documents / "a.txt", "--store", store_dir)
    with sqlite3.connect(store_dir / DB_NAME) as con:
        con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    (store_dir / "manifest.json").unlink()
    code, out, err = run_cli(capsys, "ingest", fake_documents / "c.txt", "--store", store_dir)
    assert code == 2 and out == [] and len(err) == 1
    assert "版本为 0" in err[0] and "assistant ingest --rebuild" in err[0]
    code, out, err = run_cli(capsys, "ingest", fake_documents / "c.txt", "--store", store_dir, "--rebuild")
    assert (code, err) == (0, [])
    assert [p.name for p in Store.open(store_dir).projects()] == ["丙项目"]


def test_rebuild_refuses_a_folder_that_is_not_a_store(fake_documents: Path, capsys) -> None:
    code, _, err = run_cli(capsys, "ingest", fake_documents / "a.txt", "--store", fake_documents, "--rebuild")
    assert code == 2 and len(err) == 1 and "不是存储文件夹" in err[0]
    assert (fake_documents / "a.txt").is_file()


def test_ctrl_c_exits_130_and_keeps_the_store(fake_documents: Path, tmp_path: Path, capsys) -> None:
    store_dir = tmp_path / "store"
    run_cli(capsys, "ingest", fake_documents / "a.txt", "--store", store_dir)
    (fake_documents / "d.txt").write_text("interrupt", encoding="utf-8")
    code, _, err = run_cli(
        capsys, "ingest", fake_documents / "c.txt", fake_documents / "d.txt", "--store", store_dir
    )
    assert (code, err) == (130, ["assistant: interrupted"])
    assert [p.name for p in Store.open(store_dir).projects()] == ["甲项目", "乙项目", "丙项目"]


def test_other_exceptions_are_bugs_and_propagate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(Store, "open", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        main(["ingest", str(tmp_path), "--store", str(tmp_path / "s")])


def test_every_command_module_is_registered() -> None:
    from assistant.interfaces.cli import COMMANDS

    parser, runners = build_parser()
    assert list(runners) == list(COMMANDS)
    assert all(runners[name].__name__.endswith(f"commands.{name}") for name in COMMANDS)


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = (
        "import sys, assistant, assistant.interfaces.cli as cli; cli.build_parser(); "
        "import assistant.ingest, assistant.store.database; "
        "heavy = [m for m in ('torch', 'faiss', 'gradio', 'sentence_transformers', 'transformers', "
        ") if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.skipif(not EXECUTABLE.exists(), reason="console script not installed (pip install -e .)")
def test_bad_inputs_through_the_installed_command(tmp_path: Path) -> None:
    """Real readers, real process: every bad file is one line, no traceback, the store intact."""
    store_dir = tmp_path / "store"
    kept = [Project(name="已有项目", source="old.txt", location="行 1")]
    Store.open(store_dir).add_projects(kept)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.csv").write_bytes(b"")
    (bad / "notes.md").write_text("不支持的类型", encoding="utf-8")
    with open(bad / "huge.csv", "wb") as handle:  # sparse: instant, no disk used
        handle.truncate(MAX_FILE_BYTES + 1)
    (bad / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip" * 10)
    for name in ("big.xlsx", "big.csv"):  # 50 MB, just under the limit: the readers must fail fast
        with open(bad / name, "wb") as handle:
            handle.truncate(50_000_000)
    (bad / "gbk.txt").write_bytes(
        "项目名称：测试\n产出指标\t数量指标\t人数\t≥10人\n".encode("gbk") + b"\xff\xfe\x80"
    )
    failing = ["empty.csv", "notes.md", "huge.csv", "broken.xlsx", "big.xlsx", "big.csv"]
    names = [*failing, "gbk.txt", "missing.csv"]
    env = {**os.environ, "ASSISTANT_STORE": str(tmp_path / "unused")}
    result = subprocess.run(
        [str(EXECUTABLE), "ingest", *[str(bad / n) for n in names], "--store", str(store_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("assistant: warning: ")]
    assert all(line.startswith("assistant: error: ") for line in lines), lines
    for name in [*failing, "missing.csv"]:
        assert sum(name in line for line in lines) == 1, (name, lines)
    assert len(lines) in (7, 8)  # gbk.txt is either read or one more line
    assert "文件为空" in next(line for line in lines if "empty.csv" in line)
    assert "过大" in next(line for line in lines if "huge.csv" in line)
    assert "不支持" in next(line for line in lines if "notes.md" in line)
    stored = Store.open(store_dir).projects()
    assert stored[0] == kept[0]  # nothing lost
    assert not (tmp_path / "unused").exists()  # --store wins over the environment


def test_a_real_csv_round_trips_through_the_store(tmp_path: Path, capsys) -> None:
    pytest.importorskip("assistant.documents.tables")
    table = tmp_path / "表.csv"
    table.write_text(
        "项目名称,一级指标,二级指标,三级指标,指标值\n"
        "党员培训,产出指标,数量指标,培训人次,≥100人次\n"
        "党员培训,满意度指标,服务对象满意度指标,参训满意度,≥90%\n",
        encoding="utf-8",
    )
    store_dir = tmp_path / "store"
    code, out, err = run_cli(capsys, "ingest", table, "--store", store_dir, "--json")
    assert (code, err) == (0, [])
    (line,) = [json.loads(x) for x in out]
    assert line["source"] == "表.csv" and line["project"] == "党员培训"
    assert [i["value"] for i in line["indicators"]] == ["≥100人次", "≥90%"]
    stored = Store.open(store_dir).projects()
    assert [p.to_dict() for p in stored] == [line]  # the store gives back exactly what was read
    code, out, _ = run_cli(capsys, "ingest", table, "--store", store_dir)
    assert code == 0 and "新增 0 个项目，跳过 1 个已有项目" in out[0]


def _index_table(tmp_path: Path) -> Path:
    table = tmp_path / "表.csv"
    table.write_text(
        "项目名称,一级指标,二级指标,三级指标,指标值\n"
        "党员培训,产出指标,数量指标,培训人次,≥100人次\n"
        "党员培训,满意度指标,服务对象满意度指标,参训满意度,≥90%\n"
        "社区饭堂,产出指标,数量指标,用餐人次,≥5000人次\n",
        encoding="utf-8",
    )
    return table


def test_ingest_refreshes_the_persisted_indexes_for_the_new_state(tmp_path: Path, capsys) -> None:
    """After an ingest the BM25 indexes on disk match the store's revision (no rebuild on first search)."""
    pytest.importorskip("assistant.documents.tables")
    from assistant.store.indexes import INDEX_DIR, read_manifest

    store_dir = tmp_path / "store"
    code, out, err = run_cli(capsys, "ingest", _index_table(tmp_path), "--store", store_dir)
    assert (code, err) == (0, [])
    assert out[-1].startswith("已更新") and "秒" in out[-1]
    store = Store.open(store_dir)
    for corpus in ("projects", "indicators"):
        manifest = read_manifest(store_dir / INDEX_DIR / f"bm25-{corpus}")
        assert manifest is not None and manifest["store_key"] == store.state_key
    assert read_manifest(store_dir / INDEX_DIR / "bm25-projects")["documents"] == 2
    # a second ingest that adds nothing leaves the indexes alone; one that adds refreshes them
    before = store.state_key
    code, out, _ = run_cli(capsys, "ingest", _index_table(tmp_path), "--store", store_dir)
    assert code == 0 and not any(line.startswith("已更新") for line in out)
    assert Store.open(store_dir).state_key == before
    more = tmp_path / "更多.csv"
    more.write_text("项目名称,三级指标,指标值\n老年助餐,服务人次,≥300人次\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "ingest", more, "--store", store_dir)
    manifest = read_manifest(store_dir / INDEX_DIR / "bm25-projects")
    assert code == 0 and manifest["store_key"] == Store.open(store_dir).state_key
    assert manifest["documents"] == 3


def test_no_index_leaves_the_indexes_to_the_first_search(tmp_path: Path, capsys) -> None:
    pytest.importorskip("assistant.documents.tables")
    from assistant.store.indexes import INDEX_DIR

    store_dir = tmp_path / "store"
    code, out, err = run_cli(capsys, "ingest", _index_table(tmp_path), "--store", store_dir, "--no-index")
    assert (code, err) == (0, []) and not any(line.startswith("已更新") for line in out)
    assert not (store_dir / INDEX_DIR).exists()


def test_a_failing_index_refresh_is_a_warning_and_keeps_the_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:
    pytest.importorskip("assistant.documents.tables")
    from assistant.store.indexes import IndexSet

    def broken(self, modes=("bm25", "dense")) -> None:
        raise RuntimeError("磁盘故障")

    monkeypatch.setattr(IndexSet, "warm_up", broken)
    store_dir = tmp_path / "store"
    code, out, err = run_cli(capsys, "ingest", _index_table(tmp_path), "--store", store_dir, "--json")
    assert code == 0 and len(out) == 2  # stdout stays pure JSON lines
    assert (
        len(err) == 1 and err[0].startswith("assistant: warning: 检索索引未能更新") and "磁盘故障" in err[0]
    )
    assert Store.open(store_dir).project_count() == 2


def test_ingest_process_keeps_stderr_clean_and_never_imports_torch(tmp_path: Path) -> None:
    """The real command: index refresh included, stderr empty (bm25s logs DEBUG), no torch/faiss."""
    pytest.importorskip("assistant.documents.tables")
    store_dir = tmp_path / "store"
    code = (
        "import sys; from assistant.interfaces.cli import main; "
        f"status = main(['ingest', {str(_index_table(tmp_path))!r}, '--store', {str(store_dir)!r}]); "
        "heavy = [m for m in ('torch', 'faiss', 'sentence_transformers', 'gradio') if m in sys.modules]; "
        "print(status, heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1] == "0 []"
    assert (store_dir / "index" / "bm25-indicators").is_dir()


def test_a_new_version_of_a_stored_project_needs_replace(tmp_path: Path, capsys) -> None:
    def table(folder: str, department: str, value: str) -> Path:
        path = tmp_path / folder / "绩效目标表.csv"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            f"项目名称,主管部门,年度,一级指标,二级指标,三级指标,指标值\n"
            f"社区服务,{department},2024,产出指标,数量指标,服务人次,{value}\n",
            encoding="utf-8",
        )
        return path

    store_dir = tmp_path / "store"
    a, b = table("a", "甲局", "≥100人次"), table("b", "乙局", "≥200人次")
    code, out, err = run_cli(capsys, "ingest", a, b, "--store", store_dir, "--json")
    assert (code, err, len(out)) == (0, [], 2)  # two folders, two departments: two projects
    assert "status" not in json.loads(out[0])  # a plain addition keeps exactly the contract keys
    table("a", "甲局", "≥150人次")  # the same project, corrected
    code, out, err = run_cli(capsys, "ingest", a, "--store", store_dir, "--json")
    line = json.loads(out[0])
    assert code == 2 and len(err) == 1 and "--replace" in err[0] and "社区服务" in err[0]
    assert line["status"] == "conflict" and line["previous"][0]["source"] == "绩效目标表.csv"
    values = sorted(p.indicators[0].value for p in Store.open(store_dir).projects())
    assert values == ["≥100人次", "≥200人次"]  # nothing replaced
    code, out, err = run_cli(capsys, "ingest", a, "--store", store_dir, "--json", "--replace")
    assert (code, err, json.loads(out[0])["status"]) == (0, [], "replaced")
    values = sorted(p.indicators[0].value for p in Store.open(store_dir).projects())
    assert values == ["≥150人次", "≥200人次"]


def test_a_rebuild_whose_inputs_fail_keeps_the_old_store(
    fake_documents: Path, tmp_path: Path, capsys
) -> None:
    store_dir = tmp_path / "store"
    run_cli(capsys, "ingest", fake_documents / "a.txt", "--store", store_dir)
    before = [p.name for p in Store.open(store_dir).projects()]
    code, out, err = run_cli(capsys, "ingest", "--rebuild", "--store", store_dir, tmp_path / "missing.xlsx")
    assert code == 2 and "原存储保持不变" in err[-1] and len(err) == 2
    assert [p.name for p in Store.open(store_dir).projects()] == before == ["甲项目", "乙项目"]
    # one bad file among good ones: the rebuild is all or nothing
    code, out, err = run_cli(
        capsys,
        "ingest",
        "--rebuild",
        "--store",
        store_dir,
        fake_documents / "c.txt",
        fake_documents / "b.txt",
    )
    assert code == 2 and [p.name for p in Store.open(store_dir).projects()] == before
    assert not [p for p in tmp_path.iterdir() if ".building-" in p.name]


LIBRARY_HEADER = "领域,一级指标,二级指标,三级指标,单位,比较符,取值方式,参考值,依据,指标解释,适用关键词\n"


def test_a_library_file_extends_the_store_library_and_a_bad_one_names_its_line(tmp_path, capsys):
    store = tmp_path / "store"
    good = tmp_path / "山塘指标.csv"
    good.write_text(
        LIBRARY_HEADER + "水利,产出指标,数量指标,山塘清淤数量,处,≥,目标,,,清淤的山塘处数,山塘\n",
        encoding="utf-8",
    )
    assert main(["ingest", str(good), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "指标库文件 1 个（1 行）" in out and (store / "library" / good.name).is_file()
    bad = tmp_path / "坏指标库.csv"
    bad.write_text(LIBRARY_HEADER + "水利,产出指标,数量,山塘清淤数量,处,≥,目标,,,解释,\n", encoding="utf-8")
    assert main(["ingest", str(bad), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "坏指标库.csv" in err and "第2行" in err and "二级指标“数量”无效" in err
    assert not (store / "library" / bad.name).exists()


def test_a_relative_store_folder_works(fake_documents: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    """`--store DIR` as people type it (a relative path): the integrity check once crashed on it."""
    monkeypatch.chdir(tmp_path)
    assert main(["ingest", str(fake_documents / "a.txt"), "--store", "rel/store"]) == 0
    capsys.readouterr()
    assert main(["store", "--store", "rel/store"]) == 0
    assert (tmp_path / "rel" / "store" / DB_NAME).is_file()
