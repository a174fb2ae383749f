import re
from pathlib import Path

import pytest

from core.config import (
    ModelConfig,
    TrainConfig,
    data_sources,
    from_dict,
    load_train_config,
    model_preset,
    model_presets,
)
from core.errors import UserError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "run.yaml"
    path.write_text(text)
    return path


def test_shipped_configs_load():
    assert {"micro", "cpu", "tiny", "small", "medium"} <= set(model_presets())
    tiny = model_preset("tiny")
    assert (tiny.n_layer, tiny.n_embd) == (6, 384)
    assert (model_preset("small").n_layer, model_preset("small").n_embd) == (12, 768)
    assert (model_preset("medium").n_layer, model_preset("medium").n_embd) == (16, 1024)
    sources = data_sources()
    assert sources["english"]["tinystories"].path == "roneneldan/TinyStories"
    assert sources["code"]["tiny-codes"].filter == {"programming_language": "Bash"}
    assert sources["code"]["the-stack-smol"].gated
    assert sources["code"]["tldr"].description.endswith("answered by the page's name")  # no `#` read as a comment


def test_stage_defaults_follow_the_design():
    language = load_train_config(Path("configs/language.yaml"))
    code = load_train_config(Path("configs/code.yaml"))
    assert language.learning_rate == pytest.approx(3e-4) and code.learning_rate == pytest.approx(1e-3)
    assert language.grad_clip == 1.0 and code.stage == "code" and code.init_from


def test_unknown_key_is_named_with_a_suggestion(tmp_path):
    with pytest.raises(UserError, match=r"unknown key 'learning_rat'.*did you mean 'learning_rate'"):
        load_train_config(write(tmp_path, "learning_rat: 0.1\n"))


def test_wrong_type_and_bad_values(tmp_path):
    with pytest.raises(UserError, match="num_steps has the wrong type"):
        load_train_config(write(tmp_path, "num_steps: many\n"))
    with pytest.raises(UserError, match="batch_size must be between 1 and 4,096, got 0"):
        load_train_config(write(tmp_path, "batch_size: 0\n"))
    with pytest.raises(UserError, match="stage must be one of"):
        load_train_config(write(tmp_path, "stage: poetry\n"))
    with pytest.raises(UserError, match="replay_fraction mixes English into stage 'code' only"):
        load_train_config(write(tmp_path, "stage: language\nreplay_fraction: 0.2\n"))


def test_a_value_is_quoted_short_however_large_it_unfolds(tmp_path):
    """A 500-byte YAML of nested aliases unfolds into nine to the eighth lists: written out in the
    message, it took the server 18 s and sent the browser hundreds of MB."""
    lines = ["run_name:", '  - &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for name, previous in zip("bcdefgh", "abcdefg"):
        lines.append(f"  - &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    with pytest.raises(UserError, match=r"run_name has the wrong type: \[\['lol', 'lol'") as error:
        load_train_config(write(tmp_path, "\n".join(lines) + "\n"))
    assert len(str(error.value)) < 300
    with pytest.raises(UserError, match=r"device must be auto, .*, got 'c+\.\.\.c+'") as error:
        load_train_config(write(tmp_path, "device: " + "c" * 100_000 + "\n"))
    assert len(str(error.value)) < 1000


def test_malformed_and_missing_files(tmp_path):
    with pytest.raises(UserError, match="not valid YAML"):
        load_train_config(write(tmp_path, "num_steps: [1, 2\n"))
    with pytest.raises(UserError, match="config file not found"):
        load_train_config(tmp_path / "absent.yaml")
    with pytest.raises(UserError, match="expected a mapping"):
        load_train_config(write(tmp_path, "- just\n- a list\n"))


def test_overrides_win_and_none_is_ignored(tmp_path):
    config = load_train_config(write(tmp_path, "num_steps: 10\n"), {"num_steps": 20, "seed": None})
    assert config.num_steps == 20 and config.seed == TrainConfig().seed


def test_int_accepted_for_float_but_not_bool_for_int():
    assert from_dict(TrainConfig, {"min_lr_ratio": 1}, "x").min_lr_ratio == 1.0
    with pytest.raises(UserError, match="wrong type"):
        from_dict(TrainConfig, {"num_steps": True}, "x")


def test_model_shape_is_checked():
    with pytest.raises(UserError, match="divisible"):
        from_dict(ModelConfig, {"n_embd": 100, "n_head": 3}, "x")
    with pytest.raises(UserError, match="unknown model size 'huge'"):
        model_preset("huge")


@pytest.mark.parametrize("key, value, message", [
    ("num_steps", 10_000_001, "num_steps must be between 1 and 10,000,000"),
    ("batch_size", 4097, "batch_size must be between 1 and 4,096"),
    ("grad_accum_steps", 1025, "grad_accum_steps must be between 1 and 1,024"),
    ("eval_batches", 10_001, "eval_batches must be between 1 and 10,000"),
    ("seed", -1, "seed must be between 0 and 4,294,967,295"),
    ("seed", 2**32, "seed must be between 0 and 4,294,967,295"),
    ("learning_rate", float("nan"), "learning_rate must be a finite number"),
    ("grad_clip", float("inf"), "grad_clip must be a finite number"),
    ("device", "tpu", "device must be auto, cpu, cuda, cuda:N or mps"),
])
def test_sizes_a_person_could_mistype_are_bounded(key, value, message):
    with pytest.raises(UserError, match=message):
        from_dict(TrainConfig, {key: value}, "x")


@pytest.mark.parametrize("key, value", [("n_layer", 257), ("n_head", 257), ("n_embd", 16385),
                                        ("context_length", 32769), ("vocab_size", 65536), ("n_layer", 0)])
def test_a_crafted_model_shape_cannot_ask_for_a_huge_allocation(key, value):
    shape = {"n_layer": 2, "n_head": 1, "n_embd": 64, "context_length": 64, "vocab_size": 512, key: value}
    with pytest.raises(UserError, match=f"{key} must be between 1 and"):
        from_dict(ModelConfig, shape, "x")


def test_a_bad_setting_is_blamed_on_the_setting_and_a_bad_file_on_the_file(tmp_path):
    """A flag or a form field out of range is not the config file's fault (the file is fine)."""
    with pytest.raises(UserError, match=r"^the settings given: num_steps must be between 1"):
        load_train_config(Path("configs/language.yaml"), {"num_steps": -3})
    bad = write(tmp_path, "num_steps: -3\n")
    with pytest.raises(UserError, match=rf"^{re.escape(str(bad))}: num_steps must be between 1"):
        load_train_config(bad, {"learning_rate": 1e-3})
    with pytest.raises(UserError, match=rf"^{re.escape(str(bad))}: num_steps must be between 1"):
        load_train_config(bad)
