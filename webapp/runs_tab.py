"""Runs tab: every past run with its final figures, and any runs' curves overlaid on one chart."""
from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go

from core.errors import UserError
from core.names import DOMAINS, METRICS, TRAINING_METRICS, val_loss_key
from core.runs import run_metrics, run_summaries
from core.runstore import read_run
from core.workspace import Workspace
from webapp import inputs
from webapp.charts import overlay_figure
from webapp.notices import refusal
from webapp.refresh import TabRefresh, kept

COLUMNS = ["run", "stage", "status", "step", "model", "parameters", *(val_loss_key(domain) for domain in DOMAINS),
           "elapsed_s", "updated"]


def runs_table(workspace: Workspace) -> list[list]:
    return [[row.get(column) for column in COLUMNS] for row in run_summaries(workspace)]


def overlay(workspace: Workspace, names: list[str], metric: str, log_scale: bool) -> go.Figure:
    return overlay_figure({name: run_metrics(workspace, name) for name in names or []}, metric, log_scale)


def build_runs_tab(workspace: Workspace) -> TabRefresh:
    gr.Markdown("Every run in this workspace, read from `checkpoints/<run>/` (so it survives restarts).")
    refresh = gr.Button("Refresh")
    table = gr.Dataframe(headers=COLUMNS, value=runs_table(workspace), interactive=False, wrap=True)
    names = [row["run"] for row in run_summaries(workspace)]
    with gr.Row():
        chosen = gr.Dropdown(names, value=names[:2], multiselect=True, label="runs to overlay")
        metric = gr.Dropdown([(METRICS[key].label, key) for key in TRAINING_METRICS], value="val_loss_english",
                             label="metric")
        log_scale = gr.Checkbox(label="log scale", value=False)
    chart = gr.Plot(label="overlay")
    details = gr.JSON(label="run.json of the first chosen run")

    def update(selected: list[str], name: str, log: bool):
        try:
            chosen_runs = inputs.names(selected, "runs")
            first = read_run(workspace.run_dir(chosen_runs[0])) if chosen_runs else {}
            return overlay(workspace, chosen_runs, name, log is True), first
        except UserError as exc:
            raise refusal(exc) from None

    def reload():
        current = [row["run"] for row in run_summaries(workspace)]
        return runs_table(workspace), gr.Dropdown(choices=current)

    def revisit(selected: list[str], name: str, log: bool):
        """The table and the choices read again, and the chart of the runs still chosen drawn."""
        current = [row["run"] for row in run_summaries(workspace)]
        still = kept(selected, current) or current[:2]
        return (runs_table(workspace), gr.Dropdown(choices=current, value=still, multiselect=True),
                *update(still, name, log))

    for trigger in (chosen.change, metric.change, log_scale.change):
        trigger(update, [chosen, metric, log_scale], [chart, details], api_visibility="private")
    refresh.click(reload, None, [table, chosen], api_name="list_runs")
    return TabRefresh(revisit, [chosen, metric, log_scale], [table, chosen, chart, details])
