"""One writer per run: another process (or another Trainer) holding a run refuses a second
writer with one line naming it, and a holder killed by SIGKILL frees the run at once."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Observer, micro_config

from core.errors import UserError
from core.runlock import hold_run, lock_path, run_is_live
from core.runstore import read_run
from core.training import Trainer, train

PROJECT = Path(__file__).resolve().parents[1]
HOLDER = ("import sys, time; from core.runlock import hold_run; lock = hold_run(sys.argv[1]); "
          "print('held', flush=True); time.sleep(120)")


def _holder(run_dir: Path) -> subprocess.Popen:
    """A second process that takes the run's lock and keeps it until it is killed."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(run_dir)], cwd=PROJECT,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_a_run_held_by_another_process_is_refused_until_it_dies(workspace):
    config = micro_config(num_steps=5, eval_interval=5)
    run = workspace.run_dir("language")
    train(config, workspace, show_progress=False)
    record = json.loads((run / "run.json").read_text())
    (run / "run.json").write_text(json.dumps({**record, "status": "running"}))  # as a live run shows it
    holder = _holder(run)
    try:
        assert run_is_live(run) and read_run(run)["status"] == "running"
        expected = (rf"run 'language' is being written by process {holder.pid} on "
                    rf"{socket.gethostname()}; wait for it or stop it")
        for options in ({"resume": True}, {"overwrite": True}):
            with pytest.raises(UserError, match=expected):
                train(config, workspace, show_progress=False, **options)
        assert read_run(run)["step"] == 5  # the refused writers touched nothing
    finally:
        _kill(holder)
    assert not run_is_live(run) and read_run(run)["status"] == "crashed"
    assert train(config, workspace, resume=True, show_progress=False).status == "finished"
    assert train(config, workspace, overwrite=True, show_progress=False).status == "finished"
    assert read_run(run)["status"] == "finished" and lock_path(run).exists()


def test_a_second_trainer_in_the_same_process_is_refused(workspace):
    run = workspace.run_dir("language")
    first = Trainer(micro_config(num_steps=5, eval_interval=5), workspace, show_progress=False)
    with pytest.raises(UserError, match=f"being written by process {os.getpid()} on"):
        Trainer(micro_config(num_steps=5, eval_interval=5), workspace, overwrite=True,
                show_progress=False)
    seen = []
    class Watcher(Observer):
        def on_metrics(self, record):
            seen.append(read_run(run))

    first.observer = Watcher()
    first.run()
    assert seen[0]["status"] == "running" and seen[0]["pid"] == os.getpid()
    assert seen[0]["host"] == socket.gethostname()
    assert not run_is_live(run)  # run() let it go


def test_a_failed_set_up_lets_the_run_go(workspace):
    run = workspace.run_dir("language")
    with pytest.raises(UserError, match="corpus 'absent' not found"):
        train(micro_config(english_corpus="absent"), workspace, show_progress=False)
    assert not run_is_live(run)
    hold_run(run).release()


def test_a_run_stays_locked_while_overwrite_clears_its_folder(workspace):
    """The lock lives outside the run folder: clearing the folder for --overwrite must not free it."""
    run = workspace.run_dir("language")
    train(micro_config(num_steps=5, eval_interval=5), workspace, show_progress=False)
    trainer = Trainer(micro_config(num_steps=5, eval_interval=5), workspace, overwrite=True,
                      show_progress=False)
    assert not (run / "metrics.jsonl").exists()  # the old run is gone
    with pytest.raises(UserError, match="being written"):
        hold_run(run)
    assert trainer.run().status == "finished"
