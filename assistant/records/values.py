"""Parse a 指标值 (indicator value) into a :class:`ParsedValue`, and write one back as canonical text.

:func:`parse_value` never raises. It reads what the drafter wrote, flags glitches instead of guessing
silently, and leaves the judgement (vague? malformed?) to the review engine.

Kinds (``ParsedValue.kind``):

- ``number``: one number with comparator and unit — ``≥95%``, ``不超过28万元``, ``5000人次``.
- ``range``: two numbers — ``5-10万``, ``500-1000元/人``, ``90%-95%`` (comparator ``None``).
- ``deadline``: a date, a date window or a year-relative deadline — ``2022年12月底前``, ``每年11-12月``.
- ``duration``: a number of time units — ``3个工作日``, ``≤2小时``, ``一周内``.
- ``binary``: a verifiable state without a number — ``完成``, ``验收合格``, ``通过验收``.
- ``qualitative``: any other text — ``良好``, ``明显提升``, ``及时`` (the review engine judges it).
- ``empty``: nothing written, or 不适用 / ``无`` / ``/`` / ``—``.

Rules (each one tested in ``tests/records/test_values.py``):

- Comparators. Symbols ``≥ ≤ > < =`` (and ``≧ ≦ >= <= ＞＝`` …) and words: 不低于/不少于/至少/达到/
  大于等于/以上 → ``≥``; 不超过/不高于/不大于/小于等于/以内/以下/控制在 → ``≤``; 大于/超过/高于 → ``>``;
  小于/低于/少于/不足 → ``<``; 等于/为 → ``=``. A number written without any comparator reads ``=``
  (``100%`` → ``=``): the drafter stated the target itself. 约/左右 read ``=`` with flag ``APPROX``.
  A prefix comparator wins over a disagreeing suffix (``≥5以下``) and the value gets ``CMP_CONFLICT``.
- Numbers. ``low`` holds the stated number whatever the comparator (``≤30万元`` → low 30); ``high`` is set
  only for ranges and date windows. Full-width digits and thousands separators are normalised; Chinese
  numerals (一…十, 两, 百, 千, 半) are read when a unit follows (``两栋``, ``半小时内``).
- Units are kept as written (magnitude included: ``万元``, ``万人次``, ``万`` — no rescaling), normalised
  in spelling: ``％``→``%``, ``个小时``→``小时``, ``个工作日``→``工作日``, ``个月``→``月``, ``日``→``天``
  (durations), ``每``/``一`` per-units → ``/`` (``1万元每个项目`` → ``万元/个项目``, ``35万一年`` →
  ``万/年``). A per-period prefix joins the unit (``每季度≥2场`` → ``场/季度``). ``百分比`` → ``%`` with
  flag ``UNIT_WORD``; stacked units (``50万%``) keep both and get ``UNIT_CONFLICT``.
- Deadlines encode the date as a number whose granularity is the unit: ``年`` → ``YYYY``; ``月`` →
  ``YYYYMM`` (or ``MM`` without a year); ``日`` → ``YYYYMMDD`` (``MMDD`` without a year, ``DD`` for a
  day of every month); ``时`` → the hour of day (``6.5`` = 六点半). Comparators: ``底/末/内/止`` and
  ``日前`` → ``≤`` (by the end of); ``月前``/``年前`` → ``<`` (before it starts); a plain date → ``=``;
  windows (``2022年1月至12月``, ``1-12月份``, ``全年``) set low and high with comparator ``None``.
  Year-relative words (年底前, 年内, 本年度, 当年 …) read ``≤ 12 月`` (month 12 of the budget year);
  ``每年``/``每月``/``每天`` deadlines get flag ``RECURRING``.
- Glitches. ``DOUBLED``: the same number written twice, read once — a digit run whose two halves are
  equal when that reading is implausible (a percentage above 100: ``≥100100%``; or a ``≥``-type symbol
  *and* a 以上-type word around it, the trace of flattened 符号/值/文字 columns: ``≥33次以上`` → 3), or a
  number restated right after itself (``100等于100%``, ``≥90每月90%以上``). ``≥33次`` without the
  redundant suffix stays 33. ``MULTI``: several different measurements (``培训≥4次，人数≥600人``);
  the first one is reported. ``CHANGE``: a relative change (``降低10%``). ``NO_NUMBER``: a comparator or
  unit with no number (``≥``, ``%``). ``NA``: 不适用. ``REVERSED``: a range written high-low (swapped).
  ``PARSE_ERROR`` would mark a parser bug caught by :func:`parse_value` (the fuzz tests find none).
- Known limit: an odd digit run between a symbol and 以上 (``≥955个以上``: 95|5? 9|55?) has no sure split
  and is read as written.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from .schema import ParsedValue

__all__ = ["format_value", "parse_value"]

_MAX_LEN = 1000  # longer cells are narrative; their first part holds any measurement
_CACHE_LEN = 200  # only short values are cached (they repeat; long ones rarely do)

# ---------------------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------------------

_CHAR_MAP = str.maketrans("≧⩾≮≦⩽≯—–―〜﹣", "≥≥≥≤≤≤---~-")  # comparator and dash variants NFKC keeps
_CIRCLED = re.compile("[\u2460-\u2473\u2474-\u2487\u2488-\u249b]")  # ①… ⑴… ⒈… (before NFKC)
_SPACE_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s+(?=\d)")
_SPACE = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_ENUM = re.compile(r"(?:^|(?<=[;,。:、()\[\]]))(?:\d{1,2}[.、)]|\(\d{1,2}\))(?![\d%])")
_PUNCT_EDGES = "。.;；,，、:：·•*＊!！?？ \"'“”‘’"
_EMPTY_WORDS = {"", "无", "/", "-", "--", "...", "……", "空", "暂无", "none", "null", "nan"}
_NA_WORDS = {"不适用", "不适应", "n/a", "na", "不涉及"}
_ONLY_PUNCT = re.compile(r"[-_/\\.~*#·…。,;:、\s]+")


def _normalise(text: str) -> str:
    """Full-width → half-width, comparator spellings unified, spaces removed, list markers dropped.

    Example:
        >>> _normalise("≥ １００ ％"), _normalise("＞＝95%"), _normalise("1. 开展≥1次； 2. 观摩会≥1次")
        ('≥100%', '≥95%', ';开展≥1次;;观摩会≥1次')
    """
    if _CIRCLED.search(text):
        text = _CIRCLED.sub(";", text)
    s = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)
    s = _SPACE_BETWEEN_DIGITS.sub(";", s)
    s = _SPACE.sub("", s)
    if "=" in s:
        s = s.replace(">=", "≥").replace("=>", "≥").replace("<=", "≤").replace("=<", "≤")
    if s.startswith("》"):
        s = ">" + s[1:]
    if "," in s:
        s = _THOUSANDS.sub("", s)
    if "百分之" in s:
        s = _PCT_WORD.sub(_pct_word, s)
    return _ENUM.sub(";", s)


# ---------------------------------------------------------------------------------------------------------
# Chinese numerals
# ---------------------------------------------------------------------------------------------------------

_CN_DIGIT = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_CHARS = "零〇一二两三四五六七八九十百千"


def chinese_number(text: str) -> float | None:
    """Read a small Chinese numeral (一 … 九千九百九十九, 两, 半, with 万); ``None`` when it is not one.

    Example:
        >>> chinese_number("十五"), chinese_number("二十"), chinese_number("一百零八"), chinese_number("半")
        (15.0, 20.0, 108.0, 0.5)
        >>> chinese_number("三万五千"), chinese_number("二三")
        (35000.0, None)
    """
    if text == "半":
        return 0.5
    if "万" in text:
        high, _, low = text.partition("万")
        high_value = chinese_number(high) if high else 1.0
        low_value = chinese_number(low) if low else 0.0
        if high_value is None or low_value is None:
            return None
        return high_value * 10000 + low_value
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGIT:
            if digit is not None and digit != 0:
                return None  # 二三 is not a numeral
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            total += (1 if digit is None else digit) * _CN_UNIT[ch]
            digit = None
        else:
            return None
    if digit:
        total += digit
    return float(total) if total or text in ("零", "〇") else None


_PCT_WORD = re.compile(r"百分之([\d.]+|[" + _CN_CHARS + r"]+)")


def _pct_word(m: re.Match[str]) -> str:
    raw = m.group(1)
    if raw[0].isdigit():
        return raw + "%"
    value = chinese_number(raw)
    return m.group(0) if value is None else _fmt_number(value) + "%"


# ---------------------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first (Python takes the first alternative that matches)."""
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


