"""What a project's name and goal say about it: the main object and activity, the main count, and
who benefits (and how many) — the facts library templates are filled with.

Pure functions of strings (the part-of-speech tokenizer of :mod:`.adapt` aside), tested exactly.

Example:
    >>> facts = read_goal("农村饮水安全工程维修养护", "维修养护农村集中供水工程15处，保障3.2万农村人口饮水安全")
    >>> facts.object, facts.activity, facts.count.number, facts.count.unit
    ('农村集中供水工程', '维修养护', 15.0, '处')
    >>> facts.beneficiaries, facts.beneficiary_count, facts.beneficiary_unit
    ('农村人口', 32000.0, '人')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .adapt import AGE, Mention, extract_mentions

#: Activities that open a goal's object phrase (longest first when matching).
ACTIVITIES = tuple(
    sorted(
        """维修养护 维修改造 提升改造 改造提升 升级改造 日常养护 上门服务 技能培训 业务培训 能力提升 宣传教育
        维修 养护 修缮 改造 新建 建设 扩建 培训 轮训 采购 购置 购买 安装 更新 举办 开展 组织 实施 发放 补助 资助
        补贴 救助 慰问 治理 整治 清运 清理 保洁 检测 抽检 监测 巡查 巡检 检查 督查 接种 体检 筛查 宣传 修复 种植
        造林 绿化 管护 编制 印制 出版 整理 数字化 征集 修订 运维 运行维护 演出 展览 放映 赛事 救治 安置 帮扶
        走访 排查 执法 调解 评估 核查 审计 普查 调查""".split(),
        key=len,
        reverse=True,
    )
)
#: Activities whose counted people are the ones served (培训 teachers, 慰问 veterans); hired or
#: managed people (聘用护林员) are not beneficiaries.
SERVING = frozenset(
    "培训 轮训 技能培训 业务培训 慰问 救助 资助 补助 补贴 帮扶 体检 接种 筛查 上门服务 走访 安置 救治 发放".split()
)
#: Who benefits: a group noun, read with the number before it (3.2万农村人口, 200名老人).
_GROUPS = (
    "农村人口|人口|群众|居民|村民|市民|农户|脱贫户|低收入人口|老人|老年人|高龄老人|失能老人|儿童|留守儿童|学生|幼儿|"
    "教师|患者|孕产妇|残疾人|职工|员工|干部|党员|企业|经营主体|游客|读者|观众|运动员|妇女|青少年|退役军人|"
    "困难群众|特困人员|低保对象|家庭|户籍人口|常住人口|服务对象|参训人员|学员"
)
_GROUP_RE = re.compile(_GROUPS)
_VERB_BEFORE_PEOPLE = re.compile(
    r"^(?:提高|加强|促进|提升|增强|保障|帮助|帮扶|关爱|慰问|资助|覆盖|惠及|服务|解决|满足|改善|引导|组织|动员|为|对|向|给|让|使)+"
)


def same_people(template_name: str, beneficiaries: str) -> bool:
    """Whether a people count named in a template (受益学生人数) can be the goal's beneficiaries:
    a template naming no group, or naming one the goal's beneficiaries include.

    Example:
        >>> same_people("受益学生人数", "中小学教师"), same_people("受益{服务对象}人数", "中小学教师")
        (False, True)
    """
    named = _GROUP_RE.findall(re.sub(r"\{[^}]*\}", "", template_name))
    who = _same_group(beneficiaries)
    return not named or any(_same_group(group) in who for group in named)


#: Group words that name the same people (老人 / 老年人, 群众 / 居民).
_SYNONYMS = {"老年人": "老人", "居民": "群众", "村民": "群众", "市民": "群众"}


def _same_group(text: str) -> str:
    for word, same in _SYNONYMS.items():
        text = text.replace(word, same)
    return text


_BENEFIT_RE = re.compile(
    r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)(?![\d.]|\s*(?:周?岁|[-~～—至到]\s*\d|[型类级期号]))\s*(?P<mult>万|千)?\s*(?P<unit>名|人次|人|户|位|家|个)?"
    r"(?P<who>(?:" + AGE + r")?[\u4e00-\u9fff、]{0,10}?(?:" + _GROUPS + r"))"
)
_FOR_RE = re.compile(r"为(?P<who>[\u4e00-\u9fff、\d.万名]{2,20}?)提供(?P<what>[\u4e00-\u9fff]{2,12})")
_NAME_SUFFIX = re.compile(r"(?:项目|专项|资金|经费|补助|补贴|工作|费用|支出|专项资金|工作经费|补助资金)+$")
#: What 为…提供 gives when it is a quality, not an activity (更好的生活环境, 良好环境).
_NO_ACTIVITY = re.compile(r"的|^(?:更|良好|优质|优良|舒适|便利|便捷|有力|坚强)")
_LEADING = re.compile(r"^(?:辖区|全县|全市|全区|全镇|全省|本县|本市|本区|各类|全部|所有)")


@dataclass(frozen=True, slots=True)
class GoalFacts:
    """The object, activity and numbers a draft's name and goal state."""

    object: str  # 农村集中供水工程 ("" when nothing can be read)
    activity: str  # 维修养护
    count: Mention | None  # the first count the goal states (15处)
    beneficiaries: str  # 农村人口 ("" when the goal names nobody)
    beneficiary_count: float | None = None
    beneficiary_unit: str = "人"
    beneficiary_span: str = ""
    mentions: tuple[Mention, ...] = ()


