"""The demo checkpoints that ship in checkpoints/: small, complete, loadable, and answering requests."""
import json
import subprocess
import sys

import pytest
from safetensors import safe_open

from core.answering import AnswerSettings, answer_request
from core.checkpoint import load_checkpoint
from core.evaluation import first_command_word
from core.prompts import DEMO_REQUESTS
from core.recipe import SHIP_BUDGET
from core.runs import shipped_checkpoints
from core.workspace import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "checkpoints"


def test_both_ship_complete_small_and_in_half_precision():
    entries = shipped_checkpoints()
    assert [(e.run_name, e.stage) for e in entries] == [("demo language", "language"), ("demo bilingual", "code")]
    total = sum(f.stat().st_size for f in SHIPPED.rglob("*") if f.is_file())
    assert total <= SHIP_BUDGET, f"shipped checkpoints take {total / 1e6:.1f} MB"
    for entry in entries:
        assert sorted(p.name for p in entry.path.iterdir() if p.name != "examples.jsonl.gz") == [
            "config.json", "model.safetensors", "tokenizer.json"]
        with safe_open(entry.path / "model.safetensors", "pt") as weights:
            assert {str(weights.get_tensor(name).dtype) for name in weights.keys()} == {"torch.float16"}
    bilingual = load_checkpoint(SHIPPED / "bilingual" / "best")
    assert bilingual.info["parent"] == "checkpoints/language/best"
    assert bilingual.info["tokenizer_fingerprint"] == load_checkpoint(SHIPPED / "language" / "best").info[
        "tokenizer_fingerprint"]
    assert (SHIPPED / "README.md").exists() and (SHIPPED / "report.md").exists()


def test_the_shipped_report_names_its_checkpoints_as_a_reader_of_the_project_finds_them():
    report = json.loads((SHIPPED / "report.json").read_text(encoding="utf-8"))
    assert [row["checkpoint"] for row in report["checkpoints"]] == [
        "checkpoints/language/best", "WORKSPACE/checkpoints/code-only/best", "checkpoints/bilingual/best"]


@pytest.mark.parametrize("strategy", ["greedy", "judge"])
def test_compare_runs_on_a_fresh_clone_with_no_training(tmp_path, strategy):
    """Judged, the language-only checkpoint (which carries no pairs) reads the bilingual one's."""
    result = subprocess.run([sys.executable, "-m", "core", "--workspace", str(tmp_path), "compare",
                             "--prompt", "list all large files", "--strategy", strategy],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("#!/bin/bash\n# list all large files\n") == 2
    assert "checkpoints/language/best" in result.stdout and "checkpoints/bilingual/best" in result.stdout


# Known defects, measured rather than hidden: the shipped model answers "Create a backup script" with
# `pg_basebackup` and "list all large files" with `systemd-delta` (checkpoints/README.md). Strict: the day
# one passes, its marker must go.
_NOT_YET = pytest.mark.xfail(strict=True, reason="the shipped model misses this request (checkpoints/README.md)")
_MISSED = {"Create a backup script", "list all large files"}


def test_a_capitalised_request_gets_the_answer_its_lower_case_reading_gets(tmp_path):
    """tldr writes every request capitalised, so a capital alone drew the shipped model to a tldr tool."""
    checkpoint = load_checkpoint(SHIPPED / "bilingual" / "best")
    request = "Delete log files older than 30 days"
    typed = answer_request(checkpoint, request, AnswerSettings(either_case=False))
    either = answer_request(checkpoint, request)
    assert first_command_word(typed.command) == "git", typed.command
    assert first_command_word(either.command) == "find" and either.read_as == "delete log files older than 30 days"
    for flags, utility in (([], "find"), (["--as-typed"], "git")):  # the CLI's answer, and its off switch
        result = subprocess.run([sys.executable, "-m", "core", "--workspace", str(tmp_path), "compare", "--prompt",
                                 request, "--strategy", "greedy", "--checkpoints", str(SHIPPED / "bilingual" / "best"),
                                 *flags],
                                cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0 and f"# {request}\n{utility} " in result.stdout, (flags, result)


@pytest.mark.parametrize("strategy", ["greedy", "judge"])  # the plain answer, and the playground's default
@pytest.mark.parametrize("request_text", [pytest.param(text, marks=_NOT_YET) if text in _MISSED else text
                                          for text in DEMO_REQUESTS])
def test_the_playground_examples_get_a_sensible_first_command(request_text, strategy):
    checkpoint = load_checkpoint(SHIPPED / "bilingual" / "best")
    answer = answer_request(checkpoint, request_text, AnswerSettings(strategy=strategy))
    assert first_command_word(answer.command) in DEMO_REQUESTS[request_text], answer.command


def test_the_playground_shows_every_column_the_shipped_examples():
    from webapp.playground_tab import answer_columns

    paths = [str(SHIPPED / "language" / "best"), str(SHIPPED / "bilingual" / "best"), None]
    texts, notes = answer_columns(paths, "extract a tar archive", "retrieval", seed=0)
    assert all(text.startswith("#!/bin/bash\n# extract a tar archive\n") for text in texts[:2]) and texts[2] == ""
    assert notes[0] == notes[1] and notes[0].startswith("examples shown to the model:\n")
    assert notes[0].count("\n- `") == 3


def test_the_playground_says_when_it_read_a_request_in_lower_case():
    from webapp.playground_tab import answer_columns

    paths, request = [None, str(SHIPPED / "bilingual" / "best"), None], "Delete log files older than 30 days"
    texts, notes = answer_columns(paths, request, "greedy", seed=0)
    assert f"# {request}\nfind " in texts[1] and notes[1].startswith("read in lower case, “delete log files")
    texts, notes = answer_columns(paths, request, "greedy", seed=0, either_case=False)
    assert f"# {request}\ngit " in texts[1] and notes[1] == ""


def test_the_playground_opens_on_judged_answers_for_every_column():
    """The shipped bilingual checkpoint carries its training pairs, so the playground's default is
    the judged answer, and the language-only column is judged on the same proposals."""
    from webapp.playground_tab import DECODINGS, answer_columns, default_decoding

    paths = [str(SHIPPED / "language" / "best"), str(SHIPPED / "bilingual" / "best"), None]
    assert DECODINGS[default_decoding(paths)] == "judge"
    assert DECODINGS[default_decoding([paths[0]])] == "greedy"  # nothing carried: nothing to judge
    texts, notes = answer_columns(paths, "extract a tar archive", "judge", seed=0)
    assert all(text.startswith("#!/bin/bash\n# extract a tar archive\n") for text in texts[:2]) and texts[2] == ""
    assert all(note.startswith("utilities the model judged") for note in notes[:2]) and notes[0] != notes[1]
    assert "\ntar " in texts[1] and "- `tar` (" in notes[1]
