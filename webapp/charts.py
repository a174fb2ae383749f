"""Plotly figures drawn from metrics records (the rows of a run's metrics.jsonl)."""
from __future__ import annotations

from typing import Any

import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.names import METRICS, panel

Records = list[dict[str, Any]]


def _series(records: Records, key: str) -> tuple[list[int], list[float]]:
    points = [(r["step"], r[key]) for r in records if r.get(key) is not None]
    return [p[0] for p in points], [p[1] for p in points]


def training_figure(records: Records, log_scale: bool = False, title: str = "") -> go.Figure:
    """The loss panel's metrics (train, val English, val code) beside the learning rate panel's,
    step on the x axis; train loss, logged every few steps, as a line, evaluations as points.
    Each metric keeps its colour whichever others a run has (the palette's turn would shift it)."""
    figure = make_subplots(rows=1, cols=2, column_widths=[0.68, 0.32],
                           subplot_titles=("loss", "learning rate"))
    palette = plotly.colors.qualitative.Plotly
    for column, name in ((1, "loss"), (2, "lr")):
        for metric in panel(name):
            steps, values = _series(records, metric.key)
            if steps:
                mode = "lines+markers" if metric.key.startswith("val_") else "lines"
                colour = palette[list(METRICS).index(metric.key) % len(palette)]
                figure.add_trace(go.Scatter(x=steps, y=values, name=metric.label, mode=mode, line_color=colour,
                                            showlegend=column == 1), 1, column)
    figure.update_yaxes(type="log" if log_scale else "linear", row=1, col=1)
    figure.update_xaxes(title_text="step")
    figure.update_layout(title=title or None, height=360, margin=dict(l=40, r=20, t=50, b=40),
                         legend=dict(orientation="h", y=-0.25))
    return figure


def overlay_figure(runs: dict[str, Records], metric: str, log_scale: bool = False) -> go.Figure:
    """One metric of several runs on one chart, to compare them directly."""
    figure = go.Figure()
    for name, records in runs.items():
        steps, values = _series(records, metric)
        if steps:
            figure.add_trace(go.Scatter(x=steps, y=values, name=name, mode="lines+markers"))
    label = METRICS[metric].title if metric in METRICS else metric
    figure.update_layout(title=label, height=380, xaxis_title="step", yaxis_title=label,
                         yaxis_type="log" if log_scale else "linear",
                         margin=dict(l=40, r=20, t=50, b=40))
    return figure
