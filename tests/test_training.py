import json
import math
import threading

import pytest
import torch
from conftest import Observer, micro_config

from core.checkpoint import EXAMPLES_FILE, export_checkpoint, load_checkpoint
from core.data.bashdoc import parse_bash_document
from core.data.corpus import read_documents
from core.errors import UserError
from core.retrieval import load_index
from core.runstore import read_metrics, read_run
from core.stage import corpus_pairs
from core.tokenizer import train_tokenizer
from core.training import answer_weights, lr_multiplier, train


def test_schedule_warms_up_then_decays_to_the_floor():
    values = [lr_multiplier(s, warmup_steps=10, total_steps=110, min_ratio=0.1) for s in range(111)]
    assert values[0] == pytest.approx(0.1) and values[9] == pytest.approx(1.0)
    assert values[10] == pytest.approx(1.0)
    assert values[60] == pytest.approx(0.1 + 0.9 * 0.5)  # halfway through the cosine
    assert values[110] == pytest.approx(0.1)
    assert all(a >= b for a, b in zip(values[10:], values[11:]))


def test_an_answers_first_token_carries_the_command_weight():
    # two documents in one window (request 0, answer 1), then an English replay row (all answer)
    answer = torch.tensor([[0, 0, 1, 1, 1, 0, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]], dtype=torch.bool)
    weights = answer_weights(answer, request_weight=0.1, command_weight=5.0)
    assert torch.allclose(weights, torch.tensor([[0.1, 0.1, 5.0, 1.0, 1.0, 0.1, 5.0, 1.0], [1.0] * 8]))
    # a window that opens inside an answer cannot tell where it began: no token is promoted
    assert answer_weights(answer[:, 3:], 0.1, 5.0)[0].tolist() == pytest.approx([1.0, 1.0, 0.1, 5.0, 1.0])


def test_cpu_training_uses_bf16_only_where_the_cpu_has_it(monkeypatch):
    import core.device as device

    cpu = torch.device("cpu")
    for has_bf16 in (False, True):
        monkeypatch.setattr(device, "cpu_has_native_bf16", lambda answer=has_bf16: answer)
        with device.autocast(cpu, cpu_bf16=True):
            assert torch.is_autocast_enabled("cpu") is has_bf16
        with device.autocast(cpu):  # evaluation: float32 on every host
            assert not torch.is_autocast_enabled("cpu")


def test_stage_one_learns_and_writes_a_complete_run(workspace):
    result = train(micro_config(num_steps=40), workspace, show_progress=False)
    run = workspace.run_dir("language")
    metrics = read_metrics(run)
    evals = [m for m in metrics if "val_loss" in m]
    assert [m["step"] for m in evals] == [0, 10, 20, 30, 40]
    assert evals[-1]["val_loss_english"] < evals[0]["val_loss_english"] - 1.0
    assert {"train_loss", "lr", "tokens_per_s", "elapsed", "val_bpb"} <= set(metrics[-1])
    assert "val_loss_code" in evals[-1]  # the other domain is evaluated too
    info = read_run(run)
    assert info["status"] == "finished" and info["step"] == 40 and result.status == "finished"
    assert (run / "best" / "model.safetensors").exists() and (run / "last" / "trainer_state.pt").exists()
    assert json.loads((run / "best" / "config.json").read_text())["best_val"] == min(
        m["val_loss"] for m in evals)


