"""Token-level generation with a KV cache: ids in, ids out, nothing about text.

Keeping tokenization out of the sampling loop (as nanochat's engine does) lets the same loop serve
the CLI, the app's streaming playground, evaluation and benchmarks.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch

from core.model import GPT, KVCache


@dataclass
class Sampling:
    max_new_tokens: int = 200
    temperature: float = 0.8  # 0 means greedy
    top_k: int = 50  # 0 disables
    top_p: float = 0.95  # 1 disables
    seed: int = 0


def candidates(logits: torch.Tensor, top_k: int, top_p: float) -> tuple[torch.Tensor, torch.Tensor]:
    """The tokens a sample may pick, most likely first, and their renormalised probabilities: the
    `top_k` most likely, cut to the smallest set whose probability reaches `top_p`. Only the top k
    are sorted, not the whole vocabulary."""
    k = top_k if 0 < top_k < logits.shape[-1] else logits.shape[-1]
    values, tokens = torch.topk(logits, k, dim=-1)
    probs = values.softmax(dim=-1)
    if top_p < 1.0:
        # Drop a token when the tokens before it already reach top_p (the first always stays).
        probs = probs.masked_fill(probs.cumsum(dim=-1) - probs >= top_p, 0.0)
        probs = probs / probs.sum(dim=-1, keepdim=True)
    return probs, tokens


def next_token(logits: torch.Tensor, sampling: Sampling, generators: Sequence[torch.Generator],
               groups: Sequence[int]) -> torch.Tensor:
    """One token per row; `groups[row]` names the generator a row draws its noise from (rows of a
    group are adjacent), so a request's samples do not depend on which requests share its batch.
    A sample is an exponential race: the argmax of p / E, E ~ Exp(1), is token i with probability
    p_i (one draw per candidate, where `torch.multinomial` cost a millisecond a step)."""
    if sampling.temperature <= 0:
        return logits.argmax(dim=-1, keepdim=True)
    probs, tokens = candidates(logits / sampling.temperature, sampling.top_k, sampling.top_p)
    noise = torch.cat([torch.empty(len(list(rows)), probs.shape[1], device=probs.device)
                       .exponential_(generator=generators[group]) for group, rows in itertools.groupby(groups)])
    noise.clamp_min_(torch.finfo(noise.dtype).tiny)  # a draw of exactly 0 would make 0 / 0 a NaN winner
    return tokens.gather(-1, (probs / noise).argmax(dim=-1, keepdim=True))


class Decoder:
    """Generation one step at a time for a batch of rows, `groups` equal groups of them (one per
    request), each sampled with its own generator seeded alike. A caller that knows a row is done
    (its answer line is complete) drops it with `keep`, so it costs nothing more.

    The prompt is run once to fill the cache; then each step feeds only the newest token. When
    the context is full, the cache is rebuilt from the most recent half of the context, so long
    generations continue rather than stop."""

    @torch.inference_mode()
    def __init__(self, model: GPT, prompt: torch.Tensor, sampling: Sampling, groups: int = 1):
        rows = prompt.shape[0]
        if groups < 1 or rows % groups:
            raise ValueError(f"{rows} rows do not split into {groups} equal groups")
        model.eval()
        self.model, self.sampling = model, sampling
        self.generators = [torch.Generator(device=prompt.device).manual_seed(sampling.seed) for _ in range(groups)]
        self.groups = [row // (rows // groups) for row in range(rows)]
        self.tokens = prompt
        self.cache = self._new_cache(rows)
        self.logits = model(prompt, cache=self.cache, last_only=True)[0][:, -1, :]

    def _new_cache(self, rows: int) -> KVCache:
        return KVCache(self.model.config, rows, self.tokens.device, next(self.model.parameters()).dtype)

    @torch.inference_mode()
    def step(self, allowed: torch.Tensor | None = None) -> torch.Tensor:
        """The next token of every row still kept; `allowed` (a boolean mask over the vocabulary,
        one row for each kept row) limits the tokens each row may take at this step."""
        logits = self.logits.float()
        if allowed is not None:
            logits = logits.masked_fill(~allowed, float("-inf"))
        new = next_token(logits, self.sampling, self.generators, self.groups)
        self.tokens = torch.cat([self.tokens, new], dim=1)
        context = self.model.config.context_length
        if self.cache.length >= context:
            self.cache = self._new_cache(len(self.groups))
            self.logits = self.model(self.tokens[:, -(context // 2):], cache=self.cache, last_only=True)[0][:, -1, :]
        else:
            self.logits = self.model(new, cache=self.cache)[0][:, -1, :]
        return new[:, 0]

    @torch.inference_mode()
    def keep(self, rows: Sequence[int]) -> None:
        """Go on with these rows only, in their order (positions in the current batch)."""
        index = torch.tensor(rows, device=self.tokens.device)
        self.tokens, self.logits = self.tokens[index], self.logits[index]
        self.groups = [self.groups[row] for row in rows]
        self.cache = self.cache.keep(index)


def generate_ids(model: GPT, prompt: torch.Tensor, sampling: Sampling, groups: int = 1) -> Iterator[torch.Tensor]:
    """Yield one new token per step for each row of `prompt` (shape batch × length); see `Decoder`."""
    decoder = Decoder(model, prompt, sampling, groups)
    for _ in range(sampling.max_new_tokens):
        yield decoder.step()
