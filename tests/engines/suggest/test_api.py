"""The notebook function: one shared engine per store, plain arguments in, suggestions out."""

from __future__ import annotations

from assistant.engines.suggest import api
from assistant.engines.suggest.corpus import slot_group
from assistant.store.database import Store

from .fakes import training_projects


def test_suggest_function_shares_one_engine(tmp_path):
    Store.open(tmp_path).add_projects(training_projects())
    rows = api.suggest("路灯维护经费", goal="维护路灯500盏", budget_wan=20, year=2025, store=tmp_path)
    assert {slot_group(s.level2) for s in rows} >= {"数量", "质量", "时效", "成本", "效益", "满意度"}
    assert any(s.value == "≥500盏" for s in rows)
    assert api.default_suggester(tmp_path) is api.default_suggester(tmp_path)
    assert len(api.suggest("路灯维护经费", budget_wan=20, k=2, store=tmp_path)) == 2
