"""Answering an English request with one command line: the decoding options, in one place.

The playground, the CLI and the evaluation all answer through `answer_request`, so a strategy that
wins in the report is the one a visitor meets. Strategies:

- `greedy`: the model's most likely answer line, nothing else (always reported, the plain figure).
- `rerank` (sample-and-rerank): the greedy line plus `samples` sampled lines; lines `bash -n`
  rejects, or whose first word is no command this machine or the training data knows, are
  dropped; the rest are ranked by the model's own mean log-probability per token.
- `retrieval` (retrieval-augmented): the commands of the `neighbours` most similar training
  requests (`core.retrieval`) are put in the prompt as examples, as a model trained on a corpus
  built with `--examples` saw them, and the model writes the greedy answer line from them. (Ranking
  the retrieved commands by the model's likelihood instead was measured and lost to retrieval
  alone: benchmarks/README.md.)
- `judge` (the lookup proposes, the model judges): the utilities of the `candidates` most similar
  training requests, and the greedy line's own, are weighed by the model's log-probability of
  the answer starting with each, plus `lookup_weight` times the log of its share of the lookup's
  similarity votes (a product of the two experts); the answer line is then written greedily
  after the chosen utility. A model that has learnt the request → utility mapping recognises a
  right utility it would not have recalled, and overrules a lookup that matched the wrong words
  (benchmarks/README.md, tenth round).

Scores are mean log-probabilities of the answer line's tokens (and its newline) given the request
prompt; a longer line is not punished for being long.

Whatever the strategy, a request typed with a capitalised first word ("Delete log files older than
30 days") is also answered in lower case, and the answer the model finds likelier kept
(`either_case`). tldr writes every request as a capitalised sentence, so a capital alone drew the
model towards tldr's thousand tools (`git branch -d`) where the same request in lower case got
`find`; answering both readings keeps a tldr-style request's tldr answer. Lower case alone, or
trying both cases of every request, cost requests typed in lower case (benchmarks/README.md,
seventeenth round).
"""
from __future__ import annotations

import collections
import dataclasses
import functools
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import torch
from tokenizers import Tokenizer

from core.checkpoint import EXAMPLES_FILE, Checkpoint
from core.commands import commands_on_path, is_command_name
from core.config import check_range, check_seed
from core.data.bashdoc import request_prompt, runs_something
from core.engine import Decoder, Sampling
from core.errors import RequestTooLong, UserError, shown
from core.evaluation import bash_syntax_ok, first_command_word
from core.generation import MAX_TEMPERATURE, check_request
from core.model import GPT
from core.retrieval import RetrievalIndex, cached_index
from core.tokenizer import end_of_text_id

STRATEGIES = ("greedy", "rerank", "retrieval", "judge")
READS_PAIRS = ("retrieval", "judge")  # strategies that read the similar requests of an index
ANSWER_ROOM = 24  # tokens a prompt leaves for the answer line before examples give way
MAX_ANSWER_TOKENS = 512  # an answer is one command line; past this the model is rambling
MAX_BATCH_ROWS = 64  # rows decoded together, at most
CACHE_BUDGET = 256 * 2**20  # bytes of keys and values a batch may hold: a medium model gets 4 rows
MAX_LOOKUP_WEIGHT = 10.0  # judge: past this the lookup alone decides
WORD_END = frozenset(" \t\n;|&)")  # what may follow a command word
UNVOTED_SHARE = 1e-3  # judge: the vote share of a utility no neighbour proposed (the greedy one's, say)


@dataclass
class AnswerSettings:
    strategy: str = "greedy"
    samples: int = 8  # rerank: sampled lines besides the greedy one
    temperature: float = 0.8  # rerank: sampling temperature
    neighbours: int = 3  # retrieval: examples shown in the prompt (as many as in training)
    candidates: int = 10  # judge: nearest training requests whose utilities are weighed
    lookup_weight: float = 1.0  # judge: the lookup's log vote share against the model's log-probability
    max_new_tokens: int = 48
    seed: int = 0
    either_case: bool = True  # a capitalised request is also read in lower case; the likelier answer is kept

    def validate(self) -> None:
        if self.strategy not in STRATEGIES:
            raise UserError(f"strategy must be one of {', '.join(STRATEGIES)}, got {shown(self.strategy)}")
        for name, low, high in (("samples", 1, 64), ("neighbours", 1, 50), ("candidates", 1, 50),
                                ("max_new_tokens", 1, MAX_ANSWER_TOKENS)):
            check_range(name, getattr(self, name), low, high)
        if not 0.0 <= self.lookup_weight <= MAX_LOOKUP_WEIGHT:
            raise UserError(f"lookup_weight must be in [0, {MAX_LOOKUP_WEIGHT:g}], got {self.lookup_weight}")
        if not 0.0 < self.temperature <= MAX_TEMPERATURE:
            raise UserError(f"temperature must be in (0, {MAX_TEMPERATURE:g}], got {self.temperature}")
        check_seed(self.seed)


