"""Measuring checkpoints: loss and bits-per-byte per domain, and whether bash output parses.

Bits-per-byte divides the summed loss by the bytes the scored tokens stand for, so models with
different tokenizers (or a tokenizer that packs code differently from English) compare fairly.
"""
from __future__ import annotations

import math
import shutil
import subprocess
from dataclasses import dataclass

import torch

from core.data.shards import TokenShard
from core.device import autocast
from core.distributed import Distributed
from core.model import GPT


@dataclass
class LossReport:
    loss: float  # mean nats per token
    bits_per_byte: float
    tokens: int


@torch.no_grad()
def evaluate_shard(model: GPT, shard: TokenShard, token_bytes: torch.Tensor, num_batches: int,
                   batch_size: int, dist: Distributed | None = None) -> LossReport:
    """Score the shard's fixed evaluation windows (the same windows every time).

    With several processes each scores its share of every batch and the sums are added up, so the
    figures equal a single process's with the same global batch."""
    dist = dist or Distributed()
    was_training = model.training
    model.eval()
    device = token_bytes.device
    context = model.config.context_length
    totals = torch.zeros(3, device=device, dtype=torch.float64)  # nats, bytes, tokens
    for inputs, targets in shard.eval_batches(num_batches, batch_size * dist.world_size, context):
        rows = slice(dist.rank * batch_size, (dist.rank + 1) * batch_size)
        inputs, targets = inputs[rows].to(device), targets[rows].to(device)
        with autocast(device):
            logits, _ = model(inputs)
        totals[0] += torch.nn.functional.cross_entropy(
            logits.flatten(0, 1).float(), targets.flatten(), reduction="sum")
        totals[1] += token_bytes[targets].sum()
        totals[2] += targets.numel()
    model.train(was_training)
    nats, size, tokens = dist.sum(totals).tolist()
    return LossReport(loss=nats / tokens, bits_per_byte=nats / (math.log(2) * max(size, 1.0)),
                      tokens=int(tokens))


def bash_syntax_ok(script: str, timeout: float = 5.0) -> bool:
    """True when `bash -n` parses the script. The script is read from stdin and never executed."""
    bash = shutil.which("bash")
    if bash is None:
        raise RuntimeError("bash is not installed, so scripts cannot be syntax-checked")
    try:
        result = subprocess.run([bash, "-n"], input=script.encode("utf-8"), capture_output=True,
                                timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return result.returncode == 0
