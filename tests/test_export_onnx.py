"""`export --format onnx`: onnxruntime runs the decoder-step graph — prefill with an empty cache,
then decode steps with the cache it returned — and every logit matches our model's."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from core.checkpoint import load_checkpoint, save_checkpoint
from core.cli import main
from core.config import ModelConfig
from core.model import GPT
from core.tokenizer import load_tokenizer
from core.workspace import Workspace

ort = pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (pip install onnxruntime)")

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def exported(template_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A micro checkpoint with random weights (three layers, so the per-layer cache names go
    beyond two) and its ONNX export."""
    folder = tmp_path_factory.mktemp("export_onnx")
    tokenizer = load_tokenizer(Workspace.resolve(template_workspace).tokenizer_path("default"))
    torch.manual_seed(0)
    model = GPT(ModelConfig(n_layer=3, n_head=2, n_embd=32, context_length=24, vocab_size=tokenizer.get_vocab_size()))
    with torch.no_grad():  # wider than training's init, so logits spread over units, not hundredths
        for parameter in model.parameters():
            parameter.normal_(0.0, 0.3)
    checkpoint = folder / "ckpt"
    save_checkpoint(checkpoint, model, tokenizer, {"stage": "language", "step": 0})
    out = folder / "onnx"
    assert main(["--workspace", str(folder), "export", "--checkpoint", str(checkpoint), "--out", str(out),
                 "--format", "onnx"]) == 0
    return checkpoint, out


def _empty_past(session, batch: int) -> dict[str, np.ndarray]:
    return {i.name: np.zeros((batch, i.shape[1], 0, i.shape[3]), dtype=np.float32)
            for i in session.get_inputs() if i.name.startswith("past_key_values.")}


def _as_past(outputs: list[np.ndarray], names: list[str]) -> dict[str, np.ndarray]:
    return {name.replace("present.", "past_key_values."): value
            for name, value in zip(names, outputs) if name.startswith("present.")}


def test_folder_holds_graph_tokenizer_and_a_true_description(exported):
    checkpoint, out = exported
    assert sorted(p.name for p in out.iterdir()) == ["model.onnx", "model_io.json", "tokenizer.json"]
    assert (out / "tokenizer.json").read_bytes() == (checkpoint / "tokenizer.json").read_bytes()
    description = json.loads((out / "model_io.json").read_text())
    session = ort.InferenceSession(str(out / "model.onnx"))
    for declared, actual in ((description["inputs"], session.get_inputs()),
                             (description["outputs"], session.get_outputs())):
        assert [(d["name"], d["shape"]) for d in declared] == [(a.name, a.shape) for a in actual]
    assert description["context_length"] == 24 and description["n_layer"] == 3
    assert description["end_of_text_id"] == load_checkpoint(checkpoint).tokenizer.token_to_id("<|endoftext|>")


def test_prefill_then_cached_decode_match_our_logits(exported):
    checkpoint, out = exported
    model = load_checkpoint(checkpoint).model
    session = ort.InferenceSession(str(out / "model.onnx"))
    names = [o.name for o in session.get_outputs()]
    tokens = torch.randint(0, model.config.vocab_size, (2, 16), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        expected = model(tokens)[0].numpy()
    outputs = session.run(None, {"input_ids": tokens[:, :6].numpy(), **_empty_past(session, 2)})
    differences = [np.abs(outputs[0] - expected[:, :6]).max()]
    # Several new tokens after a cached prefix (each sees the prefix and the earlier new ones) …
    outputs = session.run(None, {"input_ids": tokens[:, 6:10].numpy(), **_as_past(outputs, names)})
    differences.append(np.abs(outputs[0] - expected[:, 6:10]).max())
    # … then one token at a time, each step fed the cache the step before returned.
    for position in range(10, 16):
        outputs = session.run(None, {"input_ids": tokens[:, position:position + 1].numpy(),
                                     **_as_past(outputs, names)})
        differences.append(np.abs(outputs[0][:, 0] - expected[:, position]).max())
        assert outputs[1].shape == (2, 2, position + 1, 16)
    print(f"max |logit difference| onnxruntime vs ours: {max(differences):.2e} "
          f"(logits span {expected.min():.1f} to {expected.max():.1f})")
    assert max(differences) < TOLERANCE


def test_a_one_token_prompt_of_one_row_runs_through_the_same_graph(exported):
    """torch.export fixes dimensions that are 1 in its example; the graph must not have."""
    checkpoint, out = exported
    model = load_checkpoint(checkpoint).model
    session = ort.InferenceSession(str(out / "model.onnx"))
    token = torch.tensor([[5]])
    outputs = session.run(None, {"input_ids": token.numpy(), **_empty_past(session, 1)})
    with torch.no_grad():
        assert np.abs(outputs[0] - model(token)[0].numpy()).max() < TOLERANCE


def test_half_is_refused_for_onnx_in_one_line(exported, tmp_path, capsys):
    checkpoint, _ = exported
    assert main(["--workspace", str(tmp_path), "export", "--checkpoint", str(checkpoint), "--out",
                 str(tmp_path / "o"), "--format", "onnx", "--half"]) == 2
    err = capsys.readouterr().err
    assert "--half is for --format ours and hf" in err and err.count("\n") == 1
