"""The run store: a run folder's records, readable without torch."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core.runstore import RunStore, read_metrics, read_run

PROJECT = Path(__file__).resolve().parents[1]


def test_readers_do_not_import_torch():
    probe = "import sys, core.runstore, core.runs; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_store_writes_what_the_readers_read(tmp_path):
    store = RunStore(tmp_path)
    store.write_run({"run_name": "r", "status": "finished", "step": 3})
    for step in range(4):
        store.on_metrics({"step": step, "train_loss": 1.0 / (step + 1)})
    store.on_message("12:00:00 hello")
    assert read_run(tmp_path)["step"] == 3
    assert [r["step"] for r in read_metrics(tmp_path)] == [0, 1, 2, 3]
    store.keep_metrics_through(1)
    assert [r["step"] for r in read_metrics(tmp_path)] == [0, 1]
    assert (tmp_path / "log.txt").read_text() == "12:00:00 hello\n"


def test_a_run_that_says_running_with_no_live_writer_is_crashed(tmp_path):
    (tmp_path / "run.json").write_text(json.dumps({"status": "running"}))
    assert read_run(tmp_path)["status"] == "crashed"


def test_progress_is_read_from_the_records(tmp_path):
    from core.runstore import read_progress

    assert read_progress(tmp_path, 100)["step"] == 0
    store = RunStore(tmp_path)
    store.on_metrics({"step": 0, "elapsed": 0.0, "val_loss": 3.0})
    store.on_metrics({"step": 20, "elapsed": 10.0, "tokens_per_s": 500.0})
    store.on_metrics({"step": 25, "elapsed": 12.5, "val_loss": 2.0})  # an eval record carries no rate
    progress = read_progress(tmp_path, 100)
    assert progress == {"step": 25, "tokens_per_s": 500.0, "elapsed": 12.5, "eta_s": 37.5}
