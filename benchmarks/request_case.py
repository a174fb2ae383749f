"""Whether the answer depends on how a request is typed: utility accuracy on the request sets as
written, with their first letter capitalised and in lower case, greedy and judged, and the ratio of
each to the requests as written (the baseline, measured in the same run on the same checkpoint).

People type "Delete log files older than 30 days" as often as "delete log files older than 30
days". tldr writes every request as a capitalised sentence and the curated one-liners mostly in
lower case, so a model can learn the case as *which source a request is from* and answer the
capitalised one with a tldr-page tool (`git branch -d`). Training on half the requests with their
first letter's case flipped made a model robust to it but worse on requests as typed
(benchmarks/README.md, twelfth round): this measures the gap on any checkpoint, as answers are
given (a capitalised request also read in lower case, seventeenth round) or with `--as-typed`.

    python benchmarks/request_case.py
"""
from __future__ import annotations

import argparse

from common import print_table, summary

from core.answering import AnswerSettings, answer_requests
from core.checkpoint import load_checkpoint
from core.data.bashdoc import Pair
from core.pairs import read_pairs, score_answers
from core.retrieval import load_index
from core.workspace import PROJECT_ROOT

REQUEST_SETS = {"dev": "benchmarks/dev_requests.jsonl", "fresh": "benchmarks/test_requests.jsonl",
                "blind": "benchmarks/blind_requests.jsonl"}
CASES = {"as written": lambda text: text, "capitalised": lambda text: text[:1].upper() + text[1:],
         "lower case": lambda text: text[:1].lower() + text[1:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--checkpoint", default=str(PROJECT_ROOT / "checkpoints" / "bilingual" / "best"))
    parser.add_argument("--strategies", nargs="+", default=["greedy", "judge"])
    parser.add_argument("--max-requests", type=int, default=200, help="per request set")
    parser.add_argument("--as-typed", action="store_true",
                        help="read every request only as typed (the gap before the seventeenth round)")
    args = parser.parse_args()
    checkpoint = load_checkpoint(args.checkpoint)
    index = load_index(checkpoint.path)
    sets = {name: read_pairs(PROJECT_ROOT / path)[:args.max_requests] for name, path in REQUEST_SETS.items()}
    rows = []
    for strategy in args.strategies:
        baseline = None
        for case, retyped in CASES.items():
            typed = {name: [Pair(retyped(p.request), p.command) for p in pairs] for name, pairs in sets.items()}
            requests = list(dict.fromkeys(p.request for pairs in typed.values() for p in pairs))
            settings = AnswerSettings(strategy=strategy, either_case=not args.as_typed)
            found = answer_requests(checkpoint, requests, settings, index)
            answer = {request: a.command if a else "" for request, a in zip(requests, found)}
            accuracy = [score_answers(pairs, [answer[p.request] for p in pairs])[0]["utility_accuracy"]
                        for pairs in typed.values()]
            baseline = baseline or accuracy
            ratio = f"{sum(accuracy) / sum(baseline):.2f}x" if sum(baseline) else "–"
            rows.append([strategy, case, *(f"{a:.3f}" for a in accuracy), ratio])
    print(f"\n{args.checkpoint}: utility accuracy, " + ", ".join(f"{n} {len(p)}" for n, p in sets.items()))
    print_table(["strategy", "requests typed", *sets, "ratio to as written"], rows)


if __name__ == "__main__":
    main()
