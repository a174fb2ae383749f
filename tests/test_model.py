import torch

from core.config import ModelConfig
from core.engine import Sampling, filter_logits, generate_ids
from core.model import GPT, KVCache

CONFIG = ModelConfig(n_layer=2, n_head=2, n_embd=32, context_length=24, vocab_size=50)


def model() -> GPT:
    torch.manual_seed(0)
    return GPT(CONFIG).eval()


def test_shapes_and_loss():
    tokens = torch.randint(0, 50, (3, 10))
    logits, loss = model()(tokens, tokens)
    assert logits.shape == (3, 10, 50) and loss.shape == ()
    assert abs(loss.item() - torch.log(torch.tensor(50.0)).item()) < 0.5  # near uniform at init


def test_attention_is_causal():
    net, tokens = model(), torch.randint(0, 50, (1, 12))
    changed = tokens.clone()
    changed[0, 8:] = (changed[0, 8:] + 1) % 50
    with torch.no_grad():
        a, _ = net(tokens)
        b, _ = net(changed)
    assert torch.allclose(a[:, :8], b[:, :8], atol=1e-6)
    assert not torch.allclose(a[:, 8:], b[:, 8:])


def test_parameter_count_counts_the_tied_head_once():
    net = model()
    per_block = 4 * 32 * 32 + 4 * 32 + 8 * 32 * 32 + 5 * 32 + 4 * 32  # attn, mlp, two LayerNorms
    expected = 50 * 32 + 24 * 32 + 2 * per_block + 2 * 32
    assert net.num_parameters() == expected
    assert net.num_parameters(include_embeddings=False) == expected - 50 * 32 - 24 * 32


def test_kv_cache_matches_full_recomputation():
    net, tokens = model(), torch.randint(0, 50, (2, 20))
    with torch.no_grad():
        full, _ = net(tokens)
        cache = KVCache(CONFIG, 2, torch.device("cpu"), torch.float32)
        prefill, _ = net(tokens[:, :8], cache=cache)
        chunk, _ = net(tokens[:, 8:12], cache=cache)  # several new tokens after a cached prefix
        steps = [net(tokens[:, i:i + 1], cache=cache)[0] for i in range(12, 20)]
    incremental = torch.cat([prefill, chunk, *steps], dim=1)
    assert torch.allclose(full, incremental, atol=1e-5)


def test_greedy_generation_with_cache_equals_recomputing_the_prefix():
    net, prompt = model(), torch.randint(0, 50, (1, 5))
    cached = torch.stack(list(generate_ids(net, prompt, Sampling(max_new_tokens=15, temperature=0))), 1)
    tokens = prompt
    with torch.no_grad():
        for _ in range(15):
            logits, _ = net(tokens)
            tokens = torch.cat([tokens, logits[:, -1].argmax(-1, keepdim=True)], 1)
    assert torch.equal(cached, tokens[:, 5:])


def test_generation_runs_past_the_context_window():
    produced = list(generate_ids(model(), torch.zeros(2, 3, dtype=torch.long),
                                 Sampling(max_new_tokens=60, seed=1)))
    assert len(produced) == 60 and produced[0].shape == (2,)


def test_same_seed_same_sample():
    prompt = torch.zeros(1, 3, dtype=torch.long)
    first = [int(t) for t in generate_ids(model(), prompt, Sampling(max_new_tokens=10, seed=3))]
    assert first == [int(t) for t in generate_ids(model(), prompt, Sampling(max_new_tokens=10, seed=3))]


def test_top_k_and_top_p_filtering():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))

    def kept(out: torch.Tensor) -> list[bool]:
        return torch.isfinite(out)[0].tolist()

    assert kept(filter_logits(logits, top_k=2, top_p=1.0)) == [True, True, False, False]
    assert kept(filter_logits(logits, top_k=0, top_p=0.7)) == [True, True, False, False]
    assert kept(filter_logits(logits, top_k=0, top_p=0.1)) == [True, False, False, False]
