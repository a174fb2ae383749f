"""Answering a request: the answer line, the decoding strategies, and the answer-weighted loss."""
import os
import shutil

import numpy as np
import pytest
import torch
from conftest import copy_of, micro_config

from core.answering import (
    CACHE_BUDGET,
    MAX_BATCH_ROWS,
    STRATEGIES,
    WORD_END,
    AnswerSettings,
    _batch_rows,
    _decode_all,
    answer_line,
    answer_request,
    answer_requests,
    generate_lines,
    in_lower_case,
    known_commands,
    mean_logprobs,
    proposed_utilities,
    utility_logprobs,
)
from core.checkpoint import EXAMPLES_FILE, load_checkpoint
from core.config import ModelConfig
from core.data.bashdoc import Pair, request_prompt
from core.data.corpus import read_documents
from core.data.shards import tokenize_split
from core.engine import Sampling
from core.errors import RequestTooLong, UserError
from core.evaluation import bash_syntax_ok, first_command_word
from core.generation import GenerationSettings, generate
from core.model import GPT
from core.retrieval import RetrievalIndex, cached_index, load_index, save_pairs
from core.tokenizer import end_of_text_id, load_tokenizer
from core.training import micro_objective, train


@pytest.fixture(scope="module")
def checkpoint(template_workspace, tmp_path_factory):
    """A micro bilingual checkpoint trained once for the module (answering only reads it)."""
    workspace = copy_of(template_workspace, tmp_path_factory.mktemp("answering") / "ws")
    train(micro_config(num_steps=20), workspace, show_progress=False)
    train(micro_config("code", num_steps=20, init_from="checkpoints/language/best", request_loss_weight=0.1),
          workspace, show_progress=False)
    return load_checkpoint(workspace.run_dir("bilingual") / "best")


def test_answer_line_skips_comments_and_waits_for_a_whole_line():
    assert answer_line("# note\nset -e\n  ls -la\nrm x\n") == "ls -la"
    assert answer_line("# note\nls -l") is None
    assert answer_line("\n# only comments\n") is None
    assert answer_line("\n# only comments\n", ended=True) is None


def test_an_assignment_line_is_answered_with_the_command_that_uses_it():
    script = 'set -euo pipefail\n\nlog="${1:-/var/log}"\n\nfind "$log" -mtime +30 -delete\nexit 0\n'
    assert answer_line(script) == 'log="${1:-/var/log}"; find "$log" -mtime +30 -delete'
    assert answer_line('log="${1:-/var/log}"\n') is None  # the command may still come
    assert answer_line('log="${1:-/var/log}"\n', ended=True) == 'log="${1:-/var/log}"'
    assert answer_line("a=1\nb=2", ended=True) == "a=1; b=2"
    assert answer_line("find . -mtime +30 \\\n  | xargs ls\n") == "find . -mtime +30"


def test_greedy_line_is_the_first_command_line_of_greedy_generation(checkpoint):
    lines = generate_lines(checkpoint, "list all text files", Sampling(max_new_tokens=48, temperature=0.0))
    full = generate(checkpoint, "list all text files", GenerationSettings(max_new_tokens=48, temperature=0.0))
    assert lines == [answer_line(full.completion, ended=True) or ""]
    assert answer_request(checkpoint, "list all text files").command == lines[0]


@pytest.mark.parametrize("strategy", ["greedy", "rerank", "retrieval", "judge"])
def test_requests_answered_together_get_the_answers_they_get_alone(checkpoint, strategy):
    """The report answers a thousand requests in batches of equal prompt length; each must get what
    the playground gives it alone, whatever shares its batch (samples too: a generator each)."""
    index = RetrievalIndex([Pair("show disk usage", "df -h"), Pair("list files", "ls -la")])
    requests = ["list all text files", "Find large files", "show the disk usage", "list all text files",
                "Count lines", "a request far longer than the context " * 9]
    settings = AnswerSettings(strategy=strategy, samples=4)
    together = answer_requests(checkpoint, requests, settings, index)
    assert together[-1] is None  # too long for the context: unanswered, not an error for the others
    for request, answer in zip(requests[:-1], together):
        assert answer.command == answer_request(checkpoint, request, settings, index).command
    with pytest.raises(RequestTooLong, match="Shorten it"):
        answer_request(checkpoint, requests[-1], settings, index)


