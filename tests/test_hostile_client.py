"""The running app attacked through its API, as a stranger on the internet would.

A public Space answers every endpoint with any value, not only what its widgets send. Beside the
workspace sits a canary folder (a run, a corpus, a checkpoint-like folder and a secret), and the
workspace holds symlinks that lead into it. After every hostile call the canary must be unchanged
and unread (its access times are checked where the filesystem keeps them), no answer may carry its
secret, nothing may appear beside the workspace, no job may have started, and the app must still
answer.
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path

import pytest
from gradio_client import Client
from web_app import micro_fields, running_app

from core.names import STAGES
from core.workspace import PROJECT_ROOT
from webapp.training_tab import FIELD_ORDER

SECRET = f"CANARY-{uuid.uuid4().hex}"
# What a refusal looks like in each endpoint's answer (an endpoint may also raise a Gradio error).
REFUSALS = ("**Failed:**", "**Not started:**", "**Not resumed:**", "error:", "**Choose", "No corpus yet")


def _plant_canary(canary: Path) -> None:
    (canary / "run" / "best").mkdir(parents=True)
    (canary / "run" / "run.json").write_text(json.dumps({"run_name": SECRET, "status": "finished"}))
    (canary / "run" / "metrics.jsonl").write_text(json.dumps({"step": 1, "train_loss": 1.0, "note": SECRET}) + "\n")
    for name in ("model.safetensors", "config.json", "tokenizer.json"):
        (canary / "run" / "best" / name).write_text(SECRET)
    (canary / "corpus").mkdir()
    (canary / "corpus" / "manifest.json").write_text(json.dumps({"name": SECRET}))
    (canary / "corpus" / "train.jsonl").write_text(json.dumps({"text": SECRET}) + "\n")
    (canary / "pages" / "common").mkdir(parents=True)
    (canary / "pages" / "common" / "secret.md").write_text(f"# secret\n\n> {SECRET}\n\n- Leak:\n\n`cat {SECRET}`\n")
    (canary / "secret.txt").write_text(SECRET + "\n")
    (canary / "tokenizer.json").write_text(SECRET)


def _plant_symlinks(workspace: Path, canary: Path) -> None:
    """Links inside the workspace that lead out of it: following one counts as leaving."""
    links = {workspace / "checkpoints" / "evil": canary / "run",
             workspace / "data" / "code" / "evil": canary / "corpus",
             workspace / "data" / "english" / "evil": canary / "corpus",
             workspace / "tokenizers" / "evil": canary,
             workspace / "link-out": canary}
    for link, target in links.items():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target, target_is_directory=True)


def _age_access_times(canary: Path) -> None:
    """Set every access time before its modification time, so that any read updates it."""
    for path in [canary, *canary.rglob("*")]:
        stat = path.stat()
        os.utime(path, (stat.st_mtime - 86_400 * 3, stat.st_mtime))


def _digest(path: Path) -> str:
    """The file's hash, read without touching its access time (O_NOATIME), which is the witness."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOATIME", 0))
    with os.fdopen(descriptor, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def _snapshot(canary: Path) -> dict[str, tuple[str, int, int]]:
    """Content hash and change time, then access time, of everything in the canary."""
    found = {}
    for path in sorted([canary, *canary.rglob("*")]):
        stat = path.stat()
        digest = _digest(path) if path.is_file() else "dir"
        found[str(path.relative_to(canary))] = (digest, stat.st_ctime_ns, stat.st_atime_ns)
    return found


def _filesystem_records_reads(folder: Path) -> bool:
    probe = folder / "atime-probe"
    probe.write_text("x")
    stat = probe.stat()
    os.utime(probe, (stat.st_mtime - 86_400 * 3, stat.st_mtime))
    before = probe.stat().st_atime
    probe.read_text()
    recorded = probe.stat().st_atime != before and hasattr(os, "O_NOATIME")
    probe.unlink()
    return recorded


@pytest.fixture(scope="module")
def target(template_workspace, tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    canary = base / "canary"
    canary.mkdir()
    with running_app(template_workspace, base / "ws") as (url, workspace):
        _plant_canary(canary)
        _plant_symlinks(workspace.root, canary)
        records_reads = _filesystem_records_reads(base)
        _age_access_times(canary)
        yield {"client": Client(url, verbose=False), "base": base, "canary": canary,
               "workspace": workspace, "records_reads": records_reads}


def _training(**changes) -> list:
    """The Training tab's fields for a micro run, with the hostile ones changed."""
    values = {"run_name": "hostile", "num_steps": 5, "stage": "language", **changes}
    stage = values.pop("stage")
    fields = micro_fields(values.pop("run_name"), values.pop("num_steps"), stage if stage in STAGES else "language",
                          values.pop("init_from", None), **values)
    fields[FIELD_ORDER.index("stage")] = stage
    return fields


def _compare(prompt="list files", template="bash script", decoding="answer (greedy)", tokens=32, temperature=0.8,
             top_k=50, top_p=0.95, seed=0, either_case=True, pickers=(None, None, None)) -> list:
    return [prompt, template, decoding, tokens, temperature, top_k, top_p, seed, either_case, *pickers]


def _cases(canary: str) -> list[tuple[str, str, list]]:
    """(id, endpoint, arguments): every public endpoint, with paths, names, sizes and types no widget sends."""
    ckpt = f"{canary}/run/best"
    shipped = str(PROJECT_ROOT / "checkpoints" / "language" / "best")
    return [
        # the run-metrics endpoint
        ("metrics-dotdot", "/run_metrics", ["../../canary/run"]),
        ("metrics-absolute", "/run_metrics", [f"{canary}/run"]),
        ("metrics-symlink", "/run_metrics", ["evil"]),
        ("metrics-nul", "/run_metrics", ["a\x00b"]),
        ("metrics-dots", "/run_metrics", [".."]),
        ("metrics-huge-name", "/run_metrics", ["x" * 5000]),
        ("metrics-rtl-override", "/run_metrics", ["\u202eevil"]),
        ("metrics-newline", "/run_metrics", ["evil\n"]),
        ("metrics-wrong-type", "/run_metrics", [["evil"]]),
        # corpus inspection
        ("describe-dotdot", "/describe_corpus", ["code/../../../canary/corpus"]),
        ("describe-symlink", "/describe_corpus", ["code/evil"]),
        ("describe-absolute", "/describe_corpus", [f"english/{canary}/corpus"]),
        # downloads: server folders, names that climb, sizes
        ("download-local-canary", "/download_code", ["local", canary, "stolen", 0, 0, 0]),
        ("download-tldr-canary", "/download_code", ["tldr", canary, "stolen", 0, 0, 0]),
        ("download-hub-local-path", "/download_english", ["tinystories", canary, "stolen", 0, 0, 0]),
        ("download-installed-path", "/download_english", ["installed", "/etc", "stolen", 0, 0, 0]),
        ("download-chained-local", "/download_code", ["curated,local", canary, "stolen", 0, 0, 0]),
        ("download-name-dotdot", "/download_code", ["curated", "", "../../canary/x", 0, 0, 0]),
        ("download-name-absolute", "/download_code", ["curated", "", f"{canary}/x", 0, 0, 0]),
        ("download-name-symlink", "/download_code", ["curated", "", "evil", 0, 0, 0]),
        ("download-source-dotdot", "/download_code", ["../../../canary", "", "x", 0, 0, 0]),
        ("download-negative-docs", "/download_code", ["curated", "", "neg", -1, 0, 0]),
        ("download-nan-mb", "/download_code", ["curated", "", "nan", 0, "nan", 0]),
        ("download-name-nul", "/download_code", ["curated", "", "a\x00b", 0, 0, 0]),
        # tokenizer
        ("tokenizer-corpus-dotdot", "/train_tokenizer", [["../../canary/corpus"], [], 512, "t1"]),
        ("tokenizer-corpus-symlink", "/train_tokenizer", [[], ["evil"], 512, "t2"]),
        ("tokenizer-name-dotdot", "/train_tokenizer", [["installed"], [], 512, "../../canary/tok"]),
        ("tokenizer-name-symlink", "/train_tokenizer", [["installed"], [], 512, "evil"]),
        ("tokenizer-huge-vocab", "/train_tokenizer", [["installed"], [], 10 ** 12, "t3"]),
        ("tokenizer-negative-vocab", "/train_tokenizer", [["installed"], [], -5, "t4"]),
        ("tokenizer-wrong-type", "/train_tokenizer", [{"a": 1}, [], 512, "t5"]),
        # training
        ("train-run-dotdot", "/start_training", [*_training(run_name="../../canary/run"), True]),
        ("train-run-absolute", "/start_training", [*_training(run_name=f"{canary}/run"), True]),
        ("train-run-symlink-overwrite", "/start_training", [*_training(run_name="evil"), True]),
        ("train-init-absolute", "/start_training",
         [*_training(stage="code", run_name="h1", init_from=ckpt), False]),
        ("train-init-dotdot", "/start_training",
         [*_training(stage="code", run_name="h2", init_from="../canary/run/best"), False]),
        ("train-init-symlink", "/start_training",
         [*_training(stage="code", run_name="h3", init_from="link-out/run/best"), False]),
        ("train-tokenizer-dotdot", "/start_training", [*_training(tokenizer="../../canary"), False]),
        ("train-corpus-symlink", "/start_training", [*_training(english_corpus="evil"), False]),
        ("train-stage-path", "/start_training", [*_training(stage="../../../etc/passwd"), False]),
        ("train-empty-run-name", "/start_training", [*_training(run_name=""), False]),  # not the YAML's name
        ("train-blank-corpus", "/start_training", [*_training(english_corpus="  "), False]),
        ("train-huge-steps", "/start_training", [*_training(num_steps=10 ** 15), False]),
        ("train-huge-batch", "/start_training", [*_training(batch_size=10 ** 9), False]),
        ("train-negative-seed", "/start_training", [*_training(seed=-1), False]),
        ("train-nan-lr", "/start_training", [*_training(learning_rate="nan"), False]),
        ("train-unknown-model", "/start_training", [*_training(model="../../models"), False]),
        ("resume-symlink", "/resume_training", _training(run_name="evil")),
        ("resume-dotdot", "/resume_training", _training(run_name="../canary/run")),
        # the playground
        ("compare-absolute", "/compare", _compare(pickers=(ckpt, None, None))),
        ("compare-dotdot", "/compare", _compare(pickers=("../canary/run/best", None, None))),
        ("compare-symlink", "/compare", _compare(pickers=("link-out/run/best", "checkpoints/evil/best", None))),
        ("compare-free-text-absolute", "/compare",
         _compare(decoding="free text (sampled, streamed)", pickers=(ckpt, None, None))),
        ("compare-huge-tokens", "/compare", _compare(decoding="free text (sampled, streamed)", tokens=10 ** 9)),
        ("compare-nan-temperature", "/compare", _compare(temperature="nan")),
        ("compare-negative-top-k", "/compare", _compare(top_k=-3)),
        ("compare-zero-top-p", "/compare", _compare(top_p=0)),
        ("compare-lone-surrogate", "/compare", _compare(prompt="list \ud800 files")),
        ("compare-nul-prompt", "/compare", _compare(prompt="list\x00files")),
        ("compare-huge-prompt", "/compare", _compare(prompt="x" * 100_000)),
        ("compare-bad-template", "/compare", _compare(template="../../x")),
        # the report
        ("evaluate-absolute", "/evaluate", [[ckpt], "installed", "installed", 1, [], ["greedy"], 5, True]),
        ("evaluate-symlink", "/evaluate",
         [["link-out/run/best"], "installed", "installed", 1, [], ["greedy"], 5, True]),
        ("evaluate-corpus-dotdot", "/evaluate",
         [[shipped], "../../canary/corpus", "installed", 1, [], ["greedy"], 5, True]),
        ("evaluate-pair-source", "/evaluate", [[shipped], "installed", "installed", 1,
                                              ["../../canary"], ["greedy"], 5, True]),
        ("evaluate-huge-samples", "/evaluate",
         [[shipped], "installed", "installed", 10 ** 9, [], ["greedy"], 5, True]),
        # the quick start
        ("quickstart-model-path", "/quickstart", ["../../models", 10, 10, False]),
        ("quickstart-negative-steps", "/quickstart", ["micro", -1, 10, False]),
        ("quickstart-huge-steps", "/quickstart", ["micro", 10 ** 15, 10, False]),
    ]


CASE_IDS = [case[0] for case in _cases("/canary")]


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_hostile_value_is_refused_and_the_canary_is_untouched(target, case_id):
    client, base, canary = target["client"], target["base"], target["canary"]
    _, endpoint, arguments = next(case for case in _cases(str(canary)) if case[0] == case_id)
    before = _snapshot(canary)
    try:
        answer = client.predict(*arguments, api_name=endpoint)
    except Exception as exc:  # a Gradio error: the refusal reached the caller as an error
        answer, raised = str(exc), True
    else:
        raised = False
    text = json.dumps(answer, default=str)
    assert SECRET not in text, f"{case_id} leaked the canary: {text[:300]}"
    assert raised or any(marker in text for marker in REFUSALS), f"{case_id} was accepted: {text[:300]}"
    after = _snapshot(canary)
    changed = {path for path in before.keys() | after.keys()
               if before.get(path, ("?",))[:2] != after.get(path, ("?",))[:2]}
    assert not changed, f"{case_id} changed the canary: {changed}"
    if target["records_reads"]:
        read = {path for path in before if before[path][2] != after[path][2]}
        assert not read, f"{case_id} read the canary: {read}"
    assert sorted(p.name for p in base.iterdir()) == ["canary", "ws"]
    status = client.predict(api_name="/job_status")
    assert status["state"] not in ("running", "stopping"), f"{case_id} started a job: {status}"


def test_the_case_table_is_large_enough():
    assert len(CASE_IDS) >= 40 and len(set(CASE_IDS)) == len(CASE_IDS)


MARKUP = '<img src=x onerror="window.x=1"><b>bold</b>[link](http://evil.example/)'


def test_markup_a_visitor_types_comes_back_as_text(target):
    """Toasts render HTML and messages Markdown: a refusal or a note quoting what was typed must show
    the characters, not an image, markup or a live link."""
    client = target["client"]
    failed = client.predict("curated", "", MARKUP, 0, 0, 0, False, api_name="/download_code")
    assert failed.startswith("**Not started:**") and "<img" not in failed and "<b>" not in failed
    assert "&lt;img src=x" in failed and "\\[link\\](http://evil.example/)" in failed
    started = client.predict(*_training(run_name=MARKUP), False, api_name="/start_training")
    assert started.startswith("**Not started:**") and "<img" not in started and "&lt;img" in started
    with pytest.raises(Exception) as raised:  # a Gradio error, shown in a toast
        client.predict(MARKUP, api_name="/run_metrics")
    assert "<img" not in str(raised.value) and "&lt;img" in str(raised.value)
    bilingual = str(PROJECT_ROOT / "checkpoints" / "bilingual" / "best")
    texts_and_notes = client.predict(*_compare(prompt=f"Delete {MARKUP}", decoding="answer (greedy)",
                                               pickers=(bilingual, None, None)), api_name="/compare")
    note = texts_and_notes[3]
    assert "read in lower case" in note and "&lt;b&gt;bold&lt;/b&gt;" in note and "<b>" not in note
