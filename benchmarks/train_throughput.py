"""Training throughput: our GPT against transformers' GPT2LMHeadModel, same shape, same batches.

Prints tokens/s, ms/step and model FLOPs utilisation (against a large fp32 matmul measured in the
same run) for each size, interleaving the two models step-block by step-block, and the ratio. On a
CPU with bf16 instructions a third timer runs our model as the trainer does there (bf16 autocast).

    python benchmarks/train_throughput.py --sizes cpu tiny --batch-size 16 --rounds 5
"""
from __future__ import annotations

import argparse
import contextlib
import time

import torch
from common import (
    batches,
    gflops_of_matmul,
    interleaved,
    matmul_timer,
    median,
    ours,
    peer,
    print_table,
    shape,
    summary,
    token_stream,
    training_flops_per_token,
)

from core.device import autocast as core_autocast
from core.device import cpu_has_native_bf16


def ours_loss(model, x, y):
    return model(x, y)[1]


def peer_loss(model, x, y):
    logits = model(input_ids=x, use_cache=False).logits
    return torch.nn.functional.cross_entropy(logits.flatten(0, 1), y.flatten())


def make_timer(model, loss_fn, data, steps: int, device: torch.device, autocast):
    # The optimizer our trainer uses (fused AdamW), for both models.
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1, betas=(0.9, 0.95),
                                  fused=True)
    position = {"i": 0}

    def run() -> float:
        """Seconds per step over `steps` steps (the loop's per-step work, clip and all)."""
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(steps):
            x, y = data[position["i"] % len(data)]
            position["i"] += 1
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            with autocast():
                loss = loss_fn(model, x, y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
        if device.type == "cuda":
            torch.cuda.synchronize()
        return (time.perf_counter() - start) / steps

    run()  # warm-up: allocator, kernels, compilation
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--sizes", nargs="+", default=["cpu", "tiny"])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--context", type=int, help="override each size's context length")
    parser.add_argument("--steps", type=int, default=3, help="steps per timed block")
    parser.add_argument("--rounds", type=int, default=5, help="A B rounds")
    parser.add_argument("--compile", action="store_true", help="torch.compile our model")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    device = torch.device(args.device)

    def autocast():
        if device.type == "cuda":
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    tokens = token_stream()
    # The yardstick is the best matmul rate seen: fresh before any model exists, or interleaved
    # with the models (the machine drifts, and a slow moment must not flatter the MFU). On a GPU,
    # a bf16 8192^3 product: a 2048^3 one is too short there to reach the chip's rate.
    on_gpu = device.type == "cuda"
    yardstick = ({"size": 8192, "device": device, "dtype": torch.bfloat16} if on_gpu else {"size": 2048})
    yardstick_name = f"{yardstick['size']}^3 {'bf16' if on_gpu else 'fp32'}"
    fresh_matmul = matmul_timer(**yardstick)
    best_fresh = min(fresh_matmul() for _ in range(3))
    rows = []
    for size in args.sizes:
        config = shape(size, args.context)
        data = batches(tokens, args.batch_size, config.context_length, 8)
        ours_model = ours(config).to(device).train()
        if args.compile:
            ours_model = torch.compile(ours_model)
        peer_model = peer(config).to(device).train()
        timers = {"ours": make_timer(ours_model, ours_loss, data, args.steps, device, autocast),
                  "peer": make_timer(peer_model, peer_loss, data, args.steps, device, autocast)}
        if device.type == "cpu" and cpu_has_native_bf16():  # what our trainer runs on such a CPU
            timers["ours bf16"] = make_timer(ours(config).train(), ours_loss, data, args.steps, device,
                                             lambda: core_autocast(device, cpu_bf16=True))
        timers["matmul"] = matmul_timer(**yardstick)
        seconds = interleaved(timers, args.rounds)
        gflops = gflops_of_matmul(min(best_fresh, median(seconds["matmul"])), yardstick["size"])
        tokens_per_step = args.batch_size * config.context_length
        flops_per_token = training_flops_per_token(config)
        for name in [name for name in ("ours", "peer", "ours bf16") if name in seconds]:
            step = median(seconds[name])
            rate = tokens_per_step / step
            mfu = f"{100 * rate * flops_per_token / (gflops * 1e9):.0f}%"
            rows.append([size, name, f"{args.batch_size}x{config.context_length}", f"{rate:,.0f}",
                         f"{1000 * step:.0f}", mfu])
        ratio = median(seconds["peer"]) / median(seconds["ours"])
        rows.append([size, "ours/peer", "", f"{ratio:.2f}x", "", ""])
        if "ours bf16" in seconds:
            rows.append([size, "ours bf16/ours", "", f"{median(seconds['ours']) / median(seconds['ours bf16']):.2f}x",
                         "", ""])
        rows.append([size, "matmul", yardstick_name, f"{gflops:,.0f} GFLOP/s", "", "yardstick"])
    print(f"\ntraining throughput on {device} ({torch.get_num_threads()} threads), torch "
          f"{torch.__version__}, medians of {args.rounds} interleaved rounds of {args.steps} steps"
          f"{', ours compiled' if args.compile else ''}")
    print_table(["size", "model", "batch", "tokens/s", "ms/step", "MFU"], rows)


if __name__ == "__main__":
    main()