_TIME_UNITS = tuple("个工作日 工作日 个小时 小时 钟头 分钟 个星期 星期 个月 天 日 周 年".split())
_UNIT_WORDS = (
    *"个百分点 百分点 百分比 平方公里 平方米 平米 立方米 公顷 公里 千米 厘米 毫米 千克 公斤 人次 人天 户次 场次 批次 车次 架次 件次 册次 个次 条次 期次 份次 篇次 课时 学时 节课 美元".split(),
    *_TIME_UNITS,
    *"元 人 名 位 户 家 个 件 份 场 期 篇 项 处 栋 幢 座 间 台 套 部 本 册 张 页 条 盏 只 头 棵 株 盆 块 宗 起 例 种 具 斤 盒 桶 顶 扇 樘 所 支 队 批 班 节 门 轮 届 辆 艘 幅 床 次 分 倍 亩 吨 米 克 升 首 集 卷 箱 袋 副 枚 根 层 段 岁 km2 km kg m2 m3 cm mm m % ‰".split(),
)
_MAGNITUDE = "(?:百万|千万|万|亿|千)"
_UNIT_RE = re.compile(rf"(?:{_MAGNITUDE}?(?:{_alternation(_UNIT_WORDS)})|{_MAGNITUDE})")
_PER_WORDS = tuple(
    "个项目 项目 人次 人天 台机 个月 季度 双月 半年 小时 社区 单位 平方米 课时 人 户 个 次 场 期 部 台 年 月 季 周 天 日 批 辆 家 处 所 项 件 亩 班 课 节 张 份 套 栋 间 名 位 篇 册 本 页 条 宗 例 座 吨 村".split()
)
_PER_LEX = _alternation(_PER_WORDS)
# a rate per population (孕产妇死亡率 ≤12/10万, 检测 2批次/千人) is read before the one-word per-units
#: "per so many people" (≤12/10万, 2批次/千人) — a whole word: 万元, 万亩 and 万人次 are other units
PER_POPULATION = r"(?:(?:10|十)?万(?:人口|人|台)?|千人|百人)(?![\u4e00-\u9fff])"
_PER_RE = re.compile(
    rf"(?:/({PER_POPULATION}|{_PER_LEX}|[\u4e00-\u9fff])|每({_PER_LEX})|一(年|月|次|天|人|期|场|季度|周))"
)
_PER_PREFIX_RE = re.compile(r"每(?:个|一)?(年|月|季度|季|周|天|日|双月|半年|人|次|场|期|户|家|个|台)")
_UNIT_SPELLING = {
    "个工作日": "工作日",
    "个小时": "小时",
    "钟头": "小时",
    "个星期": "周",
    "星期": "周",
    "个月": "月",
    "平米": "平方米",
    "百分比": "%",
}
_DURATION_UNITS = frozenset({"工作日", "小时", "分钟", "天", "周", "月", "年"})
_RATE_UNITS = frozenset({"%", "‰", "分", "个百分点", "百分点"})


