"""The one text-normalisation module: golden Chinese cases and the length-preserving fold."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.text.normalise import char_bigrams, compact, fold_width, gram_set, han_bigrams, normalise_text


@given(st.text())
def test_fold_width_keeps_every_index(text: str) -> None:
    assert len(fold_width(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "folded"),
    [("", ""), ("≧９５％", "≥95%"), ("ＡＢｃ１０", "ABc10"), ("a\nb\x00c", "a b c"), ("满\u3000意", "满 意")],
)
def test_fold_width(text: str, folded: str) -> None:
    assert fold_width(text) == folded


def test_normalise_text_is_nfkc_and_casefolded() -> None:
    assert normalise_text("ＬＥＤ灯１０盏") == "led灯10盏"
    assert normalise_text("") == ""


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("培训 （线上）、人次", "培训线上人次"),
        ("【社区】“饭堂”《方案》_一/二—三", "社区饭堂方案一二三"),
        ("≥1.5万元", "≥1.5万元"),  # the decimal point stays: 1.5 and 15 differ
        ("", ""),
    ],
)
def test_compact(text: str, key: str) -> None:
    assert compact(text) == key


def test_bigrams() -> None:
    assert char_bigrams("培训人次") == ["培训", "训人", "人次"]
    assert char_bigrams("培") == [] and char_bigrams("") == []
    assert gram_set("灯") == {"灯"} and gram_set("") == frozenset() and gram_set("，") == frozenset()
    assert gram_set("LED灯") == {"LE", "ED", "D灯"}
    assert han_bigrams("LED灯具") == {"灯具"} and han_bigrams("灯") == frozenset()
    assert han_bigrams("培训a人次") == {"培训", "训人", "人次"}  # a skipped character does not break a pair
