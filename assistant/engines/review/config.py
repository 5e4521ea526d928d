"""Reviewer settings a reviewer can tune without code: a TOML or YAML file.

Example file (TOML)::

    # terms every department may use (they count as an accepted state, not a defect)
    allow = ["规范"]

    [[department]]            # per-department allow-list: 主管部门/实施单位 containing `match`
    match = "城管"
    allow = ["良好"]

    [terms]                   # custom vague terms, by reason code
    DEGREE = ["惠民利民"]
    DEFERRED = ["按文件执行"]

    [[suppress]]              # per-indicator suppressions; `justification` is mandatory
    project = "社区饭堂"       # optional: substring of the project name
    indicator = "对用餐环境的改善"   # substring of the 三级指标 name
    code = "DEGREE"           # optional: one code ("" or absent: every code)
    justification = "2023年口径：社会效益允许定性表述"

YAML files use the same keys. A ``[model]`` table (the thresholds of the learned model, since
removed) and suppressions of its code LEARNED_VAGUE still load, with a warning for the table.

Example:
    >>> cfg = ReviewConfig.from_mapping({"allow": ["规范"], "terms": {"DEGREE": ["惠民利民"]}})
    >>> cfg.allowed_for(None), cfg.custom_terms
    (frozenset({'规范'}), (('惠民利民', 'DEGREE'),))
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...atomic import write_text_atomic
from ...errors import InputError
from .lexicon import CUSTOM_TERM_CODES, DEFECT_CODES, WARNING_CODES

# the code of the learned model (removed): reviewers' saved decisions on it still load, and match nothing
_RETIRED_CODES = frozenset({"LEARNED_VAGUE"})


@dataclass(frozen=True, slots=True)
class DepartmentAllow:
    """Terms accepted for projects whose 主管部门 contains ``match``."""

    match: str
    allow: frozenset[str]


@dataclass(frozen=True, slots=True)
class Suppression:
    """Drop reason ``code`` (every code when None) of matching indicators; the justification is kept."""

    indicator: str
    justification: str
    project: str | None = None
    code: str | None = None

    def matches(self, project_name: str, indicator_name: str, code: str) -> bool:
        if self.project and self.project not in project_name:
            return False
        if self.indicator not in indicator_name:
            return False
        return self.code is None or self.code == code


@dataclass(frozen=True, slots=True)
class ReviewConfig:
    """Everything configurable about a review; the default is an empty config."""

    allow: frozenset[str] = frozenset()
    departments: tuple[DepartmentAllow, ...] = ()
    custom_terms: tuple[tuple[str, str], ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    source: str = ""

    def allowed_for(self, department: str | None) -> frozenset[str]:
        """The allow-list for a project of ``department`` (global terms plus matching departments)."""
        if not self.departments or not department:
            return self.allow
        extra = [d.allow for d in self.departments if d.match in department]
        return self.allow.union(*extra) if extra else self.allow

    def suppression_for(self, project_name: str, indicator_name: str, code: str) -> Suppression | None:
        """The first suppression matching this reason, if any."""
        for s in self.suppressions:
            if s.matches(project_name, indicator_name, code):
                return s
        return None

    @classmethod
    def load(cls, path: str | Path) -> ReviewConfig:
        """Read a ``.toml``, ``.yaml`` or ``.yml`` file; raises :class:`InputError` with the reason."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"配置文件 {path}: 无法读取（{exc.strerror or exc}）") from None
        suffix = path.suffix.lower()
        try:
            if suffix == ".toml":
                import tomllib

                data = tomllib.loads(raw.decode("utf-8-sig"))
            elif suffix in (".yaml", ".yml"):
                import yaml

                data = yaml.safe_load(raw.decode("utf-8-sig")) or {}
            else:
                raise InputError(f"配置文件 {path}: 不支持的格式“{path.suffix}”，请用 .toml、.yaml 或 .yml")
        except UnicodeDecodeError:
            raise InputError(f"配置文件 {path}: 不是 UTF-8 文本") from None
        except InputError:
            raise
        except Exception as exc:  # tomllib.TOMLDecodeError, yaml.YAMLError
            raise InputError(f"配置文件 {path}: 格式错误（{' '.join(str(exc).split())}）") from None
        return cls.from_mapping(data, source=str(path))

    @classmethod
    def from_mapping(cls, data: Any, *, source: str = "配置") -> ReviewConfig:
        """Validate a parsed mapping; every error names the file, the key and what is allowed."""
        if not isinstance(data, Mapping):
            raise InputError(f"{source}: 顶层应是键值表（allow、department、terms、suppress、model）")
        known = {"allow", "department", "departments", "terms", "suppress", "model"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"{source}: 未知的键 {', '.join(unknown)}；可用的键：{', '.join(sorted(known))}")
        allow = frozenset(_strings(data.get("allow", []), f"{source}: allow"))
        departments = []
        for i, entry in enumerate(
            _list(data.get("department", data.get("departments", [])), f"{source}: department")
        ):
            where = f"{source}: department[{i}]"
            if not isinstance(entry, Mapping) or not str(entry.get("match") or "").strip():
                raise InputError(f"{where}: 需要非空的 match（主管部门名称的一部分）")
            departments.append(
                DepartmentAllow(
                    str(entry["match"]).strip(), frozenset(_strings(entry.get("allow", []), f"{where}.allow"))
                )
            )
        terms = []
        raw_terms = data.get("terms", {}) or {}
        if not isinstance(raw_terms, Mapping):
            raise InputError(f"{source}: terms 应是“原因代码 = [词语…]”的表")
        for code, words in raw_terms.items():
            if code not in CUSTOM_TERM_CODES:
                raise InputError(
                    f"{source}: terms 中的代码“{code}”不可用；可用：{', '.join(sorted(CUSTOM_TERM_CODES))}"
                )
            for word in _strings(words, f"{source}: terms.{code}"):
                terms.append((word, str(code)))
        suppressions = []
        valid_codes = DEFECT_CODES | WARNING_CODES | _RETIRED_CODES
        for i, entry in enumerate(_list(data.get("suppress", []), f"{source}: suppress")):
            where = f"{source}: suppress[{i}]"
            if not isinstance(entry, Mapping):
                raise InputError(f"{where}: 应是一个表（indicator、justification，可选 project、code）")
            indicator = str(entry.get("indicator") or "").strip()
            justification = str(entry.get("justification") or "").strip()
            if not indicator:
                raise InputError(f"{where}: 需要 indicator（三级指标名称的一部分）")
            if not justification:
                raise InputError(f"{where}: 缺少 justification——每条豁免都必须写明理由")
            code = str(entry.get("code") or "").strip() or None
            if code is not None and code not in valid_codes:
                raise InputError(f"{where}: 未知的原因代码“{code}”；可用：{', '.join(sorted(valid_codes))}")
            project = str(entry.get("project") or "").strip() or None
            suppressions.append(Suppression(indicator, justification, project, code))
        if "model" in data:
            warnings.warn(
                f"{source}: [model] 已不再使用（审核只用规则，学习模型已移除），可删除该表", stacklevel=2
            )
        return cls(allow, tuple(departments), tuple(terms), tuple(suppressions), source)


