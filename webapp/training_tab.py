"""Training tab: configure a stage (fields prefilled from configs/), start, stop, resume, watch.

Every TrainConfig field has a component here, kept in a mapping by field name: the common ones in
the form's rows, every other one in "All settings", built from the field's type and help. A new
setting therefore appears here (and in the API) with no edit to this file.
"""
from __future__ import annotations

import dataclasses
import tempfile
import typing
from pathlib import Path
from typing import Any

import gradio as gr

from core.config import TrainConfig, load_train_config, model_presets, save_train_config
from core.errors import UserError, shown
from core.jobs import job_manager
from core.markdown import literal
from core.names import STAGES
from core.runconfig import resolve_run_config, stage_file
from core.runs import list_checkpoints
from core.runstore import read_run
from core.workspace import Workspace, is_shipped_run
from webapp import inputs
from webapp.monitor import TICK_SECONDS, build_monitor
from webapp.notices import reason_line, refusal, warn

# The order the start, resume and save handlers (and the API) receive the fields in.
FIELD_ORDER = tuple(field.name for field in dataclasses.fields(TrainConfig))
_TYPES = typing.get_type_hints(TrainConfig)
_HELP = {field.name: field.metadata.get("help", "") for field in dataclasses.fields(TrainConfig)}
PARENT_SIZE = ""  # the size choice that means "the stage-1 parent's" (stage code)


def stage_defaults(stage: str, workspace: Workspace | None = None) -> TrainConfig:
    """The stage's config file, under a run name the workspace's demo checkpoints do not take: in
    the project's own folder (the app's default workspace) `language` and `bilingual` are the
    shipped runs, which training never writes over, so Start must not default to them."""
    config = load_train_config(stage_file(stage))
    if workspace is not None and is_shipped_run(workspace.run_dir(config.run_name)):
        config = dataclasses.replace(config, run_name=f"my-{config.run_name}")
    return config


def _language_checkpoints(workspace: Workspace) -> list[str]:
    return [str(e.path.relative_to(workspace.root)) for e in list_checkpoints(workspace, "language")]


def missing_inputs(workspace: Workspace, stage: str, tokenizer: str, english: str, code: str) -> str:
    """What a stage needs first and where to get it, or "" when everything is there."""
    corpus = ("english", english) if stage == "language" else ("code", code)
    if not (workspace.corpus_dir(*corpus) / "manifest.json").exists():
        kind = "English" if corpus[0] == "english" else "bash"
        return (f"Start needs the {kind} corpus named **{literal(corpus[1])}**, and there is none yet: build it "
                "in the **Data** tab (or run **Quick start** in the Start tab).")
    if stage == "language" and not workspace.tokenizer_path(tokenizer or "default").exists():
        return (f"Start needs the tokenizer named **{literal(tokenizer)}**, and there is none yet: train it at "
                "the bottom of the **Data** tab.")
    if stage == "code" and not _language_checkpoints(workspace):
        return ("Stage code needs a language checkpoint: train stage 1 first (stage **language** here, "
                "or **Quick start** in the Start tab).")
    return ""


def resume_changes(workspace: Workspace, run_name: str, steps: Any) -> dict[str, Any]:
    """What Resume asks of a run: its saved config; a run that has trained all its steps is trained
    on to the form's steps where they reach past its own (the one setting a resume may change), as
    `--resume --num-steps` extends it from the CLI. A run stopped short goes on to its own steps
    whatever the form holds: after a reload the field shows the stage's default, not the visitor's
    wish, and would have stretched a 60-step run to 600."""
    record = read_run(workspace.run_dir(run_name))
    saved = record.get("config")
    own = saved.get("num_steps") if isinstance(saved, dict) else None
    wanted: dict[str, Any] = {"run_name": run_name}
    if (record.get("status") == "finished" and isinstance(own, int) and isinstance(steps, (int, float))
            and steps > own):
        wanted["num_steps"] = int(steps)
    return wanted


def resumable(workspace: Workspace, run_name: str, steps: Any = None) -> tuple[bool, str]:
    """Whether Resume applies to the run named (going on to `steps` where they are more than its
    own), and if it has a last checkpoint but cannot go on (it has trained all its steps), why: the
    button is disabled with that reason rather than refusing after a click."""
    if not run_name or not (workspace.run_dir(run_name) / "last").exists():
        return False, ""
    try:
        resolve_run_config(workspace, resume_changes(workspace, run_name, steps), resume=True)
    except UserError as exc:
        return False, f"Resume: {literal(exc)} (the **steps** field)"
    return True, ""


