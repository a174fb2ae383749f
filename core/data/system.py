"""The offline default: what is already installed on this machine, as English and as bash.

A newcomer with no network still has a corpus: every Linux machine carries shell scripts (package
hooks, wrappers, init scripts) and English documentation (manual pages, and Python's own help
topics wherever Python runs). Manual pages are roff; they are turned into plain text here, in
Python, because a Hugging Face Space image may lack `man`/`groff` and because it is much faster
than a subprocess per page. The converter is deliberately small: it keeps the words of a page and
drops its layout, and skips what it cannot read honestly (`.so` includes, mdoc pages).
"""
from __future__ import annotations

import gzip
import itertools
import os
import re
import unicodedata
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from core.data.files import read_text_file
from core.errors import UserError

# ----- shell scripts -----------------------------------------------------------------------------
DEFAULT_SCRIPT_PREFIXES: tuple[str, ...] = ("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/lib",
                                            "/usr/libexec", "/usr/share", "/etc", "/opt")
# Folders that hold many files and never a shell script worth learning from; not entering them
# keeps a scan of a whole /usr to a few seconds.
_SKIP_DIRS = frozenset({".git", "__pycache__", "node_modules", "site-packages", "dist-packages",
                        "man", "locale", "icons", "zoneinfo", "fonts"})
_SHEBANG = re.compile(rb"#!\s*(?:/usr)?(?:/local)?/bin/(?:env\s+(?:-\S+\s+)*)?(?:ba|da)?sh(?:\s|$)")
_SHEBANG_BYTES = 128
_SCRIPT_SUFFIXES = (".sh", ".bash")


