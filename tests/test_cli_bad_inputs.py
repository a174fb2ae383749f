"""Bad inputs through every subcommand: one line on stderr, status 2, and nothing in the workspace lost.

A table of mistakes a person (or a hostile visitor of a public demo) can make, each run through
`core.cli.main` in-process: the exit status must be 2, stderr exactly one line starting with
"error:" and naming the problem, no traceback, and — unless the case is one that may write — the
workspace tree byte for byte as it was. The cases that need more than an argv (a full disk, a
read-only or missing workspace) follow the table. The module's last line on the terminal says how
many bad inputs were tried and whether all held.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import micro_config

from core.cli import main
from core.training import train
from core.workspace import Workspace

BIG = "99999999999999999999999"
BAD_UTF8 = os.fsdecode(b"list \xff files")  # what Python makes of a non-UTF-8 argument
CKPT = "checkpoints/language/best"
G = ["generate", "--checkpoint", CKPT, "--prompt", "list files"]
C = ["compare", "--checkpoints", CKPT, "--prompt", "list files"]
E = ["evaluate", "--checkpoints", CKPT, "--out", "reports/new.json"]
T = ["train_language", "--run-name", "fresh", "--device", "cpu"]
D = ["download", "--domain", "english", "--source", "local", "--path", "{ws}/inputs/english.jsonl",
     "--name", "fresh"]

# (id, argv after `--workspace WS`, a substring the one error line must hold)
CASES: list[tuple[str, list[str], str]] = [
    # download
    ("download-max-docs-negative", [*D, "--max-docs", "-1"], "max_docs must be between 1 and 1,000,000,000,000,"),
    ("download-max-docs-zero", [*D, "--max-docs", "0"], "max_docs must be between 1 and 1,000,000,000,000, got 0"),
    ("download-path-nobody-reads", ["download_code_data", "--source", "curated", "--path", "{ws}"],
     "--path is read by no source given (curated)"),
    ("download-max-docs-huge", [*D, "--max-docs", str(10**30)], "max_docs must be between 1 and 1,000,000,000,000"),
    ("download-max-mb-zero", [*D, "--max-mb", "0"], "max_mb must be more than 0"),
    ("download-max-mb-negative", [*D, "--max-mb", "-1"], "max_mb must be more than 0"),
    ("download-max-mb-nan", [*D, "--max-mb", "nan"], "max_mb must be more than 0"),
    ("download-max-mb-inf", [*D, "--max-mb", "inf"], "max_mb must be more than 0 (and finite)"),
    ("download-max-files-zero", [*D, "--max-files", "0"], "max_files must be at least 1"),
    ("download-val-fraction-zero", [*D, "--val-fraction", "0"], "val_fraction must be in (0, 0.5]"),
    ("download-val-fraction-big", [*D, "--val-fraction", "0.9"], "val_fraction must be in (0, 0.5]"),
    ("download-val-fraction-below-the-reports", ["download_code_data", "--source", "curated", "--val-fraction",
                                                 "0.02"], "val_fraction 0.02 would train on pairs of curated"),
    ("download-val-fraction-nan", [*D, "--val-fraction", "nan"], "val_fraction must be in (0, 0.5]"),
    ("download-examples-negative", [*D, "--examples", "-1"], "examples must be between 0 and 10"),
    ("download-examples-big", [*D, "--examples", "11"], "examples must be between 0 and 10"),
    ("download-unknown-source", ["download", "--domain", "english", "--source", "nope"],
     "unknown english source 'nope'"),
    ("download-empty-source", ["download", "--domain", "code", "--source", " , "], "give a source"),
    ("download-local-without-path", ["download", "--domain", "code", "--source", "local"],
     "the local source needs --path"),
    ("download-runnable-only-without-pairs", ["download_language_data", "--runnable-only", "--name", "fresh"],
     "--runnable-only acts on (request, command) pairs, and no source given (installed) has any"),
    ("download-examples-without-pairs", ["download_code_data", "--source", "installed", "--examples", "2", "--name",
                                         "fresh"], "--examples acts on (request, command) pairs"),
    ("download-tldr-missing-path", ["download_code_data", "--source", "tldr", "--path", "{ws}/absent", "--name",
                                    "fresh"], "tldr folder not found"),
    ("download-local-missing-path", ["download", "--domain", "code", "--source", "local", "--path",
                                     "{ws}/absent", "--name", "fresh"], "local data path not found"),
    ("download-name-climbs", [*D[:-1], "../escape"], "corpus name must be"),
    ("download-existing-corpus", [*D[:-1], "installed"], "already exists and is not empty"),
    ("download-unknown-domain", ["download", "--domain", "french"], "argument --domain: invalid choice"),
    ("download-max-docs-float", [*D, "--max-docs", "1.5"], "invalid int value: '1.5'"),
    ("download-code-examples", ["download_code_data", "--source", "curated", "--examples", "99"],
     "examples must be between 0 and 10"),
    ("download-language-max-docs", ["download_language_data", "--max-docs", "-5"], "max_docs must be between 1 and"),
    ("download-tinystories-and-another-source", ["download_language_data", "--tinystories", "--source", "installed"],
     "--tinystories means --source tinystories, but --source installed was given too"),
    ("download-use-existing-and-another-source", ["download_code_data", "--use-existing", "--source", "tldr"],
     "--use-existing means --source curated, but --source tldr was given too"),
    # tokenizer
    ("tokenizer-vocab-small", ["tokenizer", "--name", "fresh", "--vocab-size", "10"],
     "vocab_size must be between 258 and 65,535"),
    ("tokenizer-vocab-big", ["tokenizer", "--name", "fresh", "--vocab-size", "70000"],
     "vocab_size must be between 258 and 65,535"),
    ("tokenizer-missing-corpus", ["tokenizer", "--name", "fresh", "--english", "absent"], "no corpus at"),
    ("tokenizer-missing-code-corpus", ["tokenizer", "--name", "fresh", "--code", "absent"], "no corpus at"),
    ("tokenizer-existing", ["tokenizer"], "already exists and is not empty"),
    ("tokenizer-name-climbs", ["tokenizer", "--name", ".."], "tokenizer name must be"),
    # train
    ("train-unknown-stage", ["train", "--stage", "poetry"], "stage must be one of language, code"),
    ("train-language-told-another-stage", ["train_language", "--stage", "code"], "--stage code contradicts"),
    ("train-language-from-a-parent", ["train_language", "--init-from", "checkpoints/language/best"],
     "init_from and from_scratch choose stage 'code''s starting point"),
    ("train-language-from-scratch", ["train_language", "--from-scratch"], "stage 'language' always starts from"),
    ("train-code-two-parents", ["train_code", "--language-checkpoint", "a", "--init-from", "b"], "name two parents"),
    ("train-code-from-scratch-with-a-parent", ["train_code", "--from-scratch", "--language-checkpoint", "a"],
     "--from-scratch trains without a parent"),
    ("train-resume-and-overwrite", ["train_language", "--resume", "--overwrite"], "choose one"),
    ("train-resume-changes-its-config", ["train_language", "--resume", "--learning-rate", "0.1"],
     "cannot change learning_rate"),
    ("train-steps-zero", [*T, "--num-steps", "0"], "num_steps must be between 1 and 10,000,000"),
    ("train-steps-huge", [*T, "--num-steps", "100000000"], "num_steps must be between 1 and 10,000,000"),
    ("train-batch-huge", [*T, "--batch-size", "5000"], "batch_size must be between 1 and 4,096"),
    ("train-grad-accum-huge", [*T, "--grad-accum-steps", "2000"], "grad_accum_steps must be between 1 and 1,024"),
    ("train-eval-batches-huge", [*T, "--eval-batches", "20000"], "eval_batches must be between 1 and 10,000"),
    ("train-seed-negative", [*T, "--seed", "-1"], "seed must be between 0 and 4,294,967,295"),
    ("train-seed-huge", [*T, "--seed", BIG], "seed must be between 0 and 4,294,967,295"),
    ("train-seed-float", [*T, "--seed", "1e23"], "invalid int value: '1e23'"),
    ("train-lr-nan", [*T, "--learning-rate", "nan"], "learning_rate must be a finite number"),
    ("train-lr-inf", [*T, "--learning-rate", "inf"], "learning_rate must be a finite number"),
    ("train-lr-negative", [*T, "--learning-rate", "-1"], "learning_rate must be in (0, 1)"),
    ("train-warmup-negative", [*T, "--warmup-steps", "-1"], "warmup_steps must be between 0 and"),
    ("train-run-name-climbs", ["train_language", "--run-name", "../x"], "run name must be 1-100 letters"),
    ("train-unknown-model", [*T, "--model", "huge"], "unknown model size 'huge'"),
    ("train-unknown-device", ["train_language", "--run-name", "fresh", "--device", "tpu"], "device must be auto"),
    ("train-config-missing", ["train", "--config", "{ws}/absent.yaml"], "config file not found"),
    ("train-config-folder", ["train", "--config", "{ws}/inputs"], "cannot read config file"),
    ("train-config-binary", ["train", "--config", "{ws}/inputs/binary.yaml"], "cannot read config file"),
    ("train-config-broken-yaml", ["train", "--config", "{ws}/inputs/broken.yaml"], "is not valid YAML"),
    ("train-config-typo", ["train", "--config", "{ws}/inputs/typo.yaml"], "did you mean 'num_steps'"),
    ("train-config-list", ["train", "--config", "{ws}/inputs/list.yaml"], "expected a mapping"),
    ("train-beta1-too-big", [*T, "--beta1", "2"], "beta1 must be in [0, 1), got 2.0"),
    ("train-beta2-negative", [*T, "--beta2", "-1"], "beta2 must be in [0, 1), got -1.0"),
    ("train-replay-fraction", ["train_code", "--run-name", "fresh", "--replay-fraction", "2"],
     "replay_fraction must be in [0, 1]"),
    ("train-code-missing-parent", ["train_code", "--run-name", "fresh", "--language-checkpoint", "absent"],
     "checkpoint not found"),
    ("train-missing-tokenizer", [*T, "--tokenizer", "absent"], "tokenizer not found"),
    ("train-existing-run", ["train_language", "--run-name", "language", "--device", "cpu"], "already exists"),
    ("train-resume-nothing", [*T, "--resume"], "nothing to resume"),
    ("train-resume-finished", ["train_language", "--run-name", "language", "--resume"],
     "run 'language' has already trained 4 steps, so resuming it with num_steps 4 would train nothing"),
    ("train-resume-fewer-steps", ["train_language", "--run-name", "language", "--resume", "--num-steps", "2"],
     "resuming it with num_steps 2 would train nothing; give num_steps above 4"),
    # sizes
    ("sizes-vocab-zero", ["sizes", "--vocab-size", "0"], "vocab_size must be between 1 and 65,535"),
    ("sizes-vocab-huge", ["sizes", "--vocab-size", "1000000000000"], "vocab_size must be between 1 and 65,535"),
    # generate
    ("generate-tokens-negative", [*G, "--max-new-tokens", "-5"], "max_new_tokens must be between 1 and 4,096"),
    ("generate-empty-request", ["generate", "--checkpoint", CKPT, "--prompt", "  "], "the request is empty"),
    ("generate-empty-request-answered", ["generate", "--checkpoint", CKPT, "--prompt", "", "--strategy", "greedy"],
     "the request is empty"),
    ("generate-unknown-precision", [*G, "--precision", "int4"], "invalid choice: 'int4'"),
    ("generate-tokens-zero", [*G, "--max-new-tokens", "0"], "max_new_tokens must be between 1 and 4,096"),
    ("generate-tokens-huge", [*G, "--max-new-tokens", "5000"], "max_new_tokens must be between 1 and 4,096"),
    ("generate-temperature-nan", [*G, "--temperature", "nan"], "temperature must be between 0.0 and 5.0"),
    ("generate-temperature-inf", [*G, "--temperature", "inf"], "temperature must be between 0.0 and 5.0"),
    ("generate-temperature-negative", [*G, "--temperature", "-1"], "temperature must be between 0.0 and 5.0"),
    ("generate-top-k-negative", [*G, "--top-k", "-3"], "top_k must be between 0 and 65,535"),
    ("generate-top-p-zero", [*G, "--top-p", "0"], "top_p must be in (0, 1]"),
    ("generate-top-p-big", [*G, "--top-p", "1.5"], "top_p must be in (0, 1]"),
    ("generate-top-p-nan", [*G, "--top-p", "nan"], "top_p must be in (0, 1]"),
    ("generate-seed-negative", [*G, "--seed", "-1"], "seed must be between 0 and 4,294,967,295"),
    ("generate-seed-huge", [*G, "--seed", BIG], "seed must be between 0 and 4,294,967,295"),
    ("generate-seed-float", [*G, "--seed", "1e23"], "invalid int value: '1e23'"),
    ("generate-prompt-not-utf8", ["generate", "--checkpoint", CKPT, "--prompt", BAD_UTF8], "not valid UTF-8"),
    ("generate-prompt-past-the-context", ["generate", "--checkpoint", CKPT, "--prompt", "word " * 400],
     "this model reads at most"),
    ("generate-prompt-too-long", ["generate", "--checkpoint", CKPT, "--prompt", "x" * 20_001],
     "the limit is 20,000"),
    ("generate-unknown-strategy", [*G, "--strategy", "beam"], "strategy must be one of"),
    ("generate-strategy-with-temperature", [*G, "--strategy", "greedy", "--temperature", "0.5"],
     "--strategy greedy answers with one command line and does not read --temperature;"),
    ("generate-as-typed-without-strategy", [*G, "--as-typed"], "--as-typed is for --strategy answers"),
    ("compare-strategy-with-sampling", [*C, "--strategy", "judge", "--top-k", "5", "--template", "raw"],
     "does not read --template, --top-k;"),
    ("generate-strategy-tokens-negative", [*G, "--strategy", "greedy", "--max-new-tokens", "-5"],
     "max_new_tokens must be between 1 and 4,096"),
    ("generate-strategy-seed-negative", [*G, "--strategy", "rerank", "--seed", "-1"], "seed must be between"),
    ("generate-unknown-device", [*G, "--device", "tpu"], "device must be auto"),
    ("generate-unknown-template", [*G, "--template", "python"], "argument --template: invalid choice"),
    ("generate-missing-checkpoint", ["generate", "--checkpoint", "absent", "--prompt", "x"], "checkpoint not found"),
    ("generate-checkpoint-is-a-file", ["generate", "--checkpoint", "inputs/english.jsonl", "--prompt", "x"],
     "checkpoint not found"),
    ("generate-mismatched-shapes", ["generate", "--checkpoint", "broken/mismatched", "--prompt", "x"],
     "does not match its config"),
    ("generate-huge-shape", ["generate", "--checkpoint", "broken/huge", "--prompt", "x"],
     "n_layer must be between 1 and 256"),
    ("generate-config-not-json", ["generate", "--checkpoint", "broken/not-json", "--prompt", "x"],
     "is not valid JSON"),
    ("generate-config-not-utf8", ["generate", "--checkpoint", "broken/not-utf8", "--prompt", "x"],
     "is corrupt"),
    ("generate-weights-missing", ["generate", "--checkpoint", "broken/no-weights", "--prompt", "x"],
     "missing model.safetensors"),
    ("generate-weights-garbage", ["generate", "--checkpoint", "broken/garbage-weights", "--prompt", "x"],
     "is corrupt"),
    # compare
    ("compare-top-p-zero", [*C, "--top-p", "0"], "top_p must be in (0, 1]"),
    ("compare-temperature-nan", [*C, "--temperature", "nan"], "temperature must be between"),
    ("compare-missing-checkpoint", [*C[:2], CKPT, "absent", *C[3:]], "checkpoint not found"),
    ("compare-prompt-not-utf8", [*C[:3], "--prompt", BAD_UTF8], "not valid UTF-8"),
    ("compare-strategy-seed", [*C, "--strategy", "greedy", "--seed", BIG], "seed must be between"),
    ("compare-tokens-negative", [*C, "--max-new-tokens", "-5"], "max_new_tokens must be between 1 and 4,096"),
    # evaluate
    ("evaluate-samples-zero", [*E, "--samples", "0"], "samples must be between 1 and 64"),
    ("evaluate-samples-big", [*E, "--samples", "65"], "samples must be between 1 and 64"),
    ("evaluate-max-pairs-zero", [*E, "--pairs-source", "curated", "--max-pairs", "0"], "max_pairs must be at least 1"),
    ("evaluate-max-pairs-negative", [*E, "--max-pairs", "-1"], "max_pairs must be at least 1"),
    ("evaluate-pairs-not-utf8", [*E, "--pairs", "{ws}/inputs/latin1.jsonl"], "cannot read pairs file"),
    ("evaluate-pairs-null", [*E, "--pairs", "{ws}/inputs/null.jsonl"], 'expected a JSON object with "nl" and "cmd"'),
    ("evaluate-pairs-list", [*E, "--pairs", "{ws}/inputs/list.jsonl"], 'expected a JSON object with "nl" and "cmd"'),
    ("evaluate-pairs-no-cmd", [*E, "--pairs", "{ws}/inputs/nocmd.jsonl"], 'expected a JSON object with "nl" and "cmd"'),
    ("evaluate-pairs-number", [*E, "--pairs", "{ws}/inputs/number.jsonl"], "must be non-empty strings"),
    ("evaluate-pairs-empty", [*E, "--pairs", "{ws}/inputs/empty.jsonl"], "holds no pairs"),
    ("evaluate-pairs-missing", [*E, "--pairs", "{ws}/absent.jsonl"], "pairs file not found"),
    ("evaluate-english-corpus-missing", [*E, "--english-corpus", "nope"], "no english corpus 'nope'"),
    ("evaluate-code-corpus-missing", [*E, "--code-corpus", "nope"], "no code corpus 'nope'"),
    ("evaluate-unknown-strategy", [*E, "--strategies", "beam"], "strategy must be one of"),
    ("evaluate-unknown-pair-source", [*E, "--pairs-source", "nope"], "unknown pair source 'nope'"),
    ("evaluate-not-a-pair-source", [*E, "--pairs-source", "installed"], "holds no (request, command) pairs"),
    ("evaluate-local-pair-source", [*E, "--pairs-source", "local"], "source 'local' holds no (request, command) pairs"),
    ("evaluate-pair-source-typo", [*E, "--pairs-source", "tdlr"],
     "unknown pair source 'tdlr'; pair sources: curated, tldr"),
    ("evaluate-missing-checkpoint", ["evaluate", "--checkpoints", CKPT, "absent"], "checkpoint not found"),
    ("evaluate-existing-report", [*E[:3], "--out", "reports/report.json"], "already exists and is not empty"),
    ("evaluate-out-is-workspace", [*E, "--out", ".", "--replace"], "refusing to write over"),
    ("evaluate-seed-negative", [*E, "--seed", "-1"], "seed must be between"),
    ("test-bilingual-samples-zero", ["test_bilingual", "--checkpoints", CKPT, "--samples", "0"],
     "samples must be between 1 and 64"),
    # export
    ("export-missing-checkpoint", ["export", "--checkpoint", "absent", "--out", "shared"], "checkpoint not found"),
    ("export-existing-target", ["export", "--checkpoint", CKPT, "--out", "exported"], "already exists"),
    ("export-over-its-source", ["export", "--checkpoint", CKPT, "--out", "checkpoints/language", "--replace"],
     "refusing to write over"),
    ("export-over-the-workspace", ["export", "--checkpoint", CKPT, "--out", ".", "--replace"],
     "refusing to write over"),
    ("export-over-a-parent-of-the-workspace", ["export", "--checkpoint", CKPT, "--out", "..", "--replace"],
     "refusing to write over"),
    # quickstart (checked before any download)
    ("quickstart-language-steps-zero", ["quickstart", "--language-steps", "0"], "num_steps must be between 1"),
    ("quickstart-code-steps-negative", ["quickstart", "--code-steps", "-1"], "num_steps must be between 1"),
    ("quickstart-steps-huge", ["quickstart", "--language-steps", "99999999999"], "num_steps must be between 1"),
    ("quickstart-unknown-model", ["quickstart", "--model", "huge"], "unknown model size 'huge'"),
    # recipe (flags that fail before training)
    ("recipe-code-steps-zero", ["recipe", "--code-steps", "0"], "code_steps must be at least 1"),
    ("recipe-language-steps-negative", ["recipe", "--language-steps", "-1"], "language_steps must be at least 1"),
    ("recipe-config-missing", ["recipe", "--config", "{ws}/absent.yaml"], "config file not found"),
    ("recipe-ship-nothing", ["recipe", "--ship-only"], "nothing to ship"),
    ("recipe-batch-zero", ["recipe", "--batch-size", "0"], "batch_size must be between 1 and 4,096"),
    ("recipe-train-without-data", ["recipe", "--train-only"], "run the whole recipe or its --data-only step first"),
    ("recipe-train-only-ship", ["recipe", "--train-only", "--ship"], "--ship takes the exported copies and the report"),
    ("recipe-ship-over-the-shipped", ["recipe", "--ship"], "exist; replace them explicitly (--replace)"),
    ("recipe-two-phases", ["recipe", "--data-only", "--train-only"], "not allowed with argument"),
    # the command line itself
    ("unknown-command", ["fly"], "argument COMMAND: invalid choice: 'fly'"),
]


def _write_inputs(folder: Path) -> None:
    """The bad files the table feeds in (and one good corpus source)."""
    folder.mkdir()
    (folder / "english.jsonl").write_text("".join(json.dumps({"text": f"Story {i} about a kite."}) + "\n"
                                                  for i in range(20)))
    (folder / "latin1.jsonl").write_bytes('{"nl": "caf\u00e9", "cmd": "ls"}\n'.encode("latin-1"))
    (folder / "null.jsonl").write_text("null\n")
    (folder / "list.jsonl").write_text("[1, 2]\n")
    (folder / "nocmd.jsonl").write_text('{"nl": "list files"}\n')
    (folder / "number.jsonl").write_text('{"nl": 3, "cmd": "ls"}\n')
    (folder / "empty.jsonl").write_text("\n")
    (folder / "binary.yaml").write_bytes(b"\xff\xfe\x00\x01")
    (folder / "broken.yaml").write_text("num_steps: [1, 2\nbatch_size: 3\n")
    (folder / "typo.yaml").write_text("stage: language\nnum_step: 10\n")
    (folder / "list.yaml").write_text("- just\n- a list\n")
    (folder / "a-file").write_text("not a folder\n")


def _break_copies(best: Path, folder: Path) -> None:
    """Damaged copies of a good checkpoint, one defect each."""
    def copy(name: str, **model_changes) -> Path:
        target = folder / name
        shutil.copytree(best, target)
        if model_changes:
            info = json.loads((target / "config.json").read_text())
            info["model"].update(model_changes)
            (target / "config.json").write_text(json.dumps(info))
        return target

    copy("mismatched", n_embd=128)  # divisible by n_head, but not the weights' width
    copy("huge", n_layer=1_000_000)
    (copy("not-json") / "config.json").write_text("{not json")
    (copy("not-utf8") / "config.json").write_bytes(b'{"model": "\xff"}')
    (copy("no-weights") / "model.safetensors").unlink()
    (copy("garbage-weights") / "model.safetensors").write_bytes(os.urandom(256))


@pytest.fixture(scope="module")
def extras(template_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What every case's workspace holds beyond the template: a micro run trained once for the
    module, damaged copies of its checkpoint, bad input files, an earlier report and export."""
    root = tmp_path_factory.mktemp("bad-inputs")
    scratch = Workspace.resolve(root / "ws")
    shutil.copytree(template_workspace, scratch.root)
    train(micro_config(num_steps=4, eval_interval=2, log_interval=2), scratch, show_progress=False)
    extras = root / "extras"
    shutil.copytree(scratch.root / "checkpoints", extras / "checkpoints")
    _break_copies(extras / CKPT, extras / "broken")
    _write_inputs(extras / "inputs")
    (extras / "reports").mkdir()
    (extras / "reports" / "report.json").write_text("{}\n")
    shutil.copytree(extras / CKPT, extras / "exported")
    return extras


