"""The live view of the workspace's job: progress line, loss and learning-rate charts, log tail.

A timer calls `monitor_view` every 1.5 s; it only reads the job's status and the run's metrics
from disk, so closing the page never touches the job and reopening it shows the same state.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import gradio as gr
import plotly.graph_objects as go

from core.jobs import JobStatus, job_manager
from core.jobslot import current_job, held_where
from core.runs import run_metrics, run_summaries
from core.runstore import read_progress, read_run
from core.workspace import Workspace
from webapp.charts import training_figure

TICK_SECONDS = 1.5


@dataclass
class Monitor:
    progress: gr.HTML
    log_scale: gr.Checkbox
    plot: gr.Plot
    log: gr.Textbox

    @property
    def outputs(self) -> list[gr.components.Component]:
        return [self.progress, self.plot, self.log]


def build_monitor(workspace: Workspace, timer: gr.Timer) -> Monitor:
    """The panel, refreshed by `timer` and redrawn when the log-scale toggle changes."""
    progress = gr.HTML(elem_classes=["job-progress"])
    log_scale = gr.Checkbox(label="log-scale loss axis", value=False)
    plot = gr.Plot(label="training curves", elem_classes=["training-plot"])
    log = gr.Textbox(label="log", lines=8, max_lines=8, autoscroll=True, interactive=False)
    monitor = Monitor(progress=progress, log_scale=log_scale, plot=plot, log=log)

    def view(scale: bool) -> tuple[str, go.Figure, str]:
        return monitor_view(workspace, scale)

    timer.tick(view, log_scale, monitor.outputs, show_progress="hidden", api_visibility="private")
    log_scale.change(view, log_scale, monitor.outputs, api_visibility="private")
    return monitor


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def progress_html(status: JobStatus, shown_run: str | None) -> str:
    if status.state == "idle":
        hint = f"No job running. Showing the latest run: <b>{html.escape(shown_run)}</b>." if shown_run \
            else "No job running and no runs yet: start one with <b>Quick start</b> or in the Training tab."
        return f"<div>{hint}</div>"
    what = [part for part in (status.run_name, status.description) if part] or ["preparing data"]
    label = html.escape(" · ".join([status.kind, *what, status.state]))
    error = f"<div style='color:#b91c1c'>error: {html.escape(status.error)}</div>" if status.error else ""
    if not status.total_steps:  # a task without training steps: its log says how far it is
        return f"<div><b>{label}</b></div>{error}"
    figures = (f"step {status.step}/{status.total_steps} · {status.tokens_per_s:,.0f} tokens/s · "
               f"elapsed {_duration(status.elapsed)} · ETA {_duration(status.eta_s if status.active else None)}")
    return (f"<div><b>{label}</b></div><progress value='{status.step}' max='{status.total_steps}' "
            f"style='width:100%'></progress><div>{figures}</div>{error}")


def elsewhere_status(workspace: Workspace, job: dict[str, Any]) -> JobStatus:
    """A job another process (the CLI, another app) runs in this workspace, read from its files."""
    run_name = job.get("run_name") if isinstance(job.get("run_name"), str) else None
    total = 0
    if run_name:
        config = read_run(workspace.run_dir(run_name)).get("config")
        total = config.get("num_steps", 0) if isinstance(config, dict) else 0
    progress = read_progress(workspace.run_dir(run_name), total) if run_name else {}
    held = held_where(job)  # empty for a task of this app that is not its job (a report being evaluated)
    where = f"{job.get('description', '')}{f', started outside this app by {held}' if held else ''}"
    return JobStatus(kind=str(job.get("kind", "")), description=where, state="running", run_name=run_name,
                     total_steps=total if isinstance(total, int) else 0, **progress)


def monitor_view(workspace: Workspace, log_scale: bool) -> tuple[str, go.Figure, str]:
    status = job_manager(workspace).status()
    outside = current_job(workspace) if not status.active else None
    if outside is not None:
        status = elsewhere_status(workspace, outside)
    run_name = status.run_name
    if run_name is None:  # idle, or a job that trains nothing (a corpus, a tokenizer): the latest run
        runs = run_summaries(workspace)
        run_name = runs[0]["run"] if runs else None
    records = run_metrics(workspace, run_name) if run_name else []
    title = run_name if run_name == status.run_name else f"latest run: {run_name}"
    figure = training_figure(records, log_scale, title=title or "")
    return progress_html(status, run_name), figure, "\n".join(status.log[-60:])