@dataclass
class Candidate:
    command: str
    origin: str  # greedy | sample | retrieved | proposed (judge: a utility the lookup proposed)
    score: float = float("-inf")  # mean log-probability per token given the request (judge: the joint score)


@dataclass
class Answer:
    command: str
    candidates: list[Candidate] = field(default_factory=list)
    score: float | None = None  # what its strategy chose it by (judge: its utility's joint score; rerank: its own)
    read_as: str | None = None  # the request in lower case, where that reading's answer was kept


def in_lower_case(request: str) -> str:
    """The request with its capitalised first word in lower case ("Delete log files" → "delete log
    files", "A file archiver" → "a file archiver"); one in lower case already, or starting with an
    acronym ("SSH into…"), as it is."""
    word, rest = request.split(" ", 1) if " " in request else (request, None)
    capitalised = word[:1].isupper() and word[1:] == word[1:].lower() and (len(word) > 1 or rest is not None)
    return request[:1].lower() + request[1:] if capitalised else request


def answer_line(completion: str, ended: bool = False) -> str | None:
    """The command line that answers a request: the first line that is not blank, a comment or a
    `set` option; None while no such line is complete (a reference is one line, so the rest of a
    script is not scored). A line with no command word in it — variable assignments alone
    (`dir="${1:-.}"`, as scripts begin), or stray options — is kept and joined with `; ` to the
    command line after it; once the text has `ended`, it answers alone if no command followed.
    A line continued with `\\` is cut there: its first part stands."""
    lines = completion.split("\n")
    setup: list[str] = []
    for index, line in enumerate(lines):
        if not runs_something(line):
            continue
        if index == len(lines) - 1 and not ended:
            return None
        setup.append(line.strip().removesuffix("\\").rstrip())
        if first_command_word(line) is not None:
            return "; ".join(setup)
    return "; ".join(setup) if ended and setup else None


def prompt_ids(checkpoint: Checkpoint, request: str, examples: Sequence[str] = ()) -> list[int]:
    """The tokens of a request's prompt, with as many of `examples` (best first) as leave the
    answer room in the context; an empty request, or one too long for the context alone, is refused."""
    check_request(request)
    tokenizer, context = checkpoint.tokenizer, checkpoint.model.config.context_length
    examples = list(examples)
    ids = tokenizer.encode(request_prompt(request, examples), add_special_tokens=False).ids
    while examples and len(ids) + ANSWER_ROOM > context:
        examples.pop()  # the least similar example gives way first
        ids = tokenizer.encode(request_prompt(request, examples), add_special_tokens=False).ids
    if len(ids) + 2 > context:
        raise RequestTooLong(f"the request is {len(ids)} tokens; this model reads at most {context - 2}. "
                             "Shorten it")
    return ids


