"""(English request, command) pairs from the manual pages installed on this machine.

tldr pages are the best source of requests beside commands, but they need a download; every Linux
machine already carries two smaller ones in sections 1 and 8 of its manual:

- the NAME line of each page, `find - search for files in a directory hierarchy`, which says in
  English what a utility is for (`man_name_pairs`);
- the EXAMPLES section of some pages, where a sentence describes a command shown beside it
  (`man_example_pairs`).

The rest of the same pages is an English source (`command_manuals`): what each command on PATH is
for, in prose, which a model learns in stage 1 before it is asked for those commands in stage 2.

Design choices:
- Precision before recall: a wrong pair teaches the model nonsense, so anything ambiguous is
  dropped: a description before a block of several commands, a paragraph of several sentences that
  is not a `To <task>, run:` introduction, a sentence that leans on its context ("the following",
  "the same", "this command"), a command whose first word no installed page names, a command with
  `<placeholder>`s or unbalanced quotes.
- The roff is read by `core.data.roff`'s converter (no `man`, no `groff`): only the NAME and
  EXAMPLES sections are converted, which keeps a pass over ~18,000 pages to seconds. mdoc (BSD)
  pages give their NAME (`.Nm`/`.Nd`) but no examples, whose macros that converter does not read.
- A page name like `git-log` is the command `git log` when its SYNOPSIS says so; a dashed name of a
  suite whose SYNOPSIS does not confirm it (`ip-link`) is no command and gives no pair.
- Pages are visited breadth first across command families (`manpages.breadth_first`), so a
  `max_pages` sample is not all `gcloud_*` pages, and each real file once (symlinks share one).
"""
from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

from core.data.bashdoc import Pair, one_line
from core.data.folders import sorted_entries as _sorted_entries
from core.data.manpages import DEFAULT_MAN_ROOT
from core.data.manpages import breadth_first as _breadth_first
from core.data.manpages import read_man_page as _read_man_page
from core.data.roff import ManPage as _ManPage
from core.data.roff import man_to_text
from core.data.roff import plain as _plain
from core.data.roff import request_arguments as _arguments
from core.errors import UserError

_SECTIONS = ("man1", "man8")
_MAX_PAGE_BYTES = 2_000_000
_PAGE_FILE = re.compile(r"(?P<stem>.+)\.[18][a-z0-9]*(?:\.gz)?")  # ls.1.gz, x509.1ssl.gz, mount.8
_SO_PAGE = re.compile(r"^\.\s*so\s", re.MULTILINE)  # a redirect (or include): nothing of its own
_MDOC_PAGE = re.compile(r"^\.\s*Dd\s", re.MULTILINE)
_HEADING = re.compile(r"^\.\s*S[Hh](?:[ \t]+(.*))?$", re.MULTILINE)
_COMMAND_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
# Names on a NAME line that are not commands: systemd units beside their program, PAM modules.
_NOT_COMMAND = re.compile(r"\.(?:service|socket|timer|target|mount|automount|path|slice|scope|"
                          r"swap)$|^pam_(?!timestamp_check$)")
_VERSION = re.compile(r",?\s+v?\d+(?:\.\d+)+$")  # `a block-sorting file compressor, v1.0.8`
_SYNOPSIS_CHARS = 2000
# A NAME line listing more names than this is a catalogue of subcommands (openssl's fifty).
_MAX_NAMES = 8
# Words a command may start with although no manual page of sections 1 and 8 is named after them.
_SHELL_WORDS = frozenset({"cd", "echo", "export", "printf", "set", "source", "eval", "exec", "test",
                          "ulimit", "umask", "alias", "unset", "read", "type", "command", "sudo"})


# ----- the pages -------------------------------------------------------------------------------
def _page_files(man_root: str | Path) -> list[os.DirEntry[str]]:
    """The page files of sections 1 and 8, breadth first across command families."""
    folders = [Path(man_root) / section for section in _SECTIONS]
    if not any(folder.is_dir() for folder in folders):
        raise UserError(f"no manual pages under {man_root}/man{{1,8}}; install them "
                        "(apt-get install man-db manpages) or choose another source of pairs")
    entries = [entry for folder in folders for entry in _sorted_entries(str(folder))
               if _PAGE_FILE.fullmatch(entry.name)]
    return _breadth_first(entries, None)


def _stem(file_name: str) -> str:
    match = _PAGE_FILE.fullmatch(file_name)
    return match["stem"] if match else file_name


