"""One long task at a time per workspace, across the CLI and the app, and the app sees the CLI's."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import micro_config

from core.cli import main
from core.errors import UserError
from core.jobs import JobManager
from core.jobslot import current_job, job_slot, take_slot
from core.runstore import read_metrics

PROJECT = Path(__file__).resolve().parents[1]


def test_a_held_slot_refuses_any_other_task_until_released(workspace):
    with job_slot(workspace, "download", "english corpus from installed"):
        assert current_job(workspace)["kind"] == "download"
        with pytest.raises(UserError, match=r"a download job \(english corpus from installed\) is running") as refused:
            take_slot(workspace, "training", "x")
        assert "process" not in str(refused.value)  # a task of this app: no server pid or host name for a visitor
        with pytest.raises(UserError, match="a download job"):
            JobManager(workspace).start_training(micro_config(num_steps=5))
    assert current_job(workspace) is None
    take_slot(workspace, "training", "x").release()


@pytest.fixture
def cli_training(workspace):
    """A long CLI training run in another process, holding the slot until it is killed."""
    command = [sys.executable, "-m", "core", "--workspace", str(workspace.root), "train_language", "--run-name",
               "cli-run", "--model", "micro", "--num-steps", "100000", "--batch-size", "8", "--eval-interval", "10",
               "--eval-batches", "2", "--log-interval", "5", "--device", "cpu"]
    process = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and not (
            (current_job(workspace) or {}).get("run_name") == "cli-run" and read_metrics(workspace.run_dir("cli-run"))):
        assert process.poll() is None, "the CLI run ended early"
        time.sleep(0.2)
    yield process
    process.kill()
    process.wait()


def test_the_cli_and_the_app_take_turns(workspace, cli_training, capsys):
    job = current_job(workspace)
    assert job["kind"] == "training" and job["pid"] == cli_training.pid
    assert main(["--workspace", str(workspace.root), "tokenizer", "--name", "other"]) == 2
    assert "a training job (python -m core train_language, process" in capsys.readouterr().err
    with pytest.raises(UserError, match="a training job"):
        JobManager(workspace).start_training(micro_config(run_name="app-run", num_steps=5))
    os.kill(cli_training.pid, signal.SIGKILL)
    cli_training.wait()
    assert current_job(workspace) is None  # the kernel let the slot go with its holder
    manager = JobManager(workspace)
    assert manager.start_training(micro_config(run_name="app-run", num_steps=5)).state == "running"
    assert manager.wait(120).state == "finished"


def test_the_console_shows_a_run_the_cli_started(workspace, cli_training):
    from webapp.monitor import monitor_view

    progress, figure, _ = monitor_view(workspace, log_scale=False)
    assert "started outside this app" in progress and f"process {cli_training.pid}" in progress
    assert "step" in progress and figure.data  # its curves, read from its metrics.jsonl


def test_the_console_shows_a_task_of_this_app_that_is_not_its_job(workspace):
    from webapp.monitor import monitor_view

    assert "No job running" in monitor_view(workspace, log_scale=False)[0]
    with job_slot(workspace, "evaluation", "report on 2 checkpoints"):
        progress = monitor_view(workspace, log_scale=False)[0]
    assert "evaluation · report on 2 checkpoints · running" in progress and "process" not in progress
