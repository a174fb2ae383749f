"""Report tab: the bilingual report of chosen checkpoints as a table and bar charts."""
from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.answering import AnswerSettings
from core.data.sources import pair_source_names
from core.errors import UserError
from core.jobslot import job_slot
from core.markdown import inline_code
from core.names import METRICS
from core.report import COLUMNS, bilingual_report
from core.runs import list_checkpoints, shipped_checkpoints
from core.workspace import Workspace
from webapp import inputs
from webapp.notices import refusal
from webapp.refresh import TabRefresh, kept

STRATEGY_CHOICES = ("greedy", "judge", "retrieval", "rerank")


def held_out_pairs(workspace: Workspace, sources: list[str], per_source: int):
    """Held-out pairs of each source, and the retrieval index over their training side."""
    from core.data.sources import held_out_and_training
    from core.retrieval import RetrievalIndex

    if not 1 <= per_source <= 2000:
        raise UserError(f"pairs per source must be between 1 and 2000, got {per_source}")
    pair_sets, training = held_out_and_training(workspace, sources, max_pairs=per_source)
    return pair_sets, (RetrievalIndex(training) if training else None)

CHARTED = [metric for metric in METRICS.values() if metric.charted]


def report_figure(rows: list[dict]) -> go.Figure:
    figure = make_subplots(rows=1, cols=len(CHARTED), subplot_titles=[metric.title for metric in CHARTED])
    names = [row["checkpoint"].split("/checkpoints/")[-1] for row in rows]
    for column, metric in enumerate(CHARTED, start=1):
        figure.add_trace(go.Bar(x=names, y=[row.get(metric.key) for row in rows], showlegend=False), 1, column)
    figure.update_layout(height=380, margin=dict(l=30, r=10, t=50, b=90))
    return figure


def report_choices(workspace: Workspace) -> list[tuple[str, str]]:
    """(label, path) of the shipped checkpoints and every run's best one, each path once."""
    entries = [*shipped_checkpoints(), *[e for e in list_checkpoints(workspace) if e.kind == "best"]]
    return list({str(entry.path): (entry.label, str(entry.path)) for entry in entries}.values())


def measured_on(report: dict) -> str:
    """Which corpora the loss columns were measured on, and why a column is empty where none was:
    blank cells and an empty chart alone do not say that no corpus was found."""
    lines = []
    for key, label in (("english_corpus", "English"), ("code_corpus", "bash")):
        corpus = report.get(key)
        lines.append(f"{label} loss and bits-per-byte: on the validation split of {inline_code(corpus)}." if corpus
                     else f"{label} loss and bits-per-byte: **no {label} corpus** to measure them on, so their "
                          "columns and chart are empty (build one in the **Data** tab, or name one above).")
    stage_one = [row["checkpoint"].split("/checkpoints/")[-1] for row in report.get("checkpoints", [])
                 if row.get("stage") == "language"]
    if stage_one and len(report.get("strategies", [])) > 1 and report.get("pair_sets"):
        lines.append(f"Held-out requests: {', '.join(inline_code(name) for name in stage_one)} (stage 1, never "
                     f"shown a request answered) is scored by the first strategy only, "
                     f"{inline_code(report['strategies'][0])}: every strategy gave such a checkpoint 0.000.")
    return "\n\n".join(lines)


