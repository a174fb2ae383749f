"""Playground: one prompt through two or three checkpoints side by side.

A bash request is answered the way the report scores it (`core.answering`: the greedy answer line,
the one the model judged best among similar known requests' commands, or the best of several
samples); free text is sampled and streamed as it is written. It opens on
the shipped demo checkpoints, so a first visit needs no training.
"""
from __future__ import annotations

import math
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import gradio as gr

from core.answering import READS_PAIRS, AnswerSettings, answer_request
from core.checkpoint import EXAMPLES_FILE, cached_checkpoint
from core.danger import destructive_parts
from core.data.bashdoc import request_prompt, runs_something
from core.errors import UserError
from core.evaluation import bash_syntax_ok
from core.generation import GenerationSettings, generate
from core.markdown import inline_code, literal
from core.prompts import DEMO_REQUESTS, DEMO_STORY
from core.retrieval import first_carried_index
from core.runs import list_checkpoints, shipped_checkpoints
from core.workspace import Workspace
from webapp import inputs
from webapp.notices import warn
from webapp.refresh import TabRefresh

EXAMPLES = [[DEMO_STORY, "raw text"], *([request, "bash script"] for request in DEMO_REQUESTS)]
COLUMNS = 3
# What a bash prompt gets: the answer line (as the report scores it) or freely sampled text.
DECODINGS = {"answer (greedy)": "greedy",
             "answer (similar known requests propose the command, the model judges)": "judge",
             "answer (best of 8 samples, reranked)": "rerank",
             "answer (3 similar known commands shown as examples)": "retrieval",
             "free text (sampled, streamed)": None}


def samples_freely(template_label: str, decoding_label: str | None) -> bool:
    """Whether the playground samples text (and reads its sampling settings) rather than answering."""
    return template_label != "bash script" or DECODINGS.get(decoding_label or "") is None


def checkpoint_choices(workspace: Workspace) -> list[tuple[str, str]]:
    entries = {entry.path: entry for entry in [*shipped_checkpoints(), *list_checkpoints(workspace)]}
    return [(entry.label, str(path)) for path, entry in entries.items()]


def default_pair(workspace: Workspace) -> tuple[str | None, str | None]:
    """The shipped demo pair when it is there, else the newest language-only and bilingual runs."""
    def first(stage: str) -> str | None:
        found = [e for e in shipped_checkpoints() if e.stage == stage] or list_checkpoints(workspace, stage)
        return str(found[0].path) if found else None
    return first("language"), first("code")


def default_decoding(paths: list[str | None]) -> str:
    """The judged answer where a checkpoint shown carries its training pairs (the shipped
    bilingual one does): it beats the greedy one on every held-out set (benchmarks/README.md);
    the greedy answer elsewhere, which needs nothing but the model."""
    carried = any(p and (Path(p) / EXAMPLES_FILE).is_file() for p in paths)
    return next(label for label, strategy in DECODINGS.items() if strategy == ("judge" if carried else "greedy"))


def verdict(text: str, template: str) -> str:
    """The syntax check of a bash column, and a warning before a visitor runs what would destroy data."""
    if template != "bash":
        return ""
    if not any(runs_something(line) for line in text.splitlines()):  # bash -n accepts comments alone
        return "**no command** — the model wrote only comments or nothing: there is nothing to run"
    if bash_syntax_ok(text):
        line = "**syntax OK** — `bash -n` accepts this script (parsed, not run)"
    else:
        line = "**syntax error** — `bash -n` rejects this script (parsed, not run)"
    dangers = destructive_parts(text)
    if dangers:
        line += "\n\n**⚠ destructive** — " + "; ".join(f"{inline_code(name)} {what}" for name, what in dangers) + \
            ": read it before you run it"
    return line


def stream_comparison(paths: list[str | None], prompt: str, settings: GenerationSettings
                      ) -> Iterator[tuple[list[str], list[str]]]:
    """Run each checkpoint in its own thread and yield every column's text as it grows."""
    chosen = [p for p in paths if p]
    texts = {p: "" for p in chosen}
    done: queue.Queue[str] = queue.Queue()
    errors: dict[str, str] = {}

    def worker(path: str) -> None:
        try:
            checkpoint = cached_checkpoint(path)
            result = generate(checkpoint, prompt, settings,
                              on_text=lambda piece: texts.__setitem__(path, texts[path] + piece))
            texts[path] = result.text
        except UserError as exc:
            errors[path] = str(exc)
        except Exception as exc:  # any failure shows in its column; the other columns go on
            errors[path] = f"{type(exc).__name__}: {exc}"
        finally:
            done.put(path)

    for path in chosen:
        threading.Thread(target=worker, args=(path,), daemon=True).start()
    finished = 0
    while finished < len(chosen):
        try:
            done.get(timeout=0.25)
            finished += 1
        except queue.Empty:
            pass
        yield ([texts.get(p, "") if p else "" for p in paths],
               [errors.get(p, "") if p else "" for p in paths])


