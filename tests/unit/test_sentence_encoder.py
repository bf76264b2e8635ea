"""The MiniLM encoder: BERT's tokenizer exactly, and embeddings that carry meaning."""
import hashlib

import numpy as np
import onnx
import pytest
from hypothesis import given, settings, strategies as st
from scipy.special import erf

from assistant.sentence_encoder import (HEADS, LAYER_NORM_EPS, LAYERS, MAX_TOKENS, WEIGHTS_FILE,
                                        model_dir, shared_encoder, weight_index)

TRICKY = [
    "My dog growled at the baby, what should I do?",
    "Héllo wörld!! can't stop; grandma's house... (really?)",
    "u ok hun?? my staffy keeps sniffin the moses basket & whining at nite",
    "XL-Bully exemption certificate: £92.40 — is it 31/01/2024?",
    "naïve café résumé — “quotes” and ‘single’ ones",
    "emoji 🐶👶 and tabs\tand\nnew lines",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "",
    "   ",
]


@pytest.fixture(scope="module")
def encoder():
    return shared_encoder()


@pytest.fixture(scope="module")
def reference_tokenizer():
    """TensorFlow Text's BERT tokenizer, which Rasa's TensorFlow already brings."""
    import tensorflow_text

    return tensorflow_text.BertTokenizer(str(model_dir() / "vocab.txt"), lower_case=True)


def reference_ids(tokenizer, text):
    return tokenizer.tokenize([text]).merge_dims(-2, -1).numpy()[0].tolist()


@pytest.mark.parametrize("text", TRICKY)
def test_tokens_match_tensorflow_texts_bert_tokenizer(encoder, reference_tokenizer, text):
    assert encoder.tokenizer.encode(text)[1:-1] == reference_ids(reference_tokenizer, text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=120))
def test_tokens_match_the_reference_on_any_ascii_text(encoder, reference_tokenizer, text):
    assert encoder.tokenizer.encode(text)[1:-1] == reference_ids(reference_tokenizer, text)


def test_every_message_starts_and_ends_with_the_special_tokens(encoder):
    ids = encoder.tokenizer.encode("hello")
    assert ids[0] == encoder.tokenizer.vocab["[CLS]"] and ids[-1] == encoder.tokenizer.vocab["[SEP]"]


def test_long_messages_are_cut_to_the_models_length(encoder):
    assert len(encoder.tokenizer.encode("dog " * 5000)) == MAX_TOKENS
    vector = encoder.encode(["dog " * 5000])
    assert vector.shape == (1, 384) and np.isfinite(vector).all()


