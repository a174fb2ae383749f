import pytest
import torch

from core.config import ModelConfig
from core.engine import Decoder, Sampling, candidates, generate_ids, next_token
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


def test_top_k_and_top_p_keep_the_likeliest_tokens():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))

    def kept(top_k: int, top_p: float) -> list[int]:
        probs, tokens = candidates(logits, top_k, top_p)
        return sorted(tokens[probs > 0].tolist())

    assert kept(2, 1.0) == [0, 1] and kept(0, 0.7) == [0, 1] and kept(0, 0.1) == [0]
    probs, _ = candidates(logits, 2, 1.0)
    assert torch.allclose(probs, torch.tensor([[0.625, 0.375]]))  # renormalised over the two kept


def test_a_sample_follows_the_distribution():
    """The exponential race picks each token as often as its probability says (20,000 draws)."""
    logits = torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05])).expand(20_000, 4)
    generator = [torch.Generator().manual_seed(0)]
    tokens = next_token(logits, Sampling(temperature=1.0, top_k=0, top_p=1.0), generator, [0] * 20_000)
    shares = torch.bincount(tokens[:, 0], minlength=4) / 20_000
    assert torch.allclose(shares, torch.tensor([0.5, 0.3, 0.15, 0.05]), atol=0.015)


def test_a_requests_samples_do_not_depend_on_its_batch_mates():
    net, prompt = model(), torch.randint(0, 50, (2, 4))
    sampling = Sampling(max_new_tokens=12, seed=5)
    alone = torch.stack(list(generate_ids(net, prompt[1:].expand(3, 4), sampling)), 1)
    together = torch.stack(list(generate_ids(net, prompt.repeat_interleave(3, 0), sampling, groups=2)), 1)
    assert torch.equal(together[3:], alone)
    with pytest.raises(ValueError, match="equal groups"):
        Decoder(net, prompt, sampling, groups=3)


def test_dropping_finished_rows_leaves_the_others_unchanged():
    """Through the cache rebuild too: 4 + 30 tokens overrun the context of 24."""
    net, prompt = model(), torch.randint(0, 50, (3, 4))
    sampling = Sampling(temperature=0)
    full = Decoder(net, prompt, sampling)
    dropping = Decoder(net, prompt, sampling)
    steps = [full.step() for _ in range(30)]
    first = [dropping.step() for _ in range(3)]
    dropping.keep([0, 2])
    rest = [dropping.step() for _ in range(27)]
    assert torch.equal(torch.stack(first, 1), torch.stack(steps[:3], 1))
    assert torch.equal(torch.stack(rest, 1), torch.stack(steps[3:], 1)[[0, 2]])
