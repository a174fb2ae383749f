"""Token-level generation with a KV cache: ids in, ids out, nothing about text.

Keeping tokenization out of the sampling loop (as nanochat's engine does) lets the same loop serve
the CLI, the app's streaming playground, evaluation and benchmarks.
"""
from __future__ import annotations

from collections.abc import Iterator
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


def filter_logits(logits: torch.Tensor, top_k: int, top_p: float) -> torch.Tensor:
    """Keep the `top_k` most likely tokens and the smallest set whose probability reaches `top_p`."""
    if top_k and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p < 1.0:
        sorted_logits, order = torch.sort(logits, descending=True, dim=-1)
        cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
        # Drop a token when the tokens before it already reach top_p (the first always stays).
        drop_sorted = cumulative - sorted_logits.softmax(dim=-1) >= top_p
        drop = drop_sorted.scatter(-1, order, drop_sorted)
        logits = logits.masked_fill(drop, float("-inf"))
    return logits


def next_token(logits: torch.Tensor, sampling: Sampling, generator: torch.Generator) -> torch.Tensor:
    if sampling.temperature <= 0:
        return logits.argmax(dim=-1, keepdim=True)
    probs = filter_logits(logits / sampling.temperature, sampling.top_k, sampling.top_p).softmax(-1)
    return torch.multinomial(probs, 1, generator=generator)


@torch.inference_mode()
def generate_ids(model: GPT, prompt: torch.Tensor, sampling: Sampling) -> Iterator[torch.Tensor]:
    """Yield one new token per step for each row of `prompt` (shape batch × length).

    The prompt is run once to fill the cache; then each step feeds only the newest token. When
    the context is full, the cache is rebuilt from the most recent half of the context, so long
    generations continue rather than stop."""
    model.eval()
    device = prompt.device
    generator = torch.Generator(device=device).manual_seed(sampling.seed)
    dtype = next(model.parameters()).dtype
    context = model.config.context_length
    cache = KVCache(model.config, prompt.shape[0], device, dtype)
    tokens = prompt
    logits, _ = model(tokens, cache=cache, last_only=True)
    for _ in range(sampling.max_new_tokens):
        new = next_token(logits[:, -1, :].float(), sampling, generator)
        yield new[:, 0]
        tokens = torch.cat([tokens, new], dim=1)
        if cache.length >= context:
            cache = KVCache(model.config, prompt.shape[0], device, dtype)
            logits, _ = model(tokens[:, -(context // 2):], cache=cache, last_only=True)
        else:
            logits, _ = model(new, cache=cache)
