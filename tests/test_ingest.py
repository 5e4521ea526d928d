"""The ingest pipeline with a fake reader: per-file outcomes, folders, failures that do not spread."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from assistant.errors import IngestError, IngestWarning, StoreError
from assistant.ingest import collect_files, ingest_paths
from assistant.records.schema import Indicator, ParsedValue, Project
from assistant.store.database import Store


def fake_reader(path: Path) -> list[Project]:
    """Projects named after the lines of a text file; special contents simulate broken readers."""
    text = path.read_text(encoding="utf-8")
    if text == "corrupt":
        raise IngestError(path.name, "文件已损坏")
    if text == "bug":
        raise KeyError("merged cell")
    if text.startswith("warn"):
        warnings.warn(IngestWarning(path.name, "跳过 1 个工作表：说明"), stacklevel=2)
        warnings.warn(IngestWarning(path.name, "跳过 1 个工作表：说明"), stacklevel=2)  # not deduplicated
        warnings.warn(UserWarning("Workbook contains no default style"), stacklevel=2)  # library noise
        if text == "warn then fail":
            raise IngestError(path.name, "没有指标表")
    return [
        Project(
            name=line,
            indicators=(
                Indicator("产出指标", "数量指标", f"{line}数量", "≥1个", ParsedValue("number", "≥", 1.0)),
            ),
            source=path.name,
            location=f"行 {n}",
        )
        for n, line in enumerate(text.splitlines(), 1)
    ]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "store")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_each_file_is_reported_and_failures_do_not_stop_the_others(tmp_path: Path, store: Store) -> None:
    good = write(tmp_path / "a.txt", "甲\n乙")
    corrupt = write(tmp_path / "b.txt", "corrupt")
    buggy = write(tmp_path / "c.txt", "bug")
    later = write(tmp_path / "d.txt", "丙")
    seen: list[str] = []
    report = ingest_paths(
        [good, corrupt, buggy, tmp_path / "missing.csv", later],
        store,
        reader=fake_reader,
        on_file=lambda outcome: seen.append(outcome.path.name),
    )
    assert seen == ["a.txt", "b.txt", "c.txt", "missing.csv", "d.txt"]
    assert [f.added for f in report.files] == [2, 0, 0, 0, 1]
    assert [f.path.name for f in report.failed] == ["b.txt", "c.txt", "missing.csv"]
    reasons = [str(f.error) for f in report.failed]
    assert reasons[0] == "b.txt: 文件已损坏"
    assert reasons[1].startswith("c.txt: 无法读取（KeyError") and "merged cell" in reasons[1]
    assert reasons[2].endswith("missing.csv: 文件或文件夹不存在")
    assert [p.name for p in store.projects()] == ["甲", "乙", "丙"]
    assert (report.added, report.skipped, report.indicator_count) == (3, 0, 3)


def test_reingesting_the_same_files_adds_nothing(tmp_path: Path, store: Store) -> None:
    files = [write(tmp_path / "a.txt", "甲\n乙"), write(tmp_path / "b.txt", "丙")]
    ingest_paths(files, store, reader=fake_reader)
    revision = store.revision
    again = ingest_paths(files, store, reader=fake_reader)
    assert (again.added, again.skipped, store.project_count(), store.revision) == (0, 3, 3, revision)
    assert len(again.projects) == 3  # the projects are still reported (for --json)


def test_folders_are_walked_for_supported_files_only(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    wanted = [
        write(root / "a.csv", "x"),
        write(root / "sub" / "b.xlsx", "x"),
        write(root / "sub" / "c.TXT", "x"),
    ]
    write(root / "notes.md", "x")
    write(root / ".hidden.csv", "x")
    write(root / "sub" / "~$b.xlsx", "x")  # Office lock file
    explicit = write(tmp_path / "odd.md", "x")
    assert collect_files([root, explicit]) == [*wanted, explicit]


def test_a_folder_without_documents_is_one_error(tmp_path: Path, store: Store) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    report = ingest_paths([empty], store, reader=fake_reader)
    assert len(report.failed) == 1 and "没有可导入的文件" in str(report.failed[0].error)


def test_a_store_that_cannot_be_written_stops_with_a_store_error(tmp_path: Path, store: Store) -> None:
    first = write(tmp_path / "a.txt", "甲")

    def unwritable(projects, **_options):
        raise StoreError("无法写入存储：磁盘已满")

    store.add_projects = unwritable  # type: ignore[method-assign]
    with pytest.raises(StoreError, match="磁盘已满"):
        ingest_paths([first], store, reader=fake_reader)


def test_reader_warnings_are_kept_per_file_and_library_noise_is_dropped(tmp_path: Path, store: Store) -> None:
    warned = write(tmp_path / "a.txt", "warn")
    failed = write(tmp_path / "b.txt", "warn then fail")
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        report = ingest_paths([warned, failed], store, reader=fake_reader)
    assert leaked == []
    assert [[str(w) for w in f.warnings] for f in report.files] == [
        ["a.txt: 跳过 1 个工作表：说明"] * 2,
        ["b.txt: 跳过 1 个工作表：说明"] * 2,
    ]
    assert report.files[0].added == 1 and str(report.files[1].error) == "b.txt: 没有指标表"


def test_old_office_files_in_a_folder_are_reported_with_the_fix(tmp_path: Path, store: Store) -> None:
    root = tmp_path / "docs"
    kept = write(root / "a.csv", "项目名称,三级指标,指标值\n党员培训,培训人次,≥100人次\n")
    write(root / "旧表.ET", "x")
    write(root / "说明.doc", "x")
    write(root / "notes.md", "x")  # not a table format: skipped silently
    items = collect_files([root])
    assert items[0] == kept
    errors = [item for item in items[1:] if isinstance(item, IngestError)]
    assert len(items) == 3 and len(errors) == 2
    assert "另存为 .xlsx" in next(e.reason for e in errors if e.file.endswith("旧表.ET"))
    assert "另存为 .docx" in next(e.reason for e in errors if e.file.endswith("说明.doc"))
    report = ingest_paths([root, write(tmp_path / "单独.xls", "x")], store)
    assert report.added == 1 and len(report.failed) == 3
    reasons = {f.error.file: f.error.reason for f in report.failed}
    assert "无法作为 .xls 工作簿打开" in reasons["单独.xls"]  # .xls is read now: a broken one says why
    assert all("另存为" in r for file, r in reasons.items() if file != "单独.xls")