def test_only_a_capitalised_first_word_is_put_in_lower_case():
    assert [in_lower_case(text) for text in ("Delete old logs", "delete old logs", "SSH into a host", "A")] == [
        "delete old logs", "delete old logs", "SSH into a host", "A"]
    assert in_lower_case("A file archiver") == "a file archiver"  # the article, not an acronym
    assert in_lower_case("X11 forwarding over ssh") == "x11 forwarding over ssh"


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_capitalised_request_is_also_read_in_lower_case(checkpoint, strategy):
    """Each strategy keeps the reading whose answer it is surer of: by the score it chose the answer
    by where it has one (judge, rerank), else by the answer line's mean log-probability."""
    index = RetrievalIndex([Pair("show disk usage", "df -h"), Pair("Show the free memory", "free -h"),
                            Pair("list files", "ls -la")])
    request, lowered = "Show the disk usage", "show the disk usage"

    def answer(text: str, either_case: bool):
        return answer_request(checkpoint, text, AnswerSettings(strategy=strategy, either_case=either_case), index)

    typed, lower, either = answer(request, False), answer(lowered, False), answer(request, True)
    if typed.score is not None and lower.score is not None:
        surer = lower.score > typed.score
    else:
        surer = mean_logprobs(checkpoint, lowered, [lower.command]) > mean_logprobs(checkpoint, request,
                                                                                     [typed.command])
    kept = lower if surer and lower.command != typed.command else typed
    assert (either.command, either.read_as) == (kept.command, lowered if kept is lower else None)
    assert answer(lowered, True) == lower  # a request in lower case is read once


def test_mean_logprobs_match_a_plain_forward_pass(checkpoint):
    request, command = "show disk usage", "df -h"
    ids = checkpoint.tokenizer.encode(request_prompt(request) + command + "\n").ids
    prompt_length = len(checkpoint.tokenizer.encode(request_prompt(request)).ids)
    with torch.no_grad():
        logits, _ = checkpoint.model(torch.tensor([ids]))
    logprobs = logits[0].log_softmax(-1)
    expected = np.mean([logprobs[i - 1, ids[i]].item() for i in range(prompt_length, len(ids))])
    scores = mean_logprobs(checkpoint, request, [command, "ls -- *.txt"])
    assert scores[0] == pytest.approx(expected, abs=1e-5) and len(scores) == 2


def test_rerank_picks_the_best_scored_plausible_candidate(checkpoint):
    settings = AnswerSettings(strategy="rerank", samples=8)
    greedy = answer_request(checkpoint, "find large files").command
    sampled = generate_lines(checkpoint, "find large files", Sampling(max_new_tokens=48, temperature=0.8), rows=8)
    parsing = {first_command_word(line) for line in [greedy, *sampled] if line and bash_syntax_ok(line)} - {None}
    assert parsing, "the micro model should write at least one line that parses"
    rerank = answer_request(checkpoint, "find large files", settings, commands=parsing)
    assert rerank.command == max(rerank.candidates, key=lambda c: c.score).command
    assert all(c.score > float("-inf") and first_command_word(c.command) in parsing for c in rerank.candidates)
    # nothing plausible: the greedy line stands
    assert answer_request(checkpoint, "find large files", settings, commands=set()).command == greedy


def test_retrieval_puts_the_nearest_commands_in_the_prompt(checkpoint, tmp_path):
    index = RetrievalIndex([Pair("show disk usage", "df -h"), Pair("print the date", "date"),
                            Pair("show disk usage per folder", "du -sh *")])
    settings = AnswerSettings(strategy="retrieval", neighbours=2)
    answer = answer_request(checkpoint, "show the disk usage", settings, index=index)
    assert [c.command for c in answer.candidates if c.origin == "retrieved"] == ["df -h", "du -sh *"]
    examples = ["df -h", "du -sh *"]
    greedy = Sampling(max_new_tokens=48, temperature=0.0)
    assert answer.command == generate_lines(checkpoint, "show the disk usage", greedy, examples=examples)[0]
    bare = shutil.copytree(checkpoint.path, tmp_path / "bare")
    (bare / EXAMPLES_FILE).unlink()
    for strategy in ("retrieval", "judge"):
        with pytest.raises(UserError, match="carries no training pairs"):
            answer_request(load_checkpoint(bare), "x", AnswerSettings(strategy=strategy))
    carrying = shutil.copytree(checkpoint.path, tmp_path / "carrying")
    save_pairs(carrying, index.pairs)
    assert answer_request(load_checkpoint(carrying), "show the disk usage", settings).command == answer.command


