"""Tests of the 指标值 parser: a golden table of hard real cases, property tests, odd inputs, formatting.

Golden cases marked "seed" are cells of the seed documents (corpus/raw) as printed; the others are written
here in the style of the songgang workbooks (their texts stay outside the repository; a separate test
reads them in place).
"""

from __future__ import annotations

import doctest
import math
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assistant.records import values
from assistant.records.schema import ParsedValue
from assistant.records.values import format_value, parse_value

KINDS = {"number", "range", "deadline", "duration", "binary", "qualitative", "empty"}
COMPARATORS = {"≥", "≤", "=", ">", "<", None}
N, R, DL, DU, B, Q, E = "number", "range", "deadline", "duration", "binary", "qualitative", "empty"

# (text, kind, comparator, low, high, unit, flags)
GOLDEN: list[tuple[str, str, str | None, float | None, float | None, str | None, tuple[str, ...]]] = [
    # --- seed: flattened 符号/值/文字 columns (DOUBLED) --------------------------------------------------
    ("≥9090%及以上", N, "≥", 90, None, "%", ("DOUBLED",)),
    ("≥100100%", N, "≥", 100, None, "%", ("DOUBLED",)),
    ("≥9595%以上", N, "≥", 95, None, "%", ("DOUBLED",)),
    ("≥9595%", N, "≥", 95, None, "%", ("DOUBLED",)),
    ("≥8585%及以上", N, "≥", 85, None, "%", ("DOUBLED",)),
    ("≥33次以上", N, "≥", 3, None, "次", ("DOUBLED",)),
    ("≥955个以上", N, "≥", 955, None, "个", ()),  # odd digit run: no sure split, read as written
    ("≥903次及以上", N, "≥", 903, None, "次", ()),
    ("≥33次", N, "≥", 33, None, "次", ()),  # no redundant suffix: 33 may be real
    ("达到1111人以上", N, "≥", 1111, None, "人", ()),  # a word comparator is ordinary redundancy
    ("≥90大于等于90%", N, "≥", 90, None, "%", ("DOUBLED",)),
    ("≥90每月90%以上", N, "≥", 90, None, "%", ("DOUBLED",)),
    ("≥4每年4部电教片及以上", N, "≥", 4, None, "部/年", ("DOUBLED",)),
    ("≥4每月4次以上", N, "≥", 4, None, "次/月", ("DOUBLED",)),
    ("≥3每年3部电教片", N, "≥", 3, None, "部/年", ("DOUBLED",)),
    ("100等于100%", N, "=", 100, None, "%", ("DOUBLED",)),
    ("≥100大于等于90%", N, "≥", 100, None, None, ("MULTI",)),
    (">100大于90%", N, ">", 100, None, None, ("MULTI",)),
    ("≥100按计划完成", N, "≥", 100, None, None, ()),
    ("100有效改善", N, "=", 100, None, None, ()),
    # --- seed: other glitches and glued text ---------------------------------------------------------------
    ("50万%", N, "=", 50, None, "万%", ("UNIT_CONFLICT",)),
    ("党员志愿服务等志愿活动≥1次", N, "≥", 1, None, "次", ()),
    ("1. 开展≥1次联动督导（评估）； 2. 观摩会≥1次； 3. 表彰≥1次。", N, "≥", 1, None, "次", ("MULTI",)),
    ("1. 考评和复核≥1次。 2. 表彰≥1次； 3. 会议、培训≥2次。", N, "≥", 1, None, "次", ("MULTI",)),
    ("1. 开展党建巡察评估≥1次。2. 开展基层党建述职工作≥1次。", N, "≥", 1, None, "次", ("MULTI",)),
    ("培训次数≥4次，培训人数≥600人", N, "≥", 4, None, "次", ("MULTI",)),
    ("会议次数≥2次，参会人数≥200人", N, "≥", 2, None, "次", ("MULTI",)),
    ("对 77 家基层党组织 267 个党支部全覆盖", N, "=", 77, None, "家", ("MULTI",)),
    (
        "驻村工作队成员每天补助50元，电话费每月50元，交通费补助每月200元。",
        N,
        "=",
        50,
        None,
        "元/天",
        ("MULTI",),
    ),
    ("完成全区197个社区换届工作", N, "=", 197, None, "个", ()),
    ("机关有扶贫任务20名同志到村参与扶贫工作", N, "=", 20, None, "名", ()),
    ("考核优秀等次比例不超过总人数的25%", N, "≤", 25, None, "%", ()),
    ("在微信视频号平台播出，观看人数不少于3000", N, "≥", 3000, None, None, ()),
    ("扩大人才工作宣传覆盖面，持续增强人才工作影响力，不少于4次媒体信息发布", N, "≥", 4, None, "次", ()),
    ("新媒体平台发布活动信息、活动预告不少于22次发布", N, "≥", 22, None, "次", ()),
    ("党建指导员人数≤6人", N, "≤", 6, None, "人", ()),
    # --- seed: numbers and units ---------------------------------------------------------------------------
    ("≥99.99%", N, "≥", 99.99, None, "%", ()),
    ("≥100%", N, "≥", 100, None, "%", ()),
    ("100%", N, "=", 100, None, "%", ()),
    ("95%", N, "=", 95, None, "%", ()),
    ("10万", N, "=", 10, None, "万", ()),
    ("500平方米", N, "=", 500, None, "平方米", ()),
    ("1处", N, "=", 1, None, "处", ()),
    ("拟定6次", N, "=", 6, None, "次", ()),
    ("4万元", N, "=", 4, None, "万元", ()),
    ("11.54万元", N, "=", 11.54, None, "万元", ()),
    ("每年申报1次", N, "=", 1, None, "次/年", ()),
    ("平均每月74人次", N, "=", 74, None, "人次/月", ()),
    ("按每月20天", N, "=", 20, None, "天/月", ()),
    ("驻村工作队人员1人", N, "=", 1, None, "人", ()),
    ("10 个", N, "=", 10, None, "个", ()),
    ("50 人次", N, "=", 50, None, "人次", ()),
    ("1 万元每个项目", N, "=", 1, None, "万元/个项目", ()),
    ("1000 人次", N, "=", 1000, None, "人次", ()),
    ("外出培训 1 期", N, "=", 1, None, "期", ()),
    ("2 场次", N, "=", 2, None, "场次", ()),
    ("500 元/人", N, "=", 500, None, "元/人", ()),
    ("10 万元/部", N, "=", 10, None, "万元/部", ()),
    ("200 元/月", N, "=", 200, None, "元/月", ()),
    ("180 节课", N, "=", 180, None, "节课", ()),
    ("8 元/人", N, "=", 8, None, "元/人", ()),
    ("6694 名", N, "=", 6694, None, "名", ()),
    ("5000 人以上", N, "≥", 5000, None, "人", ()),
    ("3000 人以下", N, "≤", 3000, None, "人", ()),
    ("≥100人", N, "≥", 100, None, "人", ()),
    ("3000件", N, "=", 3000, None, "件", ()),
    (">3000件", N, ">", 3000, None, "件", ()),
    ("办结率达100%", N, "≥", 100, None, "%", ()),
    ("组织不少于2场人才活动", N, "≥", 2, None, "场", ()),
    ("大于3000份", N, ">", 3000, None, "份", ()),
    ("开展不少于120场活动", N, "≥", 120, None, "场", ()),
    ("不少于1部党员教育电视片", N, "≥", 1, None, "部", ()),
    ("小于50份", N, "<", 50, None, "份", ()),
    ("大于95%", N, ">", 95, None, "%", ()),
    ("≥2次", N, "≥", 2, None, "次", ()),
    ("≥1", N, "≥", 1, None, None, ()),
    ("2.73", N, "=", 2.73, None, None, ()),
    # --- seed: ranges --------------------------------------------------------------------------------------
    ("5000-10000/人", R, None, 5000, 10000, "/人", ()),
    ("50000-100000/个", R, None, 50000, 100000, "/个", ()),
    ("500-1000 元/人", R, None, 500, 1000, "元/人", ()),
    ("5-10 万/个", R, None, 5, 10, "万/个", ()),
    ("10-50 个", R, None, 10, 50, "个", ()),
    # --- seed: deadlines -----------------------------------------------------------------------------------
    ("2019年12月底前", DL, "≤", 201912, None, "月", ()),
    ("2019年12月底", DL, "≤", 201912, None, "月", ()),
    ("2022 年底", DL, "≤", 2022, None, "年", ()),
    ("2021 年 12 月底", DL, "≤", 202112, None, "月", ()),
    ("2022 年全年", DL, None, 202201, 202212, "月", ()),
    ("1-12 月份", DL, None, 1, 12, "月", ()),
    ("2022年1月至12月", DL, None, 202201, 202212, "月", ()),
    ("2022 年 1 月至 12 月", DL, None, 202201, 202212, "月", ()),
    ("每年11-12月组织申报, 次年发放", DL, None, 11, 12, "月", ("RECURRING",)),
    ("按年度计划年底前 完成", DL, "≤", 12, None, "月", ()),
    ("年底前完成发放", DL, "≤", 12, None, "月", ()),
    ("年度周期内完成", DL, "≤", 12, None, "月", ()),
    ("本年度完成所有任务", DL, "≤", 12, None, "月", ()),
    ("本年内完成", DL, "≤", 12, None, "月", ()),
    ("2022-2022", DL, None, 2022, 2022, "年", ()),
    # --- seed: binary, qualitative, empty ------------------------------------------------------------------
    ("完成", B, None, None, None, None, ()),
    ("达到验收顺利通过", B, None, None, None, None, ()),
    ("完成既定任务", B, None, None, None, None, ()),
    ("完成项目实施", B, None, None, None, None, ()),
    ("质量合格", B, None, None, None, None, ()),
    ("依申报情况定", Q, None, None, None, None, ()),
    ("各阶段按规定时间节点完成", Q, None, None, None, None, ()),
    ("按计划完成", Q, None, None, None, None, ()),
    ("生活水平不断提高", Q, None, None, None, None, ()),
    ("推动党内关爱辅助进一步提升", Q, None, None, None, None, ()),
    ("有所改善", Q, None, None, None, None, ()),
    ("良好", Q, None, None, None, None, ()),
    ("较好", Q, None, None, None, None, ()),
    ("明显", Q, None, None, None, None, ()),
    ("根据工作需要推进落实", Q, None, None, None, None, ()),
    ("及时完成各类信访举报监督事项", Q, None, None, None, None, ()),
    ("困难党员 生活改善", Q, None, None, None, None, ()),
    ("定性", Q, None, None, None, None, ()),
    ("--", E, None, None, None, None, ()),
    ("≥", Q, None, None, None, None, ("NO_NUMBER",)),
    ("%", Q, None, None, None, None, ("NO_NUMBER",)),
    ("=", Q, None, None, None, None, ("NO_NUMBER",)),
    # --- songgang style (written here) ---------------------------------------------------------------------
    ("达到92%以上", N, "≥", 92, None, "%", ()),
    ("达90%以上", N, "≥", 90, None, "%", ()),
    ("满意率达96%", N, "≥", 96, None, "%", ()),
    ("工作正常运转达96%", N, "≥", 96, None, "%", ()),
    ("总成本不超过0.5万元", N, "≤", 0.5, None, "万元", ()),
    ("项目总成本不超66.25万元·", N, "≤", 66.25, None, "万元", ()),
    ("总成本不超不超过41.5万", N, "≤", 41.5, None, "万", ()),
    ("成本不超过过12.5万元", N, "≤", 12.5, None, "万元", ()),
    ("不超过40万一年", N, "≤", 40, None, "万/年", ()),
    ("总成本不超过66.5万元一年", N, "≤", 66.5, None, "万元/年", ()),
    ("每年成本不超过250000元", N, "≤", 250000, None, "元/年", ()),
    ("2024年支付成本不超过120万元", N, "≤", 120, None, "万元", ()),
    ("约2.5万人次", N, "=", 2.5, None, "万人次", ("APPROX",)),
    ("约60人", N, "=", 60, None, "人", ("APPROX",)),
    ("≥96分", N, "≥", 96, None, "分", ()),
    ("达标考核得分85分以上", N, "≥", 85, None, "分", ()),
    ("扣分小于等于2分", N, "≤", 2, None, "分", ()),
    ("大于或等于3份", N, "≥", 3, None, "份", ()),
    ("小于或者等于12万元", N, "≤", 12, None, "万元", ()),
    ("扫描页数大于等于5万页", N, "≥", 5, None, "万页", ()),
    ("≧5场", N, "≥", 5, None, "场", ()),
    ("≦8万", N, "≤", 8, None, "万", ()),
    ("≦30万元/场", N, "≤", 30, None, "万元/场", ()),
    ("≧两场", N, "≥", 2, None, "场", ()),
    ("两栋", N, "=", 2, None, "栋", ()),
    ("四场", N, "=", 4, None, "场", ()),
    ("每季度≧3场", N, "≥", 3, None, "场/季度", ()),
    ("每双月3次", N, "=", 3, None, "次/双月", ()),
    ("每天1次", N, "=", 1, None, "次/天", ()),
    ("每天8个小时", N, "=", 8, None, "小时/天", ()),
    ("少于4次/台机/年", N, "<", 4, None, "次/台机/年", ()),
    ("整理档案不少2000件/年", N, "≥", 2000, None, "件/年", ()),
    ("全年至少提交一件提案", N, "≥", 1, None, "件", ()),
    ("示范基地至少2个", N, "≥", 2, None, "个", ()),
    ("覆盖40个住宅区（城中村）", N, "=", 40, None, "个", ()),
    ("提升30%", N, "=", 30, None, "%", ("CHANGE",)),
    ("事故伤亡率下降15%", N, "=", 15, None, "%", ("CHANGE",)),
    ("隐患降低率15%", N, "=", 15, None, "%", ()),
    ("》85%", N, ">", 85, None, "%", ()),
    ("88\t\n96", N, "=", 88, None, None, ("MULTI",)),
    ("≥85%\t\n≥85%\t\n", N, "≥", 85, None, "%", ("DOUBLED",)),
    ("测绘建筑物300栋或建筑面积约20万平方米", N, "=", 300, None, "栋", ("MULTI",)),
    ("摄像设备共40个；读卡器共300个", N, "=", 40, None, "个", ("MULTI",)),
    ("≥100百分比", N, "≥", 100, None, "%", ("UNIT_WORD",)),
    ("百分之九十五", N, "=", 95, None, "%", ()),
    ("控制在5%以内", N, "≤", 5, None, "%", ()),
    ("≥5以下", N, "≥", 5, None, None, ("CMP_CONFLICT",)),
    ("100左右", N, "=", 100, None, None, ("APPROX",)),
    ("5~10", R, None, 5, 10, None, ()),
    ("5至10个", R, None, 5, 10, "个", ()),
    ("90%-95%", R, None, 90, 95, "%", ()),
    ("5-10万", R, None, 5, 10, "万", ()),
    ("10-5万", R, None, 5, 10, "万", ("REVERSED",)),
    ("2036.9-2037%", R, None, 2036.9, 2037, "%", ()),  # a year-like number with a unit is no date
    ("2019.5-2020人次", R, None, 2019.5, 2020, "人次", ()),
    ("0-2036.9户", R, None, 0, 2036.9, "户", ()),
    ("3个工作日", DU, "=", 3, None, "工作日", ()),
    ("审批不超15个工作日", DU, "≤", 15, None, "工作日", ()),
    ("自收到通知之日起五个工作日内办结", DU, "≤", 5, None, "工作日", ()),
    ("半小时内", DU, "≤", 0.5, None, "小时", ()),
    ("4个小时内", DU, "≤", 4, None, "小时", ()),
    ("三小时内", DU, "≤", 3, None, "小时", ()),
    ("两小时之内", DU, "≤", 2, None, "小时", ()),
    ("小于或等于8小时", DU, "≤", 8, None, "小时", ()),
    ("<3小时", DU, "<", 3, None, "小时", ()),
    ("≤2小时", DU, "≤", 2, None, "小时", ()),
    ("30天内", DU, "≤", 30, None, "天", ()),
    ("30日内", DU, "≤", 30, None, "天", ()),
    ("15天以内", DU, "≤", 15, None, "天", ()),
    ("一周内", DU, "≤", 1, None, "周", ()),
    ("3个月内归档", DU, "≤", 3, None, "月", ()),
    ("12个月", DU, "=", 12, None, "月", ()),
    ("1年", DU, "=", 1, None, "年", ()),
    ("8个月，40个边坡巡查", DU, "=", 8, None, "月", ("MULTI",)),
    ("一般故障20分钟内响应，重大故障2小时内到场", DU, "≤", 20, None, "分钟", ("MULTI",)),
    ("2024年11月30日前", DL, "≤", 20241130, None, "日", ()),
    ("2022年12月31日前", DL, "≤", 20221231, None, "日", ()),
    ("后勤服务2024年12月31日之前", DL, "≤", 20241231, None, "日", ()),
    ("2024年12月前", DL, "<", 202412, None, "月", ()),
    ("在2024年6月之前出具报告", DL, "<", 202406, None, "月", ()),
    ("2024年11月底前", DL, "≤", 202411, None, "月", ()),
    ("2024年11月", DL, "=", 202411, None, "月", ()),
    ("2013年12月31日", DL, "=", 20131231, None, "日", ()),
    ("2024/10/31", DL, "=", 20241031, None, "日", ()),
    ("2024-10-31", DL, "=", 20241031, None, "日", ()),
    ("10月底前完成", DL, "≤", 10, None, "月", ()),
    ("12月底", DL, "≤", 12, None, "月", ()),
    ("10月前", DL, "<", 10, None, "月", ()),
    ("当年12月之前", DL, "<", 12, None, "月", ()),
    ("10月份完成验收", DL, "=", 10, None, "月", ()),
    ("11月30日前完成", DL, "≤", 1130, None, "日", ()),
    ("每年9月前", DL, "<", 9, None, "月", ("RECURRING",)),
    ("每年10月31日前", DL, "≤", 1031, None, "日", ("RECURRING",)),
    ("每月20日前报送", DL, "≤", 20, None, "日", ("RECURRING",)),
    ("每月10号前报送", DL, "≤", 10, None, "日", ("RECURRING",)),
    ("每年年底", DL, "≤", 12, None, "月", ("RECURRING",)),
    ("每月月底", DL, "≤", None, None, "月", ("RECURRING",)),
    ("每天早上七点半前送达", DL, "≤", 7.5, None, "时", ("RECURRING",)),
    ("下午5点前", DL, "≤", 17, None, "时", ()),
    ("2024年全年", DL, None, 202401, 202412, "月", ()),
    ("2024年1月1日至2024年12月31日", DL, None, 20240101, 20241231, "日", ()),
    ("2022-2024年", DL, None, 2022, 2024, "年", ()),
    ("不晚于2024年6月30日", DL, "≤", 20240630, None, "日", ()),
    ("2024年6月中旬前", DL, "≤", 20240620, None, "日", ()),
    ("年终完成支出进度", DL, "≤", 12, None, "月", ()),
    ("不跨年度完成", DL, "≤", 12, None, "月", ()),
    ("上一年的档案当年整理完", DL, "≤", 12, None, "月", ()),
    ("年内", DL, "≤", 12, None, "月", ()),
    ("本年度", DL, "≤", 12, None, "月", ()),
    ("上半年", DL, "≤", 6, None, "月", ()),
    ("下半年", DL, None, 7, 12, "月", ()),
    ("第三季度", DL, "≤", 9, None, "月", ()),
    ("已完成", B, None, None, None, None, ()),
    ("全部完成", B, None, None, None, None, ()),
    ("按期完成", B, None, None, None, None, ()),
    ("通过验收", B, None, None, None, None, ()),
    ("验收合格", B, None, None, None, None, ()),
    ("达标", B, None, None, None, None, ()),
    ("合格\t\t", B, None, None, None, None, ()),
    ("食材质量合格", B, None, None, None, None, ()),
    ("安全巡查符合规范", B, None, None, None, None, ()),
    ("档案整理规范合规", B, None, None, None, None, ()),
    ("培训全覆盖", B, None, None, None, None, ()),
    ("是", B, None, None, None, None, ()),
    ("有", B, None, None, None, None, ()),
    ("否", B, None, None, None, None, ()),
    ("按时完成", Q, None, None, None, None, ()),
    ("完成及时", Q, None, None, None, None, ()),
    ("尽量全覆盖", Q, None, None, None, None, ()),
    ("基本满意", Q, None, None, None, None, ()),
    ("基本合格", Q, None, None, None, None, ()),
    ("相对减少", Q, None, None, None, None, ()),
    ("得到提高", Q, None, None, None, None, ()),
    ("培训获合格证书", Q, None, None, None, None, ()),
    ("工程类和服务类两大类等", Q, None, None, None, None, ()),
    ("打造一支高素质队伍", Q, None, None, None, None, ()),
    ("不适用", E, None, None, None, None, ("NA",)),
    ("不适用\t\n", E, None, None, None, None, ("NA",)),
    ("不适应", E, None, None, None, None, ("NA",)),
    ("无", E, None, None, None, None, ()),
    ("/", E, None, None, None, None, ()),
    ("-", E, None, None, None, None, ()),
    ("—", E, None, None, None, None, ()),
    ("------", E, None, None, None, None, ()),
    ("", E, None, None, None, None, ()),
]