def _spell_unit(raw: str) -> str:
    """Normalise the spelling of one unit word (``个小时`` → ``小时``, ``日`` → ``天``)."""
    for long, short in _UNIT_SPELLING.items():
        if raw.endswith(long):
            return raw[: -len(long)] + short
    if raw == "日":
        return "天"
    return raw


# ---------------------------------------------------------------------------------------------------------
# Comparators
# ---------------------------------------------------------------------------------------------------------

_CMP_SPEC = {  # comparator: the words and symbols that write it
    "≥": "大于或者等于 大于或等于 大于等于 不低于 不少于 不小于 不少 至少 最少 达到 达 ≥",
    "≤": "小于或者等于 小于或等于 小于等于 不高于 不大于 不多于 不超过 不超出 未超过 不晚于 不迟于 不超 最多 至多 控制在 ≤",
    "<": "不足 小于 低于 少于 早于 <",
    ">": "大于 高于 超过 多于 晚于 >",
    "=": "等于 约为 大约 约 为 =",
}
_CMP_WORDS: dict[str, str] = {word: cmp for cmp, words in _CMP_SPEC.items() for word in words.split()}
_APPROX_WORDS = frozenset({"约", "约为", "大约"})
_GAP_WORDS = [w for w in _CMP_WORDS if len(w) >= 2 and w not in ("达到", "约为", "大约", "等于")]


_CMP_ADJ_RE = re.compile(f"(?:{_alternation(list(_CMP_WORDS))})$")
_CMP_GAP_RE = re.compile(rf"({_alternation(_GAP_WORDS)})[^\d≥≤<>=;,。:、()]{{1,5}}$")
_SUFFIX_RE = re.compile(r"及以上|或以上|以上|及以下|或以下|以下|及以内|以内|之内|内|左右|上下(?![班级])")
_SUFFIX_CMP = {"及以上": "≥", "或以上": "≥", "以上": "≥", "及以下": "≤", "或以下": "≤", "以下": "≤"}
_SUFFIX_CMP |= {"及以内": "≤", "以内": "≤", "之内": "≤", "内": "≤"}
_CHANGE_RE = re.compile(r"(?:提升|提高|增长|增加|降低|下降|减少|缩短|上升|压缩|节约|节省)了?$")
_SYMBOLS = frozenset("≥≤<>")
_CLAUSE_BREAK = re.compile(r"[;,。、:()]")
_NO_NUMBER_RE = re.compile(rf"[≥≤<>=]*(?:{_UNIT_RE.pattern})?")

# ---------------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------------