def test_utility_logprobs_are_its_tokens_then_a_word_end(checkpoint):
    """`find` is scored as a whole word: its tokens, then any token that may end a command word."""
    tokenizer = checkpoint.tokenizer
    prompt = tokenizer.encode(request_prompt("show disk usage"), add_special_tokens=False).ids
    utility = tokenizer.encode("df", add_special_tokens=False).ids
    with torch.no_grad():
        logits, _ = checkpoint.model(torch.tensor([prompt + utility]))
    logprobs = logits[0].log_softmax(-1)
    words = sum(logprobs[len(prompt) - 1 + i, token].item() for i, token in enumerate(utility))
    ends = [token for token in range(tokenizer.get_vocab_size())
            if tokenizer.decode([token])[:1] in (" ", "\t", "\n", ";", "|", "&", ")")
            or token == end_of_text_id(tokenizer)]
    expected = words + logprobs[len(prompt) - 1 + len(utility), ends].logsumexp(0).item()
    scores = utility_logprobs(checkpoint, prompt, ["df", "du", "x" * 400])
    assert scores[0] == pytest.approx(expected, abs=1e-4)
    assert scores[2] == float("-inf")  # no room left in the context for it


def test_the_lookup_proposes_utilities_with_their_share_of_the_votes():
    index = RetrievalIndex([Pair("show disk usage", "df -h"), Pair("show disk usage per folder", "sudo du -sh *"),
                            Pair("disk usage of home", "du -sh ~"), Pair("show disk space", "$EDITOR x"),
                            Pair("print today's date", "date")])
    votes = proposed_utilities(index, "show the disk usage", 5)
    # `$EDITOR` names no program, `sudo` is looked through, and a request with no word in common proposes nothing
    assert set(votes) == {"df", "du"}
    assert sum(votes.values()) == pytest.approx(1.0) and votes["du"] > 0
    assert proposed_utilities(index, "nothing in common", 4) == {}


def test_judge_weighs_the_model_against_the_lookup_and_writes_after_its_choice(checkpoint):
    index = RetrievalIndex([Pair("show disk usage", "df -h"), Pair("show the disk usage per folder", "du -sh *"),
                            Pair("print the date", "date")])
    request = "show the disk usage"
    greedy = answer_request(checkpoint, request).command
    prompt = checkpoint.tokenizer.encode(request_prompt(request), add_special_tokens=False).ids
    votes = proposed_utilities(index, request, 10)
    for weight in (0.0, 1.0, 10.0):
        answer = answer_request(checkpoint, request, AnswerSettings(strategy="judge", lookup_weight=weight), index)
        words = [c.command for c in answer.candidates]
        assert set(words) == set(votes) | {first_command_word(greedy)} - {None}
        model = dict(zip(words, utility_logprobs(checkpoint, prompt, words)))
        for candidate in answer.candidates:
            assert candidate.score == pytest.approx(model[candidate.command] + weight * np.log(
                votes.get(candidate.command, 0.0) + 1e-3), abs=1e-4)
        assert [c.score for c in answer.candidates] == sorted((c.score for c in answer.candidates), reverse=True)
        chosen = answer.candidates[0].command
        assert first_command_word(answer.command) == chosen
        if chosen == first_command_word(greedy):
            assert answer.command == greedy
        else:  # the line the model writes once its answer begins with the chosen utility
            rest = generate(checkpoint, request_prompt(request) + chosen,
                            GenerationSettings(template="raw", max_new_tokens=48, temperature=0.0))
            assert answer.command == answer_line(chosen + rest.completion, ended=rest.stopped_by == "end_of_text")
    # without an index given, the one the checkpoint carries: its training corpus's pairs
    carried = answer_request(checkpoint, request, AnswerSettings(strategy="judge"))
    assert {c.command for c in carried.candidates} - {first_command_word(greedy)} <= {
        first_command_word(pair.command) for pair in load_index(checkpoint.path).pairs}


