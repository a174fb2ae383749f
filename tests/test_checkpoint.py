import json
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from conftest import micro_config

from core.atomic import recover_dir
from core.checkpoint import export_checkpoint, load_checkpoint, load_trainer_state, save_checkpoint
from core.config import ModelConfig
from core.errors import UserError
from core.model import GPT
from core.runs import list_checkpoints, run_summaries
from core.runstore import read_run
from core.tokenizer import load_tokenizer
from core.training import train


@pytest.fixture
def saved(workspace, tmp_path):
    torch.manual_seed(0)
    model = GPT(ModelConfig(n_layer=2, n_head=2, n_embd=32, context_length=16, vocab_size=512))
    tokenizer = load_tokenizer(workspace.tokenizer_path("default"))
    path = tmp_path / "checkpoints" / "ckpt"
    save_checkpoint(path, model, tokenizer, {"stage": "language", "step": 3}, {"step": 3})
    return path, model


def test_round_trip_is_bit_exact(saved):
    path, model = saved
    loaded = load_checkpoint(path)
    original = model.state_dict()
    for name, tensor in loaded.model.state_dict().items():
        assert torch.equal(tensor, original[name]), name
    assert loaded.model.lm_head.weight.data_ptr() == loaded.model.token_embedding.weight.data_ptr()
    assert loaded.info["stage"] == "language" and loaded.info["parameters"] == model.num_parameters()
    assert load_trainer_state(path) == {"step": 3}
    tokens = torch.randint(0, 512, (1, 8))
    assert torch.equal(loaded.model(tokens)[0], model.eval()(tokens)[0])


def test_no_temporary_folders_are_left(saved):
    path, model = saved
    save_checkpoint(path, model, load_checkpoint(path).tokenizer, {"step": 4})
    assert sorted(p.name for p in path.parent.iterdir()) == ["ckpt"]
    assert load_checkpoint(path).info["step"] == 4


