"""What the benchmarks share: the peer model, the data, a matmul yardstick and table printing.

The peer is Hugging Face `transformers`' GPT2LMHeadModel built with our shape (layers, width,
heads, context, vocabulary, tied head, tanh-GELU, no dropout), so a ratio compares two
implementations of the same network, measured in the same process on the same batches.
"""
from __future__ import annotations

import dataclasses
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.config import ModelConfig, model_preset  # noqa: E402
from core.model import GPT  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
VOCAB = 8000


def shape(size: str, context: int | None = None) -> ModelConfig:
    config = dataclasses.replace(model_preset(size), vocab_size=VOCAB)
    return dataclasses.replace(config, context_length=context) if context else config


def ours(config: ModelConfig, seed: int = 0) -> GPT:
    torch.manual_seed(seed)
    return GPT(config)


def peer(config: ModelConfig, seed: int = 0) -> torch.nn.Module:
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(seed)
    return GPT2LMHeadModel(GPT2Config(
        vocab_size=config.vocab_size, n_positions=config.context_length, n_embd=config.n_embd,
        n_layer=config.n_layer, n_head=config.n_head, resid_pdrop=0.0, embd_pdrop=0.0,
        attn_pdrop=0.0, activation_function="gelu_new", tie_word_embeddings=True,
        use_cache=True, bos_token_id=0, eos_token_id=0))


def token_stream(length: int = 2_000_000, seed: int = 0) -> np.ndarray:
    """Real TinyStories tokens where ../shared/data is present (frequencies matter little for
    speed, but it keeps the claim honest), else uniformly random ids."""
    story_file = SHARED / "tinystories" / "TinyStories-train-prefix-2MiB.txt"
    if story_file.exists():
        from tokenizers import Tokenizer, models, pre_tokenizers, trainers

        text = story_file.read_text(encoding="utf-8")
        tokenizer = Tokenizer(models.BPE())
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tokenizer.train_from_iterator([text], trainers.BpeTrainer(vocab_size=VOCAB, show_progress=False))
        ids = np.asarray(tokenizer.encode(text).ids, dtype=np.int64)
        return np.resize(ids, length)
    return np.random.default_rng(seed).integers(0, VOCAB, size=length)


def batches(tokens: np.ndarray, batch_size: int, context: int, count: int, seed: int = 0
            ) -> list[tuple[torch.Tensor, torch.Tensor]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        starts = rng.integers(0, len(tokens) - context - 1, size=batch_size)
        window = torch.from_numpy(tokens[starts[:, None] + np.arange(context + 1)])
        out.append((window[:, :-1].contiguous(), window[:, 1:].contiguous()))
    return out


def matmul_timer(size: int = 2048, repeats: int = 4, device: torch.device | None = None,
                 dtype: torch.dtype = torch.float32) -> Callable[[], float]:
    """Seconds per large matmul: the ceiling a training step can approach (fp32 on a CPU; on a GPU,
    bf16, what autocast trains in). Timed inside the interleaved rounds like the models, so drift
    moves the yardstick along with them."""
    a, b = (torch.randn(size, size, device=device, dtype=dtype) for _ in range(2))
    a @ b
    synchronize = torch.cuda.synchronize if a.is_cuda else (lambda: None)

    def run() -> float:
        synchronize()
        start = time.perf_counter()
        for _ in range(repeats):
            a @ b
        synchronize()
        return (time.perf_counter() - start) / repeats
    return run


def gflops_of_matmul(seconds: float, size: int = 2048) -> float:
    return 2 * size**3 / seconds / 1e9


def training_flops_per_token(config: ModelConfig) -> float:
    """nanoGPT's estimate, so figures compare with its: 6 per weight per token (forward and
    backward; the tied head counted as the output matmul it is) plus 12·layers·width·context for
    attention's score and value products."""
    weights = GPT(config).num_parameters() - config.context_length * config.n_embd
    return 6 * weights + 12 * config.n_layer * config.n_embd * config.context_length


def interleaved(runs: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Call each timed function in turn, A B A B …, so machine drift hits all of them alike."""
    results: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            results[name].append(run())
    return results


def median(values: list[float]) -> float:
    return statistics.median(values)


def summary(doc: str | None) -> str:
    """A script's docstring's first paragraph on one line, for `--help`: its first line alone may
    end mid-sentence."""
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    print(" | ".join(str(h).rjust(w) for h, w in zip(headers, widths)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).rjust(w) for c, w in zip(row, widths)))