def _sorted_entries(folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError:  # unreadable folders are skipped, as `find` would with its errors hidden
        return []


def _files_under(folder: str) -> Iterator[os.DirEntry[str]]:
    """Files below `folder` (symlinks to files included), depth first in name order; symlinked
    folders are not entered, so nothing is visited twice through a link and no loop is possible."""
    for entry in _sorted_entries(folder):
        try:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in _SKIP_DIRS:
                    yield from _files_under(entry.path)
            elif entry.is_file():
                yield entry
        except OSError:
            continue


def _has_shell_shebang(path: str) -> bool:
    """Whether the first line names bash, sh or dash, read from the first bytes only."""
    try:
        with open(path, "rb") as handle:
            return _SHEBANG.match(handle.read(_SHEBANG_BYTES)) is not None
    except OSError:
        return False


def _shell_scripts(folders: list[str], max_file_bytes: int, min_file_bytes: int) -> Iterator[str]:
    seen: set[str] = set()
    for folder in folders:
        for entry in _files_under(folder):
            real = os.path.realpath(entry.path) if entry.is_symlink() else entry.path
            if real in seen:
                continue
            seen.add(real)
            try:
                size = entry.stat().st_size
            except OSError:
                continue
            if not min_file_bytes <= size <= max_file_bytes:
                continue
            if not entry.name.endswith(_SCRIPT_SUFFIXES) and not _has_shell_shebang(real):
                continue
            text = read_text_file(real, max_file_bytes)
            if text is not None:
                yield text


def installed_shell_scripts(prefixes: Sequence[str | Path] = DEFAULT_SCRIPT_PREFIXES,
                            max_files: int | None = None, max_file_bytes: int = 64_000,
                            min_file_bytes: int = 64) -> Iterator[str]:
    """Texts, unchanged, of the shell scripts under `prefixes`: files whose first line is a
    bash/sh/dash shebang or whose name ends in .sh/.bash, each real file once, in a fixed order."""
    folders = [os.path.realpath(prefix) for prefix in prefixes if os.path.isdir(prefix)]
    if not folders:
        raise UserError(f"none of the script folders exist: {', '.join(map(str, prefixes))}; "
                        "pass folders that hold shell scripts, or use another bash source")
    return itertools.islice(_shell_scripts(folders, max_file_bytes, min_file_bytes), max_files)


# ----- roff to text ------------------------------------------------------------------------------
_GLYPHS = {"aq": "'", "dq": '"', "lq": '"', "rq": '"', "oq": "'", "cq": "'", "ga": "`", "ti": "~",
           "ha": "^", "rs": "\\", "sl": "/", "ba": "|", "or": "|", "bv": "|", "at": "@", "sh": "#",
           "Do": "$", "hy": "-", "mi": "-", "pl": "+", "eq": "=", "mu": "×", "di": "÷", "+-": "±",
           "em": "—", "en": "–", "bu": "•", "co": "©", "rg": "®", "tm": "™", "de": "°", "sc": "§",
           "ps": "¶", "dg": "†", "ss": "ß", "Eu": "€", "Po": "£", "ct": "¢", "Fo": "«", "Fc": "»",
           "<=": "≤", ">=": "≥", "!=": "≠", "->": "→", "<-": "←", "ua": "↑", "da": "↓",
           "lB": "[", "rB": "]", "lC": "{", "rC": "}", "la": "⟨", "ra": "⟩", "aa": "´"}
_ACCENTS = {"'": "\u0301", "`": "\u0300", ":": "\u0308", "^": "\u0302", "~": "\u0303", ",": "\u0327"}
# Strings that man and pod2man pages interpolate with \*; any other string is dropped.
_STRINGS = {'L"': '"', 'R"': '"', "C`": '"', "C'": '"', "lq": '"', "rq": '"', "Aq": "'",
            "--": "—", "C+": "C++", "PI": "pi", "R": "®", "Tm": "™"}
# One-character escapes; an escaped character not listed stands for itself (`\.` is a period).
_CHARS = {"e": "\\", "E": "\\", " ": " ", "~": " ", "0": " ", "t": "\t", "&": "", ":": "", "%": "",
          "|": "", "^": "", "/": "", ",": "", ")": "", "c": "", "d": "", "u": "", "p": "", "r": "",
          "z": "", "a": "", "{": "", "}": ""}
_ESCAPE = re.compile(
    r"\\(?:(?P<kind>[*fFgkmMnVY])[+-]?(?:\((?P<short>..)|\[(?P<long>[^\]]*)\]|(?P<one>.))"  # named
    r"|s[+-]?(?:\(\d\d|\[[^\]]*\]|'[^']*'|\d)"  # point size
    r"|(?P<delimited>[ACDNRXZbhLlovwx])'(?P<argument>[^']*)'"  # motions, drawing; \C'xx' a glyph
    r"|\((?P<glyph>..)|\[(?P<glyph_long>[^\]]*)\]"  # special characters
    r"|(?P<char>.))")
_COMMENT = re.compile(r"^((?:[^\\]|\\.)*?)\\[\"#].*")
_REQUEST = re.compile(r"[.']\s*([^\s\\]*)\s*(.*)")
_ARGUMENT = re.compile(r'"(?:[^"]|"")*"?|(?:\\.|\S)+')
_DROPPED_BLOCKS = {"de": "..", "de1": "..", "am": "..", "ig": "..", "EQ": ".EN", "PS": ".PE"}
_BREAKS = {"SH", "SS", "PP", "LP", "P", "sp", "TP", "IP", "HP"}
_FONTS = {"B", "I", "SM", "SB"}
_ALTERNATING_FONTS = {"BR", "RB", "IR", "RI", "BI", "IB"}  # arguments joined without spaces
_CONDITIONALS = {"if", "ie", "el"}


def _glyph(name: str) -> str:
    """A named roff character: `em`, an accented letter like `'e`, or a Unicode `u00E9`."""
    if name in _GLYPHS:
        return _GLYPHS[name]
    if re.fullmatch(r"u[0-9A-F]{4,6}(_[0-9A-F]{4,6})*", name):
        return unicodedata.normalize("NFC", "".join(chr(int(c, 16)) for c in name[1:].split("_")))
    if len(name) == 2 and name[0] in _ACCENTS and name[1].isalpha():
        return unicodedata.normalize("NFC", name[1] + _ACCENTS[name[0]])
    return ""


def _replace_escape(match: re.Match[str]) -> str:
    if match["kind"] == "*":
        return _STRINGS.get(match["short"] or match["long"] or match["one"], "")
    if match["kind"]:
        return ""  # fonts, registers, colours: layout only
    if match["delimited"]:
        return _glyph(match["argument"]) if match["delimited"] == "C" else ""
    glyph = match["glyph"] or match["glyph_long"]
    if glyph is not None:
        return _glyph(glyph)
    char = match["char"]
    return "" if char is None else _CHARS.get(char, char)


def _plain(text: str) -> str:
    return _ESCAPE.sub(_replace_escape, text) if "\\" in text else text


def _arguments(text: str) -> list[str]:
    """A request's arguments, split on spaces except inside double quotes or after a backslash."""
    return [a[1:].removesuffix('"').replace('""', '"') if a.startswith('"') else a
            for a in _ARGUMENT.findall(text)]


def _table_row(line: str, tab: str) -> str:
    cells = line.replace("T{", "").replace("T}", "").split(tab)
    return "  ".join(_plain(cell.strip()) for cell in cells if cell.strip())


def _request_text(name: str, arguments: list[str]) -> str | None:
    """The words a macro puts on the page, or None for requests that only change the layout."""
    if name in ("SH", "SS") or name in _FONTS:
        return _plain(" ".join(arguments)) if arguments else None
    if name in _ALTERNATING_FONTS:
        return _plain("".join(arguments))
    if name == "IP" and arguments:
        return _plain(arguments[0])  # the tag; the second argument is an indent
    return None


def man_to_text(roff: str) -> str:
    """Plain text of a man(7) page: headings, paragraphs, tags and the words of font macros kept
    line for line; comments, macro definitions, conditionals and layout requests dropped.

    Lines are not refilled, so examples between `.nf` and `.fi` keep their shape.
    """
    lines: list[str] = []
    block_end = ""  # the line that closes a dropped block (`..` after `.de`)
    open_braces = 0  # unclosed `\\{` of a dropped conditional
    table_tab: str | None = None  # inside .TS/.TE: the column separator, once the format is read
    in_table_format = False
    for raw in roff.splitlines():
        if open_braces:
            open_braces += raw.count("\\{") - raw.count("\\}")
            continue
        if block_end:
            block_end = "" if raw.strip() == block_end else block_end
            continue
        line = _COMMENT.sub(r"\1", raw) if ("\\\"" in raw or "\\#" in raw) else raw
        if in_table_format:
            tab = re.search(r"tab\s*\((.)\)", line)
            table_tab = tab.group(1) if tab else table_tab
            in_table_format = not line.rstrip().endswith(".")
            continue
        request = _REQUEST.match(line)
        if request is None:
            if not line and raw:
                continue  # a line that held only a comment
            if table_tab is not None and line in ("_", "="):
                continue  # a table's horizontal rule
            lines.append(_plain(line) if table_tab is None else _table_row(line, table_tab))
            continue
        name, arguments = request.groups()
        if name in _CONDITIONALS:
            open_braces = line.count("\\{") - line.count("\\}")
        elif name in _DROPPED_BLOCKS:
            block_end = _DROPPED_BLOCKS[name]
        elif name == "TS":
            in_table_format, table_tab = True, "\t"
        elif name == "T&":
            in_table_format = True
        elif name == "TE":
            table_tab = None
        else:
            if name in _BREAKS:
                lines.append("")
            text = _request_text(name, _arguments(arguments))
            if text is not None:
                lines.append(text)
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# ----- English documents -------------------------------------------------------------------------
DEFAULT_MAN_ROOT = "/usr/share/man"
_MIN_DOC_CHARS = 200
# `.so` pulls in another file (the page is then a redirect or incomplete); `.Dd` starts an mdoc
# page, whose BSD macro set this converter does not read. Both are rare and skipped whole.
_UNREADABLE_PAGE = re.compile(r"^\.\s*(?:so|Dd)\s", re.MULTILINE)


def _read_man_page(path: str, max_bytes: int) -> str | None:
    """The roff source of a plain or .gz page, or None when it is unreadable or not UTF-8 text."""
    if not path.endswith(".gz"):
        return read_text_file(path, max_bytes)
    try:
        with gzip.open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)  # bounded, whatever the page claims to unpack to
    except (OSError, EOFError, zlib.error):
        return None
    if len(raw) > max_bytes or b"\x00" in raw:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _manual_pages(folders: list[Path], max_bytes: int) -> Iterator[str]:
    seen: set[str] = set()
    for folder in folders:
        for entry in _sorted_entries(str(folder)):
            real = os.path.realpath(entry.path)
            if real in seen or not os.path.isfile(real):
                continue
            seen.add(real)
            roff = _read_man_page(real, max_bytes)
            if roff is None or _UNREADABLE_PAGE.search(roff):
                continue
            text = man_to_text(roff)
            if len(text) >= _MIN_DOC_CHARS:
                yield text


