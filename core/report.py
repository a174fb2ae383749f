"""The bilingual report: what each checkpoint knows of English and of bash, in numbers.

It backs `evaluate` and `test_bilingual` and the app's Report tab. The product's claim is that a
model pretrained on English and fine-tuned on bash follows English requests with bash and still
writes English, while a code-only model does not; each column here tests one part of that claim:

- val loss and bits-per-byte on English and on bash (bits-per-byte compares across tokenizers);
- forgetting: English bits-per-byte of a stage-2 checkpoint minus its stage-1 parent's;
- bash validity: the share of sampled scripts `bash -n` accepts (N prompts × k seeds), the share
  that also runs at least one command (comments alone parse too), and shellcheck warnings per
  script where shellcheck is installed;
- following requests: utility accuracy and token overlap on held-out (request, command) pairs of
  every pair set, answered greedily and by any other decoding strategy asked for, beside the
  non-neural baseline (TF-IDF retrieval over the training pairs, `core.retrieval`);
- English quality: distinct-2/3 and the repetition rate of story continuations.
"""
from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch

from core.answering import AnswerSettings, answer_lines, known_commands
from core.atomic import check_replaceable
from core.checkpoint import Checkpoint, load_checkpoint, read_info
from core.config import check_range
from core.data.bashdoc import Pair
from core.data.shards import tokenize_split
from core.errors import UserError
from core.evaluation import (
    bash_syntax_ok,
    distinct_n,
    evaluate_shard,
    first_command_word,
    repetition_rate,
    shellcheck_warnings,
)
from core.generation import GenerationSettings, generate
from core.markdown import fenced
from core.names import REPORT_COLUMNS, val_bpb_key, val_loss_key
from core.pairs import distinct_matches, paired_comparison, score_pairs, write_pair_outputs
from core.prompts import BASH_PROMPTS, STORY_PROMPTS
from core.quantize import pick_precision, with_precision
from core.retrieval import RetrievalIndex
from core.tokenizer import token_byte_lengths
from core.workspace import Workspace

COLUMNS = REPORT_COLUMNS
RETRIEVAL_BASELINE = "retrieval baseline (TF-IDF)"
DEFAULT_CORPUS = "installed"  # measured when present and no corpus is named
MAX_SAMPLES = 64  # bash samples per prompt: 5 prompts × 64 already takes minutes per checkpoint
PairSets = dict[str, Sequence[Pair]]
POOLED = "all sets, each pair once"  # the pair set of the pooled paired comparisons


def report_corpora(workspace: Workspace, english_corpus: str | None, code_corpus: str | None) -> dict[str, str]:
    """The validation corpora to measure, by domain. A named corpus must exist — a typo would
    otherwise silently drop its columns; with none named, `installed` is measured where present."""
    corpora = {}
    for domain, name in (("english", english_corpus), ("code", code_corpus)):
        if name is None:
            if (workspace.corpus_dir(domain, DEFAULT_CORPUS) / "manifest.json").exists():
                corpora[domain] = DEFAULT_CORPUS
        elif name:
            if not (workspace.corpus_dir(domain, name) / "manifest.json").exists():
                known = ", ".join(workspace.corpora(domain)) or "none yet"
                raise UserError(f"no {domain} corpus {name!r} in {workspace.root} (there: {known}); "
                                "name one of them or leave it out")
            corpora[domain] = name
    return corpora


def check_report_inputs(workspace: Workspace, paths: Sequence[Path], english_corpus: str | None,
                        code_corpus: str | None, samples: int) -> dict[str, str]:
    """Everything a report is asked for that can be checked in a moment — sample count, corpora,
    that each checkpoint is one — so a mistake fails before minutes of evaluation; the corpora."""
    check_range("samples", samples, 1, MAX_SAMPLES)
    for path in paths:
        read_info(Path(path))
    resolved = [Path(path).resolve() for path in paths]
    twice = sorted({str(path) for path in resolved if resolved.count(path) > 1})
    if twice:
        raise UserError(f"the same checkpoint is given twice ({', '.join(twice)}); give each once")
    return report_corpora(workspace, english_corpus, code_corpus)


