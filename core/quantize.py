"""Int8 weights for CPU inference: a quarter of the bytes that every generated token reads.

At batch 1 a new token reads every weight once, so CPU generation is bound by memory bandwidth,
not arithmetic (benchmarks/README.md, generation). Storing each matrix as int8 with one scale per
output row (symmetric, per-channel) cuts those bytes by 4.

What is quantized: the four linear layers of every block and the output head, which is tied to the
token embedding — at 8,000 tokens a fifth to two fifths of the weights, all read every token. The
head keeps its float32 table beside the int8 one: the embedding reads rows of it, and the head
recomputes its few best logits from it (`Int8Head`), so greedy answers do not flip on the int8
rounding of near-tied candidates. Position embeddings, LayerNorms and biases stay float32: small,
or read a row at a time.

The products run on `torch.ops.aten._weight_int8pack_mm` (the int8 weight-only kernel that
torchao and gpt-fast use on CPU), with activations rounded to bfloat16 on the way in; its float32
path has no fast kernel. `torch.ao.quantization.quantize_dynamic` is deprecated in this torch and
quantizes activations too.

A quantized model is for inference only: it is a copy (the float32 model is untouched and can
still be trained) and it refuses `.train()`.
"""
from __future__ import annotations

import dataclasses

import torch
import torch.nn.functional as F
from torch import nn

from core.checkpoint import Checkpoint
from core.errors import UserError, shown
from core.model import GPT
from core.names import PRECISIONS

_ACTIVATION = torch.bfloat16  # the dtype the int8 kernel is fast for on CPU


class Int8Weight(nn.Module):
    """A matrix as int8 rows and one scale per row: row i ≈ `values[i] * scale[i]`."""

    def __init__(self, weight: torch.Tensor):
        super().__init__()
        # The scale is rounded to the kernel's dtype first and the rows quantized against the
        # rounded scale, so the matrix the kernel multiplies by is exactly values × scale.
        scale = (weight.abs().amax(dim=1) / 127).clamp_min(1e-12).to(_ACTIVATION)
        values = (weight / scale.float()[:, None]).round().clamp(-127, 127).to(torch.int8)
        self.register_buffer("values", values.contiguous())
        self.register_buffer("scale", scale)


class Int8Linear(nn.Module):
    """`x @ weight.T + bias` with an int8 weight; input and output stay float32 to the caller."""

    def __init__(self, weight: Int8Weight, bias: torch.Tensor | None):
        super().__init__()
        self.weight = weight
        self.bias = None if bias is None else nn.Parameter(bias.detach().clone(), requires_grad=False)

    @classmethod
    def from_linear(cls, linear: nn.Linear) -> Int8Linear:
        return cls(Int8Weight(linear.weight.detach().float()), linear.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.reshape(-1, x.shape[-1]).to(_ACTIVATION)
        y = torch.ops.aten._weight_int8pack_mm(rows, self.weight.values, self.weight.scale)
        y = y.view(*x.shape[:-1], -1).to(x.dtype)
        return y if self.bias is None else y + self.bias


class Int8Head(nn.Module):
    """The tied output head: int8 logits for every token, exact float32 logits for the likeliest.

    The int8 pass reads a quarter of the bytes, but its logits come out of the kernel rounded to
    bfloat16 (a step of 0.06 at a logit of 10) and carry the table's quantization error: enough to
    swap two near-tied candidates and change a greedy answer. So the `CANDIDATES` best of each
    row are recomputed from the float32 table (the embedding's own, read a few rows at a time).
    Greedy picks, and the top of every sampling distribution, are then exact up to the blocks'
    int8 error; the tail keeps the int8 values, which moves bits-per-byte by hundredths of a
    percent (benchmarks/README.md)."""

    CANDIDATES = 8

    def __init__(self, table: torch.Tensor):
        super().__init__()
        self.table = table  # float32, shared with the token embedding
        self.coarse = Int8Linear(Int8Weight(table), None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = self.coarse(x)
        rows = x.reshape(-1, x.shape[-1])
        flat = logits.view(-1, logits.shape[-1])
        best = flat.topk(min(self.CANDIDATES, flat.shape[-1]), dim=-1).indices
        exact = torch.bmm(F.embedding(best, self.table), rows[:, :, None])[:, :, 0]
        flat.scatter_(1, best, exact)
        return logits


class Int8GPT(GPT):
    """The GPT with int8 linear layers and head: generation and scoring, no training."""

    def train(self, mode: bool = True) -> Int8GPT:
        if mode:
            raise UserError("an int8 model is for inference only; train the float32 checkpoint")
        return super().train(False)

    def num_parameters(self, include_embeddings: bool = True) -> int:
        """The float model's count: an int8 matrix is a buffer, which `parameters()` does not yield
        (the head's int8 copy of the tied embedding is no weight of its own)."""
        matrices = [module.weight.values for module in self.modules()
                    if isinstance(module, Int8Linear) and module is not self.lm_head.coarse]
        return super().num_parameters(include_embeddings) + sum(matrix.numel() for matrix in matrices)


def quantize_int8(model: GPT) -> Int8GPT:
    """An int8 copy of `model` for CPU inference; `model` itself is left as it was."""
    if isinstance(model, Int8GPT):
        return model
    with torch.device("meta"):  # the shell only: every tensor is filled from `model` below
        quantized = Int8GPT(model.config)
    state = {name: tensor.detach().float().clone() for name, tensor in model.state_dict().items()}
    quantized.load_state_dict(state, assign=True)
    quantized.lm_head = Int8Head(quantized.token_embedding.weight)
    for block in quantized.blocks:
        block.attn.qkv = Int8Linear.from_linear(block.attn.qkv)
        block.attn.proj = Int8Linear.from_linear(block.attn.proj)
        block.mlp.up = Int8Linear.from_linear(block.mlp.up)
        block.mlp.down = Int8Linear.from_linear(block.mlp.down)
    quantized.requires_grad_(False)
    return quantized.to(next(model.parameters()).device).eval()


def pick_precision(requested: str, device: torch.device | str) -> str:
    """"fp32" or "int8" for a model on `device`: "auto" is int8 on CPU, where generation is bound
    by reading weights and int8 held float32's quality (benchmarks/README.md), and float32
    elsewhere; int8 elsewhere is refused, as it was measured on CPU only."""
    if requested not in PRECISIONS:
        raise UserError(f"precision must be one of {', '.join(PRECISIONS)}, got {shown(requested)}")
    on_cpu = torch.device(device).type == "cpu"
    if requested == "int8" and not on_cpu:
        raise UserError(f"int8 weights are for CPU inference; on {device} use precision fp32 or auto")
    return ("int8" if on_cpu else "fp32") if requested == "auto" else requested


def with_precision(checkpoint: Checkpoint, precision: str = "auto") -> Checkpoint:
    """The checkpoint with its model in `precision` (see `pick_precision`): itself for float32, a
    quantized copy for int8 — so a caller's float32 model stays trainable."""
    chosen = pick_precision(precision, next(checkpoint.model.parameters()).device)
    if isinstance(checkpoint.model, Int8GPT) and chosen == "fp32":
        raise UserError(f"{checkpoint.path} is loaded in int8; load it again for float32")
    return checkpoint if chosen == "fp32" else dataclasses.replace(checkpoint, model=quantize_int8(checkpoint.model))
