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

Scores are mean log-probabilities of the answer line's tokens (and its newline) given the request
prompt; a longer line is not punished for being long.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import torch

from core.checkpoint import Checkpoint
from core.commands import commands_on_path, is_command_name
from core.config import check_range, check_seed
from core.data.bashdoc import request_prompt, runs_something
from core.engine import Sampling, generate_ids
from core.errors import RequestTooLong, UserError
from core.evaluation import bash_syntax_ok, first_command_word
from core.generation import MAX_TEMPERATURE, check_prompt
from core.retrieval import EXAMPLES_FILE, RetrievalIndex, load_index
from core.tokenizer import end_of_text_id

STRATEGIES = ("greedy", "rerank", "retrieval")
ANSWER_ROOM = 24  # tokens a prompt leaves for the answer line before examples give way
MAX_ANSWER_TOKENS = 512  # an answer is one command line; past this the model is rambling


@dataclass
class AnswerSettings:
    strategy: str = "greedy"
    samples: int = 8  # rerank: sampled lines besides the greedy one
    temperature: float = 0.8  # rerank: sampling temperature
    neighbours: int = 3  # retrieval: examples shown in the prompt (as many as in training)
    max_new_tokens: int = 48
    seed: int = 0

    def validate(self) -> None:
        if self.strategy not in STRATEGIES:
            raise UserError(f"strategy must be one of {', '.join(STRATEGIES)}, got {self.strategy!r}")
        for name, low, high in (("samples", 1, 64), ("neighbours", 1, 50),
                                ("max_new_tokens", 1, MAX_ANSWER_TOKENS)):
            check_range(name, getattr(self, name), low, high)
        if not 0.0 < self.temperature <= MAX_TEMPERATURE:
            raise UserError(f"temperature must be in (0, {MAX_TEMPERATURE:g}], got {self.temperature}")
        check_seed(self.seed)


@dataclass
class Candidate:
    command: str
    origin: str  # greedy | sample | retrieved
    score: float = float("-inf")  # mean log-probability per token given the request


@dataclass
class Answer:
    command: str
    candidates: list[Candidate] = field(default_factory=list)


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


def generate_lines(checkpoint: Checkpoint, request: str, sampling: Sampling, rows: int = 1,
                   examples: Sequence[str] = ()) -> list[str]:
    """`rows` answer lines (greedy when the temperature is 0); generation stops once every row has
    a complete line, ends its text, or runs out of new tokens."""
    tokenizer, model = checkpoint.tokenizer, checkpoint.model
    examples = list(examples)
    prompt_ids = tokenizer.encode(request_prompt(request, examples), add_special_tokens=False).ids
    while examples and len(prompt_ids) + ANSWER_ROOM > model.config.context_length:
        examples.pop()  # the least similar example gives way first
        prompt_ids = tokenizer.encode(request_prompt(request, examples), add_special_tokens=False).ids
    if len(prompt_ids) + 2 > model.config.context_length:
        raise RequestTooLong(f"the request is {len(prompt_ids)} tokens; this model reads at most "
                        f"{model.config.context_length - 2}. Shorten it")
    device = next(model.parameters()).device
    eot = end_of_text_id(tokenizer)
    new_ids: list[list[int]] = [[] for _ in range(rows)]
    answers: list[str | None] = [None] * rows
    finished = [False] * rows
    prompt = torch.tensor([prompt_ids] * rows, device=device)
    for step in generate_ids(model, prompt, sampling):
        for row, token in enumerate(step.tolist()):
            if finished[row]:
                continue
            if token == eot:
                finished[row] = True
                answers[row] = answer_line(tokenizer.decode(new_ids[row]), ended=True) or ""
                continue
            new_ids[row].append(token)
            answers[row] = answer_line(tokenizer.decode(new_ids[row]))
            finished[row] = answers[row] is not None
        if all(finished):
            break
    return [answer if answer is not None else answer_line(tokenizer.decode(ids), ended=True) or ""
            for answer, ids in zip(answers, new_ids)]


@torch.inference_mode()
def mean_logprobs(checkpoint: Checkpoint, request: str, commands: list[str]) -> list[float]:
    """Mean log-probability per token of each `command` line (with its newline) after the prompt."""
    tokenizer, model = checkpoint.tokenizer, checkpoint.model
    prompt_ids = tokenizer.encode(request_prompt(request), add_special_tokens=False).ids
    context = model.config.context_length
    rows = [tokenizer.encode(command + "\n", add_special_tokens=False).ids for command in commands]
    rows = [ids[:max(1, context - len(prompt_ids))] for ids in rows]
    width = len(prompt_ids) + max(len(ids) for ids in rows)
    device = next(model.parameters()).device
    batch = torch.zeros((len(rows), width), dtype=torch.long, device=device)
    for index, ids in enumerate(rows):  # right padding: a causal model never reads it
        batch[index, :len(prompt_ids) + len(ids)] = torch.tensor(prompt_ids + ids)
    model.eval()
    logits, _ = model(batch)
    logprobs = logits.float().log_softmax(-1)
    scores = []
    for index, ids in enumerate(rows):
        positions = torch.arange(len(prompt_ids) - 1, len(prompt_ids) - 1 + len(ids), device=device)
        targets = torch.tensor(ids, device=device)
        scores.append(logprobs[index, positions, targets].mean().item())
    return scores


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


def answer_request(checkpoint: Checkpoint, request: str, settings: AnswerSettings | None = None,
                   index: RetrievalIndex | None = None, commands: Collection[str] | None = None) -> Answer:
    """One answer line for `request` by the chosen strategy, with the candidates it weighed.

    `commands` (for rerank) are the first words allowed, by default `known_commands(index)`;
    retrieval uses `index`, or the one the checkpoint carries."""
    settings = settings or AnswerSettings()
    settings.validate()
    check_prompt(request)
    greedy = Sampling(max_new_tokens=settings.max_new_tokens, temperature=0.0, seed=settings.seed)
    if settings.strategy == "retrieval":
        index = index or load_index(checkpoint.path)
        if index is None:
            raise UserError(f"{checkpoint.path} carries no retrieval examples ({EXAMPLES_FILE}); "
                            "answer greedily or give the training pairs")
        examples = next(index.examples([request], settings.neighbours))
        line = generate_lines(checkpoint, request, greedy, examples=examples)[0]
        return Answer(line, [Candidate(line, "greedy"), *(Candidate(e, "retrieved") for e in examples)])
    candidates = [Candidate(line, "greedy") for line in generate_lines(checkpoint, request, greedy)]
    if settings.strategy == "greedy":
        return Answer(candidates[0].command, candidates)
    sampling = Sampling(max_new_tokens=settings.max_new_tokens, temperature=settings.temperature,
                        seed=settings.seed)
    candidates += [Candidate(line, "sample")
                   for line in generate_lines(checkpoint, request, sampling, settings.samples)]
    unique: dict[str, Candidate] = {}
    for candidate in candidates:
        if candidate.command and candidate.command not in unique:
            unique[candidate.command] = candidate
    allowed = known_commands(index) if commands is None else commands
    kept = [c for c in unique.values() if _plausible(c.command, allowed)]
    if not kept:  # nothing plausible: the greedy line stands
        return Answer(candidates[0].command, candidates[:1])
    for candidate, score in zip(kept, mean_logprobs(checkpoint, request, [c.command for c in kept])):
        candidate.score = score
    best = max(kept, key=lambda c: c.score)
    return Answer(best.command, kept)
