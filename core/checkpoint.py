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
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer

from core.atomic import replace_dir, temporary_sibling
from core.config import ModelConfig, from_dict
from core.errors import UserError
from core.model import GPT
from core.tokenizer import fingerprint

WEIGHTS, CONFIG, TOKENIZER, TRAINER_STATE = ("model.safetensors", "config.json", "tokenizer.json",
                                              "trainer_state.pt")


@dataclass
class Checkpoint:
    path: Path
    model: GPT
    tokenizer: Tokenizer
    info: dict[str, Any]  # everything in config.json

    @property
    def model_config(self) -> ModelConfig:
        return self.model.config


def save_checkpoint(path: Path, model: GPT, tokenizer: Tokenizer, info: dict[str, Any],
                    trainer_state: dict[str, Any] | None = None) -> None:
    """Write the folder under a temporary name and swap it in, so a crash leaves the old one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_sibling(path)
    state = {name: tensor.detach().to("cpu").contiguous() for name, tensor in model.state_dict().items()
             if name != "lm_head.weight"}  # tied to the token embedding; restored by the model
    save_file(state, str(tmp / WEIGHTS))
    record = {**info, "model": dataclasses.asdict(model.config),
              "tokenizer_fingerprint": fingerprint(tokenizer),
              "parameters": model.num_parameters()}
    (tmp / CONFIG).write_text(json.dumps(record, indent=2), encoding="utf-8")
    tokenizer.save(str(tmp / TOKENIZER))
    if trainer_state is not None:
        torch.save(trainer_state, tmp / TRAINER_STATE)
    replace_dir(tmp, path)


def read_info(path: Path) -> dict[str, Any]:
    """config.json of a checkpoint, with a clear error when the folder is not one."""
    path = Path(path)
    if not path.is_dir():
        raise UserError(f"checkpoint not found: {path}")
    missing = [name for name in (WEIGHTS, CONFIG, TOKENIZER) if not (path / name).exists()]
    if missing:
        raise UserError(f"{path} is not a complete checkpoint: missing {', '.join(missing)}")
    try:
        return json.loads((path / CONFIG).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"checkpoint {path} is corrupt: {CONFIG} is not valid JSON ({exc})") from None


def load_checkpoint(path: str | Path, device: str | torch.device = "cpu") -> Checkpoint:
    """Rebuild the model from config.json and fill it from model.safetensors."""
    path = Path(path)
    info = read_info(path)
    model_config = from_dict(ModelConfig, info.get("model"), f"{path / CONFIG}: model")
    try:
        tokenizer = Tokenizer.from_file(str(path / TOKENIZER))
        state = load_file(str(path / WEIGHTS), device=str(device))
    except Exception as exc:  # safetensors, OS and tokenizers (a plain Exception) errors alike
        raise UserError(f"checkpoint {path} is corrupt: {exc}") from None
    model = GPT(model_config).to(device)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or set(missing) - {"lm_head.weight"}:
        raise UserError(f"checkpoint {path} does not match its config: missing {missing}, "
                        f"unexpected {unexpected}")
    return Checkpoint(path=path, model=model.eval(), tokenizer=tokenizer, info=info)


@functools.lru_cache(maxsize=8)
def _cached(path: str, modified_ns: int) -> Checkpoint:
    return load_checkpoint(path)


def cached_checkpoint(path: str | Path) -> Checkpoint:
    """A checkpoint loaded once per process (the playground answers many clicks with the same
    models); a folder rewritten since is loaded again. Callers must not train the model."""
    weights = Path(path) / WEIGHTS
    return _cached(str(Path(path).resolve()), weights.stat().st_mtime_ns if weights.exists() else 0)


def load_trainer_state(path: Path) -> dict[str, Any]:
    file = Path(path) / TRAINER_STATE
    if not file.exists():
        raise UserError(f"{path} has no trainer state to resume from (was it exported?)")
    try:
        return torch.load(file, map_location="cpu", weights_only=True)
    except Exception as exc:  # any unpickling failure means the file is damaged
        raise UserError(f"trainer state {file} is corrupt: {exc}") from None


def export_checkpoint(source: Path, destination: Path, half: bool = False) -> Path:
    """Copy a checkpoint without its trainer state: what someone needs to load and generate.

    `half` stores the weights in float16 — half the bytes; a weight of these models is far inside
    its range, and its 11-bit significand keeps more of each than bfloat16 would — which is how the
    demo checkpoints ship; loading widens them to the model's float32 parameters."""
    read_info(source)
    destination = Path(destination)
    tmp = temporary_sibling(destination)
    for name in (CONFIG, TOKENIZER):
        shutil.copy2(Path(source) / name, tmp / name)
    if half:
        state = load_file(str(Path(source) / WEIGHTS))
        save_file({name: tensor.to(torch.float16) if tensor.is_floating_point() else tensor
                   for name, tensor in state.items()}, str(tmp / WEIGHTS))
    else:
        shutil.copy2(Path(source) / WEIGHTS, tmp / WEIGHTS)
    replace_dir(tmp, destination)
    return destination
