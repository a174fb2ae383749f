"""Answering speed: requests answered together (`answer_requests`: equal-length prompts share a
batch, finished rows drop out) against one at a time (`answer_request`, as the report answered
before), per strategy, on the same checkpoint and requests, alternating in one run; and how many
answers the two ways agree on (they should all: a request's samples draw from its own generator).

    python benchmarks/answer_throughput.py --max-requests 300
"""
from __future__ import annotations

import argparse
import time

from common import print_table, summary

from core.answering import STRATEGIES, AnswerSettings, answer_request, answer_requests, known_commands
from core.checkpoint import load_checkpoint
from core.pairs import read_pairs
from core.retrieval import load_index
from core.workspace import PROJECT_ROOT

REQUEST_SETS = ("benchmarks/dev_requests.jsonl", "benchmarks/test_requests.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--checkpoint", default=str(PROJECT_ROOT / "checkpoints" / "bilingual" / "best"))
    parser.add_argument("--max-requests", type=int, default=300, help="from the dev and fresh request sets")
    parser.add_argument("--strategies", nargs="+", choices=STRATEGIES, default=list(STRATEGIES))
    args = parser.parse_args()
    checkpoint = load_checkpoint(args.checkpoint)
    requests = [p.request for name in REQUEST_SETS for p in read_pairs(PROJECT_ROOT / name)][:args.max_requests]
    index = load_index(checkpoint.path)
    commands = known_commands(index)
    rows = []
    for strategy in args.strategies:
        settings = AnswerSettings(strategy=strategy)
        start = time.perf_counter()
        alone = [answer_request(checkpoint, request, settings, index, commands).command for request in requests]
        one_at_a_time = time.perf_counter() - start
        start = time.perf_counter()
        together = [answer.command for answer in answer_requests(checkpoint, requests, settings, index, commands)]
        batched = time.perf_counter() - start
        same = sum(a == b for a, b in zip(alone, together))
        rows.append([strategy, f"{one_at_a_time / len(requests) * 1000:.1f}", f"{batched / len(requests) * 1000:.1f}",
                     f"{one_at_a_time / batched:.2f}x", f"{same}/{len(requests)}"])
    print(f"\n{args.checkpoint} ({checkpoint.model.num_parameters():,} parameters), {len(requests)} requests")
    print_table(["strategy", "one at a time, ms/request", "together, ms/request", "together vs one at a time",
                 "same answer"], rows)


if __name__ == "__main__":
    main()
