"""The bilingual report: what each checkpoint knows of English and of bash, in numbers.

It backs `evaluate` and `test_bilingual` and the app's Report tab. The product's claim is that a
model pretrained on English and fine-tuned on bash follows English requests with bash and still
writes English, while a code-only model does not; each column here tests one part of that claim:

- val loss and bits-per-byte on English and on bash (bits-per-byte compares across tokenizers);
- forgetting: English bits-per-byte of a stage-2 checkpoint minus its stage-1 parent's;
- bash validity: the share of sampled scripts `bash -n` accepts (N prompts × k seeds), the share
  that also runs at least one command (comments alone parse too), and shellcheck warnings per
  script where shellcheck is installed;
- following requests: utility accuracy and token overlap on held-out (description, command) pairs;
- English quality: distinct-2/3 and the repetition rate of story continuations.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from core.checkpoint import Checkpoint, load_checkpoint
from core.data.shards import tokenize_split
from core.evaluation import (bash_syntax_ok, distinct_n, evaluate_shard, first_command_word,
                             repetition_rate, shellcheck_warnings)
from core.generation import GenerationSettings, generate
from core.pairs import Pair, score_pairs, write_pair_outputs
from core.tokenizer import token_byte_lengths
from core.workspace import Workspace

STORY_PROMPTS = ("Once upon a time, there was a little", "One day, a girl named Lily went to the",
                 "The old man looked at the sky and said")
BASH_PROMPTS = ("Create a backup script", "list all large files", "count the lines of every text file",
                "delete log files older than 30 days", "check if a website is up")
COLUMNS = ("val_loss_english", "val_bpb_english", "val_loss_code", "val_bpb_code", "forgetting_bpb_english",
           "bash_valid_share", "bash_command_share", "shellcheck_warnings", "utility_accuracy", "token_overlap", "distinct_2",
           "repetition_rate")


def _language_figures(checkpoint: Checkpoint, workspace: Workspace, corpora: dict[str, str],
                      eval_batches: int, batch_size: int) -> dict[str, float]:
    token_bytes = torch.tensor(token_byte_lengths(checkpoint.tokenizer), dtype=torch.float64)
    figures = {}
    for domain, corpus in corpora.items():
        corpus_dir = workspace.corpus_dir(domain, corpus)
        if not (corpus_dir / "manifest.json").exists():
            continue
        shard = tokenize_split(corpus_dir, checkpoint.tokenizer, "val")
        if len(shard) <= checkpoint.model.config.context_length:
            continue
        report = evaluate_shard(checkpoint.model, shard, token_bytes, eval_batches, batch_size)
        figures[f"val_loss_{domain}"] = round(report.loss, 4)
        figures[f"val_bpb_{domain}"] = round(report.bits_per_byte, 4)
    return figures


def _bash_figures(checkpoint: Checkpoint, samples: int, max_new_tokens: int) -> dict[str, Any]:
    scripts = [generate(checkpoint, prompt, GenerationSettings(max_new_tokens=max_new_tokens, seed=seed)).text
               for prompt in BASH_PROMPTS for seed in range(samples)]
    valid = [s for s in scripts if bash_syntax_ok(s)]
    figures: dict[str, Any] = {
        "bash_valid_share": round(len(valid) / len(scripts), 3),
        # A script of comments alone parses too; this counts the ones that also run something.
        "bash_command_share": round(sum(first_command_word(s) is not None for s in valid) / len(scripts), 3),
        "bash_example": scripts[0]}
    warnings = [w for w in (shellcheck_warnings(s) for s in scripts) if w is not None]
    if warnings:
        figures["shellcheck_warnings"] = round(sum(warnings) / len(warnings), 2)
    return figures


def _english_figures(checkpoint: Checkpoint, max_new_tokens: int) -> dict[str, Any]:
    settings = GenerationSettings(template="raw", max_new_tokens=max_new_tokens, seed=0)
    stories = [generate(checkpoint, prompt, settings).completion for prompt in STORY_PROMPTS]
    return {"distinct_2": round(distinct_n(stories, 2), 3), "distinct_3": round(distinct_n(stories, 3), 3),
            "repetition_rate": round(sum(map(repetition_rate, stories)) / len(stories), 3),
            "story": STORY_PROMPTS[0] + stories[0]}


def checkpoint_report(path: Path, workspace: Workspace, english_corpus: str, code_corpus: str,
                      samples: int = 2, pairs: Sequence[Pair] = (),
                      pair_settings: GenerationSettings | None = None, eval_batches: int = 8,
                      batch_size: int = 8, max_new_tokens: int = 80) -> tuple[dict[str, Any], list]:
    """One checkpoint's row of the report, and its per-pair outputs."""
    checkpoint = load_checkpoint(path)
    row: dict[str, Any] = {"checkpoint": str(path), "stage": checkpoint.info.get("stage"),
                           "from_scratch": bool(checkpoint.info.get("train_config", {}).get("from_scratch")),
                           "step": checkpoint.info.get("step"), "parent": checkpoint.info.get("parent"),
                           "parameters": checkpoint.model.num_parameters()}
    row.update(_language_figures(checkpoint, workspace, {"english": english_corpus, "code": code_corpus},
                                 eval_batches, batch_size))
    row.update(_bash_figures(checkpoint, samples, max_new_tokens))
    row.update(_english_figures(checkpoint, max_new_tokens))
    pair_results: list = []
    if pairs:
        summary, pair_results = score_pairs(checkpoint, pairs, pair_settings)
        row.update({k: v for k, v in summary.items() if k != "pairs"})
        row["pairs"] = summary["pairs"]
    return row, pair_results