def answer_columns(paths: list[str | None], request: str, strategy: str, seed: int, either_case: bool = True
                   ) -> tuple[list[str], list[str]]:
    """Each checkpoint's answer as a script, and under it the candidates it weighed. Retrieval and
    judge read every column the same training pairs: those of the first checkpoint that carries
    them, so the language-only column is judged on the same proposals."""
    texts, notes = [], []
    index = first_carried_index(paths) if strategy in READS_PAIRS else None
    for path in paths:
        if not path:
            texts.append("")
            notes.append("")
            continue
        try:
            settings = AnswerSettings(strategy=strategy, seed=seed, either_case=either_case)
            answer = answer_request(cached_checkpoint(path), request, settings, index=index)
        except Exception as exc:  # a user's mistake or a broken checkpoint: shown in its column
            texts.append(f"error: {exc if isinstance(exc, UserError) else f'{type(exc).__name__}: {exc}'}")
            notes.append("")
            continue
        texts.append(request_prompt(request) + answer.command + "\n")
        reading = f"read in lower case, “{literal(answer.read_as)}”: the model found that answer likelier" \
            if answer.read_as else ""
        weighed = _candidates_note(answer.candidates) if strategy != "greedy" else ""
        notes.append("\n\n".join(note for note in (reading, weighed) if note))
    return texts, notes


def resolve_pickers(workspace: Workspace, pickers: tuple[str | None, ...]
                    ) -> tuple[list[str | None], list[str]]:
    """Each chosen checkpoint as a path inside the workspace (or a shipped one), and each column's
    refusal line for a choice that is not."""
    paths: list[str | None] = []
    failures: list[str] = []
    for choice in pickers:
        try:
            name = inputs.text(choice, "checkpoint", 500)
            paths.append(str(workspace.path(name)) if name else None)
            failures.append("")
        except UserError as exc:
            paths.append(None)
            failures.append(f"error: {exc}")
    return paths, failures


def _candidates_note(candidates) -> str:
    retrieved = [c for c in candidates if c.origin == "retrieved"]
    if retrieved:
        return "examples shown to the model:\n" + "\n".join(f"- {inline_code(c.command[:80])}" for c in retrieved)
    if any(c.origin == "proposed" for c in candidates):
        lines = [f"- {inline_code(c.command[:80])} ({c.origin}, {c.score:.2f})" for c in candidates[:5]]
        return "utilities the model judged (its log-probability + the log of the lookup's vote share):\n" + \
            "\n".join(lines)
    if all(math.isinf(c.score) for c in candidates):  # rerank kept no line: the greedy one stands, unscored
        return (f"no sampled line was a command this machine or the training data knows that `bash -n` "
                f"accepts, so the greedy line stands: {inline_code(candidates[0].command[:80])}")
    lines = [f"- {inline_code(c.command[:80])} ({c.origin}, mean log-prob {c.score:.2f})"
             for c in sorted(candidates, key=lambda c: -c.score)[:5]]
    return "candidates the model weighed:\n" + "\n".join(lines)


