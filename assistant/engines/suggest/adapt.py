"""Adapt suggestions to the new project: counts and objects from its goal text, its year in
deadlines, costs scaled to its budget.

Everything here is a pure function of strings and numbers so it can be tested exactly.

Example:
    >>> [m.name for m in extract_mentions("社区党组织书记赴外培训1期40人")]
    ['社区党组织书记赴外培训期数', '社区党组织书记赴外培训人数']
    >>> mention_value(extract_mentions("培训1期40人")[1])
    '≥40人'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ...records.values import chinese_number
from ...text.pos import pos_cut

# A count unit → the noun that names "how many" (培训 + 人 → 培训人数). ``None``: "<object>数量".
COUNT_UNITS: dict[str, str | None] = {
    "人次": "人次",
    "人": "人数",
    "名": "人数",
    "期": "期数",
    "场次": "场次",
    "场": "场次",
    "次": "次数",
    "户": "户数",
    "盏": "盏数",
    "台": "台数",
    "课时": "课时数",
    "学时": "学时数",
    "天": "天数",
    "平方米": "面积",
    "㎡": "面积",
    "亩": "面积",
    "公里": "里程",
    "千米": "里程",
    "个": None,
    "处": None,
    "栋": None,
    "套": None,
    "家": None,
    "所": None,
    "间": None,
    "座": None,
    "辆": None,
    "份": None,
    "本": None,
    "册": None,
    "部": None,
    "项": None,
    "批": None,
    "张": None,
    "件": None,
    "篇": None,
    "条": None,
    "支": None,
    "块": None,
    "班": None,
    "所次": None,
    "吨": "重量",
    "页": None,
    "卷": None,
    "株": None,
    "棵": None,
    "宗": None,
    "起": None,
}
MONEY_UNITS = {"亿元": 10000.0, "万元": 1.0, "元": 0.0001, "万": 1.0}

_NUMBER = r"(?P<num>\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+(?=[^一二两三四五六七八九十百千万]))"
_UNIT = "|".join(sorted((re.escape(u) for u in COUNT_UNITS), key=len, reverse=True))
_MONEY = (
    r"亿元|万元|元|万(?![\u4e00-\u9fff])"  # a bare 万 is money only when no word follows (50万居民 is not)
)
_COUNT_RE = re.compile(
    _NUMBER + r"\s*(?P<mult>万)?\s*(?P<unit>" + _UNIT + r")(?![0-9a-zA-Z一-龥]*[%％])"
)  # 20万页, 3.2万人: a count in ten-thousands
_MONEY_RE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>"
    + _MONEY
    + r")(?P<per>(?:/[人天次个期台户场年月]|每[人天次个年月])*)"
)
_PERCENT_RE = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*[%％]")
# 、 ends a clause only before another count (水库12座、山塘5座), not inside a list of who or what
# (200名高龄、失能老人).
_CLAUSE_SPLIT = re.compile(r"[，,；;。！!？?\n：:（）()【】“”\"《》]|、(?=[^，,；;。、\d]*\d)|\s{2,}")
_PURPOSE = re.compile(r"(?:经费|资金|费用|补助|补贴)$")


@dataclass(frozen=True, slots=True)
class Mention:
    """A count, amount or rate stated in the goal text, with the object it counts.

    ``kind`` is ``count`` (40 人), ``money`` (600 元), ``rate`` (98%) or ``action`` (建立健康档案:
    a share the goal implies without a number: its value comes from past targets or the drafter). ``span`` is the clause it
    was read from, kept as evidence.
    """

    kind: str
    object: str
    number: float
    unit: str
    span: str
    name: str


def cn_number(text: str) -> float | None:
    """Arabic or simple Chinese numerals as a float.

    Example:
        >>> cn_number("40"), cn_number("两"), cn_number("十二"), cn_number("三百五十")
        (40.0, 2.0, 12.0, 350.0)
    """
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    return chinese_number(text)


def format_number(value: float) -> str:
    """Plain decimal without trailing zeros.

    Example:
        >>> format_number(40.0), format_number(0.06), format_number(13.7584)
        ('40', '0.06', '13.7584')
    """
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


_TRAILING_QUALIFIERS = re.compile(
    r"(?:预计|约为|约|共计|共|合计|累计|总计|达到|达|不少于|不低于|超过|大于|计划|全年|完成|为|有|需|拟)+$"
)
_NOUNISH = ("n", "vn", "eng", "j", "t", "s", "an", "l", "i", "b", "q", "a", "f")
_STOP_PREFIX = frozenset("pcudrmxwyeo")
#: An age that qualifies people (65岁以上, 60周岁及以上, 0-6岁): part of who is counted, never a count.
AGE = r"\d+(?:\s*[-~～—至到]\s*\d+)?\s*周?岁(?:及?以上|及?以下)?"
_AGE = re.compile(AGE)
_THING = ("n", "vn", "eng", "j", "l", "i", "s", "q", "t")
_LEAD_VERBS = re.compile(
    r"^(?:全年|年内|本年度|本年|计划|预计|共计|共|累计|总计|力争|确保|保证|保障|通过|完成|组织|开展|举办|实施|"
    r"新增|新建|建设|建|开设|召开|举行|用于|创建|打造|设立|设置|落实|推进|每期|每年|每月|每人|每天|其中)+"
)


#: Verbs that separate who/where (为辖区老人) from the thing counted (开展|健康讲座 12 场).
_ACTION_VERBS = frozenset({"开展", "举办", "组织", "召开", "举行", "实施", "进行", "提供", "发放", "完成"})
#: Qualifier words that end a noun phrase read backwards (60岁以上|老人 is not one object).
_BOUNDARY_WORDS = frozenset({"以上", "以下", "以内", "之间", "左右", "为", "对", "向", "给"})


def _object_after(suffix: str) -> str:
    """The noun phrase that starts right after a number (6694 人|党员冬季轮训及… → 党员冬季轮训)."""
    suffix = suffix.strip()
    age = _AGE.match(suffix)  # 6000名|65岁以上老年人: the age belongs to the people counted
    words: list[tuple[str, str]] = [(age.group(0), "n")] if age else []
    listing = False  # inside 高龄、失能老人: any word up to the verb of the clause belongs to the list
    for word, flag in pos_cut(suffix[len(age.group(0)) if age else 0 :][:24]):
        if word == "、" and words:
            listing = True
        elif listing and (
            word in _ACTION_VERBS
            or (flag[:1] in _STOP_PREFIX and flag != "eng")
            or (flag.startswith("v") and words[-1][1].startswith("n"))  # 失能老人|享受…
        ):
            break
        elif not listing and (not flag.startswith(_NOUNISH) or flag.startswith("f") and not words):
            break
        words.append((word, flag))
    # the phrase ends on a thing: a list's trailing verb and an adjective alone (一次|全面摸排) go
    while words and (words[-1][0] == "、" or not words[-1][1].startswith(_THING)):
        words.pop()
    obj = "".join(word for word, _ in words)
    return obj if len(obj) >= 2 else ""


def _object_before(prefix: str, nested: bool = False) -> str:
    """The phrase that ends right before a number (将辖区钠灯改造成LED节能灯|120 盏 → 辖区钠灯改造成LED节能灯)."""
    prefix = re.sub(r"(?:\d+(?:\.\d+)?\s*[^\d\s]{1,2}\s*)+$", "", prefix.strip())  # chained counts: 1期40人
    prefix = _TRAILING_QUALIFIERS.sub("", prefix)
    words: list[str] = []
    length = 0
    for word, flag in reversed(pos_cut(prefix[-30:])):
        if (flag != "eng" and flag[:1] in _STOP_PREFIX) or not word.strip() or length + len(word) > 16:
            break
        if length >= 2 and (word in _ACTION_VERBS and flag.startswith("v") or word in _BOUNDARY_WORDS):
            break  # 60岁以上老人开展|健康讲座 12场: the counted thing is what the verb does, not who
        words.append(word)
        length += len(word)
    obj = "".join(reversed(words))
    if obj in _MEASURE_WORDS and prefix.endswith(obj) and not nested:
        # 红火蚁扑杀的范围|0.5万亩: what is measured is named before 的范围 (looked for once)
        return _object_before(prefix[-40 : -len(obj)].rstrip("的之"), nested=True) or obj
    obj = _LEAD_VERBS.sub("", obj)
    if len(obj) > 3:
        obj = re.sub(r"^[名个位次户台项]", "", obj)  # 每名专职工作人员 → 专职工作人员
    return obj if len(obj) >= 2 else ""


#: Words that name a measure, not the thing measured (扑杀的范围, 种植的规模).
_MEASURE_WORDS = frozenset({"范围", "规模", "总量", "数量", "面积", "总数", "长度", "里程"})


#: Words of a goal's layout, never the thing counted (出差8人 目标2：… counts 出差, not 目标).
_LAYOUT_WORDS = frozenset({"目标", "任务", "指标", "内容", "项目", "工作", "措施"})


def _clean_object(prefix: str, suffix: str) -> str:
    """The counted object: the noun phrase after the number when there is one (6694 人党员冬季轮训),
    else the phrase before it (钠灯改造成LED节能灯 120 盏)."""
    after = _object_after(suffix)
    if after and after not in _LAYOUT_WORDS:
        return after
    return _object_before(prefix)


def _name_for(obj: str, unit: str) -> str:
    noun = COUNT_UNITS.get(unit)
    if noun is None:
        noun = "数量"
    obj = _PURPOSE.sub("", obj)
    if obj.endswith(noun) or (noun == "人数" and obj.endswith(("人数", "人次"))):
        return obj
    return obj + noun


_CN_NUMERAL_LEFT = set("建设成展办织共计约开训增置造到行立有为了年期季月批")
_PER = re.compile(r"每(?P<u>人|天|日|期|个|次|场|户|台|班|年|月)")


def _per_units(prefix: str, tail: str) -> str:
    """Per-unit qualifiers of an amount: 每人每天…600元 → /人/天; 17.36万元/年 keeps /年."""
    if tail:
        return tail.replace("每", "/")
    units = [m.group("u").replace("日", "天") for m in _PER.finditer(prefix[-10:])]
    return "".join("/" + u for u in dict.fromkeys(units))


def warm_up() -> None:
    """Load the part-of-speech tagger now (about 0.35 s once per process) rather than mid-request."""
    pos_cut("培训")


def extract_mentions(goal: str | None, limit: int = 12) -> list[Mention]:
    """Counts, amounts and rates stated in a goal text, in text order (at most ``limit``).

    A clause without its own object (每期 50 人) takes the object of the previous mention.

    Example:
        >>> m = extract_mentions("将辖区钠灯改造成LED节能灯120盏")[0]
        >>> m.name, m.number, m.unit
        ('辖区钠灯改造成LED节能灯盏数', 120.0, '盏')
        >>> [(m.kind, m.name, m.number) for m in extract_mentions("完成6694人党员冬季轮训")]
        [('count', '党员冬季轮训人数', 6694.0)]
    """
    return list(_mentions(goal or "", limit))


@lru_cache(maxsize=1024)
def _mentions(goal: str, limit: int) -> tuple[Mention, ...]:
    """:func:`extract_mentions`, read once per goal text (a draft reads its goal in several places)."""
    if not goal:
        return ()
    text = unicodedata.normalize("NFKC", goal)
    out: list[Mention] = []
    seen: set[tuple[str, str]] = set()
    last_object = ""

    def add(mention: Mention) -> None:
        nonlocal last_object
        key = (mention.kind, mention.name)
        if key not in seen and len(out) < limit:
            seen.add(key)
            out.append(mention)
        last_object = mention.object

    for clause in _CLAUSE_SPLIT.split(text):
        clause = clause.strip()
        if len(clause) < 2:
            continue
        taken: list[tuple[int, int]] = []
        for match in _MONEY_RE.finditer(clause):
            taken.append(match.span())
            prefix = clause[: match.start()]
            obj = _object_before(prefix) or last_object
            amount = float(match.group("num"))
            if not obj or amount <= 0:
                continue
            unit = match.group("unit").replace("万", "万元").replace("万元元", "万元")
            unit += _per_units(prefix, match.group("per") or "")
            name = (
                obj
                if re.search(r"(?:费|费用|成本|资金|经费|金额|补助|补贴|金)$", obj) or _INCOME.search(obj)
                else obj + "成本"
            )
            add(Mention("money", obj, amount, unit, clause, name))
        for match in _PERCENT_RE.finditer(clause):
            taken.append(match.span())
            obj = _object_before(
                re.sub(r"(?:达到|达|不低于|不少于|高于|保持在|保持|为|在)$", "", clause[: match.start()])
            )
            if len(obj) < 2:
                continue
            add(Mention("rate", obj, float(match.group("num")), "%", clause, obj))
        for match in _COUNT_RE.finditer(clause):
            start, end = match.span()
            if any(a <= start < b for a, b in taken):
                continue
            raw = match.group("num")
            if not raw[0].isdigit() and start > 0 and clause[start - 1] not in _CN_NUMERAL_LEFT:
                continue  # 统一部署, 上千人: a Chinese numeral inside a word, not a count
            number = cn_number(raw)
            unit = match.group("unit")
            if number is None or number <= 0:
                continue
            if match.group("mult"):
                number *= 10_000
            after = clause[end:]
            if re.match(r"^(?:月|工作日|小时|周|星期)", after) or re.match(r"^[年月日号]", after):
                continue  # 3个月 / 5个工作日 are durations; 2019年 is a date
            if re.search(r"[第年月]$", clause[:start]):
                continue
            obj = _clean_object(clause[:start], after) or last_object
            if len(obj) < 2:
                continue
            add(Mention("count", obj, number, unit, clause, _name_for(obj, unit)))
        # an action with no count of its own (培训200人、|建立健康档案) is read part by part
        for part in clause.split("、"):
            if not _COUNT_RE.search(part) and not _PERCENT_RE.search(part) and not _MONEY_RE.search(part):
                action = _action_in(part)
                if action is not None:
                    add(action)
        if len(out) >= limit:
            break
    return tuple(out)


#: Unquantified goal actions that still name a measurable share: 建立健康档案 → 健康档案建档率.
_ACTION_RATES = (
    (re.compile(r"(?:建立|建成|完善|更新|建)(?P<obj>[\u4e00-\u9fffA-Za-z]{0,10}?档案)"), "建档率"),
    (re.compile(r"(?:建立|建成|完善|更新)(?P<obj>[\u4e00-\u9fffA-Za-z]{0,10}?台账)"), "建立率"),
    (re.compile(r"(?P<obj>[\u4e00-\u9fffA-Za-z]{2,10}?)(?:实现)?全覆盖"), "覆盖率"),
)


def _action_in(clause: str) -> Mention | None:
    """A goal clause without numbers that still names a measurable result (建立健康档案 →
    健康档案建档率), as a ``rate``-like ``action`` mention; ``None`` for anything else."""
    for pattern, suffix in _ACTION_RATES:
        match = pattern.search(clause)
        if match is None:
            continue
        obj = _LEAD_VERBS.sub("", match.group("obj"))
        obj = re.sub(r"^(?:辖区|全部|所有|各类)", "", obj)
        if len(obj) < 2 or obj in {"档案", "台账"}:
            continue  # 建立档案目录数据库: whose 档案 is not said, so no rate of it either
        return Mention("action", obj, 0.0, "%", clause, obj + suffix)  # no number: the goal names none
    return None


#: Amounts that are gains for those served, not what the project spends.
_INCOME = re.compile(r"收入|增收|产值|营业额|销售额|利润|效益|节约|节省")


def mention_value(mention: Mention) -> str:
    """The measurable 指标值 a mention states: ≥ for counts and rates, ≤ for amounts.

    Example:
        >>> mention_value(Mention("money", "培训", 600, "元/人/天", "", "培训成本"))
        '≤600元/人/天'
    """
    if mention.kind == "action":
        return "≥【待填：目标值】%"  # the goal names the share, not its size
    comparator = "≤" if mention.kind == "money" and not _INCOME.search(mention.object) else "≥"
    if mention.unit == "%" and comparator == "≥" and mention.number >= 100:
        return "100%"  # "≥100%" cannot be exceeded and "=100%" is not how a table writes it
    return f"{comparator}{format_number(mention.number)}{mention.unit}"


def mention_slot(mention: Mention) -> tuple[str, str]:
    """The (一级, 二级) slot a mention belongs to."""
    if mention.kind == "money":
        if _INCOME.search(mention.object):
            return "效益指标", "经济效益指标"  # 增加脱贫户收入10万元 is a gain, not a cost
        return "产出指标", "成本指标"
    if mention.kind == "action":
        return "效益指标", "社会效益指标"
    if mention.kind == "rate":
        if "满意" in mention.object:
            return "满意度指标", "服务对象满意度指标"
        if re.search(r"(?:及时|按时|时限)", mention.object):
            return "产出指标", "时效指标"
        return "产出指标", "质量指标"
    return "产出指标", "数量指标"


_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?=\s*年)")
_BARE_YEAR = re.compile(r"(?:20\d{2}|19\d{2})\s*年(?:度|内|底|末)?(?:前|内|之前)?(?:完成)?")
_MONTH_ONLY = re.compile(r"^(?:每年)?(\d{1,2})\s*月")


def adapt_deadline(value: str, year: int | None) -> str:
    """Put the project's year into a deadline (2022年12月底前 → 2025年12月底前; 11月底前 → 2025年11月底前).

    Example:
        >>> adapt_deadline("2022年12月底前", 2025), adapt_deadline("11月底前完成", 2025)
        ('2025年12月底前', '2025年11月底前完成')
        >>> adapt_deadline("每年11-12月", 2025), adapt_deadline("2022年12月底前", None)
        ('每年11-12月', '12月底前')
        >>> adapt_deadline("2022年", 2024), adapt_deadline("2022年度", None)
        ('2024年12月底前', '12月底前')
    """
    if _BARE_YEAR.fullmatch(value.strip()):
        return deadline_for(year)  # 2022年 / 2022年度 / 2022年底 is no deadline: write the year's end
    if year is None:
        # unknown year: a past year would be wrong, a bare month reads as "this budget year"
        return re.sub(r"(?<!\d)(?:20\d{2}|19\d{2})\s*年\s*(?=\d)", "", value)
    if _YEAR.search(value):
        return _YEAR.sub(str(year), value)
    if _MONTH_ONLY.match(value) and not value.startswith("每"):
        return f"{year}年{value}"
    return value


def deadline_for(year: int | None, month: int = 12) -> str:
    """The default 时效 value: the end of the project's year (YYYY年12月底前).

    Example:
        >>> deadline_for(2024)
        '2024年12月底前'
    """
    return f"{year}年{month}月底前" if year else f"{month}月底前"


def to_wan(number: float, unit: str | None) -> float | None:
    """An amount in 万元 (None when the unit is not money).

    Example:
        >>> to_wan(48960, "元"), to_wan(0.3, "万元"), to_wan(3, "人")
        (4.896, 0.3, None)
    """
    if not unit:
        return None
    for money, factor in sorted(MONEY_UNITS.items(), key=lambda kv: -len(kv[0])):
        if unit.startswith(money):
            return number * factor
    return None