def test_a_forced_utility_goes_on_as_a_whole_word(checkpoint):
    """The judge scored each utility as a whole word, so the line it writes after its choice goes on
    with a token that ends the word: a forced `unzip` never becomes `unzips.zip`."""
    tokenizer = checkpoint.tokenizer
    prompt = tokenizer.encode(request_prompt("search the logs"), add_special_tokens=False).ids
    words = ["gre", "fin", "un", "apt-"]
    starts = [tokenizer.encode(word, add_special_tokens=False).ids for word in words]
    going_on = tokenizer.token_to_id("s")  # a model that would go on with every word
    hook = checkpoint.model.lm_head.register_forward_hook(lambda module, inputs, logits: logits.index_add(
        -1, torch.tensor([going_on]), torch.full((*logits.shape[:-1], 1), 100.0)))
    try:
        sampling = Sampling(max_new_tokens=8, temperature=0.0)
        assert generate_lines(checkpoint, "search the logs", sampling) == ["s" * 8]
        lines = _decode_all(checkpoint, [prompt + ids for ids in starts], sampling, 1, [len(ids) for ids in starts])
    finally:
        hook.remove()
    for word, (line,) in zip(words, lines):
        assert line.startswith(word) and line[len(word):len(word) + 1] in {"", *WORD_END}, (word, line)


def test_an_index_is_built_once_per_version_of_its_file(tmp_path):
    save_pairs(tmp_path, [Pair("show disk usage", "df -h")])
    first = cached_index(tmp_path)
    assert cached_index(tmp_path) is first and first.answer("disk usage") == "df -h"
    save_pairs(tmp_path, [Pair("show disk usage", "du -sh")])
    os.utime(tmp_path / "examples.jsonl.gz", ns=(1, 1))  # another version, even within one clock tick
    assert cached_index(tmp_path).answer("disk usage") == "du -sh"
    assert cached_index(tmp_path / "none") is None


@pytest.mark.parametrize("settings, message", [
    (AnswerSettings(strategy="beam"), "strategy must be"), (AnswerSettings(samples=0), "samples"),
    (AnswerSettings(max_new_tokens=-5), "max_new_tokens"), (AnswerSettings(temperature=float("nan")), "temperature"),
    (AnswerSettings(candidates=0), "candidates"), (AnswerSettings(lookup_weight=-1.0), "lookup_weight"),
    (AnswerSettings(lookup_weight=float("nan")), "lookup_weight")])
def test_bad_settings_are_one_line(checkpoint, settings, message):
    with pytest.raises(UserError, match=message):
        answer_request(checkpoint, "list files", settings)


def test_retrieval_baseline_answers_with_the_nearest_request(tmp_path):
    pairs = [Pair("extract a tar archive", "tar -xf a.tar"), Pair("show disk usage", "df -h"),
             Pair("show disk usage in a readable way", "df -h")]
    index = RetrievalIndex(pairs)
    assert index.answer("how do I extract this archive") == "tar -xf a.tar"
    assert [n.pair.command for n in index.nearest("disk usage", 2)] == ["df -h", "df -h"]
    # examples: distinct commands, best first, never the excluded pair itself
    assert list(index.examples(["show disk usage", "extract a tar archive"], 2, exclude=[pairs[1], pairs[0]])) == [
        ["df -h", "tar -xf a.tar"], ["df -h"]]
    save_pairs(tmp_path, pairs)
    assert load_index(tmp_path).pairs == pairs and load_index(tmp_path / "absent") is None
    (tmp_path / "examples.jsonl.gz").write_bytes(b"not gzip")
    with pytest.raises(UserError, match="corrupt"):
        load_index(tmp_path)
    with pytest.raises(UserError):
        RetrievalIndex([])


def test_known_commands_take_training_utilities_that_are_program_names():
    index = RetrievalIndex([Pair("scroll down", "<Ctrl> + d"), Pair("pipe it", "| less"),
                            Pair("rerun the last command", "!!"), Pair("list pods", "kubectl get pods"),
                            Pair("make a venv", "python3.12 -m venv .venv")])
    known = known_commands(index)
    assert {"kubectl", "python3.12"} <= known
    assert not {"<Ctrl>", "|", "!!"} & known


