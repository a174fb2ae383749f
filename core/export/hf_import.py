"""Import a GPT-2-shaped transformers folder as one of our checkpoints — one we exported, or any
GPT2LMHeadModel whose network ours can hold — so that it generates, is evaluated and is fine-tuned
on bash (stage 2) like a model trained here.

What stage 2 reads from its parent: the weights and tokenizer (whose fingerprint `save_checkpoint`
records), and `train_config.model`, the size preset `train_code` trains it as. An imported model is
recorded as a stage-1 ("language") model with that preset when its shape is one of
configs/models.yaml's; a shape that matches no preset is imported all the same (generate, compare,
evaluate and export need no preset), and `matching_preset` returns None so that the CLI can say
which preset to add before fine-tuning it.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import torch
from tokenizers import Tokenizer

from core.atomic import check_replaceable
from core.checkpoint import MAX_PARAMETERS, save_checkpoint
from core.config import ModelConfig, model_presets
from core.data.streaming import END_OF_TEXT
from core.errors import UserError
from core.export.gpt2 import from_gpt2, model_config
from core.export.quiet import quiet_transformers
from core.model import GPT

# The tensors a GPT-2 folder may lack because GPT-2 ties or rebuilds them itself.
_REBUILT = ("lm_head.weight",)


@dataclass
class Imported:
    path: Path
    shape: ModelConfig
    preset: str | None  # the configs/models.yaml size of that shape, if any


def matching_preset(shape: ModelConfig) -> str | None:
    """The size preset with this shape (the vocabulary comes from the tokenizer, dropout is a
    training choice: neither is part of a preset)."""
    for name, preset in model_presets().items():
        if dataclasses.replace(preset, vocab_size=shape.vocab_size, dropout=shape.dropout) == shape:
            return name
    return None


def _config(folder: Path):  # -> transformers.GPT2Config (imported lazily: it takes seconds)
    from transformers import GPT2Config

    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder; import-hf reads a local transformers folder "
                        "(fetch one first, e.g. `hf download gpt2 --local-dir gpt2`)")
    file = folder / "config.json"
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{folder} has no config.json: it is not a transformers model folder") from None
    except ValueError as exc:
        raise UserError(f"cannot import {folder}: config.json is not valid JSON ({exc})") from None
    model_type = raw.get("model_type") if isinstance(raw, dict) else None
    if model_type is None and isinstance(raw, dict) and isinstance(raw.get("model"), dict):
        raise UserError(f"{folder} is already one of this project's checkpoints: use it as it is "
                        "(`--checkpoint`), there is nothing to import")
    if model_type != "gpt2":
        raise UserError(f"cannot import {folder}: it is a {model_type!r} model, and import-hf reads "
                        "GPT-2 (GPT2LMHeadModel) folders only")
    try:
        return GPT2Config.from_dict(raw)
    except (TypeError, ValueError) as exc:
        raise UserError(f"cannot import {folder}: config.json is not a GPT-2 config ({exc})") from None


def _tokenizer(folder: Path, shape: ModelConfig) -> Tokenizer:
    """The folder's tokenizer.json as is (ours keeps its fingerprint that way), else what
    AutoTokenizer builds from the folder (GPT-2's vocab.json and merges.txt)."""
    from transformers import AutoTokenizer

    try:
        if (folder / "tokenizer.json").exists():
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        else:
            with quiet_transformers():
                tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True).backend_tokenizer
    except Exception as exc:  # tokenizers and transformers raise plain Exceptions, OSError, ValueError…
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"cannot import {folder}: no tokenizer this project can read ({reason})") from None
    if tokenizer.token_to_id(END_OF_TEXT) is None:
        raise UserError(f"cannot import {folder}: its tokenizer has no {END_OF_TEXT} token, which this "
                        "project separates documents and stops generation with")
    if tokenizer.get_vocab_size() > shape.vocab_size:
        raise UserError(f"cannot import {folder}: its tokenizer has {tokenizer.get_vocab_size():,} tokens "
                        f"but the model only {shape.vocab_size:,}")
    return tokenizer


def _weights(folder: Path, config) -> dict[str, torch.Tensor]:
    """GPT2LMHeadModel's state dict, loaded by transformers (any of its safetensors layouts: one
    file, shards, names with or without `transformer.`; our load_state_dict widens float16 to
    float32), refusing pickled weights."""
    from transformers import GPT2LMHeadModel

    try:
        with quiet_transformers():
            model, loading = GPT2LMHeadModel.from_pretrained(
                str(folder), config=config, use_safetensors=True, local_files_only=True, output_loading_info=True)
    except OSError:
        raise UserError(f"cannot import {folder}: no safetensors weights (model.safetensors); import-hf "
                        "does not read pickled weights (pytorch_model.bin), which can run code") from None
    except (RuntimeError, ValueError) as exc:  # shapes that contradict config.json, a damaged file
        raise UserError(f"cannot import {folder}: its weights do not load ({str(exc).splitlines()[0]})") from None
    missing = [name for name in loading["missing_keys"] if name not in _REBUILT]
    if missing:
        raise UserError(f"cannot import {folder}: its weights lack {missing[0]} ({len(missing)} tensor(s) "
                        "missing); ours has every bias and LayerNorm parameter")
    return model.state_dict()


def import_hf(folder: Path, destination: Path, replace: bool = False,
              protected: tuple[Path, ...] = ()) -> Imported:
    """Write the GPT-2 folder `folder` as a checkpoint at `destination`; an existing non-empty
    destination only with `replace`, never a `protected` one (nor the folder itself)."""
    folder, destination = Path(folder), Path(destination)
    config = _config(folder)
    shape = model_config(config, folder)
    with torch.device("meta"):  # the size the config asks for, before anything is allocated
        parameters = GPT(shape).num_parameters()
    if parameters > MAX_PARAMETERS:
        raise UserError(f"cannot import {folder}: {parameters:,} parameters, more than the "
                        f"{MAX_PARAMETERS:,} this project loads")
    check_replaceable(destination, replace=replace, protected=(folder, *protected))
    tokenizer = _tokenizer(folder, shape)
    model = GPT(shape)
    model.load_state_dict(from_gpt2(_weights(folder, config), shape.n_layer), strict=True)
    preset = matching_preset(shape)
    info = {"stage": "language", "parent": None, "imported_from": str(folder.resolve()),
            **({"train_config": {"model": preset}} if preset else {})}
    from core.retrieval import load_pairs  # scikit-learn loads only for an import that needs it

    save_checkpoint(destination, model.eval(), tokenizer, info, pairs=load_pairs(folder) or ())
    return Imported(path=destination, shape=shape, preset=preset)