def build_report_tab(workspace: Workspace) -> TabRefresh:
    gr.Markdown("Evaluate checkpoints side by side: language-only, code-only (stage code `from_scratch`) "
                "and bilingual. English and bash bits-per-byte, forgetting, the share of sampled scripts "
                "that `bash -n` accepts, distinct-n / repetition of story continuations, and how often each "
                "answers a held-out request with the right utility — beside a TF-IDF retrieval baseline.")
    choices = report_choices(workspace)
    with gr.Row():
        chosen = gr.Dropdown(choices, value=[value for _, value in choices[:3]], multiselect=True,
                             label="checkpoints", allow_custom_value=True)
        english = gr.Textbox(label="English corpus", value="", placeholder="installed, where present")
        code = gr.Textbox(label="bash corpus", value="", placeholder="installed, where present")
        samples = gr.Number(label="bash samples per prompt", value=2, precision=0, minimum=1)
    with gr.Row():
        sources = gr.Dropdown(pair_source_names(), value=["curated"], multiselect=True,
                              label="held-out pairs from (and retrieval baseline over their training side)")
        strategies = gr.CheckboxGroup(list(STRATEGY_CHOICES), value=["greedy"], label="answer strategies")
        max_pairs = gr.Number(label="pairs per source", value=50, precision=0, minimum=1, maximum=2000)
        either_case = gr.Checkbox(value=True, label="also read a request that starts with a capital in lower case")
    run = gr.Button("Evaluate", variant="primary")
    table = gr.Dataframe(headers=["checkpoint", "stage", *COLUMNS], interactive=False, wrap=True)
    pairs_table = gr.Dataframe(headers=["answerer", "pair set", "pairs", "utility accuracy", "token overlap"],
                               interactive=False, label="held-out requests")
    comparisons_table = gr.Dataframe(
        headers=["answerer", "against", "pair set", "only the first right", "only the second right",
                 "p (exact sign test)"], interactive=False,
        label="paired comparisons (utility; other strategies than the first: pooled only)")
    measured = gr.Markdown()
    chart = gr.Plot(label="per checkpoint")

    def evaluate(paths: list[str], english_corpus: str, code_corpus: str, per_prompt: float,
                 pair_sources: list[str], chosen_strategies: list[str], per_source: float, both_readings: bool,
                 progress: gr.Progress = gr.Progress()):  # noqa: B008 (how Gradio hands a handler its tracker)
        try:
            checkpoints = [workspace.path(path) for path in inputs.names(paths, "checkpoints")]
            if not checkpoints:
                raise UserError("choose at least one checkpoint (train one first in the Training tab)")
            progress(0, desc="evaluating (this samples text from every checkpoint)")
            with job_slot(workspace, "evaluation", f"report on {len(checkpoints)} checkpoints"):
                pair_sets, index = held_out_pairs(workspace, inputs.names(pair_sources, "pair sources"),
                                                  inputs.whole_number(per_source or 1, "pairs per source"))
                report = bilingual_report(
                    checkpoints, workspace, inputs.text(english_corpus, "English corpus", 100).strip() or None,
                    inputs.text(code_corpus, "bash corpus", 100).strip() or None,
                    samples=inputs.whole_number(per_prompt, "samples"), pair_sets=pair_sets,
                    strategies=inputs.names(chosen_strategies, "strategies") or ["greedy"], index=index,
                    answer_settings=AnswerSettings(either_case=both_readings is True))
        except UserError as exc:
            raise refusal(exc) from None
        rows = report["checkpoints"]
        table_rows = [[row["checkpoint"].split("/checkpoints/")[-1],
                       f"{row['stage']}{' (from scratch)' if row.get('from_scratch') else ''}",
                       *[row.get(column) for column in COLUMNS]] for row in rows]
        pair_rows = [[row["answerer"], name, report["pair_sets"][name], row[name]["utility_accuracy"],
                      row[name]["token_overlap"]] for row in report["pairs"] for name in report["pair_sets"]]
        comparison_rows = [[c["first"], c["second"], c["pair_set"], c["first_only"], c["second_only"], c["p_value"]]
                           for c in report["comparisons"]]
        return table_rows, pair_rows, comparison_rows, report_figure(rows), measured_on(report)

    run.click(evaluate, [chosen, english, code, samples, sources, strategies, max_pairs, either_case],
              [table, pairs_table, comparisons_table, chart, measured], api_name="evaluate")

    def refresh(selected: list[str]):
        choices = report_choices(workspace)
        return gr.Dropdown(choices=choices, value=kept(selected, [path for _, path in choices]), multiselect=True)

    return TabRefresh(refresh, [chosen], [chosen])
