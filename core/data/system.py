"""The offline default: what is already installed on this machine, as English and as bash.

A newcomer with no network still has a corpus: every Linux machine carries shell scripts (package
hooks, wrappers, init scripts) and English documentation (manual pages, and Python's own help
topics wherever Python runs). Manual pages are roff; they are turned into plain text here, in
Python, because a Hugging Face Space image may lack `man`/`groff` and because it is much faster
than a subprocess per page.
"""
from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from core.data.files import read_text_file
from core.errors import UserError

DEFAULT_SCRIPT_PREFIXES = ("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/lib", "/usr/libexec",
                           "/usr/share", "/etc", "/opt")
DEFAULT_MAN_ROOT = "/usr/share/man"
_SHEBANG = re.compile(rb"^#!\s*(/usr)?/bin/(env\s+(-\S+\s+)*)?(ba|da)?sh(\s|$)")
_SCRIPT_SUFFIXES = (".sh", ".bash")
_SKIP_DIRS = {"__pycache__", "node_modules", ".git", "site-packages", "dist-packages"}
# Names that are never shell scripts; skipping them spares opening thousands of files.
_NOT_SCRIPT_SUFFIXES = (".so", ".a", ".o", ".pyc", ".py", ".png", ".jpg", ".svg", ".gz", ".xz",
                        ".bz2", ".zst", ".mo", ".json", ".html", ".js", ".css", ".pm", ".pl", ".rb",
                        ".h", ".c", ".xml", ".ko", ".ttf", ".otf", ".pf2", ".mod", ".jar", ".class")


def _is_shell_script(path: Path) -> bool:
    if path.name.endswith(_SCRIPT_SUFFIXES):
        return True
    try:
        with path.open("rb") as handle:
            return bool(_SHEBANG.match(handle.read(128)))
    except OSError:
        return False


def _walk_files(prefix: Path) -> Iterator[Path]:
    """Files under `prefix` in sorted order, without following symlinked directories."""
    for root, dirs, files in os.walk(prefix, onerror=lambda error: None):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            yield Path(root) / name


def installed_shell_scripts(prefixes: Sequence[str | Path] = DEFAULT_SCRIPT_PREFIXES,
                            max_files: int | None = None, max_file_bytes: int = 64_000,
                            min_file_bytes: int = 64) -> Iterator[str]:
    """Texts of shell scripts (bash/sh shebang or .sh/.bash name), each real file once."""
    existing = [Path(p) for p in prefixes if Path(p).is_dir()]
    if not existing:
        raise UserError(f"none of the script folders exist: {', '.join(map(str, prefixes))}")
    seen: set[Path] = set()
    yielded = 0
    for prefix in existing:
        for path in _walk_files(prefix):
            if path.name.endswith(_NOT_SCRIPT_SUFFIXES) or ".so." in path.name:
                continue
            try:
                real = path.resolve()
                size = real.stat().st_size
            except (OSError, RuntimeError):
                continue
            if real in seen or not min_file_bytes <= size <= max_file_bytes or not real.is_file():
                continue
            seen.add(real)
            if not _is_shell_script(real):
                continue
            text = read_text_file(real, max_file_bytes)
            if text is None:
                continue
            yield text
            yielded += 1
            if max_files is not None and yielded >= max_files:
                return


# ----- manual pages ------------------------------------------------------------------------------
_BACKSLASH = "\ue000"  # a literal backslash, kept apart until the last escape rule has run
_ESCAPES = [  # roff escapes → text, applied in order
    (re.compile(r"\\f(\[[^\]]*\]|\(..|.)"), ""),  # font changes
    (re.compile(r"\\s[+-]?\d"), ""),  # size changes
    (re.compile(r"\\\*(\[[^\]]*\]|\(..|.)"), ""),  # string interpolation
    (re.compile(r"\\[nk](\[[^\]]*\]|\(..|.)"), ""),  # number registers, marks
    (re.compile(r"\\[hvwlLbDoxXZ]'[^']*'"), ""),  # motions and drawing
    (re.compile(r"\\\(aq|\\\[aq\]"), "'"),
    (re.compile(r"\\\(dq|\\\[dq\]"), '"'),
    (re.compile(r"\\\(em|\\\[em\]"), "—"),
    (re.compile(r"\\\(en|\\\[en\]"), "–"),
    (re.compile(r"\\\(bu|\\\[bu\]"), "•"),
    (re.compile(r"\\\(co|\\\[co\]"), "©"),
    (re.compile(r"\\\(lq|\\\(rq|\\\[lq\]|\\\[rq\]"), '"'),
    (re.compile(r"\\\(oq|\\\(cq|\\\[oq\]|\\\[cq\]"), "'"),
    (re.compile(r"\\\(ga|\\\[ga\]"), "`"),
    (re.compile(r"\\\(ti|\\\[ti\]|\\\(ap"), "~"),
    (re.compile(r"\\\(ha|\\\[ha\]"), "^"),
    (re.compile(r"\\\(rs|\\\[rs\]|\\e"), _BACKSLASH),
    (re.compile(r"\\\(..|\\\[[^\]]*\]"), ""),  # any other named glyph
    (re.compile(r"\\[-_]"), "-"),
    (re.compile(r"\\[ ~0]"), " "),
    (re.compile(r"\\[&:%|^/,)c]"), ""),
    (re.compile(r"\\(.)"), r"\1"),  # any other escaped character stands for itself
]
_TEXT_MACROS = {"B", "I", "BR", "RB", "IR", "RI", "BI", "IB", "SM", "SB", "TP", "IP", "HP",
                "SS", "SH", "OP", "UR", "MT", "Nm", "Nd", "Ar", "Fl", "Pa", "Cm", "Xr"}