_Y = r"(?:19|20)\d{2}"
_M = r"(?:1[0-2]|0?[1-9])"
_D = r"(?:3[01]|[12]\d|0?[1-9])"
_END = r"(?P<end>底|末|上旬|中旬|下旬)?(?P<mark>之前|以前|前|以内|之内|内|为止|止|以后|之后|后|起|开始)?"
#: Units that make a year-like number a count, not a date (2036.9户, 0-2036.9%; 2023.11月 stays a date).
_COUNT_AFTER = rf"\s*(?:[万亿千]|{_alternation(w for w in _UNIT_WORDS if w not in _TIME_UNITS)})"
_DATE_RE = re.compile(
    "|".join(
        (
            # 2022年1月至12月, 2023年1月1日至2023年12月31日
            rf"(?<!\d)(?:(?P<wy1>{_Y})年)?(?P<wm1>{_M})月(?:(?P<wd1>{_D})[日号])?(?:至|到|-|~)"
            rf"(?:(?P<wy2>{_Y})年)?(?P<wm2>{_M})月(?:(?P<wd2>{_D})[日号])?(?:底|末|份)?",
            # 每年11-12月, 1-12月份, 2022年1-12月
            rf"(?:(?P<ry>每年)|(?<!\d)(?P<my>{_Y})年)?(?<![\d.])(?P<m1>{_M})(?:-|~|至|到)(?P<m2>{_M})月份?",
            # 2023-11-30, 2023/11/30, 2023.11.30, 2023-11
            rf"(?<![\d.])(?P<iy>{_Y})(?P<isep>[-/.])(?P<im>{_M})(?:(?P=isep)(?P<id>{_D}))?"
            rf"(?![\d.]|{_COUNT_AFTER}|[-~至到]\d+(?:\.\d+)?{_COUNT_AFTER})",
            # 2022-2022, 2022年至2023年
            rf"(?<![\d.])(?P<y1>{_Y})年?度?(?:-|~|至|到)(?P<y2>{_Y})(?:年度?|(?=$|[;,。、)]))",
            # 六点半前, 每天早上6点前
            r"(?P<cday>每天|每日)?(?:早上|上午|早晨|凌晨|中午|下午|晚上)?(?P<ch>(?<!\d)\d{1,2}|[一二两三四五六七八九十]{1,3})"
            r"[点时](?P<chalf>半|\d{1,2}分)?(?P<cmark>之前|以前|前)",
            # 2022年12月31日前, 2022年底, 12月底前, 11月30日前, 25日前
            rf"(?:(?<![\d.])(?P<py>{_Y})年度?(?P<pfull>全年)?(?:(?P<pm>{_M})月份?(?:(?P<pd>{_D})[日号])?)?"
            rf"|(?<![\d.])(?P<qm>{_M})月份?(?:(?P<qd>{_D})[日号])?"
            rf"|(?<![\d.])(?P<rd>{_D})[日号](?=之前|以前|前)){_END}",
        )
    )
)
_DATE_HINT = re.compile(r"[年月日号点时]|(?:19|20)\d\d[-/.~至到]")  # cheap test before the costly _DATE_RE
_QUARTER_RE = re.compile(r"第?([一二三四1-4])季度")
_RELATIVE = (  # pattern, comparator, low, high (months of the budget year); 每… makes it RECURRING
    (re.compile(r"每年年(?:底|末|终)"), "≤", 12.0, None),
    (re.compile(r"(?:每月)?月(?:底|末)"), "≤", None, None),
    (re.compile(r"上半年"), "≤", 6.0, None),
    (re.compile(r"下半年"), None, 7.0, 12.0),
    (re.compile(r"全年"), None, 1.0, 12.0),
    (re.compile(r"年(?:底|末|终|内)|本年|当年|年度(?:周期)?内|不跨年|本年度"), "≤", 12.0, None),
)


def _month_end_day(year: int | None, month: int) -> int:
    return calendar.monthrange(year or 2001, month)[1]


# ---------------------------------------------------------------------------------------------------------
# Readings
# ---------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Reading:
    """One measurement found in the text (internal, mutable while it is being built)."""

    kind: str
    low: float | None
    start: int
    end: int
    high: float | None = None
    comparator: str | None = None
    unit: str | None = None
    flags: set[str] = field(default_factory=set)
    weak: bool = False  # a bare year or a year-relative word: dropped when anything else is found
    digits: str = ""  # the digit run as written (for the DOUBLED rule)

    def same_measure(self, other: _Reading) -> bool:
        return self.kind == other.kind and self.low == other.low and self.high == other.high


_NUM_RE = re.compile(r"(?<![\d.])(\d{1,15}(?:\.\d+)?)(?!\d)")
_CN_RE = re.compile(rf"(?<![上下第前后同这那某统唯之初单专逐星礼周])([{_CN_CHARS}]+|半)")
_RANGE_RE = re.compile(r"(?:-|~|至|到)(\d{1,15}(?:\.\d+)?)(?!\d)")
_GAP_NOISE = re.compile(f"(?:{_alternation(list(_CMP_WORDS))})|每(?:年|月|天|日|季度|季|周)|[;,。、]")