@pytest.fixture
def ws(workspace: Workspace, extras: Path) -> Path:
    for entry in extras.iterdir():
        shutil.copytree(entry, workspace.root / entry.name)
    return workspace.root


class Tally:
    """How many bad inputs were tried and how many held (status 2, one line, nothing lost)."""

    def __init__(self) -> None:
        self.tried = self.held = 0


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest):
    """Counts the module's bad inputs and prints the count on the terminal once it is done."""
    counts = Tally()
    yield counts
    verdict = "all held" if counts.held == counts.tried else f"{counts.held} held"
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print(f"\n{counts.tried} bad inputs tried, {verdict}")


# The trainer takes a run's lock before it checks anything and leaves the lock files (empty, or the
# last holder's pid) by design; they hold no data, so they do not count as a change.
# The locks a refused command may take for an instant: a run's, and the workspace's job slot.
RUN_LOCK = re.compile(r"checkpoints/\.[^/]+\.(lock|owner)|jobs(/\.lock|/current\.json)?")


def snapshot(root: Path) -> dict[str, str]:
    """Every path under `root` with a hash of its bytes (or "dir"), to compare before and after."""
    return {name: "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*"))
            if not RUN_LOCK.fullmatch(name := str(path.relative_to(root)))}


def run_bad(argv: list[str], capsys: pytest.CaptureFixture, tally: Tally, progress: bool = False) -> str:
    """Run the CLI, assert status 2 and one "error:" line on stderr, and return that line. With
    `progress`, a progress bar may come before it (a failure in the middle of training)."""
    tally.tried += 1
    capsys.readouterr()
    assert main(argv) == 2, argv
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert progress or out == "", out[:200]  # nothing of a refused command's output, as if it had begun
    if progress:
        err = err[err.rfind("\n", 0, len(err) - 1) + 1:]
    assert err.count("\n") == 1 and err.startswith("error: "), err
    return err


