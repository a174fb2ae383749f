"""Which levers make a small model follow a request: stage-2 variants from one stage-1 parent.

Each variant is stage 2 with some overrides (learning rate, answer-weighted loss, steps, English
replay, from scratch …), trained from the same parent on the same corpus and tokenizer, then
scored on held-out (request, command) pairs of the given pair sources and on the dev set of
requests written in other styles, greedily and by any other decoding strategy asked for. The
retrieval baseline (TF-IDF over the training pairs) is measured in the same run; the table gives
each variant's utility accuracy and its ratio to the baseline. Variants train two at a time, one
thread each (on 2 cores that is about 1.2x the steps per second of one run on two threads).

    python benchmarks/request_following.py --workspace W --parent checkpoints/language/best \\
        --code-corpus pairs --english-corpus tinystories --steps 600 \\
        --variant lr1e-4 learning_rate=1e-4 --variant lr1e-3 learning_rate=1e-3
"""
from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from common import summary  # noqa: E402

from core.answering import AnswerSettings, answer_lines, known_commands  # noqa: E402
from core.checkpoint import load_checkpoint  # noqa: E402
from core.commands import runnable_pairs  # noqa: E402
from core.data.sources import held_out_and_training, sample_pairs  # noqa: E402
from core.pairs import read_pairs, score_pairs  # noqa: E402
from core.retrieval import RetrievalIndex  # noqa: E402
from core.workspace import Workspace  # noqa: E402

DEV = Path(__file__).resolve().parent / "dev_requests.jsonl"


def train_variants(args: argparse.Namespace, variants: list[tuple[str, list[str]]]) -> None:
    """Each variant a `python -m core train_code`, one after another: a workspace runs one job at
    a time (core/jobslot.py), as the app and the CLI do."""
    for name, overrides in variants:
        flags = [f"--{key.replace('_', '-')}={value}" for key, value in (o.split("=", 1) for o in overrides)]
        flags = [flag[:-5] if flag.endswith("=true") else flag for flag in flags]  # --from-scratch
        command = [sys.executable, "-m", "core", "--workspace", args.workspace, "train_code",
                   "--language-checkpoint", args.parent, "--english-corpus", args.english_corpus,
                   "--code-corpus", args.code_corpus, "--num-steps", str(args.steps), "--run-name", name,
                   "--eval-interval", str(args.steps), "--overwrite", *flags]
        with open(Path(args.workspace) / f"{name}.log", "w") as log:
            if subprocess.run(command, stdout=log, stderr=subprocess.STDOUT,
                              cwd=Path(__file__).resolve().parents[1]).returncode:
                raise SystemExit(f"variant {name} failed; see {Path(args.workspace) / f'{name}.log'}")


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x" if baseline else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--parent", default="checkpoints/language/best")
    parser.add_argument("--english-corpus", default="tinystories")
    parser.add_argument("--code-corpus", default="pairs")
    parser.add_argument("--pair-sources", nargs="+", default=["tldr", "curated"])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--variant", nargs="+", action="append", default=[], metavar=("NAME", "KEY=VALUE"),
                        help="a run name and its overrides of configs/code.yaml")
    parser.add_argument("--evaluate-only", nargs="*", default=[], help="existing runs to score, no training")
    parser.add_argument("--strategies", nargs="+", default=["greedy"])
    parser.add_argument("--max-pairs", type=int, default=300)
    args = parser.parse_args()
    workspace = Workspace.resolve(args.workspace)
    variants = [(v[0], v[1:]) for v in args.variant]
    train_variants(args, variants)

    held_out, train = held_out_and_training(workspace, args.pair_sources)
    sets = {name: sample_pairs(pairs, args.max_pairs) for name, pairs in held_out.items()}
    if "tldr" in held_out:  # the utilities a runnable-only corpus trains on
        sets["tldr (runnable here)"] = sample_pairs(runnable_pairs(held_out["tldr"]), args.max_pairs)
    sets["dev"] = read_pairs(DEV)
    index = RetrievalIndex(train)
    commands = known_commands(index)
    rows = [("retrieval", "-", {name: score_pairs(lambda requests: [index.answer(r) for r in requests], pairs)[0]
                                for name, pairs in sets.items()})]
    for run in [name for name, _ in variants] + args.evaluate_only:
        checkpoint = load_checkpoint(workspace.run_dir(run) / "best")
        for strategy in args.strategies:
            answer = functools.partial(answer_lines, checkpoint, settings=AnswerSettings(strategy=strategy),
                                       index=index, commands=commands)
            rows.append((run, strategy, {name: score_pairs(answer, pairs)[0] for name, pairs in sets.items()}))
    print(f"held-out pairs: {', '.join(f'{name} {len(pairs)}' for name, pairs in sets.items())}; "
          f"{len(train):,} training pairs" + (f"; {args.steps} stage-2 steps per variant" if variants else ""))
    header = " | ".join(f"{name} utility (x retrieval) / overlap" for name in sets)
    print(f"variant | strategy | {header}\n---|---|" + "---|" * len(sets))
    baseline = rows[0][2]
    for run, strategy, scores in rows:
        cells = [f"{s['utility_accuracy']:.3f} ({_ratio(s['utility_accuracy'], baseline[n]['utility_accuracy'])})"
                 f" / {s['token_overlap']:.3f}" for n, s in scores.items()]
        print(f"{run} | {strategy} | " + " | ".join(cells))


if __name__ == "__main__":
    main()
