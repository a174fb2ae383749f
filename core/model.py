"""A GPT decoder, written to be read top to bottom.

    tokens ─► token embedding + learned position embedding
           ─► N × Block:  x = x + Attention(LayerNorm(x))      (pre-LayerNorm residual blocks)
                          x = x + MLP(LayerNorm(x))
           ─► LayerNorm ─► linear head tied to the token embedding ─► next-token logits

Attention is causal: position t sees positions ≤ t only. For generation a `KVCache` keeps each
layer's keys and values, so a new token costs one position instead of the whole prefix.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from core.config import ModelConfig


class KVCache:
    """Preallocated keys and values for every layer, filled left to right during generation."""

    def __init__(self, config: ModelConfig, batch_size: int, device: torch.device, dtype: torch.dtype):
        self.config = config
        head_dim = config.n_embd // config.n_head
        shape = (config.n_layer, batch_size, config.n_head, config.context_length, head_dim)
        # Uninitialised on purpose: attention reads positions < length only, and zero-filling a
        # batch-8 cache of the tiny model (38 MB) cost more than the whole prompt's forward pass.
        self.keys = torch.empty(shape, device=device, dtype=dtype)
        self.values = torch.empty(shape, device=device, dtype=dtype)
        self.length = 0  # positions filled so far

    @property
    def capacity(self) -> int:
        return self.keys.shape[3]

    def keep(self, rows: torch.Tensor) -> KVCache:
        """A cache of these batch rows only, with the positions filled so far."""
        kept = KVCache(self.config, len(rows), self.keys.device, self.keys.dtype)
        kept.keys[:, :, :, :self.length] = self.keys[:, rows, :, :self.length]
        kept.values[:, :, :, :self.length] = self.values[:, rows, :, :self.length]
        kept.length = self.length
        return kept

    def append(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Store the new positions of one layer; return all keys and values up to them."""
        start, end = self.length, self.length + k.shape[2]
        self.keys[layer, :, :, start:end] = k
        self.values[layer, :, :, start:end] = v
        return self.keys[layer, :, :, :end], self.values[layer, :, :, :end]


class CausalSelfAttention(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.n_head = config.n_head
        self.qkv = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.proj = nn.Linear(config.n_embd, config.n_embd)
        self.dropout = config.dropout

    def forward(self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0) -> torch.Tensor:
        batch, length, width = x.shape
        # One matmul makes queries, keys and values; then split the width into heads.
        q, k, v = self.qkv(x).split(width, dim=2)
        q, k, v = (t.view(batch, length, self.n_head, width // self.n_head).transpose(1, 2)
                   for t in (q, k, v))
        past = cache.length if cache is not None else 0
        if cache is not None:
            k, v = cache.append(layer, k, v)
        if past == 0:
            mask, causal = None, True  # the usual triangle
        elif length == 1:
            mask, causal = None, False  # one new token may see everything before it
        else:  # several new tokens after a cached prefix: each sees the prefix and earlier new ones
            mask = torch.ones(length, past + length, dtype=torch.bool, device=x.device).tril(past)
            causal = False
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal,
                                           dropout_p=self.dropout if self.training else 0.0)
        return self.proj(y.transpose(1, 2).reshape(batch, length, width))


class MLP(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.up = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.down = nn.Linear(4 * config.n_embd, config.n_embd)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.down(F.gelu(self.up(x), approximate="tanh")))


class Block(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.ln_attn = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_mlp = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0) -> torch.Tensor:
        x = x + self.attn(self.ln_attn(x), cache, layer)
        return x + self.mlp(self.ln_mlp(x))


class GPT(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.token_embedding = nn.Embedding(config.vocab_size, config.n_embd)
        self.position_embedding = nn.Embedding(config.context_length, config.n_embd)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_final = nn.LayerNorm(config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        # Weight tying: reading a token and predicting it share one matrix (GPT-2; fewer parameters).
        self.lm_head.weight = self.token_embedding.weight
        self.apply(self._init_weights)
        # Scale the projections that write into the residual stream so its variance does not
        # grow with depth (GPT-2's 1/sqrt(2·layers)).
        for name, param in self.named_parameters():
            if name.endswith(("attn.proj.weight", "mlp.down.weight")):
                nn.init.normal_(param, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def num_parameters(self, include_embeddings: bool = True) -> int:
        """True count: the tied head is counted once; positions are excluded on request."""
        total = sum(p.numel() for p in self.parameters())  # parameters() yields tied weights once
        if not include_embeddings:
            total -= self.position_embedding.weight.numel() + self.token_embedding.weight.numel()
        return total

    def forward(self, tokens: torch.Tensor, targets: torch.Tensor | None = None,
                cache: KVCache | None = None, last_only: bool = False,
                per_target: bool = False) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits for every position (or, for generation, the last one only) and, given targets,
        the cross-entropy loss: the mean over targets, or with `per_target` each target's own (for
        the trainer, which weighs a request's answer above the request itself)."""
        start = cache.length if cache is not None else 0
        length = tokens.shape[1]
        if start + length > self.config.context_length:
            raise ValueError(f"sequence of {start + length} tokens exceeds the context of "
                             f"{self.config.context_length}")
        positions = torch.arange(start, start + length, device=tokens.device)
        x = self.dropout(self.token_embedding(tokens) + self.position_embedding(positions))
        for layer, block in enumerate(self.blocks):
            x = block(x, cache, layer)
        if cache is not None:
            cache.length += length
        if last_only:
            x = x[:, -1:, :]
        logits = self.lm_head(self.ln_final(x))
        if targets is None:
            return logits, None
        if not per_target:
            return logits, F.cross_entropy(logits.flatten(0, 1).float(), targets.flatten())
        losses = F.cross_entropy(logits.flatten(0, 1).float(), targets.flatten(), reduction="none")
        return logits, losses.view_as(targets)

    def optimizer_groups(self, weight_decay: float) -> list[dict]:
        """Decay matrices only: pulling biases and LayerNorm gains towards zero buys nothing."""
        decay = [p for p in self.parameters() if p.dim() >= 2]
        no_decay = [p for p in self.parameters() if p.dim() < 2]
        return [{"params": decay, "weight_decay": weight_decay},
                {"params": no_decay, "weight_decay": 0.0}]