def bilingual_report(paths: Sequence[Path], workspace: Workspace, english_corpus: str = "installed",
                     code_corpus: str = "installed", samples: int = 2, pairs: Sequence[Pair] = (),
                     pair_settings: GenerationSettings | None = None,
                     outputs_dir: Path | None = None) -> dict[str, Any]:
    """Rows for every checkpoint, with forgetting measured against each stage-2 run's parent."""
    rows = []
    for index, path in enumerate(paths):
        row, pair_results = checkpoint_report(Path(path), workspace, english_corpus, code_corpus, samples,
                                              pairs, pair_settings)
        if outputs_dir and pair_results:
            outputs_dir.mkdir(parents=True, exist_ok=True)
            row["pair_outputs"] = str(outputs_dir / f"pairs-{index}-{Path(path).parent.name}.jsonl")
            write_pair_outputs(pair_results, Path(row["pair_outputs"]))
        rows.append(row)
    by_path = {str(Path(r["checkpoint"]).resolve()): r for r in rows}
    for row in rows:
        parent = row.get("parent")
        if not parent or "val_bpb_english" not in row:
            continue
        parent_row = by_path.get(str(Path(parent).resolve()))
        if parent_row is None and Path(parent).exists():
            parent_row = _language_figures(load_checkpoint(parent), workspace, {"english": english_corpus}, 8, 8)
        if parent_row and "val_bpb_english" in parent_row:
            row["forgetting_bpb_english"] = round(row["val_bpb_english"] - parent_row["val_bpb_english"], 4)
    return {"english_corpus": english_corpus, "code_corpus": code_corpus, "samples_per_prompt": samples,
            "bash_prompts": list(BASH_PROMPTS), "pairs": len(pairs), "checkpoints": rows}


def report_markdown(report: dict[str, Any]) -> str:
    shown = [c for c in COLUMNS if any(c in row for row in report["checkpoints"])]
    lines = ["| checkpoint | stage | parameters | " + " | ".join(shown) + " |",
             "|---|---|---:|" + "---:|" * len(shown)]
    for row in report["checkpoints"]:
        stage = f"{row['stage']} (from scratch)" if row.get("from_scratch") else row["stage"]
        cells = [str(row.get(c, "–")) for c in shown]
        lines.append(f"| {row['checkpoint']} | {stage} | {row['parameters']:,} | " + " | ".join(cells) + " |")
    for row in report["checkpoints"]:
        lines += ["", f"**{row['checkpoint']}** — story:", "```text", row["story"], "```",
                  "bash:", "```bash", row["bash_example"], "```"]
    return "\n".join(lines)


def write_report(report: dict[str, Any], out: Path) -> tuple[Path, Path]:
    """The report as JSON and as a Markdown table beside it."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    markdown = out.with_suffix(".md")
    markdown.write_text(report_markdown(report) + "\n", encoding="utf-8")
    return out, markdown
