"""Measuring checkpoints: loss and bits-per-byte per domain, whether bash output parses, whether
it runs the utility an English request asked for, and how varied generated English is.

Bits-per-byte divides the summed loss by the bytes the scored tokens stand for, so models with
different tokenizers (or a tokenizer that packs code differently from English) compare fairly.
"""
from __future__ import annotations

import collections
import json
import math
import re
import shlex
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
    for inputs, targets, _ in shard.eval_batches(num_batches, batch_size * dist.world_size, context):
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


def shellcheck_warnings(script: str, timeout: float = 10.0) -> int | None:
    """How many warnings or errors shellcheck reports (parsed only), or None without shellcheck."""
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        return None
    try:
        result = subprocess.run([shellcheck, "--shell=bash", "--severity=warning", "--format=json", "-"],
                                input=script.encode("utf-8"), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    try:
        return len(json.loads(result.stdout or b"[]"))
    except ValueError:
        return None


_SKIPPED_PREFIXES = ("sudo", "env", "time", "nohup", "exec", "command")
# A wrapper's options that take the next word as their value: `sudo -u postgres psql` runs psql.
_OPTION_VALUES = {"sudo": {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "--user", "--group", "--chdir",
                           "--host", "--prompt", "--role", "--type", "--other-user", "--close-from"},
                  "env": {"-u", "-C", "-S", "--unset", "--chdir", "--split-string"},
                  "time": {"-f", "-o", "--format", "--output"}}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def first_command_word(script: str) -> str | None:
    """The utility a script or command line runs first: comments, `set` options, variable
    assignments (a line of them only, too) and wrappers like `sudo` are looked through, so
    `sudo tar -xf a` gives `tar` and `dir=x` / `ls "$dir"` gives `ls`. Words are split as the
    shell splits them, so an assignment with spaces in its quotes (`dest="$HOME/b-$(date +%F)"`)
    is one word, not the utility `+%F)"`; a line with unbalanced quotes is split at spaces. A
    wrapper with nothing after it (`env`, `sudo -v`) is itself what runs; a group's brackets
    (`{ ls; }`, `( cd x && make )`) are looked through to the command inside."""
    for line in script.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("set -"):
            continue
        words = line.split()
        if any(mark in line for mark in "'\"\\"):
            try:
                words = shlex.split(line)
            except ValueError:  # unbalanced quotes: a model's broken line still names its utility
                pass
        wrapper, value_follows = None, False
        for word in words:
            if value_follows:  # the value of a wrapper's option
                value_follows = False
            elif word in _SKIPPED_PREFIXES:
                wrapper = word
            elif word.startswith("-"):
                value_follows = word in _OPTION_VALUES.get(wrapper or "", ())
            elif not _ASSIGNMENT.match(word) and (utility := word.strip("();{}")):
                return utility
        if wrapper:
            return wrapper
    return None  # nothing but comments, options and assignments


_WORD = re.compile(r"\w+|[^\w\s]")


def token_overlap(candidate: str, reference: str) -> float:
    """F1 of shared tokens (words and punctuation, counted with multiplicity): 1 means the
    same tokens, 0 none in common; partial credit for a right utility with other options."""
    ours, theirs = collections.Counter(_WORD.findall(candidate)), collections.Counter(_WORD.findall(reference))
    common = sum((ours & theirs).values())
    if not common:
        return 0.0
    precision, recall = common / sum(ours.values()), common / sum(theirs.values())
    return 2 * precision * recall / (precision + recall)


def _ngrams(words: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]


def distinct_n(texts: list[str], n: int) -> float:
    """Unique word n-grams over all n-grams of the texts: low values mean a model repeats itself."""
    grams = [g for text in texts for g in _ngrams(text.split(), n)]
    return len(set(grams)) / len(grams) if grams else 0.0


def repetition_rate(text: str, n: int = 4) -> float:
    """Share of the text's word n-grams that already appeared earlier in it (loops, stutters)."""
    grams = _ngrams(text.split(), n)
    seen: set[tuple[str, ...]] = set()
    repeated = 0
    for gram in grams:
        repeated += gram in seen
        seen.add(gram)
    return repeated / len(grams) if grams else 0.0
