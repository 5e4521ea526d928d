"""Any sentence-transformers model loads through ``load_embedder``: tiny models built inside the test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.embedding.loader import SentenceTransformerEmbedder, clear_embedder_cache, load_embedder
from assistant.errors import AssistantError

CHARS = "党员培训学习路灯照明维护资金拨付发放及时率满意度群众"
# topic of each character: 0 party, 1 lights, 2 money, 3 rates
TOPIC = dict.fromkeys("党员培训学习群众", 0) | dict.fromkeys("路灯照明维护", 1)
TOPIC |= dict.fromkeys("资金拨付发放", 2) | dict.fromkeys("及时率满意度", 3)


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_embedder_cache()
    yield
    clear_embedder_cache()


@pytest.fixture(scope="module")
def tiny_static_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A character-level StaticEmbedding (no config of ours): a plain sentence-transformers model."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.normalizers import BertNormalizer
    from tokenizers.pre_tokenizers import WhitespaceSplit

    vocab = {"[UNK]": 0} | {c: i + 1 for i, c in enumerate(dict.fromkeys(CHARS))}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = BertNormalizer(handle_chinese_chars=True, lowercase=False)  # spaces around CJK
    tokenizer.pre_tokenizer = WhitespaceSplit()  # so every character is its own token
    weights = np.zeros((len(vocab), 4), dtype=np.float32)
    rng = np.random.default_rng(0)
    for char, i in vocab.items():
        if char in TOPIC:
            weights[i, TOPIC[char]] = 1.0
            weights[i] += rng.uniform(0, 0.1, 4)
    model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)], device="cpu")
    path = tmp_path_factory.mktemp("tiny-static")
    model.save(str(path))
    return path


def test_a_local_sentence_transformers_model_loads_and_ranks(tiny_static_dir: Path) -> None:
    embedder = load_embedder(str(tiny_static_dir))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.dimension == 4
    queries = embedder.encode(["党员培训", "路灯维护"])
    docs = embedder.encode(["群众学习", "照明维护", "资金拨付", "满意度"])
    assert queries.shape == (2, 4) and docs.shape == (4, 4) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    scores = queries @ docs.T
    assert scores[0].argmax() == 0 and scores[1].argmax() == 1
    assert embedder.encode([]).shape == (0, 4)


def test_loading_is_cached_per_process(tiny_static_dir: Path) -> None:
    assert load_embedder(str(tiny_static_dir)) is load_embedder(str(tiny_static_dir))


@pytest.mark.slow
def test_a_tiny_bert_model_loads(tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *dict.fromkeys(CHARS)]
    tokenizer = BertTokenizerFast(vocab={token: i for i, token in enumerate(vocab)})
    assert tokenizer("党员")["input_ids"] == [2, 5, 6, 3]  # a WordPiece vocabulary, one token per character
    tokenizer.save_pretrained(str(tmp_path / "bert"))
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
    )
    BertModel(config).save_pretrained(str(tmp_path / "bert"))
    transformer = Transformer(str(tmp_path / "bert"), max_seq_length=32)
    model = SentenceTransformer(
        modules=[transformer, Pooling(transformer.get_embedding_dimension(), "mean")], device="cpu"
    )
    model.save(str(tmp_path / "st"))

    embedder = load_embedder(str(tmp_path / "st"))
    vectors = embedder.encode(["党员培训", "路灯维护", "党员培训"])
    assert vectors.shape == (3, 32) and embedder.dimension == 32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[2] @ vectors[0] > vectors[1] @ vectors[0]


def test_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AssistantError, match="不存在"):
        load_embedder(str(tmp_path / "nope"))


def test_a_directory_that_is_not_a_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AssistantError, match="不是 sentence-transformers 模型目录"):
        load_embedder(str(tmp_path))


def test_a_hub_id_without_network_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(AssistantError, match="离线"):
        load_embedder("no-such-org/no-such-model")
