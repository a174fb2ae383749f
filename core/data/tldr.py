"""tldr pages as (English description, bash command) pairs.

tldr-pages are the rare public data where plain-English requests sit right next to the command
that fulfils them, which is exactly what the bilingual model must learn. Each example becomes a
bash document (`core.data.bashdoc`), and so does each page's summary, answered by the page's name
(`> Archiving utility.` → `tar`): a request → utility mapping for every page. The pages' own syntax
(`{{path/to/file}}` placeholders, `{{[-C|--directory]}}` alternatives) is resolved into plain
words and one spelling, so the model never learns it as if it were bash.

Offline the pages come from a folder (a checkout, its `pages/`, or a folder of .md); with network,
from the archive the official clients download (client specification v2.2), unpacked once into a
cache folder of the workspace.
"""
from __future__ import annotations

import io
import re
import shutil
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.atomic import replace_dir, temporary_sibling
from core.data.bashdoc import Pair, bash_document
from core.data.files import read_text_file
from core.errors import UserError

DEFAULT_PLATFORMS = ("common", "linux")
ARCHIVE_URL = "https://github.com/tldr-pages/tldr/releases/latest/download/tldr.zip"
MAX_ARCHIVE_BYTES = 200_000_000
# Summary lines that point elsewhere rather than say what the command does.
_NOT_A_SUMMARY = re.compile(r"^(More information|See also|This command is an alias|Note:)", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}(?!\})")
_ALTERNATIVES = re.compile(r"^\[([^\[\]]*\|[^\[\]]*)\]$")
# `file.tar[.gz|.bz2]`: choices glued to a word inside a placeholder.
_INNER_ALTERNATIVES = re.compile(r"(?<=[\w.])\[([^\[\]\s|]+(?:\|[^\[\]\s|]+)+)\]")
_ESCAPED_OPEN, _ESCAPED_CLOSE = "\x01", "\x02"
# Pages mark mnemonic letters inside words: "([t]imeout)", "[r]ecursive".
_MNEMONIC = re.compile(r"\[(\w+)\](?=\w)|(?<=\w)\[(\w+)\]")


@dataclass(frozen=True)
class TldrExample:
    """One tldr example: `page` is the command's page name ("tar"), `command` is resolved."""

    page: str
    description: str
    command: str


def _choose_alternative(options: list[str]) -> str:
    """Prefer the long option (`--directory`): it says what it does, the short one does not."""
    long_forms = [option for option in options if option.startswith("--")]
    return (long_forms or options)[0]


def _split_top_level(content: str) -> list[str] | None:
    """Split `a|b|c` at `|` outside brackets and quotes, or None when it is not a clean choice.

    A `|` with a space beside it (`make | sed 10q`), a `||`, or a `|` inside brackets, braces or
    quotes (`^ca(t|r)$`, `'{...}'`) is shell or regex syntax the page means literally.
    """
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(content):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return None
        elif char == "|" and depth == 0:
            before, after = content[index - 1:index], content[index + 1:index + 2]
            if not before or not after or before.isspace() or after.isspace() or "|" in (before, after):
                return None
            parts.append(content[start:index])
            start = index + 1
    if not parts or depth or quote:
        return None
    return parts + [content[start:]]


def _resolve_one(content: str) -> str:
    """One placeholder's text: pick one spelling of any alternatives, keep everything else."""
    bracketed = _ALTERNATIVES.match(content.strip())
    if bracketed:  # {{[-C|--directory]}}, {{[ls|list]}}
        return _choose_alternative([option.strip() for option in bracketed.group(1).split("|")])
    options = _split_top_level(content)
    if options:  # {{on|off}}, {{path/to/file|url}}: left as is, `|` would read as a pipe
        content = _choose_alternative(options)
    # {{path/to/file.tar[.gz|.bz2|.xz]}} -> path/to/file.tar.gz
    return _INNER_ALTERNATIVES.sub(lambda m: m.group(1).split("|")[0], content)


def resolve_placeholders(command: str) -> str:
    """Rewrite tldr placeholders as plain command text a model can learn as bash.

    `{{[-x|--extract]}}` -> `--extract` (the long option, else the first choice); `{{on|off}}` ->
    `on`; `{{path/to/file}}` -> `path/to/file`; escaped `\\{\\{`/`\\}\\}` -> literal `{{`/`}}`.
    Any other text, unbalanced braces included, is kept unchanged; this never raises.
    """
    command = command.replace("\\{\\{", _ESCAPED_OPEN).replace("\\}\\}", _ESCAPED_CLOSE)
    command = _PLACEHOLDER.sub(lambda m: _resolve_one(m.group(1)), command)
    return command.replace(_ESCAPED_OPEN, "{{").replace(_ESCAPED_CLOSE, "}}")


def _points_elsewhere(command: str, page: str) -> bool:
    """`tldr other-page` on a page other than tldr's own: alias pages' "View documentation for the
    original command" (about 500 of them, one request with as many answers), which teaches a model
    nothing but to answer `tldr`."""
    return page != "tldr" and command.split()[0] == "tldr"


