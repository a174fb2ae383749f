"""The judge strategy's two settings against the greedy answer: utility accuracy of the shipped
(or any) checkpoint on the request sets written in other styles than tldr's, for each number of
proposing neighbours and each weight of the lookup's vote, beside greedy and the lookup alone,
all measured in one run on the same requests and index (the one the checkpoint carries).

The defaults (10 neighbours, weight 1: the two experts' log-probabilities simply added) were
not tuned on these sets; the table shows how flat the neighbourhood around them is.

    python benchmarks/judge_weights.py --candidates 5 10 20 --weights 0.5 1 2
"""
from __future__ import annotations

import argparse

from common import print_table, summary

from core.answering import AnswerSettings, answer_requests
from core.checkpoint import load_checkpoint
from core.pairs import read_pairs, score_answers
from core.retrieval import load_index
from core.workspace import PROJECT_ROOT

REQUEST_SETS = {"dev": "benchmarks/dev_requests.jsonl", "fresh": "benchmarks/test_requests.jsonl",
                "far": "benchmarks/test_requests_far.jsonl"}


def main() -> None:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--checkpoint", default=str(PROJECT_ROOT / "checkpoints" / "bilingual" / "best"))
    parser.add_argument("--candidates", nargs="+", type=int, default=[5, 10, 20])
    parser.add_argument("--weights", nargs="+", type=float, default=[0.5, 1.0, 2.0])
    parser.add_argument("--max-requests", type=int, default=200, help="per request set")
    args = parser.parse_args()
    checkpoint = load_checkpoint(args.checkpoint)
    index = load_index(checkpoint.path)
    if index is None:
        raise SystemExit(f"{args.checkpoint} carries no training pairs to propose from")
    sets = {name: read_pairs(PROJECT_ROOT / path)[:args.max_requests] for name, path in REQUEST_SETS.items()}
    requests = list(dict.fromkeys(pair.request for pairs in sets.values() for pair in pairs))

    def accuracies(answer: dict[str, str]) -> list[float]:
        return [score_answers(pairs, [answer[p.request] for p in pairs])[0]["utility_accuracy"]
                for pairs in sets.values()]

    def answered(settings: AnswerSettings) -> dict[str, str]:
        found = answer_requests(checkpoint, requests, settings, index)
        return {request: answer.command if answer else "" for request, answer in zip(requests, found)}

    greedy = accuracies(answered(AnswerSettings(strategy="greedy")))
    rows = [["lookup alone", "–", "–", *(f"{a:.3f}" for a in accuracies({r: index.answer(r) for r in requests})), ""],
            ["greedy", "–", "–", *(f"{a:.3f}" for a in greedy), "1.00x"]]
    for candidates in args.candidates:
        for weight in args.weights:
            judged = accuracies(answered(AnswerSettings(strategy="judge", candidates=candidates, lookup_weight=weight)))
            mean_ratio = sum(j / g for j, g in zip(judged, greedy)) / len(greedy)
            rows.append(["judge", str(candidates), f"{weight:g}", *(f"{a:.3f}" for a in judged), f"{mean_ratio:.2f}x"])
    print(f"\n{args.checkpoint}: utility accuracy, " + ", ".join(f"{n} {len(p)}" for n, p in sets.items()))
    print_table(["answerer", "neighbours", "lookup weight", *sets, "mean ratio to greedy"], rows)


if __name__ == "__main__":
    main()
