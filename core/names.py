"""The project's fixed vocabulary — domains, stages and metrics — defined once for every reader.

The trainer writes metrics under these keys, the charts, the Runs tab and the report read them, and
the labels, units and directions shown beside them come from here, so adding a metric or a chart
is one entry in `METRICS`.
"""
from __future__ import annotations

from dataclasses import dataclass

DOMAINS = ("english", "code")  # what a corpus holds
STAGES = ("language", "code")  # what a run trains: English from scratch, or bash from a parent
DOMAIN_OF_STAGE = {"language": "english", "code": "code"}
# The demo checkpoints in the project's checkpoints/, parent first, with the stage each was trained in.
SHIPPED_RUNS = {"language": "language", "bilingual": "code"}
# The quick start's runs, named apart so that it never touches the demo checkpoints.
QUICKSTART_RUNS = ("quickstart-language", "quickstart-bilingual")
PRECISIONS = ("auto", "fp32", "int8")  # inference weights (core/quantize.py): auto is int8 on CPU


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    lower_is_better: bool | None = None  # None: a setting or a rate, not a score
    panel: str = ""  # the training chart's panel that draws it ("loss", "lr"); "" for none
    report: bool = False  # a column of the bilingual report
    charted: bool = False  # one of the report tab's bar charts

    @property
    def title(self) -> str:
        """The label with the direction that is better, as charts show it."""
        arrow = {True: " ↓", False: " ↑", None: ""}[self.lower_is_better]
        return self.label + arrow


def val_loss_key(domain: str) -> str:
    return f"val_loss_{domain}"


def val_bpb_key(domain: str) -> str:
    return f"val_bpb_{domain}"


METRICS: dict[str, Metric] = {metric.key: metric for metric in (
    Metric("train_loss", "train loss", True, panel="loss"),
    Metric("val_loss", "val loss of the stage's own domain", True),
    Metric("val_bpb", "val bits/byte of the stage's own domain", True),
    Metric("val_loss_english", "val loss English", True, panel="loss", report=True),
    Metric("val_bpb_english", "English bits/byte", True, report=True, charted=True),
    Metric("val_loss_code", "val loss code", True, panel="loss", report=True),
    Metric("val_bpb_code", "bash bits/byte", True, report=True, charted=True),
    Metric("lr", "learning rate", panel="lr"),
    Metric("tokens_per_s", "tokens/s", False),
    Metric("forgetting_bpb_english", "English bits/byte lost to stage 2", True, report=True),
    Metric("bash_valid_share", "scripts bash -n accepts", False, report=True, charted=True),
    Metric("bash_command_share", "scripts that run a known command", False, report=True),
    Metric("shellcheck_warnings", "shellcheck warnings per script", True, report=True),
    Metric("utility_accuracy", "right utility", False, report=True, charted=True),
    Metric("token_overlap", "token overlap with the reference", False, report=True),
    Metric("distinct_2", "distinct bigrams of stories", False, report=True),
    Metric("repetition_rate", "repeated 4-grams of stories", True, report=True),
)}
TRAINING_METRICS = ("val_loss", "val_loss_english", "val_loss_code", "val_bpb_english", "val_bpb_code",
                    "train_loss", "lr", "tokens_per_s")  # what a run's metrics.jsonl holds
REPORT_COLUMNS = tuple(key for key, metric in METRICS.items() if metric.report)


def panel(name: str) -> list[Metric]:
    """The metrics one panel of the training chart draws, in registry order."""
    return [metric for metric in METRICS.values() if metric.panel == name]
