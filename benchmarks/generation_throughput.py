"""Generation speed: our KV-cache engine, in float32 and with int8 weights (`core.quantize`),
against transformers' `generate` (cache on), same weights' shape, greedy, 256 new tokens after a
16-token prompt, batch 1 and 8; plus time to first token. All contenders of a row group alternate
in one run, so each ratio is measured on the same stretch of machine time.

    python benchmarks/generation_throughput.py --sizes cpu tiny
"""
from __future__ import annotations

import argparse
import time

import torch
from common import interleaved, median, ours, peer, print_table, shape, summary

from core.engine import Sampling, generate_ids
from core.quantize import quantize_int8


def ours_timer(model, prompt: torch.Tensor, new_tokens: int):
    def run() -> float:
        start = time.perf_counter()
        for _ in generate_ids(model, prompt, Sampling(max_new_tokens=new_tokens, temperature=0)):
            pass
        return time.perf_counter() - start
    return run


def peer_timer(model, prompt: torch.Tensor, new_tokens: int):
    def run() -> float:
        start = time.perf_counter()
        with torch.inference_mode():
            model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=new_tokens,
                           min_new_tokens=new_tokens, do_sample=False, use_cache=True, pad_token_id=0)
        return time.perf_counter() - start
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--sizes", nargs="+", default=["cpu", "tiny"])
    parser.add_argument("--batch-sizes", nargs="+", type=int, default=[1, 8])
    parser.add_argument("--prompt-tokens", type=int, default=16)
    parser.add_argument("--new-tokens", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--precisions", nargs="+", choices=["fp32", "int8"], default=["fp32", "int8"])
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        # Both models get room for prompt + answer, so neither has to slide or stop.
        config = shape(size, context=max(shape(size).context_length, args.prompt_tokens + args.new_tokens))
        ours_model = ours(config).eval()
        models = {"ours int8" if p == "int8" else "ours": quantize_int8(ours_model) if p == "int8" else ours_model
                  for p in args.precisions}
        peer_model = peer(config).eval()
        for batch in args.batch_sizes:
            prompt = torch.randint(0, config.vocab_size, (batch, args.prompt_tokens))
            full = {name: ours_timer(model, prompt, args.new_tokens) for name, model in models.items()}
            full["peer"] = peer_timer(peer_model, prompt, args.new_tokens)
            first = {name: ours_timer(model, prompt, 1) for name, model in models.items()}
            first["peer"] = peer_timer(peer_model, prompt, 1)
            for run in (*full.values(), *first.values()):
                run()  # warm-up
            seconds = interleaved(full, args.rounds)
            first_token = interleaved(first, args.rounds)
            for name in full:
                rate = batch * args.new_tokens / median(seconds[name])
                rows.append([size, batch, name, f"{rate:,.0f}", f"{1000 * median(first_token[name]):.1f}"])
            for name in models:
                ratio = median(seconds["peer"]) / median(seconds[name])
                rows.append([size, batch, f"{name}/peer", f"{ratio:.2f}x", ""])
    print(f"\ngreedy generation on CPU ({torch.get_num_threads()} threads): {args.prompt_tokens}-token "
          f"prompt, {args.new_tokens} new tokens, medians of {args.rounds} interleaved rounds")
    print_table(["size", "batch", "model", "new tokens/s", "first token ms"], rows)


if __name__ == "__main__":
    main()