def _python_help_topics() -> dict[str, str]:
    """Python's `help()` topics (pydoc_data), or nothing where a slimmed Python left them out."""
    try:
        from pydoc_data.topics import topics
    except ImportError:
        return {}
    return topics


def _help_documents(topics: dict[str, str], max_bytes: int) -> Iterator[str]:
    for name in sorted(topics):
        text = topics[name].strip() + "\n"
        if len(text.encode("utf-8")) <= max_bytes:
            yield text


def installed_english_docs(max_docs: int | None = None,
                           man_sections: Sequence[str] = ("1", "5", "7", "8"),
                           include_pydoc: bool = True, max_doc_bytes: int = 200_000,
                           man_root: str | Path = DEFAULT_MAN_ROOT) -> Iterator[str]:
    """Python's help topics (few, long, well written), then the English manual pages of
    `man_root`/man<section> as plain text; translations in `man_root`/<lang>/ are left alone."""
    man_root = Path(man_root)
    folders = [man_root / f"man{s}" for s in man_sections if (man_root / f"man{s}").is_dir()]
    topics = _python_help_topics() if include_pydoc else {}
    if not folders and not topics:
        raise UserError(f"no manual pages under {man_root}/man{{{','.join(man_sections)}}} and no "
                        "Python help topics; install man pages (apt-get install man-db manpages) "
                        "or choose another English source")
    documents = itertools.chain(_help_documents(topics, max_doc_bytes),
                                _manual_pages(folders, max_doc_bytes))
    return itertools.islice(documents, max_docs)