def _fields(p: ParsedValue) -> tuple[object, ...]:
    return (p.kind, p.comparator, p.low, p.high, p.unit, p.flags)


@pytest.mark.parametrize(("text", "kind", "comparator", "low", "high", "unit", "flags"), GOLDEN)
def test_golden(text, kind, comparator, low, high, unit, flags):
    low = float(low) if low is not None else None
    high = float(high) if high is not None else None
    assert _fields(parse_value(text)) == (kind, comparator, low, high, unit, tuple(sorted(flags)))


def test_golden_table_is_large_and_distinct():
    texts = [row[0] for row in GOLDEN]
    assert len(texts) >= 120
    assert len(set(texts)) == len(texts)


# --- odd inputs: full-width, empty, one character, mixed English ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("＞＝95％", ("number", "≥", 95.0, None, "%", ())),
        ("≥ １００ ％", ("number", "≥", 100.0, None, "%", ())),
        ("＜＝３０万元", ("number", "≤", 30.0, None, "万元", ())),
        ("≦３个工作日", ("duration", "≤", 3.0, None, "工作日", ())),
        ("１２０人次", ("number", "=", 120.0, None, "人次", ())),
        ("２０２４年１２月底前", ("deadline", "≤", 202412.0, None, "月", ())),
        ("５～１０万元", ("range", None, 5.0, 10.0, "万元", ())),
        ("1,000人", ("number", "=", 1000.0, None, "人", ())),
        ("\u3000９５％\u3000", ("number", "=", 95.0, None, "%", ())),
        ("①开展≥2次", ("number", "≥", 2.0, None, "次", ())),
        ("   ", ("empty", None, None, None, None, ())),
        ("\n\t", ("empty", None, None, None, None, ())),
        ("5", ("number", "=", 5.0, None, None, ())),
        ("个", ("qualitative", None, None, None, None, ("NO_NUMBER",))),
        ("年", ("qualitative", None, None, None, None, ("NO_NUMBER",))),
        ("良", ("qualitative", None, None, None, None, ())),
        ("N/A", ("empty", None, None, None, None, ("NA",))),
        ("n/a", ("empty", None, None, None, None, ("NA",))),
        ("null", ("empty", None, None, None, None, ())),
        ("TBD", ("qualitative", None, None, None, None, ())),
        ("≥95% satisfaction", ("number", "≥", 95.0, None, "%", ())),
        ("AI设备共37个", ("number", "=", 37.0, None, "个", ())),
        ("100m", ("number", "=", 100.0, None, "m", ())),
        (">= 90 %", ("number", "≥", 90.0, None, "%", ())),
        ("<=2h", ("number", "≤", 2.0, None, None, ())),
    ],
)
def test_odd_inputs(text, expected):
    assert _fields(parse_value(text)) == expected