def _read_unit(s: str, pos: int, flags: set[str]) -> tuple[str | None, int]:
    """The unit (with per-units) written at ``pos``; flags ``UNIT_WORD``/``UNIT_CONFLICT``."""
    unit = ""
    m = _UNIT_RE.match(s, pos)
    if m:
        raw = m.group(0)
        if raw.endswith("百分比"):
            flags.add("UNIT_WORD")
        if len(raw) > 1 and raw[-1] in "%‰":  # 50万%: a magnitude stacked on a percentage
            flags.add("UNIT_CONFLICT")
        unit, pos = _spell_unit(raw), m.end()
        stacked = _UNIT_RE.match(s, pos)
        if stacked and ("%" in (unit[-1:], stacked.group(0)[:1]) or stacked.group(0) in ("元", "万元")):
            flags.add("UNIT_CONFLICT")
            unit, pos = unit + _spell_unit(stacked.group(0)), stacked.end()
    while True:
        p = _PER_RE.match(s, pos)
        if not p or (not unit and not p.group(1)):  # 每/一 only follow a unit; a bare "/人" may not
            break
        unit += "/" + (p.group(1) or p.group(2) or p.group(3))
        pos = p.end()
    return unit or None, pos


def _prefix(s: str, lo: int, start: int) -> tuple[str | None, str, int]:
    """The comparator written just before ``start`` (not before ``lo``), the word, and where it begins."""
    window = s[max(lo, start - 14) : start]
    m = _CMP_ADJ_RE.search(window)
    if m:
        return _CMP_WORDS[m.group(0)], m.group(0), start - len(window) + m.start()
    m = _CMP_GAP_RE.search(window)
    if m:
        return _CMP_WORDS[m.group(1)], m.group(1), start - len(window) + m.start()
    return None, "", start


def _finish_number(s: str, r: _Reading, lo: int, num_start: int) -> None:
    """Attach prefix/suffix comparators, per-period, CHANGE and the DOUBLED halves rule to ``r``."""
    cmp, word, cmp_start = _prefix(s, lo, num_start)
    if word in _APPROX_WORDS:
        r.flags.add("APPROX")
    suffix = _SUFFIX_RE.match(s, r.end)
    suffix_cmp = None
    if suffix:
        word_s = suffix.group(0)
        r.end = suffix.end()
        if word_s in ("左右", "上下"):
            r.flags.add("APPROX")
        else:
            suffix_cmp = _SUFFIX_CMP[word_s]
    if cmp and suffix_cmp and cmp != suffix_cmp and cmp != "=":
        r.flags.add("CMP_CONFLICT")
    # a prefix wins, except a plain "为/等于" before a directional suffix ("为90%以上" → ≥)
    r.comparator = (cmp if cmp != "=" or not suffix_cmp else None) or suffix_cmp or "="
    before = _CLAUSE_BREAK.split(s[max(lo, num_start - 14) : cmp_start])[-1]
    if r.unit and "/" not in r.unit and r.unit not in _RATE_UNITS:
        periods = _PER_PREFIX_RE.findall(before)
        if periods:
            r.unit += "/" + periods[-1]
    if not cmp and _CHANGE_RE.search(before):
        r.flags.add("CHANGE")
    # DOUBLED halves: "≥9090%及以上", "≥100100%", "≥33次以上"
    d = r.digits
    if r.kind != "range" and len(d) >= 2 and len(d) % 2 == 0 and d[0] != "0":
        half = len(d) // 2
        if d[:half] == d[half:]:
            too_big_rate = r.unit == "%" and (r.low or 0) > 100
            flattened = word in _SYMBOLS and suffix_cmp is not None
            if too_big_rate or flattened:
                r.low = float(d[:half])
                r.flags.add("DOUBLED")
    if r.unit in _DURATION_UNITS and r.kind == "number":
        r.kind = "duration"


def _number_readings(s: str, taken: list[tuple[int, int]]) -> list[_Reading]:
    """Arabic-numeral readings (numbers and ranges) outside the spans already read as dates."""
    out: list[_Reading] = []
    lo = 0
    for m in _NUM_RE.finditer(s):
        start = m.start()
        if start < lo or any(a <= start < b for a, b in taken):
            continue
        flags: set[str] = set()
        low = float(m.group(1))
        unit, pos = _read_unit(s, m.end(), flags)
        r = _Reading("number", low, start, pos, unit=unit, flags=flags, digits=m.group(1))
        rng = _RANGE_RE.match(s, pos)
        if rng and not any(a <= rng.start(1) < b for a, b in taken):
            unit2, pos2 = _read_unit(s, rng.end(), flags)
            r.kind, r.high, r.end, r.unit = "range", float(rng.group(1)), pos2, unit2 or unit
            if r.high < low:
                r.low, r.high = r.high, low
                flags.add("REVERSED")
        prev_end = out[-1].end if out else 0
        _finish_number(s, r, max(prev_end, _taken_end_before(taken, start)), start)
        if r.kind == "range":
            r.comparator = None if r.comparator == "=" else r.comparator
        out.append(r)
        lo = r.end
    return out


def _taken_end_before(taken: list[tuple[int, int]], start: int) -> int:
    return max((b for a, b in taken if b <= start), default=0)


