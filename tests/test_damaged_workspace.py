"""The app on a workspace whose files were damaged (a crash, a full disk, a careless edit): it
starts, lists what it can read, and says in one line what it cannot."""
from __future__ import annotations

import json

import pytest
from gradio_client import Client
from web_app import running_app


@pytest.fixture(scope="module")
def damaged(template_workspace, tmp_path_factory):
    base = tmp_path_factory.mktemp("damaged")
    root = base / "prepared"
    import shutil
    shutil.copytree(template_workspace, root)
    runs = root / "checkpoints"
    (runs / "truncated").mkdir(parents=True)
    (runs / "truncated" / "run.json").write_text('{"run_name": "truncated", "stat')
    (runs / "binary").mkdir()
    (runs / "binary" / "run.json").write_bytes(b"\xff\xfe\x00garbage")
    (runs / "binary" / "metrics.jsonl").write_bytes(b"\xff\xfe\n")
    (runs / "list").mkdir()
    (runs / "list" / "run.json").write_text("[1, 2, 3]")
    (runs / "odd-types").mkdir()
    (runs / "odd-types" / "run.json").write_text(json.dumps(
        {"stage": ["x"], "status": 5, "step": {"a": 1}, "config": "nope", "final": [1], "updated": 3}))
    (runs / "odd-types" / "metrics.jsonl").write_text('{"step": 0, "val_loss": 2.5}\n{"step": 1, "val_lo\n')
    (runs / "odd-types" / "best").mkdir()
    for name, content in (("model.safetensors", "not weights"), ("config.json", "{"), ("tokenizer.json", "[]")):
        (runs / "odd-types" / "best" / name).write_text(content)
    corpus = root / "data" / "code" / "broken"
    corpus.mkdir(parents=True)
    (corpus / "manifest.json").write_text("{")
    (root / "data" / "code" / "installed" / "manifest.json").write_text('{"name": 1}')
    with running_app(root, base / "ws") as (url, workspace):
        yield Client(url, verbose=False), workspace


def test_the_app_starts_and_lists_every_run(damaged):
    client, _ = damaged
    rows = client.predict(api_name="/list_runs")[0]["data"]
    status = {row[0]: row[2] for row in rows}
    assert {"truncated", "binary", "list"} <= set(status)
    assert status["truncated"] == status["binary"] == status["list"] == "unreadable"
    assert "odd-types" in status


def test_metrics_of_a_damaged_log_are_what_could_be_read(damaged):
    client, _ = damaged
    assert client.predict("odd-types", api_name="/run_metrics") == [{"step": 0, "val_loss": 2.5}]
    assert client.predict("binary", api_name="/run_metrics") == []


def test_a_damaged_checkpoint_fails_in_its_own_column(damaged):
    client, workspace = damaged
    broken = str(workspace.run_dir("odd-types") / "best")
    answer = client.predict("list files", "raw text", "free text (sampled, streamed)", 16, 0.8, 50, 0.95, 0, True,
                            broken, None, None, api_name="/compare")
    assert answer[0].startswith("error: ") and "\n" not in answer[0]


@pytest.mark.parametrize("corpus", ["code/broken", "code/installed"])
def test_a_damaged_manifest_is_one_line(damaged, corpus):
    client, _ = damaged
    manifest, message = client.predict(corpus, api_name="/describe_corpus")
    assert manifest in ({}, None) and message and "\n" not in message.strip()
