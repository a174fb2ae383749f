"""Shared fixtures: a small workspace built from text the tests write themselves.

Nothing here touches the network (HF_HUB_OFFLINE) or depends on ../shared/data, so the core suite
runs anywhere. The corpora are synthetic but shaped like the real ones: short English stories and
short described bash scripts.
"""
from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

_NAMES = ["Tom", "Lily", "Ben", "Mia", "Sam", "Anna", "Max", "Zoe"]
_THINGS = ["ball", "kite", "cat", "dog", "box", "tree", "boat", "cake"]
_FEELINGS = ["happy", "sad", "tired", "excited", "brave", "curious"]
_TASKS = [("list all text files", "ls -- *.txt"), ("count lines in a file", 'wc -l "$1"'),
          ("show disk usage", "df -h"), ("find large files", "find . -size +100M"),
          ("print the date", "date"), ("archive a folder", 'tar -czf backup.tar.gz "$1"'),
          ("show running processes", "ps aux"), ("search for a word", 'grep -rn "$1" .')]


def english_documents(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    stories = []
    for i in range(count):
        name, other = rng.sample(_NAMES, 2)
        thing, feeling = rng.choice(_THINGS), rng.choice(_FEELINGS)
        stories.append(
            f"Once upon a time, {name} had a {thing}. {name} was very {feeling}. "
            f"One day {other} came to play with the {thing}. They played all day and "
            f"{name} said, \"I like my {thing}!\" Story number {i}.")
    return stories


def bash_documents(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    scripts = []
    for i in range(count):
        description, command = rng.choice(_TASKS)
        scripts.append(f"#!/bin/bash\n# {description}\nset -euo pipefail\n"
                       f"for item in {rng.randint(1, 9)} {i}; do\n  {command}\ndone\n")
    return scripts


def write_tldr_tools(folder: Path, tools: int, examples: int) -> str:
    """A tldr `pages/common` of `tools` made-up pages, each with a summary and `examples` examples."""
    pages = folder / "pages" / "common"
    pages.mkdir(parents=True)
    for i in range(tools):
        body = "".join(f"- Do thing {j} with tool{i}:\n\n`tool{i} --thing {j}`\n\n" for j in range(examples))
        (pages / f"tool{i}.md").write_text(f"# tool{i}\n\n> Tool number {i}.\n\n{body}")
    return str(folder)


def write_jsonl(path: Path, texts: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def template_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Corpora (english/installed, code/installed) and a 512-token tokenizer, built once."""
    from core.data.sources import download
    from core.tokenizer import train_tokenizer
    from core.workspace import Workspace

    root = tmp_path_factory.mktemp("template")
    sources = root / "sources"
    write_jsonl(sources / "english.jsonl", english_documents(400))
    write_jsonl(sources / "code.jsonl", bash_documents(300))
    workspace = Workspace.resolve(root / "ws")
    download(workspace, "english", "local", name="installed", path=str(sources / "english.jsonl"),
             show_progress=False)
    download(workspace, "code", "local", name="installed", path=str(sources / "code.jsonl"),
             show_progress=False)
    train_tokenizer([workspace.corpus_dir("english", "installed"), workspace.corpus_dir("code", "installed")],
                    workspace.tokenizer_path("default"), vocab_size=512, show_progress=False)
    return workspace.root


def copy_of(template_workspace: Path, root: Path):
    """A private copy of the template workspace at `root`, so tests can train and overwrite freely."""
    from core.workspace import Workspace

    shutil.copytree(template_workspace, root)
    return Workspace.resolve(root)


@pytest.fixture
def workspace(template_workspace: Path, tmp_path: Path):
    return copy_of(template_workspace, tmp_path / "ws")


def micro_config(stage: str = "language", **overrides):
    """A training config for the micro model that runs in a second or two."""
    from core.config import CONFIG_DIR, load_train_config

    values = {"model": "micro", "num_steps": 30, "batch_size": 8, "eval_interval": 10,
              "eval_batches": 2, "log_interval": 5, "warmup_steps": 5, "device": "cpu",
              "learning_rate": 3e-3 if stage == "language" else 1e-3, **overrides}
    return load_train_config(CONFIG_DIR / f"{stage}.yaml", values)


class Observer:
    """A `RunObserver` that ignores everything; tests override the one event they watch."""

    def on_start(self, run_name: str, stage: str, total_steps: int) -> None:
        pass

    def on_message(self, line: str) -> None:
        pass

    def on_metrics(self, record: dict) -> None:
        pass

    def on_done(self, status: str, step: int) -> None:
        pass