def answerer_names(paths: Sequence[Path]) -> list[str]:
    """What the report calls each checkpoint's answers: its run's name, or as much more of its path
    as tells two apart (the shipped bilingual/best beside a workspace's bilingual/best, a run's best/
    beside its last/). Two answerers of one name would share a row's results and a sign test."""
    resolved = [Path(path).resolve() for path in paths]
    for spelled in ([path.parent.name for path in resolved], [f"{path.parent.name}/{path.name}" for path in resolved]):
        if len(set(spelled)) == len(spelled):
            return spelled
    return [str(path) for path in resolved]


def report_files(out: Path) -> tuple[Path, Path, Path]:
    """Where a report at `out` goes: the JSON, the Markdown beside it, the folder of every answer."""
    out = Path(out)
    return out, out.with_suffix(".md"), out.parent / f"{out.stem}-outputs"


def check_report_target(out: Path, replace: bool, protected: tuple[Path, ...] = ()) -> None:
    """Refuse to write a report over an earlier one (or its answers) unless asked to replace it."""
    for target in report_files(out):
        check_replaceable(target, replace=replace, protected=protected)


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
        figures[val_loss_key(domain)] = round(report.loss, 4)
        figures[val_bpb_key(domain)] = round(report.bits_per_byte, 4)
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


def _readable(workspace: Workspace, path: str) -> bool:
    """Whether a parent checkpoint can be read here: it exists, and a confined workspace (the app)
    does not fence it out."""
    try:
        return workspace.path(path).exists()
    except UserError:
        return False


def checkpoint_report(checkpoint: Checkpoint, workspace: Workspace, corpora: dict[str, str],
                      samples: int = 2, eval_batches: int = 8, batch_size: int = 8,
                      max_new_tokens: int = 80) -> dict[str, Any]:
    """One checkpoint's language figures on `corpora` (domain → name) and its generation figures."""
    path = checkpoint.path
    row: dict[str, Any] = {"checkpoint": str(path), "stage": checkpoint.info.get("stage"),
                           "from_scratch": bool(checkpoint.info.get("train_config", {}).get("from_scratch")),
                           "step": checkpoint.info.get("step"),
                           "parent": str(parent) if (parent := checkpoint.parent) else None,
                           "parameters": checkpoint.model.num_parameters()}
    row.update(_language_figures(checkpoint, workspace, corpora, eval_batches, batch_size))
    row.update(_bash_figures(checkpoint, samples, max_new_tokens))
    row.update(_english_figures(checkpoint, max_new_tokens))
    return row


Matches = dict[str, list[bool]]  # pair set → whether each answer named the reference's utility


def _score_sets(answerer: str, answer_all: Callable[[list[str]], Sequence[str | None]], pair_sets: PairSets,
                outputs_dir: Path | None) -> tuple[dict[str, Any], Matches]:
    """One row of the pairs table (utility accuracy and token overlap on every pair set), and each
    answer's utility match for the paired comparisons. Every distinct request of all the sets is
    answered in one call: answers are deterministic, and a batch of them decodes together."""
    requests = list(dict.fromkeys(pair.request for pairs in pair_sets.values() for pair in pairs))
    answers = dict(zip(requests, answer_all(requests), strict=True))
    row: dict[str, Any] = {"answerer": answerer}
    matches: Matches = {}
    for name, pairs in pair_sets.items():
        summary, results = score_pairs(lambda asked: [answers[request] for request in asked], pairs)
        row[name] = {k: v for k, v in summary.items() if k != "pairs"}
        matches[name] = [result.utility_match for result in results]
        if outputs_dir:
            outputs_dir.mkdir(parents=True, exist_ok=True)
            slug = "".join(c if c.isalnum() or c in "-_" else "-" for c in f"{answerer}-{name}")
            write_pair_outputs(results, outputs_dir / f"{slug}.jsonl")
    return row, matches