def _decode_lines(checkpoint: Checkpoint, prompts: Sequence[list[int]], sampling: Sampling, rows: int,
                  begun: Sequence[int] = ()) -> list[list[str]]:
    """`rows` answer lines for each of `prompts` (all of one length, so they share a batch with no
    padding); decoding stops once every row has a complete line, ends its text, or runs out of
    new tokens. The last `begun[i]` tokens of prompt i are the answer's own beginning (a utility
    `judge` chose), so they are part of its line, and the token after them must end that word, as
    the judge scored it: `unzip` forced must not go on as `unzips.zip`."""
    tokenizer, model = checkpoint.tokenizer, checkpoint.model
    device = next(model.parameters()).device
    eot = end_of_text_id(tokenizer)
    begun = list(begun) or [0] * len(prompts)
    batch = [ids for ids in prompts for _ in range(rows)]
    new_ids: list[list[int]] = [list(ids[len(ids) - start:]) if start else []
                                for ids, start in zip(prompts, begun) for _ in range(rows)]
    answers: list[str | None] = [None] * len(batch)
    decoder = Decoder(model, torch.tensor(batch, device=device), sampling, groups=len(prompts))
    active = list(range(len(batch)))  # the rows still decoding, in the decoder's order
    whole_word = None
    if any(begun):
        whole_word = torch.ones((len(batch), tokenizer.get_vocab_size()), dtype=torch.bool, device=device)
        whole_word[[row for row, ids in enumerate(new_ids) if ids]] = _word_ends(tokenizer).to(device)
    for _ in range(sampling.max_new_tokens):
        finished = set()
        tokens = decoder.step(whole_word).tolist()
        whole_word = None  # only the first token after a forced beginning is limited
        for row, token in zip(active, tokens):
            if token == eot:
                finished.add(row)
                answers[row] = answer_line(tokenizer.decode(new_ids[row]), ended=True) or ""
                continue
            new_ids[row].append(token)
            answers[row] = answer_line(tokenizer.decode(new_ids[row]))
            if answers[row] is not None:
                finished.add(row)
        if finished:
            kept = [position for position, row in enumerate(active) if row not in finished]
            active = [active[position] for position in kept]
            if not active:
                break
            decoder.keep(kept)
    lines = [answer if answer is not None else answer_line(tokenizer.decode(ids), ended=True) or ""
             for answer, ids in zip(answers, new_ids)]
    return [lines[start:start + rows] for start in range(0, len(lines), rows)]


