"""The commands this machine can run: the executables on PATH, listed once per PATH.

Two ideas lean on it: answering (a first command word nobody can run is not an answer) and the
bash corpus's focus on runnable pairs (`download(..., runnable_only=True)`): a small model's few
passes are spent on the utilities a user of this machine asks about rather than on thousands of
tools it does not have.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
from collections.abc import Iterable

from core.data.bashdoc import Pair


@functools.lru_cache(maxsize=4)
def _listed(path: str) -> frozenset[str]:
    names: set[str] = set()
    for folder in path.split(os.pathsep):
        if folder and os.path.isdir(folder):
            names.update(entry for entry in os.listdir(folder) if shutil.which(entry, path=folder))
    return frozenset(names)


def commands_on_path() -> frozenset[str]:
    return _listed(os.environ.get("PATH", ""))


# A name a program can have: tldr's interactive pages start "commands" with `<Ctrl`, `|` or `!!`,
# which are keystrokes and history expansions, not utilities a rerank should accept.
_COMMAND_NAME = re.compile(r"[A-Za-z0-9_][\w.+-]*")


def is_command_name(word: str) -> bool:
    return bool(_COMMAND_NAME.fullmatch(word))


def runnable_here(command: str) -> bool:
    """Whether the utility `command` runs first (wrappers like `sudo` looked through) is on PATH."""
    from core.evaluation import first_command_word

    return first_command_word(command) in commands_on_path()


def runnable_pairs(pairs: Iterable[Pair]) -> list[Pair]:
    """The pairs a runnable-only corpus would train on: a held-out set of its own in reports."""
    return [pair for pair in pairs if runnable_here(pair.command)]
