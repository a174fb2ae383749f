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
# Source and data formats that are never shell scripts; not opening them at all is most of the
# speed of a scan whose files are not yet in the page cache.
_OTHER_SUFFIXES = (".py", ".pyc", ".pl", ".pm", ".rb", ".js", ".json", ".yaml", ".xml", ".html",
                   ".rst", ".md", ".txt", ".vim", ".cmake", ".h", ".c", ".so", ".a", ".o", ".bc",
                   ".gz", ".xz", ".zst", ".whl", ".jar", ".mo", ".png", ".svg", ".debug")


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
            if real in seen or entry.name.endswith(_OTHER_SUFFIXES):
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
# Strings that man and pod2man pages interpolate with \* without defining them where this reader
# sees them (in conditionals); strings a page defines with `.ds` are added, any other is dropped.
_STRINGS = {'L"': '"', 'R"': '"', "C`": '"', "C'": '"', "lq": '"', "rq": '"', "Aq": "'",
            "--": "—", "C+": "C++", "PI": "pi", "R": "®", "Tm": "™"}
# One-character escapes; an escaped character not listed stands for itself (`\.` is a period).
_CHARS = {"e": "\\", "E": "\\", " ": " ", "~": " ", "0": " ", "t": "\t", "&": "", ":": "", "%": "",
          "|": "", "^": "", "/": "", ",": "", ")": "", "c": "", "d": "", "u": "", "p": "", "r": "",
          "z": "", "a": "", "{": "", "}": ""}
_ESCAPE = re.compile(
    r"\\(?:(?P<kind>[*fFgkmMnVY])[+-]?(?:\(..|\[[^\]]*\]|.)"  # fonts, registers, colours
    r"|s[+-]?(?:\(\d\d|\[[^\]]*\]|'[^']*'|\d)"  # point size
    r"|(?P<delimited>[ACDNRXZbhLlovwx])'(?P<argument>[^']*)'"  # motions, drawing; \C'xx' a glyph
    r"|\((?P<glyph>..)|\[(?P<glyph_long>[^\]]*)\]"  # special characters
    r"|(?P<char>.))")
_STRING_REFERENCE = re.compile(r"\\\*(?:\((..)|\[([^\]]*)\]|(.))")
_COMMENT = re.compile(r"^((?:[^\\]|\\.)*?)\\[\"#].*")
_REQUEST = re.compile(r"[.']\s*([^\s\\]*)\s*(.*)")
_ARGUMENT = re.compile(r'"(?:[^"]|"")*"?|(?:\\.|\S)+')
_DROPPED_BLOCKS = {"de": "..", "de1": "..", "am": "..", "ig": "..", "EQ": ".EN", "PS": ".PE"}
_CONDITIONALS = {"if", "ie", "el"}
_PARAGRAPHS = {"PP", "LP", "P", "HP", "sp", "bp"}
_LINE_BREAKS = {"br", "RS", "RE", "in", "ti", "ce"}
_NO_FILL, _FILL = {"nf", "EX"}, {"fi", "EE"}
_FONTS = {"B", "I", "SM", "SB"}
_ALTERNATING_FONTS = {"BR", "RB", "IR", "RI", "BI", "IB"}  # arguments joined without spaces


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
    if match["kind"]:
        return ""  # fonts, registers, colours, and strings no page defined: layout only
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


