"""The bilingual report: what each checkpoint knows of English and of bash, in numbers.

It backs `test_bilingual`: the language-only checkpoint should write English and not bash, the
bilingual one should write bash that parses while keeping most of its English.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from core.checkpoint import load_checkpoint
from core.data.shards import tokenize_split
from core.evaluation import bash_syntax_ok, evaluate_shard
from core.generation import GenerationSettings, generate
from core.tokenizer import token_byte_lengths
from core.workspace import Workspace

STORY_PROMPT = "Once upon a time, there was a little"
BASH_PROMPTS = ("Create a backup script", "list all large files", "count the lines of every text file")


def checkpoint_report(path: Path, workspace: Workspace, english_corpus: str, code_corpus: str,
                      samples: int, eval_batches: int = 8, batch_size: int = 8) -> dict[str, Any]:
    checkpoint = load_checkpoint(path)
    token_bytes = torch.tensor(token_byte_lengths(checkpoint.tokenizer), dtype=torch.float64)
    row: dict[str, Any] = {"checkpoint": str(path), "stage": checkpoint.info.get("stage"),
                           "step": checkpoint.info.get("step"),
                           "parameters": checkpoint.model.num_parameters()}
    for domain, corpus in (("english", english_corpus), ("code", code_corpus)):
        corpus_dir = workspace.corpus_dir(domain, corpus)
        if not (corpus_dir / "manifest.json").exists():
            continue
        shard = tokenize_split(corpus_dir, checkpoint.tokenizer, "val")
        if len(shard) <= checkpoint.model.config.context_length:
            continue
        figures = evaluate_shard(checkpoint.model, shard, token_bytes, eval_batches, batch_size)
        row[f"val_loss_{domain}"] = round(figures.loss, 4)
        row[f"val_bpb_{domain}"] = round(figures.bits_per_byte, 4)
    story = generate(checkpoint, STORY_PROMPT,
                     GenerationSettings(template="raw", max_new_tokens=60, seed=0))
    row["story"] = story.text
    scripts = [generate(checkpoint, prompt, GenerationSettings(max_new_tokens=80, seed=seed))
               for prompt in BASH_PROMPTS for seed in range(samples)]
    row["bash_valid_share"] = round(sum(bash_syntax_ok(s.text) for s in scripts) / len(scripts), 3)
    row["bash_example"] = scripts[0].text
    return row


def bilingual_report(paths: list[Path], workspace: Workspace, english_corpus: str = "installed",
                     code_corpus: str = "installed", samples: int = 3) -> dict[str, Any]:
    rows = [checkpoint_report(Path(p), workspace, english_corpus, code_corpus, samples) for p in paths]
    return {"english_corpus": english_corpus, "code_corpus": code_corpus, "checkpoints": rows}


def report_markdown(report: dict[str, Any]) -> str:
    columns = ("val_loss_english", "val_bpb_english", "val_loss_code", "val_bpb_code", "bash_valid_share")
    lines = ["| checkpoint | stage | parameters | " + " | ".join(columns) + " |",
             "|---|---|---:|" + "---:|" * len(columns)]
    for row in report["checkpoints"]:
        cells = [str(row.get(c, "–")) for c in columns]
        lines.append(f"| {row['checkpoint']} | {row['stage']} | {row['parameters']:,} | " + " | ".join(cells) + " |")
    for row in report["checkpoints"]:
        lines += ["", f"**{row['checkpoint']}** — story:", "```", row["story"], "```",
                  "bash:", "```bash", row["bash_example"], "```"]
    return "\n".join(lines)