def _pages(entries: list[os.DirEntry[str]], max_pages: int | None) -> Iterator[str]:
    """The roff of each readable page, each real file once, at most `max_pages` files opened;
    `.so` redirects and pages that are not UTF-8 text are skipped."""
    seen: set[str] = set()
    for entry in entries:
        if max_pages is not None and len(seen) >= max_pages:
            return
        real = os.path.realpath(entry.path)
        if real in seen or not os.path.isfile(real):
            continue
        seen.add(real)
        roff = _read_man_page(real, _MAX_PAGE_BYTES)
        if roff is not None and not _SO_PAGE.search(roff):
            yield roff


def _headed_sections(roff: str) -> Iterator[tuple[str, int, int, int]]:
    """(title, heading start, body start, end) of every `.SH` section."""
    headings = list(_HEADING.finditer(roff))
    for heading, following in zip(headings, headings[1:] + [None]):
        title = _plain(heading[1] or "").strip().strip('"').strip()
        yield title, heading.start(), heading.end(), following.start() if following else len(roff)


def _sections(roff: str, wanted: re.Pattern[str]) -> Iterator[str]:
    """The roff of every section whose heading title matches `wanted`, heading excluded."""
    for title, _, body, end in _headed_sections(roff):
        if wanted.fullmatch(title):
            yield roff[body:end]


def _without_sections(roff: str, unwanted: re.Pattern[str]) -> str:
    """The page with every section whose title matches `unwanted` cut out, headings included."""
    kept, position = [], 0
    for title, start, _, end in _headed_sections(roff):
        if unwanted.fullmatch(title):
            kept.append(roff[position:start])
            position = end
    return "".join(kept) + roff[position:]


# ----- NAME ------------------------------------------------------------------------------------
_NAME_TITLE = re.compile(r"name", re.IGNORECASE)
_NAME_LINE = re.compile(r"(?P<names>.+?)\s+[-\u2013\u2014]+\s+(?P<description>.*)")


def _man_name_entries(section: str) -> Iterator[tuple[list[str], str]]:
    """`gzip, gunzip - compress or expand files` → (["gzip", "gunzip"], "compress ..."), one per
    line of the converted section (some pages put one program per line, separated by `.br`)."""
    for line in man_to_text(section).splitlines():
        match = _NAME_LINE.fullmatch(line.strip())
        if match:
            yield [name.strip() for name in match["names"].split(",")], match["description"]


def _mdoc_name_entries(section: str) -> Iterator[tuple[list[str], str]]:
    """mdoc's NAME: `.Nm ssh` (one or more), then `.Nd OpenSSH remote login client`."""
    names, description = [], ""
    for line in section.splitlines():
        macro, _, rest = line.partition(" ")
        if macro == ".Nm":
            names += [argument.strip(",") for argument in _arguments(rest) if argument != ","]
        elif macro == ".Nd":
            description = _plain(rest)
    yield names, description


def _synopsis(roff: str) -> str:
    section = next(_sections(roff, re.compile(r"synopsis", re.IGNORECASE)), "")
    return man_to_text(section)[:_SYNOPSIS_CHARS]


def _command_for(name: str, synopsis: str, stems: frozenset[str]) -> str | None:
    """How `name` is typed: itself, or `git log` for `git-log`, whichever the SYNOPSIS shows;
    None when it is no command: a unit, a PAM module, no page of that name, or a suite's dashed
    page name the SYNOPSIS does not use (`ip-route`: its SYNOPSIS reads `ip [ OPTIONS ] route`)."""
    if not _COMMAND_NAME.fullmatch(name) or _NOT_COMMAND.search(name) or name not in stems:
        return None
    if "-" not in name:
        return name
    parts = name.split("-")
    for spaces in range(len(parts)):  # `git-credential-cache`, `git credential-cache`, ...
        typed = " ".join(parts[:spaces] + ["-".join(parts[spaces:])])
        if re.search(rf"(?<![\w-]){re.escape(typed)}(?![\w-])", synopsis):
            return typed
    return None if parts[0] in stems else name


