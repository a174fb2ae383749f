"""Token files on disk and the batches drawn from them.

A corpus split is tokenized once into a flat uint16 file (2 bytes a token; the vocabulary is under
65536) with `<|endoftext|>` between documents, and read back through a memory map, so a corpus
larger than RAM still trains. Files live under the corpus, keyed by the tokenizer's fingerprint, so
a new tokenizer never reads stale ids.

Beside the tokens, a uint8 file marks each token that belongs to an *answer*: the body of a bash
document that states its request (`core.data.bashdoc`), or any token of a document that states
none. The request tokens are 0, so the trainer can weight the loss towards the command a request
asks for rather than towards predicting the request itself.

Batches are drawn from a generator seeded by (seed, step, …), not from a running random state:
the batch of step N is the same whether a run was resumed or not, which is what lets a resumed
run continue the very same loss curve.

A training or validation window that would begin in the first half-window of a document begins
at the document instead. A (request, command) pair is shorter than that, so every pair in a window
begins with its whole request (only the last may end early), as the model meets it when answering: a
window cut inside a request would teach the command from a fragment of it, at positions where no
prompt ever starts. A long document still gets windows that begin deep inside it, so none of its
text goes unseen.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from tokenizers import Tokenizer

from core.data.bashdoc import request_prompt_length
from core.data.corpus import read_documents
from core.errors import UserError
from core.tokenizer import encode_batches, end_of_text_id, fingerprint

TOKEN_DTYPE = np.uint16


class Batch(NamedTuple):
    inputs: torch.Tensor
    targets: torch.Tensor
    answer: torch.Tensor  # bool, per target: part of an answer (True) or of a request (False)


def _answer_path(path: Path) -> Path:
    return path.with_suffix(".answer.bin")


def _open_array(path: Path, dtype: type, count: int) -> np.ndarray:
    return np.memmap(path, dtype=dtype, mode="r") if count else np.zeros(0, dtype)


@dataclass
class TokenShard:
    """One split of one corpus as memory-mapped token ids and their answer marks."""

    path: Path
    tokens: np.ndarray
    answer: np.ndarray
    bytes: int
    end_of_text: int  # the id that ends every document

    @classmethod
    def open(cls, path: Path, end_of_text: int) -> TokenShard:
        meta = json.loads(path.with_suffix(".json").read_text())
        return cls(path=path, tokens=_open_array(path, TOKEN_DTYPE, meta["tokens"]),
                   answer=_open_array(_answer_path(path), np.uint8, meta["tokens"]), bytes=meta["bytes"],
                   end_of_text=end_of_text)

    @cached_property
    def document_starts(self) -> np.ndarray:
        """Where each document begins, ascending; found once, a chunk at a time, so a corpus
        larger than RAM never needs a second copy in memory."""
        chunk = 1 << 24
        after_ends = [np.flatnonzero(self.tokens[i:i + chunk] == self.end_of_text) + i + 1
                      for i in range(0, len(self.tokens), chunk)]
        starts = np.concatenate([np.zeros(1, np.int64), *after_ends])
        return starts[starts < len(self.tokens)]

    def __len__(self) -> int:
        return len(self.tokens)

    def check_fits(self, context_length: int, what: str) -> None:
        if len(self) < context_length + 1:
            raise UserError(f"{what} has only {len(self)} tokens, fewer than one training window "
                            f"of {context_length + 1}; add data or use a model with a shorter context")

    def sample_batch(self, batch_size: int, context_length: int, rng: np.random.Generator,
                     rank: int = 0, world_size: int = 1) -> Batch:
        """Random windows: inputs, and the same windows shifted by one as targets.

        The generator draws the global batch of all `world_size` processes and each keeps its own
        rows, so the data of a step is the same however many processes share it."""
        starts = rng.integers(0, len(self) - context_length, size=batch_size * world_size)
        starts = self._aligned(starts[rank * batch_size:(rank + 1) * batch_size], context_length)
        return self._windows(starts, context_length)

    def _aligned(self, starts: np.ndarray, context_length: int) -> np.ndarray:
        """Each start moved back to its document's beginning when that is less than half a window
        away (the module's docstring says why)."""
        documents = self.document_starts
        beginning = documents[np.searchsorted(documents, starts, side="right") - 1]
        return np.where(starts - beginning < context_length // 2, beginning, starts)

    def eval_batches(self, num_batches: int, batch_size: int, context_length: int) -> list[Batch]:
        """Fixed, evenly spaced windows, so every evaluation scores exactly the same tokens; they
        begin where training windows may, so validation scores text as training and answering
        meet it, not pairs cut inside their requests."""
        count = num_batches * batch_size
        last_start = len(self) - context_length - 1
        starts = np.linspace(0, max(last_start, 0), num=count).astype(np.int64)
        starts = self._aligned(starts, context_length)
        return [self._windows(starts[i:i + batch_size], context_length)
                for i in range(0, count, batch_size)]

    def _windows(self, starts: np.ndarray, context_length: int) -> Batch:
        index = starts[:, None] + np.arange(context_length + 1)[None, :]
        window = torch.from_numpy(self.tokens[index].astype(np.int64))
        answer = torch.from_numpy(self.answer[index[:, 1:]].astype(np.bool_))
        return Batch(window[:, :-1], window[:, 1:], answer)


def batch_rng(seed: int, step: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, step, *stream])


def shard_path(corpus_dir: Path, tokenizer: Tokenizer, split: str) -> Path:
    return Path(corpus_dir) / "tokens" / fingerprint(tokenizer) / f"{split}.bin"


def tokenize_split(corpus_dir: Path, tokenizer: Tokenizer, split: str) -> TokenShard:
    """Tokenize one split to its uint16 file (once; later calls open the existing file)."""
    path = shard_path(corpus_dir, tokenizer, split)
    eot = end_of_text_id(tokenizer)
    if all(p.exists() for p in (path, _answer_path(path), path.with_suffix(".json"))):
        return TokenShard.open(path, eot)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".bin.tmp-{os.getpid()}")
    answer_tmp = path.with_suffix(f".answer.bin.tmp-{os.getpid()}")
    counted = {"tokens": 0, "bytes": 0}

    def pieces_counting_bytes():
        """Each document as (request prompt, rest), encoded apart so the boundary is a token
        boundary. The prompt ends in a newline, which byte-level BPE does not merge with a
        following word, so the ids equal the whole document's. Two pieces a document and an even
        batch size keep each document's pieces in one batch."""
        for text in read_documents(corpus_dir, split):
            counted["bytes"] += len(text.encode("utf-8"))
            cut = request_prompt_length(text)
            yield text[:cut]
            yield text[cut:]

    with tmp.open("wb") as out, answer_tmp.open("wb") as answer_out:
        for batch in encode_batches(tokenizer, pieces_counting_bytes()):
            for prompt_ids, rest_ids in zip(batch[::2], batch[1::2]):
                ids = prompt_ids + rest_ids + [eot]
                np.asarray(ids, dtype=TOKEN_DTYPE).tofile(out)
                marks = np.ones(len(ids), dtype=np.uint8)
                marks[:len(prompt_ids)] = 0
                marks.tofile(answer_out)
                counted["tokens"] += len(ids)
    answer_tmp.replace(_answer_path(path))
    tmp.replace(path)
    path.with_suffix(".json").write_text(json.dumps(counted))
    return TokenShard.open(path, eot)
