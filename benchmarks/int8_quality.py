"""What int8 weights cost a trained model: bits-per-byte and greedy answers, float32 against int8.

The shipped bilingual checkpoint (preset `cpu`) is scored twice in one process, as loaded (float32)
and quantized (`core.quantize`): bits-per-byte on the TinyStories validation slice (English) and
on the documents of all held-out tldr pairs (bash), and the greedy answer line to each of the
first `--max-pairs` held-out tldr requests — the share of requests both answer identically, and
each one's utility accuracy.

    python benchmarks/int8_quality.py

Needs ../shared/data (TinyStories and tldr pages); without it the script says so and exits.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from common import SHARED, print_table, summary

from core.answering import AnswerSettings, answer_request
from core.checkpoint import Checkpoint, load_checkpoint
from core.data.bashdoc import pair_document
from core.data.shards import TokenShard
from core.data.sources import held_out_and_training, sample_pairs
from core.data.streaming import END_OF_TEXT
from core.evaluation import evaluate_shard
from core.pairs import score_answers
from core.quantize import with_precision
from core.tokenizer import end_of_text_id, token_byte_lengths
from core.workspace import Workspace

CHECKPOINT = Path(__file__).resolve().parents[1] / "checkpoints" / "bilingual" / "best"
STORIES = SHARED / "tinystories" / "TinyStoriesV2-GPT4-valid-prefix.txt"
TLDR = SHARED / "tldr"


def text_shard(checkpoint: Checkpoint, documents: list[str]) -> TokenShard:
    """Documents as one token stream with end-of-text between them, as a corpus split is stored."""
    eot = end_of_text_id(checkpoint.tokenizer)
    ids = [i for encoding in checkpoint.tokenizer.encode_batch(documents, add_special_tokens=False)
           for i in (*encoding.ids, eot)]
    tokens = np.asarray(ids, dtype=np.uint16)
    return TokenShard(path=Path(), tokens=tokens, answer=np.ones(len(tokens), dtype=np.uint8),
                      bytes=sum(len(d.encode("utf-8")) for d in documents), end_of_text=eot)


def main() -> None:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--checkpoint", default=str(CHECKPOINT))
    parser.add_argument("--max-pairs", type=int, default=2000)
    parser.add_argument("--eval-batches", type=int, default=40, help="batches of 16 windows per corpus")
    args = parser.parse_args()
    if not (STORIES.exists() and TLDR.is_dir()):
        print(f"skipped: real data absent ({STORIES} and {TLDR} are needed)")
        return
    fp32 = load_checkpoint(args.checkpoint)
    models = {"fp32": fp32, "int8": with_precision(fp32, "int8")}
    with tempfile.TemporaryDirectory() as folder:
        held_out = held_out_and_training(Workspace.resolve(folder), ["tldr"], paths={"tldr": str(TLDR)})[0]["tldr"]
    pairs = sample_pairs(held_out, args.max_pairs)
    stories = [s.strip() for s in STORIES.read_text(encoding="utf-8").split(END_OF_TEXT) if s.strip()]
    corpora = {"English (TinyStories valid)": text_shard(fp32, stories),
               f"bash ({len(held_out):,} held-out tldr pairs)": text_shard(fp32, [pair_document(p) for p in held_out])}
    token_bytes = torch.tensor(token_byte_lengths(fp32.tokenizer), dtype=torch.float64)
    rows = []
    for corpus, shard in corpora.items():
        bpb = {name: evaluate_shard(c.model, shard, token_bytes, args.eval_batches, 16).bits_per_byte
               for name, c in models.items()}
        change = bpb["int8"] / bpb["fp32"] - 1
        rows.append([f"bits-per-byte, {corpus}", f"{bpb['fp32']:.4f}", f"{bpb['int8']:.4f}", f"{change:+.3%}"])
    greedy = AnswerSettings(strategy="greedy")
    answers = {name: [answer_request(c, p.request, greedy).command for p in pairs] for name, c in models.items()}
    same = sum(a == b for a, b in zip(answers["fp32"], answers["int8"]))
    utility = {name: score_answers(pairs, lines)[0]["utility_accuracy"] for name, lines in answers.items()}
    rows.append([f"greedy answers identical ({len(pairs):,} pairs)", "", "", f"{same:,} ({same / len(pairs):.1%})"])
    rows.append(["utility accuracy, greedy", f"{utility['fp32']:.3f}", f"{utility['int8']:.3f}", ""])
    print(f"\nint8 against float32: {Path(args.checkpoint)} ({fp32.model.num_parameters():,} parameters), "
          f"{args.eval_batches} x 16 windows of {fp32.model.config.context_length} tokens per corpus, "
          f"torch {torch.__version__}")
    print_table(["measure", "fp32", "int8", "int8 vs fp32"], rows)


if __name__ == "__main__":
    sys.exit(main())