def _name_pairs_of(roff: str, stems: frozenset[str]) -> Iterator[Pair]:
    section = next(_sections(roff, _NAME_TITLE), None)
    if section is None:
        return
    mdoc = bool(_MDOC_PAGE.search(roff))
    entries = list(_mdoc_name_entries(section) if mdoc else _man_name_entries(section))
    dashed = any("-" in name for names, _ in entries for name in names)
    synopsis = _synopsis(roff) if dashed and not mdoc else None
    for names, description in entries:
        request = _VERSION.sub("", one_line(description)).rstrip(".").strip()
        if not request or len(names) > _MAX_NAMES:
            continue
        for name in names:
            # an mdoc `.Nm` is by definition what is typed: it stands for its own synopsis
            command = _command_for(name, name if synopsis is None else synopsis, stems)
            if command is not None:
                yield Pair(request=request, command=command)


def man_name_pairs(man_root: str | Path = DEFAULT_MAN_ROOT,
                   max_pages: int | None = None) -> Iterator[Pair]:
    """(what a utility is for, its name) from the NAME line of every page in sections 1 and 8:
    `find - search for files in a directory hierarchy` gives ("search for files in a directory
    hierarchy", "find"), and one pair per name on a line naming several. A name counts as a
    command only when a page of that name is installed (`PIE` of tc-pie(8) is a queue, not a
    program). Distinct pairs, sorted by command then request; at most `max_pages` files read."""
    entries = _page_files(man_root)
    stems = frozenset(_stem(entry.name) for entry in entries)
    pairs = {pair for roff in _pages(entries, max_pages) for pair in _name_pairs_of(roff, stems)}
    return iter(sorted(pairs, key=lambda pair: (pair.command, pair.request)))


# ----- EXAMPLES --------------------------------------------------------------------------------
# Marks put before each piece of text the converter fills, so that a filled line tells where its
# words came from: a display or a wholly bold/monospace line (code), a heading, or running prose.
_CODE, _PROSE, _HEADER = "\x01", "\x02", "\x03"
# EXAMPLES, EXAMPLE, USAGE EXAMPLES, EXAMPLE 1: BENCHMARKING, Examples; not DEPRECATED EXAMPLES.
_EXAMPLES_TITLE = re.compile(r"(?!.*DEPRECATED)(?:.*\bEXAMPLES?\b.*|Examples?)")
_CODE_FONT = re.compile(r"\s*\\f(?:[BC5]|\(C[WBR]|\[C[WBR]?\]|\[B\])")
# A return to roman type before the end, other than before a last glob or bracket (`sda\\fP*`).
_ROMAN_BEFORE_END = re.compile(r"\\f(?:[RP1]|\[R?\])(?!\\f|[^\s\w.,;:]*\s*$)")
_PROMPT = re.compile(r"[$#]\s+")
_EXAMPLE_TITLE = re.compile(r"Example\s+\d+\.\s+(.+)")  # systemd: "Example 2. Limiting resources"


def _wholly_code_font(roff_text: str) -> bool:
    """`\\fBgit log \\-\\-no\\-merges\\fR`: bold or monospace from start to end of the text."""
    return bool(_CODE_FONT.match(roff_text)) and not _ROMAN_BEFORE_END.search(roff_text)


class _ExampleReader(_ManPage):
    """An EXAMPLES section converted like any page, each piece of text marked as code, heading or
    prose. Code is text in a no-fill display (`.nf`, `.EX`, pod2man's `.Vb`), a `.B` line, a line
    wholly in bold or monospace, a line starting with a `$ ` prompt, or the continuation of a
    code line that ended in a backslash."""

    def __init__(self) -> None:
        super().__init__()
        self.mark = _PROSE
        self.continued = False  # the last code piece ended in `\`: the next line belongs to it

    def _request(self, name: str, rest: str) -> None:
        name = {"Vb": "nf", "Ve": "fi"}.get(name, name)
        arguments = _arguments(rest)
        code_tag = name == "IP" and bool(arguments) and _wholly_code_font(arguments[0])
        if name in ("SH", "SS"):
            self.mark = _HEADER
        else:
            self.mark = _CODE if not self.fill or name == "B" or code_tag else _PROSE
        super()._request(name, rest)
        if name == "IP" and arguments:
            self._break()  # a tag is a line of its own (the base joins it to the paragraph)

    def _text_line(self, line: str) -> None:
        if self.tag_pending and self.mark == _HEADER:  # `.SS` alone: this line is its title
            super()._text_line(line)
            return
        code = not self.fill or self.continued or _wholly_code_font(line) \
            or _plain(line).lstrip().startswith("$ ")
        if code and self.continued and self.fill:
            self._break()  # a continuation stays a line of its own, to be joined with `\` removed
        self.mark = _CODE if code else _PROSE
        super()._text_line(line)

    def _paragraph(self) -> None:
        self.continued = False
        super()._paragraph()

    def _add(self, text: str) -> None:
        if text.strip():
            self.continued = self.mark == _CODE and text.rstrip().endswith("\\")
            text = self.mark + text
        super()._add(text)

    def marked_lines(self) -> list[str]:
        self._break()
        return self.lines


