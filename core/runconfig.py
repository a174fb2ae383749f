"""One function that decides a run's configuration, for the CLI and the app alike.

A run's settings come from, in order: the stage's YAML (configs/language.yaml, configs/code.yaml,
or a file the user names), the user's overrides (CLI flags or the Training tab's fields), then what
the run's context implies — a stage-2 run continues its parent's network, so it takes the parent's
size unless one is named, and a resumed run continues with the config it saved, so a form or a
YAML edited since cannot change it halfway. Every caller goes through `resolve_run_config`, so the
CLI and the app cannot disagree on any of this.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from core.checkpoint import read_info
from core.config import CONFIG_DIR, TrainConfig, from_dict, load_train_config
from core.errors import UserError, shown
from core.names import STAGES
from core.runstore import read_run
from core.workspace import Workspace

# What a resume may change: how long the run goes on, and where it runs.
RESUMABLE_CHANGES = ("num_steps", "device")


def stage_file(stage: str) -> Path:
    if stage not in STAGES:
        raise UserError(f"stage must be one of {', '.join(STAGES)}, got {shown(stage)}")
    return CONFIG_DIR / f"{stage}.yaml"


def resolve_run_config(workspace: Workspace, overrides: dict[str, Any], *, stage: str | None = None,
                       config_file: str | Path | None = None, resume: bool = False) -> TrainConfig:
    """The configuration a run trains with. `overrides` maps TrainConfig field names to values;
    None means "not given". A resume reads the run's saved config and accepts only
    `RESUMABLE_CHANGES` on top of it."""
    given = {name: value for name, value in overrides.items() if value is not None}
    path = config_file or stage_file(given.get("stage") or stage or "language")
    if resume:  # the run named, else the one the stage's YAML names
        return _saved_config(workspace, given.get("run_name") or load_train_config(path).run_name, given)
    config = load_train_config(path, given)
    if config.stage == "code" and not config.from_scratch and config.init_from and "model" not in given:
        config = dataclasses.replace(config, model=_parent_size(workspace, config))
    return config


def _parent_size(workspace: Workspace, config: TrainConfig) -> str:
    """The size preset the stage-2 parent was trained with (or the config's own, if it says none)."""
    parent = read_info(workspace.path(config.init_from)).get("train_config")
    size = parent.get("model") if isinstance(parent, dict) else None
    return size if isinstance(size, str) and size else config.model


def _saved_config(workspace: Workspace, run_name: str, given: dict[str, Any]) -> TrainConfig:
    run_dir = workspace.run_dir(run_name)
    if not (run_dir / "run.json").exists():
        raise UserError(f"nothing to resume: no run {run_name!r} at {run_dir}")
    record = read_run(run_dir)
    saved = record.get("config")
    if not isinstance(saved, dict):
        raise UserError(f"run {run_name!r} has no readable saved config to resume from")
    config = from_dict(TrainConfig, saved, f"{run_dir / 'run.json'}: config")
    changed = sorted(name for name, value in given.items() if name not in RESUMABLE_CHANGES
                     and getattr(config, name, value) != value)
    if changed:
        raise UserError(f"a resumed run keeps its saved config; it cannot change {', '.join(changed)} "
                        f"(only {', '.join(RESUMABLE_CHANGES)})")
    config = dataclasses.replace(config, **{name: given[name] for name in RESUMABLE_CHANGES if name in given})
    config.validate("resumed run")
    _check_steps_left(run_name, run_dir, config.num_steps, finished=record.get("status") == "finished")
    return config


def _check_steps_left(run_name: str, run_dir: Path, num_steps: int, finished: bool) -> None:
    """A resume must have steps to train: otherwise it would load, train nothing and report the
    run as done again — or, asked for fewer steps than it has, as if it had stopped there."""
    try:
        step = read_info(run_dir / "last").get("step")
    except UserError:  # no readable last/ (a kill mid-swap the trainer recovers): it decides
        return
    if not isinstance(step, int):
        return
    if step > num_steps or (finished and step == num_steps):
        raise UserError(f"run {run_name!r} has already trained {step:,} steps, so resuming it with "
                        f"num_steps {num_steps:,} would train nothing; give num_steps above {step:,} to go on")
