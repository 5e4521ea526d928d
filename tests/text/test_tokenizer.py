"""The jieba tokenizer component: our dictionary, stop words, offsets, fingerprint, private instance."""

from __future__ import annotations

import jieba
import pytest

from assistant.text.normalise import normalise_text
from assistant.text.tokenizer import Tokenizer, default_tokenizer


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory: pytest.TempPathFactory) -> Tokenizer:
    return Tokenizer(cache_directory=tmp_path_factory.mktemp("jieba-cache"))


def test_domain_words_stay_whole(tokenizer: Tokenizer) -> None:
    assert tokenizer.cut("资金发放及时率") == ["资金", "发放", "及时率"]
    assert "培训人次" in tokenizer.cut("党员培训人次≥100人次")
    assert tokenizer.cut("不适用") == ["不适用"]


def test_cut_drops_punctuation_stop_words_and_spaces(tokenizer: Tokenizer) -> None:
    assert tokenizer.cut("困难党员的关爱、帮扶 覆盖率！") == ["困难", "党员", "关爱", "帮扶", "覆盖率"]


def test_search_mode_adds_sub_words(tokenizer: Tokenizer) -> None:
    words = tokenizer.cut_for_search("资金发放及时率")
    assert {"及时", "及时率"} <= set(words)


@pytest.mark.parametrize("text", ["", " ", "，。、", "\u3000"])
def test_empty_and_punctuation_only_give_no_words(tokenizer: Tokenizer, text: str) -> None:
    assert tokenizer.cut(text) == []
    assert tokenizer.cut_for_search(text) == []


def test_full_width_and_mixed_english_are_normalised(tokenizer: Tokenizer) -> None:
    assert tokenizer.cut("ＬＥＤ灯１０盏") == tokenizer.cut("led灯10盏")
    assert normalise_text("ＡＢ") == "ab"


def test_tokenize_offsets_cover_the_original_text(tokenizer: Tokenizer) -> None:
    text = "满意度≥95%，ＬＥＤ灯"
    tokens = tokenizer.tokenize(text)
    assert "".join(word for word, _, _ in tokens) == text
    for word, start, end in tokens:
        assert text[start:end] == word
    assert tokenizer.tokenize("") == []


def test_fingerprint_depends_on_dictionary_and_stop_words(tmp_path) -> None:
    user_dict = tmp_path / "dict.txt"
    user_dict.write_text("满意度\n", encoding="utf-8")
    base = Tokenizer(user_dict=user_dict, stop_words=["的"])
    assert base.fingerprint == Tokenizer(user_dict=user_dict, stop_words=["的"]).fingerprint
    assert base.fingerprint != Tokenizer(user_dict=user_dict, stop_words=["的", "了"]).fingerprint
    user_dict.write_text("满意度\n合格率\n", encoding="utf-8")
    assert base.fingerprint != Tokenizer(user_dict=user_dict, stop_words=["的"]).fingerprint


def test_the_global_jieba_is_not_touched(tokenizer: Tokenizer) -> None:
    tokenizer.cut("资金及时拨付率")
    assert "拨付率" not in jieba.dt.FREQ or jieba.dt.FREQ.get("拨付率", 0) == 0
    assert jieba.dt.FREQ is not tokenizer._engine().FREQ


def test_cache_goes_to_the_given_folder(tmp_path) -> None:
    Tokenizer(cache_directory=tmp_path).cut("党员")
    assert any(p.name.startswith("jieba-") for p in tmp_path.iterdir())


def test_default_tokenizer_is_shared() -> None:
    assert default_tokenizer() is default_tokenizer()
