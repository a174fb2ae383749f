"""Two processes under torchrun (gloo on CPU) match one process with the same global batch."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.runstore import read_metrics, read_run

PROJECT = Path(__file__).resolve().parents[1]


def train_command(workspace, run_name: str, batch_size: int) -> list[str]:
    return ["--workspace", str(workspace.root), "train_language", "--model", "micro", "--run-name",
            run_name, "--batch-size", str(batch_size), "--num-steps", "12", "--eval-interval", "6",
            "--eval-batches", "2", "--log-interval", "3", "--warmup-steps", "2",
            "--learning-rate", "3e-3", "--device", "cpu"]


@pytest.mark.skipif(shutil.which("torchrun") is None, reason="torchrun is not on PATH")
def test_two_processes_match_one_with_the_same_global_batch(workspace):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(PROJECT)}
    # Two processes first, on a workspace with no token files yet: rank 0 must write them alone.
    ddp = subprocess.run(["torchrun", "--standalone", "--nproc_per_node", "2", "-m", "core",
                          *train_command(workspace, "ddp", 4)],
                         cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert ddp.returncode == 0, ddp.stderr[-2000:]
    single = subprocess.run([sys.executable, "-m", "core", *train_command(workspace, "single", 8)],
                            cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert single.returncode == 0, single.stderr[-2000:]
    one = {m["step"]: m for m in read_metrics(workspace.run_dir("single"))}
    two = {m["step"]: m for m in read_metrics(workspace.run_dir("ddp"))}
    assert sorted(one) == sorted(two) == [0, 3, 6, 9, 12]  # rank 0 alone wrote, once per step
    for step in (3, 6, 9, 12):
        assert two[step]["train_loss"] == pytest.approx(one[step]["train_loss"], abs=2e-3)
    for step in (0, 6, 12):
        assert two[step]["val_loss"] == pytest.approx(one[step]["val_loss"], abs=2e-3)
    assert read_run(workspace.run_dir("ddp"))["world_size"] == 2
    assert (workspace.run_dir("ddp") / "best" / "model.safetensors").exists()

    resumed = subprocess.run(["torchrun", "--standalone", "--nproc_per_node", "2", "-m", "core",
                              *train_command(workspace, "ddp", 4), "--num-steps", "15", "--resume"],
                             cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert read_run(workspace.run_dir("ddp"))["step"] == 15
    assert [m["step"] for m in read_metrics(workspace.run_dir("ddp"))][-2:] == [12, 15]
