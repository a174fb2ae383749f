"""The bash document format, in one place: `#!/bin/bash`, the English request as a comment, the body.

Every source that knows what a script is for (tldr examples, manual-page examples, the curated
scripts, tiny-codes) writes its documents through `bash_document`, the playground and evaluation
prompt through `request_prompt`, and `parse_bash_document` reads a request back out: so training,
prompting and scoring can never disagree on where the request sits.
"""
from __future__ import annotations

from dataclasses import dataclass

SHEBANG = "#!/bin/bash"


@dataclass(frozen=True)
class Pair:
    """An English request and the command (or script) that fulfils it."""

    request: str
    command: str


def one_line(text: str) -> str:
    """A request is a single comment line whatever was pasted: whitespace runs become one space."""
    return " ".join(text.split())


def request_prompt(request: str) -> str:
    """What a model is given to answer `request`: a document cut where the body would begin."""
    return f"{SHEBANG}\n# {one_line(request)}\n"


def bash_document(request: str, body: str) -> str:
    """A training document: the prompt for `request`, then the body, ending with one newline."""
    return request_prompt(request) + body.strip("\n") + "\n"


def pair_document(pair: Pair) -> str:
    return bash_document(pair.request, pair.command)


def request_prompt_length(text: str) -> int:
    """How many leading characters of `text` are its request prompt (0 when it states none)."""
    if parse_bash_document(text) is None:
        return 0
    return text.index("\n", text.index("\n") + 1) + 1


def parse_bash_document(text: str) -> Pair | None:
    """The (request, body) of a document in this format, or None for any other text.

    A script whose shebang is followed by a blank line or code has no request and gives None."""
    lines = text.split("\n", 2)
    if len(lines) < 3 or lines[0].strip() != SHEBANG or not lines[1].startswith("# "):
        return None
    request, body = lines[1][2:].strip(), lines[2].strip("\n")
    return Pair(request=request, command=body) if request and body.strip() else None