def parse_page(text: str, page: str) -> list[TldrExample]:
    """Pair each `- description:` line with the next `` `command` `` line; `#`/`>` lines are skipped.

    The description loses its `- `, its trailing colon and the mnemonic brackets of `[c]reate`;
    examples whose command is empty, or that only point at another page, are dropped.
    """
    examples = []
    description: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("- "):
            description = _MNEMONIC.sub(lambda m: m.group(1) or m.group(2),
                                        line[2:].strip().rstrip(":").strip())
        elif line.startswith("`") and line.endswith("`") and len(line) > 1 and description:
            command = resolve_placeholders(line[1:-1]).strip()
            if command and not _points_elsewhere(command, page):
                examples.append(TldrExample(page=page, description=description, command=command))
            description = None
    return examples


def find_pages(folder: str | Path, platforms: Sequence[str] = DEFAULT_PLATFORMS) -> list[Path]:
    """Sorted page files of a tldr checkout (`pages/<platform>`), a `pages/` folder, or a folder of .md.

    Only English `pages/` is read from a checkout; translations (`pages.de/`, ...) are used only
    when the folder given is one of them.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise UserError(f"tldr folder not found: {folder}. Give a checkout of "
                        "https://github.com/tldr-pages/tldr, its pages/ folder, or a folder of .md pages.")
    root = folder / "pages" if (folder / "pages").is_dir() else folder
    platform_dirs = [root / platform for platform in platforms if (root / platform).is_dir()]
    candidates = ([p for d in platform_dirs for p in d.glob("*.md")] if platform_dirs
                  else list(root.glob("*.md")))
    pages = sorted(p for p in candidates if p.is_file())
    if not pages:
        raise UserError(f"no tldr pages (*.md) in {folder}: expected pages/<platform>/*.md, <platform>/*.md "
                        f"or *.md directly (platforms: {', '.join(platforms)}).")
    return pages


def tldr_examples(folder: str | Path, platforms: Sequence[str] = DEFAULT_PLATFORMS,
                  max_pages: int | None = None) -> Iterator[TldrExample]:
    """Every example of the first `max_pages` pages (all when None), in sorted page order.

    Unreadable or non-UTF-8 pages are skipped.
    """
    if max_pages is not None and max_pages < 0:
        raise UserError(f"max_pages must be 0 or more, not {max_pages}")
    for path in find_pages(folder, platforms)[:max_pages]:
        text = read_text_file(path)
        if text is not None:
            yield from parse_page(text, path.stem)


def to_bash_document(example: TldrExample) -> str:
    return bash_document(example.description, example.command)


def page_summary(text: str) -> str | None:
    """The page's first `>` line that says what the command does (`Archiving utility`)."""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(">"):
            summary = line[1:].strip().rstrip(".").strip()
            if summary and not _NOT_A_SUMMARY.match(summary):
                return summary
    return None


def tldr_records(folder: str | Path, platforms: Sequence[str] = DEFAULT_PLATFORMS,
                 max_pages: int | None = None) -> Iterator[tuple[str, Pair]]:
    """(document, pair) for each example and each page summary, in sorted page order.

    A page found on several platforms gives its summary once per platform; the corpus drops the
    repeated documents."""
    if max_pages is not None and max_pages < 0:
        raise UserError(f"max_pages must be 0 or more, not {max_pages}")
    for path in find_pages(folder, platforms)[:max_pages]:
        text = read_text_file(path)
        if text is None:
            continue
        for example in parse_page(text, path.stem):
            yield to_bash_document(example), Pair(example.description, example.command)
        summary = page_summary(text)
        if summary:
            yield bash_document(summary, path.stem), Pair(summary, path.stem)


def tldr_documents(folder: str | Path, platforms: Sequence[str] = DEFAULT_PLATFORMS,
                   max_pages: int | None = None) -> Iterator[str]:
    """One training document per example and per page summary, deterministic order."""
    return (document for document, _ in tldr_records(folder, platforms, max_pages))


def download_archive(cache_dir: Path, url: str = ARCHIVE_URL, timeout: float = 60.0) -> Path:
    """The English `pages/` of the tldr archive at `url`, unpacked under `cache_dir` (once).

    Only members under `pages/` with a `.md` name are written, each to a path built from its own
    name parts, so an archive can write nothing outside the cache."""
    pages = cache_dir / "pages"
    if pages.is_dir():
        return cache_dir
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read(MAX_ARCHIVE_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise UserError(f"cannot download the tldr archive {url} ({exc}); offline, give a folder of "
                        "pages with --path") from None
    if len(data) > MAX_ARCHIVE_BYTES:
        raise UserError(f"the tldr archive at {url} is larger than {MAX_ARCHIVE_BYTES:,} bytes")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UserError(f"{url} is not a zip archive of tldr pages") from None
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = temporary_sibling(pages)
    try:
        for member in archive.infolist():
            parts = member.filename.split("/")
            if (member.is_dir() or len(parts) != 3 or parts[0] != "pages" or not parts[2].endswith(".md")
                    or any(part in ("", ".", "..") for part in parts)):
                continue
            target = tmp / parts[1] / parts[2]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
        if not any(tmp.iterdir()):
            raise UserError(f"the archive at {url} holds no pages/<platform>/*.md")
        replace_dir(tmp, pages)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return cache_dir
