"""The crash suite: a real training process is SIGKILLed at named points (core/faults.py) — inside
a checkpoint swap, between a metrics record and its checkpoint, in the middle of a step — and then
resumed. However it died, the resumed run must write exactly the records an uninterrupted run
writes (no step lost or repeated), leave loadable best/ and last/, and no half-written folders.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import micro_config

from core.checkpoint import load_checkpoint
from core.config import CONFIG_DIR
from core.errors import UserError
from core.runstore import read_metrics, read_run
from core.training import train
from core.workspace import Workspace

PROJECT = Path(__file__).resolve().parents[1]
SETTINGS = {"num_steps": 30, "eval_interval": 5, "log_interval": 5, "batch_size": 4, "eval_batches": 1}
LEFTOVER = re.compile(r"\.(tmp|ready|old)-\d+$")

# One process killed per fault, in order; each later one resumes the run and is killed again.
# Hits count per process: swaps go best, last, best, last… while val loss improves (every eval
# here), so an even swap hit is a last/ swap and an odd one a best/ swap; records come one per
# eval (steps 0, 5, 10…), so metrics-appended:k is the record of step 5(k-1).
KILLS = {
    "swap-between-renames:2": ["swap-between-renames:2"],  # first last/: no old one to fall back on
    "swap-between-renames:3": ["swap-between-renames:3"],  # best/ at step 5
    "swap-between-renames:4": ["swap-between-renames:4"],  # last/ at step 5, old one aside
    "swap-before-ready:4": ["swap-before-ready:4"],
    "swap-before-ready:7": ["swap-before-ready:7"],
    "swap-before-delete-old:6": ["swap-before-delete-old:6"],
    "checkpoint-weights-written:4": ["checkpoint-weights-written:4"],
    "metrics-appended:2": ["metrics-appended:2"],  # step 5's record is written, its checkpoints not
    "metrics-appended:7": ["metrics-appended:7"],  # the final record, before the final checkpoints
    "train-step:8": ["train-step:8"],  # mid step 7, between two evals
    "twice": ["train-step:13", "swap-between-renames:2"],  # the resumed process is killed too
}


def _config():
    return micro_config(**SETTINGS)


def _figures(records: list[dict]) -> list[dict]:
    """What must match an uninterrupted run exactly (timing fields legitimately differ)."""
    return [{k: v for k, v in r.items() if k in ("step", "train_loss") or k.startswith("val_")}
            for r in records]


def _cli_args() -> list[str]:
    args = ["train", "--config", str(CONFIG_DIR / "language.yaml"), "--model", "micro",
            "--warmup-steps", "5", "--device", "cpu", "--learning-rate", str(_config().learning_rate)]
    for key, value in SETTINGS.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    return args


def _killed_run(workspace: Workspace, fault: str, resume: bool) -> None:
    """`python -m core train` with PCM_FAULT set: it must die by SIGKILL, nothing else."""
    command = [sys.executable, "-m", "core", "--workspace", str(workspace.root), *_cli_args()]
    process = subprocess.run(command + (["--resume"] if resume else []), cwd=PROJECT,
                             env={**os.environ, "PCM_FAULT": fault}, capture_output=True, text=True,
                             timeout=300)
    assert process.returncode == -signal.SIGKILL, (fault, process.returncode, process.stderr[-2000:])


@pytest.fixture(scope="module")
def reference(template_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The records of the same run, never interrupted."""
    root = tmp_path_factory.mktemp("reference") / "ws"
    shutil.copytree(template_workspace, root)
    workspace = Workspace.resolve(root)
    train(_config(), workspace, show_progress=False)
    return _figures(read_metrics(workspace.run_dir("language")))


