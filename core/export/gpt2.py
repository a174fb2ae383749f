"""Our GPT in GPT-2's clothes and back: the config and the weight names, in one table.

Our network is GPT-2's (pre-LayerNorm blocks, learned positions, tanh-GELU, biases everywhere, a
head tied to the token embedding), so `transformers`' GPT2LMHeadModel runs it exactly once the
weights are renamed. Two things differ in the layout only: GPT-2's projections are `Conv1D`, whose
weight is the transpose of `nn.Linear`'s, and its fused `c_attn` splits into query, key and value
in that order — the order of our `qkv` — so that one is transposed and nothing else is reordered.

Both directions read `_BLOCK` and `_TOP`, so an export and an import cannot drift apart.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import torch

from core.config import ModelConfig
from core.errors import UserError

if TYPE_CHECKING:  # transformers is imported where used: it takes seconds
    from transformers import GPT2Config

LAYER_NORM_EPS = 1e-5  # nn.LayerNorm's default, which our blocks use
# Both are GELU's tanh approximation: transformers' own formula and PyTorch's kernel.
TANH_GELU = ("gelu_new", "gelu_pytorch_tanh")

# (ours, GPT-2's, transposed) for each block's tensors, then for the rest of the network.
_BLOCK = (("ln_attn.weight", "ln_1.weight", False), ("ln_attn.bias", "ln_1.bias", False),
          ("attn.qkv.weight", "attn.c_attn.weight", True), ("attn.qkv.bias", "attn.c_attn.bias", False),
          ("attn.proj.weight", "attn.c_proj.weight", True), ("attn.proj.bias", "attn.c_proj.bias", False),
          ("ln_mlp.weight", "ln_2.weight", False), ("ln_mlp.bias", "ln_2.bias", False),
          ("mlp.up.weight", "mlp.c_fc.weight", True), ("mlp.up.bias", "mlp.c_fc.bias", False),
          ("mlp.down.weight", "mlp.c_proj.weight", True), ("mlp.down.bias", "mlp.c_proj.bias", False))
_TOP = (("token_embedding.weight", "transformer.wte.weight", False),
        ("position_embedding.weight", "transformer.wpe.weight", False),
        ("ln_final.weight", "transformer.ln_f.weight", False), ("ln_final.bias", "transformer.ln_f.bias", False),
        ("lm_head.weight", "lm_head.weight", False))  # tied to the token embedding on both sides


def _names(n_layer: int) -> list[tuple[str, str, bool]]:
    per_layer = [(f"blocks.{i}.{ours}", f"transformer.h.{i}.{theirs}", transposed)
                 for i in range(n_layer) for ours, theirs, transposed in _BLOCK]
    return [*_TOP, *per_layer]


def to_gpt2(state: dict[str, torch.Tensor], n_layer: int) -> dict[str, torch.Tensor]:
    """Our state dict renamed, Conv1D weights transposed, for GPT2LMHeadModel."""
    return {theirs: state[ours].t().contiguous() if transposed else state[ours]
            for ours, theirs, transposed in _names(n_layer)}


def from_gpt2(state: dict[str, torch.Tensor], n_layer: int) -> dict[str, torch.Tensor]:
    """GPT2LMHeadModel's state dict in our names."""
    return {ours: state[theirs].t().contiguous() if transposed else state[theirs]
            for ours, theirs, transposed in _names(n_layer)}


def gpt2_config(model: ModelConfig, end_of_text: int) -> GPT2Config:
    """The GPT2Config that describes our network: every field that changes the arithmetic is set
    here rather than left to a default that a later transformers could change."""
    from transformers import GPT2Config

    return GPT2Config(
        vocab_size=model.vocab_size, n_positions=model.context_length, n_embd=model.n_embd,
        n_layer=model.n_layer, n_head=model.n_head, n_inner=4 * model.n_embd,
        activation_function=TANH_GELU[0], layer_norm_epsilon=LAYER_NORM_EPS,
        resid_pdrop=model.dropout, embd_pdrop=model.dropout, attn_pdrop=model.dropout,
        scale_attn_weights=True, scale_attn_by_inverse_layer_idx=False, add_cross_attention=False,
        tie_word_embeddings=True, bos_token_id=end_of_text, eos_token_id=end_of_text,
        pad_token_id=end_of_text)


def model_config(config: GPT2Config, folder: Path) -> ModelConfig:
    """Our ModelConfig for a GPT-2 config, or a `UserError` naming the first way the model is not
    a network ours can hold (a different activation, an untied head, another LayerNorm epsilon …)."""
    differences = [
        (config.activation_function not in TANH_GELU,
         f"activation_function is {config.activation_function!r}, ours is tanh-GELU (gelu_new)"),
        (not config.tie_word_embeddings, "its output head is untied (tie_word_embeddings is false), ours "
                                         "is tied to the token embedding"),
        (config.layer_norm_epsilon != LAYER_NORM_EPS,
         f"layer_norm_epsilon is {config.layer_norm_epsilon}, ours is {LAYER_NORM_EPS}"),
        (config.n_inner not in (None, 4 * config.n_embd),
         f"n_inner is {config.n_inner}, ours is 4 × n_embd ({4 * config.n_embd})"),
        (not config.scale_attn_weights, "scale_attn_weights is false, ours scales attention by 1/√head_dim"),
        (config.scale_attn_by_inverse_layer_idx, "scale_attn_by_inverse_layer_idx is true, ours does not"),
        (config.add_cross_attention, "it has cross-attention, ours has none")]
    for differs, message in differences:
        if differs:
            raise UserError(f"cannot import {folder}: {message}")
    shape = ModelConfig(n_layer=config.n_layer, n_head=config.n_head, n_embd=config.n_embd,
                        context_length=config.n_positions, vocab_size=config.vocab_size,
                        dropout=float(config.resid_pdrop))
    shape.validate(f"cannot import {folder}")
    return shape