def test_resume_continues_the_same_loss_curve(workspace):
    full = micro_config(run_name="full", num_steps=20, eval_interval=10, log_interval=2)
    train(full, workspace, show_progress=False)
    stop = threading.Event()

    class StopAtTen(Observer):
        def on_metrics(self, record):
            if record["step"] == 10:
                stop.set()

    split = micro_config(run_name="split", num_steps=20, eval_interval=10, log_interval=2)
    first = train(split, workspace, stop=stop, observer=StopAtTen(), show_progress=False)
    assert first.status == "stopped" and first.step == 10
    assert read_run(workspace.run_dir("split"))["status"] == "stopped"
    second = train(split, workspace, resume=True, show_progress=False)
    assert second.status == "finished"
    uninterrupted = {m["step"]: m for m in read_metrics(workspace.run_dir("full"))}
    resumed = {m["step"]: m for m in read_metrics(workspace.run_dir("split"))}
    assert sorted(uninterrupted) == sorted(resumed)
    for step in range(12, 21, 2):
        assert resumed[step]["train_loss"] == pytest.approx(uninterrupted[step]["train_loss"], abs=1e-4)
        assert resumed[step]["lr"] == pytest.approx(uninterrupted[step]["lr"])
    assert resumed[20]["val_loss"] == pytest.approx(uninterrupted[20]["val_loss"], abs=1e-4)


def test_stop_before_the_first_step_still_saves(workspace):
    stop = threading.Event()
    stop.set()
    result = train(micro_config(), workspace, stop=stop, show_progress=False)
    assert result.status == "stopped" and result.step == 0
    assert load_checkpoint(workspace.run_dir("language") / "last").info["step"] == 0


def test_existing_run_is_never_silently_replaced(workspace):
    train(micro_config(num_steps=10), workspace, show_progress=False)
    with pytest.raises(UserError, match="already exists"):
        train(micro_config(num_steps=10), workspace, show_progress=False)
    with pytest.raises(UserError, match="nothing to resume"):
        train(micro_config(run_name="other"), workspace, resume=True, show_progress=False)
    assert train(micro_config(num_steps=10), workspace, overwrite=True, show_progress=False).status == "finished"


def test_overwrite_never_deletes_a_folder_that_is_not_a_run(workspace):
    keepsake = workspace.run_dir("photos") / "holiday.jpg"
    keepsake.parent.mkdir(parents=True)
    keepsake.write_bytes(b"\xff\xd8")
    with pytest.raises(UserError, match="not a run"):
        train(micro_config(run_name="photos", num_steps=5), workspace, overwrite=True, show_progress=False)
    assert keepsake.read_bytes() == b"\xff\xd8"


def test_stage_two_fine_tunes_and_shows_forgetting(workspace):
    train(micro_config(num_steps=40), workspace, show_progress=False)
    config = micro_config("code", num_steps=30, init_from="checkpoints/language/best", replay_fraction=0.25)
    result = train(config, workspace, show_progress=False)
    evals = [m for m in read_metrics(workspace.run_dir("bilingual")) if "val_loss" in m]
    assert evals[-1]["val_loss_code"] < evals[0]["val_loss_code"]
    assert all("val_loss_english" in m for m in evals)
    assert result.metrics["val_loss"] == result.metrics["val_loss_code"]
    assert read_run(workspace.run_dir("bilingual"))["parent"].endswith("language/best")


def test_stage_two_refuses_a_mismatched_parent(workspace):
    train(micro_config(num_steps=5), workspace, show_progress=False)
    with pytest.raises(UserError, match="does not match the checkpoint"):
        train(micro_config("code", model="cpu", init_from="checkpoints/language/best"), workspace,
              show_progress=False)
    train_tokenizer([workspace.corpus_dir("code", "installed")], workspace.tokenizer_path("other"),
                    vocab_size=300, show_progress=False)
    with pytest.raises(UserError, match="differs from the one"):
        train(micro_config("code", tokenizer="other", init_from="checkpoints/language/best"),
              workspace, show_progress=False)
    with pytest.raises(UserError, match="checkpoint not found"):
        train(micro_config("code", run_name="x", init_from="checkpoints/nothing/best"), workspace,
              show_progress=False)


def test_code_only_baseline_from_scratch(workspace):
    result = train(micro_config("code", run_name="code-only", from_scratch=True, num_steps=10),
                   workspace, show_progress=False)
    assert result.status == "finished" and read_run(result.run_dir)["parent"] is None


