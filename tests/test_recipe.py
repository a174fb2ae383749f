"""The recipe behind the shipped checkpoints, end to end on a micro model, and its shipping step."""
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import english_documents, write_jsonl
from safetensors import safe_open

from core import faults
from core.checkpoint import EXAMPLES_FILE, load_checkpoint
from core.config import CONFIG_DIR
from core.errors import UserError
from core.names import SHIPPED_RUNS
from core.recipe import (
    RUNS,
    TOKENIZER,
    Recipe,
    _Log,
    _portable_report,
    _ship_dir,
    _shipped_parts,
    export_and_report,
    load_recipe,
    prepare_data,
    run_recipe,
    ship,
    train_runs,
)
from core.runstore import read_run
from core.workspace import PROJECT_ROOT, Workspace


def micro_recipe(english: Path, **changes: Any) -> Recipe:
    """The shipped recipe at micro scale on a local English file and the curated pairs: seconds, not
    an hour. Every pair is kept (`runnable_only` would keep those this machine's PATH runs)."""
    scale = {"model": "micro", "english_source": "local", "english_path": str(english), "english_max_docs": 300,
             "code_sources": ["curated"], "runnable_only": False, "language_steps": 6, "code_steps": 4,
             "max_pairs": 3, "request_sets": {"dev (other styles)": "benchmarks/dev_requests.jsonl"},
             "strategies": ["greedy"], "retrieval_examples": 0, "seed": 7}
    return dataclasses.replace(load_recipe(), **{**scale, **changes})


def test_the_shipped_recipe_file_is_valid():
    recipe = load_recipe()
    assert recipe.code_sources and recipe.code_steps >= 1
    with pytest.raises(UserError, match="code_sources"):
        load_recipe(overrides={"code_sources": []})
    for outside in ("../../etc/passwd", "/etc/passwd", "benchmarks/no_such.jsonl"):
        with pytest.raises(UserError, match="must be a JSONL file in the project"):
            load_recipe(overrides={"request_sets": {"dev": outside}})
    with pytest.raises(UserError, match="seed"):
        load_recipe(overrides={"seed": -1})


def test_a_recipe_variant_changes_only_what_it_states_over_its_base(tmp_path):
    shipped, gpu = load_recipe(), load_recipe(CONFIG_DIR / "recipe-gpu.yaml")
    assert (gpu.model, gpu.runnable_only, gpu.batch_size) == ("tiny", False, 32)
    assert dataclasses.replace(gpu, model=shipped.model, runnable_only=shipped.runnable_only,
                               batch_size=shipped.batch_size, code_steps=shipped.code_steps) == shipped
    (tmp_path / "mine.yaml").write_text("model: micro\n")  # no base: the shipped recipe's other values
    assert load_recipe(tmp_path / "mine.yaml") == dataclasses.replace(shipped, model="micro")
    (tmp_path / "a.yaml").write_text("base: b.yaml\nmodel: micro\n")
    (tmp_path / "b.yaml").write_text("base: a.yaml\n")
    with pytest.raises(UserError, match="is a recipe based on it in turn"):
        load_recipe(tmp_path / "a.yaml")
    (tmp_path / "b.yaml").write_text("base: no_such.yaml\n")
    with pytest.raises(UserError, match="config file not found"):
        load_recipe(tmp_path / "a.yaml")


def test_a_record_from_before_a_field_existed_matches_the_recipe_that_leaves_it_unset(tmp_path):
    """The shipped checkpoints' recipe.json predates `seed` and `batch_size`: `recipe --evaluate-only`
    must still accept it, and must refuse it for a recipe that sets another seed or batch."""
    workspace = Workspace.resolve(tmp_path)
    recipe = load_recipe()
    recorded = dataclasses.asdict(recipe)
    del recorded["seed"], recorded["batch_size"]
    (workspace.root / "recipe.json").write_text(json.dumps({"recipe": recorded, "steps": {}}))
    _Log(workspace, recipe, resume=True)
    with pytest.raises(UserError, match="records another recipe"):
        _Log(workspace, dataclasses.replace(recipe, seed=7), resume=True)
    with pytest.raises(UserError, match="records another recipe"):
        _Log(workspace, dataclasses.replace(recipe, batch_size=64), resume=True)