@pytest.mark.parametrize("text", [None, 95, 0.5, b"95%", ["≥95%"], object()])
def test_non_string_input_never_raises(text):
    parsed = parse_value(text)  # type: ignore[arg-type]
    assert parsed.kind in KINDS
    assert "PARSE_ERROR" not in parsed.flags


@pytest.mark.parametrize(
    "parsed",
    [
        ParsedValue(kind="number", comparator="≥", low=float("nan"), unit="%"),
        ParsedValue(kind="range", low=1.0, high=float("inf")),
        ParsedValue(kind="deadline", comparator="≤", low=float("inf"), unit="月"),
        ParsedValue(kind="duration", comparator=None, low=None, unit="天"),
    ],
)
def test_format_value_of_broken_records_is_empty(parsed):
    assert format_value(parsed) == ""


def test_none_and_number_input():
    assert parse_value(None) == ParsedValue(kind="empty")
    assert _fields(parse_value(95)) == ("number", "=", 95.0, None, None, ())


def test_long_text_is_parsed_from_its_start():
    text = "培训不少于3次，" + "说明文字" * 2000
    assert _fields(parse_value(text)) == ("number", "≥", 3.0, None, "次", ())


# --- properties ------------------------------------------------------------------------------------------

VALUE_ALPHABET = list("0123456789.%-~/,;、 ") + [
    *"至年月日号底前内以上下≥≤<>=万元人次个工作小时天周一二两三十半每约不超过少于达到全度当本点早",
    "＞＝",
    "≧",
    "不适用",
    "及以上",
    "百分比",
    "个工作日",
]