def build_playground_tab(workspace: Workspace) -> TabRefresh:
    """Build the tab; return how to list its checkpoints again (the two defaults chosen)."""
    choices = checkpoint_choices(workspace)
    language, bilingual = default_pair(workspace)
    empty = gr.Markdown(
        "**No checkpoints yet.** Train a language-only checkpoint first (Start → **Quick start**, or the "
        "Training tab), then a bilingual one, and compare them here.", visible=not choices)
    with gr.Row():
        prompt = gr.Textbox(label="prompt", lines=2, value="list all large files", scale=3)
        template = gr.Radio(["bash script", "raw text"], value="bash script", label="template")
        decoding = gr.Radio(list(DECODINGS), value=default_decoding([language, bilingual]), label="bash prompts get")
        either_case = gr.Checkbox(value=True, label="also read a request that starts with a capital in lower case "
                                                    "(the answer the model finds likelier is kept)")
    gr.Examples(EXAMPLES, [prompt, template])
    free = samples_freely("bash script", decoding.value)
    gr.Markdown("The sampling settings below act on **free text** (and on raw text) only: an answer is one "
                "command line, decoded by the strategy chosen above.")
    with gr.Row():
        max_new = gr.Slider(16, 512, value=160, step=16, label="max new tokens", interactive=free)
        temperature = gr.Slider(0.0, 1.5, value=0.8, step=0.05, label="temperature (0 = greedy)", interactive=free)
        top_k = gr.Slider(0, 200, value=50, step=1, label="top-k (0 = off)", interactive=free)
        top_p = gr.Slider(0.1, 1.0, value=0.95, step=0.05, label="top-p", interactive=free)
        seed = gr.Number(label="seed", value=0, precision=0)
    sampling = [max_new, temperature, top_k, top_p]

    def sampling_controls(template_label: str, decoding_label: str):
        """The sampling sliders act on free text only: an answer is one line, decoded its own way."""
        return [gr.Slider(interactive=samples_freely(template_label, decoding_label)) for _ in sampling]

    for control in (template, decoding):
        control.change(sampling_controls, [template, decoding], sampling, api_visibility="private")
    pickers, outputs, checks = [], [], []
    with gr.Row():
        for column, (label, value) in enumerate([("language-only", language), ("bilingual", bilingual),
                                                 ("optional third", None)]):
            with gr.Column():
                pickers.append(gr.Dropdown(choices, value=value, label=label, allow_custom_value=True))
                outputs.append(gr.Code(label=f"output {column + 1}", language="shell", lines=14, wrap_lines=True))
                checks.append(gr.Markdown())
    run = gr.Button("Generate side by side", variant="primary", interactive=bool(choices))

    def compare(prompt_text: str, template_label: str, decoding_label: str, tokens: float, temp: float,
                k: float, p: float, seed_value: float, both_readings: bool, *pickers: str | None):
        try:
            request = inputs.text(prompt_text, "prompt")
            template = {"bash script": "bash", "raw text": "raw"}.get(template_label)
            if template is None or decoding_label not in DECODINGS:
                raise UserError(f"template must be one of bash script, raw text and decoding one of "
                                f"{', '.join(DECODINGS)}")
            strategy = DECODINGS[decoding_label]
            seed_number = inputs.whole_number(seed_value, "seed")
            settings = GenerationSettings(
                max_new_tokens=inputs.whole_number(tokens, "max new tokens"),
                temperature=inputs.real_number(temp, "temperature"), top_k=inputs.whole_number(k, "top-k"),
                top_p=inputs.real_number(p, "top-p"), seed=seed_number, template=template)
            settings.validate()
            if len(pickers) != COLUMNS:
                raise UserError(f"give {COLUMNS} checkpoint choices (empty for none)")
        except UserError as exc:
            # In every column too, as a column's own refusal is (an empty or too long request), so no
            # column keeps showing the previous request's answer under this one.
            warn(exc)
            yield (*[f"error: {exc}"] * COLUMNS, *[""] * COLUMNS)
            return
        paths, failures = resolve_pickers(workspace, pickers)
        if not samples_freely(template_label, decoding_label):
            texts, notes = answer_columns(paths, request, strategy, seed_number, both_readings is True)
            texts = [failures[i] or t for i, t in enumerate(texts)]
            yield (*texts, *[f"{verdict(t, template)}\n\n{n}".strip() if t and not t.startswith("error:") else ""
                             for t, n in zip(texts, notes)])
            return
        shown: list[str] = list(failures)
        texts: list[str] = [""] * COLUMNS
        for texts, errors in stream_comparison(paths, request, settings):
            shown = [failures[i] or (f"error: {error}" if error else t)
                     for i, (t, error) in enumerate(zip(texts, errors))]
            yield (*shown, *[""] * COLUMNS)
        yield (*shown, *[verdict(t, template) if t and s == t else "" for t, s in zip(texts, shown)])

    run.click(compare, [prompt, template, decoding, max_new, temperature, top_k, top_p, seed, either_case, *pickers],
              [*outputs, *checks], api_name="compare")

    def refresh(*chosen: str | None):
        """The checkpoints listed again; the columns keep what they show (a typed path too), and get
        the default pair only when all are empty (nothing was trained when the page was built)."""
        current = checkpoint_choices(workspace)
        values = chosen if any(chosen) else (*default_pair(workspace), None)
        return (gr.Markdown(visible=not current), gr.Button(interactive=bool(current)),
                *[gr.Dropdown(choices=current, value=value, allow_custom_value=True) for value in values])

    return TabRefresh(refresh, pickers, [empty, run, *pickers])