@pytest.mark.parametrize("argv, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_one_line_and_changes_nothing(argv, expected, ws, capsys, tally):
    before = snapshot(ws)
    line = run_bad(["--workspace", str(ws), *[arg.replace("{ws}", str(ws)) for arg in argv]], capsys, tally)
    assert expected in line, line
    assert snapshot(ws) == before
    tally.held += 1


def test_full_disk_while_saving_a_checkpoint_loses_nothing(ws, capsys, tally, monkeypatch):
    from core import checkpoint

    def no_space(state, filename, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), filename)

    before = snapshot(ws)
    monkeypatch.setattr(checkpoint, "save_file", no_space)
    line = run_bad(["--workspace", str(ws), *T, "--model", "micro", "--num-steps", "2", "--eval-interval", "1"],
                   capsys, tally, progress=True)
    assert "No space left on device" in line
    after = snapshot(ws)
    assert {path: after.get(path) for path in before} == before  # everything there before is intact
    tally.held += 1


def test_read_only_filesystem_is_one_line(ws, capsys, tally, monkeypatch):
    """A disk mounted read-only (simulated: root ignores permissions, so chmod cannot show it)."""
    from core.data import corpus

    def read_only(target, tag="tmp"):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(target))

    monkeypatch.setattr(corpus, "temporary_sibling", read_only)
    before = snapshot(ws)
    line = run_bad(["--workspace", str(ws), *[arg.replace("{ws}", str(ws)) for arg in D]], capsys, tally)
    assert line.startswith("error: Read-only file system: ") and "fresh" in line
    assert snapshot(ws) == before
    tally.held += 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_workspace_is_one_line(ws, capsys, tally):
    before = snapshot(ws)
    folders = [ws, *(path for path in ws.rglob("*") if path.is_dir())]
    for folder in folders:
        folder.chmod(0o555)
    try:
        line = run_bad(["--workspace", str(ws), *[arg.replace("{ws}", str(ws)) for arg in D]], capsys, tally)
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert "Permission denied" in line
    assert snapshot(ws) == before
    tally.held += 1


def test_workspace_that_is_a_file_is_one_line(ws, capsys, tally):
    a_file = ws / "inputs" / "a-file"
    before = snapshot(ws)
    line = run_bad(["--workspace", str(a_file), *[arg.replace("{ws}", str(ws)) for arg in D]], capsys, tally)
    assert str(a_file) in line
    assert snapshot(ws) == before
    tally.held += 1
