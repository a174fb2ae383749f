"""The model card (README.md) of a transformers export: what the model is, how it was made, how
well it did, and the three lines that load it — written from the checkpoint's own records, so
the card cannot claim a recipe the weights did not go through."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.config import ModelConfig
from core.data.bashdoc import request_prompt

# Training settings worth a reader's time, in the order a recipe is read.
_RECIPE = ("model", "tokenizer", "english_corpus", "code_corpus", "num_steps",
           "batch_size", "grad_accum_steps", "learning_rate", "warmup_steps", "replay_fraction",
           "request_loss_weight", "command_loss_weight", "seed")
_STAGES = {"language": "stage 1: trained from scratch on English",
           "code": "stage 2: a stage-1 model fine-tuned on bash (English requests → commands)"}


def run_record(checkpoint: Path) -> dict[str, Any]:
    """The run.json of the run a checkpoint belongs to (`RUN/best` or `RUN/last`), for its final
    figures; empty when the checkpoint stands alone or the record is unreadable."""
    try:
        record = json.loads((Path(checkpoint).parent / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def model_card(info: dict[str, Any], run: dict[str, Any], shape: ModelConfig, parameters: int,
               half: bool) -> str:
    """README.md text from the checkpoint's config.json (`info`) and its run's record (`run`)."""
    train = info.get("train_config") if isinstance(info.get("train_config"), dict) else {}
    stage = info.get("stage")
    if stage == "code" and train.get("from_scratch"):
        what = "stage 2 baseline: trained from scratch on bash only"
    else:
        what = _STAGES.get(stage, "a GPT decoder")
    prompt = json.dumps(request_prompt("list all large files"))  # a Python string literal
    lines = ["---", "library_name: transformers", "pipeline_tag: text-generation",
             "tags: [gpt2, bash, pretrained-code-model]", "---", "",
             f"# {info.get('run_name') or 'pretrained-code-model'}", "",
             f"A small GPT made with pretrained-code-model — {what}. Its bash prompts are a script "
             f"opening on the request as a comment: {prompt}.",
             "", "## Model", "",
             f"GPT-2 architecture (`GPT2LMHeadModel`): {shape.n_layer} layers × {shape.n_embd} wide, "
             f"{shape.n_head} heads, context {shape.context_length} tokens, {parameters:,} parameters, "
             f"tied output head, tanh-GELU, byte-level BPE of {shape.vocab_size:,} tokens; weights in "
             f"{'float16' if half else 'float32'}. Generation stops at `<|endoftext|>`."]
    recipe = [f"- {name}: {train[name]}" for name in _RECIPE if train.get(name) not in (None, "")]
    if recipe or info.get("step") is not None:
        lines += ["", "## How it was made", ""]
        if info.get("step") is not None:
            lines.append(f"- steps trained: {info['step']}")
        if info.get("parent"):
            lines.append(f"- fine-tuned from: {info['parent']}")
        lines += recipe
    figures = run.get("final") if isinstance(run.get("final"), dict) else {}
    figures = {name: value for name, value in figures.items() if isinstance(value, (int, float))}
    if not figures and isinstance(info.get("best_val"), (int, float)):
        figures = {"best validation loss": info["best_val"]}
    if figures:
        lines += ["", "## Figures (validation; loss in nats per token, bpb in bits per byte)", "",
                  "| figure | value |", "|---|---:|", *(f"| {name} | {value:.4f} |" for name, value in figures.items())]
    lines += ["", "## Use", "", "```python", "from transformers import AutoModelForCausalLM, AutoTokenizer",
              'model, tokenizer = AutoModelForCausalLM.from_pretrained("PATH"), AutoTokenizer.from_pretrained("PATH")',
              f'print(tokenizer.decode(model.generate(**tokenizer({prompt}, return_tensors="pt"))[0]))', "```", "",
              "Generation runs to `<|endoftext|>` or the end of the context (generation_config.json).", "",
              "`python -m core import-hf PATH --out CHECKPOINT` turns this folder back into a pretrained-code-model "
              "checkpoint.", ""]
    return "\n".join(lines)
