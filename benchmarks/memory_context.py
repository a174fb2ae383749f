"""Peak memory of a training run per size, and how step time grows with context length.

Each measurement runs in a fresh process, so its peak resident set size is its own. Step times
are reported as a multiple of the first (shortest) context, measured in the same run.

    python benchmarks/memory_context.py --sizes cpu tiny small --contexts 256 512 1024
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import torch
from common import ours, print_table, shape, summary


def measure(size: str, context: int, batch_size: int, steps: int) -> dict[str, float]:
    """Train a few steps in this process; report ms per step and peak RSS."""
    config = shape(size, context)
    model = ours(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, fused=True)
    x = torch.randint(0, config.vocab_size, (batch_size, context))
    for step in range(steps + 1):
        if step == 1:
            start = time.perf_counter()
        _, loss = model(x, x)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    ms = 1000 * (time.perf_counter() - start) / steps
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"ms_per_step": ms, "peak_rss_mb": peak_mb, "parameters": model.num_parameters()}


def main() -> None:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--sizes", nargs="+", default=["cpu", "tiny"])
    parser.add_argument("--contexts", nargs="+", type=int, default=[256, 512, 1024])
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "CONTEXT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]), args.batch_size, args.steps)))
        return
    rows = []
    for size in args.sizes:
        base = None
        for context in args.contexts:
            out = subprocess.run([sys.executable, __file__, "--child", size, str(context), "--batch-size",
                                  str(args.batch_size), "--steps", str(args.steps)],
                                 capture_output=True, text=True, check=True).stdout
            figures = json.loads(out.strip().splitlines()[-1])
            base = base or figures["ms_per_step"]
            rows.append([size, f"{figures['parameters']:,}", f"{args.batch_size}x{context}",
                         f"{figures['ms_per_step']:.0f}", f"{figures['ms_per_step'] / base:.2f}x of {args.contexts[0]}",
                         f"{figures['peak_rss_mb']:,.0f}"])
    print(f"\ntraining memory and context scaling on CPU ({torch.get_num_threads()} threads), fp32, "
          f"AdamW, {args.steps} timed steps each")
    print_table(["size", "parameters", "batch", "ms/step", "step time", "peak RSS MB"], rows)


if __name__ == "__main__":
    main()
