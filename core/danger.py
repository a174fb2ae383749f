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
# Programs that delete data only in some forms: the words (subcommands, options) that make them do it,
# each option standing for its longer variants too (`--delete` for `--delete-after`).
DESTRUCTIVE_FORMS = {
    "git": ((("clean",), "deletes untracked files"), (("reset", "--hard"), "discards uncommitted changes")),
    "rsync": ((("--delete",), "deletes what the source lacks from the destination"),),
    "crontab": ((("-r",), "deletes the crontab"),),
    "kubectl": ((("delete",), "deletes cluster resources"),),
    "docker": ((("rm",), "deletes containers or volumes"), (("rmi",), "deletes images"),
               (("prune",), "deletes unused containers, images, networks or volumes")),
}
FIND_ACTIONS = {"-delete": "deletes what it finds"}
OVERWRITING_REDIRECTS = {">", ">|", "&>"}  # `>>` appends; `>&2` and `2>&1` point at other outputs
HARMLESS_TARGETS = {"/dev/null", "/dev/stdout", "/dev/stderr"}
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


def _has(words: list[str], wanted: str) -> bool:
    return any(word == wanted or (wanted.startswith("--") and word.startswith(wanted + "-")) for word in words)


def _tee_form(arguments: list[str]) -> tuple[str, str] | None:
    """`tee FILE` empties FILE before writing to it, as `> FILE` does; `-a` (`--append`) appends."""
    options = [word for word in arguments if word.startswith("-")]
    files = [word for word in arguments if not word.startswith("-") and word not in HARMLESS_TARGETS]
    appends = any(option == "--append" or (not option.startswith("--") and "a" in option[1:]) for option in options)
    return ("tee", "overwrites the files it writes (without -a)") if files and not appends else None


def _form(program: str, arguments: list[str]) -> tuple[str, str] | None:
    """The destructive form of `program` that its `arguments` take, as (its name, what it does)."""
    if program == "tee":
        return _tee_form(arguments)
    for words, effect in DESTRUCTIVE_FORMS.get(program, ()):
        if all(_has(arguments, word) for word in words):
            return " ".join((program, *words)), effect
    return None


def destructive_parts(script: str) -> list[tuple[str, str]]:
    """(command, what it does) for each destructive command of `script`, in order, each once: a
    destructive program, a destructive form of another (`git clean`, `tee` without `-a`),
    `find -delete`, and a redirection that overwrites a file (`> notes.txt`)."""
    found: dict[str, str] = {}
    for line in script.splitlines():
        words, position = _words(line), 0
        program: str | None = None  # the program of the command being read, and its words so far
        arguments: list[str] = []
        while position < len(words):
            word = words[position]
            position += 1
            if word in _SEPARATORS or word in _RUNNERS:
                if program and (form := _form(program, arguments)):
                    found.setdefault(*form)
                program, arguments = None, []
            elif word in OVERWRITING_REDIRECTS:
                target = words[position] if position < len(words) else ""
                position += 1
                if target and target not in HARMLESS_TARGETS and not target.isdigit():  # `$((3>2))` compares
                    found.setdefault(f"> {target}", "overwrites the file if it exists")
            elif word in FIND_ACTIONS:
                found.setdefault(f"find {word}", FIND_ACTIONS[word])
            elif program is not None:
                arguments.append(word)
            elif not (word.startswith("-") or word.isdigit() or "=" in word):  # past a wrapper's options
                program = _program(word)
                if program in DESTRUCTIVE:
                    found.setdefault(program, DESTRUCTIVE[program])
        if program and (form := _form(program, arguments)):
            found.setdefault(*form)
    return list(found.items())
