"""The commands this machine can run: the executables on PATH, listed once per PATH.

Two ideas lean on it: answering (a first command word nobody can run is not an answer) and the
bash corpus's focus on runnable pairs (`download(..., runnable_only=True)`): a small model's few
passes are spent on the utilities a user of this machine asks about rather than on thousands of
tools it does not have. A machine's PATH misses everyday tools, though (the container that trained
the shipped model has no `ping`, `rsync`, `dig` or `crontab`), so that focus also keeps the
everyday utilities: the shell's builtins and keywords and those of the curated one-liners, the project's own
sample of what people ask.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from collections.abc import Iterable

from core.data.bashdoc import Pair, runs_something


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


@functools.lru_cache(maxsize=1)
def shell_words() -> frozenset[str]:
    """bash's builtins (`cd`, `export`, `read`, ...) and keywords (`for`, `if`, `while`, ...): every
    user can run them, and no PATH lists them (none where no bash is found). A script that begins
    with a loop runs no utility first, and is no less runnable for it."""
    bash = shutil.which("bash") or shutil.which("bash", path=os.defpath)
    if bash is None:
        return frozenset()
    listed = subprocess.run([bash, "-c", "compgen -b -k"], capture_output=True, text=True, timeout=10, check=False)
    return frozenset(listed.stdout.split())


@functools.lru_cache(maxsize=1)
def everyday_utilities() -> frozenset[str]:
    """The utilities people ask for whether or not this machine has them: the curated one-liners'
    (`rsync`, `ping`, `crontab`, `dig`, ...) and the shell's builtins and keywords."""
    from core.data.curated import curated_one_liners
    from core.evaluation import first_command_word

    curated = {first_command_word(pair.command) for pair in curated_one_liners()}
    return frozenset(word for word in curated if word and is_command_name(word)) | shell_words()


def worth_training(command: str) -> bool:
    """Whether a runnable-only corpus keeps a pair with this command: a script of several commands
    (the curated ones), or a line whose utility is on PATH, an everyday one, or the user's own
    script (`nohup ./backup.sh ...`). Measured: stage 2 without
    the everyday ones answered 1 of 47 held-out requests for them, with them 25
    (benchmarks/README.md, tenth round)."""
    from core.evaluation import first_command_word

    if sum(runs_something(line) for line in command.splitlines()) > 1:
        return True  # a script teaches bash itself, whatever it runs first (a loop, a function)
    word = first_command_word(command) or ""
    return word in commands_on_path() or word in everyday_utilities() or word.startswith("./")


def runnable_pairs(pairs: Iterable[Pair]) -> list[Pair]:
    """The pairs a runnable-only corpus would train on: a held-out set of its own in reports."""
    return [pair for pair in pairs if runnable_here(pair.command)]
