"""The data path: tokenization throughput of a corpus, and what drawing a batch costs per step.

Batch sampling must stay under 2% of a training step; the step is measured in the same run as the
baseline.

    python benchmarks/data_path.py --mb 20 --model cpu
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import torch
from common import SHARED, ours, print_table, shape, summary

from core.data.corpus import build_corpus
from core.data.shards import batch_rng, tokenize_split
from core.tokenizer import train_tokenizer


def corpus_texts(megabytes: float) -> list[str]:
    """TinyStories stories (repeated as needed) where available, else generated sentences."""
    story_file = SHARED / "tinystories" / "TinyStories-train-prefix-2MiB.txt"
    if story_file.exists():
        stories = [s.strip() for s in story_file.read_text(encoding="utf-8").split("<|endoftext|>") if s.strip()]
    else:
        stories = [f"Story {i}: the cat sat on the mat and looked at the {i % 97} birds." for i in range(5000)]
    texts, size, i = [], 0, 0
    while size < megabytes * 1e6:
        text = f"{stories[i % len(stories)]} ({i})"  # distinct, so de-duplication keeps them all
        texts.append(text)
        size += len(text.encode())
        i += 1
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size to tokenize")
    parser.add_argument("--model", default="cpu")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--steps", type=int, default=5, help="training steps timed as the baseline")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="data-bench-"))
    manifest = build_corpus(corpus_texts(args.mb), root / "corpus", domain="english", source="bench",
                            license="-", show_progress=False)
    tokenizer = train_tokenizer([root / "corpus"], root / "tok" / "tokenizer.json",
                                max_bytes_per_corpus=5_000_000, show_progress=False)
    start = time.perf_counter()
    shard = tokenize_split(root / "corpus", tokenizer, "train")
    tokenize_s = time.perf_counter() - start

    config = shape(args.model)
    rng_calls = 200
    start = time.perf_counter()
    for step in range(rng_calls):
        shard.sample_batch(args.batch_size, config.context_length, batch_rng(0, step, 0, 0))
    sample_ms = 1000 * (time.perf_counter() - start) / rng_calls

    model = ours(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    x, y, _ = shard.sample_batch(args.batch_size, config.context_length, batch_rng(0, 0, 0, 0))
    for step in range(args.steps + 1):
        if step == 1:
            start = time.perf_counter()  # the first step warms the allocator up
        _, loss = model(x, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    step_ms = 1000 * (time.perf_counter() - start) / args.steps

    print(f"\ndata path ({os.cpu_count()} CPUs): corpus {manifest.train.bytes / 1e6:.1f} MB train split, "
          f"{len(shard):,} tokens")
    print_table(["what", "figure"], [
        ["tokenization", f"{manifest.train.bytes / 1e6 / tokenize_s:.2f} MB/s ({tokenize_s:.1f} s)"],
        ["batch sampling", f"{sample_ms:.3f} ms per {args.batch_size}x{config.context_length} batch"],
        [f"training step ({args.model})", f"{step_ms:.1f} ms"],
        ["sampling share", f"{100 * sample_ms / step_ms:.3f}% of a step"],
    ])


if __name__ == "__main__":
    main()
