"""Export to ONNX: one decoder-step graph with its KV cache, for onnxruntime and any other runtime.

    input_ids                       int64   [batch, sequence]
    past_key_values.{i}.key/value   float32 [batch, heads, past_sequence, head_dim]   (i = layer)
      → logits                      float32 [batch, sequence, vocab]
      → present.{i}.key/value       float32 [batch, heads, past_sequence + sequence, head_dim]

One graph serves both phases: the prompt goes in with pasts of length 0 (prefill), then each new
token goes in with the presents of the step before (decode). Two graphs would store the weights
twice or need a shared-weights file layout every runtime reads differently, for no gain here: the
empty past costs nothing, and the outputs match ours at every step (tests/test_export_onnx.py).
Positions are `past_sequence + index`, so there is no position input to get wrong; rows of a batch
share one length (no padding mask), and `past_sequence + sequence` may not exceed the context.

Beside `model.onnx` lie `tokenizer.json` and `model_io.json`, which says all of the above in data.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from core.atomic import check_replaceable, rebuilt
from core.checkpoint import load_checkpoint, read_info
from core.errors import UserError
from core.model import GPT
from core.tokenizer import end_of_text_id

GRAPH, DESCRIPTION = "model.onnx", "model_io.json"
# ONNX files are protobufs, capped at 2 GB; larger weights go to a side file (model.onnx.data).
_PROTOBUF_LIMIT = 2**31 - 2**26


def past_names(n_layer: int) -> list[str]:
    return [f"past_key_values.{i}.{kind}" for i in range(n_layer) for kind in ("key", "value")]


def present_names(n_layer: int) -> list[str]:
    return [f"present.{i}.{kind}" for i in range(n_layer) for kind in ("key", "value")]


class DecoderStep(nn.Module):
    """Our GPT's forward pass with the cache as explicit tensors in and out (the graph's shape):
    `core.model` keeps its cache in a preallocated buffer indexed by a Python int, which a graph
    cannot carry between calls."""

    def __init__(self, model: GPT):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, past: list[tuple[torch.Tensor, torch.Tensor]]
                ) -> tuple[torch.Tensor, list[tuple[torch.Tensor, torch.Tensor]]]:
        model = self.model
        length, past_length = input_ids.shape[1], past[0][0].shape[2]
        positions = torch.arange(length, device=input_ids.device) + past_length
        x = model.token_embedding(input_ids) + model.position_embedding(positions)
        # New token t (at position past_length + t) sees every cached position and new ones up to itself.
        mask = (torch.arange(past_length + length, device=input_ids.device)[None, :]
                <= torch.arange(length, device=input_ids.device)[:, None] + past_length)
        presents = []
        for block, (past_keys, past_values) in zip(model.blocks, past):
            batch, _, width = x.shape
            heads = block.attn.n_head
            q, k, v = block.attn.qkv(block.ln_attn(x)).split(width, dim=2)
            q, k, v = (t.view(batch, length, heads, width // heads).transpose(1, 2) for t in (q, k, v))
            k, v = torch.cat([past_keys, k], dim=2), torch.cat([past_values, v], dim=2)
            presents.append((k, v))
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            x = x + block.attn.proj(y.transpose(1, 2).reshape(batch, length, width))
            x = x + block.mlp(block.ln_mlp(x))
        return model.lm_head(model.ln_final(x)), presents


def _description(model: GPT, end_of_text: int | None) -> dict:
    shape = model.config
    head_dim = shape.n_embd // shape.n_head
    cache = ["batch", shape.n_head, "past_sequence", head_dim]
    present = ["batch", shape.n_head, "past_sequence + sequence", head_dim]
    return {
        "graph": GRAPH, "tokenizer": "tokenizer.json",
        "inputs": [{"name": "input_ids", "dtype": "int64", "shape": ["batch", "sequence"]},
                   *({"name": name, "dtype": "float32", "shape": cache} for name in past_names(shape.n_layer))],
        "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", "sequence", shape.vocab_size]},
                    *({"name": name, "dtype": "float32", "shape": present}
                      for name in present_names(shape.n_layer))],
        "context_length": shape.context_length, "n_layer": shape.n_layer, "n_head": shape.n_head,
        "head_dim": head_dim, "vocab_size": shape.vocab_size, "end_of_text_id": end_of_text,
        "usage": ["prefill: the prompt's ids with every past of length 0 (shape [batch, heads, 0, head_dim])",
                  "decode: the next token's ids with each present.{i}.* of the previous step as "
                  "past_key_values.{i}.*",
                  "positions are past_sequence + index: no position input; past_sequence + sequence "
                  "must not exceed context_length",
                  "rows of a batch share one length: there is no padding mask"],
    }


@contextlib.contextmanager
def _quiet_exporter() -> Iterator[None]:
    """Hide the exporter's notes on its own internals (torchvision absent, deprecations inside torch):
    nothing in them is the user's to act on, and a failure still raises."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def export_onnx(source: Path, destination: Path, replace: bool = False,
                protected: tuple[Path, ...] = ()) -> Path:
    """Write `source` as model.onnx + tokenizer.json + model_io.json at `destination`, atomically;
    an existing non-empty destination only with `replace`, never a `protected` one (nor the source)."""
    from torch.export import Dim

    if importlib.util.find_spec("onnxscript") is None:  # torch.onnx's exporter is written in it
        raise UserError("export --format onnx needs the onnx and onnxscript packages: pip install onnx onnxscript")
    source, destination = Path(source), Path(destination)
    read_info(source)
    check_replaceable(destination, replace=replace, protected=(source, *protected))
    checkpoint = load_checkpoint(source)
    model, shape = checkpoint.model.eval(), checkpoint.model_config
    head_dim = shape.n_embd // shape.n_head
    # Example sizes of 2 and more: torch.export fixes a dimension that is 0 or 1 in the example.
    example_ids = torch.zeros((2, 3), dtype=torch.long)
    example_past = [(torch.zeros(2, shape.n_head, 4, head_dim), torch.zeros(2, shape.n_head, 4, head_dim))
                    for _ in range(shape.n_layer)]
    batch, sequence, past_sequence = Dim("batch"), Dim("sequence"), Dim("past_sequence")
    cache_axes = {0: batch, 2: past_sequence}
    with _quiet_exporter():
        program = torch.onnx.export(
            DecoderStep(model), (example_ids, example_past), dynamo=True, verbose=False,
            input_names=["input_ids", *past_names(shape.n_layer)],
            output_names=["logits", *present_names(shape.n_layer)],
            dynamic_shapes=({0: batch, 1: sequence}, [(cache_axes, cache_axes)] * shape.n_layer))
    with rebuilt(destination) as tmp:
        program.save(tmp / GRAPH, external_data=model.num_parameters() * 4 > _PROTOBUF_LIMIT)
        checkpoint.tokenizer.save(str(tmp / "tokenizer.json"))
        description = _description(model, end_of_text_id(checkpoint.tokenizer))
        (tmp / DESCRIPTION).write_text(json.dumps(description, indent=2), encoding="utf-8")
    return destination