_NO_MARKS = str.maketrans("", "", _CODE + _PROSE + _HEADER)


def _items(lines: list[str]) -> list[tuple[str, str | list[str]]]:
    """The section as ("prose", paragraph), ("code", [command lines]) and ("other", heading or
    table row), in order. Adjacent code lines form one item even across blank lines (a block of
    several commands is one unit, never split into pairs); a backslash-continued line is joined to
    the next, and one left unfinished before a blank line spoils its block."""
    items: list[tuple[str, str | list[str]]] = []
    for line in lines:
        kind, raw = _kind(line), line.translate(_NO_MARKS).strip()
        text = " ".join(raw.split())
        last = items[-1] if items else None
        if not text:
            if last and last[0] == "prose":
                items.append(("blank", ""))
            elif last and last[0] == "code" and last[1][-1].endswith("\\"):
                last[1].append("")
        elif last and last[0] == "code" and last[1][-1].endswith("\\") and kind != "other":
            last[1][-1] = _join_continuation(last[1][-1], raw)
        elif kind == "code" and _EXAMPLE_TITLE.fullmatch(text):
            items.append(("prose", _EXAMPLE_TITLE.fullmatch(text)[1]))
        elif kind == "code" and last and last[0] == "code":
            last[1].append(raw)
        elif kind == "code":
            items.append(("code", [raw]))
        elif kind == "prose" and last and last[0] == "prose":
            items[-1] = ("prose", f"{last[1]}\n{text}")  # a break ends a sentence (`.TP` tag)
        else:
            items.append((kind, text))
    return [item for item in items if item[0] != "blank"]


def _kind(line: str) -> str:
    """A heading, or a table row (the converter writes rows without marks), is "other"."""
    if _HEADER in line or not (_CODE in line or _PROSE in line):
        return "other"
    return "code" if _PROSE not in line else "prose"


def _join_continuation(line: str, following: str) -> str:
    """`a \\` + `b` is `a b`; a backslash right after a word splits a long word (`locations/\\` +
    `keyRings/KEY`), unless the next line starts an option."""
    head = line[:-1]
    if head.endswith((" ", "\t")) or following.startswith("-"):
        return f"{head.rstrip()} {following}"
    return head + following


# ----- requests --------------------------------------------------------------------------------
_SENTENCE_END = re.compile(
    r"\n|(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\betc\.)(?<!\bvs\.)(?<=[.!?])\s+|(?<=:)\s+(?=[A-Z])")
_BULLET = re.compile(r"^(?:[\u2022*\u2013-]|\d+[.)])\s+", re.MULTILINE)
# `[For example, ]to <task>[, run| use ...]:`: the task is the request.
_TO_TASK = re.compile(
    r"(?:(?:for example|for instance|e\.g\.|similarly|thus|so|also|or|and),?\s+)?to\s+(?P<task>.+?)"
    r"(?:,\s+(?:(?:you|one)\s+(?:\w+\s+){0,2}?)?(?:run|use|type|enter|execute|invoke|issue|try|"
    r"call|say|do|write|specify|give|pass|need)\b.*"
    r"|,\s+(?:\S+\s+){0,3}?(?:can|could|may|might|must|should|will|would)\s+be\b.*"
    r"|\s+(?:run|use|type|enter|execute|do|try)(?:\s+(?:something like|the following(?: command)?|"
    r"this(?: command)?|a command like))?)?\s*:?", re.IGNORECASE)
# A sentence that leans on its neighbours ("the following", "this", "you"), comments on a command
# rather than asks for one, or is cut short ("... would be", "..., then run").
_CONTEXTUAL = re.compile(r"\b(?:examples?|following|previous(?:ly)?|equivalent|same|this|these|"
                         r"those|above|here is|here's|note that|you|we|can be used|is used|it is|"
                         r"will be)\b|"
                         r"\b(?:see|shown|described|listed|given|as|mentioned|the)\s+below\b|"
                         r"\bbelow$|[<\[]", re.IGNORECASE)
