"""The CLI as a user meets it: subcommands, and one-line errors instead of tracebacks."""
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.workspace import PROJECT_ROOT

PROJECT = Path(__file__).resolve().parents[1]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=PROJECT, capture_output=True,
                          text=True, timeout=120, env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})


def test_user_errors_are_one_line_with_status_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("stage: language\nnum_step: 10\n")
    result = run_cli("--workspace", str(tmp_path), "train", "--config", str(bad))
    assert result.returncode == 2
    assert "error:" in result.stderr and "did you mean 'num_steps'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_checkpoint_and_corpus(tmp_path, capsys):
    assert main(["--workspace", str(tmp_path), "generate", "--checkpoint", "nope", "--prompt", "hi"]) == 2
    assert "checkpoint not found" in capsys.readouterr().err
    assert main(["--workspace", str(tmp_path), "tokenizer", "--english", "absent"]) == 2
    assert "no corpus at" in capsys.readouterr().err


def test_sizes_prints_true_parameter_counts(capsys):
    assert main(["sizes"]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[1:]}
    assert rows["tiny"][1:3] == ["6", "384"] and rows["medium"][1:3] == ["16", "1024"]
    assert rows["tiny"][5] == "13,817,856"  # 6 × 384 with an 8000-token vocabulary, head tied


def test_sources_lists_every_named_source(capsys):
    assert main(["sources"]) == 0
    out = capsys.readouterr().out
    for name in ("tinystories", "bookcorpus", "installed", "curated", "tldr", "tiny-codes", "the-stack-smol"):
        assert name in out


def test_pair_and_answer_options_refuse_bad_values_in_one_line(tmp_path, capsys):
    base = ["--workspace", str(tmp_path)]
    cases = [  # evaluate's own are in test_cli_bad_inputs.py, with a checkpoint to evaluate
        (["evaluate", "--checkpoints", "x", "--pairs-source", "curated", "--strategies", "beam"], "strategy must be"),
        (["evaluate", "--checkpoints", "x"], "checkpoint not found"),
        (["download_code_data", "--source", "curated", "--examples", "99"], "examples must be between 0 and 10"),
        (["compare", "--checkpoints", str(tmp_path / "none"), "--prompt", "x", "--strategy", "greedy"],
         "checkpoint not found"),
        (["recipe", "--ship-only"], "nothing to ship"),
        (["recipe", "--resume", "--evaluate-only"], "--resume goes on with an interrupted recipe"),
        (["recipe", "--resume", "--train-only"], "its --data-only step first"),
        (["recipe", "--config", str(PROJECT_ROOT / "configs" / "recipe-gpu.yaml"), "--ship"],
         "past the 30 MB the shipped pair may take"),
    ]
    for args, message in cases:
        assert main([*base, *args]) == 2, args
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, (args, err)


def test_replace_is_asked_for_before_a_corpus_tokenizer_or_report_is_rebuilt(workspace, tmp_path, capsys):
    source = tmp_path / "english.jsonl"
    source.write_text("".join(f'{{"text": "Story {i} about a kite."}}\n' for i in range(30)))
    download = ["--workspace", str(workspace.root), "download", "--domain", "english", "--source", "local",
                "--path", str(source), "--name", "installed"]
    manifest = workspace.corpus_dir("english", "installed") / "manifest.json"
    before = manifest.read_bytes()
    assert main(download) == 2
    assert "already exists and is not empty" in capsys.readouterr().err and manifest.read_bytes() == before
    assert main([*download, "--replace"]) == 0
    assert "30 documents" in capsys.readouterr().out
    tokenizer = ["--workspace", str(workspace.root), "tokenizer", "--vocab-size", "300"]
    assert main(tokenizer) == 2
    assert main([*tokenizer, "--replace"]) == 0
    assert "tokenizer default: 300 tokens" in capsys.readouterr().out


def test_export_and_import_hf_refuse_bad_inputs_in_one_line(tmp_path, capsys):
    base = ["--workspace", str(tmp_path)]
    not_gpt2 = tmp_path / "bert"
    not_gpt2.mkdir()
    (not_gpt2 / "config.json").write_text('{"model_type": "bert"}')
    cases = [
        (["export", "--checkpoint", "x", "--out", "y", "--format", "gguf"], "invalid choice: 'gguf'"),
        (["export", "--checkpoint", "x", "--out", "y", "--format", "hf"], "checkpoint not found"),
        (["import-hf", str(tmp_path / "absent"), "--out", "y"], "is not a folder"),
        (["import-hf", str(tmp_path), "--out", "y"], "has no config.json"),
        (["import_hf", str(tmp_path), "--out", "y"], "has no config.json"),  # spelt as the other commands are
        (["import-hf", str(not_gpt2), "--out", "y"], "it is a 'bert' model"),
        (["import-hf", str(not_gpt2)], "the following arguments are required: --out"),
    ]
    for args, message in cases:
        assert main([*base, *args]) == 2, args
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, (args, err)


def test_generate_and_compare_take_the_weights_precision(capsys):
    shipped = "checkpoints/bilingual/best"
    if not (PROJECT_ROOT / shipped / "model.safetensors").exists():
        pytest.skip("the shipped demo checkpoints are absent")
    answers = {}
    for precision in ("fp32", "int8"):
        assert main(["--workspace", str(PROJECT_ROOT), "generate", "--checkpoint", shipped, "--prompt",
                     "list all large files", "--strategy", "greedy", "--precision", precision]) == 0
        answers[precision] = capsys.readouterr().out
    assert all(answer.startswith("#!/bin/bash\n# list all large files\n") for answer in answers.values())
    assert main(["--workspace", str(PROJECT_ROOT), "compare", "--prompt", "list files", "--max-new-tokens", "8",
                 "--precision", "int8"]) == 0
    assert capsys.readouterr().out.count("=====") == 2


def test_a_workspace_elsewhere_reads_the_shipped_checkpoints_by_their_project_paths(tmp_path, capsys):
    """The README sets PCM_WORKSPACE elsewhere and then names checkpoints/bilingual/best: before any
    training there, that is the shipped demo checkpoint, and the command says so."""
    shipped = "checkpoints/bilingual/best"
    if not (PROJECT_ROOT / shipped / "model.safetensors").exists():
        pytest.skip("the shipped demo checkpoints are absent")
    base = ["--workspace", str(tmp_path / "elsewhere")]
    assert main([*base, "generate", "--checkpoint", shipped, "--prompt", "list files", "--strategy", "greedy"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("#!/bin/bash\n# list files\n")
    assert err == (f"note: the workspace {tmp_path / 'elsewhere'} has no {shipped}; using the shipped demo "
                   f"checkpoint {PROJECT_ROOT / shipped}\n")
    for not_a_checkpoint in ("checkpoints/bilingual", "checkpoints/other/best"):  # the run folder; no such run
        assert main([*base, "generate", "--checkpoint", not_a_checkpoint, "--prompt", "x"]) == 2
        assert "checkpoint not found" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere").exists()  # nothing was written there
