"""Text in, text out: prompt templates, stop strings, streaming and side-by-side comparison.

The "bash" template puts a request where the training data puts a script's description
(`core.data.bashdoc.request_prompt`), so the same words reach every checkpoint in the form the bilingual
one learned to answer; "raw" passes the prompt through unchanged (story openings).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch

from core.checkpoint import Checkpoint, load_checkpoint
from core.config import check_device, check_range, check_seed
from core.data.bashdoc import request_prompt
from core.data.streaming import END_OF_TEXT
from core.device import pick_device
from core.engine import Sampling, generate_ids
from core.errors import UserError, shown
from core.quantize import pick_precision, with_precision
from core.tokenizer import end_of_text_id

TEMPLATES = ("bash", "raw")
MAX_PROMPT_CHARS = 20_000  # refuse before tokenizing a pasted novel
# Far beyond any answer or story these models write; the cache rebuild lets generation run on past
# the context, so this bound is about a visitor's patience and the host's CPU, not memory.
MAX_NEW_TOKENS = 4096
MAX_TEMPERATURE = 5.0  # hotter than this is noise from these models' distributions
TokenCallback = Callable[[str], None]


@dataclass
class GenerationSettings(Sampling):
    template: str = "bash"
    stop: list[str] = field(default_factory=list)

    def validate(self) -> None:
        """Every sampling option's bounds, checked before a checkpoint is loaded: a NaN
        temperature or a top-p of 0 would otherwise fail (or sample garbage) deep inside torch."""
        check_range("max_new_tokens", self.max_new_tokens, 1, MAX_NEW_TOKENS)
        check_range("temperature", self.temperature, 0.0, MAX_TEMPERATURE)
        check_range("top_k", self.top_k, 0, 65535)
        if not 0.0 < self.top_p <= 1.0:
            raise UserError(f"top_p must be in (0, 1], got {self.top_p}")
        check_seed(self.seed)
        if self.template not in TEMPLATES:
            raise UserError(f"template must be one of {', '.join(TEMPLATES)}, got {shown(self.template)}")


def check_prompt(prompt: str) -> None:
    """A prompt must be text the tokenizer can take: not a pasted novel, and valid UTF-8 (a
    command-line argument of undecodable bytes arrives as lone surrogates)."""
    if len(prompt) > MAX_PROMPT_CHARS:
        raise UserError(f"prompt is {len(prompt):,} characters; the limit is {MAX_PROMPT_CHARS:,}")
    try:
        prompt.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UserError(f"the prompt is not valid UTF-8 text (character {exc.start + 1} is not); "
                        "retype it or fix the terminal's encoding") from None


@dataclass
class Generation:
    checkpoint: str
    prompt_text: str  # the prompt after the template
    completion: str
    new_tokens: int
    stopped_by: str  # "end_of_text", "stop_string" or "max_new_tokens"

    @property
    def text(self) -> str:
        return self.prompt_text + self.completion


def check_request(request: str) -> None:
    """`check_prompt`, and a bash prompt must hold a request: with none, the model would answer an
    empty comment with whatever it writes most often, as if that were what was asked."""
    check_prompt(request)
    if not request.strip():
        raise UserError("the request is empty: type what the command should do")


def render_prompt(prompt: str, template: str) -> str:
    (check_request if template == "bash" else check_prompt)(prompt)
    if template not in TEMPLATES:
        raise UserError(f"template must be one of {', '.join(TEMPLATES)}, got {shown(template)}")
    return prompt if template == "raw" else request_prompt(prompt)


def default_stops(template: str) -> list[str]:
    """A bash answer ends where a second script would begin."""
    return ["\n#!/"] if template == "bash" else []


def _cut_at_stop(text: str, stops: Sequence[str]) -> tuple[str, bool]:
    cut = min((text.find(s) for s in stops if s and s in text), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


def encode_prompt(checkpoint: Checkpoint, prompt: str, template: str) -> tuple[str, list[int]]:
    """The prompt as the model reads it, text and tokens; one too long for the context is refused
    here, before a caller shows any of it."""
    prompt_text = render_prompt(prompt, template)
    tokenizer, context = checkpoint.tokenizer, checkpoint.model.config.context_length
    ids = tokenizer.encode(prompt_text, add_special_tokens=False).ids or [end_of_text_id(tokenizer)]
    if len(ids) >= context:
        raise UserError(f"prompt is {len(ids)} tokens; this model reads at most {context - 1} "
                        "before generating. Shorten the prompt")
    return prompt_text, ids


def generate(checkpoint: Checkpoint, prompt: str, settings: GenerationSettings | None = None,
             on_text: TokenCallback | None = None) -> Generation:
    """Sample a continuation; `on_text` receives each new piece of text as soon as it is final."""
    settings = settings or GenerationSettings()
    settings.validate()
    prompt_text, ids = encode_prompt(checkpoint, prompt, settings.template)
    tokenizer, model = checkpoint.tokenizer, checkpoint.model
    device = next(model.parameters()).device
    stops = [*settings.stop, *default_stops(settings.template)]
    eot = end_of_text_id(tokenizer)
    new_ids: list[int] = []
    emitted = ""
    stopped_by = "max_new_tokens"
    for token in generate_ids(model, torch.tensor([ids], device=device), settings):
        token_id = int(token[0])
        if token_id == eot:
            stopped_by = "end_of_text"
            break
        new_ids.append(token_id)
        text = tokenizer.decode(new_ids)
        text, hit_stop = _cut_at_stop(text, stops)
        if hit_stop:
            stopped_by = "stop_string"
        # Hold back a partial UTF-8 character and any tail that could still grow into a stop string.
        safe = text if hit_stop else text[:len(text) - _unsafe_tail(text, stops)]
        if on_text and len(safe) > len(emitted):
            on_text(safe[len(emitted):])
            emitted = safe
        if hit_stop:
            break
    completion, _ = _cut_at_stop(tokenizer.decode(new_ids), stops)
    if on_text and len(completion) > len(emitted):
        on_text(completion[len(emitted):])
    return Generation(checkpoint=str(checkpoint.path), prompt_text=prompt_text,
                      completion=completion.replace(END_OF_TEXT, ""), new_tokens=len(new_ids),
                      stopped_by=stopped_by)


def _unsafe_tail(text: str, stops: Sequence[str]) -> int:
    """How many trailing characters might still change: a replacement char or a stop's prefix."""
    tail = 1 if text.endswith("\ufffd") else 0
    for stop in stops:
        for size in range(min(len(stop) - 1, len(text)), 0, -1):
            if text.endswith(stop[:size]):
                tail = max(tail, size)
                break
    return tail


def compare(checkpoints: Sequence[str | Path | Checkpoint], prompt: str,
            settings: GenerationSettings | None = None, device: str = "auto",
            precision: str = "auto") -> list[Generation]:
    """The same prompt, seed and sampling through each checkpoint, in order (the playground).

    Checkpoints given as paths are loaded on `device` in `precision` (`core.quantize`: "auto" is
    int8 on CPU); loaded ones are used as they are."""
    if not checkpoints:
        raise UserError("compare needs at least one checkpoint")
    settings = settings or GenerationSettings()
    settings.validate()
    render_prompt(prompt, settings.template)  # refuse a bad prompt before loading anything
    check_device(device)
    target = pick_device(device)
    precision = pick_precision(precision, target)
    loaded = [c if isinstance(c, Checkpoint) else with_precision(load_checkpoint(c, target), precision)
              for c in checkpoints]
    return [generate(c, prompt, settings) for c in loaded]