# Fields the form must fill: left empty, each would silently become the stage YAML's (a run named
# `language`, say), where an empty model or parent does mean "the default" (the parent's size, none).
NAMED_FIELDS = ("run_name", "tokenizer", "english_corpus", "code_corpus")


def _field_value(name: str, value: Any) -> Any:
    """One field from the browser or the API, checked against its type (None: not given)."""
    kind = _TYPES[name]
    if kind is bool:
        if not isinstance(value, bool):
            raise UserError(f"{name} must be true or false")
        return value
    if kind is int:
        return inputs.whole_number(value, name)
    if kind is float:
        return inputs.real_number(value, name)
    text = inputs.text(value, name, 500)
    if not text and name in NAMED_FIELDS:
        raise UserError(f"{name.replace('_', ' ')} is empty: give one")
    return text or None


def overrides_from_fields(values: list[Any]) -> dict[str, Any]:
    """The form's values, in FIELD_ORDER, as overrides by field name."""
    if len(values) != len(FIELD_ORDER):
        raise UserError(f"expected {len(FIELD_ORDER)} fields ({', '.join(FIELD_ORDER)}), got {len(values)}")
    overrides = {name: _field_value(name, value) for name, value in zip(FIELD_ORDER, values)}
    if overrides["stage"] not in STAGES:
        raise UserError(f"stage must be one of {', '.join(STAGES)}, got {shown(overrides['stage'])}")
    if overrides["stage"] == "language":  # stage 1 has no parent and nothing to replay
        overrides.update(init_from=None, from_scratch=False, replay_fraction=0.0)
    return overrides


def _component(name: str, value: Any) -> gr.components.Component:
    """A generic component for a field the form's rows do not place, from its type and help."""
    label = f"{name} — {_HELP[name]}" if _HELP[name] else name
    kind = _TYPES[name]
    if kind is bool:
        return gr.Checkbox(label=label, value=value)
    if kind in (int, float):
        return gr.Number(label=label, value=value, precision=0 if kind is int else None)
    return gr.Textbox(label=label, value=value or "")