def _assert_valid(parsed: ParsedValue) -> None:
    assert parsed.kind in KINDS
    assert parsed.comparator in COMPARATORS
    assert isinstance(parsed.flags, tuple) and all(isinstance(f, str) for f in parsed.flags)
    assert "PARSE_ERROR" not in parsed.flags
    for number in (parsed.low, parsed.high):
        assert number is None or (isinstance(number, float) and math.isfinite(number))
    if parsed.low is not None and parsed.high is not None:
        assert parsed.low <= parsed.high
    if parsed.kind in ("number", "range", "duration"):
        assert parsed.low is not None
    if parsed.kind == "range":
        assert parsed.high is not None
    if parsed.kind in ("binary", "qualitative", "empty"):
        assert parsed.low is None and parsed.high is None and parsed.comparator is None


@settings(max_examples=250, deadline=None)
@given(st.text())
def test_any_text_never_raises(text):
    _assert_valid(parse_value(text))
    assert isinstance(format_value(parse_value(text)), str)


@settings(max_examples=250, deadline=None)
@given(st.lists(st.sampled_from(VALUE_ALPHABET), max_size=14).map("".join))
def test_value_like_text_never_raises(text):
    _assert_valid(parse_value(text))
    assert isinstance(format_value(parse_value(text)), str)