def test_missing_and_corrupt_checkpoints_are_explained(saved, tmp_path):
    path, _ = saved
    with pytest.raises(UserError, match="checkpoint not found"):
        load_checkpoint(tmp_path / "nowhere")
    (path / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(UserError, match="corrupt"):
        load_checkpoint(path)
    (path / "config.json").write_text("{")
    with pytest.raises(UserError, match="config.json is not valid JSON"):
        load_checkpoint(path)
    (path / "tokenizer.json").unlink()
    with pytest.raises(UserError, match="missing tokenizer.json"):
        load_checkpoint(path)


def test_corrupt_trainer_state_is_explained(saved):
    path, _ = saved
    (path / "trainer_state.pt").write_bytes(b"not a torch file")
    with pytest.raises(UserError, match="trainer state .* is corrupt"):
        load_trainer_state(path)


def test_export_drops_trainer_state_and_reloads(saved, tmp_path):
    path, model = saved
    exported = export_checkpoint(path, tmp_path / "shared")
    assert sorted(p.name for p in exported.iterdir()) == ["config.json", "model.safetensors", "tokenizer.json"]
    assert torch.equal(load_checkpoint(exported).model.token_embedding.weight, model.token_embedding.weight)
    with pytest.raises(UserError, match="no trainer state"):
        load_trainer_state(exported)


def test_half_export_is_half_the_size_and_loads_as_float32(saved, tmp_path):
    path, model = saved
    exported = export_checkpoint(path, tmp_path / "half", half=True)
    assert (exported / "model.safetensors").stat().st_size < 0.6 * (path / "model.safetensors").stat().st_size
    loaded = load_checkpoint(exported).model.token_embedding.weight
    assert loaded.dtype == torch.float32
    assert torch.allclose(loaded, model.token_embedding.weight, rtol=1e-3, atol=1e-4)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _folder(path, step: int):
    path.mkdir(parents=True)
    (path / "step").write_text(str(step))
    return path


def test_recover_dir_promotes_the_ready_folder_a_kill_left_between_the_renames(tmp_path):
    target, dead = tmp_path / "last", _dead_pid()
    _folder(tmp_path / f".last.old-{dead}", 5)
    _folder(tmp_path / f".last.ready-{dead}", 10)
    _folder(tmp_path / f".last.tmp-{dead}", 15)  # incomplete: never promoted
    recover_dir(target)
    assert (target / "step").read_text() == "10"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last"]


def test_recover_dir_falls_back_to_the_old_folder(tmp_path):
    target = tmp_path / "last"
    _folder(tmp_path / f".last.old-{_dead_pid()}", 5)
    _folder(tmp_path / f".last.tmp-{os.getpid()}", 15)  # this process's own leftover
    recover_dir(target)
    assert (target / "step").read_text() == "5"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last"]


def test_recover_dir_never_touches_a_live_writer(tmp_path):
    """PID 1 is alive and is not us: its folders are another writer's work in progress."""
    live = [_folder(tmp_path / f".last.{kind}-1", 1) for kind in ("tmp", "ready", "old")]
    _folder(tmp_path / "last", 0)
    stale = _folder(tmp_path / f".last.ready-{_dead_pid()}", 9)
    recover_dir(tmp_path / "last")
    assert all(path.exists() for path in live) and not stale.exists()
    assert (tmp_path / "last" / "step").read_text() == "0"  # a complete target is never replaced
    shutil.rmtree(tmp_path / "last")
    recover_dir(tmp_path / "last")
    assert not (tmp_path / "last").exists()  # a live writer's ready folder is its to swap in


def test_a_write_the_system_refuses_keeps_the_previous_checkpoint(saved):
    """A file-size limit makes the kernel refuse the weights half-way (EFBIG, as a full disk gives
    ENOSPC), inside safetensors: one line, and the previous checkpoint still loads."""
    path, _ = saved
    script = ("import resource, signal, sys; from core.checkpoint import load_checkpoint, save_checkpoint; "
              "from core.errors import UserError; ckpt = load_checkpoint(sys.argv[1]); "
              "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
              "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))\n"
              "try: save_checkpoint(ckpt.path, ckpt.model, ckpt.tokenizer, {'step': 4})\n"
              "except UserError as exc: print(exc)")
    process = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert re.fullmatch(rf"could not save checkpoint {re.escape(str(path))}: [^\n]*File too large[^\n]*; "
                        r"the previous checkpoint is kept\n", process.stdout), process.stderr
    assert load_checkpoint(path).info["step"] == 3
    assert sorted(p.name for p in path.parent.iterdir()) == ["ckpt"]


def test_export_refuses_to_replace_what_it_was_not_asked_to(saved, tmp_path):
    path, _ = saved
    destination = tmp_path / "shared"
    export_checkpoint(path, destination)
    with pytest.raises(UserError, match="already exists and is not empty"):
        export_checkpoint(path, destination)
    (destination / "config.json").write_text("{}")
    assert export_checkpoint(path, destination, replace=True) == destination
    assert load_checkpoint(destination).info["step"] == 3
    for own in (path, path.parent, tmp_path):
        with pytest.raises(UserError, match="refusing to write over"):
            export_checkpoint(path, own, replace=True)
    assert load_checkpoint(path).info["step"] == 3


def test_a_crafted_config_cannot_make_us_allocate(saved):
    """256 layers of 16,384 × 16,384 would be about 3 TB: refused from the header, before any model."""
    path, _ = saved
    info = json.loads((path / "config.json").read_text())
    info["model"].update(n_embd=16384, n_head=1, vocab_size=60_000)
    (path / "config.json").write_text(json.dumps(info))
    with pytest.raises(UserError, match=r"does not match its config: .* is \(32,\) in model.safetensors "
                                        r"but \(16384,\) in config.json"):
        load_checkpoint(path)
    info["model"].update(n_layer=256, n_embd=32, n_head=2, vocab_size=512)
    (path / "config.json").write_text(json.dumps(info))
    with pytest.raises(UserError, match=r"blocks\.\d+\.\S+ is missing in model.safetensors"):
        load_checkpoint(path)


def test_weights_above_the_size_bound_are_refused(saved):
    """A header that declares 3e9 parameters (a sparse file: no disk is used) is refused unread."""
    path, _ = saved
    header = json.dumps({"w": {"dtype": "U8", "shape": [3_000_000_000],
                               "data_offsets": [0, 3_000_000_000]}}).encode()
    header += b" " * (-len(header) % 8)
    with open(path / "model.safetensors", "wb") as weights:
        weights.write(struct.pack("<Q", len(header)) + header)
        weights.truncate(8 + len(header) + 3_000_000_000)
    with pytest.raises(UserError, match="holds 3,000,000,000 parameters, more than"):
        load_checkpoint(path)


def test_config_and_tokenizer_that_are_not_what_they_say(saved):
    path, _ = saved
    (path / "tokenizer.json").write_text('{"not": "a tokenizer"}')
    with pytest.raises(UserError, match="tokenizer.json is not a tokenizer"):
        load_checkpoint(path)
    (path / "config.json").write_text("[1, 2]")
    with pytest.raises(UserError, match="config.json holds a list, not a mapping"):
        load_checkpoint(path)


def test_damaged_runs_are_listed_not_fatal(workspace):
    train(micro_config(num_steps=5, eval_interval=5), workspace, show_progress=False)
    good = workspace.run_dir("language")
    for name, content in (("truncated", b'{"status": "runn'), ("latin1", '{"stage": "caf\xe9"}'.encode("latin-1")),
                          ("list", b"[]")):
        shutil.copytree(good, workspace.run_dir(name))
        (workspace.run_dir(name) / "run.json").write_bytes(content)
    (workspace.run_dir("truncated") / "best" / "config.json").write_text("garbage")
    rows = {row["run"]: row for row in run_summaries(workspace)}
    assert rows["language"]["status"] == "finished"
    for name in ("truncated", "latin1", "list"):
        info = read_run(workspace.run_dir(name))
        assert rows[name]["status"] == info["status"] == "unreadable" and "run.json" in info["error"]
    listed = {(entry.run_name, entry.kind) for entry in list_checkpoints(workspace)}
    assert {("truncated", "best"), ("language", "last")} <= listed
