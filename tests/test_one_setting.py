"""A training setting is one field of TrainConfig: the CLI flag, the app's field and the saved
config follow from it. Proved by adding a field the code has never heard of, in a fresh process."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PROBE = '''
import dataclasses, tempfile
from pathlib import Path
import core.config as config

@dataclasses.dataclass
class Extended(config.TrainConfig):
    label_smoothing: float = config.setting(0.0, "share of each target spread over the vocabulary")

config.TrainConfig = Extended  # as if the field had been written into TrainConfig itself

import gradio as gr
from core.cli import build_parser
from webapp.training_tab import FIELD_ORDER, overrides_from_fields, stage_defaults

args = build_parser().parse_args(["train_language", "--label-smoothing", "0.1"])
assert args.label_smoothing == 0.1
assert "share of each target" in build_parser()._subparsers._group_actions[0].choices["train"].format_help()

defaults = dataclasses.asdict(stage_defaults("language"))
defaults["label_smoothing"] = 0.2
overrides = overrides_from_fields([defaults[name] for name in FIELD_ORDER])
assert overrides["label_smoothing"] == 0.2

from core.workspace import Workspace
from webapp.training_tab import build_training_tab
with gr.Blocks() as page:
    build_training_tab(Workspace.resolve(tempfile.mkdtemp()))
labels = [block.label for block in page.blocks.values() if getattr(block, "label", None)]
assert any(label.startswith("label_smoothing") for label in labels), labels

path = Path(tempfile.mkdtemp()) / "run.yaml"
config.save_train_config(Extended(label_smoothing=0.3), path)
assert config.load_train_config(path).label_smoothing == 0.3
print("ok")
'''


def test_a_new_field_reaches_the_cli_the_app_and_the_saved_config():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-2000:]