# --- formatting and round trips ----------------------------------------------------------------------------

CLEAR_KINDS = ("number", "range", "duration", "deadline")
GLITCHES = {"DOUBLED", "MULTI", "UNIT_CONFLICT", "CMP_CONFLICT", "UNIT_WORD", "REVERSED"}


def _same_reading(a: ParsedValue, b: ParsedValue) -> bool:
    return (a.kind, a.comparator, a.low, a.high, a.unit) == (b.kind, b.comparator, b.low, b.high, b.unit)


@pytest.mark.parametrize(
    "text", [row[0] for row in GOLDEN if row[1] in CLEAR_KINDS and not set(row[6]) & GLITCHES]
)
def test_format_round_trip_on_golden(text):
    parsed = parse_value(text)
    again = parse_value(format_value(parsed))
    assert _same_reading(parsed, again), (format_value(parsed), again)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("达到95%以上", "≥95%"),
        ("不超过28万元", "≤28万元"),
        ("100%", "100%"),
        ("约60人", "约60人"),
        ("3个工作日内", "≤3个工作日"),
        ("半小时内", "≤0.5小时"),
        ("3个月内归档", "≤3个月"),
        ("5000-10000元/人", "5000-10000元/人"),
        ("2023年12月底", "2023年12月底前"),
        ("2023年12月前", "2023年12月前"),
        ("2022年12月31日前", "2022年12月31日前"),
        ("2022 年底", "2022年底前"),
        ("年底前完成", "12月底前"),
        ("每年11-12月组织申报", "每年11-12月"),
        ("2022年1月至12月", "2022年1月至2022年12月"),
        ("每月20日前报送", "每月20日前"),
        ("每天早上七点半前送达", "每天7点半前"),
        ("每月月底", "每月月底前"),
        ("验收合格", "完成"),
        ("明显提升", ""),
        ("不适用", ""),
        ("0.054万元", "0.054万元"),
        ("1-3个月", "1-3个月"),
    ],
)
def test_format_value(text, canonical):
    assert format_value(parse_value(text)) == canonical


