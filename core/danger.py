"""Which commands of a generated answer delete or overwrite data.

A small model answers "list all large files" with `find … | xargs rm -f` as readily as with
`find … -size +100M`: the playground shows what it wrote, so it must say when running that would
destroy something. This reads the shell words (not the meaning): a command in a pipeline, after
`;`/`&&`, or run by `sudo`, `xargs` or `find -exec` counts the same as the first one.
"""
from __future__ import annotations

import shlex

# Programs that delete, overwrite or reformat data, and what they do to it.
DESTRUCTIVE = {
    "rm": "deletes files", "rmdir": "deletes directories", "unlink": "deletes a file",
    "shred": "overwrites files", "truncate": "cuts files short", "dd": "writes raw bytes over its output",
    "mkfs": "formats a filesystem", "mke2fs": "formats a filesystem", "mkswap": "formats a swap area",
    "wipefs": "erases filesystem signatures", "fdisk": "rewrites partition tables",
    "sfdisk": "rewrites partition tables", "parted": "rewrites partition tables",
}
FIND_ACTIONS = {"-delete": "deletes what it finds"}
_SEPARATORS = {"|", "||", "&&", ";", "&", "|&", "(", ")", "{", "}", "!", "then", "do", "else"}
# Words after which the next non-option word is a command again.
_RUNNERS = {"sudo", "xargs", "exec", "nohup", "time", "env", "command", "nice", "timeout", "watch",
            "-exec", "-execdir", "-ok", "-okdir"}


def _words(line: str) -> list[str]:
    """Shell words and operators of one line; a line with unbalanced quotes is split on spaces."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:
        return line.split()


def _program(word: str) -> str:
    name = word.rsplit("/", 1)[-1]
    return name.split(".", 1)[0] if name.startswith("mkfs.") else name


def destructive_parts(script: str) -> list[tuple[str, str]]:
    """(command, what it does) for each destructive command of `script`, in order, each once."""
    found: dict[str, str] = {}
    for line in script.splitlines():
        expecting_command = True
        for word in _words(line):
            if word in _SEPARATORS:
                expecting_command = True
            elif word in FIND_ACTIONS:
                found.setdefault(f"find {word}", FIND_ACTIONS[word])
            elif expecting_command:
                if word in _RUNNERS or word.startswith("-") or word.isdigit() or "=" in word:
                    continue  # a wrapper, its options, or a variable assignment: the command comes later
                program = _program(word)
                if program in DESTRUCTIVE:
                    found.setdefault(program, DESTRUCTIVE[program])
                expecting_command = False
            elif word in _RUNNERS:
                expecting_command = True
    return list(found.items())
