"""Documents → projects: one reader per document family, chosen by file type and content.

Every reader is a function ``read_xxx(path: Path) -> list[Project]`` that raises
:class:`~assistant.errors.IngestError` (naming the file and the reason) when it cannot read the file.
Readers are imported lazily so that reading a CSV never imports pdfplumber or python-docx.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from ..errors import IngestError
from ..limits import Limits, current
from ..records.schema import Project

MAX_FILE_BYTES = Limits().max_file_bytes  # the default; ASSISTANT_MAX_FILE_BYTES changes it

# suffix → "module:function"; the reader itself sniffs the layout inside its family.
READERS: dict[str, str] = {
    ".txt": "text_layouts:read_text_document",
    ".xlsx": "workbooks:read_workbook",
    ".xlsm": "workbooks:read_workbook",
    ".xls": "workbooks:read_xls",
    ".csv": "tables:read_delimited",
    ".tsv": "tables:read_delimited",
    ".docx": "docx_tables:read_docx",
    ".html": "html_tables:read_html",
    ".htm": "html_tables:read_html",
    ".pdf": "pdf_text:read_pdf",
}


# Older binary Office/WPS formats people still have: not read, but named with the way out.
LEGACY_SUFFIXES: dict[str, str] = {".et": ".xlsx", ".doc": ".docx", ".wps": ".docx"}


def supported_suffixes() -> tuple[str, ...]:
    return tuple(READERS)


def unsupported_reason(suffix: str) -> str:
    """Why a file type is not read, with the fix for the legacy Office formats (.xls → .xlsx …)."""
    suffix = suffix.lower()
    allowed = "、".join(READERS)
    if suffix in LEGACY_SUFFIXES:
        return f"不支持旧版 '{suffix}' 格式；请在 Excel/WPS 中另存为 {LEGACY_SUFFIXES[suffix]} 后重试"
    return f"不支持的文件类型 '{suffix or '无扩展名'}'（支持：{allowed}）"


def read_document(path: str | Path) -> list[Project]:
    """Read every project of one document.

    Raises:
        IngestError: unsupported type, empty, too large, corrupt, or no indicator table found.
    """
    path = Path(path)
    if not path.is_file():
        raise IngestError(path.name, "文件不存在或不是普通文件")
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise IngestError(path.name, unsupported_reason(suffix))
    size = path.stat().st_size
    if size == 0:
        raise IngestError(path.name, "文件为空")
    limit = current().max_file_bytes
    if size > limit:
        raise IngestError(
            path.name,
            f"文件过大（{size / 1e6:.0f} MB，上限 {limit // 2**20} MB，环境变量 ASSISTANT_MAX_FILE_BYTES 可调）；"
            "请拆分文件或只保留绩效目标表",
        )
    module_name, function_name = READERS[suffix].split(":")
    reader = getattr(import_module(f"{__name__}.{module_name}"), function_name)
    projects: list[Project] = reader(path)
    if not projects:
        raise IngestError(path.name, "未找到绩效指标表（没有可识别的项目或指标行）")
    return projects
