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


def test_a_job_that_trains_nothing_shows_the_latest_runs_curves(workspace):
    """Building a corpus has no curves of its own: the chart keeps the latest run's, named as such,
    rather than going blank for the length of the download."""
    import threading

    from conftest import micro_config

    from core.jobs import job_manager
    from core.training import train
    from webapp.monitor import monitor_view

    train(micro_config(num_steps=10, log_interval=5), workspace, show_progress=False)
    manager, release = job_manager(workspace), threading.Event()
    manager.start_task("download", "code corpus big from curated", lambda log: release.wait(30) and "done")
    try:
        progress, figure, _ = monitor_view(workspace, False)
        assert "download · code corpus big from curated · running" in progress
        assert figure.layout.title.text == "latest run: language" and len(figure.data) >= 2
    finally:
        release.set()
        manager.wait(timeout=30)


def test_a_metric_keeps_its_colour_whichever_others_a_run_has():
    from webapp.charts import training_figure

    full = training_figure([{"step": 0, "val_loss_english": 3.0, "val_loss_code": 4.0, "lr": 0.1},
                            {"step": 10, "train_loss": 2.5, "val_loss_english": 2.0, "lr": 0.2}])
    early = training_figure([{"step": 0, "val_loss_english": 3.0, "lr": 0.1}])  # no train loss yet, no code
    colours = {trace.name: trace.line.color for trace in full.data}
    assert len(set(colours.values())) == len(colours) == 4
    assert all(colours[trace.name] == trace.line.color for trace in early.data)