def _chinese_readings(s: str) -> list[_Reading]:
    """Chinese-numeral readings, accepted only when a unit follows (``两栋``, ``一周内``, ``至少一件``)."""
    out: list[_Reading] = []
    for m in _CN_RE.finditer(s):
        value = chinese_number(m.group(1))
        if value is None:
            continue
        flags: set[str] = set()
        unit, pos = _read_unit(s, m.end(), flags)
        if not unit or s.startswith("性", pos) or unit in ("%", "‰"):
            continue
        r = _Reading("number", value, m.start(), pos, unit=unit, flags=flags)
        _finish_number(s, r, out[-1].end if out else 0, m.start())
        # "一" is often an article (打造一支队伍): keep it only when it clearly counts something
        if m.group(1) == "一" and r.kind != "duration" and r.comparator == "=" and len(s) > 4:
            continue
        out.append(r)
    return out


def _date_reading(m: re.Match[str], s: str) -> _Reading:
    """Turn one ``_DATE_RE`` match into a deadline reading (encoding and comparator: module docstring)."""
    g = m.groupdict()
    start, end = m.start(), m.end()
    recurring = s[max(0, start - 2) : start] in ("每年", "每月") or bool(g["ry"]) or bool(g["cday"])
    flags = {"RECURRING"} if recurring else set()
    if g["wm1"]:
        y1 = int(g["wy1"]) if g["wy1"] else None
        y2 = int(g["wy2"]) if g["wy2"] else y1
        m1, m2 = int(g["wm1"]), int(g["wm2"])
        if g["wd1"] or g["wd2"]:
            d1 = int(g["wd1"]) if g["wd1"] else 1
            d2 = int(g["wd2"]) if g["wd2"] else _month_end_day(y2, m2)
            low, high, unit = _encode_day(y1, m1, d1), _encode_day(y2, m2, d2), "日"
        else:
            low, high, unit = _encode_month(y1, m1), _encode_month(y2, m2), "月"
        return _window(low, high, unit, start, end, flags)
    if g["m1"]:
        year = int(g["my"]) if g["my"] else None
        return _window(
            _encode_month(year, int(g["m1"])), _encode_month(year, int(g["m2"])), "月", start, end, flags
        )
    if g["iy"]:
        year, month = int(g["iy"]), int(g["im"])
        if g["id"]:
            r = _Reading("deadline", _encode_day(year, month, int(g["id"])), start, end, unit="日")
        else:
            r = _Reading("deadline", _encode_month(year, month), start, end, unit="月")
        r.comparator, r.flags = "=", flags
        return r
    if g["y1"]:
        return _window(float(g["y1"]), float(g["y2"]), "年", start, end, flags)
    if g["ch"]:
        hour = float(g["ch"]) if g["ch"].isdigit() else chinese_number(g["ch"]) or 0.0
        half = g["chalf"]
        if half:
            hour += 0.5 if half == "半" else int(half[:-1]) / 60
        if "下午" in m.group(0) or "晚上" in m.group(0):
            hour += 12 if hour < 12 else 0
        return _Reading("deadline", round(hour, 4), start, end, comparator="≤", unit="时", flags=flags)
    year = int(g["py"]) if g["py"] else None
    month_text = g["pm"] or g["qm"]
    day = g["pd"] or g["qd"] or g["rd"]
    end_word, mark = g["end"], g["mark"]
    if g["pfull"] and year:
        return _window(_encode_month(year, 1), _encode_month(year, 12), "月", start, end, flags)
    weak = False
    if day:
        value, unit = _encode_day(year, int(month_text) if month_text else None, int(day)), "日"
    elif month_text and end_word in ("上旬", "中旬"):
        value, unit = _encode_day(year, int(month_text), 10 if end_word == "上旬" else 20), "日"
    elif month_text:
        value, unit = _encode_month(year, int(month_text)), "月"
    else:
        value, unit = float(year or 0), "年"
        weak = not end_word and not mark
    cmp = "="
    if mark in ("前", "之前", "以前"):
        cmp = "≤" if unit == "日" or end_word else "<"
    elif mark in ("以内", "之内", "内", "为止", "止") or end_word in ("底", "末", "下旬"):
        cmp = "≤"
    elif mark in ("后", "以后", "之后"):
        cmp = ">"
    elif mark in ("起", "开始"):
        cmp = "≥"
    r = _Reading("deadline", value, start, end, comparator=cmp, unit=unit, flags=flags, weak=weak)
    if not mark and not end_word:
        prefix, _word, _pos = _prefix(s, 0, start)
        if prefix and prefix != "=":
            r.comparator = prefix
    return r


def _encode_month(year: int | None, month: int) -> float:
    return float(year * 100 + month if year else month)


def _encode_day(year: int | None, month: int | None, day: int) -> float:
    if year and month:
        return float(year * 10000 + month * 100 + day)
    if month:
        return float(month * 100 + day)
    return float(day)


def _window(low: float, high: float, unit: str, start: int, end: int, flags: set[str]) -> _Reading:
    if high < low:
        low, high = high, low
        flags = flags | {"REVERSED"}
    return _Reading("deadline", low, start, end, high=high, unit=unit, flags=flags)


