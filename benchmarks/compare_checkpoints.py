"""Checkpoints against the first on the recipe report's pair sets: utility accuracy per set, and
the paired count over every distinct pair, with the ratio of pooled accuracy to the first's.

A set of 140–200 requests moves by up to 12 with another training seed alone, so whether a new
pair beats the shipped one is read from the pooled paired count (benchmarks/README.md, eighth
round), as written and with the request sets' first letter capitalised (people type both; tldr
writes every request capitalised: twelfth round). Every checkpoint answers with the same lookup,
the one the report uses: all training pairs of the recipe's pair sources.

    python benchmarks/compare_checkpoints.py shipped=checkpoints/bilingual/best new=W/ship/checkpoints/bilingual/best

A decoding option against the default on one checkpoint: the same path under two labels, the
first reading requests only as typed (seventeenth round):

    python benchmarks/compare_checkpoints.py typed=checkpoints/bilingual/best either=checkpoints/bilingual/best \
        --as-typed typed --strategies greedy judge retrieval rerank
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import print_table, summary
from request_case import CASES

from core.answering import STRATEGIES, AnswerSettings, answer_requests
from core.checkpoint import load_checkpoint
from core.data.bashdoc import Pair
from core.data.sources import held_out_and_training
from core.pairs import distinct_matches, paired_comparison, score_answers
from core.recipe import evaluation_sets, load_recipe
from core.retrieval import RetrievalIndex
from core.workspace import Workspace

CAPITALISED = "capitalised: "  # the name of a request set's capitalised copy starts so


def labelled(text: str) -> tuple[str, Path, str | None]:
    """LABEL=PATH, or LABEL=PATH@STRATEGY for a checkpoint that answers by that strategy in every
    table (the shipped model's judged answers, the playground's default, against another's
    `retrieval` answers, say)."""
    label, separator, path = text.partition("=")
    head, _, strategy = path.rpartition("@")
    pinned = strategy if head and strategy in STRATEGIES else None  # a path may hold an @ of its own
    path = head if pinned else path
    if not separator or not label or not path:
        raise argparse.ArgumentTypeError(f"expected LABEL=PATH or LABEL=PATH@STRATEGY ({', '.join(STRATEGIES)}), "
                                         f"got {text!r}")
    return label, Path(path), pinned


def with_capitalised(pair_sets: dict[str, list[Pair]], request_sets: list[str]) -> dict[str, list[Pair]]:
    """The sets, and a copy of each request set with every request's first letter capitalised."""
    capitalise = CASES["capitalised"]
    copies = {CAPITALISED + name: [Pair(capitalise(p.request), p.command) for p in pair_sets[name]]
              for name in request_sets}
    return {**pair_sets, **copies}


def main() -> None:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("checkpoints", nargs="+", type=labelled,
                        help="LABEL=PATH[@STRATEGY]; the first is the baseline")
    parser.add_argument("--strategies", nargs="+", choices=STRATEGIES, default=["greedy", "judge"])
    parser.add_argument("--pair-sources", nargs="+", help="default: the recipe's code sources")
    parser.add_argument("--max-pairs", type=int, help="per set (default: the recipe's)")
    parser.add_argument("--no-capitalised", action="store_true", help="skip the capitalised request sets")
    parser.add_argument("--as-typed", nargs="+", default=[], metavar="LABEL",
                        help="checkpoints that read every request only as typed (AnswerSettings.either_case off)")
    args = parser.parse_args()
    unknown = set(args.as_typed) - {label for label, _, _ in args.checkpoints}
    if unknown:
        parser.error(f"--as-typed names no checkpoint given: {', '.join(sorted(unknown))}")
    recipe = load_recipe(overrides={"code_sources": args.pair_sources, "max_pairs": args.max_pairs})
    with tempfile.TemporaryDirectory() as scratch:
        held_out, training = held_out_and_training(Workspace(Path(scratch)), recipe.code_sources)
    pair_sets = evaluation_sets(recipe, held_out)
    if not args.no_capitalised:
        pair_sets = with_capitalised(pair_sets, list(recipe.request_sets))
    groups = {"as written": [n for n in pair_sets if not n.startswith(CAPITALISED)],
              "capitalised": [n for n in pair_sets if n.startswith(CAPITALISED)]}
    index = RetrievalIndex(training)
    requests = list(dict.fromkeys(p.request for pairs in pair_sets.values() for p in pairs))
    print(", ".join(f"{name} {len(pairs)}" for name, pairs in pair_sets.items())
          + f"; {len(requests)} distinct requests; the lookup indexes {len(training):,} training pairs")

    loaded = {label: load_checkpoint(path) for label, path, _ in args.checkpoints}  # once, and a bad path first
    scored: dict[tuple[str, str], dict[str, list[bool]]] = {}  # (label, strategy) -> each set's matches
    for strategy in args.strategies:
        matches: dict[str, dict[str, list[bool]]] = {}
        for label, _, pinned in args.checkpoints:
            answered_by = pinned or strategy
            if (label, answered_by) not in scored:
                settings = AnswerSettings(strategy=answered_by, max_new_tokens=48,
                                          either_case=label not in args.as_typed)
                found = answer_requests(loaded[label], requests, settings, index)
                answer = {request: a.command if a else "" for request, a in zip(requests, found)}
                scored[label, answered_by] = {
                    name: [row.utility_match for row in score_answers(pairs, [answer[p.request] for p in pairs])[1]]
                    for name, pairs in pair_sets.items()}
            matches[f"{label} · {pinned}" if pinned else label] = scored[label, answered_by]
        labels = list(matches)
        print(f"\nutility accuracy, {strategy}")
        print_table(["set", *labels], [[f"{name} ({len(pairs)})",
                                        *(f"{sum(matches[label][name]) / len(pairs):.3f}" for label in labels)]
                                       for name, pairs in pair_sets.items() if pairs])
        rows = []
        for group, names in groups.items():
            if not names:
                continue
            sets = {name: pair_sets[name] for name in names}
            pooled = {label: distinct_matches(sets, {n: matches[label][n] for n in names}) for label in labels}
            baseline = sum(pooled[labels[0]])
            for label in labels[1:]:
                count = paired_comparison(pooled[label], pooled[labels[0]])
                ratio = f"{sum(pooled[label]) / baseline:.2f}x" if baseline else "–"
                rows.append([label, group, len(pooled[label]), count["first_only"], count["second_only"],
                             count["p_value"], ratio])
        if rows:
            print(f"\npaired against {labels[0]}, {strategy}, every distinct pair once")
            print_table(["checkpoint", "requests", "pairs", "only it right", f"only {labels[0]} right",
                         "p (exact sign test)", "pooled accuracy ratio"], rows)


if __name__ == "__main__":
    main()