def append_suppression(path: str | Path, suppression: Suppression) -> Path:
    """Add a reviewer's decision as a ``[[suppress]]`` entry to the TOML config at ``path``.

    The file is created when absent and otherwise kept as written (comments included): the entry is
    appended, the whole file is parsed again before it replaces the old one (atomically), so a
    config that would not load is never written.

    Raises:
        InputError: no justification, an unknown code, a YAML file, or a config that does not load.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> path = append_suppression(folder / "review.toml", Suppression("服务效果", "定性口径已获批准", "社区", "DEGREE"))
        >>> ReviewConfig.load(path).suppression_for("社区经费", "服务效果", "DEGREE").justification
        '定性口径已获批准'
    """
    import tomllib

    path = Path(path)
    if path.suffix.lower() != ".toml":
        raise InputError(f"审核配置 {path.name}: 只能把豁免写入 .toml 文件")
    entry = {"indicator": suppression.indicator, "justification": suppression.justification}
    if suppression.project:
        entry["project"] = suppression.project
    if suppression.code:
        entry["code"] = suppression.code
    ReviewConfig.from_mapping({"suppress": [entry]}, source="豁免")  # the same checks as on load
    old = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    # TOML basic strings accept JSON's escapes; ensure_ascii=False keeps the Chinese readable
    block = "\n[[suppress]]\n" + "".join(
        f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in entry.items()
    )
    text = old + ("\n" if old and not old.endswith("\n") else "") + block
    try:
        ReviewConfig.from_mapping(tomllib.loads(text), source=str(path))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"审核配置 {path}: 现有内容不是有效的 TOML（{exc}），未写入豁免") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, text)
    return path


def _list(value: Any, where: str) -> list:
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [value]
    if not isinstance(value, list):
        raise InputError(f"{where}: 应是列表")
    return value


def _strings(value: Any, where: str) -> list[str]:
    items = _list(value, where) if not isinstance(value, str) else [value]
    words = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise InputError(f"{where}: 应是非空字符串的列表，得到 {item!r}")
        words.append(item.strip())
    return words
