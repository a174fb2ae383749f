"""The console's progress line, from a job's status alone."""
import dataclasses

from core.jobs import JobStatus
from webapp.monitor import progress_html


def test_a_job_that_has_ended_shows_no_time_left():
    running = JobStatus(kind="training", state="running", run_name="r", step=20, total_steps=100,
                        elapsed=10.0, eta_s=40.0)
    assert "step 20/100" in progress_html(running, None) and "ETA 40s" in progress_html(running, None)
    for state in ("stopped", "failed", "finished"):
        assert "ETA –" in progress_html(dataclasses.replace(running, state=state), None)
