"""Plotly figures drawn from metrics records (the rows of a run's metrics.jsonl)."""
from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

Records = list[dict[str, Any]]
LOSS_SERIES = (("train_loss", "train"), ("val_loss_english", "val English"), ("val_loss_code", "val code"))
METRICS = ("val_loss", "val_loss_english", "val_loss_code", "val_bpb_english", "val_bpb_code",
           "train_loss", "lr", "tokens_per_s")


def _series(records: Records, key: str) -> tuple[list[int], list[float]]:
    points = [(r["step"], r[key]) for r in records if r.get(key) is not None]
    return [p[0] for p in points], [p[1] for p in points]


def training_figure(records: Records, log_scale: bool = False, title: str = "") -> go.Figure:
    """Losses (train, val English, val code) beside the learning rate, step on the x axis."""
    figure = make_subplots(rows=1, cols=2, column_widths=[0.68, 0.32],
                           subplot_titles=("loss", "learning rate"))
    for key, name in LOSS_SERIES:
        steps, values = _series(records, key)
        if steps:
            figure.add_trace(go.Scatter(x=steps, y=values, name=name,
                                        mode="lines" if key == "train_loss" else "lines+markers"), 1, 1)
    steps, values = _series(records, "lr")
    if steps:
        figure.add_trace(go.Scatter(x=steps, y=values, name="lr", mode="lines", showlegend=False), 1, 2)
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
    figure.update_layout(title=metric, height=380, xaxis_title="step", yaxis_title=metric,
                         yaxis_type="log" if log_scale else "linear",
                         margin=dict(l=40, r=20, t=50, b=40))
    return figure