def test_recipe_runs_every_step_and_ships_half_precision_copies(tmp_path, monkeypatch):
    english = write_jsonl(tmp_path / "english.jsonl", english_documents(300))
    recipe = micro_recipe(english, strategies=["greedy", "retrieval"], retrieval_examples=2)
    workspace = Workspace.resolve(tmp_path / "ws")
    lines = list(run_recipe(workspace, recipe))
    assert [line.split(":")[0] for line in lines] == [
        "english corpus", "bash corpus", "tokenizer", "train language", "train bilingual", "train code-only",
        "export float16", "report"]
    record = json.loads((workspace.root / "recipe.json").read_text())
    assert record["recipe"]["code_steps"] == 4 and record["steps"]["train bilingual"]["step"] == 4
    assert {read_run(workspace.run_dir(name))["config"]["seed"] for name in RUNS.values()} == {7}
    answerers = [row["answerer"] for row in record["steps"]["report"]["pairs"]]
    assert answerers[0] == "retrieval baseline (TF-IDF)" and "bilingual · retrieval" in answerers
    assert set(record["steps"]["report"]["pair_sets"]) == {"curated", "dev (other styles)"}

    # `recipe --evaluate-only`: no training, and other request sets may be scored.
    rescored = dataclasses.replace(recipe, request_sets={"fresh": "benchmarks/test_requests_far.jsonl"})
    again = list(export_and_report(workspace, rescored))
    assert [line.split(":")[0] for line in again] == ["export float16", "report"]
    record = json.loads((workspace.root / "recipe.json").read_text())
    assert record["steps"].keys() == {line.split(":")[0] for line in lines}
    assert set(record["steps"]["report"]["pair_sets"]) == {"curated", "fresh"}
    assert record["recipe"]["request_sets"] == rescored.request_sets
    assert record["total_seconds"] == pytest.approx(sum(step["seconds"] for step in record["steps"].values()))
    with pytest.raises(UserError, match="records another recipe"):
        list(export_and_report(workspace, load_recipe()))

    project = tmp_path / "project"
    weights = sum(file.stat().st_size for name in SHIPPED_RUNS
                  for file in (_ship_dir(workspace) / name / "best").iterdir())
    with monkeypatch.context() as patched:  # the budget counts the records and the report, not only the weights
        patched.setattr("core.recipe.SHIP_BUDGET", weights)
        with pytest.raises(UserError, match="with their records and report, past the"):
            ship(workspace, project)
    assert not project.exists()
    shipped = ship(workspace, project)
    copied = sum(file.stat().st_size for file in (project / "checkpoints").rglob("*") if file.is_file())
    assert copied <= sum(_shipped_parts(recipe, workspace).values())  # what `--ship` counted before training
    assert [path.name for path in shipped] == ["language", "bilingual"]
    with pytest.raises(UserError, match="replace them explicitly"):
        ship(workspace, project)
    bilingual = load_checkpoint(project / "checkpoints" / "bilingual" / "best")
    assert bilingual.info["parent"] == "checkpoints/language/best"
    assert (project / "checkpoints" / "bilingual" / "best" / EXAMPLES_FILE).exists()
    assert not (project / "checkpoints" / "bilingual" / "best" / "trainer_state.pt").exists()
    with safe_open(project / "checkpoints" / "language" / "best" / "model.safetensors", "pt") as weights:
        assert {str(weights.get_tensor(name).dtype) for name in weights.keys()} == {"torch.float16"}
    assert json.loads((project / "checkpoints" / "bilingual" / "run.json").read_text())["stage"] == "code"
    assert (project / "checkpoints" / "report.md").read_text().count("|") > 10
    shipped_report = json.loads((project / "checkpoints" / "report.json").read_text())
    assert [row["checkpoint"] for row in shipped_report["checkpoints"]] == [
        "checkpoints/language/best", "WORKSPACE/checkpoints/code-only/best", "checkpoints/bilingual/best"]
    assert str(workspace.root) not in (project / "checkpoints" / "report.md").read_text()

    # Nothing ships that does not belong together, and nothing is replaced before all is checked.
    elsewhere = tmp_path / "elsewhere"
    report_markdown = workspace.root / "reports" / "recipe.md"
    kept = report_markdown.read_bytes()
    report_markdown.unlink()
    with pytest.raises(UserError, match=r"nothing was shipped: .*recipe\.md missing"):
        ship(workspace, elsewhere)
    report_markdown.write_bytes(kept)
    best = workspace.run_dir("bilingual") / "best" / "config.json"  # as a later training's best would be
    best.write_text(json.dumps({**json.loads(best.read_text()), "step": 99}))
    with pytest.raises(UserError, match="is not the export of run bilingual's finished best checkpoint"):
        ship(workspace, elsewhere)
    assert not elsewhere.exists()
    run = workspace.run_dir("code-only") / "run.json"
    run.write_text(json.dumps({**json.loads(run.read_text()), "status": "crashed"}))
    with pytest.raises(UserError, match="run code-only in .* is not a finished run of this recipe"):
        list(export_and_report(workspace, recipe))
    run.write_text(json.dumps({**json.loads(run.read_text()), "status": "finished"}))
    # A --data-only since built another tokenizer (the corpora's names stay): the runs are not its.
    from core.tokenizer import train_tokenizer

    train_tokenizer([workspace.corpus_dir("english", "recipe-english")], workspace.tokenizer_path(TOKENIZER),
                    vocab_size=300, replace=True, show_progress=False)
    with pytest.raises(UserError, match="run language in .* is not a finished run of this recipe on its data"):
        list(export_and_report(workspace, recipe))


