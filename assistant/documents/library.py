"""Indicator-library files (指标库): read, check and install the CSV/XLSX files whose rows
:mod:`assistant.records.library` parses — the shipped ``corpus/library/`` and a store's ``library/``.

Example:
    >>> from assistant.records.library import DEFAULT_LIBRARY_DIR
    >>> library = load_library([DEFAULT_LIBRARY_DIR])
    >>> len(library.domains) >= 21 and any(t.domain == "共性" for t in library.templates)
    True
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import IngestError, InputError
from ..records.library import (
    DEFAULT_LIBRARY_DIR,
    DOMAIN_HEADER,
    INDICATOR_HEADER,
    MAX_FILE_BYTES,
    MAX_ROWS,
    Domain,
    IndicatorLibrary,
    LibraryTemplate,
    _trim,
    header_kind,
    parse_domain_row,
    parse_template_row,
)
from .bounds import check_package


def _read_rows(path: Path) -> list[list[str]]:
    """The rows of a CSV (UTF-8, with or without BOM) or the first sheet of an XLSX, bounded."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path.name}: 无法读取（{exc.strerror or exc}）") from None
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{path.name}: 文件过大（{size // 1024 // 1024} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB）"
        )
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        rows = [["" if c is None else str(c) for c in row] for row in _first_sheet(path, MAX_ROWS + 2)]
        if len(rows) > MAX_ROWS + 1:
            raise InputError(f"{path.name}: 行数超过上限 {MAX_ROWS}；请拆分文件")
        return rows
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path.name}: 不是 UTF-8 编码；请在 Excel 中另存为“CSV UTF-8”") from None
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > MAX_ROWS + 1:
        raise InputError(f"{path.name}: 行数超过上限 {MAX_ROWS}；请拆分文件")
    return rows


def _first_sheet(path: Path, rows: int) -> list[list[object]]:
    """The first ``rows`` rows of an XLSX's first sheet (python-calamine: fast, and no full-sheet
    scan as openpyxl's read-only mode does for a sheet without a dimension), bounds checked first."""
    from python_calamine import CalamineWorkbook

    try:
        check_package(path)
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        return [list(row) for row in sheet.to_python(nrows=rows)]
    except IngestError as exc:
        raise InputError(str(exc)) from None
    except Exception as exc:  # calamine raises its own types for a damaged file
        raise InputError(f"{path.name}: 不是可读取的 XLSX 文件（{type(exc).__name__}）") from None


def read_library_file(path: Path, domains: Iterable[str] = ()) -> list[LibraryTemplate] | list[Domain]:
    """Every row of one library file (indicators or domains, by its header).

    Raises:
        InputError: the file, the line and what is wrong, for the first bad row.
    """
    rows = _read_rows(path)
    if not rows or header_kind(rows[0]) is None:
        raise InputError(
            f"{path.name} 第1行: 表头不是指标库格式；需要“{','.join(INDICATOR_HEADER)}”或“{','.join(DOMAIN_HEADER)}”"
        )
    kind = header_kind(rows[0])
    out: list = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(str(c).strip() for c in row):
            continue
        if kind == "indicators":
            out.append(parse_template_row(_trim(row, len(INDICATOR_HEADER)), path.name, line, domains))
        else:
            out.append(parse_domain_row(_trim(row, len(DOMAIN_HEADER)), path.name, line))
    return out


def is_library_file(path: Path) -> bool:
    """Whether a CSV/XLSX starts with a library header (cheap: reads the first line or row)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(encoding="utf-8-sig", errors="replace") as handle:
                first = handle.readline(4096)
            return header_kind(next(csv.reader([first]), [])) is not None
        if suffix in {".xlsx", ".xlsm"}:
            top = _first_sheet(path, 1)
            return bool(top) and header_kind(["" if c is None else str(c) for c in top[0]]) is not None
    except Exception:  # unreadable here: the document readers give the proper error
        return False
    return False


def load_library(directories: Sequence[Path]) -> IndicatorLibrary:
    """The library of every ``domains*`` and ``indicators*`` file in ``directories`` (later folders
    extend earlier ones; a later domain of the same name adds its keywords)."""
    domains: dict[str, Domain] = {}
    files = [
        p
        for d in directories
        if d.is_dir()
        for p in sorted(d.iterdir())
        if p.suffix.lower() in {".csv", ".xlsx"}
    ]
    template_files = []
    for path in files:
        rows = _read_rows(path)
        kind = header_kind(rows[0]) if rows else None
        if kind == "domains":
            for domain in read_library_file(path):
                assert isinstance(domain, Domain)
                old = domains.get(domain.name)
                if old is not None:
                    domain = Domain(
                        domain.name,
                        old.name_keywords + domain.name_keywords,
                        old.department_keywords + domain.department_keywords,
                        domain.beneficiaries or old.beneficiaries,
                    )
                domains[domain.name] = domain
        elif kind == "indicators":
            template_files.append(path)
        else:
            raise InputError(f"{path.name} 第1行: 表头不是指标库格式；需要“{','.join(INDICATOR_HEADER)}”")
    templates: list[LibraryTemplate] = []
    seen: set[tuple[str, str, str]] = set()
    for path in template_files:
        for t in read_library_file(path, domains):
            assert isinstance(t, LibraryTemplate)
            key = (t.domain, t.level2, t.name)
            if key not in seen:
                seen.add(key)
                templates.append(t)
    return IndicatorLibrary(tuple(templates), tuple(domains.values()))


def add_library_file(path: Path, store_directory: Path) -> int:
    """Check a user's library file against the library it joins, then copy it into
    ``<store>/library/`` (temp file + rename, so a reader never sees half a file). Returns its rows.

    Raises:
        InputError: the file, the line and what is wrong (nothing is copied).
    """
    from ..atomic import copy_atomic

    target_dir = Path(store_directory) / "library"
    known = load_library(library_dirs(store_directory))
    rows = read_library_file(path, [d.name for d in known.domains])
    if not rows:
        raise InputError(f"{path.name}: 指标库文件没有任何数据行")
    target_dir.mkdir(parents=True, exist_ok=True)
    copy_atomic(path, target_dir / path.name)
    try:
        load_library(library_dirs(store_directory))  # the whole library still loads with it
    except InputError:
        (target_dir / path.name).unlink(missing_ok=True)
        raise
    return len(rows)


def library_signature(directories: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    """Name, size and mtime of every library file: changes when a file is added or edited."""
    out = []
    for d in directories:
        if d.is_dir():
            for p in sorted(d.iterdir()):
                if p.suffix.lower() in {".csv", ".xlsx"}:
                    stat = p.stat()
                    out.append((str(p), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def library_dirs(store_directory: Path | None = None) -> list[Path]:
    """Where the library is read from: the shipped files, then a store's own (``<store>/library``)."""
    dirs = [DEFAULT_LIBRARY_DIR]
    if store_directory is not None:
        dirs.append(Path(store_directory) / "library")
    return dirs