_LEANING_START = re.compile(
    r"(?:the|this|these|those|that|it|a|an|if|in|on|with|without|when|where|while|we|one|there|"
    r"here|as|since|because|although|but|and|or|so|then|also|alternatively|however|now|first|"
    r"next|finally|not|for|after|before|once|later|instead|again|note|sample|consider|back|can|"
    r"could|would|should|may|might|must|will|is|are|was)\b", re.IGNORECASE)
_CUT_SHORT = re.compile(r"\b(?:be|is|are|was|like|by|in|as|try|use|using|with|or|and|call|run|via|"
                        r"to|the|a|an|of|for|then|follows|so|do|type|enter|the command|e\.g)$",
                        re.IGNORECASE)
_MAN_REFERENCE = re.compile(r"\b([\w.+-]+)\(\d\w*\)")
_MAX_REQUEST_CHARS = 200


def _sentences(paragraph: str) -> list[str]:
    return [sentence.strip() for sentence in _SENTENCE_END.split(_BULLET.sub("", paragraph))
            if sentence.strip()]


def _clean_request(sentence: str) -> str | None:
    """The sentence as a request, or None when it is long, not prose, mostly capitalised (a
    title: "Linux and OS X"), or leans on its context."""
    request = _MAN_REFERENCE.sub(r"\1", sentence).strip().rstrip(".:;,").strip()
    words = [word for word in request.split() if re.search(r"[A-Za-z]", word)]
    capitalised = sum(word[0].isupper() for word in words)
    if len(request) > _MAX_REQUEST_CHARS or len(words) < 3 or capitalised * 2 > len(words):
        return None
    if _CONTEXTUAL.search(request) or _LEANING_START.match(request) or _CUT_SHORT.search(request):
        return None
    return request


def _request_before(paragraph: str) -> str | None:
    """The request a paragraph introducing a command makes: the task of a last sentence
    `To dump a database, run:`, or the paragraph itself when it is one sentence."""
    sentences = _sentences(paragraph)
    if not sentences:
        return None
    task = _TO_TASK.fullmatch(sentences[-1].rstrip("."))
    if task:
        return _clean_request(task["task"])
    return _clean_request(sentences[0]) if len(sentences) == 1 else None


def _request_after(paragraph: str) -> str | None:
    """The request an explanation after a command makes: its first sentence."""
    sentences = _sentences(paragraph)
    return _clean_request(sentences[0]) if sentences else None


# ----- commands --------------------------------------------------------------------------------
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=\S*")
_PLACEHOLDER = re.compile(r"<[A-Za-z_][\w .-]*>|\u2026|(?:^|[\s/])\.\.\.(?:[\s/]|$)")
_MAX_COMMAND_CHARS = 400


def _single_command(lines: list[str], known: frozenset[str]) -> str | None:
    """The one command of a code block, or None. With prompts (`$ `, `# `) the prompted lines are
    the commands and the others their output; without, every line is a command."""
    prompted = [_PROMPT.sub("", line, count=1) for line in lines if _PROMPT.match(line)]
    commands = prompted or lines
    if len(commands) != 1:
        return None
    command = commands[0].strip()
    return command if _is_command(command, known) else None


def _is_command(command: str, known: frozenset[str]) -> bool:
    """A plausible one-line command: it starts (after `VAR=value`s) with an installed page's name
    or a shell word, parses as shell words, is finished, and holds no `<placeholder>` or `...`."""
    if len(command) > _MAX_COMMAND_CHARS or "<<" in command or _PLACEHOLDER.search(command) \
            or command.endswith(("\\", "|", "&&")):
        return False
    try:
        words = shlex.split(command)
    except ValueError:  # unbalanced quotes: a fragment, or prose with an apostrophe
        return False
    while words and _ASSIGNMENT.fullmatch(words[0]):
        words = words[1:]
    if not words or words[0].startswith(".") or os.path.basename(words[0]) not in known:
        return False  # `./perf` is a build tree's program, not the installed one
    if re.search(rf"\s[Oo][Rr]\s+{re.escape(words[0])}\s", command):
        return False  # `perf probe -x zsh zfree or perf probe zsh zfree`: alternatives in one line
    return not (len(words) >= 4 and all(re.fullmatch(r"[A-Za-z,;']+", word) for word in words))


