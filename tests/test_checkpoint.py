import pytest
import torch

from core.checkpoint import export_checkpoint, load_checkpoint, load_trainer_state, save_checkpoint
from core.config import ModelConfig
from core.errors import UserError
from core.model import GPT
from core.tokenizer import load_tokenizer


@pytest.fixture
def saved(workspace, tmp_path):
    torch.manual_seed(0)
    model = GPT(ModelConfig(n_layer=2, n_head=2, n_embd=32, context_length=16, vocab_size=512))
    tokenizer = load_tokenizer(workspace.tokenizer_path("default"))
    path = tmp_path / "checkpoints" / "ckpt"
    save_checkpoint(path, model, tokenizer, {"stage": "language", "step": 3}, {"step": 3})
    return path, model


def test_round_trip_is_bit_exact(saved):
    path, model = saved
    loaded = load_checkpoint(path)
    original = model.state_dict()
    for name, tensor in loaded.model.state_dict().items():
        assert torch.equal(tensor, original[name]), name
    assert loaded.model.lm_head.weight.data_ptr() == loaded.model.token_embedding.weight.data_ptr()
    assert loaded.info["stage"] == "language" and loaded.info["parameters"] == model.num_parameters()
    assert load_trainer_state(path) == {"step": 3}
    tokens = torch.randint(0, 512, (1, 8))
    assert torch.equal(loaded.model(tokens)[0], model.eval()(tokens)[0])


def test_no_temporary_folders_are_left(saved):
    path, model = saved
    save_checkpoint(path, model, load_checkpoint(path).tokenizer, {"step": 4})
    assert sorted(p.name for p in path.parent.iterdir()) == ["ckpt"]
    assert load_checkpoint(path).info["step"] == 4


def test_missing_and_corrupt_checkpoints_are_explained(saved, tmp_path):
    path, _ = saved
    with pytest.raises(UserError, match="checkpoint not found"):
        load_checkpoint(tmp_path / "nowhere")
    (path / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(UserError, match="corrupt"):
        load_checkpoint(path)
    (path / "config.json").write_text("{")
    with pytest.raises(UserError, match="config.json is not valid JSON"):
        load_checkpoint(path)
    (path / "tokenizer.json").unlink()
    with pytest.raises(UserError, match="missing tokenizer.json"):
        load_checkpoint(path)


def test_corrupt_trainer_state_is_explained(saved):
    path, _ = saved
    (path / "trainer_state.pt").write_bytes(b"not a torch file")
    with pytest.raises(UserError, match="trainer state .* is corrupt"):
        load_trainer_state(path)


def test_export_drops_trainer_state_and_reloads(saved, tmp_path):
    path, model = saved
    exported = export_checkpoint(path, tmp_path / "shared")
    assert sorted(p.name for p in exported.iterdir()) == ["config.json", "model.safetensors", "tokenizer.json"]
    assert torch.equal(load_checkpoint(exported).model.token_embedding.weight, model.token_embedding.weight)
    with pytest.raises(UserError, match="no trainer state"):
        load_trainer_state(exported)


def test_half_export_is_half_the_size_and_loads_as_float32(saved, tmp_path):
    path, model = saved
    exported = export_checkpoint(path, tmp_path / "half", half=True)
    assert (exported / "model.safetensors").stat().st_size < 0.6 * (path / "model.safetensors").stat().st_size
    loaded = load_checkpoint(exported).model.token_embedding.weight
    assert loaded.dtype == torch.float32
    assert torch.allclose(loaded, model.token_embedding.weight, rtol=1e-3, atol=1e-4)