def _relative_reading(s: str) -> _Reading | None:
    """A year-relative deadline (年底前, 年内, 全年, 上半年, 第三季度 …), read only when nothing else was found."""
    for pattern, cmp, low, high in _RELATIVE:
        m = pattern.search(s)
        if m:
            flags = {"RECURRING"} if m.group(0).startswith("每") else set()
            return _Reading(
                "deadline", low, m.start(), m.end(), high=high, comparator=cmp, unit="月", flags=flags
            )
    m = _QUARTER_RE.search(s)
    if m:
        q = m.group(1)
        month = 3.0 * (int(q) if q.isdigit() else "一二三四".index(q) + 1)
        return _Reading("deadline", month, m.start(), m.end(), comparator="≤", unit="月")
    return None


# ---------------------------------------------------------------------------------------------------------
# Binary / qualitative
# ---------------------------------------------------------------------------------------------------------

_VAGUE_RE = re.compile(
    "及时|按时|准时|按计划|按规定|尽快|尽量|适时|视情况|根据|依据|依申报|待定|按实际|基本|进一步|逐步|不断|持续|稳步"
    "|有效|明显|显著|良好|较|大幅|提高|提升|改善|增强|加强|推动|促进|力争|争取|努力|有所|得到|一定|相对"
)
_BINARY_RE = re.compile(
    r"(?:^(?:已|全部|均已|均)?完成)|(?:完成|达标|合格|通过验收|验收通过|通过|符合要求|符合规定|符合标准|符合规范|合规"
    r"|达到要求|满足要求|全覆盖|已落实|落实到位|到位|正常运行|正常运转|无事故|零事故)$|^(?:是|有|否)$"
)

# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------

_EMPTY = ParsedValue(kind="empty")
_NA = ParsedValue(kind="empty", flags=("NA",))


def parse_value(text: str | None) -> ParsedValue:
    """Read one 指标值 into kind, comparator, low/high, unit and flags. Never raises.

    Example:
        >>> parse_value("≥95%")
        ParsedValue(kind='number', comparator='≥', low=95.0, high=None, unit='%', flags=())
        >>> parse_value("不超过28万元").comparator, parse_value("5000-10000元/人").kind
        ('≤', 'range')
        >>> p = parse_value("2022年12月底前"); p.kind, p.comparator, p.low, p.unit
        ('deadline', '≤', 202212.0, '月')
        >>> p = parse_value("≥9090%及以上"); p.low, p.unit, p.flags
        (90.0, '%', ('DOUBLED',))
        >>> parse_value("3个工作日").kind, parse_value("验收合格").kind, parse_value("明显提升").kind
        ('duration', 'binary', 'qualitative')
        >>> parse_value("不适用").flags, parse_value(None).kind
        (('NA',), 'empty')
    """
    if text is None:
        return _EMPTY
    try:
        if not isinstance(text, str):
            text = str(text)
        if len(text) > _CACHE_LEN:
            return _parse(text[:_MAX_LEN])
        return _parse_cached(text)
    except Exception:  # noqa: BLE001 — the contract is "never raises"; a parser bug must not stop ingestion
        return ParsedValue(kind="qualitative", flags=("PARSE_ERROR",))


@lru_cache(maxsize=1 << 16)
def _parse_cached(text: str) -> ParsedValue:
    return _parse(text)


def _parse(text: str) -> ParsedValue:
    s = _normalise(text).strip(_PUNCT_EDGES)
    folded = s.casefold()
    if folded in _EMPTY_WORDS or _ONLY_PUNCT.fullmatch(s):
        return _EMPTY
    if folded.rstrip("。.") in _NA_WORDS:
        return _NA
    readings = _readings(s)
    if readings:
        return _combine(s, readings)
    if _NO_NUMBER_RE.fullmatch(s):
        return ParsedValue(kind="qualitative", flags=("NO_NUMBER",))
    if not _VAGUE_RE.search(s) and _BINARY_RE.search(s):
        return ParsedValue(kind="binary")
    return ParsedValue(kind="qualitative")


def _readings(s: str) -> list[_Reading]:
    dates = [_date_reading(m, s) for m in _DATE_RE.finditer(s)] if _DATE_HINT.search(s) else []
    readings = dates + _number_readings(s, [(r.start, r.end) for r in dates])
    if not readings:
        readings = _chinese_readings(s)
    if not readings:
        rel = _relative_reading(s)
        return [rel] if rel else []
    strong = [r for r in readings if not r.weak]
    readings = strong or readings
    readings.sort(key=lambda r: r.start)
    return readings


