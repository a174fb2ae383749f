"""The bash document format, in one place: `#!/bin/bash`, the English request as a comment, the body.

Every source that knows what a script is for (tldr examples, manual-page examples, the curated
scripts, tiny-codes) writes its documents through `bash_document`, the playground and evaluation
prompt through `request_prompt`, and `parse_bash_document` reads a request back out: so training,
prompting and scoring can never disagree on where the request sits.

A document may also carry *examples* between the shebang and the request: `# example:<TAB><command>`
lines, the commands of similar known requests (retrieval-augmented answers, `core.retrieval`).
They belong to the prompt, never to the answer. The tab matters: byte-level BPE splits whitespace
from a following word, so `tar` after a tab is the very token `tar` at the start of an answer line,
and copying an example is a plain copy of tokens (after a space it would be ` tar`, another token,
and a small model did not learn to copy across that in 400 steps).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SHEBANG = "#!/bin/bash"
EXAMPLE_PREFIX = "# example:\t"


@dataclass(frozen=True)
class Pair:
    """An English request and the command (or script) that fulfils it."""

    request: str
    command: str


def one_line(text: str) -> str:
    """A request is a single comment line whatever was pasted: whitespace runs become one space."""
    return " ".join(text.split())


MAX_EXAMPLE_CHARS = 120


def runs_something(line: str) -> bool:
    """Whether a script line runs a command: not blank, not a comment, not a `set` option."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and not stripped.startswith("set -")


def example_line(command: str) -> str:
    """How a command is shown as an example: its first line that runs something, cut short (a
    whole script would crowd the request out of a small model's context)."""
    lines = [line.strip() for line in command.splitlines()]
    runs = [line for line in lines if runs_something(line)]
    return one_line((runs or lines or [""])[0])[:MAX_EXAMPLE_CHARS]


def request_prompt(request: str, examples: Sequence[str] = ()) -> str:
    """What a model is given to answer `request`: a document cut where the body would begin."""
    hints = "".join(f"{EXAMPLE_PREFIX}{one_line(example)}\n" for example in examples)
    return f"{SHEBANG}\n{hints}# {one_line(request)}\n"


def bash_document(request: str, body: str, examples: Sequence[str] = ()) -> str:
    """A training document: the prompt for `request`, then the body, ending with one newline."""
    return request_prompt(request, examples) + body.strip("\n") + "\n"


def pair_document(pair: Pair, examples: Sequence[str] = ()) -> str:
    return bash_document(pair.request, pair.command, examples)


def _request_line(lines: list[str]) -> int | None:
    """Index of the request line: the first comment after the shebang that is not an example."""
    if not lines or lines[0].strip() != SHEBANG:
        return None
    for index in range(1, len(lines)):
        if not lines[index].startswith(EXAMPLE_PREFIX):
            return index if lines[index].startswith("# ") and lines[index][2:].strip() else None
    return None


def request_prompt_length(text: str) -> int:
    """How many leading characters of `text` are its request prompt (0 when it states none)."""
    if parse_bash_document(text) is None:
        return 0
    lines = text.split("\n")
    line = _request_line(lines)
    return sum(len(part) + 1 for part in lines[:line + 1])


def parse_bash_document(text: str) -> Pair | None:
    """The (request, body) of a document in this format, or None for any other text.

    A script whose shebang is followed by a blank line or code has no request and gives None."""
    lines = text.split("\n")
    line = _request_line(lines)
    if line is None:
        return None
    body = "\n".join(lines[line + 1:]).strip("\n")
    return Pair(request=lines[line][2:].strip(), command=body) if body.strip() else None
