"""Typed configuration for models, training runs and data sources, read from YAML.

Configs are plain dataclasses so that the CLI, the app and the tests share one definition. YAML is
checked strictly on the way in — an unknown key, a wrong type or an impossible value raises a
`UserError` naming the file and the key — because a typo that is silently ignored costs a user a
whole training run.
"""
from __future__ import annotations

import dataclasses
import difflib
import math
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import yaml

from core.errors import UserError, shown
from core.names import DOMAINS, STAGES
from core.workspace import check_name

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"

T = TypeVar("T")
MAX_SEED = 2**32 - 1  # numpy's and torch's seeds are unsigned 32-bit; larger ones fail deep inside
DEVICES = ("auto", "cpu", "cuda", "mps")


def _at(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


def check_range(name: str, value: float, low: float, high: float | None = None, where: str = "") -> None:
    """Refuse a number below `low` or above `high` (NaN too), naming the bound, so a size mistyped
    by a few zeros fails in one line instead of asking for hours or gigabytes."""
    if isinstance(value, (int, float)) and low <= value and (high is None or value <= high):
        return
    bound = f"at least {low:,}" if high is None else f"between {low:,} and {high:,}"
    raise UserError(_at(where, f"{name} must be {bound}, got {value}"))


def check_seed(seed: int, where: str = "") -> None:
    check_range("seed", seed, 0, MAX_SEED, where)


def check_finite(name: str, value: float, where: str = "") -> None:
    """NaN and infinity slip past comparisons such as `value < 0` and then poison every step."""
    if not math.isfinite(value):
        raise UserError(_at(where, f"{name} must be a finite number, got {value}"))


def check_device(device: str, where: str = "") -> None:
    """A device name PyTorch cannot parse fails deep inside it, so it is refused here by name."""
    if device not in DEVICES and not (device.startswith("cuda:") and device[5:].isdigit()):
        raise UserError(_at(where, f"device must be auto, cpu, cuda, cuda:N or mps, got {shown(device)}"))


@dataclass
class ModelConfig:
    """Shape of the GPT; `vocab_size` is taken from the tokenizer when a run starts."""

    n_layer: int = 6
    n_head: int = 6
    n_embd: int = 384
    context_length: int = 256
    vocab_size: int = 8000
    dropout: float = 0.0

    # Upper bounds far above any preset, so a crafted config.json cannot ask for a huge allocation;
    # vocab_size is bounded by the uint16 token files.
    LIMITS: ClassVar[dict[str, int]] = {"n_layer": 256, "n_head": 256, "n_embd": 16384, "context_length": 32768,
                                        "vocab_size": 65535}

    def validate(self, where: str) -> None:
        for name, high in self.LIMITS.items():
            check_range(name, getattr(self, name), 1, high, where)
        if self.n_embd % self.n_head:
            raise UserError(f"{where}: n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head})")
        if not 0.0 <= self.dropout < 1.0:
            raise UserError(f"{where}: dropout must be in [0, 1), got {self.dropout}")




def setting(default: Any, help_text: str) -> Any:
    """A config field with the help text that the CLI flag and the app's field show."""
    return field(default=default, metadata={"help": help_text})


@dataclass
class TrainConfig:
    """One training run. Stage "language" trains from scratch on English; stage "code" starts
    from a language checkpoint (`init_from`) unless `from_scratch` asks for a code-only baseline."""

    # Each field is one setting everywhere: a CLI flag (--learning-rate), a field of the app's
    # Training tab and a key of the saved config are all generated from it and its help.
    stage: str = setting("language", "language: English from scratch · code: bash from a stage-1 checkpoint")
    run_name: str = setting("language", "run folder name under checkpoints/")
    model: str = setting("cpu", "size preset from configs/models.yaml (stage 2: its parent's unless given)")
    tokenizer: str = setting("default", "tokenizer name under tokenizers/")
    english_corpus: str = setting("installed", "English corpus name (trained on in stage 1, evaluated always)")
    code_corpus: str = setting("installed", "bash corpus name (trained on in stage 2, evaluated always)")
    init_from: str | None = setting(None, "stage-1 checkpoint folder that stage 2 fine-tunes")
    from_scratch: bool = setting(False, "stage 2 without a parent: the code-only baseline")
    learning_rate: float = setting(3e-4, "peak learning rate, reached after the warmup")
    min_lr_ratio: float = setting(0.1, "the cosine decay's floor, as a share of the peak")
    warmup_steps: int = setting(50, "steps of linear warmup")
    num_steps: int = setting(600, "optimizer steps in all")
    batch_size: int = setting(16, "sequences per micro-batch")
    grad_accum_steps: int = setting(1, "micro-batches per optimizer step")
    weight_decay: float = setting(0.1, "AdamW weight decay (matrices only)")
    beta1: float = setting(0.9, "AdamW beta1")
    beta2: float = setting(0.95, "AdamW beta2")
    grad_clip: float = setting(1.0, "clip the gradient norm to this (0 = off)")
    eval_interval: int = setting(50, "evaluate and save checkpoints every this many steps")
    eval_batches: int = setting(8, "validation batches per evaluation and domain")
    log_interval: int = setting(10, "record the train loss every this many steps")
    replay_fraction: float = setting(0.0, "share of English rows in each stage-2 batch")
    request_loss_weight: float = setting(1.0, "loss weight of a request's tokens relative to its answer's "
                                              "(stage 2; 1 = plain language modelling)")
    command_loss_weight: float = setting(1.0, "loss weight of an answer's first token (the utility it runs) "
                                              "relative to the answer's other tokens (stage 2)")
    seed: int = setting(1337, "seed of the initial weights and of every batch")
    device: str = setting("auto", "auto, cpu, cuda, cuda:N or mps")

    # Sizes a person could mistype by a few zeros: (lowest, highest) for each.
    LIMITS: ClassVar[dict[str, tuple[int, int]]] = {
        "num_steps": (1, 10_000_000), "batch_size": (1, 4096), "grad_accum_steps": (1, 1024),
        "eval_interval": (1, 10_000_000), "eval_batches": (1, 10_000), "log_interval": (1, 10_000_000),
        "warmup_steps": (0, 10_000_000)}

    def validate(self, where: str) -> None:
        if self.stage not in STAGES:
            raise UserError(f"{where}: stage must be one of {', '.join(STAGES)}, got {shown(self.stage)}")
        try:
            check_name("run", self.run_name)
        except UserError as exc:
            raise UserError(f"{where}: {exc}") from None
        for name, (low, high) in self.LIMITS.items():
            check_range(name, getattr(self, name), low, high, where)
        check_seed(self.seed, where)
        for name, annotation in typing.get_type_hints(TrainConfig).items():
            if annotation is float:
                check_finite(name, getattr(self, name), where)
        if not 0.0 < self.learning_rate < 1.0:
            raise UserError(f"{where}: learning_rate must be in (0, 1), got {self.learning_rate}")
        for name in ("min_lr_ratio", "replay_fraction", "request_loss_weight"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise UserError(f"{where}: {name} must be in [0, 1], got {getattr(self, name)}")
        if not 1.0 <= self.command_loss_weight <= 100.0:
            raise UserError(f"{where}: command_loss_weight must be in [1, 100], got {self.command_loss_weight}")
        if self.replay_fraction and self.stage != "code":
            raise UserError(f"{where}: replay_fraction mixes English into stage 'code' only")
        if self.stage != "code" and (self.init_from or self.from_scratch):  # stage 1 always starts from random weights
            raise UserError(f"{where}: init_from and from_scratch choose stage 'code''s starting point; "
                            f"stage {shown(self.stage)} always starts from random weights")
        for name in ("beta1", "beta2"):  # AdamW's moving averages: 1 or more never forgets, below 0 diverges
            if not 0.0 <= getattr(self, name) < 1.0:
                raise UserError(f"{where}: {name} must be in [0, 1), got {getattr(self, name)}")
        if self.grad_clip < 0 or self.weight_decay < 0:
            raise UserError(f"{where}: grad_clip and weight_decay must be 0 or more")
        check_device(self.device, where)
        if self.model not in model_presets():  # a typo fails here, not minutes later in a job
            raise UserError(f"{where}: unknown model size {shown(self.model)}; "
                            f"choose one of {', '.join(model_presets())}")


@dataclass
class SourceSpec:
    """A named data source from configs/datasets.yaml (or built on the fly for local files).

    `kind` picks the reader from `core.data.sources.SOURCE_KINDS`, which also says which of the
    other fields each kind reads; a field a kind does not read must stay at its default."""

    kind: str
    description: str = ""
    license: str = "unknown"
    path: str | None = None
    url: str | None = None
    config_name: str | None = None
    data_dir: str | None = None
    split: str = "train"
    column: str = "text"
    filter: dict[str, str] = field(default_factory=dict)
    format: str = "plain"
    group_rows: int = 1
    gated: bool = False

    def validate(self, where: str) -> None:
        from core.data.sources import (
            validate_source,  # the registry of kinds lives with the readers
        )

        validate_source(self, where)
        if self.format not in ("plain", "tiny_codes"):
            raise UserError(f"{where}: format must be plain or tiny_codes, got {shown(self.format)}")
        if self.group_rows < 1:
            raise UserError(f"{where}: group_rows must be at least 1")


def _type_ok(value: Any, annotation: Any) -> bool:
    """Check a YAML value against a dataclass field annotation (the few shapes configs use)."""
    if annotation is Any:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_type_ok(value, arg) for arg in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if origin is list:
        (item_type,) = typing.get_args(annotation)
        return isinstance(value, list) and all(_type_ok(item, item_type) for item in value)
    if origin is dict:
        key_type, value_type = typing.get_args(annotation)
        return isinstance(value, dict) and all(
            _type_ok(k, key_type) and _type_ok(v, value_type) for k, v in value.items())
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, annotation)


def from_dict(cls: type[T], data: Any, where: str) -> T:
    """Build dataclass `cls` from a mapping, rejecting unknown keys, wrong types and bad values."""
    if not isinstance(data, dict):
        raise UserError(f"{where}: expected a mapping of keys to values, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    for key, value in data.items():
        if key not in names:
            close = difflib.get_close_matches(str(key), names, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; known keys: {', '.join(names)}"
            raise UserError(f"{where}: unknown key {shown(key)}{hint}")
        if not _type_ok(value, hints[key]):
            raise UserError(f"{where}: {key} has the wrong type: {shown(value)}")
    required = [f.name for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    missing = [name for name in required if name not in data]
    if missing:
        raise UserError(f"{where}: missing required key(s): {', '.join(missing)}")
    coerced = {k: float(v) if hints[k] is float else v for k, v in data.items()}
    obj = cls(**coerced)
    validate = getattr(obj, "validate", None)
    if validate:
        validate(where)
    return obj


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file, turning a missing file or a syntax error into a `UserError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read config file {path}: {exc}") from None
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"{path} is not valid YAML: {exc}") from None


def model_presets(path: str | Path = CONFIG_DIR / "models.yaml") -> dict[str, ModelConfig]:
    """The named model sizes (micro … medium) from configs/models.yaml."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of preset names to model shapes")
    return {name: from_dict(ModelConfig, shape, f"{path}: {name}") for name, shape in data.items()}


def model_preset(name: str, path: str | Path = CONFIG_DIR / "models.yaml") -> ModelConfig:
    presets = model_presets(path)
    if name not in presets:
        raise UserError(f"unknown model size {shown(name)}; choose one of {', '.join(presets)}")
    return presets[name]


def load_train_config(path: str | Path, overrides: dict[str, Any] | None = None) -> TrainConfig:
    """Read a stage config (configs/language.yaml, configs/code.yaml) and apply CLI/app overrides."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of keys to values")
    given = {key: value for key, value in (overrides or {}).items() if value is not None}
    try:  # the file's own values first: a fault there is the file's, one past them the flags' or fields'
        from_dict(TrainConfig, data, str(path))
        where = "the settings given" if given else str(path)
    except UserError:
        if not given:
            raise
        where = str(path)  # a file that needs what was given (a stage-2 config without its parent, say)
    return from_dict(TrainConfig, {**data, **given}, where)


def save_train_config(config: TrainConfig, path: str | Path) -> None:
    Path(path).write_text(yaml.safe_dump(dataclasses.asdict(config), sort_keys=False), encoding="utf-8")


def data_sources(path: str | Path = CONFIG_DIR / "datasets.yaml") -> dict[str, dict[str, SourceSpec]]:
    """Named sources per domain ("english", "code") from configs/datasets.yaml."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected domains english and code")
    sources: dict[str, dict[str, SourceSpec]] = {}
    for domain, named in data.items():
        if domain not in DOMAINS or not isinstance(named, dict):
            raise UserError(f"{path}: top-level keys must be english and code, each a mapping")
        sources[domain] = {name: from_dict(SourceSpec, spec, f"{path}: {domain}.{name}")
                           for name, spec in named.items()}
    return sources