UNITS = [
    "%",
    "人",
    "人次",
    "次",
    "个",
    "件",
    "户",
    "万元",
    "元",
    "元/人",
    "万元/个",
    "元/月",
    "平方米",
    "场",
    "期",
    "篇",
    "家",
    None,
]
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**9).map(float),
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False).map(float),
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["≥", "≤", "=", ">", "<"]),
    NUMBERS,
    st.sampled_from(UNITS),
)
def test_number_round_trip(comparator, low, unit):
    if unit == "%":
        low = min(low, 100.0)  # a percentage above 100 with equal halves reads DOUBLED by design
    parsed = ParsedValue(kind="number", comparator=comparator, low=low, unit=unit)
    assert _same_reading(parse_value(format_value(parsed)), parsed), format_value(parsed)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["≥", "≤", "=", "<"]),
    st.integers(min_value=1, max_value=999).map(float),
    st.sampled_from(["工作日", "小时", "分钟", "天", "周", "月", "年"]),
)
def test_duration_round_trip(comparator, low, unit):
    parsed = ParsedValue(kind="duration", comparator=comparator, low=low, unit=unit)
    assert _same_reading(parse_value(format_value(parsed)), parsed), format_value(parsed)


@settings(max_examples=200, deadline=None)
@given(NUMBERS, NUMBERS, st.sampled_from(UNITS))
def test_range_round_trip(a, b, unit):
    low, high = sorted((a, b))
    # a bare "2022-2023" is a span of years by design (parse_value reads it as a deadline window)
    assume(unit or not all(x.is_integer() and 1900 <= x <= 2099 for x in (low, high)))
    parsed = ParsedValue(kind="range", low=low, high=high, unit=unit)
    assert _same_reading(parse_value(format_value(parsed)), parsed), format_value(parsed)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1990, max_value=2099),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=28),
    st.sampled_from(["年", "月", "日", "月-noyear", "日-noyear"]),
    st.sampled_from(["≤", "<", "=", "≥", ">"]),
)
def test_deadline_round_trip(year, month, day, granularity, comparator):
    low = {
        "年": year,
        "月": year * 100 + month,
        "日": year * 10000 + month * 100 + day,
        "月-noyear": month,
        "日-noyear": month * 100 + day,
    }[granularity]
    parsed = ParsedValue(kind="deadline", comparator=comparator, low=float(low), unit=granularity[0])
    assert _same_reading(parse_value(format_value(parsed)), parsed), format_value(parsed)