def _combine(s: str, readings: list[_Reading]) -> ParsedValue:
    """Merge restated readings (DOUBLED), report the first one and flag MULTI when others remain."""
    merged: list[_Reading] = [readings[0]]
    for r in readings[1:]:
        prev = merged[-1]
        gap = _GAP_NOISE.sub("", s[prev.end : r.start])
        # restated right after itself: "≥90大于等于90%" (the first has no unit) or a repeated cell "≥90%;≥90%"
        if prev.same_measure(r) and (not gap or (prev.unit is None and len(gap) <= 2)):
            prev.flags |= r.flags | {"DOUBLED"}
            if prev.comparator in (None, "=") and r.comparator not in (None, "="):
                prev.comparator = r.comparator
            if r.unit and (not prev.unit or r.unit.startswith(prev.unit)):
                prev.unit = r.unit
                if prev.kind == "number" and r.kind == "duration":
                    prev.kind = "duration"
            prev.end = r.end
            continue
        merged.append(r)
    first = merged[0]
    flags = set(first.flags)
    if len(merged) > 1:
        flags.add("MULTI")
    low, high = first.low, first.high
    if low is not None and high is not None and high < low:
        low, high = high, low
    return ParsedValue(
        kind=first.kind,  # type: ignore[arg-type]
        comparator=first.comparator,  # type: ignore[arg-type]
        low=low,
        high=high,
        unit=first.unit,
        flags=tuple(sorted(flags)),
    )


# ---------------------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------------------


def _fmt_number(x: float) -> str:
    """``95.0`` → ``95``, ``2.73`` → ``2.73``, never scientific notation."""
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    text = format(Decimal(repr(x)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fmt_date(value: float, unit: str, recurring: bool) -> str:
    v = int(value)
    if unit == "年":
        return f"{v}年"
    if unit == "月":
        text = f"{v // 100}年{v % 100}月" if v >= 10000 else f"{v}月"
        return ("每年" if recurring and v < 10000 else "") + text
    if unit == "日":
        if v >= 10_000_000:
            return f"{v // 10000}年{v // 100 % 100}月{v % 100}日"
        if v >= 100:
            return ("每年" if recurring else "") + f"{v // 100}月{v % 100}日"
        return ("每月" if recurring else "") + f"{v}日"
    return _fmt_number(value)


def _fmt_clock(hour: float, recurring: bool) -> str:
    whole = int(hour)
    minutes = round((hour - whole) * 60)
    text = f"{whole}点" + ("半" if minutes == 30 else f"{minutes}分" if minutes else "")
    return ("每天" if recurring else "") + text


def _fmt_deadline(p: ParsedValue) -> str:
    recurring = "RECURRING" in p.flags
    unit = p.unit or ""
    if p.low is None or not math.isfinite(p.low) or (p.high is not None and not math.isfinite(p.high)):
        return ("每月" if recurring else "") + "月底前" if unit == "月" and p.low is None else ""
    if unit == "时":
        return f"{_fmt_clock(p.low, recurring)}前"
    if p.high is not None:
        if unit == "月" and p.low < 10000 and p.high < 10000:
            return ("每年" if recurring else "") + f"{int(p.low)}-{int(p.high)}月"
        return f"{_fmt_date(p.low, unit, recurring)}至{_fmt_date(p.high, unit, False)}"
    text = _fmt_date(p.low, unit, recurring)
    cmp = p.comparator or "="
    if cmp == "=":
        return text
    if cmp == "≤":
        return text + ("底前" if unit in ("年", "月") else "前")
    if cmp == "<" and unit in ("年", "月"):
        return text + "前"
    if cmp == "≥":
        return text + "起"
    if cmp == ">":
        return text + "后"
    return cmp + text


_COUNTED = {"工作日": "个工作日", "小时": "小时", "月": "个月"}


def format_value(parsed: ParsedValue) -> str:
    """The canonical text of a parsed value (what suggest and review write as a measurable 指标值).

    ``=`` is written as a bare number; qualitative and empty values give ``""`` and binary ones ``"完成"``.
    For clear values ``parse_value(format_value(p))`` has the same kind, comparator, low, high and unit.

    Example:
        >>> format_value(parse_value("达到95%以上")), format_value(parse_value("2023年12月底"))
        ('≥95%', '2023年12月底前')
        >>> format_value(parse_value("3个工作日内")), format_value(parse_value("5-10万"))
        ('≤3个工作日', '5-10万')
        >>> format_value(parse_value("每年11-12月组织申报")), format_value(parse_value("一周内"))
        ('每年11-12月', '≤1周')
    """
    kind = parsed.kind
    if kind in ("empty", "qualitative"):
        return ""
    if kind == "binary":
        return "完成"
    if kind == "deadline":
        return _fmt_deadline(parsed)
    if parsed.low is None or not math.isfinite(parsed.low):
        return ""
    unit = parsed.unit or ""
    if kind in ("duration", "range"):
        unit = _COUNTED.get(unit, unit)  # "3个月": a bare "3月" would read as March
    cmp = "" if parsed.comparator in (None, "=") else parsed.comparator
    approx = "约" if "APPROX" in parsed.flags and not cmp else ""
    if kind == "range":
        if parsed.high is None or not math.isfinite(parsed.high):
            return ""
        return f"{cmp}{_fmt_number(parsed.low)}-{_fmt_number(parsed.high)}{unit}"
    return f"{cmp}{approx}{_fmt_number(parsed.low)}{unit}"
