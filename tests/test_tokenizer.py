from pathlib import Path

import numpy as np
import pytest

from core.data.shards import TokenShard, batch_rng, tokenize_split
from core.errors import UserError
from core.tokenizer import END_OF_TEXT, end_of_text_id, fingerprint, load_tokenizer, token_byte_lengths, train_tokenizer


@pytest.fixture
def tokenizer(workspace):
    return load_tokenizer(workspace.tokenizer_path("default"))


@pytest.mark.parametrize("text", ["Once upon a time, Lily had a kite.",
                                  '#!/bin/bash\nfor f in *.txt; do wc -l "$f"; done\n',
                                  "naïve café — ünïcödé ✓ 中文"])
def test_round_trip_is_exact(tokenizer, text):
    assert tokenizer.decode(tokenizer.encode(text, add_special_tokens=False).ids) == text


def test_vocabulary_and_end_of_text(tokenizer):
    assert tokenizer.get_vocab_size() == 512
    assert tokenizer.token_to_id(END_OF_TEXT) == end_of_text_id(tokenizer)
    # The special token is one id, never split into pieces of text.
    assert tokenizer.encode("a" + END_OF_TEXT, add_special_tokens=False).ids[-1] == end_of_text_id(tokenizer)


def test_token_byte_lengths_add_up_to_the_text(tokenizer):
    lengths = token_byte_lengths(tokenizer)
    text = "echo 'héllo' | grep -c l\n"
    ids = tokenizer.encode(text + END_OF_TEXT, add_special_tokens=False).ids
    assert sum(lengths[i] for i in ids) == len(text.encode("utf-8"))


def test_missing_and_corrupt_tokenizers(tmp_path, tokenizer, workspace):
    with pytest.raises(UserError, match="tokenizer not found"):
        load_tokenizer(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(UserError, match="corrupt"):
        load_tokenizer(bad)
    reloaded = load_tokenizer(workspace.tokenizer_path("default"))
    assert fingerprint(reloaded) == fingerprint(tokenizer) and len(fingerprint(tokenizer)) == 16
    train_tokenizer([workspace.corpus_dir("code", "installed")], tmp_path / "other" / "tokenizer.json",
                    vocab_size=300, show_progress=False)
    assert fingerprint(load_tokenizer(tmp_path / "other" / "tokenizer.json")) != fingerprint(tokenizer)


def test_an_existing_tokenizer_is_replaced_only_when_asked(workspace):
    path = workspace.tokenizer_path("default")
    before = path.read_bytes()
    corpora = [workspace.corpus_dir("code", "installed")]
    with pytest.raises(UserError, match="already exists and is not empty"):
        train_tokenizer(corpora, path, vocab_size=300, show_progress=False)
    assert path.read_bytes() == before
    assert train_tokenizer(corpora, path, vocab_size=300, show_progress=False, replace=True).get_vocab_size() == 300
    with pytest.raises(UserError, match="refusing to write over"):  # its parent holds the corpora
        train_tokenizer(corpora, workspace.root / "data" / "tokenizer.json", show_progress=False, replace=True)
    with pytest.raises(UserError, match="vocab_size must be between 258 and 65,535"):
        train_tokenizer(corpora, workspace.tokenizer_path("new"), vocab_size=257, show_progress=False)


def test_token_shard_is_uint16_with_separators(workspace, tokenizer):
    corpus = workspace.corpus_dir("code", "installed")
    shard = tokenize_split(corpus, tokenizer, "val")
    assert shard.path.stat().st_size == 2 * len(shard)
    eot = end_of_text_id(tokenizer)
    from core.data.corpus import read_documents
    documents = list(read_documents(corpus, "val"))
    assert int((shard.tokens == eot).sum()) == len(documents)
    assert shard.bytes == sum(len(d.encode()) for d in documents)
    assert tokenize_split(corpus, tokenizer, "val").path == shard.path  # cached, not rebuilt
    assert isinstance(TokenShard.open(shard.path, eot), TokenShard)


def test_batches_are_shifted_windows_and_reproducible(workspace, tokenizer):
    shard = tokenize_split(workspace.corpus_dir("english", "installed"), tokenizer, "train")
    x, y, _ = shard.sample_batch(4, 16, batch_rng(1, 7))
    x2, _, _ = shard.sample_batch(4, 16, batch_rng(1, 7))
    assert x.shape == y.shape == (4, 16)
    assert (x[:, 1:] == y[:, :-1]).all() and (x == x2).all()
    assert not (x == shard.sample_batch(4, 16, batch_rng(1, 8))[0]).all()
    first = shard.eval_batches(2, 3, 16)
    assert len(first) == 2 and all((a[0] == b[0]).all() for a, b in zip(first, shard.eval_batches(2, 3, 16)))


def _shard(documents: list[list[int]], end_of_text: int = 0) -> TokenShard:
    tokens = np.array([t for doc in documents for t in [*doc, end_of_text]], dtype=np.uint16)
    return TokenShard(path=Path("unused"), tokens=tokens, answer=np.ones(len(tokens), np.uint8), bytes=0,
                      end_of_text=end_of_text)


def test_a_window_begins_with_a_whole_short_document():
    shard = _shard([[1, 2, 3, 4, 5]] * 200)  # every document begins with token 1, after an end of text
    for step in range(20):
        inputs, _, _ = shard.sample_batch(8, 16, batch_rng(3, step))
        assert (inputs[:, 0] == 1).all(), inputs[:, :3]


def test_validation_windows_follow_the_training_rule():
    shard = _shard([[1, 2, 3, 4, 5]] * 200)
    for batch in shard.eval_batches(4, 8, 16):
        assert (batch.inputs[:, 0] == 1).all(), batch.inputs[:, :3]
    long = _shard([list(range(1, 1001))], end_of_text=5000)
    firsts = {int(b.inputs[i, 0]) for b in long.eval_batches(25, 8, 16) for i in range(8)}  # a start every ~5
    assert 1 in firsts and max(firsts) > 900 and not firsts & set(range(2, 9))


def test_a_long_document_is_still_seen_from_inside_and_whole():
    shard = _shard([list(range(1, 1001))], end_of_text=5000)
    seen = np.zeros(len(shard), bool)
    firsts = set()
    for step in range(400):
        inputs, _, _ = shard.sample_batch(8, 16, batch_rng(4, step))
        firsts.update(inputs[:, 0].tolist())
        for row in inputs.tolist():
            seen[row[0] - 1:row[0] - 1 + 16] = True
    assert 1 in firsts and not firsts & set(range(2, 9))  # within half a window of the start: moved to it
    assert max(firsts) > 900 and seen[:len(shard) - 1].all()


def test_too_small_shard_is_refused(workspace, tokenizer):
    shard = tokenize_split(workspace.corpus_dir("code", "installed"), tokenizer, "val")
    with pytest.raises(UserError, match="fewer than one training window"):
        shard.check_fits(len(shard), "code/installed val split")
