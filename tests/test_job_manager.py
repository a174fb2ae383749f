"""The app's background job, without the app: one at a time, stoppable, failures reported."""
import re
import threading
import time

import pytest
from conftest import micro_config

from core.errors import UserError
from core.jobs import JobManager, job_manager
from core.workspace import Workspace


def wait_until(manager, predicate, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = manager.status()
        if predicate(status):
            return status
        time.sleep(0.1)
    raise AssertionError(f"timed out: {manager.status()}")


def test_one_job_at_a_time_and_stop_saves(workspace):
    manager = JobManager(workspace)
    manager.start_training(micro_config(num_steps=100_000, log_interval=2))
    with pytest.raises(UserError, match="already running"):
        manager.start_training(micro_config(run_name="second"))
    wait_until(manager, lambda s: s.step >= 4)
    assert manager.stop().state == "stopping"
    status = manager.wait(timeout=30)
    assert status.state == "stopped" and not status.active
    assert (workspace.run_dir("language") / "last" / "trainer_state.pt").exists()
    assert any("stopped at step" in line for line in status.log)
    with pytest.raises(UserError, match="no job is running"):
        manager.stop()


def test_a_run_stopped_between_records_shows_the_step_it_stopped_at(workspace):
    manager = JobManager(workspace)
    manager.start_training(micro_config(num_steps=100_000, log_interval=50_000, eval_interval=50_000))
    wait_until(manager, lambda s: any(" step 0: " in line for line in s.log))
    time.sleep(1.0)  # steps, but no record: the metrics file still ends at step 0
    manager.stop()
    status = manager.wait(timeout=30)
    (stopped_at,) = {int(found[1]) for line in status.log if (found := re.search(r"stopped at step (\d+)", line))}
    assert stopped_at > 0 and status.step == stopped_at


def test_a_refused_job_names_the_one_that_runs(workspace):
    manager = JobManager(workspace)
    release = threading.Event()
    manager.start_task("download", "code corpus big from the-stack-smol", lambda log: release.wait(30) and "done")
    try:
        with pytest.raises(UserError, match=r"a download job is already running \(code corpus big from the-stack"):
            manager.start_task("download", "another", lambda log: "done")
    finally:
        release.set()
        manager.wait(timeout=30)


def test_progress_fields_and_eta(workspace):
    manager = JobManager(workspace)
    manager.start_training(micro_config(num_steps=20, log_interval=5))
    status = manager.wait(timeout=60)
    assert status.state == "finished" and status.step == 20 and status.total_steps == 20
    assert status.tokens_per_s > 0 and status.elapsed > 0 and status.eta_s == 0.0


def broken_tokenizer(workspace: Workspace) -> str:
    """A tokenizer that exists but does not load: a job gets past its checks and fails in its thread."""
    path = workspace.tokenizer_path("broken")
    path.parent.mkdir(parents=True)
    path.write_text("{not a tokenizer")
    return "broken"


def test_a_failing_job_is_reported_not_raised(workspace):
    manager = JobManager(workspace)
    with pytest.raises(UserError, match="english corpus 'absent' not found"):  # what can be seen first is
        manager.start_training(micro_config(english_corpus="absent"))          # refused before a job
    manager.start_training(micro_config(tokenizer=broken_tokenizer(workspace)))
    status = manager.wait(timeout=30)
    assert status.state == "failed" and "tokenizer" in status.error and "is corrupt" in status.error
    manager.start_training(micro_config(run_name="after-failure", num_steps=5))  # not blocked
    assert manager.wait(timeout=30).state == "finished"


def test_a_taken_run_name_is_refused_at_once_and_its_progress_is_not_a_new_jobs(workspace):
    """The app's Start with the default name of a run that exists: one line, no job; and a job that
    fails before its first step shows none of the progress the earlier run of that name made."""
    manager = JobManager(workspace)
    manager.start_training(micro_config(num_steps=10, log_interval=5))
    assert manager.wait(timeout=60).step == 10
    with pytest.raises(UserError, match="already exists"):
        manager.start_training(micro_config(num_steps=10))
    assert manager.status().state == "finished"  # no job was started
    manager.start_training(micro_config(num_steps=10, tokenizer=broken_tokenizer(workspace)), overwrite=True)
    status = manager.wait(timeout=30)
    assert status.state == "failed" and status.step == 0 and status.eta_s is None, status


def test_training_never_writes_over_a_shipped_demo_checkpoint(tmp_path, monkeypatch):
    """In the project's own folder, the app's default workspace, the run `language` is the demo every
    visitor of a public app sees: neither a job (overwrite ticked, or not) nor the trainer may replace
    it, and the Training tab does not offer its name. A stand-in project, so a broken guard deletes
    nothing real."""
    from core.training import train
    from webapp.training_tab import stage_defaults

    monkeypatch.setattr("core.workspace.PROJECT_ROOT", tmp_path)
    shipped = tmp_path / "checkpoints" / "language"
    (shipped / "best").mkdir(parents=True)
    (shipped / "run.json").write_text("{}")
    workspace = Workspace.resolve(tmp_path).confine()
    manager = JobManager(workspace)
    for resume, overwrite in ((False, True), (False, False), (True, False)):
        with pytest.raises(UserError, match="is the shipped demo checkpoint"):
            manager.start_training(micro_config(run_name="language"), resume=resume, overwrite=overwrite)
    for resume, overwrite in ((False, True), (True, False)):
        with pytest.raises(UserError, match="is the shipped demo checkpoint"):
            train(micro_config(run_name="language"), workspace, resume=resume, overwrite=overwrite)
    assert sorted(path.name for path in shipped.iterdir()) == ["best", "run.json"]
    assert stage_defaults("language", workspace).run_name == "my-language"
    assert stage_defaults("code", workspace).run_name == "my-bilingual"
    assert stage_defaults("language", Workspace.resolve(tmp_path / "elsewhere")).run_name == "language"


def test_every_caller_shares_the_workspace_manager(workspace):
    assert job_manager(workspace) is job_manager(workspace)
