"""The live view of the workspace's job: progress line, loss and learning-rate charts, log tail.

A timer calls `monitor_view` every 1.5 s; it only reads the job's status and the run's metrics
from disk, so closing the page never touches the job and reopening it shows the same state.
"""
from __future__ import annotations

import html
import os
from dataclasses import dataclass
from typing import Any

import gradio as gr
import plotly.graph_objects as go

from core.jobs import JobStatus, job_manager
from core.jobslot import current_job
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
    total = max(status.total_steps, 1)
    label = html.escape(f"{status.kind} · {status.run_name or status.description or 'preparing data'} · "
                        f"{status.state}")
    if not status.total_steps:  # a task without training steps: its log says how far it is
        error = f"<div style='color:#b91c1c'>error: {html.escape(status.error)}</div>" if status.error else ""
        return f"<div><b>{label}</b></div>{error}"
    figures = (f"step {status.step}/{status.total_steps} · {status.tokens_per_s:,.0f} tokens/s · "
               f"elapsed {_duration(status.elapsed)} · ETA {_duration(status.eta_s)}")
    error = f"<div style='color:#b91c1c'>error: {html.escape(status.error)}</div>" if status.error else ""
    return (f"<div><b>{label}</b></div><progress value='{status.step}' max='{total}' "
            f"style='width:100%'></progress><div>{figures}</div>{error}")


def elsewhere_html(job: dict[str, Any], progress: dict[str, Any], total: int | None) -> str:
    """A job another process (the CLI, another app) runs in this workspace, read from its files."""
    label = html.escape(f"{job.get('kind', 'a')} job · {job.get('description', '')} · process "
                        f"{job.get('pid', '?')} on {job.get('host', '?')}")
    step = progress["step"]
    bar = f"<progress value='{step}' max='{total}' style='width:100%'></progress>" if total else ""
    figures = (f"step {step}/{total} · {progress['tokens_per_s']:,.0f} tokens/s · elapsed "
               f"{_duration(progress['elapsed'])} · ETA {_duration(progress['eta_s'])}" if total
               else "no training steps to show")
    return f"<div><b>{label}</b></div>{bar}<div>{figures} (started outside this app)</div>"


def monitor_view(workspace: Workspace, log_scale: bool) -> tuple[str, go.Figure, str]:
    status = job_manager(workspace).status()
    run_name = status.run_name
    outside = current_job(workspace) if not status.active else None
    if outside is not None and outside.get("pid") != os.getpid():
        run_name = outside.get("run_name") if isinstance(outside.get("run_name"), str) else None
        records = run_metrics(workspace, run_name) if run_name else []
        total = None
        if run_name:
            config = read_run(workspace.run_dir(run_name)).get("config")
            total = config.get("num_steps") if isinstance(config, dict) else None
        progress = read_progress(workspace.run_dir(run_name), total or 0) if run_name else {"step": 0}
        figure = training_figure(records, log_scale, title=run_name or "")
        return elsewhere_html(outside, progress, total), figure, ""
    if run_name is None and status.state == "idle":
        runs = run_summaries(workspace)
        run_name = runs[0]["run"] if runs else None
    records = run_metrics(workspace, run_name) if run_name else []
    figure = training_figure(records, log_scale, title=run_name or "")
    return progress_html(status, run_name), figure, "\n".join(status.log[-60:])