def _example_pairs_of(roff: str, known: frozenset[str]) -> Iterator[Pair]:
    """Pairs of each EXAMPLES section: a command with the prose before it, or, on a page whose
    section opens with a command (git's and xargs' style), with the explanation after it. A
    paragraph ending in `:` always introduces what follows."""
    for section in _sections(roff, _EXAMPLES_TITLE):
        reader = _ExampleReader()
        for line in section.splitlines():
            reader.read(line)
        items = _items(reader.marked_lines())
        content = [kind for kind, _ in items if kind != "other"]
        command_first = bool(content) and content[0] == "code"
        for index, (kind, lines) in enumerate(items):
            command = _single_command(lines, known) if kind == "code" else None
            if command is None:
                continue
            before = items[index - 1] if index else ("", "")
            after = items[index + 1] if index + 1 < len(items) else ("", "")
            request = None
            if before[0] == "prose" and (not command_first or before[1].endswith(":")):
                request = _request_before(before[1])
            elif command_first and after[0] == "prose":
                request = _request_after(after[1])
            if request:
                yield Pair(request=request, command=command)


MAX_EXAMPLES_PER_COMMAND = 40  # gcloud's generated pages alone would give 97% of all examples


def man_example_pairs(man_root: str | Path = DEFAULT_MAN_ROOT, max_pages: int | None = None,
                      max_per_command: int = MAX_EXAMPLES_PER_COMMAND) -> Iterator[Pair]:
    """(description, command) from the EXAMPLES sections of pages in sections 1 and 8, where a
    sentence says in English what the command beside it does: `To dump a database called mydb
    into an SQL-script file:` above `$ pg_dump mydb > db.sql`. Only single-line commands (a
    backslash continuation is joined) beside a one-sentence description; distinct pairs in page
    order (breadth first across command families); at most `max_pages` files read and at most
    `max_per_command` pairs per first command word, so one generated manual cannot drown the rest."""
    entries = _page_files(man_root)
    known = frozenset(_stem(entry.name) for entry in entries) | _SHELL_WORDS
    return _capped(_distinct(pair for roff in _pages(entries, max_pages) if not _MDOC_PAGE.search(roff)
                              for pair in _example_pairs_of(roff, known)), max_per_command)


def _capped(pairs: Iterator[Pair], max_per_command: int) -> Iterator[Pair]:
    per_command: dict[str, int] = {}
    for pair in pairs:
        command = pair.command.split()[0]
        per_command[command] = per_command.get(command, 0) + 1
        if per_command[command] <= max_per_command:
            yield pair


def _distinct(pairs: Iterator[Pair]) -> Iterator[Pair]:
    seen: set[Pair] = set()
    for pair in pairs:
        if pair not in seen:
            seen.add(pair)
            yield pair


# ----- the prose: an English source --------------------------------------------------------------
# Sections left out of a manual's prose. NAME and EXAMPLES are the man-names and man-examples pair
# sources, whose held-out pairs no stage may see; the others are credits and cross-references.
_NOT_PROSE = re.compile(r"name|examples?|see also|authors?|copyright|reporting bugs|bugs|colophon|history",
                        re.IGNORECASE)
MANUAL_CHARS = 3000  # a page's synopsis and description; a long page's option list is mostly flags
_MIN_MANUAL_CHARS = 300


def _first_paragraphs(text: str, max_chars: int) -> str:
    """`text` cut after its last whole paragraph within `max_chars` (or at a space in a long one)."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind("\n\n", 0, max_chars)
    return text[:cut] if cut > 0 else text[:max_chars].rsplit(" ", 1)[0]


def command_manuals(man_root: str | Path = DEFAULT_MAN_ROOT, max_pages: int | None = None,
                    max_chars: int = MANUAL_CHARS) -> Iterator[str]:
    """The manual pages (sections 1 and 8) of the commands on this machine's PATH, as prose: what
    each is for and how it is called, in the English a user will ask for it in. TinyStories teaches
    a model English but never the words "directory", "process" or "archive"; with these pages its
    stage-1 English meets the commands stage 2 will answer with. NAME and EXAMPLES are left out
    (they are pair sources with held-out sides), and each page is cut to its first `max_chars`."""
    from core.commands import commands_on_path

    on_path = commands_on_path()
    entries = [entry for entry in _page_files(man_root) if _stem(entry.name) in on_path]
    for roff in _pages(entries, max_pages):
        if _MDOC_PAGE.search(roff):
            continue  # the converter does not read BSD mdoc macros
        text = _first_paragraphs(man_to_text(_without_sections(roff, _NOT_PROSE)).strip(), max_chars)
        if len(text) >= _MIN_MANUAL_CHARS:
            yield text + "\n"
