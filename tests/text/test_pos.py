"""The goal tagger's trimmed dictionary reads goals' counted objects as the full dictionary does."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from assistant.documents import read_document
from assistant.engines.suggest import adapt
from assistant.text import pos
from assistant.text.tokenizer import default_tokenizer

ROOT = Path(__file__).resolve().parents[2]


def _clauses(paths: list[Path]) -> list[str]:
    """Goals and goal-like clauses (an indicator's name and its numeric value) of real tables."""
    texts: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        projects = [p for path in paths for p in read_document(path)]
    for project in projects:
        texts.append(project.goal or "")
        for indicator in project.indicators:
            if re.search(r"\d", indicator.value or ""):
                texts.append(f"完成{indicator.name}{indicator.value}")
    return [t for t in dict.fromkeys(texts) if t]


def _mentions(texts: list[str]) -> list[list[tuple[str, str, float]]]:
    adapt._mentions.cache_clear()
    return [[(m.kind, m.name, m.number) for m in adapt.extract_mentions(t)] for t in texts]


def _agreement(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> float:
    import jieba.posseg as posseg

    trimmed = _mentions(texts)
    full_tagger = posseg.POSTokenizer(default_tokenizer()._engine())

    def full_cut(text: str) -> tuple[tuple[str, str], ...]:
        pairs = [(p.word, p.flag) for p in full_tagger.cut(text)]
        return tuple((w, "n" if f == "x" and re.search(r"[\u4e00-\u9fff]", w) else f) for w, f in pairs)

    monkeypatch.setattr(adapt, "pos_cut", full_cut)
    full = _mentions(texts)
    assert sum(map(len, full)) > 0.3 * len(texts)  # the texts do state counts
    return sum(a == b for a, b in zip(trimmed, full, strict=True)) / len(texts)


def test_seed_goals_read_as_with_the_full_dictionary(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _clauses(sorted((ROOT / "corpus" / "raw").glob("*.txt")))
    assert len(texts) > 100
    assert _agreement(texts, monkeypatch) >= 0.98


def test_songgang_goals_read_as_with_the_full_dictionary(
    songgang_workbooks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _clauses(songgang_workbooks)
    assert _agreement(texts, monkeypatch) >= 0.98  # measured 0.993 on 1,888 clauses with the pages


def test_trimmed_dictionary_keeps_common_words_rates_and_compounds(tmp_path: Path) -> None:
    path = pos._trimmed_dictionary(tmp_path)
    entries = {line.split()[0]: line.split()[1:] for line in path.read_text(encoding="utf-8").splitlines()}
    assert 120_000 < len(entries) < 200_000  # of jieba's 349k
    assert "正常率" in entries and entries["正常率"][0] == "2"  # a rate, however rare
    assert "城中村" in entries  # a compound used 3 times
    assert "B超" not in entries  # a rare two-character word
    assert pos._trimmed_dictionary(tmp_path) == path  # written once


def test_the_global_posseg_tagger_keeps_the_full_dictionary() -> None:
    import jieba
    import jieba.posseg as posseg

    pos.pos_cut("培训")
    assert posseg.dt.tokenizer is jieba.dt
    # 'B超' has frequency 3: absent from the trimmed table, tagged n by the global tagger
    assert ("B超", "n") in [(p.word, p.flag) for p in posseg.cut("做B超检查")]


def test_project_words_are_one_noun() -> None:
    assert any(line.split()[0] == "党群服务中心" for line in default_tokenizer().user_words)
    assert ("党群服务中心", "n") in pos.pos_cut("新建党群服务中心")  # ours, not in jieba's dictionary


def test_the_global_tagger_tags_from_every_thread_at_once() -> None:
    import threading

    import jieba.posseg as posseg

    pos.pos_cut("培训")
    results: list[list[tuple[str, str]]] = []

    def cut() -> None:
        results.append([(p.word, p.flag) for p in posseg.cut("维修养护农村集中供水工程")])

    threads = [threading.Thread(target=cut) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    assert all(flag != "x" for _, flag in results[0])
    assert posseg.initialize.__self__ is posseg.dt  # posseg.initialize(...) changes the global tagger
