"""The non-neural baseline: answer a request with the command of the most similar known request.

TF-IDF over word unigrams and bigrams of the training pairs' requests, cosine similarity, nearest
neighbour's command — the yardstick a neural model must beat to show that it learnt more than a
lookup table. The same index gives retrieval-augmented answers (the commands of the nearest
training requests shown in the prompt as `core.data.bashdoc` examples, at training time — never a
pair's own — and at answer time) and judged ones (the nearest requests' utilities proposed, the
model judging them: `core.answering`). Every stage-2 checkpoint carries the pairs it trained on
(`examples.jsonl.gz`), so both answer wherever it goes.
"""
from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from core.checkpoint import EXAMPLES_FILE
from core.data.bashdoc import Pair, example_line
from core.errors import UserError


@dataclass(frozen=True)
class Neighbour:
    pair: Pair
    similarity: float


class RetrievalIndex:
    """Nearest training requests by TF-IDF cosine similarity."""

    def __init__(self, pairs: Sequence[Pair]):
        if not pairs:
            raise UserError("retrieval needs at least one training pair")
        self.pairs = list(pairs)
        self._vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)
        self._matrix = self._vectorizer.fit_transform([pair.request for pair in self.pairs])

    def nearest(self, request: str, k: int = 1) -> list[Neighbour]:
        """The `k` most similar training pairs, best first (ties keep training order)."""
        similarities = (self._matrix @ self._vectorizer.transform([request]).T).toarray().ravel()
        order = np.argsort(-similarities, kind="stable")[:k]
        return [Neighbour(self.pairs[i], float(similarities[i])) for i in order]

    def answer(self, request: str) -> str:
        return self.nearest(request, 1)[0].pair.command

    def examples(self, requests: Sequence[str], k: int, exclude: Sequence[Pair | None] | None = None,
                 chunk: int = 256) -> Iterator[list[str]]:
        """For each request, the distinct example lines (`example_line`) of its `k` nearest pairs'
        commands, best first, never from the pair of the same position in `exclude` (a training
        pair must not see its own answer)."""
        for start in range(0, len(requests), chunk):
            queries = self._vectorizer.transform(requests[start:start + chunk])
            similarities = (queries @ self._matrix.T).toarray()
            wanted = min(k + 1, similarities.shape[1])
            for row, scores in enumerate(similarities):
                top = np.argpartition(-scores, wanted - 1)[:wanted]
                own = exclude[start + row] if exclude else None
                commands: list[str] = []
                for i in top[np.argsort(-scores[top], kind="stable")]:
                    pair = self.pairs[i]
                    line = example_line(pair.command)
                    if pair != own and line not in commands:
                        commands.append(line)
                yield commands[:k]


def save_pairs(folder: Path, pairs: Sequence[Pair]) -> Path:
    """The index's pairs beside a checkpoint (gzip JSONL: the index is rebuilt on load)."""
    path = Path(folder) / EXAMPLES_FILE
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for pair in pairs:
            out.write(json.dumps(asdict(pair), ensure_ascii=False) + "\n")
    return path


def load_pairs(folder: Path) -> list[Pair] | None:
    """The pairs a checkpoint trained on, or None when it carries none (a stage-1 checkpoint, or
    one written before checkpoints carried them)."""
    path = Path(folder) / EXAMPLES_FILE
    if not path.exists():
        return None
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            return [Pair(**json.loads(line)) for line in lines]
    except (OSError, ValueError, TypeError, EOFError) as exc:
        raise UserError(f"{path} is corrupt ({exc}); export the checkpoint again") from None


def load_index(folder: Path) -> RetrievalIndex | None:
    """The index of the pairs a checkpoint trained on (`load_pairs`), or None."""
    pairs = load_pairs(folder)
    return None if pairs is None else RetrievalIndex(pairs)


def cached_index(folder: Path) -> RetrievalIndex | None:
    """`load_index`, once per process for each version of the file: building the index of a
    shipped checkpoint's 36,000 pairs takes over a second, and the playground answers many clicks."""
    path = Path(folder) / EXAMPLES_FILE
    return _cached_index(str(Path(folder).resolve()), path.stat().st_mtime_ns if path.exists() else 0)


def first_carried_index(folders: Sequence[str | Path | None]) -> RetrievalIndex | None:
    """The index of the first checkpoint folder that carries its training pairs: what every column
    of a comparison reads, so a language-only checkpoint (which carries none) is answered from the
    same similar requests as the bilingual one beside it."""
    carried = (cached_index(Path(folder)) for folder in folders if folder and Path(folder).is_dir())
    return next((index for index in carried if index is not None), None)


@functools.lru_cache(maxsize=4)
def _cached_index(folder: str, version: int) -> RetrievalIndex | None:
    return load_index(Path(folder))
