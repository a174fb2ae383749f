"""Int8 inference (`core.quantize`): close to float32, generates through the KV cache, never trains,
and is what "auto" picks on the CPU."""
import dataclasses

import pytest
import torch
from conftest import copy_of, micro_config

from core.checkpoint import cached_checkpoint, load_checkpoint
from core.config import model_preset
from core.engine import Sampling, generate_ids
from core.errors import UserError
from core.model import GPT
from core.quantize import Int8GPT, Int8Head, pick_precision, quantize_int8, with_precision
from core.training import train


@pytest.fixture(scope="module")
def trained(template_workspace, tmp_path_factory):
    """A micro checkpoint trained for a few seconds: peaked enough logits for greedy to be stable."""
    workspace = copy_of(template_workspace, tmp_path_factory.mktemp("quantize") / "ws")
    train(micro_config(num_steps=30), workspace, show_progress=False)
    return workspace.run_dir("language") / "best"


def micro_model(seed: int = 0) -> GPT:
    torch.manual_seed(seed)
    return GPT(dataclasses.replace(model_preset("micro"), vocab_size=300)).eval()


@torch.inference_mode()
def test_int8_logits_are_close_to_float32():
    """Per-row int8 rounds each weight by at most 1/254 of its row's largest (about 0.7% of a
    Gaussian row's spread, ~0.3% as a standard deviation) and bfloat16 activations add 0.2%;
    through two blocks and the head that measured 0.65% of the logits' standard deviation on
    average and 4.4% at worst (3 seeds). The bounds are three and two times those."""
    model = micro_model()
    tokens = torch.randint(0, 300, (4, 64), generator=torch.Generator().manual_seed(0))
    exact, _ = model(tokens)
    approximate, _ = quantize_int8(model)(tokens)
    error = (approximate - exact).abs()
    assert error.mean() < 0.02 * exact.std()
    assert error.max() < 0.1 * exact.std()


@torch.inference_mode()
def test_the_head_recomputes_its_best_logits_from_the_float32_table():
    table = torch.randn(500, 64, generator=torch.Generator().manual_seed(1))
    x = torch.randn(3, 5, 64, generator=torch.Generator().manual_seed(2))
    logits, exact = Int8Head(table)(x), x @ table.T
    best = logits.topk(Int8Head.CANDIDATES, dim=-1).indices
    assert torch.allclose(logits.gather(-1, best), exact.gather(-1, best), atol=1e-4)
    assert torch.equal(logits.argmax(-1), exact.argmax(-1))
    assert (logits - exact).abs().max() < 0.05 * exact.std()  # the rest: int8 values


def test_greedy_generation_through_the_kv_cache(trained):
    """Cached steps give the tokens a full forward pass over the whole sequence would pick, and
    generation runs on past the context (the cache is rebuilt)."""
    model = with_precision(load_checkpoint(trained), "int8").model
    context = model.config.context_length
    prompt = torch.tensor([[5, 17, 42, 8, 99], [1, 2, 3, 4, 5]])
    steps = list(generate_ids(model, prompt, Sampling(max_new_tokens=context + 20, temperature=0)))
    assert len(steps) == context + 20
    tokens = prompt
    with torch.inference_mode():
        while tokens.shape[1] < context:
            logits, _ = model(tokens)
            tokens = torch.cat([tokens, logits[:, -1].argmax(-1, keepdim=True)], dim=1)
    assert torch.equal(torch.stack(steps, dim=1)[:, :context - 5], tokens[:, 5:])


def test_a_quantized_model_is_a_copy_that_never_trains(trained):
    checkpoint = load_checkpoint(trained)
    before = {name: tensor.clone() for name, tensor in checkpoint.model.state_dict().items()}
    quantized = with_precision(checkpoint, "int8").model
    assert isinstance(quantized, Int8GPT) and not isinstance(checkpoint.model, Int8GPT)
    for embeddings in (True, False):  # the report's parameters column, whatever the precision
        assert quantized.num_parameters(embeddings) == checkpoint.model.num_parameters(embeddings)
    assert all(torch.equal(before[name], tensor) for name, tensor in checkpoint.model.state_dict().items())
    assert all(p.requires_grad for p in checkpoint.model.parameters())  # the float32 one still trains
    assert not any(p.requires_grad for p in quantized.parameters())
    with pytest.raises(UserError, match="inference only"):
        quantized.train()
    assert not quantized.eval().training
    with pytest.raises(UserError, match="load it again for float32"):
        with_precision(dataclasses.replace(checkpoint, model=quantized), "fp32")


def test_auto_is_int8_on_cpu_and_float32_elsewhere():
    assert pick_precision("auto", "cpu") == "int8" and pick_precision("fp32", "cpu") == "fp32"
    assert pick_precision("auto", torch.device("cuda")) == "fp32"
    with pytest.raises(UserError, match="for CPU inference"):
        pick_precision("int8", "cuda")
    with pytest.raises(UserError, match="precision must be one of auto, fp32, int8"):
        pick_precision("int4", "cpu")


def test_cached_checkpoints_load_and_quantize_once_per_precision(trained):
    default = cached_checkpoint(trained)
    assert isinstance(default.model, Int8GPT)
    assert cached_checkpoint(trained) is default and cached_checkpoint(trained, "int8") is default
    full = cached_checkpoint(trained, "fp32")
    assert type(full.model) is GPT and cached_checkpoint(trained, "fp32") is full
