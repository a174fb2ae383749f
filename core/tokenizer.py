"""The byte-level BPE tokenizer shared by both stages.

It is trained once on English and code together, so stage 2 can start from the stage-1 weights
without any token changing meaning; byte-level means no input is ever out of vocabulary (any bash
symbol or non-English byte still encodes). `<|endoftext|>` separates documents in token files and
is where generation stops.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from core.atomic import check_replaceable, recover_dir, replace_dir, temporary_sibling
from core.config import check_range
from core.data.corpus import read_documents
from core.data.streaming import END_OF_TEXT
from core.errors import UserError

DEFAULT_VOCAB_SIZE = 8000
# 256 byte tokens and <|endoftext|> come first, so a vocabulary learns merges only above 257; ids
# are stored as uint16 in the token files.
MIN_VOCAB_SIZE, MAX_VOCAB_SIZE = 258, 65535


def _new_bpe() -> Tokenizer:
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    return tokenizer


def _documents_of(corpus_dirs: Sequence[Path], max_bytes_per_corpus: int | None) -> Iterator[str]:
    for corpus_dir in corpus_dirs:
        used = 0
        for text in read_documents(corpus_dir, "train"):
            yield text
            used += len(text)
            if max_bytes_per_corpus and used >= max_bytes_per_corpus:
                break


def check_tokenizer(corpus_dirs: Sequence[Path], out_path: Path, vocab_size: int, replace: bool) -> None:
    """What can be refused before minutes of training (the app checks it before starting a job)."""
    check_range("vocab_size", vocab_size, MIN_VOCAB_SIZE, MAX_VOCAB_SIZE)
    if not corpus_dirs:
        raise UserError("train the tokenizer on at least one corpus")
    for corpus in corpus_dirs:
        if not (Path(corpus) / "manifest.json").exists():
            raise UserError(f"no corpus at {corpus}; build it first")
    check_replaceable(Path(out_path).parent, replace=replace, protected=tuple(corpus_dirs))


def train_tokenizer(corpus_dirs: Sequence[Path], out_path: Path, vocab_size: int = DEFAULT_VOCAB_SIZE,
                    max_bytes_per_corpus: int | None = 50_000_000, show_progress: bool = True,
                    replace: bool = False) -> Tokenizer:
    """Train on the train splits of `corpus_dirs` (English and code) and save `tokenizer.json`.

    Each corpus contributes at most `max_bytes_per_corpus`, so a huge English download cannot
    crowd the bash-specific merges out of an 8000-token vocabulary. An existing tokenizer folder
    is replaced only with `replace`: runs trained with it cannot be read with another."""
    recover_dir(Path(out_path).parent)  # what a killed build left: restored, or its leftovers swept
    check_tokenizer(corpus_dirs, out_path, vocab_size, replace)
    tokenizer = _new_bpe()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=[END_OF_TEXT], show_progress=show_progress,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(_documents_of(corpus_dirs, max_bytes_per_corpus), trainer=trainer)
    out_path = Path(out_path)
    tmp = temporary_sibling(out_path.parent)
    tokenizer.save(str(tmp / out_path.name))
    (tmp / "sources.json").write_text(json.dumps([str(c) for c in corpus_dirs], indent=2))
    replace_dir(tmp, out_path.parent)
    return tokenizer


def load_tokenizer(path: str | Path) -> Tokenizer:
    path = Path(path)
    if not path.exists():
        recover_dir(path.parent)  # a build killed between its two renames left it beside its place
    if not path.exists():
        raise UserError(f"tokenizer not found: {path}; train one first (`python -m core tokenizer`)")
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises a bare Exception for malformed JSON
        raise UserError(f"tokenizer {path} is corrupt: {exc}") from None
    if tokenizer.token_to_id(END_OF_TEXT) is None:
        raise UserError(f"tokenizer {path} has no {END_OF_TEXT} token; it was not made by this project")
    return tokenizer


def end_of_text_id(tokenizer: Tokenizer) -> int:
    return tokenizer.token_to_id(END_OF_TEXT)


def fingerprint(tokenizer: Tokenizer) -> str:
    """A short id of the vocabulary and merges: equal fingerprints mean identical token ids."""
    return hashlib.sha256(tokenizer.to_str().encode("utf-8")).hexdigest()[:16]


def token_byte_lengths(tokenizer: Tokenizer) -> list[int]:
    """UTF-8 bytes each token id stands for (0 for special tokens), for exact bits-per-byte.

    Byte-level BPE spells every byte as one printable character, so a token's byte count is the
    length of its spelling."""
    specials = {END_OF_TEXT}
    return [0 if (token := tokenizer.id_to_token(i)) in specials or token is None else len(token)
            for i in range(tokenizer.get_vocab_size())]


def encode_batches(tokenizer: Tokenizer, texts: Iterable[str], batch_size: int = 256) -> Iterator[list[list[int]]]:
    """Encode documents in batches (the Rust tokenizer parallelises within a batch)."""
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == batch_size:
            yield [enc.ids for enc in tokenizer.encode_batch(batch, add_special_tokens=False)]
            batch = []
    if batch:
        yield [enc.ids for enc in tokenizer.encode_batch(batch, add_special_tokens=False)]