class _ManPage:
    """A man(7) page read line by line into plain text. Text is filled into one line per
    paragraph, as roff fills it, except in no-fill regions (`.nf`, `.EX`), whose lines keep their
    shape; comments, macro definitions, conditionals and layout requests leave nothing behind."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.words: list[str] = []  # the paragraph being filled
        self.fill = True
        self.tag_pending = False  # after .TP or a bare .SH: the next line stands alone
        self.heading = -1  # the index in `lines` of the last heading, which needs no blank after
        self.block_end = ""  # the line that closes a dropped block (`..` after `.de`)
        self.open_braces = 0  # unclosed `\\{` of a dropped conditional
        self.table_tab: str | None = None  # between .TS and .TE: the column separator
        self.in_table_format = False
        self.strings = dict(_STRINGS)  # what `\*(xx` stands for

    def read(self, raw: str) -> None:
        if self.open_braces:
            self.open_braces += raw.count("\\{") - raw.count("\\}")
        elif self.block_end:
            self.block_end = "" if raw.strip() == self.block_end else self.block_end
        elif self.in_table_format:
            self._read_table_format(raw)
        else:
            line = _COMMENT.sub(r"\1", raw) if ("\\\"" in raw or "\\#" in raw) else raw
            if "\\*" in line:
                line = _STRING_REFERENCE.sub(self._string, line)
            request = _REQUEST.match(line)
            if request is not None:
                self._request(request[1], request[2])
            elif line or not raw:  # a line that held only a comment leaves nothing
                self._text_line(line)

    def text(self) -> str:
        self._break()
        text = "\n".join(line.rstrip() for line in self.lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"

    def _string(self, reference: re.Match[str]) -> str:
        return self.strings.get(reference[1] or reference[2] or reference[3], "")

    def _define_string(self, definition: str) -> None:
        name, _, value = definition.partition(" ")
        value = value.lstrip()
        self.strings[name] = value[1:] if value.startswith('"') else value

    def _break(self) -> None:
        if self.words:
            self.lines.append(" ".join(self.words))
            self.words = []

    def _paragraph(self) -> None:
        self._break()
        if self.heading != len(self.lines) - 1:
            self.lines.append("")

    def _add(self, text: str) -> None:
        if not self.fill:
            self.lines.append(text)
        elif text.strip():
            self.words.append(text.strip())
        if self.tag_pending:
            self.tag_pending = False
            self._break()

    def _text_line(self, line: str) -> None:
        if self.table_tab is not None:
            row = _table_row(line, self.table_tab)
            if row and line not in ("_", "="):  # rules and `T{` openers leave no row
                self._break()
                self.lines.append(row)
        elif not line.strip():
            self._paragraph()
        else:
            if line[0].isspace():
                self._break()  # roff breaks before an indented line
            self._add(_plain(line))

    def _read_table_format(self, line: str) -> None:
        tab = re.search(r"tab\s*\((.)\)", line)
        self.table_tab = tab[1] if tab else self.table_tab
        self.in_table_format = not line.rstrip().endswith(".")

    def _request(self, name: str, rest: str) -> None:
        arguments = _arguments(rest)
        if name in _CONDITIONALS:
            self.open_braces = rest.count("\\{") - rest.count("\\}")
        elif name in ("ds", "ds1"):
            self._define_string(rest)
        elif name in _DROPPED_BLOCKS:
            self.block_end = _DROPPED_BLOCKS[name]
        elif name == "TS":
            self._break()
            self.in_table_format, self.table_tab = True, "\t"
        elif name == "T&":
            self.in_table_format = True
        elif name == "TE":
            self.table_tab = None
        elif name in ("SH", "SS"):
            self._paragraph()
            self.tag_pending = True
            if arguments:
                self._add(_plain(" ".join(arguments)))
                self.heading = len(self.lines) - 1
        elif name == "TP":
            self._paragraph()
            self.tag_pending = True
        elif name == "IP":
            self._paragraph()
            if arguments:
                self._add(_plain(arguments[0]))  # the tag; a second argument is an indent
        elif name in _PARAGRAPHS:
            self._paragraph()
        elif name in _LINE_BREAKS:
            self._break()
        elif name in _NO_FILL or name in _FILL:
            self._break()
            self.fill = name in _FILL
        elif name in _FONTS and arguments:
            self._add(_plain(" ".join(arguments)))
        elif name in _ALTERNATING_FONTS:
            self._add(_plain("".join(arguments)))


def man_to_text(roff: str) -> str:
    """Plain text of a man(7) page: headings, filled paragraphs, tags and the words of font
    macros kept; comments, macro definitions, conditionals and layout requests dropped."""
    page = _ManPage()
    for line in roff.splitlines():
        page.read(line)
    return page.text()


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


def _family(name: str) -> str:
    """The command a page belongs to: `gcloud-alpha-compute-ssh.1.gz` → `gcloud`."""
    return re.split(r"[-_.]", name, maxsplit=1)[0]


def _breadth_first(entries: list[os.DirEntry[str]], max_per_family: int | None) -> list[os.DirEntry[str]]:
    """Every family's first page, then every family's second, and so on, at most
    `max_per_family` each (names sorted within a round).

    Some packages install thousands of generated pages (here 16,631 `gcloud-*` of 17,905 in man1);
    in name order a document limit would fill with them and never reach sections 5, 7 and 8."""
    rank: dict[str, int] = {}
    keyed = []
    for entry in entries:
        family = _family(entry.name)
        rank[family] = rank.get(family, -1) + 1
        if max_per_family is None or rank[family] < max_per_family:
            keyed.append((rank[family], entry.name, entry))
    return [entry for _, _, entry in sorted(keyed, key=lambda item: item[:2])]


def _manual_pages(folders: list[Path], max_bytes: int, max_per_family: int | None) -> Iterator[str]:
    seen: set[str] = set()
    entries = [entry for folder in folders for entry in _sorted_entries(str(folder))]
    for entry in _breadth_first(entries, max_per_family):
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
                           man_root: str | Path = DEFAULT_MAN_ROOT,
                           max_per_family: int | None = 50) -> Iterator[str]:
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
                                _manual_pages(folders, max_doc_bytes, max_per_family))
    return itertools.islice(documents, max_docs)
