"""The non-neural baseline: answer a request with the command of the most similar known request.

TF-IDF over word unigrams and bigrams of the training pairs' requests, cosine similarity, nearest
neighbour's command — the yardstick a neural model must beat to show that it learnt more than a
lookup table. The same index also serves retrieval-augmented decoding (`core.answering`), which
offers the neighbours' commands to the model as candidates.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from core.data.bashdoc import Pair
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
