"""Report tab: the bilingual report of chosen checkpoints as a table and bar charts."""
from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.errors import UserError
from core.report import COLUMNS, bilingual_report
from core.runs import list_checkpoints
from core.workspace import Workspace

CHARTED = (("val_bpb_english", "English bits/byte ↓"), ("val_bpb_code", "bash bits/byte ↓"),
           ("bash_valid_share", "scripts bash -n accepts ↑"), ("utility_accuracy", "right utility ↑"))


def report_figure(rows: list[dict]) -> go.Figure:
    figure = make_subplots(rows=1, cols=len(CHARTED), subplot_titles=[title for _, title in CHARTED])
    names = [row["checkpoint"].split("/checkpoints/")[-1] for row in rows]
    for column, (key, _) in enumerate(CHARTED, start=1):
        figure.add_trace(go.Bar(x=names, y=[row.get(key) for row in rows], showlegend=False), 1, column)
    figure.update_layout(height=380, margin=dict(l=30, r=10, t=50, b=90))
    return figure


def build_report_tab(workspace: Workspace) -> None:
    gr.Markdown("Evaluate checkpoints side by side: language-only, code-only (stage code `from_scratch`) "
                "and bilingual. English and bash bits-per-byte, forgetting, the share of sampled scripts "
                "that `bash -n` accepts, and distinct-n / repetition of story continuations.")
    choices = [(entry.label, str(entry.path)) for entry in list_checkpoints(workspace) if entry.kind == "best"]
    with gr.Row():
        chosen = gr.Dropdown(choices, value=[value for _, value in choices[:3]], multiselect=True,
                             label="checkpoints", allow_custom_value=True)
        english = gr.Textbox(label="English corpus", value="installed")
        code = gr.Textbox(label="bash corpus", value="installed")
        samples = gr.Number(label="bash samples per prompt", value=2, precision=0, minimum=1)
    run = gr.Button("Evaluate", variant="primary")
    table = gr.Dataframe(headers=["checkpoint", "stage", *COLUMNS], interactive=False, wrap=True)
    chart = gr.Plot(label="per checkpoint")

    def evaluate(paths: list[str], english_corpus: str, code_corpus: str, per_prompt: float,
                 progress: gr.Progress = gr.Progress()):
        if not paths:
            gr.Warning("Choose at least one checkpoint (train one first in the Training tab).")
            return [], None
        progress(0, desc="evaluating (this samples text from every checkpoint)")
        try:
            report = bilingual_report(paths, workspace, english_corpus, code_corpus, samples=int(per_prompt))
        except UserError as exc:
            gr.Warning(str(exc))
            return [], None
        rows = report["checkpoints"]
        table_rows = [[row["checkpoint"].split("/checkpoints/")[-1],
                       f"{row['stage']}{' (from scratch)' if row.get('from_scratch') else ''}",
                       *[row.get(column) for column in COLUMNS]] for row in rows]
        return table_rows, report_figure(rows)

    run.click(evaluate, [chosen, english, code, samples], [table, chart], api_name="evaluate")