def test_answer_marks_cover_the_body_of_described_documents(workspace):
    tokenizer = load_tokenizer(workspace.tokenizer_path("default"))
    corpus = workspace.corpus_dir("code", "installed")
    shard = tokenize_split(corpus, tokenizer, "train")
    first = next(read_documents(corpus, "train"))
    prompt_ids = tokenizer.encode(request_prompt(first.split("\n")[1][2:])).ids
    whole_ids = tokenizer.encode(first).ids
    assert list(shard.tokens[:len(whole_ids)]) == whole_ids  # split encoding = whole encoding
    answer_mask = [0] * len(prompt_ids) + [1] * (len(whole_ids) - len(prompt_ids) + 1)
    assert list(shard.answer[:len(whole_ids) + 1]) == answer_mask
    english = tokenize_split(workspace.corpus_dir("english", "installed"), tokenizer, "train")
    assert english.answer.all()


def test_per_target_losses_are_the_loss_before_its_mean(checkpoint):
    tokens, targets = torch.randint(0, 512, (2, 12)), torch.randint(0, 512, (2, 12))
    _, plain = checkpoint.model(tokens, targets)
    _, each = checkpoint.model(tokens, targets, per_target=True)
    assert each.shape == (2, 12) and each.mean().item() == pytest.approx(plain.item(), rel=1e-6)
    logits, _ = checkpoint.model(tokens)
    assert each[1, -1].item() == pytest.approx(
        torch.nn.functional.cross_entropy(logits[1, -1], targets[1, -1]).item(), rel=1e-5)


def test_a_weighted_step_is_the_weighted_mean_of_its_whole_batch():
    """Split over micro-batches or processes, a step must take the same weighted mean as one
    process over the whole batch; each part's own weighted mean, averaged, did not (the part whose
    weights sum to less counted as much as the other: gradients 48% apart in a review's run)."""
    losses = torch.rand(4, 6, requires_grad=True)
    weights = torch.full((4, 6), 0.1)
    weights[0, 2] = weights[1, 4] = 5.0  # two answers' first tokens, both in the first half
    whole = (losses * weights).sum() / weights.sum()
    total = weights.sum()
    halves = [micro_objective(losses[rows], weights[rows], total, 2, 1) for rows in (slice(0, 2), slice(2, 4))]
    assert sum(halves).item() == pytest.approx(whole.item(), rel=1e-6)
    # two processes, one half each: DDP averages what each backpropagates
    ranks = [micro_objective(losses[rows], weights[rows], total, 1, 2) for rows in (slice(0, 2), slice(2, 4))]
    assert (sum(ranks) / 2).item() == pytest.approx(whole.item(), rel=1e-6)
    naive = sum((losses[r] * weights[r]).sum() / weights[r].sum() for r in (slice(0, 2), slice(2, 4))) / 2
    assert naive.item() != pytest.approx(whole.item(), rel=1e-3)  # what each part's own mean gave
    unweighted = sum(micro_objective(losses[r], None, None, 2, 1) for r in (slice(0, 2), slice(2, 4)))
    assert unweighted.item() == pytest.approx(losses.mean().item(), rel=1e-6)


def test_a_batch_holds_as_many_rows_as_the_cache_budget_allows():
    """64 rows of the cpu preset (1 MB of keys and values each), but only a few of a model whose
    rows cost 64 MB each: a report on a medium checkpoint must not ask a Space for gigabytes."""
    def rows(**shape) -> int:
        return _batch_rows(GPT(ModelConfig(vocab_size=16, **shape)))

    assert rows(n_layer=1, n_head=1, n_embd=8, context_length=16) == MAX_BATCH_ROWS
    per_row = 2 * 4 * 512 * 256 * 4  # layers × context × width × float32 bytes, keys and values
    assert rows(n_layer=4, n_head=4, n_embd=256, context_length=512) == CACHE_BUDGET // per_row == 64
    assert rows(n_layer=8, n_head=4, n_embd=512, context_length=1024) == CACHE_BUDGET // (8 * per_row) == 8