def _batch_rows(model: GPT) -> int:
    """Rows whose KV cache fits `CACHE_BUDGET`: 64 for the cpu preset (1 MB a row), 4 for medium."""
    config = model.config
    per_row = 2 * config.n_layer * config.context_length * config.n_embd * next(model.parameters()).element_size()
    return max(1, min(MAX_BATCH_ROWS, CACHE_BUDGET // per_row))


def _decode_all(checkpoint: Checkpoint, prompts: Sequence[list[int] | None], sampling: Sampling, rows: int,
                begun: Sequence[int] = ()) -> list[list[str] | None]:
    """`_decode_lines` for prompts of any lengths: those of one length go through the model
    together, as many rows at a time as `_batch_rows` allows (None stays None: a request that did
    not fit)."""
    begun = list(begun) or [0] * len(prompts)
    by_length: dict[int, list[int]] = collections.defaultdict(list)
    for position, ids in enumerate(prompts):
        if ids is not None:
            by_length[len(ids)].append(position)
    lines: list[list[str] | None] = [None] * len(prompts)
    per_batch = max(1, _batch_rows(checkpoint.model) // rows)
    for positions in by_length.values():
        for start in range(0, len(positions), per_batch):
            chunk = positions[start:start + per_batch]
            decoded = _decode_lines(checkpoint, [prompts[p] for p in chunk], sampling, rows, [begun[p] for p in chunk])
            for position, found in zip(chunk, decoded):
                lines[position] = found
    return lines


def generate_lines(checkpoint: Checkpoint, request: str, sampling: Sampling, rows: int = 1,
                   examples: Sequence[str] = ()) -> list[str]:
    """`rows` answer lines for one request (greedy when the temperature is 0)."""
    return _decode_lines(checkpoint, [prompt_ids(checkpoint, request, examples)], sampling, rows)[0]


def _next_token_logprobs(checkpoint: Checkpoint, prompt: list[int], continuations: Sequence[list[int]]
                         ) -> torch.Tensor:
    """Log-probabilities of the next token at every position of `prompt` followed by each of
    `continuations`, one row each (right-padded: a causal model never reads the padding)."""
    model = checkpoint.model
    device = next(model.parameters()).device
    width = len(prompt) + max(len(ids) for ids in continuations)
    batch = torch.zeros((len(continuations), width), dtype=torch.long, device=device)
    for index, ids in enumerate(continuations):
        batch[index, :len(prompt) + len(ids)] = torch.tensor(prompt + ids)
    model.eval()
    logits, _ = model(batch)
    return logits.float().log_softmax(-1)


def mean_logprobs(checkpoint: Checkpoint, request: str, commands: list[str]) -> list[float]:
    """Mean log-probability per token of each `command` line (with its newline) after the prompt."""
    return line_logprobs(checkpoint, [(request, command) for command in commands])


@torch.inference_mode()
def line_logprobs(checkpoint: Checkpoint, lines: Sequence[tuple[str, str]], rows: int = 16) -> list[float]:
    """`mean_logprobs` of each (request, command line) pair, `rows` pairs a forward pass (right-padded:
    a causal model never reads the padding), so a thousand requests' lines are scored together."""
    tokenizer, model = checkpoint.tokenizer, checkpoint.model
    context = model.config.context_length
    device = next(model.parameters()).device
    encoded = []
    for request, command in lines:
        prompt = tokenizer.encode(request_prompt(request), add_special_tokens=False).ids
        answer = tokenizer.encode(command + "\n", add_special_tokens=False).ids
        encoded.append((prompt, answer[:max(1, context - len(prompt))]))
    model.eval()
    scores = []
    for start in range(0, len(encoded), rows):
        chunk = encoded[start:start + rows]
        batch = torch.zeros((len(chunk), max(len(p) + len(a) for p, a in chunk)), dtype=torch.long, device=device)
        for row, (prompt, answer) in enumerate(chunk):
            batch[row, :len(prompt) + len(answer)] = torch.tensor(prompt + answer)
        logits, _ = model(batch)
        for row, (prompt, answer) in enumerate(chunk):
            logprobs = logits[row, len(prompt) - 1:len(prompt) - 1 + len(answer)].float().log_softmax(-1)
            scores.append(logprobs[torch.arange(len(answer)), torch.tensor(answer, device=device)].mean().item())
    return scores


@functools.lru_cache(maxsize=8)
def _word_ends(tokenizer: Tokenizer) -> torch.Tensor:
    """The tokens that can follow a whole command word: those that begin with a space, a newline
    or a shell operator, and the end of the text."""
    ends = torch.zeros(tokenizer.get_vocab_size(), dtype=torch.bool)
    for token in range(len(ends)):
        ends[token] = tokenizer.decode([token])[:1] in WORD_END
    ends[end_of_text_id(tokenizer)] = True
    return ends


@torch.inference_mode()
def utility_logprobs(checkpoint: Checkpoint, prompt: list[int], utilities: Sequence[str]) -> list[float]:
    """Log-probability that the answer after `prompt` begins with each utility as a whole word:
    its tokens, then one that ends a word (so `find` is not credited with `findmnt`'s mass). A
    utility that would leave the answer no room in the context gets -inf."""
    tokenizer, context = checkpoint.tokenizer, checkpoint.model.config.context_length
    rows = [tokenizer.encode(utility, add_special_tokens=False).ids for utility in utilities]
    fitting = [index for index, ids in enumerate(rows) if ids and len(prompt) + len(ids) < context]
    scores = [float("-inf")] * len(rows)
    if not fitting:
        return scores
    logprobs = _next_token_logprobs(checkpoint, prompt, [rows[index] for index in fitting])
    ends = _word_ends(tokenizer).to(logprobs.device)
    for row, index in enumerate(fitting):
        ids = rows[index]
        positions = torch.arange(len(prompt) - 1, len(prompt) - 1 + len(ids), device=logprobs.device)
        words = logprobs[row, positions, torch.tensor(ids, device=logprobs.device)].sum()
        scores[index] = (words + logprobs[row, len(prompt) - 1 + len(ids)][ends].logsumexp(0)).item()
    return scores


def proposed_utilities(index: RetrievalIndex, request: str, candidates: int) -> dict[str, float]:
    """The utilities of the `candidates` nearest training requests, each with its share of their
    similarity (the lookup's vote); a request with no word in common, or a command that starts
    with no program name, proposes nothing."""
    votes: dict[str, float] = collections.defaultdict(float)
    for neighbour in index.nearest(request, candidates):
        word = first_command_word(neighbour.pair.command)
        if neighbour.similarity > 0 and word and is_command_name(word):
            votes[word] += neighbour.similarity
    total = sum(votes.values())
    return {word: vote / total for word, vote in votes.items()} if total > 0 else {}


def _weigh(checkpoint: Checkpoint, prompt: list[int], greedy_line: str, votes: dict[str, float],
           lookup_weight: float) -> list[Candidate]:
    """Every proposed utility and the greedy line's own, scored by the model's log-probability of
    the answer starting with it plus `lookup_weight` × the log of its vote share; best first."""
    greedy_word = first_command_word(greedy_line)
    words = list(votes) + ([greedy_word] if greedy_word and greedy_word not in votes else [])
    if not words:
        return []
    scored = [Candidate(word, "proposed" if word in votes else "greedy",
                        model + lookup_weight * math.log(votes.get(word, 0.0) + UNVOTED_SHARE))
              for word, model in zip(words, utility_logprobs(checkpoint, prompt, words))]
    return sorted(scored, key=lambda candidate: -candidate.score)


def _judge(checkpoint: Checkpoint, requests: Sequence[str], prompts: Sequence[list[int] | None],
           greedy_lines: Sequence[list[str] | None], index: RetrievalIndex, settings: AnswerSettings,
           sampling: Sampling) -> list[Answer | None]:
    """The `judge` answers: the best-weighed utility, and the line the model writes after it (the
    greedy line itself when that already starts with it)."""
    weighed = [_weigh(checkpoint, ids, line[0], proposed_utilities(index, request, settings.candidates),
                      settings.lookup_weight) if ids is not None and line else []
               for request, ids, line in zip(requests, prompts, greedy_lines)]
    forced: list[list[int] | None] = [None] * len(prompts)
    begun = [0] * len(prompts)
    for position, (ids, line, ranked) in enumerate(zip(prompts, greedy_lines, weighed)):
        if ranked and ids is not None and line and ranked[0].command != first_command_word(line[0]):
            start = checkpoint.tokenizer.encode(ranked[0].command, add_special_tokens=False).ids
            forced[position], begun[position] = ids + start, len(start)
    rewritten = _decode_all(checkpoint, forced, sampling, 1, begun)
    return [None if line is None else Answer((again or line)[0], ranked or [Candidate(line[0], "greedy")],
                                             ranked[0].score if ranked else None)
            for line, again, ranked in zip(greedy_lines, rewritten, weighed)]


def known_commands(index: RetrievalIndex | None = None) -> set[str]:
    """Executables on PATH (listed once per PATH) and the utilities of `index`'s training pairs
    whose first word is a program's name."""
    names = set(commands_on_path())
    if index is not None:
        names.update(word for pair in index.pairs
                     if (word := first_command_word(pair.command)) and is_command_name(word))
    return names


def _plausible(command: str, commands: Collection[str]) -> bool:
    word = first_command_word(command)
    return bool(word) and word in commands and bash_syntax_ok(command)


def _fitting(checkpoint: Checkpoint, request: str, examples: Sequence[str] = ()) -> list[int] | None:
    try:
        return prompt_ids(checkpoint, request, examples)
    except RequestTooLong:
        return None


def _rerank(checkpoint: Checkpoint, request: str, candidates: list[Candidate], allowed: Collection[str]) -> Answer:
    """The plausible candidate the model finds likeliest; the greedy one (first) when none is."""
    unique: dict[str, Candidate] = {}
    for candidate in candidates:
        if candidate.command and candidate.command not in unique:
            unique[candidate.command] = candidate
    kept = [c for c in unique.values() if _plausible(c.command, allowed)]
    if not kept:  # nothing plausible: the greedy line stands
        return Answer(candidates[0].command, candidates[:1])
    for candidate, score in zip(kept, mean_logprobs(checkpoint, request, [c.command for c in kept])):
        candidate.score = score
    best = max(kept, key=lambda c: c.score)
    return Answer(best.command, kept, best.score)


def answer_requests(checkpoint: Checkpoint, requests: Sequence[str], settings: AnswerSettings | None = None,
                    index: RetrievalIndex | None = None, commands: Collection[str] | None = None
                    ) -> list[Answer | None]:
    """One answer line for each request by the chosen strategy, with the candidates it weighed;
    None for a request too long for the model's context. Requests are decoded together (the
    shipped checkpoints' report: 218 s against 759 s one at a time), yet each answer is the one the
    request gets alone: its samples draw from a generator of its own.

    `commands` (for rerank) are the first words allowed, by default `known_commands(index)`;
    retrieval and judge use `index`, or the one the checkpoint carries. With `either_case`, a
    capitalised request's answer is its lower-case reading's where the model finds that likelier."""
    settings = settings or AnswerSettings()
    settings.validate()
    answers = _answer_as_read(checkpoint, requests, settings, index, commands)
    if not settings.either_case:
        return answers
    lowered: dict[int, tuple[str, Answer]] = {}  # position -> the request in lower case, its answer as typed
    for position, (request, answer) in enumerate(zip(requests, answers)):
        if (text := in_lower_case(request)) != request and answer is not None:
            lowered[position] = (text, answer)
    again = _answer_as_read(checkpoint, [text for text, _ in lowered.values()], settings, index, commands) \
        if lowered else []
    contested = [(position, text, typed, answer) for (position, (text, typed)), answer in zip(lowered.items(), again)
                 if answer is not None and answer.command != typed.command]
    # The model is surer of the answer its strategy scored higher where both readings have such a
    # score (the judge's weighs the lookup's votes too: against the lines' mean log-probability,
    # 4 / 3 and 16 / 4 requests gained / lost rather than 1 / 5 and 14 / 2), else of the line it
    # finds likelier after its own reading.
    unscored = [(position, text, typed, answer) for position, text, typed, answer in contested
                if answer.score is None or typed.score is None]
    likelihoods = line_logprobs(checkpoint, [(text, answer.command) for _, text, _, answer in unscored]
                                + [(requests[position], typed.command) for position, _, typed, _ in unscored])
    by_line = {position: (likelihoods[row], likelihoods[len(unscored) + row])
               for row, (position, *_) in enumerate(unscored)}
    for position, text, typed, answer in contested:
        lower, as_typed = by_line.get(position, (answer.score, typed.score))
        if lower > as_typed:
            answers[position] = dataclasses.replace(answer, read_as=text)
    return answers


def _answer_as_read(checkpoint: Checkpoint, requests: Sequence[str], settings: AnswerSettings,
                    index: RetrievalIndex | None, commands: Collection[str] | None) -> list[Answer | None]:
    """`answer_requests` for the requests exactly as they are written."""
    greedy = Sampling(max_new_tokens=settings.max_new_tokens, temperature=0.0, seed=settings.seed)
    if settings.strategy in READS_PAIRS:
        index = index or cached_index(checkpoint.path)
        if index is None:
            raise UserError(f"{checkpoint.path} carries no training pairs ({EXAMPLES_FILE}) to draw similar "
                            "requests from; answer greedily or give the training pairs")
    if settings.strategy == "retrieval":
        examples = list(index.examples(list(requests), settings.neighbours))
        lines = _decode_all(checkpoint, [_fitting(checkpoint, r, e) for r, e in zip(requests, examples)], greedy, 1)
        return [Answer(line[0], [Candidate(line[0], "greedy"), *(Candidate(e, "retrieved") for e in shown)])
                if line else None for line, shown in zip(lines, examples)]
    prompts = [_fitting(checkpoint, request) for request in requests]
    greedy_lines = _decode_all(checkpoint, prompts, greedy, 1)
    if settings.strategy == "greedy":
        return [Answer(line[0], [Candidate(line[0], "greedy")]) if line else None for line in greedy_lines]
    if settings.strategy == "judge":
        assert index is not None  # found above, or refused
        return _judge(checkpoint, requests, prompts, greedy_lines, index, settings, greedy)
    sampling = Sampling(max_new_tokens=settings.max_new_tokens, temperature=settings.temperature,
                        seed=settings.seed)
    sampled = _decode_all(checkpoint, prompts, sampling, settings.samples)
    allowed = known_commands(index) if commands is None else commands
    return [_rerank(checkpoint, request, [Candidate(line[0], "greedy"), *(Candidate(s, "sample") for s in samples)],
                    allowed) if line and samples else None
            for request, line, samples in zip(requests, greedy_lines, sampled)]


def answer_lines(checkpoint: Checkpoint, requests: Sequence[str], settings: AnswerSettings | None = None,
                 index: RetrievalIndex | None = None, commands: Collection[str] | None = None) -> list[str | None]:
    """Each request's answer line alone, as the scorers read it; None for one too long for the context."""
    return [answer and answer.command for answer in answer_requests(checkpoint, requests, settings, index, commands)]


def answer_request(checkpoint: Checkpoint, request: str, settings: AnswerSettings | None = None,
                   index: RetrievalIndex | None = None, commands: Collection[str] | None = None) -> Answer:
    """`answer_requests` for one request; one too long for the model's context is refused."""
    (settings or AnswerSettings()).validate()
    prompt_ids(checkpoint, request)  # refuses, in one line, a request too long for the context
    (answer,) = answer_requests(checkpoint, [request], settings, index, commands)
    assert answer is not None  # it fits, so it is answered
    return answer
