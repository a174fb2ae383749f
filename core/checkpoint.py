"""Checkpoints: a folder anyone can load, that never runs code and is never half written.

    model.safetensors   weights (safetensors: loading cannot execute anything)
    config.json         model shape, the run's training config, stage, step, tokenizer fingerprint
    tokenizer.json      the tokenizer the weights were trained with, so a checkpoint is self-contained
    trainer_state.pt    optimizer, schedule, step and RNG state for resuming (absent in exports);
                        read with `torch.load(weights_only=True)`, which refuses pickled code

A checkpoint folder is exactly what `export` hands to someone else, minus the trainer state.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import math
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer

from core.atomic import check_replaceable, rebuilt
from core.config import ModelConfig, from_dict
from core.data.bashdoc import Pair
from core.errors import UserError, shown
from core.faults import fault_point
from core.model import GPT
from core.tokenizer import fingerprint

WEIGHTS, CONFIG, TOKENIZER, TRAINER_STATE = ("model.safetensors", "config.json", "tokenizer.json",
                                              "trainer_state.pt")
EXAMPLES_FILE = "examples.jsonl.gz"  # a stage-2 checkpoint's training pairs (core/retrieval.py)
# Far above any model this project trains (the largest preset has ~100M), far below what a crafted
# checkpoint could make us allocate.
MAX_PARAMETERS = 2_000_000_000
# How a failed write shows up: safetensors and torch.save report the OS error in their own types.
_WRITE_ERRORS = (OSError, SafetensorError, RuntimeError)


@dataclass
class Checkpoint:
    path: Path
    model: GPT
    tokenizer: Tokenizer
    info: dict[str, Any]  # everything in config.json

    @property
    def model_config(self) -> ModelConfig:
        return self.model.config

    @property
    def parent(self) -> Path | None:
        """The stage-1 checkpoint a stage-2 one was trained from: recorded absolute by the trainer,
        or relative to the folder that holds `checkpoints/` (as the shipped copies record it, so
        they point at each other wherever the project lives) — never relative to a workspace,
        whose own run of that name would be another model."""
        parent = self.info.get("parent")
        if not isinstance(parent, str) or not parent:
            return None
        if Path(parent).is_absolute():
            return Path(parent)
        return self.path.parents[2] / parent if len(self.path.parents) > 2 else None


def save_checkpoint(path: Path, model: GPT, tokenizer: Tokenizer, info: dict[str, Any],
                    trainer_state: dict[str, Any] | None = None, pairs: Sequence[Pair] = ()) -> None:
    """Write the folder under a temporary name and swap it in, so a crash or a full disk leaves
    the previous checkpoint whole; with the training `pairs` beside the weights, if any
    (`core.retrieval.save_pairs`)."""
    path = Path(path)
    try:
        with rebuilt(path) as tmp:
            _write_checkpoint(tmp, model, tokenizer, info, trainer_state)
            if pairs:
                from core.retrieval import save_pairs  # scikit-learn loads only for a run that has pairs

                save_pairs(tmp, pairs)
    except _WRITE_ERRORS as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
        kept = "the previous checkpoint is kept" if path.exists() else "no checkpoint was written"
        raise UserError(f"could not save checkpoint {path}: {reason}; {kept}") from None


def _write_checkpoint(folder: Path, model: GPT, tokenizer: Tokenizer, info: dict[str, Any],
                      trainer_state: dict[str, Any] | None) -> None:
    state = {name: tensor.detach().to("cpu").contiguous() for name, tensor in model.state_dict().items()
             if name != "lm_head.weight"}  # tied to the token embedding; restored by the model
    save_file(state, str(folder / WEIGHTS))
    fault_point("checkpoint-weights-written")
    record = {**info, "model": dataclasses.asdict(model.config),
              "tokenizer_fingerprint": fingerprint(tokenizer),
              "parameters": model.num_parameters()}
    (folder / CONFIG).write_text(json.dumps(record, indent=2), encoding="utf-8")
    tokenizer.save(str(folder / TOKENIZER))
    if trainer_state is not None:
        torch.save(trainer_state, folder / TRAINER_STATE)


def read_info(path: Path) -> dict[str, Any]:
    """config.json of a checkpoint, with a clear error when the folder is not one."""
    path = Path(path)
    if not path.is_dir():
        raise UserError(f"checkpoint not found: {path}")
    missing = [name for name in (WEIGHTS, CONFIG, TOKENIZER) if not (path / name).exists()]
    if missing:
        raise UserError(f"{path} is not a complete checkpoint: missing {', '.join(missing)}")
    try:
        info = json.loads((path / CONFIG).read_text(encoding="utf-8"))
    except ValueError as exc:  # UnicodeDecodeError included
        raise UserError(f"checkpoint {path} is corrupt: {CONFIG} is not valid JSON ({exc})") from None
    if not isinstance(info, dict):
        raise UserError(f"checkpoint {path} is corrupt: {CONFIG} holds a {type(info).__name__}, "
                        "not a mapping")
    if "model_type" in info and "model" not in info:  # what transformers writes, an export of ours too
        raise UserError(f"{path} is a transformers folder ({shown(info['model_type'])}), not one of this "
                        "project's checkpoints: load it with transformers, or make it one with "
                        f"`python -m core import-hf {path} --out NAME`")
    return info


def load_checkpoint(path: str | Path, device: str | torch.device = "cpu") -> Checkpoint:
    """Rebuild the model from config.json and fill it from model.safetensors — once the shapes the
    config implies match the weights' header, so a crafted config cannot make us allocate."""
    path = Path(path)
    info = read_info(path)
    model_config = from_dict(ModelConfig, info.get("model"), f"{path / CONFIG}: model")
    _check_shapes(path, model_config, _stored_shapes(path))
    try:
        tokenizer = Tokenizer.from_file(str(path / TOKENIZER))
    except Exception as exc:  # tokenizers raises a plain Exception
        raise UserError(f"checkpoint {path} is corrupt: {TOKENIZER} is not a tokenizer ({exc})") from None
    try:
        state = load_file(str(path / WEIGHTS), device=str(device))
    except (OSError, SafetensorError) as exc:
        raise UserError(f"checkpoint {path} is corrupt: {exc}") from None
    model = GPT(model_config).to(device)
    model.load_state_dict(state, strict=False)  # lm_head.weight is tied, not stored
    return Checkpoint(path=path, model=model.eval(), tokenizer=tokenizer, info=info)