def test_the_data_can_be_built_here_and_trained_on_elsewhere_at_another_size_and_budget(tmp_path):
    """`--data-only` where the sources are, `--train-only` on a GPU machine with other steps (the
    corpora stay), then `--evaluate-only` back here: the record names the recipe that trained."""
    english = write_jsonl(tmp_path / "english.jsonl", english_documents(300))
    recipe = micro_recipe(english)
    workspace = Workspace.resolve(tmp_path / "ws")
    with pytest.raises(UserError, match="--data-only step first"):
        list(train_runs(workspace, recipe))
    assert [line.split(":")[0] for line in prepare_data(workspace, recipe)] == [
        "english corpus", "bash corpus", "tokenizer"]
    assert not workspace.run_dir(RUNS["language"]).exists()
    with pytest.raises(UserError, match="records another recipe"):  # other corpora than those built
        list(train_runs(workspace, dataclasses.replace(recipe, code_sources=["tldr"])))
    tokenizer = workspace.tokenizer_path(TOKENIZER).read_bytes()
    longer = dataclasses.replace(recipe, language_steps=3, code_steps=5, batch_size=4)
    assert [line.split(":")[0] for line in train_runs(workspace, longer)] == [
        "train language", "train bilingual", "train code-only"]
    assert workspace.tokenizer_path(TOKENIZER).read_bytes() == tokenizer
    record = json.loads((workspace.root / "recipe.json").read_text())
    assert record["recipe"]["code_steps"] == 5 and record["steps"]["train code-only"]["step"] == 5
    assert "tokenizer" in record["steps"]
    assert {read_run(workspace.run_dir(name))["config"]["batch_size"] for name in RUNS.values()} == {4}
    with pytest.raises(UserError, match="records another recipe"):  # the report checks what trained
        list(export_and_report(workspace, recipe))
    assert [line.split(":")[0] for line in export_and_report(workspace, longer)] == ["export float16", "report"]
    list(train_runs(workspace, recipe))  # training anew: the last report described other weights
    assert json.loads((workspace.root / "recipe.json").read_text())["steps"].keys() == {
        "english corpus", "bash corpus", "tokenizer", "train language", "train bilingual", "train code-only"}


def test_ship_is_refused_before_training_when_the_data_shows_the_copies_would_not_fit(tmp_path, monkeypatch):
    """The tokenizers and training pairs the copies carry are known once the data is built, and count."""
    english = write_jsonl(tmp_path / "english.jsonl", english_documents(300))
    recipe = micro_recipe(english)
    workspace = Workspace.resolve(tmp_path / "ws")
    list(prepare_data(workspace, recipe))
    parts = _shipped_parts(recipe, workspace)
    assert parts["tokenizers"] > 0 and parts["training pairs"] > 0
    monkeypatch.setattr("core.recipe.SHIP_BUDGET", sum(parts.values()) - 1)
    with pytest.raises(UserError, match=r"\(weights [\d.]+, tokenizers [\d.]+, training pairs [\d.]+, records"):
        list(train_runs(workspace, recipe, ship=True))
    assert not workspace.run_dir(RUNS["language"]).exists()


