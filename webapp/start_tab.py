"""The first tab: what the two stages are, and a Quick start that needs no data and no network."""
from __future__ import annotations

import gradio as gr

from core.config import model_presets
from core.errors import UserError
from core.jobs import job_manager
from core.workspace import Workspace
from webapp import inputs
from webapp.monitor import TICK_SECONDS, build_monitor
from webapp.notices import reason_line, warn

INTRO = """
## A small GPT that learns English first, then bash

1. **Stage 1 — language.** A GPT decoder is trained from scratch on English text. It learns words,
   grammar and what requests sound like.
2. **Stage 2 — bilingual.** That checkpoint is fine-tuned on bash: above all on English requests paired
   with the command that fulfils them (tldr pages, manual-page examples, curated scripts), with some
   English kept in every batch so that it is not forgotten.

The **Playground** tab opens on the two demo checkpoints that ship with the project and runs one prompt
through both side by side, so you can see what the second stage bought. Measured on requests it never
saw (`checkpoints/README.md`), the bilingual model picks the right command for requests typed as
people type them more often than a plain text lookup does (63% against 42% greedy, 76% judged, on
140 requests in other styles than tldr's), and more often than the same model trained on bash alone;
on tldr's own pages it does not (10% against the lookup's 32%): at this size it has not learnt tldr's
thousands of utilities. Charts show English *and* bash validation loss during both stages.

**Quick start** runs the whole path on this machine with no download: English from the manual pages and
Python help installed here, bash from the request/command pairs of the manual pages (and tldr pages
where present), the installed shell scripts and the project's curated examples → tokenizer → stage 1 →
stage 2 (the `cpu` preset: about eight minutes on 2 CPU cores; runs `quickstart-language` and
`quickstart-bilingual`, so the demo checkpoints stay as they are).
"""


def build_start_tab(workspace: Workspace) -> None:
    gr.Markdown(INTRO)
    with gr.Row():
        language_steps = gr.Number(label="stage 1 steps", value=600, precision=0, minimum=10)
        code_steps = gr.Number(label="stage 2 steps", value=400, precision=0, minimum=10)
        limits = job_manager(workspace).limits
        sizes = [size for size in model_presets() if not limits or size in limits.models]
        model = gr.Dropdown(sizes, value="cpu", label="model size")
        replace = gr.Checkbox(label="replace earlier quick-start runs", value=False)
    start = gr.Button("Quick start", variant="primary")
    result = gr.Markdown()
    timer = gr.Timer(TICK_SECONDS)
    build_monitor(workspace, timer)

    def quickstart(size: str, stage1: float, stage2: float, overwrite: bool) -> str:
        try:
            job_manager(workspace).start_quickstart(
                model=inputs.text(size, "model size", 40), language_steps=inputs.whole_number(stage1, "stage 1 steps"),
                code_steps=inputs.whole_number(stage2, "stage 2 steps"), overwrite=overwrite is True)
        except UserError as exc:
            warn(exc)
            return reason_line("Not started", exc)
        return "Started the quick start: data → tokenizer → stage 1 → stage 2. Follow it below."

    start.click(quickstart, [model, language_steps, code_steps, replace], result, api_name="quickstart")
    timer.tick(lambda: gr.Button(interactive=not job_manager(workspace).status().active), None, start,
               show_progress="hidden", api_visibility="private")
