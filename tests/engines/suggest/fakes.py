"""Fakes for the suggest engine tests: a keyword one-hot embedder, a strict reviewer, a small corpus."""

from __future__ import annotations

import numpy as np

from assistant.records.build import make_indicator
from assistant.records.schema import Indicator, IndicatorReview, Project, Reason

KEYWORDS = ("培训", "党员", "食堂", "饭堂", "用餐", "路灯", "维护", "满意", "社区", "档案")


class KeywordEmbedder:
    """One dimension per keyword (plus a bias dimension), L2-normalised: predictable similarities."""

    name = "keyword-one-hot"
    dimension = len(KEYWORDS) + 1

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for j, word in enumerate(KEYWORDS):
                if word in text:
                    out[i, j] = 1.0
            out[i, -1] = 0.1
        return out / np.linalg.norm(out, axis=1, keepdims=True)


VAGUE_WORDS = ("明显", "提高", "提升", "良好", "及时", "较好", "得到")


class StrictReviewer:
    """Clear only when the value has a digit or is a known binary state and no vague word."""

    def __init__(self) -> None:
        self.seen: list[Indicator] = []

    def review_indicator(self, indicator: Indicator, project: Project | None = None) -> IndicatorReview:
        self.seen.append(indicator)
        value = indicator.value
        vague = any(w in value for w in VAGUE_WORDS) or not (
            any(ch.isdigit() for ch in value) or value in {"完成", "通过验收"}
        )
        if vague:
            reason = Reason("DEGREE", "value", 0, len(value), "指标值不可衡量")
            return IndicatorReview(indicator, "vague", 20, "block", (reason,), None)
        return IndicatorReview(indicator, "clear", 95, "ok")


def project(
    name: str, goal: str, budget: float, rows: list[tuple[str, str, str, str]], year: int = 2023
) -> Project:
    indicators = tuple(
        make_indicator(l1, l2, n, v, location=f"行 {i}") for i, (l1, l2, n, v) in enumerate(rows, 1)
    )
    return Project(
        name=name, goal=goal, budget_wan=budget, year=year, indicators=indicators, source=f"{name}.xlsx"
    )


def training_projects() -> list[Project]:
    """Three training projects, two canteen projects, a street-light project and an archive one."""
    training = [
        ("产出指标", "数量指标", "培训人次", "≥100人次"),
        ("产出指标", "质量指标", "培训合格率", "≥95%"),
        ("产出指标", "时效指标", "培训完成时间", "2023年12月底前"),
        ("产出指标", "成本指标", "培训总成本", "≤10万元"),
        ("效益指标", "社会效益指标", "党员党性修养", "明显提高"),
        ("满意度指标", "服务对象满意度指标", "参训学员满意度", "≥90%"),
    ]
    canteen = [
        ("产出指标", "数量指标", "社区饭堂数量", "1处"),
        ("产出指标", "质量指标", "食堂服务质量", "90%以上"),
        ("产出指标", "时效指标", "保障工作人员用餐的及时性", "3个小时内"),
        ("产出指标", "成本指标", "总成本", "不超过50万元"),
        ("效益指标", "社会效益指标", "用餐环境改善", "明显"),
        ("满意度指标", "服务对象满意度指标", "工作人员对饭堂满意度", "95%"),
    ]
    lights = [
        ("产出指标", "数量指标", "路灯维护盏数", "500盏"),
        ("产出指标", "质量指标", "亮灯率", "≥98%"),
        ("产出指标", "时效指标", "故障维修时限", "≤24小时"),
        ("产出指标", "成本指标", "路灯维护成本", "≤30万元"),
        ("效益指标", "社会效益指标", "夜间出行安全", "良好"),
        ("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%"),
    ]
    archive = [
        ("产出指标", "数量指标", "档案整理数量", "≥2000份"),
        ("产出指标", "质量指标", "档案归档准确率", "≥98%"),
        ("产出指标", "时效指标", "档案整理完成时间", "2023年11月底前"),
        ("产出指标", "成本指标", "档案整理成本", "≤5万元"),
        ("效益指标", "社会效益指标", "档案查阅便利度", "≥90%"),
        ("满意度指标", "服务对象满意度指标", "查档群众满意度", "≥95%"),
    ]
    return [
        project("党员教育培训经费", "开展党员培训2期，培训党员200人次", 10, training),
        project("村干部培训经费", "组织村干部培训1期50人", 8, training[:4] + training[5:]),
        project("党员干部培训专项", "党员干部轮训", 12, training),
        project("社区工作站管理经费（东方社区）", "为工作人员提供伙食保障，社区食堂正常运转", 50, canteen),
        project("社区工作站经费（松涛社区）", "保障社区饭堂用餐", 60, canteen),
        project("路灯维护经费", "辖区路灯维护", 30, lights),
        project("档案管理经费", "档案整理与数字化", 5, archive),
    ]
