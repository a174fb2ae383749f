"""The app's background job, without the app: one at a time, stoppable, failures reported."""
import time

import pytest
from conftest import micro_config

from core.errors import UserError
from core.jobs import JobManager, job_manager


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


def test_progress_fields_and_eta(workspace):
    manager = JobManager(workspace)
    manager.start_training(micro_config(num_steps=20, log_interval=5))
    status = manager.wait(timeout=60)
    assert status.state == "finished" and status.step == 20 and status.total_steps == 20
    assert status.tokens_per_s > 0 and status.elapsed > 0 and status.eta_s == 0.0


def test_a_failing_job_is_reported_not_raised(workspace):
    manager = JobManager(workspace)
    manager.start_training(micro_config(english_corpus="absent"))
    status = manager.wait(timeout=30)
    assert status.state == "failed" and "english corpus 'absent' not found" in status.error
    manager.start_training(micro_config(run_name="after-failure", num_steps=5))  # not blocked
    assert manager.wait(timeout=30).state == "finished"


def test_every_caller_shares_the_workspace_manager(workspace):
    assert job_manager(workspace) is job_manager(workspace)