# --- real data and docs ------------------------------------------------------------------------------------


def _seed_cells(seeds_dir: Path) -> list[str]:
    return [
        cell
        for p in sorted(seeds_dir.glob("*.txt"))
        for line in p.read_text("utf-8").splitlines()
        for cell in line.split("\t")
    ]


def test_every_seed_cell_parses(seeds_dir):
    cells = _seed_cells(seeds_dir)
    assert len(cells) > 1000
    for cell in cells:
        _assert_valid(parse_value(cell))


def _songgang_values(workbooks: list[Path]) -> list[str]:
    import openpyxl

    out: list[str] = []
    for path in workbooks:
        book = openpyxl.load_workbook(path, read_only=True)
        for sheet in book.worksheets:
            column = None
            for row in sheet.iter_rows(values_only=True):
                if column is None:
                    heads = [str(c).strip() if c is not None else "" for c in row]
                    column = next((i for i, h in enumerate(heads) if h in ("目标值", "指标值")), None)
                elif column < len(row) and row[column] is not None:
                    out.append(str(row[column]))
        book.close()
    return out


@pytest.mark.slow
def test_songgang_values_parse_sensibly(songgang_workbooks):
    found = _songgang_values(songgang_workbooks)
    assert len(found) > 1000
    for text in found:
        _assert_valid(parse_value(text))
    with_percent = [t for t in found if "%" in t and any(ch.isdigit() for ch in t)]
    assert with_percent and all(parse_value(t).unit == "%" for t in with_percent)
    money = [t for t in found if "不超过" in t and "万" in t]
    assert money and all(
        parse_value(t).comparator == "≤" and "万" in (parse_value(t).unit or "") for t in money
    )
    na = [t for t in found if t.strip() == "不适用"]
    assert na and all(parse_value(t).flags == ("NA",) for t in na)


def test_docstring_examples():
    result = doctest.testmod(values, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5 and result.failed == 0


@pytest.mark.parametrize(
    ("text", "low", "unit", "comparator"),
    [
        ("1种", 1.0, "种", "="),
        ("60具", 60.0, "具", "="),
        ("200斤", 200.0, "斤", "="),
        ("⩾95%", 95.0, "%", "≥"),
    ],
)
def test_count_and_weight_units_people_write(text: str, low: float, unit: str, comparator: str) -> None:
    parsed = parse_value(text)
    assert (parsed.kind, parsed.low, parsed.unit, parsed.comparator) == ("number", low, unit, comparator)


def test_a_rate_per_population_has_its_unit():
    assert parse_value("≤12/10万").unit == "/10万" and parse_value("≤12/10万").flags == ()
    assert parse_value("2批次/千人").unit == "批次/千人"