def _stored_shapes(path: Path) -> dict[str, tuple[int, ...]]:
    """Each tensor's shape, from the safetensors header alone (nothing is loaded)."""
    try:
        with safe_open(str(path / WEIGHTS), framework="pt") as weights:
            return {name: tuple(weights.get_slice(name).get_shape()) for name in weights.keys()}
    except Exception as exc:  # safetensors and OS errors alike: the header is not readable
        raise UserError(f"checkpoint {path} is corrupt: {exc}") from None


def _check_shapes(path: Path, config: ModelConfig, stored: dict[str, tuple[int, ...]]) -> None:
    """Refuse weights above the size bound, and a config that does not describe the weights."""
    total = sum(math.prod(shape) for shape in stored.values())
    if total > MAX_PARAMETERS:
        raise UserError(f"checkpoint {path} holds {total:,} parameters, more than the "
                        f"{MAX_PARAMETERS:,} this project loads")
    with torch.device("meta"):  # shapes without memory (ModelConfig.validate bounds the layers)
        expected = {name: tuple(tensor.shape) for name, tensor in GPT(config).state_dict().items()
                    if name != "lm_head.weight"}
    differing = sorted(name for name in expected.keys() | stored.keys()
                       if expected.get(name) != stored.get(name))
    if differing:
        name = differing[0]
        raise UserError(f"checkpoint {path} does not match its config: {name} is "
                        f"{stored.get(name, 'missing')} in {WEIGHTS} but {expected.get(name, 'absent')} "
                        f"in {CONFIG} ({len(differing)} tensor(s) differ)")


@functools.lru_cache(maxsize=8)
def _cached(path: str, modified_ns: int, precision: str) -> Checkpoint:
    from core.quantize import with_precision  # core.quantize builds on this module

    return with_precision(load_checkpoint(path), precision)


def cached_checkpoint(path: str | Path, precision: str = "auto") -> Checkpoint:
    """A checkpoint loaded once per process (the playground answers many clicks with the same
    models) on the CPU, in `precision` (`core.quantize.pick_precision`: "auto" is int8), and
    quantized once too; a folder rewritten since is loaded again. Callers must not train the model."""
    from core.quantize import pick_precision

    weights = Path(path) / WEIGHTS
    return _cached(str(Path(path).resolve()), weights.stat().st_mtime_ns if weights.exists() else 0,
                   pick_precision(precision, "cpu"))


def load_trainer_state(path: Path) -> dict[str, Any]:
    file = Path(path) / TRAINER_STATE
    if not file.exists():
        raise UserError(f"{path} has no trainer state to resume from (was it exported?)")
    try:
        return torch.load(file, map_location="cpu", weights_only=True)
    except Exception as exc:  # any unpickling failure means the file is damaged
        raise UserError(f"trainer state {file} is corrupt: {exc}") from None


def export_checkpoint(source: Path, destination: Path, half: bool = False, replace: bool = False,
                      protected: tuple[Path, ...] = ()) -> Path:
    """Copy a checkpoint without its trainer state: what someone needs to load and generate.

    `half` stores the weights in float16 — half the bytes; a weight of these models is far inside
    its range, and its 11-bit significand keeps more of each than bfloat16 would — which is how the
    demo checkpoints ship; loading widens them to the model's float32 parameters. An existing
    non-empty destination is replaced only with `replace`, and never when it is or holds the source
    or one of the `protected` folders (the CLI passes the workspace and the project)."""
    source, destination = Path(source), Path(destination)
    read_info(source)
    check_replaceable(destination, replace=replace, protected=(source, *protected))
    with rebuilt(destination) as tmp:
        for name in (CONFIG, TOKENIZER):
            shutil.copy2(source / name, tmp / name)
        if (source / EXAMPLES_FILE).exists():  # a stage-2 checkpoint's training pairs
            shutil.copy2(source / EXAMPLES_FILE, tmp / EXAMPLES_FILE)
        if half:
            state = load_file(str(source / WEIGHTS))
            save_file({name: tensor.to(torch.float16) if tensor.is_floating_point() else tensor
                       for name, tensor in state.items()}, str(tmp / WEIGHTS))
        else:
            shutil.copy2(source / WEIGHTS, tmp / WEIGHTS)
    return destination
