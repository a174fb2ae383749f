"""Stage 1 on the real TinyStories slice with the CPU preset: does validation loss visibly fall
within a few minutes on 2 cores?

Baselines measured in the same run: the untrained model (step 0) and a unigram model (each token
predicted by its training frequency, the best a model can do without reading context). Prints a
table of val loss and bits-per-byte and the ratios against both.

    python benchmarks/tinystories_cpu.py --minutes 5
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from common import summary  # noqa: E402

from core.config import CONFIG_DIR, load_train_config  # noqa: E402
from core.data.shards import tokenize_split  # noqa: E402
from core.data.sources import download  # noqa: E402
from core.runstore import read_metrics  # noqa: E402
from core.tokenizer import token_byte_lengths, train_tokenizer  # noqa: E402
from core.training import Trainer  # noqa: E402
from core.workspace import Workspace  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def unigram_bpb(workspace: Workspace, tokenizer) -> tuple[float, float]:
    """Cross-entropy of the val split under train-split token frequencies (add-one smoothed)."""
    corpus = workspace.corpus_dir("english", "tinystories")
    train = tokenize_split(corpus, tokenizer, "train").tokens
    val = tokenize_split(corpus, tokenizer, "val").tokens
    counts = np.bincount(train, minlength=tokenizer.get_vocab_size()) + 1.0
    log_probs = np.log(counts / counts.sum())
    nats = -log_probs[val].sum()
    size = np.asarray(token_byte_lengths(tokenizer))[val].sum()
    return nats / len(val), nats / (math.log(2) * size)


def main() -> None:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--model", default="cpu")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--workspace", help="keep outputs here (default: a temporary folder)")
    args = parser.parse_args()
    if not (SHARED / "tinystories").is_dir():
        sys.exit(f"skipped: the real data folder {SHARED} is absent")
    root = Path(args.workspace or tempfile.mkdtemp(prefix="tinystories-bench-"))
    workspace = Workspace.resolve(root)
    start = time.perf_counter()
    download(workspace, "english", "local", name="tinystories",
             path=str(SHARED / "tinystories" / "TinyStories-train-prefix-2MiB.txt"), replace=True,
             show_progress=False)
    download(workspace, "code", "tldr", name="tldr", path=str(SHARED / "tldr"), replace=True, show_progress=False)
    tokenizer = train_tokenizer([workspace.corpus_dir("english", "tinystories"),
                                 workspace.corpus_dir("code", "tldr")],
                                workspace.tokenizer_path("default"), replace=True, show_progress=False)
    prepared = time.perf_counter() - start
    # Estimate the steps that fit the time budget from a short timed warm-up of the same model.
    probe = load_train_config(CONFIG_DIR / "language.yaml", {
        "model": args.model, "english_corpus": "tinystories", "code_corpus": "tldr",
        "batch_size": args.batch_size, "num_steps": 20, "eval_interval": 20, "eval_batches": 1,
        "run_name": "probe", "device": "cpu"})
    probe_trainer = Trainer(probe, workspace, show_progress=False)
    probe_trainer.run()
    tokens_per_s = read_metrics(probe_trainer.run_dir)[-1]["tokens_per_s"]
    tokens_per_step = args.batch_size * probe_trainer.model.config.context_length
    steps = max(50, int(args.minutes * 60 * tokens_per_s / tokens_per_step / 1.1))  # room for evals
    config = load_train_config(CONFIG_DIR / "language.yaml", {
        "model": args.model, "english_corpus": "tinystories", "code_corpus": "tldr",
        "batch_size": args.batch_size, "num_steps": steps, "eval_interval": max(10, steps // 8),
        "eval_batches": 8, "run_name": "tinystories", "device": "cpu"})
    trainer = Trainer(config, workspace, show_progress=True)
    train_start = time.perf_counter()
    trainer.run()
    train_time = time.perf_counter() - train_start
    evals = [m for m in read_metrics(trainer.run_dir) if "val_loss" in m]
    uni_loss, uni_bpb = unigram_bpb(workspace, tokenizer)
    print(f"\nCPU preset '{args.model}' ({trainer.model.num_parameters():,} parameters), batch "
          f"{args.batch_size}×{trainer.model.config.context_length}, {steps} steps in {train_time:.0f} s "
          f"(data + tokenizer {prepared:.0f} s), {os.cpu_count()} CPUs, workspace {root}")
    print(f"{'step':>6} {'elapsed s':>9} {'val loss':>9} {'val bpb':>8} {'code loss':>9}")
    for m in evals:
        print(f"{m['step']:>6} {m.get('elapsed', 0):>9.0f} {m['val_loss']:>9.3f} {m['val_bpb']:>8.3f} "
              f"{m.get('val_loss_code', float('nan')):>9.3f}")
    final = evals[-1]
    print(f"{'unigram':>6} {'':>9} {uni_loss:>9.3f} {uni_bpb:>8.3f}")
    print(f"ratio final/untrained val bpb: {final['val_bpb'] / evals[0]['val_bpb']:.3f}; "
          f"final/unigram: {final['val_bpb'] / uni_bpb:.3f}; tokens/s (last log): "
          f"{read_metrics(trainer.run_dir)[-1].get('tokens_per_s', 0):,.0f}")


if __name__ == "__main__":
    main()