def test_stage_two_checkpoints_carry_the_pairs_they_trained_on(workspace, tmp_path):
    """So the strategies that read similar known requests (judge, retrieval) work wherever a
    checkpoint goes: best, last and an exported copy carry the training split's pairs, never the
    validation split's; a stage-1 checkpoint carries none."""
    result = train(micro_config("code", run_name="code-only", from_scratch=True, num_steps=3), workspace,
                   show_progress=False)
    corpus = workspace.corpus_dir("code", "installed")
    expected = corpus_pairs(corpus)
    held_out = {parse_bash_document(text) for text in read_documents(corpus, "val")}
    assert expected and len(set(expected)) == len(expected) and not held_out & set(expected)
    for name in ("best", "last"):
        assert load_index(result.run_dir / name).pairs == expected
    assert load_index(export_checkpoint(result.run_dir / "best", tmp_path / "exported", half=True)).pairs == expected
    language = train(micro_config(num_steps=2), workspace, show_progress=False)
    assert not (language.run_dir / "best" / EXAMPLES_FILE).exists()


def test_missing_corpus_is_explained(workspace):
    with pytest.raises(UserError, match="english corpus 'absent' not found"):
        train(micro_config(english_corpus="absent"), workspace, show_progress=False)


def test_metrics_survive_a_torn_last_line(workspace):
    train(micro_config(num_steps=10), workspace, show_progress=False)
    path = workspace.run_dir("language") / "metrics.jsonl"
    path.write_text(path.read_text() + '{"step": 11, "train_lo')
    metrics = read_metrics(workspace.run_dir("language"))
    assert metrics[-1]["step"] == 10 and all(math.isfinite(m.get("train_loss", 0)) for m in metrics)


def test_overwrite_starts_fresh_even_when_the_parent_lives_in_the_run(workspace):
    train(micro_config(num_steps=20), workspace, show_progress=False)
    # Stage 2 into the very run that holds its parent: the parent loads before the run is cleared.
    config = micro_config("code", run_name="language", num_steps=10, init_from="checkpoints/language/best")
    result = train(config, workspace, overwrite=True, show_progress=False)
    assert result.status == "finished" and read_run(workspace.run_dir("language"))["stage"] == "code"
    assert [m["step"] for m in read_metrics(workspace.run_dir("language"))][0] == 0
    fresh = train(micro_config(run_name="language", num_steps=5), workspace, overwrite=True,
                  show_progress=False)
    assert fresh.step == 5 and read_run(workspace.run_dir("language"))["stage"] == "language"


class _StopBeforeStep(threading.Event):
    """Set from the check before step `step + 1` on (the loop checks once before each step)."""

    def __init__(self, step: int):
        super().__init__()
        self.checks, self.step = 0, step

    def is_set(self) -> bool:
        self.checks += 1
        return self.checks > self.step


def _figures(records: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k in ("step", "train_loss") or k.startswith("val_")}
            for r in records]


def test_a_run_stopped_between_records_resumes_to_the_very_same_records(workspace):
    """Stopped at step 7, the train loss of the record at step 10 still averages steps 6 to 10."""
    settings = {"num_steps": 20, "eval_interval": 10, "log_interval": 5, "batch_size": 4}
    train(micro_config(run_name="full", **settings), workspace, show_progress=False)
    split = micro_config(run_name="split", **settings)
    assert train(split, workspace, stop=_StopBeforeStep(7), show_progress=False).step == 7
    assert train(split, workspace, resume=True, show_progress=False).status == "finished"
    assert _figures(read_metrics(workspace.run_dir("split"))) == _figures(read_metrics(workspace.run_dir("full")))


def test_metrics_survive_bytes_that_are_not_utf8(tmp_path):
    (tmp_path / "metrics.jsonl").write_bytes(b'{"step": 0, "val_loss": 6.1}\n{"step": 5, "note": "caf\xe9"}\n'
                                             b'[1]\n{"step": "x"}\n{"step": 10, "train_loss": 5.0}\n')
    assert [m["step"] for m in read_metrics(tmp_path)] == [0, 10]