def _comparisons(rows: Sequence[dict[str, Any]], answerers: dict[str, list[str]], matches: dict[str, Matches],
                 baseline: str | None, pair_sets: PairSets) -> list[dict[str, Any]]:
    """The claim, answer by answer: every fine-tuned stage-2 checkpoint against each from-scratch
    one (the same strategy) and against the retrieval baseline — by the first strategy on every
    pair set and, where there are several, on all of them pooled (`POOLED`); by every other
    strategy on the pooled set only, so a decoding option's claim is tested too."""
    def is_stage2(row: dict[str, Any], from_scratch: bool) -> bool:
        return row.get("stage") == "code" and row.get("from_scratch") == from_scratch

    if len(pair_sets) > 1:  # the pooled matches are one more set, found once per answerer
        matches = {answerer: {**by_set, POOLED: distinct_matches(pair_sets, by_set)}
                   for answerer, by_set in matches.items()}
    scratch = [answerers[r["checkpoint"]] for r in rows if is_stage2(r, True)]
    comparisons = []
    for row in rows:
        if not is_stage2(row, False):
            continue
        for rank, ours in enumerate(answerers[row["checkpoint"]]):
            opponents = [theirs[rank] for theirs in scratch if rank < len(theirs)] + ([baseline] if baseline else [])
            sets = list(matches[ours]) if rank == 0 else [name for name in matches[ours] if name == POOLED]
            for other in opponents:
                comparisons.extend({"first": ours, "second": other, "pair_set": name,
                                    **paired_comparison(matches[ours][name], matches[other][name])} for name in sets)
    return comparisons


def bilingual_report(paths: Sequence[Path], workspace: Workspace, english_corpus: str | None = None,
                     code_corpus: str | None = None, samples: int = 2, pair_sets: PairSets | None = None,
                     strategies: Sequence[str] = ("greedy",), answer_settings: AnswerSettings | None = None,
                     index: RetrievalIndex | None = None, outputs_dir: Path | None = None,
                     precision: str = "fp32") -> dict[str, Any]:
    """Rows for every checkpoint (its weights in `precision`, see core/quantize.py), with forgetting
    measured against each stage-2 run's parent, and
    the pairs table: every checkpoint × strategy, and the retrieval baseline when `index` is given.
    A stage-1 checkpoint, which has never seen a request answered, is scored by the first strategy
    only: every strategy gave it 0.000 in three recipes (benchmarks/README.md), and its answers,
    never a complete command line, are the slowest to decode.
    A corpus named must exist; "" measures none; None measures `installed` where present."""
    corpora = check_report_inputs(workspace, paths, english_corpus, code_corpus, samples)
    pair_sets = {name: pairs for name, pairs in (pair_sets or {}).items() if pairs}
    settings = answer_settings or AnswerSettings()
    rows, pair_rows = [], []
    matches: dict[str, Matches] = {}
    answerers: dict[str, list[str]] = {}  # checkpoint → its answerers, one per strategy tried
    commands = known_commands(index)
    if index is not None and pair_sets:
        baseline_row, matches[RETRIEVAL_BASELINE] = _score_sets(
            RETRIEVAL_BASELINE, lambda requests: [index.answer(request) for request in requests], pair_sets,
            outputs_dir)
        pair_rows.append(baseline_row)
    for path, name in zip(paths, answerer_names(paths), strict=True):
        checkpoint = with_precision(load_checkpoint(Path(path)), precision)
        row = checkpoint_report(checkpoint, workspace, corpora, samples)
        tried = strategies[:1] if checkpoint.info.get("stage") == "language" else strategies
        for strategy in tried if pair_sets else ():
            chosen = dataclasses.replace(settings, strategy=strategy)
            answerer = f"{name} · {strategy}"
            answer_row, matches[answerer] = _score_sets(answerer, functools.partial(
                answer_lines, checkpoint, settings=chosen, index=index, commands=commands), pair_sets, outputs_dir)
            pair_rows.append(answer_row)
            answerers.setdefault(row["checkpoint"], []).append(answerer)
            if strategy == strategies[0]:
                row.update(answer_row[next(iter(pair_sets))])
        rows.append(row)
    comparisons = _comparisons(rows, answerers, matches, RETRIEVAL_BASELINE if RETRIEVAL_BASELINE in matches
                               else None, pair_sets) if pair_sets else []
    by_path = {str(Path(r["checkpoint"]).resolve()): r for r in rows}
    for row in rows:
        parent = row.get("parent")
        if not parent or "val_bpb_english" not in row:
            continue
        parent_row = by_path.get(str(Path(parent).resolve()))
        if parent_row is None and _readable(workspace, parent):
            stage_1 = with_precision(load_checkpoint(Path(parent)), precision)
            parent_row = _language_figures(stage_1, workspace, {"english": corpora["english"]}, 8, 8)
        if parent_row and "val_bpb_english" in parent_row:
            row["forgetting_bpb_english"] = round(row["val_bpb_english"] - parent_row["val_bpb_english"], 4)
    return {"english_corpus": corpora.get("english"), "code_corpus": corpora.get("code"),
            "samples_per_prompt": samples, "precision": pick_precision(precision, "cpu"),
            "bash_prompts": list(BASH_PROMPTS), "pair_sets": {name: len(p) for name, p in pair_sets.items()},
            "strategies": list(strategies), "either_case": settings.either_case, "checkpoints": rows,
            "pairs": pair_rows, "comparisons": comparisons}


