"""``assistant review``: contract JSON lines, human summary, reports, config, bad input, light imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.interfaces.cli import main

ROOT = Path(__file__).resolve().parents[2]
INDICATOR_KEYS = [
    "type",
    "source",
    "project",
    "level1",
    "level2",
    "name",
    "value",
    "label",
    "score",
    "verdict",
    "reasons",
    "rewrite",
    "location",
]
SMALL_CSV = """项目名称,一级指标,二级指标,三级指标,指标值
社区饭堂,产出指标,数量指标,社区饭堂数量,1处
社区饭堂,产出指标,质量指标,良好率,良好率≥95%
社区饭堂,产出指标,时效指标,完成时限,及时
社区饭堂,产出指标,成本指标,困难党员关爱帮扶,50万%
社区饭堂,效益指标,社会效益指标,居民生活水平,生活水平不断提高
社区饭堂,满意度指标,服务对象满意度指标,群众满意度,基本满意
党员培训,产出指标,数量指标,党代表调研次数,≥9090%及以上
党员培训,产出指标,质量指标,验收情况,达到验收顺利通过
"""


@pytest.fixture()
def small_csv(tmp_path: Path) -> Path:
    path = tmp_path / "small.csv"
    path.write_text(SMALL_CSV, encoding="utf-8")
    return path


def review(capsys, *args: str | Path) -> tuple[int, str, str]:
    code = main(["review", *map(str, args), "--no-model"])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines_follow_the_contract(capsys, small_csv: Path, tmp_path: Path) -> None:
    code, out, err = review(capsys, small_csv, "--json", "--store", tmp_path / "store")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [d["type"] for d in lines] == ["indicator"] * 6 + ["project"] + ["indicator"] * 2 + ["project"]
    first = lines[0]
    assert list(first) == INDICATOR_KEYS and first["source"] == "small.csv" and first["project"] == "社区饭堂"
    got = {
        d["value"]: (d["label"], d["verdict"], [(r["code"], r["start"], r["end"]) for r in d["reasons"]])
        for d in lines
        if d["type"] == "indicator"
    }
    assert got["良好率≥95%"] == ("clear", "ok", [])
    assert got["及时"] == ("vague", "block", [("VAGUE_TIME", 0, 2)])
    assert got["50万%"] == ("malformed", "block", [("MALFORMED", 2, 4)])
    assert got["生活水平不断提高"] == ("vague", "block", [("RESTATEMENT", 0, 4), ("DIRECTION", 4, 8)])
    assert got["基本满意"] == ("vague", "block", [("DEGREE", 0, 4)])
    assert got["达到验收顺利通过"][:2] == ("clear", "warn")
    assert [d["rewrite"] for d in lines if d.get("value") == "≥9090%及以上"] == ["≥90%"]
    project = lines[6]
    assert list(project) == ["type", "source", "project", "findings", "location"]
    assert project["project"] == "社区饭堂"
    assert all(set(f) in ({"code", "message"}, {"code", "message", "evidence"}) for f in project["findings"])
    assert err.count("\n") == 1 and err.startswith("审阅 8 条指标（2 个项目）：缺陷 5 条")


def test_human_summary_and_reports(capsys, small_csv: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.xlsx"
    code, out, err = review(capsys, small_csv, "-o", report, "--store", tmp_path / "store")
    assert code == 0 and report.is_file()
    assert "【社区饭堂】" in out and "基本满意" in out and "建议：≥90%" in out and "◆ MISSING_SLOT" in out
    assert "良好率≥95%" not in out  # only flagged rows are listed
    assert f"报告：{report}" in err


def test_config_suppression(capsys, small_csv: Path, tmp_path: Path) -> None:
    config = tmp_path / "review.toml"
    config.write_text(
        '[[suppress]]\nindicator = "群众满意度"\njustification = "已与财政局确认"\n', encoding="utf-8"
    )
    code, out, _ = review(capsys, small_csv, "--json", "--config", config, "--store", tmp_path / "store")
    assert code == 0
    row = next(json.loads(line) for line in out.splitlines() if "基本满意" in line)
    assert (row["label"], row["reasons"]) == ("clear", [])


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "small"),
        ("名称,数值\n培训,3次\n".encode(), "三级指标"),
    ],
)
def test_bad_files_give_one_line_and_exit_2(capsys, tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "small.csv"
    path.write_bytes(content)
    code, out, err = review(capsys, path, "--store", tmp_path / "store")
    assert code == 2
    errors = [line for line in err.splitlines() if line.startswith("assistant: error:")]
    assert len(errors) == 1 and "small.csv" in errors[0]
    assert "Traceback" not in err


def test_bad_options_exit_2(capsys, small_csv: Path, tmp_path: Path) -> None:
    code, _, err = review(capsys, small_csv, "-o", tmp_path / "r.txt")
    assert code == 2 and err.startswith("assistant: error:") and ".xlsx" in err
    code, _, err = review(capsys, small_csv, "--config", tmp_path / "missing.toml")
    assert code == 2 and "missing.toml" in err
    code, _, err = review(capsys, tmp_path / "nope.csv")
    assert code == 2 and "nope.csv" in err


def test_one_bad_file_does_not_stop_the_others(capsys, small_csv: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("名称\n培训\n", encoding="utf-8")
    code, out, err = review(capsys, bad, small_csv, "--json", "--store", tmp_path / "store")
    assert code == 2 and len(out.splitlines()) == 10 and "bad.csv" in err


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("≥95%😀", "clear"),
        ("≥95%\x01\x02", "clear"),
        ("<script>alert('x')</script>", "malformed"),
        ("at least 95 percent", "clear"),
        ("x" * 30_000, "malformed"),  # long but under the cell bound (32,767): reviewed
        ("\x01\x02\x03", "vague"),  # nothing visible: an empty slot (EMPTY), not 不适用
        ("\u200b\u200b", "vague"),
        ("不适用", "na"),
    ],
)
def test_hostile_cells_get_a_verdict(capsys, tmp_path: Path, value: str, label: str) -> None:
    path = tmp_path / "cells.tsv"
    path.write_text(f"三级指标\t指标值\n合格率\t{value}\n", encoding="utf-8")
    code, out, err = review(capsys, path, "--json", "--store", tmp_path / "store")
    assert "Traceback" not in err
    assert code == 0, err
    row = json.loads(out.splitlines()[0])
    assert row["label"] == label
    if label == "vague":
        assert [r["code"] for r in row["reasons"]] == ["EMPTY"]


def test_a_cell_over_the_bound_is_one_clear_error(capsys, tmp_path: Path) -> None:
    path = tmp_path / "cells.tsv"
    path.write_text("三级指标\t指标值\n合格率\t" + "x" * 1_000_000 + "\n", encoding="utf-8")
    code, out, err = review(capsys, path, "--json", "--store", tmp_path / "store")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "cells.tsv" in err and "上限 32767 字" in err and "ASSISTANT_MAX_CELL_CHARS" in err


def test_review_loads_no_torch_faiss_or_gradio(small_csv: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from assistant.interfaces.cli import main\n"
        f"rc = main(['review', {str(small_csv)!r}, '--json', '--store', {str(tmp_path / 'store')!r}])\n"
        "heavy = sorted(m for m in ('torch', 'faiss', 'gradio', 'sentence_transformers', 'transformers') if m in sys.modules)\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stderr
    assert len(proc.stdout.splitlines()) == 10


def test_progress_bar_on_a_terminal_for_long_batches(monkeypatch, capsys, tmp_path: Path) -> None:
    import io

    from assistant.interfaces.commands import review as command

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    rows = "".join(
        f"项目{i // 10},数量指标,培训人次{i},≥{i}人次\n" for i in range(command.PROGRESS_MIN_ROWS + 10)
    )
    path = tmp_path / "long.csv"
    path.write_text("项目名称,二级指标,三级指标,指标值\n" + rows, encoding="utf-8")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["review", str(path), "--json", "--no-model", "--store", str(tmp_path / "store")]) == 0
    shown = terminal.getvalue()
    assert "审阅" in shown and "%|" in shown  # the bar, then the summary line
    assert shown.rstrip().splitlines()[-1].startswith(f"审阅 {command.PROGRESS_MIN_ROWS + 10} 条指标")
    assert len(capsys.readouterr().out.splitlines()) == command.PROGRESS_MIN_ROWS + 10 + 201


def test_two_same_named_projects_in_one_csv_stay_apart_in_row_order(capsys, tmp_path: Path) -> None:
    path = tmp_path / "flat.csv"
    path.write_text(
        "项目名称,主管部门,一级指标,二级指标,三级指标,指标值\n"
        "社区服务,甲局,产出指标,数量指标,服务人次,≥100人次\n"
        "社区服务,,产出指标,质量指标,合格率,≥95%\n"
        "社区服务,乙局,产出指标,数量指标,服务人次,≥200人次\n"
        "党员培训,乙局,产出指标,数量指标,培训人次,≥50人次\n",
        encoding="utf-8",
    )
    code, out, _ = review(capsys, path, "--json", "--store", tmp_path / "store")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [(d["type"], d["project"], d.get("value")) for d in lines] == [
        ("indicator", "社区服务", "≥100人次"),
        ("indicator", "社区服务", "≥95%"),
        ("project", "社区服务", None),
        ("indicator", "社区服务", "≥200人次"),
        ("project", "社区服务", None),
        ("indicator", "党员培训", "≥50人次"),
        ("project", "党员培训", None),
    ]
    rows = [d["location"] for d in lines if d["type"] == "indicator"]
    assert rows == sorted(rows, key=lambda loc: int("".join(ch for ch in loc if ch.isdigit())))
    assert all(d["location"] for d in lines)
