"""The Gradio app: one module per tab; every button calls one function of `core`."""
from __future__ import annotations

import gradio as gr

from core.hosting import DemoLimits
from core.jobs import job_manager
from core.runs import shipped_checkpoints
from core.workspace import Workspace
from webapp.data_tab import build_data_tab
from webapp.inputs import api_errors, text
from webapp.playground_tab import build_playground_tab
from webapp.refresh import refresh_on_visit
from webapp.report_tab import build_report_tab
from webapp.runs_tab import build_runs_tab
from webapp.start_tab import build_start_tab
from webapp.training_tab import build_training_tab

TITLE = "pretrained-code-model: English first, then bash"


def build_app(workspace: Workspace, limits: DemoLimits | None = None) -> gr.Blocks:
    """The app on `workspace`, always fenced (see `Workspace.confine`): anyone who reaches it can
    call every endpoint with any value. `limits` bound a public demo's jobs and downloads."""
    workspace = workspace.confine(readable=tuple(entry.path for entry in shipped_checkpoints()),
                                  local_roots=() if limits else workspace.local_roots)
    job_manager(workspace, limits)
    # A public demo's visitor is not shown where on the server its files live; the owner is.
    where = "Public demo: bounded presets, no server folders" if limits else f"Workspace: `{workspace.root}`"
    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        gr.Markdown(f"# {TITLE}\n{where}")
        with gr.Tabs():
            with gr.Tab("Start", id="start"):
                build_start_tab(workspace)
            with gr.Tab("Data", id="data") as data:
                refreshes = [(data, build_data_tab(workspace, limits))]
            with gr.Tab("Training", id="training"):
                build_training_tab(workspace)
            with gr.Tab("Runs", id="runs") as runs:
                refreshes.append((runs, build_runs_tab(workspace)))
            with gr.Tab("Playground", id="playground") as playground:
                refreshes.append((playground, build_playground_tab(workspace)))
            with gr.Tab("Report", id="report") as report:
                refreshes.append((report, build_report_tab(workspace)))
        for tab, refresh in refreshes:
            refresh_on_visit(app, tab, refresh)
        _add_api(workspace)
    return app


def _add_api(workspace: Workspace) -> None:
    """Read-only endpoints for scripts and tests (`gradio_client`): status and the chart data."""
    import dataclasses

    from core.runs import run_metrics

    def job_status() -> dict:
        return dataclasses.asdict(job_manager(workspace).status())

    @api_errors
    def metrics(run_name: str) -> list[dict]:
        return run_metrics(workspace, text(run_name, "run name", 100))

    gr.api(job_status, api_name="job_status")
    gr.api(metrics, api_name="run_metrics")
