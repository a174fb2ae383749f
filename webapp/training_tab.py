"""Training tab: configure a stage (fields prefilled from configs/), start, stop, resume, watch."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from core.config import CONFIG_DIR, TrainConfig, load_train_config, model_presets, save_train_config
from core.errors import UserError
from core.jobs import job_manager
from core.names import STAGES
from core.runs import list_checkpoints
from core.workspace import Workspace
from webapp import inputs
from webapp.monitor import TICK_SECONDS, build_monitor

# The fields shown, in the order the start handler receives them.
FIELDS = ("stage", "run_name", "model", "tokenizer", "english_corpus", "code_corpus", "init_from",
          "learning_rate", "num_steps", "batch_size", "grad_accum_steps", "warmup_steps",
          "eval_interval", "replay_fraction", "seed")


def stage_defaults(stage: str) -> TrainConfig:
    if stage not in STAGES:
        raise UserError(f"stage must be one of {', '.join(STAGES)}")
    return load_train_config(CONFIG_DIR / f"{stage}.yaml")


def _language_checkpoints(workspace: Workspace) -> list[str]:
    return [str(e.path.relative_to(workspace.root)) for e in list_checkpoints(workspace, "language")]


def missing_inputs(workspace: Workspace, stage: str, tokenizer: str, english: str, code: str) -> str:
    """What a stage needs first and where to get it, or "" when everything is there."""
    corpus = ("english", english) if stage == "language" else ("code", code)
    if not (workspace.corpus_dir(*corpus) / "manifest.json").exists():
        return (f"No {corpus[0]} corpus **{corpus[1]}** yet: build it in the **Data** tab "
                "(or run **Quick start** in the Start tab).")
    if stage == "language" and not workspace.tokenizer_path(tokenizer or "default").exists():
        return f"No tokenizer **{tokenizer}** yet: train it at the bottom of the **Data** tab."
    if stage == "code" and not _language_checkpoints(workspace):
        return ("Stage code needs a language checkpoint: train stage 1 first (stage **language** here, "
                "or **Quick start** in the Start tab).")
    return ""


def config_from_fields(values: list[Any]) -> TrainConfig:
    if len(values) != len(FIELDS):
        raise UserError(f"expected {len(FIELDS)} fields ({', '.join(FIELDS)}), got {len(values)}")
    overrides = dict(zip(FIELDS, values))
    if overrides["stage"] not in STAGES:
        raise UserError(f"stage must be one of {', '.join(STAGES)}, got {str(overrides['stage'])[:40]!r}")
    for name in ("num_steps", "batch_size", "grad_accum_steps", "warmup_steps", "eval_interval", "seed"):
        overrides[name] = inputs.whole_number(overrides[name], name)
    for name in ("learning_rate", "replay_fraction"):
        overrides[name] = inputs.real_number(overrides[name], name)
    for name in ("run_name", "model", "tokenizer", "english_corpus", "code_corpus", "init_from"):
        overrides[name] = inputs.text(overrides[name], name, 500) or None
    if overrides["stage"] == "language":
        overrides["init_from"], overrides["replay_fraction"] = None, 0.0
    return load_train_config(CONFIG_DIR / f"{overrides['stage']}.yaml", overrides)


def build_training_tab(workspace: Workspace) -> None:
    defaults = stage_defaults("language")
    manager = job_manager(workspace)
    with gr.Row():
        stage = gr.Radio(["language", "code"], value="language", label="stage",
                         info="language: English from scratch · code: bash from a language checkpoint")
        run_name = gr.Textbox(label="run name", value=defaults.run_name)
        model = gr.Dropdown(list(model_presets()), value=defaults.model, label="model size")
        tokenizer = gr.Textbox(label="tokenizer", value=defaults.tokenizer)
    with gr.Row():
        english_corpus = gr.Textbox(label="English corpus", value=defaults.english_corpus)
        code_corpus = gr.Textbox(label="bash corpus", value=defaults.code_corpus)
        init_from = gr.Dropdown(_language_checkpoints(workspace), label="stage-1 checkpoint (stage code)",
                                allow_custom_value=True, interactive=False)
    with gr.Row():
        learning_rate = gr.Number(label="learning rate", value=defaults.learning_rate)
        num_steps = gr.Number(label="steps", value=defaults.num_steps, precision=0, minimum=1)
        batch_size = gr.Number(label="batch size", value=defaults.batch_size, precision=0, minimum=1)
        grad_accum = gr.Number(label="gradient accumulation", value=defaults.grad_accum_steps, precision=0,
                               minimum=1)
        warmup = gr.Number(label="warmup steps", value=defaults.warmup_steps, precision=0, minimum=0)
        eval_interval = gr.Number(label="eval every", value=defaults.eval_interval, precision=0, minimum=1)
        replay = gr.Slider(0.0, 0.9, value=0.0, step=0.05, label="English replay (stage code)",
                           interactive=False)
        seed = gr.Number(label="seed", value=defaults.seed, precision=0)
    fields = [stage, run_name, model, tokenizer, english_corpus, code_corpus, init_from, learning_rate,
              num_steps, batch_size, grad_accum, warmup, eval_interval, replay, seed]
    with gr.Row():
        overwrite = gr.Checkbox(label="overwrite an existing run of this name", value=False)
        start = gr.Button("Start", variant="primary")
        stop = gr.Button("Stop (saves a checkpoint)", variant="stop", interactive=False)
        resume = gr.Button("Resume from last checkpoint")
    hint = gr.Markdown()
    with gr.Accordion("Save or load this run's config as YAML", open=False):
        with gr.Row():
            save = gr.Button("Save config")
            saved_file = gr.File(label="config.yaml")
            load = gr.File(label="load a config.yaml", file_types=[".yaml", ".yml"])
    timer = gr.Timer(TICK_SECONDS)
    build_monitor(workspace, timer)

    def fill(config: TrainConfig) -> list[Any]:
        code_stage = config.stage == "code"
        choices = _language_checkpoints(workspace)
        init_value = config.init_from if config.init_from in choices else (choices[0] if choices else None)
        return [config.stage, config.run_name, config.model, config.tokenizer, config.english_corpus,
                config.code_corpus,
                gr.Dropdown(choices=choices, value=init_value if code_stage else None, interactive=code_stage),
                config.learning_rate, config.num_steps, config.batch_size, config.grad_accum_steps,
                config.warmup_steps, config.eval_interval,
                gr.Slider(value=config.replay_fraction, interactive=code_stage), config.seed]

    stage.change(lambda s: fill(stage_defaults(s)), stage, fields, api_visibility="private")

    def start_job(*values: Any) -> str:
        *field_values, overwrite_run = values
        try:
            config = config_from_fields(list(field_values))
            manager.start_training(config, overwrite=bool(overwrite_run))
        except UserError as exc:
            gr.Warning(str(exc))
            return f"**Not started:** {exc}"
        return f"Started **{config.run_name}** (stage {config.stage}, {config.num_steps} steps)."

    def resume_job(*values: Any) -> str:
        try:
            config = config_from_fields(list(values))
            manager.start_training(config, resume=True)
        except UserError as exc:
            gr.Warning(str(exc))
            return f"**Not resumed:** {exc}"
        return f"Resuming **{config.run_name}** from its last checkpoint."

    def stop_job() -> str:
        try:
            manager.stop()
        except UserError as exc:
            return f"**Nothing to stop:** {exc}"
        return "Stopping: the job saves a checkpoint and ends after its current step."

    start.click(start_job, [*fields, overwrite], hint, api_name="start_training")
    resume.click(resume_job, fields, hint, api_name="resume_training")
    stop.click(stop_job, None, hint, api_name="stop_job")

    def save_config(*values: Any):
        try:
            config = config_from_fields(list(values))
        except UserError as exc:
            gr.Warning(str(exc))
            return None
        path = Path(tempfile.mkdtemp(prefix="run-config-")) / f"{config.run_name}.yaml"
        save_train_config(config, path)
        return str(path)

    def load_config(file: str | None):
        if not file:
            return [gr.update() for _ in fields]
        try:
            return fill(load_train_config(file))
        except UserError as exc:
            gr.Warning(str(exc))
            return [gr.update() for _ in fields]

    save.click(save_config, fields, saved_file, api_visibility="private")
    load.upload(load_config, load, fields, api_visibility="private")

    def buttons(stage_value: str, name: str, tokenizer_name: str, english: str, code: str):
        """Enable only what can apply now, and say why the rest cannot."""
        status = manager.status()
        active = status.active
        try:
            missing = missing_inputs(workspace, stage_value, tokenizer_name, english, code)
            can_resume = bool(name) and (workspace.run_dir(name) / "last").exists()
        except UserError as exc:  # a name being typed that is not a plain name yet
            missing, can_resume = str(exc), False
        reason = (f"A {status.kind} job is running; stop it or wait before starting another." if active
                  else missing)
        return (gr.Button(interactive=not active and not missing), gr.Button(interactive=active),
                gr.Button(interactive=not active and can_resume), reason)

    buttons_hint = gr.Markdown()
    timer.tick(buttons, [stage, run_name, tokenizer, english_corpus, code_corpus],
               [start, stop, resume, buttons_hint], show_progress="hidden", api_visibility="private")

