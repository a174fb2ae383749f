"""The offline path a newcomer takes: this machine's docs and scripts → tokenizer → both stages."""
import pytest
from conftest import micro_config

from core.errors import UserError
from core.jobs import JobManager
from core.quickstart import run_quickstart
from core.runstore import read_metrics, read_run
from core.tokenizer import load_tokenizer
from core.training import train
from core.workspace import Workspace


def test_quickstart_trains_both_stages_on_installed_data(tmp_path):
    workspace = Workspace.resolve(tmp_path / "ws")
    lines = list(run_quickstart(workspace, model="micro", language_steps=20, code_steps=10,
                                max_english_docs=150, max_code_files=150, show_progress=False))
    assert lines[0].startswith("English corpus")
    used = lines[2][len("bash corpus ("):].split(")")[0].split(",")
    assert used[-2:] == ["curated", "installed"]
    for optional in ("tldr", "man-examples", "man-names"):  # used, or said to be missing
        assert (optional in used) != (f"{optional} (" in lines[1])
    vocabulary = load_tokenizer(workspace.tokenizer_path("default")).get_vocab_size()
    assert lines[3] == f"tokenizer: {vocabulary:,} tokens" and 257 < vocabulary <= 8000
    assert read_run(workspace.run_dir("quickstart-language"))["status"] == "finished"
    bilingual = read_run(workspace.run_dir("quickstart-bilingual"))
    assert bilingual["status"] == "finished" and bilingual["parent"].endswith("quickstart-language/best")
    evals = [m for m in read_metrics(workspace.run_dir("quickstart-language")) if "val_loss" in m]
    assert evals[-1]["val_loss"] < evals[0]["val_loss"]


def test_sources_this_machine_lacks_are_left_out_with_a_reason(workspace, monkeypatch):
    import dataclasses

    from core.data import sources
    from core.quickstart import code_sources

    real = sources.resolve_source

    def absent(domain, source, path=None):  # a machine with neither tldr pages nor manual pages
        spec = real(domain, source, path)
        return dataclasses.replace(spec, path=str(workspace.root / "absent"), url=None) if source in (
            "tldr", "man-examples", "man-names") else spec

    monkeypatch.setattr(sources, "resolve_source", absent)
    chosen, note = code_sources(workspace)
    assert chosen == "curated,installed"
    assert note.startswith("not available here: tldr (") and "man-names (" in note


def test_quickstart_never_replaces_runs_unasked(workspace):
    train(micro_config(num_steps=5, run_name="quickstart-language"), workspace, show_progress=False)
    with pytest.raises(UserError, match="already exist"):
        next(run_quickstart(workspace, model="micro", show_progress=False))
    with pytest.raises(UserError, match="already exist"):
        JobManager(workspace).start_quickstart(model="micro")  # refused before any thread starts
    assert read_run(workspace.run_dir("quickstart-language"))["step"] == 5


def test_quickstart_keeps_existing_corpora_and_tokenizer_unless_told_to_overwrite(workspace):
    import itertools

    kept = [workspace.corpus_dir("english", "installed") / "manifest.json",
            workspace.corpus_dir("code", "installed") / "manifest.json", workspace.tokenizer_path("default")]
    before = [path.read_bytes() for path in kept]
    lines = list(itertools.islice(run_quickstart(workspace, model="micro", show_progress=False), 3))
    assert [line.split(":")[0] for line in lines] == ["English corpus", "bash corpus", "tokenizer"]
    assert all("kept" in line for line in lines) and [path.read_bytes() for path in kept] == before
    rebuilt = next(run_quickstart(workspace, model="micro", max_english_docs=20, overwrite=True,
                                  show_progress=False))
    assert rebuilt.startswith("English corpus: 20 documents") and "kept" not in rebuilt


@pytest.mark.parametrize("options, message", [({"language_steps": 0}, "num_steps must be between 1"),
                                              ({"code_steps": 10**11}, "num_steps must be between 1"),
                                              ({"model": "huge"}, "unknown model size 'huge'")])
def test_quickstart_refuses_bad_sizes_before_reading_any_data(tmp_path, options, message):
    workspace = Workspace.resolve(tmp_path / "ws")
    with pytest.raises(UserError, match=message):
        next(run_quickstart(workspace, **{"model": "micro", **options}, show_progress=False))
    assert not workspace.root.exists()