@pytest.mark.parametrize("faults", KILLS.values(), ids=KILLS.keys())
def test_a_killed_run_resumes_to_the_uninterrupted_result(workspace, reference, faults):
    run = workspace.run_dir("language")
    for number, fault in enumerate(faults):
        _killed_run(workspace, fault, resume=number > 0)
        assert read_run(run)["status"] == "crashed"  # says running, but no process holds it
    result = train(_config(), workspace, resume=True, show_progress=False)
    assert result.status == "finished" and result.step == 30
    assert _figures(read_metrics(run)) == reference
    assert read_run(run)["status"] == "finished"
    assert load_checkpoint(run / "last").info["step"] == 30
    best = min((r for r in reference if "val_loss" in r), key=lambda r: r["val_loss"])
    assert load_checkpoint(run / "best").info["step"] == best["step"]
    assert [p.name for p in run.parent.rglob("*") if LEFTOVER.search(p.name)] == []


def test_a_full_disk_keeps_the_previous_checkpoint(workspace, monkeypatch):
    """The 4th checkpoint write (last/ at step 5) finds the disk full: one line, run failed,
    last/ still the step-0 one, no temporary folder."""
    monkeypatch.setenv("PCM_FAULT", "checkpoint-weights-written:4:enospc")
    monkeypatch.setattr("core.faults._hits", Counter())
    run = workspace.run_dir("language")
    with pytest.raises(UserError) as error:
        train(_config(), workspace, show_progress=False)
    message = str(error.value)
    assert "\n" not in message
    assert re.fullmatch(rf"could not save checkpoint {re.escape(str(run / 'last'))}: No space left on "
                        r"device; the previous checkpoint is kept", message)
    assert load_checkpoint(run / "last").info["step"] == 0
    assert load_checkpoint(run / "best").info["step"] == 5
    info = read_run(run)
    assert info["status"] == "failed" and "No space left on device" in info["error"]
    assert [p.name for p in run.rglob("*") if LEFTOVER.search(p.name)] == []


def test_ctrl_c_saves_the_run_and_exits_130(workspace):
    """The first Ctrl-C of `train` stops after the step and saves last/, but the command did not
    do what it was asked: it must exit 130, so a `train && next` chain does not go on."""
    command = [sys.executable, "-m", "core", "--workspace", str(workspace.root), *_cli_args(), "--num-steps",
               "100000"]  # given last, it wins over _cli_args' 30: the run outlasts the wait below
    process = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    run = workspace.run_dir("language")
    try:
        deadline = time.monotonic() + 120
        # a record past step 0: steps have been taken (at step 0's record alone, a Ctrl-C could land
        # before the first step, and the run would stop there with nothing trained)
        while not any(record["step"] > 0 for record in read_metrics(run)) and time.monotonic() < deadline:
            time.sleep(0.2) if process.poll() is None else pytest.fail(process.stderr.read()[-2000:])
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, err[-2000:]
    assert "language: stopped at step" in out
    assert err.rstrip().endswith("interrupted")
    assert read_run(run)["status"] == "stopped"
    assert 0 < load_checkpoint(run / "last").info["step"] < 100000


def test_a_tokenizer_or_corpus_left_mid_swap_is_put_back(workspace):
    """A build killed between its two renames leaves the finished folder beside its place, under
    the dead writer's pid: the next reader puts it back, and the next build sweeps the leftovers."""
    from core.data.corpus import build_corpus
    from core.tokenizer import load_tokenizer

    dead = 2**22 + 12345  # above any pid this machine hands out
    tokenizer = workspace.tokenizer_path("default").parent
    tokenizer.rename(tokenizer.with_name(f".default.ready-{dead}"))
    assert load_tokenizer(workspace.tokenizer_path("default")).get_vocab_size() == 512
    assert sorted(p.name for p in tokenizer.parent.iterdir()) == ["default"]
    corpus = workspace.corpus_dir("english", "installed")
    shutil.copytree(corpus, corpus.with_name(f".installed.old-{dead}"))
    build_corpus(["Once upon a time there was a kite.", "A cat sat on a mat."], corpus, domain="english",
                 source="local", license="test", replace=True, show_progress=False)
    assert sorted(p.name for p in corpus.parent.iterdir()) == ["installed"]