def test_an_interrupted_recipe_goes_on_where_it_stopped(tmp_path, monkeypatch):
    """A recipe that dies in its last run (a full disk at code-only's third step, the crash tests'
    fault) is resumed: the data and the finished runs are kept as they are, the interrupted run
    continues from its last checkpoint, and a run of another budget is not mistaken for the recipe's."""
    english = write_jsonl(tmp_path / "english.jsonl", english_documents(300))
    recipe = micro_recipe(english)
    workspace = Workspace.resolve(tmp_path / "ws")
    monkeypatch.setattr(faults, "_hits", Counter())
    monkeypatch.setenv("PCM_FAULT", "train-step:13:enospc")  # language's 6 steps, bilingual's 4, then 3
    with pytest.raises(OSError):
        list(run_recipe(workspace, recipe))
    monkeypatch.delenv("PCM_FAULT")
    assert read_run(workspace.run_dir(RUNS["code_only"]))["status"] == "failed"
    finished = ("language", "bilingual")
    weights = {name: (workspace.run_dir(name) / "best" / "model.safetensors").read_bytes() for name in finished}
    tokenizer = workspace.tokenizer_path(TOKENIZER).stat().st_mtime_ns

    lines = list(run_recipe(workspace, recipe, resume=True))
    assert [line.split(":")[0] for line in lines] == [
        "corpora and tokenizer", "train language", "train bilingual", "train code-only", "export float16", "report"]
    assert all("kept" in line for line in lines[:3]) and "kept" not in lines[3]
    assert workspace.tokenizer_path(TOKENIZER).stat().st_mtime_ns == tokenizer
    assert {name: (workspace.run_dir(name) / "best" / "model.safetensors").read_bytes() for name in finished} == weights
    steps = json.loads((workspace.root / "recipe.json").read_text())["steps"]
    assert steps["train code-only"]["resumed_at"] == 0 and steps["train code-only"]["step"] == 4
    assert steps["train language"]["step"] == 6 and "report" in steps
    assert read_run(workspace.run_dir(RUNS["code_only"]))["status"] == "finished"
    assert "resumed at step 0" in (workspace.run_dir(RUNS["code_only"]) / "log.txt").read_text()
    assert all("kept" in line for line in train_runs(workspace, recipe, resume=True))  # nothing left to do
    assert json.loads((workspace.root / "recipe.json").read_text())["steps"] == steps  # the report still holds
    list(train_runs(workspace, recipe))  # the same recipe trained anew: its old report described other weights
    assert "report" not in json.loads((workspace.root / "recipe.json").read_text())["steps"]

    longer = dataclasses.replace(recipe, code_steps=5)  # stage 1 is the same run; stage 2 is not
    lines = list(train_runs(workspace, longer, resume=True))
    assert "kept" in lines[0] and not any("kept" in line for line in lines[1:])
    assert read_run(workspace.run_dir(RUNS["code_only"]))["step"] == 5
    steps = json.loads((workspace.root / "recipe.json").read_text())["steps"]
    assert "report" not in steps and steps["train language"]["step"] == 6  # the report described other weights
    shutil.rmtree(workspace.run_dir(RUNS["language"]))  # stage 1 trained anew: bilingual's parent changed
    lines = list(train_runs(workspace, longer, resume=True))
    assert not any("kept" in line for line in lines)


def test_a_recipe_killed_in_stage_two_resumes_from_its_last_checkpoint(tmp_path):
    """`python -m core recipe` SIGKILLed at bilingual's step 205 (what a lost host does: no handler
    runs, run.json still says running), then the same command with --resume: stage 1 is kept and
    bilingual goes on from its step-200 checkpoint, not from the start."""
    english = write_jsonl(tmp_path / "english.jsonl", english_documents(300))
    config = tmp_path / "recipe.yaml"
    config.write_text(yaml.safe_dump({
        "model": "micro", "english_source": "local", "english_path": str(english), "english_max_docs": 300,
        "code_sources": ["curated"], "language_steps": 10, "code_steps": 210, "max_pairs": 3,
        "strategies": ["greedy"], "retrieval_examples": 0, "request_sets": {}, "seed": 7}))
    command = [sys.executable, "-m", "core", "--workspace", str(tmp_path / "ws"), "recipe", "--config", str(config)]
    killed = subprocess.run(command, cwd=PROJECT_ROOT, env={**os.environ, "PCM_FAULT": "train-step:215"},
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    resumed = subprocess.run([*command, "--resume"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    lines = resumed.stdout.splitlines()
    assert "corpora and tokenizer: built earlier, kept" in lines
    assert "train language: finished earlier, kept (step 10)" in lines
    assert any(line.startswith("train bilingual:") and "resumed_at 200" in line for line in lines), lines
    assert any(line.startswith("train code-only:") and "step 210" in line for line in lines), lines
    workspace = Workspace.resolve(tmp_path / "ws")
    assert {read_run(workspace.run_dir(name))["status"] for name in RUNS.values()} == {"finished"}


def test_the_shipped_report_rewrites_only_paths_inside_the_workspace(tmp_path):
    workspace = Workspace.resolve(tmp_path / "ws")
    inside, sibling = workspace.root / "checkpoints" / "code-only" / "best", tmp_path / "ws2" / "best"
    shipped = workspace.root / "ship" / "checkpoints" / "bilingual" / "best"
    text = f"| {shipped} | {inside} | {sibling} |"
    assert _portable_report(text, workspace, in_json=False) == (
        f"| checkpoints/bilingual/best | WORKSPACE/checkpoints/code-only/best | {sibling} |")
    as_json = json.dumps({"rows": [str(shipped), str(sibling)]})
    assert json.loads(_portable_report(as_json, workspace, in_json=True))["rows"] == [
        "checkpoints/bilingual/best", str(sibling)]
