"""What the two stages buy, on real data: language-only vs code-only vs bilingual (and replay).

English: the TinyStories slice in ../shared/data; bash: its tldr pages (English description →
command) plus the project's curated scripts. One tokenizer for all runs. The code-only run is
stage 2 from random initialisation with the same size, tokenizer and steps as the bilingual one;
the replay run mixes English into stage 2. The report's held-out pairs are the tldr examples on
the validation side of the corpus split. Prints the table and the time each run took.

    python benchmarks/bilingual_report.py --language-steps 600 --code-steps 400
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from core.config import CONFIG_DIR, load_train_config  # noqa: E402
from core.data.sources import download  # noqa: E402
from core.pairs import heldout_tldr_pairs  # noqa: E402
from core.report import bilingual_report, report_markdown, write_report  # noqa: E402
from core.tokenizer import train_tokenizer  # noqa: E402
from core.training import train  # noqa: E402
from core.workspace import Workspace  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="cpu")
    parser.add_argument("--language-steps", type=int, default=600)
    parser.add_argument("--code-steps", type=int, default=400)
    parser.add_argument("--replay", type=float, default=0.25, help="English share of the replay run (0: skip)")
    parser.add_argument("--max-pairs", type=int, default=100)
    parser.add_argument("--workspace", help="keep everything here (default: a temporary folder)")
    args = parser.parse_args()
    if not (SHARED / "tinystories").is_dir() or not (SHARED / "tldr").is_dir():
        sys.exit(f"skipped: the real data folder {SHARED} is incomplete")
    workspace = Workspace.resolve(args.workspace or tempfile.mkdtemp(prefix="bilingual-bench-"))
    timings = {}
    start = time.perf_counter()
    download(workspace, "english", "local", name="tinystories", show_progress=False,
             path=str(SHARED / "tinystories" / "TinyStories-train-prefix-2MiB.txt"))
    download(workspace, "code", "tldr,curated", name="tldr", path=str(SHARED / "tldr"), show_progress=False)
    train_tokenizer([workspace.corpus_dir("english", "tinystories"), workspace.corpus_dir("code", "tldr")],
                    workspace.tokenizer_path("default"), show_progress=False)
    timings["data + tokenizer"] = time.perf_counter() - start
    common = {"model": args.model, "english_corpus": "tinystories", "code_corpus": "tldr", "device": "cpu"}
    runs = [("language", "language", {"num_steps": args.language_steps}),
            ("bilingual", "code", {"num_steps": args.code_steps, "init_from": "checkpoints/language/best"}),
            ("code-only", "code", {"num_steps": args.code_steps, "from_scratch": True,
                                   "learning_rate": 3e-4})]
    if args.replay:
        runs.append((f"bilingual-replay{args.replay:g}", "code", {
            "num_steps": args.code_steps, "init_from": "checkpoints/language/best",
            "replay_fraction": args.replay}))
    for run_name, stage, values in runs:
        config = load_train_config(CONFIG_DIR / f"{stage}.yaml", {**common, **values, "run_name": run_name})
        start = time.perf_counter()
        train(config, workspace, overwrite=True, show_progress=False)
        timings[run_name] = time.perf_counter() - start
        print(f"{run_name}: {timings[run_name]:.0f} s", flush=True)
    pairs = heldout_tldr_pairs(SHARED / "tldr", max_pairs=args.max_pairs)
    start = time.perf_counter()
    report = bilingual_report([workspace.run_dir(name) / "best" for name, _, _ in runs], workspace,
                              english_corpus="tinystories", code_corpus="tldr", samples=2, pairs=pairs,
                              outputs_dir=workspace.root / "reports" / "outputs")
    timings["report"] = time.perf_counter() - start
    json_path, _ = write_report(report, workspace.root / "reports" / "report.json")
    print()
    print(report_markdown(report).split("\n\n**")[0])
    print(f"\n{len(pairs)} held-out tldr pairs; report: {json_path}")
    print("time per run: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items()))


if __name__ == "__main__":
    main()