def build_training_tab(workspace: Workspace) -> None:
    defaults = stage_defaults("language", workspace)
    manager = job_manager(workspace)
    sizes = [size for size in model_presets() if not manager.limits or size in manager.limits.models]
    fields: dict[str, gr.components.Component] = {}
    with gr.Row():
        fields["stage"] = gr.Radio(list(STAGES), value="language", label="stage", info=_HELP["stage"])
        fields["run_name"] = gr.Textbox(label="run name", value=defaults.run_name)
        fields["model"] = gr.Dropdown([("same as the stage-1 parent", PARENT_SIZE), *sizes], value=defaults.model,
                                      label="model size", allow_custom_value=True)
        fields["tokenizer"] = gr.Textbox(label="tokenizer", value=defaults.tokenizer)
    with gr.Row():
        fields["english_corpus"] = gr.Textbox(label="English corpus", value=defaults.english_corpus)
        fields["code_corpus"] = gr.Textbox(label="bash corpus", value=defaults.code_corpus)
        fields["init_from"] = gr.Dropdown(_language_checkpoints(workspace), label="stage-1 checkpoint (stage code)",
                                          allow_custom_value=True, interactive=False)
    with gr.Row():
        fields["learning_rate"] = gr.Number(label="learning rate", value=defaults.learning_rate)
        for name, label in (("num_steps", "steps"), ("batch_size", "batch size"),
                            ("grad_accum_steps", "gradient accumulation"), ("warmup_steps", "warmup steps"),
                            ("eval_interval", "eval every")):
            fields[name] = gr.Number(label=label, value=getattr(defaults, name), precision=0,
                                     minimum=0 if name == "warmup_steps" else 1)
        fields["replay_fraction"] = gr.Slider(0.0, 0.9, value=0.0, step=0.05, label="English replay (stage code)",
                                              interactive=False)
        fields["seed"] = gr.Number(label="seed", value=defaults.seed, precision=0)
    with gr.Accordion("All settings", open=False):
        for name in FIELD_ORDER:
            if name not in fields:
                fields[name] = _component(name, getattr(defaults, name))
    form = [fields[name] for name in FIELD_ORDER]
    with gr.Row():
        overwrite = gr.Checkbox(label="overwrite an existing run of this name", value=False)
        start = gr.Button("Start", variant="primary")
        stop = gr.Button("Stop (saves a checkpoint)", variant="stop", interactive=False)
        resume = gr.Button("Resume from last checkpoint (its saved config; more steps extend it)")
    buttons_hint = gr.Markdown()  # why a button is disabled, beside the buttons
    hint = gr.Markdown()
    with gr.Accordion("Save or load this run's config as YAML", open=False):
        with gr.Row():
            save = gr.Button("Save config")
            saved_file = gr.File(label="config.yaml")
            # Saved configs live in one folder for the app's life, removed when it ends (Gradio serves
            # its own copy); before, each click left a folder in /tmp for good.
            saved_configs = tempfile.TemporaryDirectory(prefix="pcm-run-configs-")
            load = gr.File(label="load a config.yaml", file_types=[".yaml", ".yml"])
    timer = gr.Timer(TICK_SECONDS)
    build_monitor(workspace, timer)

    def fill(config: TrainConfig) -> dict[gr.components.Component, Any]:
        code_stage = config.stage == "code"
        choices = _language_checkpoints(workspace)
        init_value = config.init_from if config.init_from in choices else (choices[0] if choices else None)
        values: dict[gr.components.Component, Any] = {fields[name]: getattr(config, name) for name in FIELD_ORDER}
        values[fields["model"]] = PARENT_SIZE if code_stage and not config.from_scratch else config.model
        values[fields["init_from"]] = gr.Dropdown(choices=choices, value=init_value if code_stage else None,
                                                  interactive=code_stage)
        values[fields["replay_fraction"]] = gr.Slider(value=config.replay_fraction, interactive=code_stage)
        return values

    def refill(stage: str):
        try:
            return fill(stage_defaults(stage, workspace))
        except UserError as exc:
            raise refusal(exc) from None

    fields["stage"].change(refill, fields["stage"], form, api_visibility="private")

    def resolved(values: list[Any]) -> TrainConfig:
        return resolve_run_config(workspace, overrides_from_fields(values))

    def start_job(*values: Any) -> str:
        *field_values, overwrite_run = values
        try:
            config = resolved(field_values)
            manager.start_training(config, overwrite=overwrite_run is True)
        except UserError as exc:
            warn(exc)
            return reason_line("Not started", exc)
        return f"Started **{config.run_name}** (stage {config.stage}, {config.model}, {config.num_steps} steps)."

    def resume_job(*values: Any) -> str:
        try:
            run_name = inputs.text(values[FIELD_ORDER.index("run_name")] if values else "", "run name", 200)
            steps = values[FIELD_ORDER.index("num_steps")] if values else None
            config = resolve_run_config(workspace, resume_changes(workspace, run_name, steps), resume=True)
            manager.start_training(config, resume=True)
        except UserError as exc:
            warn(exc)
            return reason_line("Not resumed", exc)
        return (f"Resuming **{config.run_name}** from its last checkpoint with its saved config, "
                f"to step {config.num_steps:,}.")

    def stop_job() -> str:
        try:
            manager.stop()
        except UserError as exc:
            return reason_line("Nothing to stop", exc)
        return ("Stopping asked: the job saves a checkpoint and ends after its current step (the progress "
                "line says when it has).")

    start.click(start_job, [*form, overwrite], hint, api_name="start_training")
    resume.click(resume_job, form, hint, api_name="resume_training")
    stop.click(stop_job, None, hint, api_name="stop_job")

    def save_config(*values: Any):
        try:
            config = resolved(list(values))
        except UserError as exc:
            warn(exc)
            return None
        path = Path(tempfile.mkdtemp(dir=saved_configs.name)) / f"{config.run_name}.yaml"
        save_train_config(config, path)
        return str(path)

    def load_config(file: str | None):
        if not file:
            return {}
        try:
            return fill(load_train_config(file))
        except UserError as exc:
            warn(exc)
            return {}

    save.click(save_config, form, saved_file, api_visibility="private")
    load.upload(load_config, load, form, api_visibility="private")

    def buttons(stage_value: str, name: str, tokenizer_name: str, english: str, code: str, steps: Any):
        """Enable only what can apply now, and say why the rest cannot."""
        status = manager.status()
        active = status.active
        try:
            missing = missing_inputs(workspace, stage_value, tokenizer_name, english, code)
            can_resume, not_resumable = resumable(workspace, name, steps)
        except UserError as exc:  # a name being typed that is not a plain name yet
            missing, can_resume, not_resumable = literal(exc), False, ""
        reason = (f"A {status.kind} job is running; stop it or wait before starting another." if active
                  else missing or not_resumable)
        return (gr.Button(interactive=not active and not missing), gr.Button(interactive=active),
                gr.Button(interactive=not active and can_resume), reason)

    watched = [fields[name] for name in ("stage", "run_name", "tokenizer", "english_corpus", "code_corpus",
                                         "num_steps")]
    timer.tick(buttons, watched, [start, stop, resume, buttons_hint], show_progress="hidden",
               api_visibility="private")