def test_embeddings_are_unit_length_for_any_text(encoder):
    vectors = encoder.encode(TRICKY)
    assert vectors.shape == (len(TRICKY), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_text_gets_the_same_embedding_alone_or_padded_in_a_batch(encoder):
    texts = ["dog", "is it safe for the dog to sleep in the nursery with our newborn baby"]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_paraphrases_are_closer_than_unrelated_questions(encoder):
    question, paraphrase, other_topic, unrelated = encoder.encode([
        "Can I leave my baby alone with the dog for a minute?",
        "is it ok if the dog stays with my newborn while i pop to the loo",
        "Which dog breeds are banned in the UK?",
        "What is the best recipe for banana bread?",
    ])
    assert question @ paraphrase > question @ other_topic > question @ unrelated


@pytest.mark.parametrize("name,sha256", [
    ("model.safetensors", "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"),
    ("vocab.txt", "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"),
])
def test_the_installed_weights_are_the_ones_we_measured(name, sha256):
    digest = hashlib.sha256((model_dir() / name).read_bytes()).hexdigest()
    assert digest == sha256


@pytest.fixture(scope="module")
def weights():
    from safetensors.numpy import load_file

    return load_file(str(model_dir() / WEIGHTS_FILE))


def test_the_weight_index_finds_the_tensors_the_safetensors_library_reads(weights):
    data = (model_dir() / WEIGHTS_FILE).read_bytes()
    index = weight_index(model_dir() / WEIGHTS_FILE)
    assert index.keys() == weights.keys()
    for name, tensor in weights.items():
        data_type, shape, offset, length = index[name]
        found = np.frombuffer(data[offset:offset + length], dtype=tensor.dtype).reshape(shape)
        assert data_type == onnx.helper.np_dtype_to_tensor_dtype(tensor.dtype), name
        assert np.array_equal(found, tensor), name


def test_the_graph_reads_every_weight_from_the_safetensors_file_and_holds_none(encoder,
                                                                              monkeypatch):
    # Weights inside the graph would be copied three times as it loads (438 MB at the peak).
    graph = onnx.load_from_string(encoder.graph).graph
    weights = [t for t in graph.initializer if t.name in weight_index(model_dir() / WEIGHTS_FILE)]
    assert {t.name for t in weights} <= {i for node in graph.node for i in node.input}
    assert len(weights) == 5 + 16 * LAYERS  # embeddings (3 tables, norm) and 16 per layer
    for tensor in weights:
        assert tensor.data_location == onnx.TensorProto.EXTERNAL and not tensor.raw_data
        assert {e.key: e.value for e in tensor.external_data}["location"] == WEIGHTS_FILE
    assert len(encoder.graph) < 100_000
    monkeypatch.chdir(model_dir())  # where the checker looks for the external data
    onnx.checker.check_model(onnx.load_from_string(encoder.graph), full_check=True)


def test_a_served_message_runs_on_one_thread_and_training_on_every_core(encoder):
    # Why one: assistant/blas.py. 0 is ONNX Runtime's default, a thread per core.
    assert encoder.session.get_session_options().intra_op_num_threads == 1
    encoder.encode(["dog"], all_cores=True)
    assert encoder._all_cores_session.get_session_options().intra_op_num_threads == 0
    assert encoder.session.get_session_options().intra_op_num_threads == 1


def test_all_cores_give_the_same_embeddings(encoder):
    texts = TRICKY + ["is it safe for the dog to sleep in the nursery with our newborn baby"]
    assert np.abs(encoder.encode(texts, all_cores=True) - encoder.encode(texts)).max() < 1e-6


def plain_float64_embedding(weights, ids):
    """The model as its definition reads (BERT, mean pooling, L2 norm): NumPy in float64, exact
    erf GELU, so that the encoder's ONNX graph has something independent to match."""
    def w(name):
        return weights[name].astype(np.float64)

    def norm(x, name):
        x = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + LAYER_NORM_EPS)
        return x * w(name + ".weight") + w(name + ".bias")

    def dense(x, name):
        return x @ w(name + ".weight").T + w(name + ".bias")

    def heads(x):
        return x.reshape(len(ids), HEADS, -1).swapaxes(0, 1)

    x = norm(weights["embeddings.word_embeddings.weight"][ids].astype(np.float64)
             + w("embeddings.position_embeddings.weight")[:len(ids)]
             + w("embeddings.token_type_embeddings.weight")[0], "embeddings.LayerNorm")
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        q, k, v = (heads(dense(x, p + "attention.self." + n)) for n in ("query", "key", "value"))
        scores = q @ k.swapaxes(1, 2) / np.sqrt(q.shape[-1])
        attention = np.exp(scores - scores.max(-1, keepdims=True))
        attention /= attention.sum(-1, keepdims=True)
        context = (attention @ v).swapaxes(0, 1).reshape(len(ids), -1)
        x = norm(dense(context, p + "attention.output.dense") + x,
                 p + "attention.output.LayerNorm")
        inner = dense(x, p + "intermediate.dense")
        inner = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))
        x = norm(dense(inner, p + "output.dense") + x, p + "output.LayerNorm")
    pooled = x.mean(0)
    return pooled / np.linalg.norm(pooled)


def test_embeddings_match_the_model_computed_plainly_in_float64(encoder, weights):
    texts = TRICKY[:7] + ["dog " * 300]
    fast = encoder.encode(texts)  # batched: padding masked
    for text, vector in zip(texts, fast):
        expected = plain_float64_embedding(weights, encoder.tokenizer.encode(text))
        assert np.abs(vector - expected).max() < 1e-5, text
        assert np.abs(encoder.encode([text])[0] - expected).max() < 1e-5, text