def split_activity(phrase: str) -> tuple[str, str]:
    """(activity, object) of a phrase that starts or ends with an activity.

    Example:
        >>> split_activity("维修养护农村集中供水工程"), split_activity("中小学教师培训")
        (('维修养护', '农村集中供水工程'), ('培训', '中小学教师'))
    """
    phrase = _LEADING.sub("", phrase)
    for verb in ACTIVITIES:
        if phrase.startswith(verb) and len(phrase) > len(verb) + 1:
            return verb, _LEADING.sub("", phrase[len(verb) :])
    for verb in ACTIVITIES:
        if phrase.endswith(verb) and len(phrase) > len(verb) + 1:
            return verb, phrase[: -len(verb)]
    return "", phrase


def _people(phrase: str) -> str:
    """The group a phrase names, without the verb or preposition before it (提高科级干部 → 科级干部,
    加强对基层党员 → 基层党员; 高龄、失能老人 stays)."""
    rest = _VERB_BEFORE_PEOPLE.sub("", phrase)
    return rest if len(rest) >= 2 and _GROUP_RE.search(rest) else phrase  # 服务对象 keeps its 服务


def _beneficiaries(text: str) -> tuple[str, float | None, str, str]:
    for match in _BENEFIT_RE.finditer(text):
        number = float(match.group("num"))
        multiplier = {"万": 10_000.0, "千": 1_000.0}.get(match.group("mult") or "", 1.0)
        unit = match.group("unit") or ("户" if match.group("who").endswith("户") else "人")
        if unit in {"名", "位", "个"}:
            unit = "人" if unit != "个" else "个"
        who = _people(_LEADING.sub("", match.group("who")).strip("、"))
        if len(who) >= 2:
            return who, number * multiplier, unit, match.group(0)
    served = _FOR_RE.search(text)
    if served:
        who = re.sub(r"^[\d.万]+[名位户]?", "", _LEADING.sub("", served.group("who")))
        return who.strip("、"), None, "人", served.group(0)
    return "", None, "人", ""


def read_goal(name: str, goal: str | None) -> GoalFacts:
    """The :class:`GoalFacts` of a draft (from the goal first, the name when the goal says nothing)."""
    text = unicodedata.normalize("NFKC", goal or "")
    mentions = tuple(extract_mentions(text))
    count = next((m for m in mentions if m.kind == "count" and m.unit not in {"人", "人次", "名"}), None)
    count = count or next((m for m in mentions if m.kind == "count"), None)
    activity, obj = split_activity(count.object) if count else ("", "")
    who, how_many, unit, span = _beneficiaries(text)
    if not obj or len(obj) < 2:
        stem = _NAME_SUFFIX.sub("", unicodedata.normalize("NFKC", name))
        activity_from_name, obj = split_activity(stem)
        activity = activity or activity_from_name
    if not activity:
        match = _FOR_RE.search(text)
        if match:
            # 提供法律援助, 提供助餐服务及文体活动 (the first); 提供更好的生活环境 names no activity
            what = re.split(r"[和及与、]", match.group("what"))[0]
            activity = split_activity(what)[0] or ("" if _NO_ACTIVITY.search(what) else what)
    if count is not None and count.unit in {"人", "人次", "名"} and not who and activity in SERVING:
        # 培训中小学教师800人次: the people counted are the ones served (聘用护林员 are not)
        who, how_many, unit, span = obj, count.number, "人" if count.unit == "名" else count.unit, count.span
    return GoalFacts(obj, activity, count, who, how_many, unit, span, mentions)