def pairs_markdown(report: dict[str, Any]) -> list[str]:
    """The pairs table: one row per answerer, utility accuracy / token overlap per pair set."""
    sets = list(report.get("pair_sets", {}))
    if not sets or not report.get("pairs"):
        return []
    lines = ["| answerer | " + " | ".join(f"{name} ({report['pair_sets'][name]}) utility / overlap"
                                         for name in sets) + " |",
             "|---|" + "---:|" * len(sets)]
    for row in report["pairs"]:
        cells = [f"{row[name]['utility_accuracy']:.3f} / {row[name]['token_overlap']:.3f}" for name in sets]
        lines.append(f"| {row['answerer']} | " + " | ".join(cells) + " |")
    return lines


def comparisons_markdown(report: dict[str, Any]) -> list[str]:
    """The paired comparisons: on the pairs where exactly one of two answerers named the right
    utility, how many went each way, and how likely so lopsided a split is by chance."""
    if not report.get("comparisons"):
        return []
    lines = ["| answerer | against | pair set | only the first right | only the second right | p (exact sign test) |",
             "|---|---|---|---:|---:|---:|"]
    lines += [f"| {c['first']} | {c['second']} | {c['pair_set']} | {c['first_only']} | {c['second_only']} | "
              f"{c['p_value']:.3f} |" for c in report["comparisons"]]
    return lines


def report_markdown(report: dict[str, Any]) -> str:
    shown = [c for c in COLUMNS if any(c in row for row in report["checkpoints"])]
    lines = ["| checkpoint | stage | parameters | " + " | ".join(shown) + " |",
             "|---|---|---:|" + "---:|" * len(shown)]
    for row in report["checkpoints"]:
        stage = f"{row['stage']} (from scratch)" if row.get("from_scratch") else row["stage"]
        cells = [str(row.get(c, "–")) for c in shown]
        lines.append(f"| {row['checkpoint']} | {stage} | {row['parameters']:,} | " + " | ".join(cells) + " |")
    pairs = pairs_markdown(report)
    if pairs:
        reading = ("a request with a capitalised first word also read in lower case, the likelier answer kept"
                   if report.get("either_case") else "every request read as typed")
        lines += ["", f"Held-out (request, command) pairs ({reading}):", "", *pairs]
    comparisons = comparisons_markdown(report)
    if comparisons:
        lines += ["", "Paired comparisons (utility accuracy; other strategies than the first: pooled only):", "",
                  *comparisons]
    for row in report["checkpoints"]:
        lines += ["", f"**{row['checkpoint']}** — story:", *fenced(row["story"], "text"),
                  "bash:", *fenced(row["bash_example"], "bash")]
    return "\n".join(lines)


def write_report(report: dict[str, Any], out: Path) -> tuple[Path, Path]:
    """The report as JSON and as a Markdown table beside it."""
    out, markdown, _ = report_files(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    markdown.write_text(report_markdown(report) + "\n", encoding="utf-8")
    return out, markdown