_BREAK_MACROS = {"PP", "LP", "P", "sp", "br", "TP", "IP", "HP", "Pp", "Sh", "Ss", "Bl", "El"}
_ALTERNATING = {"BR", "RB", "IR", "RI", "BI", "IB"}  # arguments joined without spaces


def _unquote_arguments(arguments: str) -> list[str]:
    return [a[1:-1] if a.startswith('"') and a.endswith('"') else a
            for a in re.findall(r'"[^"]*"|\S+', arguments)]


def _plain(text: str) -> str:
    for pattern, replacement in _ESCAPES:
        text = pattern.sub(replacement, text)
    return text.replace(_BACKSLASH, "\\")


def man_to_text(roff: str) -> str:
    """Plain text of a manual page: headings, paragraphs and the words of font macros kept,
    formatting requests, comments and macro definitions dropped."""
    lines: list[str] = []
    in_definition = False
    for raw in roff.splitlines():
        if in_definition:
            in_definition = raw.strip() != ".."
            continue
        if raw.startswith((".\\\"", "'\\\"", '.\\"')) or raw.strip() in (".", "'"):
            continue
        if raw.startswith((".", "'")):
            name, _, arguments = raw[1:].strip().partition(" ")
            if name in ("de", "de1", "am", "ig"):
                in_definition = True
                continue
            if name in _BREAK_MACROS:
                lines.append("")
            if name == "SH" or name == "Sh":
                lines.append(_plain(" ".join(_unquote_arguments(arguments))).upper())
            elif name in _TEXT_MACROS and arguments:
                words = _unquote_arguments(arguments)
                joiner = "" if name in _ALTERNATING else " "
                lines.append(_plain(joiner.join(words)))
            continue
        lines.append(_plain(raw))
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _read_man_page(path: Path, max_bytes: int) -> str | None:
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    if len(raw) > max_bytes or b"\x00" in raw:
        return None
    try:
        roff = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if roff.lstrip().startswith(".so "):
        return None  # a redirect to another page, which is read on its own
    return roff


def _manual_pages(man_root: Path, sections: Sequence[str], max_bytes: int) -> Iterator[str]:
    for section in sections:
        folder = man_root / f"man{section}"
        if not folder.is_dir():
            continue
        seen: set[Path] = set()
        for path in sorted(folder.iterdir()):
            real = path.resolve()
            if real in seen or not real.is_file():
                continue
            seen.add(real)
            roff = _read_man_page(real, max_bytes)
            if roff is None:
                continue
            text = man_to_text(roff)
            if len(text) >= 200:
                yield text


def _python_help_topics() -> Iterator[str]:
    try:
        from pydoc_data.topics import topics
    except ImportError:
        return
    for name in sorted(topics):
        yield topics[name].strip() + "\n"


def installed_english_docs(max_docs: int | None = None, man_sections: Sequence[str] = ("1", "5", "7", "8"),
                           include_pydoc: bool = True, max_doc_bytes: int = 200_000,
                           man_root: str | Path = DEFAULT_MAN_ROOT) -> Iterator[str]:
    """Python's help topics (few, long, well written), then English manual pages as plain text."""
    man_root = Path(man_root)
    has_man = any((man_root / f"man{s}").is_dir() for s in man_sections)
    if not has_man and not include_pydoc:
        raise UserError(f"no manual pages under {man_root} and Python help topics are off")
    sources = []
    if include_pydoc:
        sources.append(_python_help_topics())
    if has_man:
        sources.append(_manual_pages(man_root, man_sections, max_doc_bytes))
    count = 0
    for source in sources:
        for text in source:
            yield text
            count += 1
            if max_docs is not None and count >= max_docs:
                return
